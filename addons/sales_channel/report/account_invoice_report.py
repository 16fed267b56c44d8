from odoo import api, fields, models
from odoo.tools import SQL


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    channel_id = fields.Many2one("sales.channel", string="Sales Channel", readonly=True)

    _depends = {"account.move": ["channel_id"]}

    @api.model
    def _select(self):
        return SQL("%s, move.channel_id AS channel_id", super()._select())
