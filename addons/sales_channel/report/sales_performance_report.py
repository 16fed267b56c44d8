from odoo import api, fields, models


class SalesPerformanceReport(models.Model):
    _inherit = "sales.performance.report"
    _depends = {
        "sale.order": ["channel_id"],
        "account.move": ["channel_id"],
        "sales.target": ["channel_id"],
    }

    channel_id = fields.Many2one("sales.channel", string="Sales Channel", readonly=True)

    @api.model
    def _fact_dimensions(self):
        return dict(
            super()._fact_dimensions(),
            channel_id={"order": "s.channel_id", "invoice": "m.channel_id"},
        )
