from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestForwarding(PartnerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a second reseller in the South, Bronze (weight 1, capacity 2)
        cls.delta = cls._partner("Delta Trading", "reseller", cls.bronze)
        cls.agreement_delta = cls._agreement(cls.delta, territories=cls.south)
        # Gamma (the agent) covers everywhere but only the Direct channel
        cls.agreement_gamma.channel_ids = [Command.set(cls.direct.ids)]

    def _lead(self, name="Lead", territory=None, **vals):
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "lead",
                "territory_id": (territory or self.south).id,
                "contact_name": "Mr Lead",
                "email_from": "lead@example.com",
                **vals,
            }
        )

    def test_candidates_order_weight_and_load(self):
        """In the South: Beta (Silver, weight 2) before Delta (Bronze, weight
        1); with Beta at 1 open lead, 2/2 = 1 ties Delta's 1/1 and the less
        loaded (Delta) goes first."""
        lead = self._lead()
        self.assertEqual(lead._forward_candidates()[lead], [self.beta, self.delta])
        self._lead("Open").action_forward()
        self.assertEqual(lead._forward_candidates()[lead], [self.delta, self.beta])
        # Gamma only for Direct leads
        direct = self._lead("Direct", channel_id=self.direct.id)
        self.assertIn(self.gamma, direct._forward_candidates()[direct])
        self.assertNotIn(self.gamma, lead._forward_candidates()[lead])
        # a lead in the North City: Alpha (North and its descendants)
        north = self._lead("North", territory=self.north_city)
        self.assertEqual(north._forward_candidates()[north], [self.alpha])

    def test_forward_mail_history_and_batch_capacity(self):
        leads = self.env["crm.lead"].union(*(self._lead(f"Lead {i}") for i in range(9)))
        leads.action_forward()
        counts = {
            partner: len(
                leads.filtered(lambda lead, p=partner: lead.forward_partner_id == p)
            )
            for partner in (self.beta, self.delta)
        }
        # capacities: Beta 5 (Silver), Delta 2 (Bronze): 7 forwarded
        self.assertEqual(counts, {self.beta: 5, self.delta: 2})
        rest = leads.filtered(lambda lead: not lead.forward_partner_id)
        self.assertEqual(len(rest), 2)
        self.assertEqual(set(rest.mapped("forward_state")), {"unassigned"})
        self.assertTrue(rest.activity_ids)
        first = leads[0]
        self.assertEqual(first.forward_state, "forwarded")
        self.assertEqual(first.channel_partner_id, first.forward_partner_id)
        self.assertEqual(first.forward_ids.state, "forwarded")
        self.assertIn(first.forward_partner_id, first.message_partner_ids)
        mail = first.message_ids.filtered(
            lambda m: first.forward_partner_id in m.partner_ids
        )
        self.assertTrue(mail)
        self.assertIn("/my/partner/leads", mail[0].body)

    def test_decline_goes_to_next(self):
        lead = self._lead()
        lead.action_forward()
        self.assertEqual(lead.forward_partner_id, self.beta)
        lead.with_user(self.beta_user).action_forward_decline("No stock")
        self.assertEqual(lead.forward_partner_id, self.delta)
        self.assertEqual(lead.forward_state, "forwarded")
        history = lead.forward_ids.sorted("id")
        self.assertEqual(
            [(h.partner_id, h.state) for h in history],
            [
                (self.beta, "forwarded"),
                (self.beta, "declined"),
                (self.delta, "forwarded"),
            ],
        )
        self.assertEqual(history[1].reason, "No stock")
        self.assertNotIn(self.beta, lead.message_partner_ids)
        # Delta declines too: nobody left
        lead.action_forward_decline("Too far")
        self.assertFalse(lead.forward_partner_id)
        self.assertEqual(lead.forward_state, "unassigned")
        self.assertFalse(lead.channel_partner_id)
        with self.assertRaisesRegex(UserError, "No channel partner can take"):
            lead.action_forward()
        with self.assertRaisesRegex(UserError, "why"):
            self._lead("Other").action_forward_decline("  ")

    def test_portal_accept_update_and_isolation(self):
        mine = self._lead("Mine")
        mine.action_forward()
        self.assertEqual(mine.forward_partner_id, self.beta)
        other = self._lead("Alpha's", territory=self.north)
        other.action_forward()
        self.assertEqual(other.forward_partner_id, self.alpha)
        Lead = self.env["crm.lead"].with_user(self.beta_user)
        self.assertEqual(Lead.search([]), mine)
        mine.with_user(self.beta_user).action_forward_accept()
        self.assertEqual(mine.forward_state, "accepted")
        self.assertEqual(mine.type, "opportunity")
        mine.with_user(self.beta_user).action_forward_update(
            {"expected_revenue": 1234.0, "probability": 40}
        )
        self.assertEqual(mine.expected_revenue, 1234.0)
        with self.assertRaises(AccessError):
            mine.with_user(self.beta_user).action_forward_update({"user_id": 1})
        with self.assertRaises(AccessError):
            mine.with_user(self.beta_user).write({"name": "Renamed"})
        self.assertEqual(mine.name, "Mine")
        # the other partner's lead: access error, nothing changed
        for action in (
            lambda lead: lead.action_forward_accept(),
            lambda lead: lead.action_forward_decline("not mine"),
            lambda lead: lead.action_forward_update({"probability": 1}),
            lambda lead: lead.write({"probability": 1}),
            lambda lead: lead.read(["name"]),
        ):
            with self.assertRaises(AccessError):
                action(other.with_user(self.beta_user))
        self.assertEqual(other.forward_state, "forwarded")
        self.assertEqual(other.forward_partner_id, self.alpha)
        self.assertNotEqual(other.probability, 1)
        self.assertEqual(len(other.forward_ids), 1)

    def test_quotation_credited_to_partner(self):
        lead = self._lead("Deal", partner_id=self.cust_south.id)
        lead.action_forward()
        lead.action_forward_accept()
        context = lead._prepare_opportunity_quotation_context()
        self.assertEqual(context["default_channel_partner_id"], self.beta.id)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.cust_south.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        self.assertEqual(order.channel_partner_id, self.beta)

    def test_forward_wizard_manual_choice(self):
        lead = self._lead()
        wizard = self.env["channel.partner.forward"].create(
            {"lead_ids": [Command.set(lead.ids)]}
        )
        self.assertEqual(set(wizard.candidate_ids), {self.beta, self.delta})
        wizard.partner_id = self.delta
        wizard.action_forward()
        self.assertEqual(lead.forward_partner_id, self.delta)
        other = self._lead("Other")
        wizard = self.env["channel.partner.forward"].create(
            {"lead_ids": [Command.set(other.ids)], "partner_id": self.alpha.id}
        )
        with self.assertRaisesRegex(UserError, "cannot take"):
            wizard.action_forward()
