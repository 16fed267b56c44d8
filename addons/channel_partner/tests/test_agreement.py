from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PartnerCommon


@tagged("post_install", "-at_install")
class TestAgreement(PartnerCommon):
    def test_end_before_start(self):
        agreement = self._agreement(self.beta, active=False)
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            agreement.date_end = agreement.date_start - timedelta(days=1)
        self.assertEqual(agreement.date_end, date(self.year, 12, 31))

    def test_rebate_scale_must_increase(self):
        agreement = self._agreement(self.beta, active=False)
        with self.assertRaisesRegex(ValidationError, "must increase"):
            agreement.rebate_line_ids = [
                Command.create({"sequence": 3, "amount_from": 3000, "rate": 7.0})
            ]
        with self.assertRaisesRegex(ValidationError, "must increase"):
            agreement.rebate_line_ids = [
                Command.create({"sequence": 3, "amount_from": 9000, "rate": 1.0})
            ]
        self.assertEqual(len(agreement.rebate_line_ids), 2)

    def test_exclusive_overlap_names_both(self):
        """Alpha holds North exclusively; an exclusive agreement on North City
        (a descendant) overlapping in dates is refused, naming both."""
        other = self._agreement(
            self.beta, territories=self.north_city, exclusive=True, active=False
        )
        with self.assertRaises(ValidationError) as catcher:
            other.action_activate()
        message = str(catcher.exception)
        self.assertIn(other.name, message)
        self.assertIn(self.agreement_alpha.name, message)
        self.assertIn("Beta Resale", message)
        self.assertIn("Alpha Distribution", message)
        self.assertEqual(other.state, "draft")

    def test_exclusive_without_overlap(self):
        """Disjoint territories, disjoint categories or disjoint dates are fine;
        a non-exclusive agreement never conflicts."""
        south = self._agreement(self.beta, territories=self.south, exclusive=True)
        self.assertEqual(south.state, "active")
        alpha_chairs = self.agreement_alpha
        alpha_chairs.action_terminate()
        fridges = self._agreement(
            self.alpha,
            territories=self.north,
            exclusive=True,
            categ_ids=[Command.set(self.category.ids)],
        )
        chairs = self._agreement(
            self.gamma,
            territories=self.north_city,
            exclusive=True,
            categ_ids=[Command.set(self.category_other.ids)],
        )
        self.assertEqual((fridges | chairs).mapped("state"), ["active", "active"])
        # fridges (a sub-category of Appliances) in North City: overlaps
        clash = self._agreement(
            self.beta,
            territories=self.north_city,
            exclusive=True,
            categ_ids=[Command.set(self.category_sub.ids)],
            active=False,
        )
        with self.assertRaisesRegex(ValidationError, fridges.name):
            clash.action_activate()
        # the same, next year: no overlap
        clash.write(
            {
                "date_start": date(self.year + 1, 1, 1),
                "date_end": date(self.year + 1, 6, 30),
            }
        )
        clash.action_activate()
        self.assertEqual(clash.state, "active")
        plain = self._agreement(self.beta, territories=self.north)
        self.assertEqual(plain.state, "active")

    def test_order_flag_warn_and_block(self):
        """An order to a North customer not through Alpha is flagged; Alpha's
        own orders (as customer or channel partner) are not."""
        self.company.channel_exclusivity_mode = "warn"
        order = self._order(self.cust_north, channel_id=self.direct.id)
        self.assertIn("Alpha Distribution", order.exclusivity_warning)
        self.assertIn(self.agreement_alpha.name, order.exclusivity_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            order.message_ids.filtered(lambda m: "Alpha Distribution" in (m.body or ""))
        )
        through = self._order(
            self.cust_north,
            channel_id=self.direct.id,
            channel_partner_id=self.alpha.id,
        )
        self.assertFalse(through.exclusivity_warning)
        south = self._order(self.cust_south, channel_id=self.direct.id)
        self.assertFalse(south.exclusivity_warning)

        self.company.channel_exclusivity_mode = "block"
        blocked = self._order(self.cust_north, channel_id=self.direct.id)
        with self.assertRaisesRegex(UserError, "cannot be confirmed.*Alpha"):
            blocked.action_confirm()
        self.assertEqual(blocked.state, "draft")
        through.action_confirm()
        self.assertEqual(through.state, "sale")

    def test_exclusivity_by_category(self):
        self.agreement_alpha.action_terminate()
        self._agreement(
            self.alpha,
            territories=self.north,
            exclusive=True,
            categ_ids=[Command.set(self.category.ids)],
        )
        chairs = self._order(
            self.cust_north,
            channel_id=self.direct.id,
            order_line=[
                Command.create({"product_id": self.chair.id, "product_uom_qty": 1})
            ],
        )
        self.assertFalse(chairs.exclusivity_warning)
        fridges = self._order(
            self.cust_north,
            channel_id=self.direct.id,
            order_line=[
                Command.create({"product_id": self.fridge.id, "product_uom_qty": 1})
            ],
        )
        self.assertIn("Alpha Distribution", fridges.exclusivity_warning)

    def test_expiry_and_renewal_reminder(self):
        today = date(self.year, 12, 10)
        Agreement = self.env["channel.partner.agreement"]
        old = self._agreement(
            self.beta,
            date_start=date(self.year - 1, 1, 1),
            date_end=date(self.year - 1, 12, 31),
            active=False,
        )
        old.state = "active"
        expired, reminded = Agreement._cron_expiry(today=today)
        self.assertEqual(old.state, "expired")
        self.assertGreaterEqual(expired, 1)
        # the three of the year end on 31/12, within 30 days of 10/12
        for agreement in self.agreement_alpha | self.agreement_beta:
            self.assertEqual(agreement.renewal_reminder_date, today)
            activity = agreement.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.date_deadline, today)
        self.assertGreaterEqual(reminded, 3)
        # once only
        Agreement._cron_expiry(today=today + timedelta(days=1))
        self.assertEqual(len(self.agreement_alpha.activity_ids), 1)

    def test_renew(self):
        action = self.agreement_beta.action_renew()
        renewal = self.env["channel.partner.agreement"].browse(action["res_id"])
        self.assertEqual(renewal.state, "draft")
        self.assertEqual(renewal.date_start, date(self.year + 1, 1, 1))
        self.assertEqual(renewal.date_end, date(self.year + 1, 12, 31))
        self.assertEqual(renewal.territory_ids, self.south)
        self.assertEqual(len(renewal.rebate_line_ids), 2)
        self.assertNotEqual(renewal.name, self.agreement_beta.name)
        with self.assertRaisesRegex(UserError, "Only draft"):
            self.agreement_beta.unlink()
