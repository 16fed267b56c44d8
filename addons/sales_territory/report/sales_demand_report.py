from odoo import api, fields, models
from odoo.tools import SQL

# measures computed from sums after grouping (a ratio of sums, whatever the
# grouping): field -> how (see _read_group_select)
RATIO_MEASURES = {
    "revenue_growth": "growth",
    "quantity_growth": "growth",
    "region_share": "share",
    "company_share": "share",
    "share_index": "share",
}
# group-bys that split the products (the rest splits the region and time)
PRODUCT_GROUPBYS = {"categ_id", "product_id"}
# group-bys of time: kept when comparing with the whole company
TIME_GROUPBYS = {"date"}
GROUPBY_CONTEXT = "sales_demand_groupby"


class SalesDemandReport(models.Model):
    """Demand by region: revenue and quantity by product, category, customer,
    territory and month, with the same month of last year, from the order
    lines of the cockpit's facts (confirmed orders, untaxed amounts in company
    currency, quantities in the product's unit).

    Growth and shares are ratios of the sums of the group, computed after
    grouping (see :meth:`_read_group_select`):

    * growth: (revenue - last year's revenue) / last year's revenue;
    * share in region: revenue of the group / revenue of the same group for
      every product (e.g. a category's share of the South's revenue);
    * share in company: the same for the whole company (every territory among
      the rows read), in the same months;
    * regional index: share in region / share in company x 100, above 100 when
      the products sell better in the region than in the whole company.
    """

    _name = "sales.demand.report"
    _description = "Regional Demand Analysis"
    _auto = False
    _order = "date desc, id"
    _rec_name = "product_id"
    _depends = {
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom",
            "product_uom_qty",
            "price_subtotal",
            "display_type",
        ],
        "sale.order": [
            "state",
            "date_order",
            "partner_id",
            "company_id",
            "currency_rate",
            "territory_id",
            "user_id",
            "team_id",
        ],
        "res.partner": ["commercial_partner_id", "tz"],
        "res.company": ["partner_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id", "uom_id"],
        "sales.territory": ["region_id"],
    }

    date = fields.Date(readonly=True)
    last_year = fields.Boolean(
        readonly=True,
        help="A row of last year moved one year later, for the comparison with "
        "the same month of last year.",
    )
    order_line_id = fields.Many2one("sale.order.line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", readonly=True
    )
    territory_id = fields.Many2one("sales.territory", readonly=True)
    region_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    product_id = fields.Many2one("product.product", readonly=True)

    revenue = fields.Monetary(
        readonly=True, help="Untaxed amount of the confirmed order lines."
    )
    quantity = fields.Float(
        readonly=True,
        digits="Product Unit of Measure",
        help="Ordered quantity, in the product's unit of measure.",
    )
    revenue_ly = fields.Monetary(
        string="Revenue Last Year",
        readonly=True,
        help="Revenue of the same days of last year.",
    )
    quantity_ly = fields.Float(
        string="Quantity Last Year", readonly=True, digits="Product Unit of Measure"
    )
    revenue_growth = fields.Float(
        string="Revenue Growth (%)",
        readonly=True,
        help="(Revenue - revenue last year) / revenue last year, of the group; 0 "
        "without revenue last year.",
    )
    quantity_growth = fields.Float(
        string="Quantity Growth (%)",
        readonly=True,
        help="(Quantity - quantity last year) / quantity last year, of the group; "
        "0 without quantity last year.",
    )
    region_share = fields.Float(
        string="Share in Region (%)",
        readonly=True,
        help="Revenue of the group / revenue of every product in the same "
        "territory, customer, salesperson and months: what the category or product "
        "weighs in the region.",
    )
    company_share = fields.Float(
        string="Share in Company (%)",
        readonly=True,
        help="The category's or product's share of the revenue of the whole "
        "company (all the rows of the current filters) in the same months.",
    )
    share_index = fields.Float(
        string="Regional Index",
        readonly=True,
        help="Share in region / share in company x 100: above 100, the category "
        "or product sells better in this region than in the whole company.",
    )

    @api.depends_context("allowed_company_ids")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    @property
    def _table_query(self):
        facts = self.env["sales.performance.report"]._facts_sql(
            by_line=True, new_customers=False, with_product=True
        )
        # each fact twice: this year's row and, one year later, last year's
        # (one pass over the lines, no materialised copy of them)
        return SQL(
            """
SELECT f.line_id::bigint * 2 + v.last_year::int AS id, v.last_year,
       f.line_id AS order_line_id, f.order_id, v.date, f.company_id,
       f.territory_id, territory.region_id, f.user_id, f.team_id, f.partner_id,
       f.categ_id, f.product_id,
       v.revenue * account_currency_table.rate AS revenue, v.quantity,
       v.revenue_ly * account_currency_table.rate AS revenue_ly, v.quantity_ly,
       NULL::float AS revenue_growth, NULL::float AS quantity_growth,
       NULL::float AS region_share, NULL::float AS company_share,
       NULL::float AS share_index
  FROM (%(facts)s) f
 CROSS JOIN LATERAL (VALUES
       (FALSE, f.date, f.ordered_amount, f.quantity, 0.0, 0.0),
       (TRUE, (f.date + interval '1 year')::date, 0.0, 0.0, f.ordered_amount,
        f.quantity)
 ) v(last_year, date, revenue, quantity, revenue_ly, quantity_ly)
  LEFT JOIN sales_territory territory ON territory.id = f.territory_id
  JOIN %(currency_table)s ON account_currency_table.company_id = f.company_id
 WHERE f.source = 'order'
""",
            facts=facts,
            currency_table=self.env["res.currency"]._get_simple_currency_table(
                self.env.companies
            ),
        )

    # ------------------------------------------------------------ ratios
    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        # the shares compare each group with its neighbours: they need the
        # group-bys of the query (see _read_group_select)
        report = self
        if any(spec.split(":")[0] in RATIO_MEASURES for spec in aggregates):
            report = self.with_context(**{GROUPBY_CONTEXT: list(groupby)})
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super(SalesDemandReport, report)._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    def search_fetch(self, *args, **kwargs):
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super().search_fetch(*args, **kwargs)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        kind = RATIO_MEASURES.get(fname)
        if not kind:
            return super()._read_group_select(aggregate_spec, query)

        def total(name):
            return SQL("SUM(%s)", self._field_to_sql(self._table, name, query))

        if kind == "growth":
            measure = "revenue" if fname == "revenue_growth" else "quantity"
            now, before = total(measure), total(f"{measure}_ly")
            return SQL(
                "CASE WHEN %(before)s <> 0 "
                "THEN 100.0 * (%(now)s - %(before)s) / ABS(%(before)s) END",
                now=now,
                before=before,
            )
        groupby = self.env.context.get(GROUPBY_CONTEXT) or []
        revenue = total("revenue")

        def over(keep):
            """The revenue summed over the groups that share the group-bys
            ``keep`` accepts (a window over the grouped rows)."""
            parts = [
                self._read_group_groupby(spec, query)
                for spec in groupby
                if keep(spec.split(":")[0].split(".")[0])
            ]
            partition = (
                SQL("PARTITION BY %s", SQL(", ").join(parts)) if parts else SQL()
            )
            return SQL("NULLIF(SUM(%s) OVER (%s), 0)", revenue, partition)

        # region: every product of the same other group-bys; company: the same
        # products and months, every territory; whole: all, the same months
        region = over(lambda f: f not in PRODUCT_GROUPBYS)
        company = over(lambda f: f in PRODUCT_GROUPBYS or f in TIME_GROUPBYS)
        whole = over(lambda f: f in TIME_GROUPBYS)
        if fname == "region_share":
            return SQL("100.0 * %s / %s", revenue, region)
        if fname == "company_share":
            return SQL("100.0 * %s / %s", company, whole)
        return SQL(
            "100.0 * (%s / %s) / NULLIF(%s / %s, 0)", revenue, region, company, whole
        )

    # ------------------------------------------------------------ drill-down
    def action_open_order_lines(self):
        """The order lines behind the selected rows (this year's and last
        year's)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Order Lines"),
            "res_model": "sale.order.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("sale.view_order_line_tree").id, "list"),
                (self.env.ref("sale.sale_order_line_view_form_readonly").id, "form"),
            ],
            "domain": [("id", "in", self.order_line_id.ids)],
            "context": {"create": False},
        }

    def action_open_orders(self):
        """The orders behind the selected rows."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Orders"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.order_id.ids)],
            "context": {"create": False},
        }
