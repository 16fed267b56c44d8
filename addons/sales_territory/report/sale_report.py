from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    territory_id = fields.Many2one("sales.territory", readonly=True)
    territory_region_id = fields.Many2one(
        "sales.territory", string="Region", readonly=True
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["territory_id"] = "s.territory_id"
        res["territory_region_id"] = "sales_territory.region_id"
        return res

    def _from_sale(self):
        return (
            super()._from_sale()
            + """
            LEFT JOIN sales_territory ON sales_territory.id = s.territory_id"""
        )

    def _group_by_sale(self):
        return (
            super()._group_by_sale()
            + """,
            s.territory_id,
            sales_territory.region_id"""
        )
