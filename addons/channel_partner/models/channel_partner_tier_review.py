from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, get_lang


class ChannelPartnerTierReview(models.Model):
    """A proposal to move a partner to another tier, made by the review from
    its trailing revenue, growth, target achievement and payment punctuality,
    approved or rejected by a manager. Decided proposals are the history."""

    _name = "channel.partner.tier.review"
    _description = "Partner Tier Proposal"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_tier_id = fields.Many2one("channel.partner.tier", readonly=True)
    proposed_tier_id = fields.Many2one(
        "channel.partner.tier", required=True, readonly=True
    )
    direction = fields.Selection(
        [("promotion", "Promotion"), ("demotion", "Demotion")], readonly=True
    )
    revenue = fields.Monetary(string="Revenue (12 months)", readonly=True)
    growth = fields.Float(string="Growth (%)", readonly=True)
    achievement = fields.Float(string="Target Achievement (%)", readonly=True)
    punctuality = fields.Float(string="Payment Punctuality (%)", readonly=True)
    reason = fields.Text(readonly=True)
    state = fields.Selection(
        [
            ("proposed", "To Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="proposed",
        required=True,
        tracking=True,
        index=True,
    )
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)

    # ------------------------------------------------------------ proposals
    @api.model
    def _evaluate(self, partners, kpis):
        """The tier each partner should have and why: {partner: (tier,
        direction, reason)} for those whose tier should change.

        The tier is the highest whose threshold the trailing revenue reaches.
        A promotion also needs the company's payment punctuality; a demotion
        is spared while the partner reaches the company's share of its
        targets."""
        Tier = self.env["channel.partner.tier"]
        # the language of the reasons, found once: res.currency.format() looks
        # it up again for every amount, which cost two thirds of a review of
        # thousands of partners
        lang_code = get_lang(self.env).code

        def money(company, amount):
            return format_amount(
                self.env, amount + 0.0, company.currency_id, lang_code=lang_code
            )

        # per company, once: the tiers in order with their thresholds, their
        # ranks, and the thresholds as the reasons show them (thousands of
        # partners are reviewed at once)
        ladders, ranks, thresholds = {}, {}, {}
        for company in partners.company_id | self.env.company:
            ranked = Tier.search([("company_id", "=", company.id)]).sorted(
                lambda t: (t.sequence, t.id)
            )
            ladders[company] = [(tier.threshold, tier) for tier in ranked]
            ranks.update({tier: index for index, tier in enumerate(ranked)})
            thresholds.update({tier: money(company, tier.threshold) for tier in ranked})
        changes = {}
        for partner in partners:
            company = partner.company_id or self.env.company
            figures = kpis.get(partner.id, {})
            revenue = figures.get("revenue", 0.0)
            reached = None
            for threshold, tier in ladders[company]:
                if threshold <= revenue:
                    reached = tier
            current = partner.partner_tier_id
            if not reached or reached == current:
                continue
            promotion = not current or ranks[reached] > ranks.get(current, -1)
            punctuality = figures.get("punctuality")
            achievement = figures.get("achievement", 0.0)
            if promotion:
                if (
                    punctuality is not None
                    and punctuality < company.tier_min_punctuality
                ):
                    continue
                reason = self.env._(
                    "Revenue %(revenue)s reaches the threshold of %(tier)s "
                    "(%(threshold)s); growth %(growth)s %%, punctuality "
                    "%(punctuality)s %%.",
                    revenue=money(company, revenue),
                    tier=reached.name,
                    threshold=thresholds[reached],
                    growth=round(figures.get("growth", 0.0), 1),
                    punctuality=round(punctuality or 100.0, 1),
                )
            else:
                if achievement >= company.tier_demotion_grace:
                    continue
                reason = self.env._(
                    "Revenue %(revenue)s is below the threshold of %(tier)s "
                    "(%(threshold)s); target achievement %(achievement)s %%.",
                    revenue=money(company, revenue),
                    tier=current.name,
                    threshold=thresholds.get(current)
                    or money(company, current.threshold),
                    achievement=round(achievement, 1),
                )
            changes[partner] = (
                reached,
                "promotion" if promotion else "demotion",
                reason,
            )
        return changes

    @api.model
    def _propose(self, partners=None, today=None):
        """Proposals for the active channel partners (or ``partners``) whose
        tier should change and that have no proposal to review yet."""
        Partner = self.env["res.partner"]
        if partners is None:
            partners = Partner.search(
                [
                    ("is_channel_partner", "=", True),
                    ("is_company", "=", True),
                    ("partner_lifecycle", "in", ("onboarding", "active")),
                ]
            )
        pending = set(
            self.search(
                [("state", "=", "proposed"), ("partner_id", "in", partners.ids)]
            ).partner_id.ids
        )
        partners = partners.filtered(lambda p: p.id not in pending)
        kpis = Partner._partner_kpis(partners.ids, today=today)
        changes = self._evaluate(partners, kpis)
        quiet = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        return quiet.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "current_tier_id": partner.partner_tier_id.id,
                    "proposed_tier_id": tier.id,
                    "direction": direction,
                    "revenue": kpis.get(partner.id, {}).get("revenue", 0.0),
                    "growth": kpis.get(partner.id, {}).get("growth", 0.0),
                    "achievement": kpis.get(partner.id, {}).get("achievement", 0.0),
                    "punctuality": kpis.get(partner.id, {}).get("punctuality", 0.0),
                    "reason": reason,
                }
                for partner, (tier, direction, reason) in changes.items()
            ]
        )

    @api.model
    def _cron_review(self):
        proposals = self._propose()
        managers = proposals.partner_id.partner_manager_id
        for manager in managers:
            count = len(
                proposals.filtered(
                    lambda p, m=manager: p.partner_id.partner_manager_id == m
                )
            )
            manager.partner_id.message_post(
                body=self.env._(
                    "%(count)s partner tier proposals wait for your review.",
                    count=count,
                ),
                partner_ids=manager.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        return proposals

    # ------------------------------------------------------------ decisions
    def _check_open(self):
        for review in self:
            if review.state != "proposed":
                raise UserError(
                    self.env._(
                        "The proposal for %(partner)s was already decided.",
                        partner=review.partner_id.display_name,
                    )
                )

    def action_approve(self):
        self._check_open()
        today = fields.Date.context_today(self)
        for review in self:
            review.partner_id.write(
                {"partner_tier_id": review.proposed_tier_id.id, "tier_since": today}
            )
        self.write(
            {
                "state": "approved",
                "decided_by": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self):
        self._check_open()
        self.write(
            {
                "state": "rejected",
                "decided_by": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        return True
