from datetime import timedelta

from odoo import Command, fields

from odoo.addons.sales_channel.tests.common import ChannelCommon


class InventoryCommon(ChannelCommon):
    """Territories and channels of the other addons' tests, with warehouses:
    North (T-N) is served by WH-North, North City has its own WH-City, South
    by WH-South."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_multi_warehouses")
        Warehouse = cls.env["stock.warehouse"]
        cls.wh_main = Warehouse.search([("company_id", "=", cls.company.id)], limit=1)
        cls.wh_north = Warehouse.create({"name": "WH North", "code": "TWN"})
        cls.wh_city = Warehouse.create({"name": "WH City", "code": "TWC"})
        cls.wh_south = Warehouse.create({"name": "WH South", "code": "TWS"})
        cls.north.warehouse_id = cls.wh_north
        cls.north_city.warehouse_id = cls.wh_city
        cls.south.warehouse_id = cls.wh_south
        cls.product.is_storable = True
        cls.categ_locks = cls.env["product.category"].create({"name": "Locks"})
        cls.lock = cls.env["product.product"].create(
            {
                "name": "Lock",
                "type": "consu",
                "is_storable": True,
                "list_price": 50,
                "categ_id": cls.categ_locks.id,
            }
        )
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

    @classmethod
    def _stock(cls, product, warehouse, quantity):
        cls.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, quantity
        )

    @classmethod
    def _deliver(cls, product, warehouse, quantity, days_ago):
        """A done delivery to a customer, dated days_ago days back."""
        cls._stock(product, warehouse, quantity)
        move = cls.env["stock.move"].create(
            {
                "name": "Past delivery",
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": quantity,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": cls.customer_location.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.write({"quantity": quantity, "picked": True})
        move._action_done()
        move.date = fields.Datetime.now() - timedelta(days=days_ago, hours=1)
        return move

    @classmethod
    def _quotation(cls, customer, lines=None, **vals):
        return cls.env["sale.order"].create(
            dict(
                {
                    "partner_id": customer.id,
                    "partner_shipping_id": customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in (lines or [(cls.product, 1)])
                    ],
                },
                **vals,
            )
        )
