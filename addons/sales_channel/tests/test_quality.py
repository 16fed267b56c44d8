from odoo.tests import tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestChannelDataQuality(ChannelCommon):
    """Orders without channel in the data-quality lists, and their fix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.default_channel_id = False
        cls.order_none = cls._order(cls.cust_north)
        cls.order_web = cls._order(cls.cust_north, channel_id=cls.web.id)
        cls.cancelled = cls._order(cls.cust_north)
        cls.cancelled._action_cancel()
        assert not cls.order_none.channel_id and not cls.cancelled.channel_id

    def _issues(self):
        return self.env["sales.territory.quality.issue"].search(
            [
                ("category", "=", "order_no_channel"),
                (
                    "order_id",
                    "in",
                    (self.order_none | self.order_web | self.cancelled).ids,
                ),
            ]
        )

    def test_orders_without_channel(self):
        issues = self._issues()
        self.assertEqual(issues.order_id, self.order_none)
        self.assertEqual(issues.territory_id, self.north)
        self.assertEqual(issues.detail, self.order_none.name)
        card = self.env["sales.territory.quality"].search(
            [
                ("category", "=", "order_no_channel"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.assertEqual(
            card.issue_count,
            self.env["sales.territory.quality.issue"].search_count(
                [
                    ("category", "=", "order_no_channel"),
                    ("company_id", "=", self.company.id),
                ]
            ),
        )
        self.assertGreaterEqual(card.issue_count, 1)
        self.assertIn("channel", card.description)

    def test_fix_takes_the_customers_channel(self):
        self.order_none.action_confirm()
        issues = self._issues()
        issues.action_fix()
        self.assertFalse(self.order_none.channel_id, "the customer has none")
        self.cust_north.channel_id = self.distributors
        issues.action_fix()
        self.assertEqual(self.order_none.channel_id, self.distributors)
        self.assertFalse(self._issues())
        self.assertFalse(self.cancelled.channel_id, "cancelled orders are left alone")
