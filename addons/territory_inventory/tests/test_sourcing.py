from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import InventoryCommon


@tagged("post_install", "-at_install")
class TestSourcing(InventoryCommon):
    def _rule(self, territory, warehouse, **vals):
        return self.env["territory.sourcing.rule"].create(
            dict({"territory_id": territory.id, "warehouse_id": warehouse.id}, **vals)
        )

    def test_territory_warehouse_is_inherited(self):
        self.assertEqual(self.port._effective_warehouse(), self.wh_south)
        order = self._quotation(self.cust_north)
        self.assertEqual(
            (order.warehouse_id, order.warehouse_source), (self.wh_north, "territory")
        )
        order = self._quotation(self.cust_city)
        self.assertEqual(order.warehouse_id, self.wh_city)  # its own

    def test_rules_by_channel_and_category(self):
        by_channel = self._rule(self.north, self.wh_main, channel_id=self.direct.id)
        by_category = self._rule(
            self.north, self.wh_south, categ_id=self.categ_locks.id
        )
        order = self._quotation(self.cust_north, channel_id=self.direct.id)
        self.assertEqual(
            (order.warehouse_id, order.warehouse_source, order.sourcing_rule_id),
            (self.wh_main, "rule", by_channel),
        )
        locks_only = self._quotation(self.cust_north, [(self.lock, 2)])
        self.assertEqual(locks_only.sourcing_rule_id, by_category)
        self.assertEqual(locks_only.warehouse_id, self.wh_south)
        mixed = self._quotation(self.cust_north, [(self.lock, 2), (self.product, 1)])
        self.assertEqual(
            (mixed.warehouse_id, mixed.warehouse_source), (self.wh_north, "territory")
        )
        # a line added later changes the choice of a quotation
        locks_only.order_line = [Command.create({"product_id": self.product.id})]
        self.assertEqual(locks_only.warehouse_id, self.wh_north)

    def test_most_specific_rule_wins(self):
        on_north = self._rule(self.north, self.wh_main)
        deeper = self._rule(self.north_city, self.wh_south)
        order = self._quotation(self.cust_city)
        self.assertEqual(order.sourcing_rule_id, deeper)
        with_channel = self._rule(
            self.north_city, self.wh_north, channel_id=self.direct.id
        )
        order = self._quotation(self.cust_city, channel_id=self.direct.id)
        self.assertEqual(order.sourcing_rule_id, with_channel)
        # priority first
        on_north.sequence = 1
        order = self._quotation(self.cust_city, channel_id=self.direct.id)
        self.assertEqual(order.sourcing_rule_id, on_north)

    def test_customer_warehouse_comes_first(self):
        self._rule(self.north, self.wh_main)
        self.cust_north.sourcing_warehouse_id = self.wh_south
        order = self._quotation(self.cust_north)
        self.assertEqual(
            (order.warehouse_id, order.warehouse_source), (self.wh_south, "customer")
        )

    def test_default_and_manual(self):
        nowhere = self._customer("Nowhere", country_id=False)
        order = self._quotation(nowhere)
        default = self.env.user._get_default_warehouse_id()
        self.assertEqual(
            (order.warehouse_id, order.warehouse_source), (default, "default")
        )
        form = Form(self._quotation(self.cust_north))
        form.warehouse_id = self.wh_main
        self.assertEqual(form.warehouse_source, "manual")
        order = form.save()
        order.order_line = [Command.create({"product_id": self.lock.id})]
        self.assertEqual(
            (order.warehouse_id, order.warehouse_source), (self.wh_main, "manual")
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.picking_type_id.warehouse_id, self.wh_main)
        self.cust_north.sourcing_warehouse_id = self.wh_south
        self.assertEqual(order.warehouse_source, "manual")  # confirmed: kept

    def test_warehouse_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Stock Co"})
        foreign = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        count = self.env["territory.sourcing.rule"].search_count([])
        with self.assertRaisesRegex(ValidationError, "belongs to Other Stock Co"):
            self._rule(self.north, foreign)
        self.assertEqual(self.env["territory.sourcing.rule"].search_count([]), count)

    def test_availability_on_order_lines(self):
        self._stock(self.product, self.wh_city, 30)
        self._stock(self.product, self.wh_north, 12)
        self._stock(self.product, self.wh_south, 99)  # another region
        order = self._quotation(self.cust_city, [(self.product, 4)])
        line = order.order_line
        self.assertEqual(line.warehouse_free_qty, 30.0)
        self.assertEqual(line.region_free_qty, 12.0)
        self.assertEqual(line.region_availability, "TWN: 12")
        # what is reserved is not free
        other = self._quotation(self.cust_city, [(self.product, 10)])
        other.action_confirm()
        line.invalidate_recordset()
        self.assertEqual(line.warehouse_free_qty, 20.0)
