from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import InventoryCommon


@tagged("post_install", "-at_install")
class TestRebalanceAndDeliveries(InventoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "replenishment_history_days": 30,
                "rebalance_surplus_days": 60,
                "replenishment_lead_time": 10,
                "replenishment_review_days": 7,
            }
        )
        # North sells 1 a day and holds 100 (100 days of cover); South holds 5
        # with a minimum of 20; City holds nothing and has no minimum
        for day in range(30):
            cls._deliver(cls.product, cls.wh_north, 1, day)
            if day % 3 == 0:
                cls._deliver(cls.product, cls.wh_south, 1, day)
        cls._stock(cls.product, cls.wh_north, 100)
        cls._stock(cls.product, cls.wh_south, 5)
        cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": cls.product.id,
                "warehouse_id": cls.wh_south.id,
                "location_id": cls.wh_south.lot_stock_id.id,
                "product_min_qty": 20,
                "product_max_qty": 40,
            }
        )

    def test_proposal_and_transit_transfer(self):
        proposals = self.env["territory.rebalance.proposal"]._propose(self.company)
        proposal = proposals.filtered(lambda p: p.product_id == self.product)
        self.assertEqual(len(proposal), 1)
        self.assertEqual(
            (proposal.from_warehouse_id, proposal.to_warehouse_id),
            (self.wh_north, self.wh_south),
        )
        # South needs 20 - 5 = 15; North could give 100 - 60 = 40
        self.assertEqual(proposal.quantity, 15.0)
        self.assertAlmostEqual(proposal.from_cover_days, 100.0)
        self.assertEqual((proposal.to_free_qty, proposal.to_min_qty), (5.0, 20.0))
        proposal.action_create_transfer()
        self.assertEqual(proposal.state, "done")
        out, receipt = proposal.picking_ids.sorted("id")
        transit = self.company.internal_transit_location_id
        self.assertEqual(
            (out.location_id, out.location_dest_id),
            (self.wh_north.lot_stock_id, transit),
        )
        self.assertEqual(
            (receipt.location_id, receipt.location_dest_id),
            (transit, self.wh_south.lot_stock_id),
        )
        self.assertEqual(out.move_ids.product_uom_qty, 15.0)
        with self.assertRaisesRegex(UserError, "already created"):
            proposal.action_create_transfer()
        # proposing again replaces the open proposals only
        self.env["territory.rebalance.proposal"]._propose(self.company)
        self.assertTrue(proposal.exists())

    def test_transfer_through_resupply_route(self):
        self.wh_south.resupply_wh_ids = self.wh_north
        proposal = (
            self.env["territory.rebalance.proposal"]
            ._propose(self.company)
            .filtered(lambda p: p.product_id == self.product)
        )
        proposal.action_create_transfer()
        self.assertTrue(proposal.picking_ids)
        moves = proposal.picking_ids.move_ids
        self.assertEqual(moves[:1].product_id, self.product)
        self.assertIn(self.wh_south.lot_stock_id, moves.location_dest_id)

    def test_no_transfer_to_itself(self):
        with self.assertRaisesRegex(ValidationError, "to itself"):
            self.env["territory.rebalance.proposal"].create(
                {
                    "product_id": self.product.id,
                    "from_warehouse_id": self.wh_north.id,
                    "to_warehouse_id": self.wh_north.id,
                    "quantity": 5,
                }
            )

    def test_coverage_report(self):
        self.env.flush_all()
        rows = self.env["territory.stock.coverage"].search(
            [("product_id", "=", self.product.id)]
        )
        north = rows.filtered(lambda r: r.warehouse_id == self.wh_north)
        south = rows.filtered(lambda r: r.warehouse_id == self.wh_south)
        self.assertEqual(north.territory_id, self.north)
        self.assertAlmostEqual(north.daily_demand, 1.0)
        self.assertEqual(north.free_qty, 100.0)
        self.assertAlmostEqual(north.cover_days, 100.0)
        self.assertEqual(north.risk, "low")
        self.assertAlmostEqual(south.cover_days, 5 / (10 / 30))
        self.assertEqual(south.min_qty, 20.0)
        self.assertEqual(south.risk, "medium")  # 15 days: below 10 + 7 days
        action = self.product.action_view_territory_stock()
        self.assertEqual(
            self.env["territory.stock.coverage"].search(action["domain"]), rows
        )

    def test_deliveries_batched_by_territory(self):
        # Odoo batches the deliveries of new warehouses by customer itself
        (self.wh_north | self.wh_city | self.wh_south).out_type_id.auto_batch = False
        customers = [
            self._customer("North 3", self.state_north, "999003"),
            self._customer("North 1", self.state_north, "999001"),
            self._customer("North 2", self.state_north, "999002"),
            self._customer("South 1", self.state_south, "20000"),
        ]
        for customer in customers:
            order = self._quotation(customer, [(self.product, 1)])
            order.action_confirm()
            self.assertEqual(order.picking_ids.state, "assigned")
        batches = self.env["stock.picking"]._batch_deliveries_by_territory()
        by_territory = {batch.picking_ids.territory_id: batch for batch in batches}
        north = by_territory[self.north]
        self.assertEqual(
            north.picking_ids.sorted("batch_sequence").partner_id.mapped("name"),
            ["North 1", "North 2", "North 3"],
        )
        self.assertEqual(len(by_territory[self.port].picking_ids), 1)
        # batched deliveries are not batched twice
        self.assertFalse(self.env["stock.picking"]._batch_deliveries_by_territory())

    def test_automatic_batches_by_territory(self):
        out_type = self.wh_north.out_type_id
        out_type.write(
            {
                "auto_batch": True,
                "batch_group_by_partner": False,
                "batch_group_by_territory": True,
            }
        )
        far = self._customer("North far", self.state_north, "999009")
        near = self._customer("North near", self.state_north, "999001")
        south = self._customer("South near", self.state_south, "20001")
        self.cust_south.sourcing_warehouse_id = False
        orders = self.env["sale.order"]
        for customer in (far, near, south):
            order = self._quotation(
                customer, [(self.product, 1)], warehouse_id=self.wh_north.id
            )
            order.action_confirm()
            orders |= order
        north_batch = orders[:2].picking_ids.batch_id
        self.assertEqual(len(north_batch), 1)
        self.assertEqual(
            north_batch.picking_ids.sorted("batch_sequence").partner_id, near | far
        )
        self.assertNotEqual(orders[2].picking_ids.batch_id, north_batch)
