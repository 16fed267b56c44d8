from odoo import api, fields, models


class SalesTarget(models.Model):
    _inherit = "sales.target"

    dimension = fields.Selection(
        selection_add=[("channel_partner", "Channel Partner")],
        ondelete={"channel_partner": "cascade"},
    )
    channel_partner_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        tracking=True,
        domain="[('is_channel_partner', '=', True), ('is_company', '=', True)]",
        help="Only sales through this partner (orders it brought or fulfils) or to "
        "it (its sell-in) count.",
    )

    @api.model
    def _dimension_fields(self):
        return dict(super()._dimension_fields(), channel_partner="channel_partner_id")
