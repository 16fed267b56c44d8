import math
import statistics
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import float_round

# Shared with static/tests/tours/territory_inventory_tour.js
REGION_NAME = "Tour Stock Region"
PRODUCT_NAME = "Tour Stock Product"
NEW_MIN = "23.31"

Z_95 = 1.6448536269514722  # the 95th percentile of the standard normal law


def up(quantity):
    """Rounded up to the unit's rounding (0.01)."""
    return float_round(quantity, precision_rounding=0.01, rounding_method="UP")


@tagged("post_install", "-at_install")
class TestInventoryUi(HttpCase):
    """A stock manager plans the replenishment of a region in the web client,
    reviews the proposals and applies them all: the region's warehouse gets a
    reordering rule with the minimum and maximum of its deliveries' demand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no onboarding tour on top of ours (admin has it on in a database
        # without demo data)
        cls.env.ref("base.user_admin").tour_enabled = False
        cls.company = cls.env.ref("base.main_company")
        cls.company.write(
            {
                "replenishment_history_days": 10,
                "replenishment_service_level": 95.0,
                "replenishment_lead_time": 4,
                "replenishment_review_days": 7,
                "replenishment_mode": "review",
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].create(
            {
                "name": "Tour Stock Warehouse",
                "code": "TSTK",
                "company_id": cls.company.id,
            }
        )
        cls.region = cls.env["sales.territory"].create(
            {
                "name": REGION_NAME,
                "code": "TOUR-STK",
                "level": "region",
                "company_id": cls.company.id,
                "warehouse_id": cls.warehouse.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": PRODUCT_NAME, "type": "consu", "is_storable": True}
        )
        # the ten days of history, yesterday first: days without delivery count
        # as zero demand
        cls.daily_quantities = [6, 0, 9, 3, 0, 7, 0, 2, 4, 0]
        for days_ago, quantity in enumerate(cls.daily_quantities, start=1):
            if quantity:
                cls._deliver(quantity, days_ago)

    @classmethod
    def _deliver(cls, quantity, days_ago):
        """A done delivery of the product from the warehouse to a customer, dated
        days_ago days back (as in tests/common.py)."""
        stock = cls.warehouse.lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.product, stock, quantity)
        move = cls.env["stock.move"].create(
            {
                "name": "Past delivery",
                "product_id": cls.product.id,
                "product_uom": cls.product.uom_id.id,
                "product_uom_qty": quantity,
                "location_id": stock.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.write({"quantity": quantity, "picked": True})
        move._action_done()
        move.date = fields.Datetime.now() - timedelta(days=days_ago, hours=1)

    def test_replenishment_tour(self):
        # the figures by hand: mean and sample deviation of the daily demand,
        # safety stock over the lead time, maximum one review period above
        mean = statistics.mean(self.daily_quantities)
        sigma = statistics.stdev(self.daily_quantities)
        minimum = up(mean * 4 + Z_95 * sigma * math.sqrt(4))
        maximum = up(minimum + mean * 7)
        self.assertEqual(f"{minimum:.2f}", NEW_MIN, "the tour checks this minimum")
        Run = self.env["territory.replenishment.run"]
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        orderpoint_domain = [
            ("product_id", "=", self.product.id),
            ("warehouse_id", "=", self.warehouse.id),
        ]
        self.assertFalse(Run.search([("territory_ids", "in", self.region.ids)]))
        self.assertFalse(Orderpoint.search(orderpoint_domain))

        self.start_tour("/odoo", "territory_replenishment_tour", login="admin")

        run = Run.search([("territory_ids", "in", self.region.ids)])
        self.assertRecordValues(
            run,
            [
                {
                    "state": "done",
                    "mode": "review",
                    "history_days": 10,
                    "service_level": 95.0,
                    "default_lead_time": 4,
                    "review_days": 7,
                    "applied_count": 1,
                    "proposed_count": 0,
                }
            ],
        )
        self.assertEqual(run.warehouse_ids, self.warehouse)
        orderpoint = Orderpoint.search(orderpoint_domain)
        self.assertRecordValues(
            orderpoint,
            [
                {
                    "location_id": self.warehouse.lot_stock_id.id,
                    "product_min_qty": minimum,
                    "product_max_qty": maximum,
                    "planned_by_territory": True,
                    "trigger": "auto",
                }
            ],
        )
        line = run.line_ids
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.orderpoint_id, orderpoint)
        self.assertAlmostEqual(line.demand, mean, places=4)
        self.assertAlmostEqual(line.sigma, sigma, places=4)
