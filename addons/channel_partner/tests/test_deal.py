from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestDeal(PartnerCommon):
    def _register(self, user, **values):
        vals = {
            "title": "300 fridges",
            "customer_name": "South Co",
            "expected_revenue": "150000",
        }
        vals.update(values)
        deal = self.env["channel.partner.deal"].with_user(user)._portal_register(vals)
        self.assertEqual(deal.env.user, user)
        return deal.with_env(self.env)

    def test_register_approve_protect(self):
        self.company.deal_protection_days = 60
        deal = self._register(self.beta_user, customer_vat="QZ123")
        self.assertEqual(deal.partner_id, self.beta)
        self.assertEqual(deal.state, "submitted")
        self.assertEqual(deal.expected_revenue, 150000.0)
        self.assertTrue(deal.name.startswith("DR/"))
        # the partner sees its own registration only
        alpha_deal = self._register(self.alpha_user, customer_name="North Co")
        Deal = self.env["channel.partner.deal"].with_user(self.beta_user)
        self.assertEqual(Deal.search([]), deal)
        with self.assertRaises(AccessError):
            alpha_deal.with_user(self.beta_user).read(["title"])
        with self.assertRaises(AccessError):
            deal.with_user(self.beta_user).action_approve()
        self.assertEqual(deal.state, "submitted")
        # a salesperson may edit a registration, not decide on it
        salesman = new_test_user(
            self.env, login="cp_deal_salesman", groups="sales_team.group_sale_salesman"
        )
        deal.with_user(salesman).write({"description": "Fridges for the South"})
        with self.assertRaisesRegex(AccessError, "channel manager"):
            deal.with_user(salesman).action_approve()
        with self.assertRaisesRegex(AccessError, "channel manager"):
            deal.with_user(salesman).action_reject("late")
        self.assertEqual(deal.state, "submitted")

        deal.with_user(self.user_partner_manager).action_approve()
        self.assertEqual(deal.state, "approved")
        self.assertEqual(deal.customer_id, self.cust_south)
        self.assertEqual(
            deal.protection_end,
            fields.Date.context_today(deal.with_user(self.user_partner_manager))
            + timedelta(days=60),
        )
        lead = deal.lead_id
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.cust_south)
        self.assertEqual(lead.channel_partner_id, self.beta)
        self.assertEqual(lead.forward_state, "accepted")
        self.assertEqual(lead.expected_revenue, 150000.0)
        # the portal user follows its opportunity
        self.assertIn(
            self.beta_user.partner_id.commercial_partner_id, lead.message_partner_ids
        )

        # an order to the customer: credited to Beta; through Gamma: flagged
        order = self._order(self.cust_south, channel_id=self.direct.id)
        self.assertEqual(order.channel_partner_id, self.beta)
        self.assertFalse(order.exclusivity_warning)
        order.channel_partner_id = self.gamma
        self.assertIn("Beta Resale", order.exclusivity_warning)
        self.assertIn(deal.name, order.exclusivity_warning)
        self.company.channel_exclusivity_mode = "block"
        with self.assertRaisesRegex(UserError, "registered a deal"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

        # a competing registration for the same customer cannot be approved
        rival = self._register(self.alpha_user, customer_name="south co")
        with self.assertRaisesRegex(UserError, "already protected for Beta Resale"):
            rival.action_approve()
        self.assertEqual(rival.state, "submitted")

        # the protection ends
        Deal = self.env["channel.partner.deal"]
        self.assertEqual(Deal._cron_expire(today=deal.protection_end), 0)
        self.assertEqual(Deal._cron_expire(today=deal.protection_end + timedelta(1)), 1)
        self.assertEqual(deal.state, "expired")

    def test_new_customer_and_reject(self):
        deal = self._register(
            self.alpha_user, customer_name="Brand New Ltd", customer_city="Nowhere"
        )
        deal.action_approve()
        self.assertEqual(deal.customer_id.name, "Brand New Ltd")
        self.assertTrue(deal.customer_id.is_company)
        other = self._register(self.alpha_user, customer_name="Another")
        with self.assertRaisesRegex(UserError, "reason"):
            other.action_reject("")
        wizard = self.env["channel.partner.deal.reject"].create(
            {"deal_ids": [Command.set(other.ids)], "reason": "Already our customer"}
        )
        wizard.action_reject()
        self.assertEqual(other.state, "rejected")
        self.assertEqual(other.reject_reason, "Already our customer")
        with self.assertRaisesRegex(UserError, "already reviewed"):
            other.action_approve()

    def test_portal_bad_input(self):
        with self.assertRaisesRegex(UserError, "Fill in"):
            self._register(self.beta_user, title=" ")
        with self.assertRaisesRegex(UserError, "must be a number"):
            self._register(self.beta_user, expected_revenue="lots")
        with self.assertRaises(AccessError):
            self._register(self.beta_user, partner_id=self.alpha.id)
        customer_user = self._portal_user(self.cust_north, "customer_portal")
        with self.assertRaises(AccessError):
            self._register(customer_user)
        self.assertFalse(
            self.env["channel.partner.deal"].search([("partner_id", "=", self.beta.id)])
        )
