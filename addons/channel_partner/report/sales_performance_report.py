from odoo import api, fields, models


class SalesPerformanceReport(models.Model):
    _inherit = "sales.performance.report"
    _depends = {
        "sale.order": ["channel_partner_id"],
        "account.move": ["channel_partner_id"],
        "sales.target": ["channel_partner_id"],
        "res.partner": ["is_channel_partner"],
    }

    channel_partner_id = fields.Many2one("res.partner", readonly=True)

    @api.model
    def _fact_dimensions(self):
        # the partner who brought or fulfils the sale, else the customer itself
        # when it is a channel partner (its sell-in)
        return dict(
            super()._fact_dimensions(),
            channel_partner_id={
                "order": "COALESCE(s.channel_partner_id, CASE WHEN "
                "p.is_channel_partner THEN p.commercial_partner_id END)",
                "invoice": "COALESCE(m.channel_partner_id, (SELECT cpx.id FROM "
                "res_partner cpx WHERE cpx.id = m.commercial_partner_id AND "
                "cpx.is_channel_partner))",
            },
        )
