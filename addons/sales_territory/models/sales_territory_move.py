from odoo import api, fields, models
from odoo.tools import SQL

ORIGINS = [
    ("auto", "Automatic Assignment"),
    ("cron", "Scheduled Assignment"),
    ("realignment", "Realignment"),
    ("manual", "Manual Change"),
]


class SalesTerritoryMoveLog(models.Model):
    """Storage of the moves made one customer at a time (by rules when an
    address changes, by the scheduled assignment, or by hand)."""

    _name = "sales.territory.move.log"
    _description = "Territory Move (single)"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    from_territory_id = fields.Many2one("sales.territory", ondelete="set null")
    to_territory_id = fields.Many2one("sales.territory", ondelete="set null")
    rule_id = fields.Many2one("sales.territory.rule", ondelete="set null")
    origin = fields.Selection(ORIGINS, required=True, default="manual")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )


class SalesTerritoryMove(models.Model):
    """The audit log of every change of a customer's territory.

    A read-only view over the single moves (``sales.territory.move.log``) and
    the applied lines of realignments, so that a realignment of 100,000
    customers does not copy its lines into a second table."""

    _name = "sales.territory.move"
    _description = "Territory Move (Audit Log)"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    from_territory_id = fields.Many2one("sales.territory", string="From", readonly=True)
    to_territory_id = fields.Many2one("sales.territory", string="To", readonly=True)
    rule_id = fields.Many2one(
        "sales.territory.rule",
        readonly=True,
        help="The rule that won, for moves made by rules.",
    )
    origin = fields.Selection(ORIGINS, readonly=True)
    realignment_id = fields.Many2one("sales.territory.realignment", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
SELECT log.id * 2 AS id, log.partner_id, log.from_territory_id,
       log.to_territory_id, log.rule_id, log.origin,
       NULL::integer AS realignment_id, log.user_id, log.date, log.company_id
  FROM sales_territory_move_log log
UNION ALL
SELECT line.id * 2 + 1, line.partner_id, old.id, new.id, rule.id, 'realignment',
       line.realignment_id, line.applied_uid, line.applied_date, line.company_id
  FROM sales_territory_realignment_result line
  JOIN res_partner p ON p.id = line.partner_id
  LEFT JOIN sales_territory old ON old.id = line.current_territory_id
  LEFT JOIN sales_territory new ON new.id = line.new_territory_id
  LEFT JOIN sales_territory_rule rule ON rule.id = line.rule_id
 WHERE line.state = 'done'
"""
        )

    @api.model
    def _log(self, moves, origin):
        """Record moves: dicts with partner, old and new territories, rule id.
        Returns the moves as records of the audit log."""
        if not moves:
            return self
        logs = (
            self.env["sales.territory.move.log"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": move["partner"].id,
                        "from_territory_id": move["old"].id,
                        "to_territory_id": move["new"].id,
                        "rule_id": move.get("rule") or False,
                        "origin": origin,
                        "company_id": (
                            move["new"].company_id
                            or move["old"].company_id
                            or self.env.company
                        ).id,
                    }
                    for move in moves
                ]
            )
        )
        return self.browse([log.id * 2 for log in logs])
