from odoo import fields, models


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    territory_locked = fields.Boolean(
        string="Locked",
        help="Never changed by the territory replenishment planning.",
    )
    planned_by_territory = fields.Boolean(
        string="Planned",
        readonly=True,
        help="Minimum and maximum set by the territory replenishment planning.",
    )
