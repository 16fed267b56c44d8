import itertools

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ChannelPartnerTier(models.Model):
    """A level of channel partners (e.g. Registered, Silver, Gold, Platinum):
    reached from a trailing twelve-month revenue, with its pricelist, its
    benefits and its share of the leads forwarded."""

    _name = "channel.partner.tier"
    _description = "Channel Partner Tier"
    _inherit = ["sales.territory.input.mixin"]
    _order = "sequence, threshold, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    threshold = fields.Monetary(
        string="Revenue Threshold",
        help="Trailing twelve-month revenue from which a partner belongs to the tier.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Given to the partners of the tier (their own pricelist).",
    )
    benefits = fields.Html(translate=True)
    forward_weight = fields.Integer(
        string="Lead Weight",
        default=1,
        help="Share of the forwarded leads: a partner of weight 3 gets three leads "
        "for one of weight 1, load being equal.",
    )
    lead_capacity = fields.Integer(
        string="Open Leads Capacity",
        default=10,
        help="A partner is not forwarded more leads while it has this many open "
        "forwarded leads (0: no limit).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    partner_count = fields.Integer(compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("partner_tier_id", "in", self.ids)], ["partner_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    @api.constrains("forward_weight", "lead_capacity")
    def _check_forwarding(self):
        for tier in self:
            if tier.forward_weight < 0 or tier.lead_capacity < 0:
                raise ValidationError(
                    self.env._(
                        "The lead weight and the open leads capacity of tier "
                        "%(tier)s cannot be negative.",
                        tier=tier.name,
                    )
                )

    @api.constrains("threshold", "sequence", "company_id", "active")
    def _check_thresholds(self):
        for company in self.company_id:
            tiers = self.search([("company_id", "=", company.id)]).sorted(
                lambda t: (t.sequence, t.id)
            )
            for lower, upper in itertools.pairwise(tiers):
                if upper.threshold <= lower.threshold:
                    raise ValidationError(
                        self.env._(
                            "The threshold of tier %(upper)s (%(upper_threshold)s) "
                            "must be above that of the lower tier %(lower)s "
                            "(%(lower_threshold)s).",
                            upper=upper.name,
                            upper_threshold=upper.threshold,
                            lower=lower.name,
                            lower_threshold=lower.threshold,
                        )
                    )

    @api.model
    def _tier_for(self, revenue, company):
        """The highest tier whose threshold the revenue reaches."""
        tiers = self.search([("company_id", "=", company.id)])
        reached = tiers.filtered(lambda t: t.threshold <= revenue)
        return reached.sorted(lambda t: (t.sequence, t.id))[-1:]
