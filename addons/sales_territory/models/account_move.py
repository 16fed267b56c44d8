from odoo import api, fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sales.territory.input.mixin"]

    territory_id = fields.Many2one(
        "sales.territory",
        compute="_compute_territory_id",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        index=True,
        tracking=True,
        check_company=True,
        help="Territory of customer invoices and credit notes: from the sales order, "
        "else the customer's.",
    )

    @api.depends("partner_id")
    def _compute_territory_id(self):
        for move in self:
            if move.state == "posted" or not move.is_sale_document(
                include_receipts=True
            ):
                move.territory_id = (
                    move.territory_id if move.state == "posted" else False
                )
                continue
            orders = move.line_ids.sale_line_ids.order_id
            move.territory_id = (
                orders[:1].territory_id
                or move.partner_id.commercial_partner_id.territory_id
            )
