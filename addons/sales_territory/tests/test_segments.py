from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import TerritoryCommon

# the day of computation of the segments: far enough in the future that the
# demo orders of the database are all older than the window (their customers
# are Lapsed and do not take part in the quintiles)
D = date(2040, 6, 30)


class SegmentCommon(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # days are counted in the company's time zone (UTC+8)
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company.write({"segment_window_days": 100, "segment_new_days": 30})

    @classmethod
    def _sale(cls, partner, when, amounts, state="sale"):
        """A confirmed order of ``partner`` dated ``when`` (a date: 10:00 in
        Shanghai; or a UTC datetime), one line of one unit per amount."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                        }
                    )
                    for amount in amounts
                ],
            }
        )
        if state == "sale":
            order.action_confirm()
        elif state == "cancel":
            order.action_cancel()
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day, 2, 0)
        order.date_order = when
        return order


@tagged("post_install", "-at_install")
class TestCustomerSegments(SegmentCommon):
    """RFM figures, quintile scores and segments of seven customers whose
    orders are known, computed on day D with a window of 100 days and a new
    customer period of 30 days (window: orders after D-100; new: first order
    after D-30).

    The six customers with orders in the window are scored; with six of them,
    score = min(rank, 5) (rank from the lowest value, ties sharing the lowest):

    ========  ======  =====  =====  ===  ===  ===  ==========
    customer  R days  F      M      R    F    M    segment
    ========  ======  =====  =====  ===  ===  ===  ==========
    Alpha     5       4      1400   6→5  6→5  5    champions
    Bravo     10      3      300    5    5    3    loyal
    Charlie   80      2      500    2    3    4    at_risk
    Delta     15      1      50     4    1    1    new
    Echo      70      1      100    3    1    2    occasional
    Golf      98      2      1500   1    3    6→5  at_risk
    Foxtrot   150     0      0      -    -    -    lapsed
    ========  ======  =====  =====  ===  ===  ===  ==========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        north, south = cls.state_north, cls.state_south

        def customer(name, **vals):
            return cls._customer(name, **vals)

        cls.alpha = customer("Alpha", state=north, zip_code="100001")
        cls.alpha.user_id = cls.user_salesman
        cls.alpha_contact = cls.env["res.partner"].create(
            {"name": "Alpha Buyer", "parent_id": cls.alpha.id, "type": "contact"}
        )
        cls.bravo = customer("Bravo", state=north, zip_code="100002")
        cls.charlie = customer("Charlie", state=north, zip_code="100003")
        cls.delta = customer("Delta", state=north, zip_code="100004")
        cls.echo = customer("Echo", state=south, zip_code="200001")
        cls.golf = customer("Golf", state=south, zip_code="200002")
        cls.foxtrot = customer("Foxtrot", state=south, city="Capital City")
        days = timedelta

        # Alpha: the last order at 20:00 UTC on D-6 is D-5 in Shanghai; one
        # order placed by a contact; the first order, D-300, is out of the window
        cls._sale(
            cls.alpha,
            datetime.combine(D - days(6), datetime.min.time()).replace(hour=20),
            [500],
        )
        cls._sale(cls.alpha_contact, D - days(20), [400])
        cls._sale(cls.alpha, D - days(40), [300])
        cls._sale(cls.alpha, D - days(60), [150, 50])
        cls._sale(cls.alpha, D - days(300), [100])
        for offset in (10, 50, 90):
            cls._sale(cls.bravo, D - days(offset), [100])
        cls._sale(cls.charlie, D - days(80), [300])
        cls._sale(cls.charlie, D - days(95), [200])
        cls._sale(cls.charlie, D - days(200), [900])
        cls._sale(cls.delta, D - days(15), [50])
        cls._sale(cls.echo, D - days(70), [100])
        cls._sale(cls.echo, D - days(400), [100])
        # neither a quotation nor a cancelled order counts
        cls._sale(cls.echo, D - days(1), [999], state="draft")
        cls._sale(cls.golf, D - days(99), [800])
        cls._sale(cls.golf, D - days(98), [700])
        cls._sale(cls.foxtrot, D - days(150), [5000])
        cls._sale(cls.foxtrot, D - days(2), [999], state="cancel")
        # an order after D does not count on D
        cls._sale(cls.foxtrot, D + days(3), [999])
        cls.customers = (
            cls.alpha
            | cls.bravo
            | cls.charlie
            | cls.delta
            | cls.echo
            | cls.golf
            | cls.foxtrot
        )

    def test_segments_hand_computed(self):
        Partner = self.env["res.partner"]
        self.customers.invalidate_recordset(["write_date"])
        write_dates = {p: p.write_date for p in self.customers}
        changed = Partner._compute_customer_segments(date=D)
        self.assertGreaterEqual(changed, 7)
        names = [
            "customer_segment",
            "rfm_recency_days",
            "rfm_frequency",
            "rfm_monetary",
            "rfm_recency_score",
            "rfm_frequency_score",
            "rfm_monetary_score",
            "rfm_date",
            "rfm_company_id",
        ]
        rows = [
            ("champions", 5, 4, 1400, 5, 5, 5),
            ("loyal", 10, 3, 300, 5, 5, 3),
            ("at_risk", 80, 2, 500, 2, 3, 4),
            ("new", 15, 1, 50, 4, 1, 1),
            ("occasional", 70, 1, 100, 3, 1, 2),
            ("at_risk", 98, 2, 1500, 1, 3, 5),
            ("lapsed", 150, 0, 0, 0, 0, 0),
        ]
        self.assertRecordValues(
            self.customers,
            [dict(zip(names, [*row, D, self.company.id], strict=True)) for row in rows],
        )
        # the contact has no segment of its own; nothing touched write_date
        # (the hourly assignment of territories picks changed customers by it)
        self.assertFalse(self.alpha_contact.customer_segment)
        self.customers.invalidate_recordset(["write_date"])
        self.assertEqual({p: p.write_date for p in self.customers}, write_dates)

        days = timedelta
        self.assertRecordValues(
            self.alpha | self.foxtrot,
            [
                {
                    "rfm_first_order_date": D - days(300),
                    "rfm_last_order_date": D - days(5),
                },
                {
                    "rfm_first_order_date": D - days(150),
                    "rfm_last_order_date": D - days(150),
                },
            ],
        )
        self.assertEqual(self.company.segment_date, D)

        # a second computation on the same day changes nothing
        self.assertEqual(Partner._compute_customer_segments(date=D), 0)
        # the next day only the customers whose figures move are written: Golf's
        # order of D-99 leaves the window (frequency 1, monetary 700, frequency
        # score 1, tied with Delta and Echo) and Charlie's two orders now rank
        # 4th (score 4); recencies are one day older without a write
        self.assertEqual(Partner._compute_customer_segments(date=D + days(1)), 2)
        self.assertRecordValues(
            self.alpha | self.charlie | self.golf,
            [
                {"rfm_recency_days": 6, "rfm_frequency": 4, "rfm_monetary": 1400},
                {"rfm_recency_days": 81, "rfm_frequency": 2, "rfm_monetary": 500},
                {"rfm_recency_days": 99, "rfm_frequency": 1, "rfm_monetary": 700},
            ],
        )
        self.assertEqual(
            [
                (p.rfm_frequency_score, p.rfm_monetary_score, p.customer_segment)
                for p in self.alpha | self.charlie | self.golf
            ],
            [(5, 5, "champions"), (4, 4, "at_risk"), (1, 5, "at_risk")],
        )

        # Delta's only order cancelled: Delta has no segment any more; Echo's
        # quotation confirmed on D-1 makes it the most recent buyer
        self.delta.sale_order_ids.filtered(lambda o: o.state == "sale")._action_cancel()
        echo_quote = self.echo.sale_order_ids.filtered(lambda o: o.state == "draft")
        echo_quote.action_confirm()
        echo_quote.date_order = datetime(2040, 6, 29, 2, 0)
        Partner._compute_customer_segments(date=D)
        self.assertFalse(self.delta.customer_segment)
        self.assertEqual(self.delta.rfm_frequency, 0)
        # now five scored customers: score = 1 + 5 (rank - 1) / 4, rounded down
        # Echo: R rank 5 -> 6, capped at 5; F 2 orders, tied with Charlie and
        # Golf at the lowest rank 1 -> 1; M 1099, rank 3 of (300, 500, 1099,
        # 1400, 1500) -> 3
        self.assertRecordValues(
            self.echo,
            [
                {
                    "rfm_recency_days": 1,
                    "rfm_frequency": 2,
                    "rfm_monetary": 1099,
                    "rfm_recency_score": 5,
                    "rfm_frequency_score": 1,
                    "rfm_monetary_score": 3,
                    "customer_segment": "occasional",
                }
            ],
        )

    def test_window_setting(self):
        """A longer window brings Foxtrot back among the scored customers."""
        self.company.segment_window_days = 200
        self.env["res.partner"]._compute_customer_segments(date=D)
        self.assertEqual(self.foxtrot.rfm_frequency, 1)
        self.assertEqual(self.foxtrot.rfm_monetary, 5000)
        self.assertNotEqual(self.foxtrot.customer_segment, "lapsed")
        # Charlie's D-200 order is still out (after D-200 only)
        self.assertEqual(self.charlie.rfm_frequency, 2)

    def test_bad_window(self):
        for days in (0, -30):
            with self.assertRaisesRegex(ValidationError, "RFM window"):
                self.company.segment_window_days = days
            self.company.invalidate_recordset()
            self.assertEqual(self.company.segment_window_days, 100)
        with self.assertRaisesRegex(ValidationError, "RFM window"):
            self.env["res.config.settings"].create({"segment_window_days": 0}).execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.segment_window_days, 100)
        with self.assertRaisesRegex(ValidationError, "new customer period"):
            self.company.segment_new_days = 101
        with self.assertRaisesRegex(ValidationError, "new customer period"):
            self.company.segment_new_days = 0
        self.company.invalidate_recordset()
        self.assertEqual(self.company.segment_new_days, 30)

    def test_segment_report_access(self):
        """Salespeople see the segments of their territories and of their own
        customers; sales managers see all."""
        self.env["res.partner"]._compute_customer_segments(date=D)
        Report = self.env["sales.customer.segment.report"]
        domain = [("partner_id", "in", self.customers.ids)]

        def seen(user):
            return Report.with_user(user).search(domain).partner_id

        north = self.alpha | self.bravo | self.charlie | self.delta
        south = self.echo | self.golf | self.foxtrot
        self.assertEqual(seen(self.user_north_rep), north)
        self.assertEqual(seen(self.user_north_manager), north)
        self.assertEqual(seen(self.user_south_rep), south)
        self.assertEqual(seen(self.user_salesman), self.alpha)
        self.assertEqual(seen(self.user_admin), self.customers)
        # region x segment counts, as the pivot shows them to the South
        groups = Report.with_user(self.user_south_rep)._read_group(
            domain, ["region_id", "segment"], ["customer_count:sum", "monetary:sum"]
        )
        self.assertEqual(
            sorted((r.code, s, n, m) for r, s, n, m in groups),
            [
                ("T-S", "at_risk", 1, 1500),
                ("T-S", "lapsed", 1, 0),
                ("T-S", "occasional", 1, 100),
            ],
        )

    def test_compute_button(self):
        Partner = self.env["res.partner"]
        with self.assertRaisesRegex(AccessError, "territory managers"):
            Partner.with_user(self.user_north_rep).action_compute_customer_segments()
        action = Partner.with_user(
            self.user_north_manager
        ).action_compute_customer_segments()
        self.assertEqual(action["tag"], "display_notification")
        # computed today: every order of the test but this one is in the future
        self.assertFalse(self.alpha.customer_segment)
        self._sale(self.bravo, fields.Date.today() - timedelta(days=3), [100])
        Partner._cron_compute_customer_segments()
        self.assertFalse(self.alpha.customer_segment)
        self.assertEqual(self.bravo.customer_segment, "new")
        self.assertEqual(self.bravo.rfm_frequency, 1)


