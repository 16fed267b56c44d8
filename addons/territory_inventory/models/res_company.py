from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Upper bounds of the replenishment settings, in days.
MAX_HISTORY_DAYS = 3650
MAX_CYCLE_DAYS = 365


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sales.territory.input.mixin"]

    replenishment_history_days = fields.Integer(
        string="Demand History (days)",
        default=90,
        help="Days of past deliveries whose average and spread give the demand.",
    )
    replenishment_service_level = fields.Float(
        string="Service Level (%)",
        default=95.0,
        help="Share of replenishment cycles without stock-out that the safety stock "
        "aims at; between 50 % (no safety stock) and 99.9 %.",
    )
    replenishment_lead_time = fields.Integer(
        string="Default Lead Time (days)",
        default=7,
        help="Lead time of products without a vendor lead time.",
    )
    replenishment_review_days = fields.Integer(
        string="Review Period (days)",
        default=7,
        help="Days between two orders: the maximum covers the demand of one period "
        "above the minimum.",
    )
    replenishment_mode = fields.Selection(
        [("auto", "Write the Reordering Rules"), ("review", "Propose for Review")],
        string="Replenishment Planning",
        default="review",
        required=True,
    )
    rebalance_surplus_days = fields.Integer(
        string="Surplus Above (days of cover)",
        default=60,
        help="A warehouse with more days of cover than this may give stock to a "
        "warehouse below its minimum.",
    )

    @api.constrains(
        "replenishment_history_days",
        "replenishment_service_level",
        "replenishment_lead_time",
        "replenishment_review_days",
        "rebalance_surplus_days",
    )
    def _check_replenishment_settings(self):
        for company in self:
            if not 50.0 < company.replenishment_service_level <= 99.9:
                raise ValidationError(
                    self.env._(
                        "The service level must be above 50 %% and at most 99.9 %% "
                        "(it is %(level)s %%).",
                        level=company.replenishment_service_level,
                    )
                )
            if company.replenishment_history_days <= 0:
                raise ValidationError(
                    self.env._("The demand history must cover at least one day.")
                )
            if (
                company.replenishment_lead_time < 0
                or company.replenishment_review_days < 0
            ):
                raise ValidationError(
                    self.env._("Lead time and review period cannot be negative.")
                )
            if company.rebalance_surplus_days <= 0:
                raise ValidationError(
                    self.env._("The surplus limit must be at least one day of cover.")
                )
            # upper bounds: checked before the values reach the database, whose
            # integer columns would refuse absurd ones with a technical error
            if (
                company.replenishment_history_days > MAX_HISTORY_DAYS
                or company.rebalance_surplus_days > MAX_HISTORY_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "The demand history and the surplus limit are at most "
                        "%(max)s days (ten years).",
                        max=MAX_HISTORY_DAYS,
                    )
                )
            if (
                company.replenishment_lead_time > MAX_CYCLE_DAYS
                or company.replenishment_review_days > MAX_CYCLE_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "Lead time and review period are at most %(max)s days.",
                        max=MAX_CYCLE_DAYS,
                    )
                )
