from odoo import api, fields, models
from odoo.tools import SQL


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    territory_id = fields.Many2one("sales.territory", readonly=True)
    territory_region_id = fields.Many2one(
        "sales.territory", string="Region", readonly=True
    )

    _depends = {"account.move": ["territory_id"]}

    @api.model
    def _select(self):
        return SQL(
            "%s, move.territory_id AS territory_id, "
            "sales_territory.region_id AS territory_region_id",
            super()._select(),
        )

    @api.model
    def _from(self):
        return SQL(
            "%s LEFT JOIN sales_territory ON sales_territory.id = move.territory_id",
            super()._from(),
        )
