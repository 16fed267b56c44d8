from odoo import api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sales.territory.input.mixin"]

    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        index=True,
        tracking=True,
        help="The channel the customer usually buys through; its orders take it.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["channel_id"]
