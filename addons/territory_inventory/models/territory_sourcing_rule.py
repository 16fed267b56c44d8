from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TerritorySourcingRule(models.Model):
    """Which warehouse delivers the orders of a territory, optionally only for
    a channel or a product category."""

    _name = "territory.sourcing.rule"
    _description = "Territory Sourcing Rule"
    _inherit = ["sales.territory.input.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(
        string="Priority",
        default=10,
        help="Lowest first; among equal priorities the most specific rule wins "
        "(deeper territory, then a channel, then a product category).",
    )
    territory_id = fields.Many2one(
        "sales.territory",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Sub-territories are included.",
    )
    channel_id = fields.Many2one(
        "sales.channel",
        string="Sales Channel",
        index=True,
        check_company=True,
        help="Only orders of this channel (empty: any channel).",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        help="Only orders whose products all belong to this category or its "
        "sub-categories (empty: any product).",
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True)
    company_id = fields.Many2one(
        related="territory_id.company_id", store=True, index=True, precompute=True
    )
    active = fields.Boolean(default=True)

    @api.depends("territory_id", "channel_id", "categ_id", "warehouse_id")
    def _compute_display_name(self):
        for rule in self:
            parts = [rule.territory_id.display_name or ""]
            if rule.channel_id:
                parts.append(rule.channel_id.display_name)
            if rule.categ_id:
                parts.append(rule.categ_id.display_name)
            rule.display_name = (
                f"{' · '.join(parts)} → {rule.warehouse_id.display_name or ''}"
            )

    @api.constrains("warehouse_id", "territory_id")
    def _check_warehouse_company(self):
        for rule in self:
            if rule.warehouse_id.company_id != rule.territory_id.company_id:
                raise ValidationError(
                    self.env._(
                        "Warehouse %(warehouse)s belongs to %(other)s, but territory "
                        "%(territory)s belongs to %(company)s: choose a warehouse of "
                        "%(company)s.",
                        warehouse=rule.warehouse_id.display_name,
                        other=rule.warehouse_id.company_id.name,
                        territory=rule.territory_id.display_name,
                        company=rule.territory_id.company_id.name,
                    )
                )

    @api.model
    def _best_rule(self, territory, channel, categories):
        """The rule that sources an order: its territory or an ancestor, its
        channel or any, a category containing all its products or any; lowest
        priority, then the deepest territory, then with a channel, then with a
        category."""
        if not territory:
            return self
        ancestors = territory._ancestors_and_self()
        rules = self.search(
            [
                ("territory_id", "in", ancestors.ids),
                ("channel_id", "in", [False, channel.id]),
            ]
        )
        candidates = rules.filtered(
            lambda rule: (
                not rule.categ_id
                or (
                    categories
                    and all(
                        category.parent_path.startswith(rule.categ_id.parent_path)
                        for category in categories
                    )
                )
            )
        )
        return candidates.sorted(
            lambda rule: (
                rule.sequence,
                -rule.territory_id.depth,
                not rule.channel_id,
                not rule.categ_id,
                rule.id,
            )
        )[:1]

    @api.model
    def get_import_templates(self):
        """Offered on the import screen: sourcing rules of the territories and
        channels templates; create the warehouses first."""
        return [
            {
                "label": self.env._("Import Template for Sourcing Rules"),
                "template": (
                    "/territory_inventory/static/xls/territory_sourcing_rule.xlsx"
                ),
            }
        ]
