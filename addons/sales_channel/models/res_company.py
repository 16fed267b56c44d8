from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

SCORE_WEIGHTS = [
    ("channel_weight_revenue", "Revenue"),
    ("channel_weight_margin", "Margin Rate"),
    ("channel_weight_growth", "Growth"),
    ("channel_weight_refund", "Refund Rate"),
    ("channel_weight_target", "Target Achievement"),
    ("channel_weight_new_customers", "New Customers"),
]


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sales.territory.input.mixin"]

    default_channel_id = fields.Many2one(
        "sales.channel",
        string="Default Sales Channel",
        help="Orders whose customer and team have no channel (e.g. from the online "
        "shop) take this one.",
    )
    channel_block_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block")],
        string="Action on Blocked Channels",
        default="block",
        required=True,
        help="What happens when a quotation is confirmed in a channel that is "
        "blocked in its territory: a warning in the order's chatter, or a refusal.",
    )
    channel_weight_revenue = fields.Float(string="Revenue Weight", default=30.0)
    channel_weight_margin = fields.Float(string="Margin Rate Weight", default=20.0)
    channel_weight_growth = fields.Float(string="Growth Weight", default=20.0)
    channel_weight_refund = fields.Float(string="Refund Rate Weight", default=10.0)
    channel_weight_target = fields.Float(
        string="Target Achievement Weight", default=10.0
    )
    channel_weight_new_customers = fields.Float(
        string="New Customers Weight", default=10.0
    )

    @api.constrains(*(fname for fname, _label in SCORE_WEIGHTS))
    def _check_channel_weights(self):
        for company in self:
            weights = [company[fname] for fname, _label in SCORE_WEIGHTS]
            if any(weight < 0 for weight in weights):
                raise ValidationError(
                    self.env._("The weights of the channel score cannot be negative.")
                )
            if float_compare(sum(weights), 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "The weights of the channel score add up to %(total)s, not "
                        "100: revenue, margin rate, growth, refund rate, target "
                        "achievement and new customers together make 100.",
                        total=round(sum(weights), 2),
                    )
                )
