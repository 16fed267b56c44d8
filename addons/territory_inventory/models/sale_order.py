from odoo import api, fields, models

WAREHOUSE_SOURCES = [
    ("customer", "Customer"),
    ("rule", "Sourcing Rule"),
    ("territory", "Territory"),
    ("default", "Default"),
    ("manual", "Set by Hand"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.territory.input.mixin"]

    warehouse_source = fields.Selection(
        WAREHOUSE_SOURCES,
        compute="_compute_warehouse_source",
        store=True,
        help="Which step chose the warehouse: the customer's own warehouse, then the "
        "most specific sourcing rule of the territory, then the territory's "
        "warehouse, then Odoo's default. Set by Hand: chosen on the quotation.",
    )
    warehouse_manual = fields.Boolean(
        copy=False,
        help="The warehouse was chosen by hand: the determination leaves it alone.",
    )
    sourcing_rule_id = fields.Many2one(
        "territory.sourcing.rule",
        compute="_compute_warehouse_source",
        store=True,
    )

    def _territory_warehouse(self):
        """(warehouse, source, rule) of the determination chain; no warehouse
        when only Odoo's default applies."""
        self.ensure_one()
        Warehouse = self.env["stock.warehouse"]
        Rule = self.env["territory.sourcing.rule"]
        customer = (self.partner_shipping_id or self.partner_id).commercial_partner_id
        own = customer.sourcing_warehouse_id
        if own and own.company_id == self.company_id:
            return own, "customer", Rule
        categories = self.order_line.filtered(lambda line: line.product_id).product_id
        rule = Rule._best_rule(self.territory_id, self.channel_id, categories.categ_id)
        if rule:
            return rule.warehouse_id, "rule", rule
        if self.territory_id:
            warehouse = self.territory_id._effective_warehouse()
            if warehouse:
                return warehouse, "territory", Rule
        return Warehouse, "default", Rule

    @api.depends(
        "partner_id",
        "partner_shipping_id",
        "territory_id",
        "channel_id",
        "order_line.product_id",
    )
    def _compute_warehouse_id(self):
        res = super()._compute_warehouse_id()
        for order in self:
            if order.state not in ("draft", "sent") and order.ids:
                continue
            if order.warehouse_manual and order._origin.warehouse_id:
                order.warehouse_id = order._origin.warehouse_id  # chosen by hand
                continue
            warehouse, _source, _rule = order._territory_warehouse()
            if warehouse:
                order.warehouse_id = warehouse
        return res

    @api.depends(
        "warehouse_id",
        "warehouse_manual",
        "partner_id",
        "partner_shipping_id",
        "territory_id",
        "channel_id",
        "order_line.product_id",
    )
    def _compute_warehouse_source(self):
        for order in self:
            if order.state in ("sale", "cancel") and order.warehouse_source:
                order.warehouse_source = order.warehouse_source
                order.sourcing_rule_id = order.sourcing_rule_id
                continue
            if order.warehouse_manual:
                order.warehouse_source = "manual"
                order.sourcing_rule_id = False
                continue
            warehouse, source, rule = order._territory_warehouse()
            if not warehouse:
                default = order.user_id.with_company(
                    order.company_id
                )._get_default_warehouse_id()
                chosen = order.warehouse_id == default or not order.warehouse_id
                source = "default" if chosen else "manual"
            elif order.warehouse_id != warehouse:
                source, rule = "manual", rule.browse()
            order.warehouse_source = source
            order.sourcing_rule_id = rule

    @api.onchange("warehouse_id")
    def _onchange_warehouse_manual(self):
        """A warehouse chosen in the form is kept (set by hand)."""
        if self.warehouse_id and self.warehouse_id != self._territory_warehouse()[0]:
            self.warehouse_manual = True

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("warehouse_id") and "warehouse_manual" not in vals:
                vals["warehouse_manual"] = True
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("warehouse_id") and "warehouse_manual" not in vals:
            vals = dict(vals, warehouse_manual=True)
        return super().write(vals)
