from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sales.territory.input.mixin"]

    channel_exclusivity_mode = fields.Selection(
        [("warn", "Warn"), ("block", "Block")],
        string="Exclusivity Breach",
        default="warn",
        required=True,
        help="An order to a customer in a territory where another partner holds "
        "exclusivity (or holds an approved deal registration on the customer): "
        "Warn flags the order and notes it on confirmation; Block refuses the "
        "confirmation.",
    )
    deal_protection_days = fields.Integer(
        string="Deal Protection (days)",
        default=90,
        help="How long an approved deal registration protects the partner's claim "
        "on the customer.",
    )
    tier_min_punctuality = fields.Float(
        string="Punctuality for Promotion (%)",
        default=80.0,
        help="A partner is proposed for a higher tier only if at least this share "
        "of its invoices of the last twelve months were paid on time.",
    )
    tier_demotion_grace = fields.Float(
        string="Demotion Grace: Target Achievement (%)",
        default=100.0,
        help="A partner whose revenue fell below its tier's threshold is not "
        "proposed for demotion while it reaches this share of its targets.",
    )
    channel_rebate_product_id = fields.Many2one(
        "product.product",
        string="Rebate Product",
        help="Product of the credit notes of rebates (the default one otherwise).",
    )
    channel_commission_product_id = fields.Many2one(
        "product.product",
        string="Commission Product",
        help="Product of the vendor bills of agents' commissions (the default one "
        "otherwise).",
    )

    @api.constrains(
        "deal_protection_days", "tier_min_punctuality", "tier_demotion_grace"
    )
    def _check_partner_settings(self):
        for company in self:
            if company.deal_protection_days < 0:
                raise ValidationError(
                    self.env._(
                        "The deal protection of %(company)s is a number of days, "
                        "0 or more, not %(days)s.",
                        company=company.name,
                        days=company.deal_protection_days,
                    )
                )
            if not 0 <= company.tier_min_punctuality <= 100:
                raise ValidationError(
                    self.env._(
                        "The punctuality for promotion of %(company)s is a "
                        "percentage between 0 and 100, not %(value)s.",
                        company=company.name,
                        value=company.tier_min_punctuality,
                    )
                )
            if company.tier_demotion_grace < 0:
                raise ValidationError(
                    self.env._(
                        "The demotion grace of %(company)s is a share of the "
                        "targets, 0 %% or more, not %(value)s.",
                        company=company.name,
                        value=company.tier_demotion_grace,
                    )
                )
