from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sales.territory.input.mixin"]

    replenishment_history_days = fields.Integer(
        related="company_id.replenishment_history_days", readonly=False
    )
    replenishment_service_level = fields.Float(
        related="company_id.replenishment_service_level", readonly=False
    )
    replenishment_lead_time = fields.Integer(
        related="company_id.replenishment_lead_time", readonly=False
    )
    replenishment_review_days = fields.Integer(
        related="company_id.replenishment_review_days", readonly=False
    )
    replenishment_mode = fields.Selection(
        related="company_id.replenishment_mode", readonly=False
    )
    rebalance_surplus_days = fields.Integer(
        related="company_id.rebalance_surplus_days", readonly=False
    )
