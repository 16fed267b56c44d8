from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sales.territory.input.mixin"]

    # not "default_channel_id": settings fields named default_* set field defaults
    company_default_channel_id = fields.Many2one(
        related="company_id.default_channel_id", readonly=False
    )
    channel_block_mode = fields.Selection(
        related="company_id.channel_block_mode", readonly=False
    )
    channel_weight_revenue = fields.Float(
        related="company_id.channel_weight_revenue", readonly=False
    )
    channel_weight_margin = fields.Float(
        related="company_id.channel_weight_margin", readonly=False
    )
    channel_weight_growth = fields.Float(
        related="company_id.channel_weight_growth", readonly=False
    )
    channel_weight_refund = fields.Float(
        related="company_id.channel_weight_refund", readonly=False
    )
    channel_weight_target = fields.Float(
        related="company_id.channel_weight_target", readonly=False
    )
    channel_weight_new_customers = fields.Float(
        related="company_id.channel_weight_new_customers", readonly=False
    )
