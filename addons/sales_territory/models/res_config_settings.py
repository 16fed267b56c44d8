from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sales.territory.input.mixin"]

    territory_auto_assign = fields.Boolean(
        related="company_id.territory_auto_assign", readonly=False
    )
    territory_order_source = fields.Selection(
        related="company_id.territory_order_source", readonly=False
    )
    territory_lead_routing = fields.Boolean(
        related="company_id.territory_lead_routing", readonly=False
    )
    territory_required_to_confirm = fields.Boolean(
        related="company_id.territory_required_to_confirm", readonly=False
    )
    background_job_threshold = fields.Integer(
        related="company_id.background_job_threshold", readonly=False
    )
    target_pace_threshold = fields.Float(
        related="company_id.target_pace_threshold", readonly=False
    )
    segment_window_days = fields.Integer(
        related="company_id.segment_window_days", readonly=False
    )
    segment_new_days = fields.Integer(
        related="company_id.segment_new_days", readonly=False
    )
