from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sales.territory.input.mixin"]

    channel_exclusivity_mode = fields.Selection(
        related="company_id.channel_exclusivity_mode", readonly=False
    )
    deal_protection_days = fields.Integer(
        related="company_id.deal_protection_days", readonly=False
    )
    tier_min_punctuality = fields.Float(
        related="company_id.tier_min_punctuality", readonly=False
    )
    tier_demotion_grace = fields.Float(
        related="company_id.tier_demotion_grace", readonly=False
    )
    channel_rebate_product_id = fields.Many2one(
        related="company_id.channel_rebate_product_id", readonly=False
    )
    channel_commission_product_id = fields.Many2one(
        related="company_id.channel_commission_product_id", readonly=False
    )
