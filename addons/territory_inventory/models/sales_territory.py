from odoo import api, fields, models


class SalesTerritory(models.Model):
    _inherit = "sales.territory"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        tracking=True,
        help="Warehouse delivering the territory's orders; sub-territories without "
        "one of their own use it.",
    )
    sourcing_rule_ids = fields.One2many(
        "territory.sourcing.rule", "territory_id", string="Sourcing Rules"
    )

    def _effective_warehouse(self):
        """The warehouse of the territory, else of its nearest ancestor."""
        self.ensure_one()
        for territory in reversed(self._ancestors_and_self()):
            if territory.warehouse_id:
                return territory.warehouse_id
        return self.env["stock.warehouse"]

    def _region_warehouses(self):
        """Warehouses serving the territory's region: set on the region or its
        sub-territories, or by their sourcing rules."""
        self.ensure_one()
        region = self.region_id or self
        subtree = self.search([("id", "child_of", region.id)])
        return (
            subtree.warehouse_id
            | subtree.sourcing_rule_ids.warehouse_id
            | region._effective_warehouse()
        )

    @api.model
    def get_import_templates(self):
        """Besides the territories template: the warehouse of each region of
        the territories template (an update of the territories)."""
        return super().get_import_templates() + [
            {
                "label": self.env._("Import Template for Territory Warehouses"),
                "template": (
                    "/territory_inventory/static/xls/sales_territory_warehouse.xlsx"
                ),
            }
        ]
