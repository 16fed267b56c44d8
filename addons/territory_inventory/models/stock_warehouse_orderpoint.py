from odoo import fields, models


class StockWarehouseOrderpoint(models.Model):
    _name = "stock.warehouse.orderpoint"
    _inherit = ["stock.warehouse.orderpoint", "sales.territory.input.mixin"]

    territory_locked = fields.Boolean(
        string="Locked for Territory Planning",
        help="Never changed by the territory replenishment planning.",
    )
    planned_by_territory = fields.Boolean(
        string="Planned by Territory",
        readonly=True,
        help="Minimum and maximum set by the territory replenishment planning.",
    )
