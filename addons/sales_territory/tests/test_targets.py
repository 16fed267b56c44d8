from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import TerritoryCommon


class TargetCommon(TerritoryCommon):
    """Orders and invoices of January 2025 (and one of January 2024) in the
    test territories, with figures computed by hand in each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("uom.group_uom")
        cls.cust_city = cls._customer("City Buyer", cls.state_north, "150000")
        cls.cust_north = cls._customer("North Buyer", cls.state_north, "999999")
        cls.cust_south = cls._customer("South Buyer", cls.state_south)
        assert cls.cust_city.territory_id == cls.north_city
        assert cls.cust_north.territory_id == cls.north
        cls.categ_devices = cls.env["product.category"].create({"name": "Devices"})
        cls.categ_locks = cls.env["product.category"].create(
            {"name": "Locks", "parent_id": cls.categ_devices.id}
        )
        cls.lock = cls.env["product.product"].create(
            {
                "name": "Lock",
                "type": "consu",
                "list_price": 100.0,
                "standard_price": 60.0,
                "categ_id": cls.categ_locks.id,
                "invoice_policy": "order",
            }
        )

    @classmethod
    def _sale(cls, customer, when, qty=1, price=100.0, product=None, **vals):
        order = cls.env["sale.order"].create(
            dict(
                {
                    "partner_id": customer.id,
                    "partner_shipping_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": (product or cls.product).id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                            }
                        )
                    ],
                },
                **vals,
            )
        )
        order.action_confirm()
        order.date_order = when
        return order

    @classmethod
    def _target(cls, value, measure="ordered", date_from="2025-01-01", **vals):
        values = {
            "dimension": "territory",
            "measure": measure,
            "period_type": "month",
            "date_from": date_from,
            "target_value": value,
        }
        values.update(vals)
        if "territory_id" not in values and values["dimension"] == "territory":
            values["territory_id"] = cls.north.id
        return cls.env["sales.target"].create(values)


@tagged("post_install", "-at_install")
class TestTargetActuals(TargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o1 = cls._sale(cls.cust_city, datetime(2025, 1, 10, 10), qty=2)  # 200
        cls.o2 = cls._sale(cls.cust_city, datetime(2025, 1, 20, 10), qty=1)  # 100
        cls.o3 = cls._sale(cls.cust_north, datetime(2025, 1, 5, 10), qty=3)  # 300
        cls.o4 = cls._sale(cls.cust_south, datetime(2025, 1, 15, 10), qty=5)  # 500
        cls._sale(cls.cust_north, datetime(2025, 2, 3, 10), qty=7)  # February
        cls._sale(cls.cust_north, datetime(2024, 1, 8, 10), qty=4)  # last year
        cancelled = cls._sale(cls.cust_north, datetime(2025, 1, 6, 10), qty=50)
        cancelled._action_cancel()
        cls._order(cls.cust_north)  # a quotation: never counts

    def test_ordered_amount_counts_descendants(self):
        north = self._target(1000)
        city = self._target(500, territory_id=self.north_city.id)
        south = self._target(1000, territory_id=self.south.id)
        root = self._target(3000, territory_id=self.root.id)
        targets = north | city | south | root
        targets._refresh_actuals()
        self.assertEqual(north.actual_value, 600.0)
        self.assertEqual(city.actual_value, 300.0)
        self.assertEqual(south.actual_value, 500.0)
        self.assertEqual(root.actual_value, 1100.0)
        self.assertEqual(north.achievement, 60.0)
        self.assertEqual(north.variance, -400.0)
        self.assertTrue(north.refresh_date)

    def test_queries_do_not_grow_with_the_targets(self):
        def queries(targets):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            targets._refresh_actuals()
            return self.cr.sql_log_count - before

        few = self._target(100) | self._target(100, territory_id=self.south.id)
        many = self.env["sales.target"]
        for month in range(2, 13):
            many |= self._target(100, date_from=f"2025-{month:02d}-01")
            many |= self._target(
                100, date_from=f"2025-{month:02d}-01", territory_id=self.south.id
            )
        (few | many)._refresh_actuals()  # the values settle: no write below
        self.assertEqual(queries(few | many), queries(few))
        self.assertLess(queries(few), 25)
        self.assertEqual(sum((few | many).mapped("actual_value")), 600 + 700 + 500)

    def test_other_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        if eur == self.company.currency_id:
            eur = self.env.ref("base.USD")
            eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "name": "2025-01-01", "rate": 0.5}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Other currency", "currency_id": eur.id}
        )
        foreign = self._sale(
            self.cust_city, datetime(2025, 1, 25, 10), qty=1, pricelist_id=pricelist.id
        )
        foreign.write({"currency_rate": 0.5})
        self.assertEqual(foreign.amount_untaxed, 100.0)
        city = self._target(500, territory_id=self.north_city.id)
        city._refresh_actuals()
        # 100 in a currency worth half of the company's: 200 more
        self.assertAlmostEqual(city.actual_value, 500.0)

    def test_margin_orders_and_new_customers(self):
        margin = self._target(100, measure="margin")
        orders = self._target(10, measure="order_count")
        new = self._target(5, measure="new_customers")
        (margin | orders | new)._refresh_actuals()
        # 6 units at 100 - 60 in North (North City included)
        self.assertEqual(margin.actual_value, 240.0)
        self.assertEqual(orders.actual_value, 3.0)
        # North Buyer ordered in January 2024 already: only City Buyer is new
        self.assertEqual(new.actual_value, 1.0)

    def test_invoiced_net_of_credit_notes(self):
        invoices = (self.o1 | self.o2)._create_invoices()
        invoices.invoice_date = "2025-01-31"
        invoices.action_post()
        draft = self.o3._create_invoices()  # never posted
        draft.invoice_date = "2025-01-31"
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "journal_id": invoices.journal_id.id,
                    "reason": "damaged",
                    "date": "2025-01-31",
                }
            )
        )
        credit = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        line_o1, line_o2 = credit.invoice_line_ids.sorted("quantity", reverse=True)
        # one unit of the two of o1 comes back
        credit.write(
            {
                "invoice_line_ids": [
                    Command.update(line_o1.id, {"quantity": 1}),
                    Command.delete(line_o2.id),
                ]
            }
        )
        self.assertEqual(credit.amount_untaxed, 100.0)
        credit.action_post()
        target = self._target(1000, measure="invoiced")
        target._refresh_actuals()
        self.assertEqual(target.actual_value, 300.0 - 100.0)

    def test_product_category_counts_subcategories(self):
        self._sale(self.cust_city, datetime(2025, 1, 12, 10), qty=4, product=self.lock)
        devices = self._target(1000, categ_id=self.categ_devices.id)
        locks_margin = self._target(100, measure="margin", categ_id=self.categ_locks.id)
        locks_orders = self._target(
            5, measure="order_count", categ_id=self.categ_locks.id
        )
        all_north = self._target(1000)
        (devices | locks_margin | locks_orders | all_north)._refresh_actuals()
        self.assertEqual(devices.actual_value, 400.0)
        self.assertEqual(locks_margin.actual_value, 160.0)
        self.assertEqual(locks_orders.actual_value, 1.0)
        self.assertEqual(all_north.actual_value, 1000.0)

    def test_salesperson_and_team_targets(self):
        self._sale(
            self.cust_south,
            datetime(2025, 1, 11, 10),
            qty=2,
            user_id=self.user_south_rep.id,
            team_id=self.team_south.id,
        )
        by_user = self._target(
            1000, dimension="user", user_id=self.user_south_rep.id, territory_id=False
        )
        by_team = self._target(
            1000, dimension="team", team_id=self.team_south.id, territory_id=False
        )
        # a salesperson's target narrowed to a territory
        in_north = self._target(
            1000,
            dimension="user",
            user_id=self.user_south_rep.id,
            territory_id=self.north.id,
        )
        (by_user | by_team | in_north)._refresh_actuals()
        self.assertEqual(by_user.actual_value, 200.0)
        self.assertEqual(by_team.actual_value, 200.0)
        self.assertEqual(in_north.actual_value, 0.0)

    def test_company_time_zone_sets_the_month(self):
        self.company.partner_id.tz = "Asia/Shanghai"
        # 20:00 UTC on 31 January is 04:00 on 1 February in Shanghai
        self._sale(self.cust_north, datetime(2025, 1, 31, 20), qty=9)
        january = self._target(1000)
        february = self._target(1000, date_from="2025-02-01")
        (january | february)._refresh_actuals()
        self.assertEqual(january.actual_value, 600.0)
        self.assertEqual(february.actual_value, 700.0 + 900.0)

    def test_pipeline_forecast(self):
        self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": self.cust_city.id,
                "expected_revenue": 1000,
                "probability": 40,
                "date_deadline": "2025-01-28",
            }
        )
        self.env["crm.lead"].create(
            {
                "name": "Later deal",
                "type": "opportunity",
                "partner_id": self.cust_city.id,
                "expected_revenue": 5000,
                "probability": 90,
                "date_deadline": "2025-03-01",
            }
        )
        target = self._target(1000)
        target._refresh_actuals()
        self.assertAlmostEqual(target.forecast_value, 400.0)

    def test_cockpit_sees_changes_not_yet_written(self):
        """The cockpit is a view over orders, invoices and targets: reading it
        flushes their pending changes first (its _depends), as a report of
        the same transaction must see them."""
        Report = self.env["sales.performance.report"]

        def south_january():
            rows = Report._read_group(
                [
                    ("source", "=", "order"),
                    ("territory_id", "=", self.south.id),
                    ("date", ">=", "2025-01-01"),
                    ("date", "<=", "2025-01-31"),
                ],
                [],
                ["ordered_amount:sum", "order_count:sum"],
            )
            return rows[0]

        self.assertEqual(south_january(), (500.0, 1))
        order = self._order(self.cust_south, partner_shipping_id=self.cust_south.id)
        order.action_confirm()
        order.date_order = datetime(2025, 1, 25, 10)  # pending, not written yet
        self.assertEqual(south_january(), (600.0, 2))
        self.o4.order_line.product_uom_qty = 1  # 500 -> 100, recomputed lazily
        self.assertEqual(south_january(), (200.0, 2))

    def test_cockpit_agrees_with_targets(self):
        north = self._target(1000)
        north_year = self._target(12000, period_type="year", measure="ordered")
        south = self._target(900, territory_id=self.south.id)
        (north | north_year | south).action_confirm()
        Report = self.env["sales.performance.report"]
        for target in north | south:
            rows = Report._read_group(
                [
                    ("territory_id", "child_of", target.territory_id.id),
                    ("date", ">=", target.date_from),
                    ("date", "<=", target.date_to),
                ],
                [],
                ["ordered_amount:sum"],
            )
            self.assertAlmostEqual(rows[0][0], target.actual_value)
        # January by region: actual, target (monthly + a twelfth of the year's),
        # and last year's January moved to this year
        rows = Report._read_group(
            [
                ("territory_id", "child_of", self.root.id),
                ("date", ">=", "2025-01-01"),
                ("date", "<=", "2025-01-31"),
                "|",
                ("target_dimension", "=", False),
                ("target_dimension", "=", "territory"),
            ],
            ["region_id"],
            [
                "ordered_amount:sum",
                "target_ordered_amount:sum",
                "ordered_amount_ly:sum",
            ],
        )
        by_region = {region: values for region, *values in rows}
        self.assertEqual(by_region[self.north][0], 600.0)
        self.assertAlmostEqual(by_region[self.north][1], 1000.0 + 12000.0 * 31 / 365)
        self.assertEqual(by_region[self.north][2], 400.0)
        self.assertEqual(by_region[self.south][0], 500.0)
        self.assertAlmostEqual(by_region[self.south][1], 900.0)

    def test_cockpit_drill_down_to_the_order(self):
        row = self.env["sales.performance.report"].search(
            [("order_id", "=", self.o3.id), ("ordered_amount", "!=", 0)]
        )
        self.assertEqual(len(row), 1)
        action = row.action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", self.o3.id)
        )


@tagged("post_install", "-at_install")
class TestTargetLifecycle(TargetCommon):
    def test_expected_by_today_and_pace_alert_once(self):
        self._sale(self.cust_north, datetime(2025, 1, 3, 10), qty=1)
        target = self._target(3100)  # 100 a day in January
        other = self._target(310, territory_id=self.south.id)
        with freeze_time("2025-01-10 12:00:00"):
            (target | other).action_confirm()
            self.assertEqual(target.expected_value, 1000.0)
            self.assertAlmostEqual(target.pace, 10.0)
            self.assertTrue(target.behind_pace)
            self.assertTrue(other.behind_pace)  # nothing sold in the South
            self.env["sales.target"]._cron_pace_alerts()
            self.env["sales.target"]._cron_pace_alerts()
        activities = target.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_north_manager)
        self.assertEqual(target.pace_alert_date.isoformat(), "2025-01-10")
        # South has no manager of its own nor above it: the creator
        self.assertEqual(other.activity_ids.user_id, other.create_uid)
        # on pace: no alert
        self._sale(self.cust_north, datetime(2025, 1, 4, 10), qty=20)
        fine = self._target(5, measure="order_count", period_type="quarter")
        with freeze_time("2025-01-10 12:00:00"):
            fine.action_confirm()
            self.assertFalse(fine.behind_pace)

    def test_past_periods_are_not_behind_and_get_closed(self):
        target = self._target(1000)
        with freeze_time("2025-03-15 12:00:00"):
            target.action_confirm()
            self.assertFalse(target.behind_pace)
            self.env["sales.target"]._cron_refresh()
        self.assertEqual(target.state, "closed")

    def test_revision(self):
        target = self._target(1000)
        target.target_value = 1200  # a draft is edited freely
        target.action_confirm()
        with self.assertRaisesRegex(UserError, "change it with Revise"):
            target.target_value = 1500
        self.assertEqual(target.target_value, 1200)
        Revise = self.env["sales.target.revise"].with_context(
            **target.action_revise()["context"]
        )
        wizard = Form(Revise)
        wizard.new_value = 1500
        wizard.reason = "   "
        with self.assertRaisesRegex(UserError, "Give the reason"):
            wizard.save().action_apply()
        self.assertEqual(target.target_value, 1200)
        self.assertFalse(target.revision_ids)
        wizard = Form(Revise)
        self.assertEqual(wizard.current_value, 1200)
        wizard.new_value = 1500
        wizard.reason = "New distributor from February"
        wizard.save().action_apply()
        revision = target.revision_ids
        self.assertEqual(target.target_value, 1500)
        self.assertEqual(
            (revision.old_value, revision.new_value, revision.reason, revision.user_id),
            (1200, 1500, "New distributor from February", self.env.user),
        )
        self.assertEqual(revision.difference, 300)
        with self.assertRaisesRegex(UserError, "cannot be set back to draft"):
            target.action_draft()
        target.action_close()
        with self.assertRaisesRegex(UserError, "Only confirmed targets can be revised"):
            self.env["sales.target.revise"]._revise(target, 2000, "too late")

    def test_bad_targets(self):
        count = self.env["sales.target"].search_count([])
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self._target(
                1000, period_type="custom", date_from="2025-03-01", date_to="2025-02-01"
            )
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            self._target(0)
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            self._target(-5)
        existing = self._target(1000)
        with self.assertRaisesRegex(ValidationError, "already a target") as catcher:
            self._target(2000, date_from="2025-01-15")
        self.assertIn(existing.display_name, str(catcher.exception))
        # another measure, category or period type is another target
        self._target(10, measure="order_count")
        self._target(1000, categ_id=self.categ_devices.id)
        self._target(12000, period_type="year")
        other = self.env["res.company"].create({"name": "Other Target Co"})
        foreign = self.env["sales.territory"].create(
            {"name": "Elsewhere", "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            self._target(1000, territory_id=foreign.id)
        with self.assertRaisesRegex(ValidationError, "needs its"):
            self._target(1000, territory_id=False)
        with self.assertRaisesRegex(ValidationError, "remove the product category"):
            self._target(5, measure="new_customers", categ_id=self.categ_devices.id)
        self.assertEqual(self.env["sales.target"].search_count([]), count + 4)

    def test_periods(self):
        target = self._target(1000, period_type="quarter", date_from="2025-05-17")
        self.assertEqual(
            (target.date_from.isoformat(), target.date_to.isoformat()),
            ("2025-04-01", "2025-06-30"),
        )
        self.assertIn("2025 Q2", target.display_name)
        year = self._target(1000, period_type="year", date_from="2024-02-29")
        self.assertEqual(year.date_to.isoformat(), "2024-12-31")

    def test_phasing_must_sum_to_100(self):
        flat = self.env.ref("sales_territory.phasing_flat")
        retail = self.env.ref("sales_territory.phasing_retail_china")
        self.assertAlmostEqual(flat.total, 100.0)
        self.assertAlmostEqual(retail.total, 100.0)
        self.assertGreater(retail.share_11, max(retail._shares()[:10]))
        with self.assertRaisesRegex(ValidationError, "add up to 101"):
            retail.share_11 = 14.0
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["sales.target.phasing"].create(
                {"name": "Odd", "share_01": -1.0, "share_02": 100 / 12 + 1}
            )

    def test_plan_from_amount_and_phasing(self):
        plan = self.env["sales.target.plan"].create(
            {
                "year": 2026,
                "dimension": "territory",
                "territory_ids": [Command.set((self.north | self.south).ids)],
                "mode": "amount",
                "annual_amount": 120000,
                "phasing_id": self.env.ref("sales_territory.phasing_retail_china").id,
                "confirm": True,
            }
        )
        plan.action_preview()
        self.assertEqual(len(plan.line_ids), 24)
        november = plan.line_ids.filtered(
            lambda line: line.territory_id == self.north and line.month == 11
        )
        self.assertAlmostEqual(november.amount, 15600.0)
        self.assertAlmostEqual(plan.total, 240000.0)
        november.amount = 20000  # adjusted in the preview
        action = plan.action_create()
        targets = self.env["sales.target"].search(action["domain"])
        self.assertEqual(len(targets), 24)
        self.assertEqual(set(targets.mapped("state")), {"confirmed"})
        nov = targets.filtered(
            lambda t: t.territory_id == self.north and t.date_from.month == 11
        )
        self.assertEqual(nov.target_value, 20000)
        self.assertEqual(nov.date_to.isoformat(), "2026-11-30")
        # planning the same year again names the targets that exist
        again = plan.copy({"line_ids": False})
        again.action_preview()
        with self.assertRaisesRegex(ValidationError, "already a target"):
            again.action_create()

    def test_plan_from_last_year_and_growth(self):
        self._sale(self.cust_city, datetime(2024, 3, 10, 10), qty=10)  # 1000
        self._sale(self.cust_north, datetime(2024, 3, 20, 10), qty=5)  # 500
        self._sale(self.cust_south, datetime(2024, 7, 1, 10), qty=2)  # 200
        plan = self.env["sales.target.plan"].create(
            {
                "year": 2025,
                "territory_ids": [Command.set((self.north | self.south).ids)],
                "mode": "growth",
                "growth": 10,
            }
        )
        plan.action_preview()
        line = plan.line_ids.filtered(
            lambda line: line.territory_id == self.north and line.month == 3
        )
        self.assertEqual(line.last_year, 1500.0)
        self.assertAlmostEqual(line.amount, 1650.0)
        south_july = plan.line_ids.filtered(
            lambda line: line.territory_id == self.south and line.month == 7
        )
        self.assertAlmostEqual(south_july.amount, 220.0)
        with self.assertRaisesRegex(UserError, r"planned target\(s\) are zero"):
            plan.action_create()
        plan.line_ids.filtered(lambda line: not line.amount).unlink()
        plan.action_create()
        self.assertEqual(
            self.env["sales.target"].search_count(
                [("territory_id", "in", (self.north | self.south).ids)]
            ),
            2,
        )

    def test_plan_bad_input(self):
        plan = self.env["sales.target.plan"].create({"year": 2025, "mode": "amount"})
        with self.assertRaisesRegex(UserError, "Choose the territories"):
            plan.action_preview()
        plan.territory_ids = self.north
        with self.assertRaisesRegex(UserError, "greater than zero"):
            plan.action_preview()
        with self.assertRaisesRegex(UserError, "Preview the targets"):
            plan.action_create()
