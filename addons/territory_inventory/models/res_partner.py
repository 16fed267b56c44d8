from odoo import api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sales.territory.input.mixin"]

    sourcing_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Delivering Warehouse",
        help="Warehouse that delivers this customer, before any sourcing rule.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["sourcing_warehouse_id"]
