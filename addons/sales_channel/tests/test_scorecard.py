from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ChannelCommon


@tagged("post_install", "-at_install")
class TestScorecard(ChannelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "channel_weight_revenue": 50,
                "channel_weight_margin": 0,
                "channel_weight_growth": 0,
                "channel_weight_refund": 20,
                "channel_weight_target": 0,
                "channel_weight_new_customers": 30,
            }
        )
        # February 2025: Direct 3 orders (two customers), Distributors 1 order
        cls.d1 = cls._sale(cls.cust_north, cls.direct, cls._at(2025, 2, 3), qty=2)
        cls.d2 = cls._sale(cls.cust_north, cls.direct, cls._at(2025, 2, 4), qty=1)
        cls.d3 = cls._sale(cls.cust_city, cls.direct, cls._at(2025, 2, 5), qty=3)
        cls.s1 = cls._sale(
            cls.cust_south, cls.distributors, cls._at(2025, 2, 6), qty=10
        )
        # earlier sales: January 2025 and February 2024
        cls._sale(cls.cust_north, cls.direct, cls._at(2025, 1, 20), qty=4)
        cls._sale(cls.cust_south, cls.distributors, cls._at(2024, 2, 12), qty=5)

    def _card(self, cards, channel):
        return cards.filtered(lambda card: card.channel_id == channel)

    def test_figures(self):
        # invoices of February, a credit note of one unit of d1
        invoices = (self.d1 | self.s1)._create_invoices()
        invoices.invoice_date = "2025-02-20"
        invoices.action_post()
        direct_invoice = invoices.filtered(lambda m: m.channel_id == self.direct)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=direct_invoice.ids)
            .create({"journal_id": direct_invoice.journal_id.id, "date": "2025-02-25"})
        )
        credit = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit.invoice_line_ids.quantity = 1
        credit.action_post()
        # lost leads of February
        reason = self.env["crm.lost.reason"].create({"name": "Too expensive"})
        other_reason = self.env["crm.lost.reason"].create({"name": "No stock"})
        for name, why in (("a", reason), ("b", reason), ("c", other_reason)):
            lead = self.env["crm.lead"].create(
                {"name": name, "type": "opportunity", "channel_id": self.direct.id}
            )
            lead.action_set_lost(lost_reason_id=why.id)
            lead.date_closed = "2025-02-15 10:00:00"
        won = self.env["crm.lead"].create(
            {"name": "won", "type": "opportunity", "channel_id": self.direct.id}
        )
        won.action_set_won()
        won.date_closed = "2025-02-16 10:00:00"
        # a target of the channel for February
        target = self.env["sales.target"].create(
            {
                "dimension": "channel",
                "channel_id": self.direct.id,
                "date_from": "2025-02-01",
                "target_value": 1000,
            }
        )
        target.action_confirm()

        cards = self.env["sales.channel.scorecard"]._build([date(2025, 2, 1)])
        direct = self._card(cards, self.direct)
        self.assertEqual(direct.date_from, date(2025, 2, 1))
        self.assertEqual(direct.date_to, date(2025, 2, 28))
        self.assertEqual(direct.revenue, 600.0)
        self.assertEqual(direct.margin, 6 * 40.0)
        self.assertEqual(direct.margin_rate, 40.0)
        self.assertEqual(direct.order_count, 3)
        self.assertEqual(direct.average_order, 200.0)
        self.assertEqual(direct.active_customers, 2)
        # North Co bought in January already: only City Co is new
        self.assertEqual(direct.new_customers, 1)
        self.assertEqual(direct.revenue_previous, 400.0)
        self.assertEqual(direct.growth_previous, 50.0)
        self.assertEqual(direct.invoiced, 200.0)
        self.assertEqual(direct.refunded, 100.0)
        self.assertEqual(direct.refund_rate, 50.0)
        self.assertEqual((direct.leads_lost, direct.leads_won), (3, 1))
        self.assertEqual(direct.lost_reason_id, reason)
        self.assertEqual(direct.target_value, 1000.0)
        self.assertEqual(direct.target_achievement, 60.0)

        distributors = self._card(cards, self.distributors)
        self.assertEqual(distributors.revenue, 1000.0)
        self.assertEqual(distributors.revenue_last_year, 500.0)
        self.assertEqual(distributors.growth_last_year, 100.0)
        self.assertEqual(distributors.refund_rate, 0.0)
        self.assertEqual(distributors.new_customers, 0)  # South Co bought in 2024

        # score: revenue (50) scaled between the channels of the month, refund
        # rate (20, lower is better) and new customers (30)
        web = self._card(cards, self.web)
        self.assertEqual(web.revenue, 0.0)
        self.assertAlmostEqual(distributors.score, 50 + 20 + 0)
        self.assertAlmostEqual(direct.score, 50 * 0.6 + 0 + 30)
        self.assertAlmostEqual(web.score, 0 + 20 + 0)
        self.assertEqual((distributors.rank, direct.rank, web.rank), (1, 2, 3))
        self.assertNotIn(self.online, cards.channel_id)  # groups are not scored

    def test_rebuild_replaces(self):
        Card = self.env["sales.channel.scorecard"]
        first = Card._build([date(2025, 2, 1), date(2025, 1, 15)])
        self.assertEqual(
            set(first.mapped("date_from")), {date(2025, 1, 1), date(2025, 2, 1)}
        )
        self._sale(self.cust_city, self.direct, self._at(2025, 2, 27), qty=4)
        second = Card._build([date(2025, 2, 1)])
        self.assertEqual(set(first.exists().mapped("date_from")), {date(2025, 1, 1)})
        self.assertEqual(self._card(second, self.direct).revenue, 1000.0)
        self.assertEqual(
            Card.search_count(
                [("channel_id", "=", self.direct.id), ("date_from", "=", "2025-02-01")]
            ),
            1,
        )

    def test_build_recent_in_the_background(self):
        """The button builds 12 months x the channels: above the company's
        threshold, a background job does it."""
        Card = self.env["sales.channel.scorecard"]
        Job = self.env["sales.territory.job"]
        self.company.background_job_threshold = 12
        with freeze_time("2025-02-20 10:00:00"):
            action = Card.action_build_recent()
            self.assertEqual(action["tag"], "display_notification")
            self.assertFalse(Card.search([("channel_id", "=", self.direct.id)]))
            Job._cron_run()
        job = Job.search([("method", "=", "_job_build_recent")])
        self.assertEqual(job.state, "done", job.error)
        self.assertGreater(job.size, 12)
        cards = Card.search([("channel_id", "=", self.direct.id)])
        self.assertEqual(len(cards), 12)  # March 2024 .. February 2025
        february = cards.filtered(lambda card: card.date_from == date(2025, 2, 1))
        self.assertEqual((february.revenue, february.order_count), (600.0, 3))

        # within the threshold: at once
        self.company.background_job_threshold = 1000
        with freeze_time("2025-02-20 10:00:00"):
            self.assertEqual(Card.action_build_recent()["tag"], "reload")
        self.assertEqual(Job.search_count([]), 1)

    def test_only_the_build_writes_scorecards(self):
        """Channel managers build the scorecards with the button (in the
        background too, as themselves) but cannot forge or delete one."""
        Card = self.env["sales.channel.scorecard"]
        manager = self.user_channel_manager
        with freeze_time("2025-02-20 10:00:00"):
            Card.with_user(manager).action_build_recent()
        cards = Card.search([("date_from", "=", "2025-02-01")])
        direct = self._card(cards, self.direct)
        self.assertEqual(direct.revenue, 600.0)
        as_manager = Card.with_user(manager)
        with self.assertRaises(AccessError):
            as_manager.create(
                {"channel_id": self.web.id, "date_from": "2025-02-01", "revenue": 1e6}
            )
        with self.assertRaises(AccessError):
            direct.with_user(manager).write({"revenue": 1e6})
        with self.assertRaises(AccessError):
            direct.with_user(manager).unlink()
        self.assertEqual(direct.revenue, 600.0)
        # a salesperson may read them, not build them
        with self.assertRaises(AccessError):
            Card.with_user(self.user_salesman).action_build_recent()

        self.company.background_job_threshold = 0
        with freeze_time("2025-02-20 10:00:00"):
            Card.with_user(manager).action_build_recent()
            self.env["sales.territory.job"]._cron_run()
        job = self.env["sales.territory.job"].search([("user_id", "=", manager.id)])
        self.assertEqual(job.state, "done", job.error)
        rebuilt = self._card(
            Card.search([("date_from", "=", "2025-02-01")]), self.direct
        )
        self.assertEqual(rebuilt.revenue, 600.0)
        self.assertFalse(direct.exists())  # rebuilt: replaced

    def test_weights_must_sum_to_100(self):
        with self.assertRaisesRegex(ValidationError, "add up to 110"):
            self.company.channel_weight_revenue = 60
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.write(
                {"channel_weight_revenue": -10, "channel_weight_new_customers": 90}
            )
        self.assertEqual(self.company.channel_weight_revenue, 50)

    def test_conflicts(self):
        # North Co: Direct in February twice, and Distributors in February too
        self._sale(self.cust_north, self.distributors, self._at(2025, 2, 20), qty=1)
        # South Co: two channels but in different months: no conflict
        self._sale(self.cust_south, self.direct, self._at(2025, 3, 1), qty=1)
        conflicts = self.env["sales.channel.conflict"].search(
            [("territory_id", "child_of", self.root.id)]
        )
        self.assertEqual(len(conflicts), 1)
        self.assertEqual(conflicts.partner_id, self.cust_north)
        self.assertEqual(conflicts.month, date(2025, 2, 1))
        self.assertEqual((conflicts.channel_count, conflicts.order_count), (2, 3))
        self.assertEqual(conflicts.amount, 400.0)
        orders = self.env["sale.order"].search(conflicts.action_view_orders()["domain"])
        self.assertEqual(len(orders), 4)  # the action lists all the customer's orders

    def test_kpi_header(self):
        self._sale(self.cust_north, self.direct, qty=2)
        self.env["sales.target"].create(
            {
                "dimension": "channel",
                "channel_id": self.direct.id,
                "target_value": 400,
            }
        ).action_confirm()
        self.direct.invalidate_recordset()
        self.assertEqual(self.direct.month_revenue, 200.0)
        self.assertEqual(self.direct.month_order_count, 1)
        self.assertEqual(self.direct.month_margin_rate, 40.0)
        self.assertEqual(self.direct.month_achievement, 50.0)
        self.assertEqual(self.direct.order_count, 5)

    def test_leads_counted_in_local_month(self):
        """A lead closed on 28 February 20:00 UTC is closed on 1 March in
        Shanghai: it counts in March, like the orders of that evening."""
        self.company.partner_id.tz = "Asia/Shanghai"
        won = self.env["crm.lead"].create(
            {"name": "late", "type": "opportunity", "channel_id": self.direct.id}
        )
        won.action_set_won()
        won.date_closed = "2025-02-28 20:00:00"
        cards = self.env["sales.channel.scorecard"]._build(
            [date(2025, 2, 1), date(2025, 3, 1)]
        )
        direct = cards.filtered(lambda card: card.channel_id == self.direct)
        by_month = {card.date_from: card.leads_won for card in direct}
        self.assertEqual(by_month, {date(2025, 2, 1): 0, date(2025, 3, 1): 1})
