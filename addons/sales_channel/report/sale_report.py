from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    channel_id = fields.Many2one("sales.channel", string="Sales Channel", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["channel_id"] = "s.channel_id"
        return res

    def _group_by_sale(self):
        return super()._group_by_sale() + ",\n            s.channel_id"
