from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    warehouse_free_qty = fields.Float(
        string="Free in Warehouse",
        compute="_compute_region_availability",
        digits="Product Unit of Measure",
        help="Quantity on hand and not reserved in the order's warehouse.",
    )
    region_free_qty = fields.Float(
        string="Free in Region",
        compute="_compute_region_availability",
        digits="Product Unit of Measure",
        help="Quantity free in the other warehouses of the territory's region.",
    )
    region_availability = fields.Char(
        string="Region Stock",
        compute="_compute_region_availability",
        help="Free quantity in each other warehouse of the region.",
    )

    @api.model
    def _free_quantities(self, products, warehouses):
        """{(product id, warehouse id): free quantity in the product's UoM}, in
        one query over the internal locations of the warehouses."""
        if not products or not warehouses:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT q.product_id, l.warehouse_id,
                          sum(q.quantity - q.reserved_quantity)
                     FROM stock_quant q
                     JOIN stock_location l ON l.id = q.location_id
                    WHERE l.usage = 'internal' AND q.product_id = ANY(%s)
                      AND l.warehouse_id = ANY(%s)
                    GROUP BY q.product_id, l.warehouse_id""",
                products.ids,
                warehouses.ids,
            )
        )
        return {(p, w): qty for p, w, qty in self.env.cr.fetchall()}

    @api.depends(
        "product_id", "product_uom", "order_id.warehouse_id", "order_id.territory_id"
    )
    def _compute_region_availability(self):
        lines = self.filtered(lambda line: line.product_id.is_storable)
        (self - lines).update(
            {
                "warehouse_free_qty": 0,
                "region_free_qty": 0,
                "region_availability": False,
            }
        )
        if not lines:
            return
        region_whs = defaultdict(lambda: self.env["stock.warehouse"])
        for territory in lines.order_id.territory_id:
            region_whs[territory.id] = territory._region_warehouses()
        warehouses = lines.order_id.warehouse_id
        for whs in region_whs.values():
            warehouses |= whs
        free = self._free_quantities(lines.product_id, warehouses)
        for line in lines:
            product, uom = line.product_id, line.product_uom or line.product_id.uom_id
            own = line.order_id.warehouse_id
            others = region_whs[line.order_id.territory_id.id] - own

            def in_uom(qty, product=product, uom=uom):
                return product.uom_id._compute_quantity(qty, uom)

            line.warehouse_free_qty = in_uom(free.get((product.id, own.id), 0.0))
            parts = [
                (warehouse, in_uom(free.get((product.id, warehouse.id), 0.0)))
                for warehouse in others
            ]
            line.region_free_qty = sum(qty for _wh, qty in parts)
            line.region_availability = (
                ", ".join(f"{wh.code}: {qty:g}" for wh, qty in parts if qty) or False
            )
