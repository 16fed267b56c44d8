from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def action_view_territory_stock(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "territory_inventory.territory_stock_coverage_action"
        )
        action["domain"] = [("product_id", "in", self.ids)]
        action["context"] = {"search_default_group_territory": 1}
        return action


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def action_view_territory_stock(self):
        return self.product_variant_ids.action_view_territory_stock()
