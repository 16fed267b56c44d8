import math
import statistics
from datetime import date, datetime, time, timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import float_round

from .common import InventoryCommon

Z_95 = 1.6448536269514722  # the 95th percentile of the standard normal law


def up(quantity):
    """Rounded up to the unit's rounding (0.01)."""
    return float_round(quantity, precision_rounding=0.01, rounding_method="UP")


@tagged("post_install", "-at_install")
class TestReplenishment(InventoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "replenishment_history_days": 10,
                "replenishment_service_level": 95.0,
                "replenishment_lead_time": 4,
                "replenishment_review_days": 7,
            }
        )
        Product = cls.env["product.product"]
        cls.steady = Product.create(
            {"name": "Steady", "type": "consu", "is_storable": True}
        )
        cls.spiky = Product.create(
            {"name": "Spiky", "type": "consu", "is_storable": True}
        )
        cls.idle = Product.create(
            {"name": "Idle", "type": "consu", "is_storable": True}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Vendor"})
        cls.imported = Product.create(
            {
                "name": "Imported",
                "type": "consu",
                "is_storable": True,
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "delay": 9})
                ],
            }
        )
        # ten days of history from WH North: steady 3 a day on days 1-4 and 6,
        # spiky 1 a day for three days and one huge order of 100
        cls.steady_days = [3, 3, 3, 3, 0, 3, 0, 0, 0, 0]
        for day, qty in enumerate(cls.steady_days, start=1):
            if qty:
                cls._deliver(cls.steady, cls.wh_north, qty, day)
        cls.spiky_days = [1, 1, 1, 100, 0, 0, 0, 0, 0, 0]
        for day, qty in enumerate(cls.spiky_days, start=1):
            if qty:
                cls._deliver(cls.spiky, cls.wh_north, qty, day)
        cls._deliver(cls.imported, cls.wh_north, 20, 2)
        # older than the window: not counted
        cls._deliver(cls.steady, cls.wh_north, 500, 30)
        # from another warehouse: its own figures
        cls._deliver(cls.steady, cls.wh_south, 7, 3)

    def _run(self, **vals):
        run = self.env["territory.replenishment.run"].create(
            dict({"territory_ids": [Command.set(self.north.ids)]}, **vals)
        )
        run.action_run()
        return run

    def _line(self, run, product, warehouse=None):
        return run.line_ids.filtered(
            lambda line: (
                line.product_id == product
                and line.warehouse_id == (warehouse or self.wh_north)
            )
        )

    def _expected(self, days, lead_time=4, review=7):
        mean = sum(days) / len(days)
        sigma = statistics.stdev(days)
        safety = Z_95 * sigma * math.sqrt(lead_time)
        minimum = up(mean * lead_time + safety)
        maximum = up(minimum + mean * review)
        return mean, sigma, minimum, maximum

    def test_days_are_periods_of_24_hours(self):
        """A 10-day window ending at noon: deliveries 1 h and 23 h before fall
        in the same day (two calendar days, one period of 24 hours), so the
        window has exactly 10 days however the clock stands."""
        product = self.env["product.product"].create(
            {"name": "Clocked", "type": "consu", "is_storable": True}
        )
        until = datetime.combine(date.today(), time(12))
        for hours in (1, 23):
            move = self._deliver(product, self.wh_north, 3, 0)
            move.date = until - timedelta(hours=hours)
        Run = self.env["territory.replenishment.run"]
        self.env.flush_all()
        self.env.cr.execute(
            Run._demand_sql(self.wh_north, until - timedelta(days=10), until, 10)
        )
        rows = {row[1]: row[2:] for row in self.env.cr.fetchall()}
        mean, sigma = rows[product.id]
        self.assertAlmostEqual(mean, 0.6)
        # one day of 6 and nine of 0
        self.assertAlmostEqual(sigma, statistics.stdev([6] + [0] * 9))

    def test_figures(self):
        run = self._run(mode="review")
        self.assertEqual(run.state, "proposed")
        self.assertEqual(run.warehouse_ids, self.wh_north | self.wh_city)
        for product, days in (
            (self.steady, self.steady_days),
            (self.spiky, self.spiky_days),
        ):
            mean, sigma, minimum, maximum = self._expected(days)
            line = self._line(run, product)
            self.assertAlmostEqual(line.demand, mean, places=4)
            self.assertAlmostEqual(line.sigma, sigma, places=4)
            self.assertEqual(line.lead_time, 4)
            self.assertAlmostEqual(line.safety_stock, Z_95 * sigma * 2, places=3)
            self.assertEqual((line.min_qty, line.max_qty), (minimum, maximum))
            self.assertEqual(line.state, "proposed")
        # the outlier weighs on the spread, hence a large safety stock
        self.assertGreater(self._line(run, self.spiky).safety_stock, 100)
        # no demand: no proposal
        self.assertFalse(self._line(run, self.idle))
        # the vendor's lead time
        imported = self._line(run, self.imported)
        self.assertEqual(imported.lead_time, 9)
        sigma = statistics.stdev([0, 20] + [0] * 8)
        self.assertEqual(imported.min_qty, up(2 * 9 + Z_95 * sigma * 3))
        # WH South is not planned with North's territories
        self.assertFalse(self._line(run, self.steady, self.wh_south))
        # a proposal changes no reordering rule
        self.assertFalse(
            self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "=", self.steady.id)]
            )
        )

    def test_large_run_in_the_background(self):
        """Above the company's threshold (product x warehouse pairs), the run
        is planned by a background job, with its progress and result."""
        Job = self.env["sales.territory.job"]
        self.company.background_job_threshold = 1
        run = self.env["territory.replenishment.run"].create(
            {"territory_ids": [Command.set(self.north.ids)], "mode": "review"}
        )
        action = run.action_run()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(run.state, "draft")
        self.assertEqual(run.background_job_state, "queued")
        with self.assertRaisesRegex(UserError, "already being worked on"):
            run.action_run()
        Job._cron_run()
        self.assertEqual(run.state, "proposed")
        self.assertFalse(run.background_job_state)
        _mean, _sigma, minimum, maximum = self._expected(self.steady_days)
        line = self._line(run, self.steady)
        self.assertEqual((line.min_qty, line.max_qty), (minimum, maximum))
        job = Job.search([("res_model", "=", run._name)])
        self.assertEqual((job.state, job.progress), ("done", 100.0))
        self.assertGreaterEqual(job.size, 2 * 4)  # 2 warehouses x 4 products
        self.assertIn(f"{len(run.line_ids)} proposals", job.result)

    def test_warehouses_planned_together(self):
        """One reading of the deliveries for all the warehouses of a run: each
        warehouse keeps its own figures; a product that is not storable gets
        no proposal."""
        self._deliver(self.steady, self.wh_city, 5, 2)
        untracked = self.env["product.product"].create(
            {"name": "Untracked", "type": "consu", "is_storable": False}
        )
        # delivered without stock (not tracked)
        move = self.env["stock.move"].create(
            {
                "name": "Untracked delivery",
                "product_id": untracked.id,
                "product_uom": untracked.uom_id.id,
                "product_uom_qty": 4,
                "location_id": self.wh_north.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
            }
        )
        move._action_confirm()
        move.write({"quantity": 4, "picked": True})
        move._action_done()
        move.date = fields.Datetime.now() - timedelta(days=2, hours=1)
        self.assertEqual(move.state, "done")
        run = self._run(mode="review")
        city = self._line(run, self.steady, self.wh_city)
        self.assertAlmostEqual(city.demand, 0.5, places=4)
        self.assertAlmostEqual(city.sigma, statistics.stdev([5] + [0] * 9), places=4)
        mean, sigma, minimum, maximum = self._expected(self.steady_days)
        north = self._line(run, self.steady)
        self.assertAlmostEqual(north.demand, mean, places=4)
        self.assertAlmostEqual(north.sigma, sigma, places=4)
        self.assertEqual((north.min_qty, north.max_qty), (minimum, maximum))
        self.assertFalse(self._line(run, untracked))
        self.assertFalse(self._line(run, untracked, self.wh_city))

    def test_stopped_run_resumes(self):
        """A run whose process stopped after committing one warehouse's
        proposals is left Running: running it again (or the weekly job)
        keeps that warehouse's proposals and plans only the others."""
        self._deliver(self.steady, self.wh_city, 5, 2)
        full = self._run(mode="review")
        self.assertEqual(full.warehouse_ids, self.wh_north | self.wh_city)
        expected = {
            (line.warehouse_id, line.product_id): (line.min_qty, line.max_qty)
            for line in full.line_ids
        }
        # the same run stopped after the first warehouse
        run = self.env["territory.replenishment.run"].create(
            {"territory_ids": [Command.set(self.north.ids)], "mode": "review"}
        )
        run._start()
        run._plan_warehouse(self.wh_north, run._demand(self.wh_north)[self.wh_north.id])
        self.assertEqual(run.state, "running")
        kept = run.line_ids
        self.assertEqual(kept.warehouse_id, self.wh_north)
        # the settings changed meanwhile: the run keeps its own
        self.company.replenishment_history_days = 30
        self.env["territory.replenishment.run"]._cron_plan()
        self.assertEqual(run.state, "proposed")
        self.assertTrue(kept.exists())
        self.assertEqual(run.line_ids & kept, kept)
        self.assertEqual(
            {
                (line.warehouse_id, line.product_id): (line.min_qty, line.max_qty)
                for line in run.line_ids
            },
            expected,
        )
        # a finished run is not planned again
        run.state = "done"
        with self.assertRaisesRegex(UserError, "already applied"):
            run.action_run()

    def test_review_then_apply_and_locked_rules(self):
        locked = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.spiky.id,
                "warehouse_id": self.wh_north.id,
                "location_id": self.wh_north.lot_stock_id.id,
                "product_min_qty": 5,
                "product_max_qty": 10,
                "territory_locked": True,
            }
        )
        existing = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.steady.id,
                "warehouse_id": self.wh_north.id,
                "location_id": self.wh_north.lot_stock_id.id,
                "product_min_qty": 1,
                "product_max_qty": 2,
            }
        )
        run = self._run(mode="review")
        self.assertEqual(self._line(run, self.spiky).state, "locked")
        steady = self._line(run, self.steady)
        self.assertEqual((steady.old_min_qty, steady.old_max_qty), (1, 2))
        run.action_apply()
        self.assertEqual(run.state, "done")
        _mean, _sigma, minimum, maximum = self._expected(self.steady_days)
        self.assertEqual(
            (existing.product_min_qty, existing.product_max_qty), (minimum, maximum)
        )
        self.assertTrue(existing.planned_by_territory)
        self.assertEqual((locked.product_min_qty, locked.product_max_qty), (5, 10))
        created = self._line(run, self.imported).orderpoint_id
        self.assertTrue(created.planned_by_territory)
        self.assertEqual(created.warehouse_id, self.wh_north)
        self.assertEqual(run.applied_count, 2)
        self.assertEqual(run.locked_count, 1)
        with self.assertRaisesRegex(UserError, "already applied"):
            run.action_run()
        # the same figures again: nothing changes
        again = self._run(mode="auto")
        self.assertEqual(self._line(again, self.steady).state, "unchanged")

    def test_auto_mode_writes_rules(self):
        run = self._run(mode="auto")
        self.assertEqual(run.state, "done")
        orderpoint = self.env["stock.warehouse.orderpoint"].search(
            [
                ("product_id", "=", self.steady.id),
                ("warehouse_id", "=", self.wh_north.id),
            ]
        )
        _mean, _sigma, minimum, maximum = self._expected(self.steady_days)
        self.assertEqual(
            (orderpoint.product_min_qty, orderpoint.product_max_qty), (minimum, maximum)
        )
        self.assertEqual(orderpoint.trigger, "auto")

    def test_apply_selected_proposals(self):
        run = self._run(mode="review")
        self._line(run, self.steady).action_apply_selected()
        self.assertEqual(self._line(run, self.steady).state, "applied")
        self.assertEqual(self._line(run, self.spiky).state, "proposed")

    def test_settings(self):
        for values, message in (
            ({"replenishment_service_level": 50.0}, "above 50"),
            ({"replenishment_service_level": 99.95}, "at most 99.9"),
            ({"replenishment_lead_time": -1}, "cannot be negative"),
            ({"replenishment_history_days": 0}, "at least one day"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                self.company.write(values)
        self.assertEqual(self.company.replenishment_service_level, 95.0)

    def test_nothing_to_plan(self):
        self.env["sales.territory"].search([]).write({"warehouse_id": False})
        with self.assertRaisesRegex(UserError, "No warehouse to plan"):
            self._run()