@tagged("post_install", "-at_install")
class TestCustomerActivity(SegmentCommon):
    """Active, new, won-back and lapsed customers per territory and month,
    with a window of 100 days, on orders of 2024 (all lapses are past):

    * P1 (North City): 10 and 20 January, 5 March, 1 September 2024: active
      in January (once), March, September; new in January; lapsed on 13 June
      (5 March + 100 days); won back in September; lapsed on 10 December.
    * P2 (North City): 15 February: active and new in February, lapsed on
      25 May.
    * P3 (Port, in the South): 31 January and 1 February: active in January
      and February, new in January, lapsed on 11 May.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        north, south = cls.state_north, cls.state_south
        cls.p1 = cls._customer("P1", state=north, zip_code="100011")
        cls.p2 = cls._customer("P2", state=north, zip_code="100012")
        cls.p3 = cls._customer("P3", state=south, zip_code="200011")
        for when in (
            date(2024, 1, 10),
            date(2024, 1, 20),
            date(2024, 3, 5),
            date(2024, 9, 1),
        ):
            cls._sale(cls.p1, when, [100])
        cls._sale(cls.p2, date(2024, 2, 15), [100])
        cls._sale(cls.p3, date(2024, 1, 31), [100])
        cls._sale(cls.p3, date(2024, 2, 1), [100])

    def _counts(self, user=None):
        Report = self.env["sales.customer.activity.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report._read_group(
            [("territory_id", "child_of", self.root.id)],
            ["territory_id", "date:month"],
            [
                "active_count:sum",
                "new_count:sum",
                "returning_count:sum",
                "lapsed_count:sum",
            ],
        )
        return {
            (t.code, month.strftime("%Y-%m")): tuple(counts)
            for t, month, *counts in groups
        }

    def test_monthly_counts(self):
        self.assertEqual(
            self._counts(),
            {
                ("T-NC", "2024-01"): (1, 1, 0, 0),
                ("T-NC", "2024-02"): (1, 1, 0, 0),
                ("T-NC", "2024-03"): (1, 0, 0, 0),
                ("T-NC", "2024-05"): (0, 0, 0, 1),
                ("T-NC", "2024-06"): (0, 0, 0, 1),
                ("T-NC", "2024-09"): (1, 0, 1, 0),
                ("T-NC", "2024-12"): (0, 0, 0, 1),
                ("T-SP", "2024-01"): (1, 1, 0, 0),
                ("T-SP", "2024-02"): (1, 0, 0, 0),
                ("T-SP", "2024-05"): (0, 0, 0, 1),
            },
        )
        # by region, a month of the North
        Report = self.env["sales.customer.activity.report"]
        rows = Report.search(
            [
                ("region_id", "=", self.north.id),
                ("date", "=", date(2024, 1, 1)),
                ("kind", "=", "active"),
            ]
        )
        self.assertEqual(rows.partner_id, self.p1)
        # the row stands for the last order of the month
        self.assertEqual(rows.order_id.date_order.date(), date(2024, 1, 20))
        action = rows.action_open_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), rows.order_id)

    def test_window_of_the_settings(self):
        """With a window of 200 days, P1's gap of 180 days is no lapse, P2
        lapses on 2 September (15 February + 200 days)."""
        self.company.segment_window_days = 200
        counts = self._counts()
        self.assertNotIn(("T-NC", "2024-06"), counts)
        self.assertEqual(counts[("T-NC", "2024-09")], (1, 0, 0, 1))
        # 1 September + 200 days = 20 March 2025
        self.assertEqual(counts[("T-NC", "2025-03")], (0, 0, 0, 1))

    def test_activity_access(self):
        north = self._counts(self.user_north_rep)
        self.assertEqual({code for code, _month in north}, {"T-NC"})
        south = self._counts(self.user_south_rep)
        self.assertEqual({code for code, _month in south}, {"T-SP"})
        self.assertEqual(self._counts(self.user_admin), self._counts())
