from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestTier(PartnerCommon):
    def test_threshold_below_lower_tier(self):
        with self.assertRaisesRegex(ValidationError, "Silver.*must be above.*Bronze"):
            self.silver.threshold = 0
        self.assertEqual(self.silver.threshold, 1000)
        with self.assertRaisesRegex(ValidationError, "Platinum.*must be above.*Gold"):
            self.env["channel.partner.tier"].create(
                {"name": "Platinum", "sequence": 4, "threshold": 4000}
            )

    def test_review_settings_bounds(self):
        company = self.company
        before = (
            company.deal_protection_days,
            company.tier_min_punctuality,
            company.tier_demotion_grace,
        )
        with self.assertRaisesRegex(ValidationError, "number of days, 0 or more"):
            company.deal_protection_days = -1
        with self.assertRaisesRegex(ValidationError, "between 0 and 100, not 120"):
            company.tier_min_punctuality = 120
        with self.assertRaisesRegex(ValidationError, "between 0 and 100, not -5"):
            company.tier_min_punctuality = -5
        with self.assertRaisesRegex(ValidationError, "0 % or more"):
            company.tier_demotion_grace = -10
        self.assertEqual(
            (
                company.deal_protection_days,
                company.tier_min_punctuality,
                company.tier_demotion_grace,
            ),
            before,
        )
        company.write({"deal_protection_days": 0, "tier_demotion_grace": 150})
        self.assertEqual(company.tier_demotion_grace, 150)

    def test_tier_pricelist_given_to_partner(self):
        self.beta.partner_tier_id = self.gold
        self.assertEqual(self.beta.property_product_pricelist, self.pricelist_gold)

    def _revenue(self, partner, amount, days_ago=30):
        order = self._sell(
            partner,
            [(self.product, 1, amount)],
        )
        order.date_order = date.today() - timedelta(days=days_ago)
        return order

    def _pay(self, order, on_time=True):
        move = self._invoice(order, date.today() - timedelta(days=20))
        move.invoice_date_due = date.today() - timedelta(days=10)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"payment_date": date.today() - timedelta(days=15 if on_time else 5)}
        )._create_payments()
        return move

    def test_review_proposals(self):
        """Gamma (Bronze) sells 6,000: proposed for Gold. Beta (Silver) sells
        nothing: proposed for Bronze. Alpha (Gold) at 5,500 stays."""
        self.company.channel_exclusivity_mode = "warn"
        self._revenue(self.gamma, 6000)
        self._revenue(self.alpha, 5500)
        Review = self.env["channel.partner.tier.review"]
        proposals = Review._propose(self.alpha | self.beta | self.gamma)
        by_partner = {p.partner_id: p for p in proposals}
        self.assertEqual(set(by_partner), {self.beta, self.gamma})
        gamma = by_partner[self.gamma]
        self.assertEqual(gamma.direction, "promotion")
        self.assertEqual(gamma.proposed_tier_id, self.gold)
        self.assertEqual(gamma.current_tier_id, self.bronze)
        self.assertAlmostEqual(gamma.revenue, 6000.0)
        beta = by_partner[self.beta]
        self.assertEqual(beta.direction, "demotion")
        self.assertEqual(beta.proposed_tier_id, self.bronze)
        # no second proposal while one waits
        self.assertFalse(Review._propose(self.beta | self.gamma))
        gamma.action_approve()
        self.assertEqual(self.gamma.partner_tier_id, self.gold)
        # the day of the user who approves (Odoo's context_today), which is
        # not the server's date around midnight
        self.assertEqual(self.gamma.tier_since, fields.Date.context_today(gamma))
        self.assertEqual(self.gamma.property_product_pricelist, self.pricelist_gold)
        beta.action_reject()
        self.assertEqual(self.beta.partner_tier_id, self.silver)
        self.assertEqual(beta.decided_by, self.env.user)
        with self.assertRaisesRegex(UserError, "already decided"):
            beta.action_approve()
        # history: the decided proposals stay
        history = Review.search([("partner_id", "in", (self.beta | self.gamma).ids)])
        self.assertEqual(
            {review.partner_id: review.state for review in history},
            {self.beta: "rejected", self.gamma: "approved"},
        )

    def test_punctuality_holds_promotion_and_achievement_spares_demotion(self):
        self.company.channel_exclusivity_mode = "warn"
        self.company.tier_min_punctuality = 80
        late = self._revenue(self.gamma, 1500)
        self._pay(late, on_time=False)
        Review = self.env["channel.partner.tier.review"]
        kpis = self.env["res.partner"]._partner_kpis(self.gamma.ids)
        self.assertEqual(kpis[self.gamma.id]["punctuality"], 0.0)
        self.assertFalse(Review._propose(self.gamma))
        on_time = self._revenue(self.gamma, 1500)
        self._pay(on_time, on_time=True)
        self._pay(self._revenue(self.gamma, 100), on_time=True)
        self._pay(self._revenue(self.gamma, 100), on_time=True)
        self._pay(self._revenue(self.gamma, 100), on_time=True)
        # 4 of 5 invoices paid on time: 80 %
        kpis = self.env["res.partner"]._partner_kpis(self.gamma.ids)
        self.assertAlmostEqual(kpis[self.gamma.id]["punctuality"], 80.0)
        proposal = Review._propose(self.gamma)
        self.assertEqual(proposal.proposed_tier_id, self.silver)

        # Beta sells nothing but reaches its target: not demoted
        target = self.env["sales.target"].create(
            {
                "dimension": "channel_partner",
                "channel_partner_id": self.beta.id,
                "measure": "ordered",
                "period_type": "month",
                "date_from": date.today().replace(day=1),
                "target_value": 100,
            }
        )
        target.action_confirm()
        self._revenue(self.cust_south, 150, days_ago=0).channel_partner_id = self.beta
        target._refresh_actuals()
        self.assertAlmostEqual(target.actual_value, 150.0)
        self.assertFalse(Review._propose(self.beta))
        self.company.tier_demotion_grace = 200
        self.assertEqual(Review._propose(self.beta).proposed_tier_id, self.bronze)

    def test_kpis_and_growth(self):
        self.company.channel_exclusivity_mode = "warn"
        self._revenue(self.gamma, 2000, days_ago=400)
        self._revenue(self.gamma, 3000, days_ago=10)
        self.gamma.invalidate_recordset()
        self.assertAlmostEqual(self.gamma.partner_revenue_12m, 3000.0)
        self.assertAlmostEqual(self.gamma.partner_growth, 50.0)
