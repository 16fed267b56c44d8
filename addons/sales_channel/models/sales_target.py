from odoo import api, fields, models


class SalesTarget(models.Model):
    _inherit = "sales.target"

    dimension = fields.Selection(
        selection_add=[("channel", "Sales Channel")], ondelete={"channel": "cascade"}
    )
    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        index=True,
        tracking=True,
        check_company=True,
        help="Only sales through this channel count. With a territory: a channel x "
        "territory target.",
    )

    @api.model
    def _dimension_fields(self):
        return dict(super()._dimension_fields(), channel="channel_id")

    @api.depends("channel_id")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        for target in self:
            if target.channel_id and target.dimension != "channel":
                target.display_name = (
                    f"{target.display_name} · {target.channel_id.display_name}"
                )
        return res
