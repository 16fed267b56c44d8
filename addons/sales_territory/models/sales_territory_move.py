from odoo import api, fields, models

ORIGINS = [
    ("auto", "Automatic Assignment"),
    ("cron", "Scheduled Assignment"),
    ("realignment", "Realignment"),
    ("manual", "Manual Change"),
]


class SalesTerritoryMove(models.Model):
    _name = "sales.territory.move"
    _description = "Territory Move (Audit Log)"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    from_territory_id = fields.Many2one(
        "sales.territory", string="From", index=True, ondelete="set null"
    )
    to_territory_id = fields.Many2one(
        "sales.territory", string="To", index=True, ondelete="set null"
    )
    rule_id = fields.Many2one(
        "sales.territory.rule",
        ondelete="set null",
        help="The rule that won, for moves made by rules.",
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual")
    realignment_id = fields.Many2one(
        "sales.territory.realignment", index=True, ondelete="set null"
    )
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.model
    def _log(self, moves, origin, realignment=None):
        """Record moves: dicts with partner, old and new territories, rule id."""
        if not moves:
            return self
        return self.sudo().create(
            [
                {
                    "partner_id": move["partner"].id,
                    "from_territory_id": move["old"].id,
                    "to_territory_id": move["new"].id,
                    "rule_id": move.get("rule") or False,
                    "origin": origin,
                    "realignment_id": realignment.id if realignment else False,
                    "company_id": (
                        move["new"].company_id
                        or move["old"].company_id
                        or self.env.company
                    ).id,
                }
                for move in moves
            ]
        )
