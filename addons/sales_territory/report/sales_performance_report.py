from odoo import api, fields, models
from odoo.tools import SQL

# The measures of the cockpit and of targets: (measure key, fact column).
MEASURES = [
    ("ordered", "ordered_amount"),
    ("invoiced", "invoiced_amount"),
    ("margin", "margin"),
    ("order_count", "order_count"),
    ("new_customers", "new_customer_count"),
]


class SalesPerformanceReport(models.Model):
    """The cockpit: actuals, last year's actuals and phased targets by day,
    territory, region, salesperson, team and company, in one SQL view.

    The facts (confirmed orders, posted customer invoices and credit notes)
    are defined once here and read by the cockpit and by the refresh of the
    targets' actuals, so that both always agree. Later addons add their
    dimension (channel, channel partner) with :meth:`_fact_dimensions`, the way
    ``sale.report._select_additional_fields`` is extended.
    """

    _name = "sales.performance.report"
    _description = "Sales Performance (Cockpit)"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    # what the view reads: flushed before it is read, so that a report of the
    # same transaction sees the changes not yet written (later addons add the
    # fields of their dimensions)
    _depends = {
        "sale.order": [
            "company_id",
            "territory_id",
            "user_id",
            "team_id",
            "partner_id",
            "state",
            "date_order",
            "currency_rate",
            "amount_untaxed",
            "margin",
        ],
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom",
            "product_uom_qty",
            "price_subtotal",
            "margin",
            "display_type",
        ],
        "account.move": [
            "company_id",
            "territory_id",
            "invoice_user_id",
            "team_id",
            "commercial_partner_id",
            "state",
            "move_type",
            "invoice_date",
            "amount_untaxed_signed",
        ],
        "account.move.line": [
            "move_id",
            "product_id",
            "product_uom_id",
            "quantity",
            "balance",
            "display_type",
        ],
        "sales.target": [
            "company_id",
            "territory_id",
            "user_id",
            "team_id",
            "dimension",
            "measure",
            "state",
            "categ_id",
            "date_from",
            "date_to",
            "target_value",
        ],
        "sales.territory": ["region_id"],
        "res.partner": ["commercial_partner_id"],
    }

    date = fields.Date(readonly=True)
    source = fields.Selection(
        [("order", "Sales Order"), ("invoice", "Invoice"), ("target", "Target")],
        readonly=True,
    )
    order_id = fields.Many2one("sale.order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    target_id = fields.Many2one("sales.target", readonly=True)
    target_dimension = fields.Selection(
        selection="_selection_target_dimension",
        readonly=True,
        help="The dimension of the target the row comes from (empty for actuals).",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", readonly=True
    )
    territory_id = fields.Many2one("sales.territory", readonly=True)
    region_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)

    ordered_amount = fields.Monetary(string="Ordered", readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", readonly=True)
    margin = fields.Monetary(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    new_customer_count = fields.Integer(string="New Customers", readonly=True)

    ordered_amount_ly = fields.Monetary(string="Ordered Last Year", readonly=True)
    invoiced_amount_ly = fields.Monetary(string="Invoiced Last Year", readonly=True)
    margin_ly = fields.Monetary(string="Margin Last Year", readonly=True)
    order_count_ly = fields.Integer(string="Orders Last Year", readonly=True)
    new_customer_count_ly = fields.Integer(
        string="New Customers Last Year", readonly=True
    )

    target_ordered_amount = fields.Monetary(string="Target Ordered", readonly=True)
    target_invoiced_amount = fields.Monetary(string="Target Invoiced", readonly=True)
    target_margin = fields.Monetary(readonly=True)
    target_order_count = fields.Float(string="Target Orders", readonly=True)
    target_new_customer_count = fields.Float(
        string="Target New Customers", readonly=True
    )

    @api.model
    def _selection_target_dimension(self):
        return (
            self.env["sales.target"]
            ._fields["dimension"]
            ._description_selection(self.env)
        )

    @api.depends_context("allowed_company_ids")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    # ------------------------------------------------------------ facts
    @api.model
    def _fact_dimensions(self):
        """Dimension columns of the facts: name -> SQL expression for order
        facts (alias s: sale_order), invoice facts (alias m: account_move) and
        targets (alias t: sales_target). Extend it to add a dimension."""
        return {
            "company_id": {"order": "s.company_id", "invoice": "m.company_id"},
            "territory_id": {"order": "s.territory_id", "invoice": "m.territory_id"},
            "user_id": {"order": "s.user_id", "invoice": "m.invoice_user_id"},
            "team_id": {"order": "s.team_id", "invoice": "m.team_id"},
        }

    @api.model
    def _dimension_select(self, source):
        return SQL(", ").join(
            SQL("%s AS %s", SQL(exprs[source]), SQL.identifier(name))
            for name, exprs in self._fact_dimensions().items()
        )

    @api.model
    def _local_date(self, expr):
        """A UTC timestamp as a date in the time zone of the company's address
        (alias cp; UTC when it has none), so that months start where the
        company is."""
        return SQL(
            "(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date", expr
        )

    @api.model
    def _facts_sql(
        self,
        by_line=False,
        date_from=None,
        date_to=None,
        new_customers=True,
        with_product=False,
    ):
        """Rows of actuals: ``source, order_id, move_id, date, <dimensions>,
        partner_id, categ_id, <measures>`` in company currency.

        One row per confirmed order and per posted customer invoice or credit
        note; with ``by_line``, one row per line with its product category (for
        category targets; new customers are not counted per line). With
        ``by_line`` and ``with_product``, three more columns close the row:
        ``product_id``, ``quantity`` (in the product's unit of measure,
        negative on credit notes) and ``line_id`` (the order line, empty for
        invoice lines)."""
        rate = SQL(
            "CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0 ELSE s.currency_rate END"
        )
        period = SQL("TRUE")
        if date_from and date_to:
            period = SQL("f.date BETWEEN %s AND %s", date_from, date_to)
        order_dims = self._dimension_select("order")
        invoice_dims = self._dimension_select("invoice")
        order_date = self._local_date(SQL("s.date_order"))
        if by_line:
            orders = SQL(
                """
SELECT 'order' AS source, s.id AS order_id, NULL::integer AS move_id,
       %(date)s AS date, %(dims)s, p.commercial_partner_id AS partner_id,
       pt.categ_id,
       l.price_subtotal / %(rate)s AS ordered_amount,
       0.0 AS invoiced_amount,
       COALESCE(l.margin, 0) / %(rate)s AS margin,
       0 AS order_count,
       0 AS new_customer_count%(product)s
  FROM sale_order_line l
  JOIN sale_order s ON s.id = l.order_id
  JOIN res_partner p ON p.id = s.partner_id
  JOIN res_company c ON c.id = s.company_id
  JOIN res_partner cp ON cp.id = c.partner_id
  JOIN product_product pp ON pp.id = l.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id%(uom)s
 WHERE s.state = 'sale' AND l.display_type IS NULL""",
                date=order_date,
                dims=order_dims,
                rate=rate,
                product=SQL(
                    """,
       pp.id AS product_id,
       COALESCE(l.product_uom_qty / u.factor * u2.factor, l.product_uom_qty)
           AS quantity,
       l.id AS line_id"""
                )
                if with_product
                else SQL(),
                uom=SQL(
                    """
  LEFT JOIN uom_uom u ON u.id = l.product_uom
  LEFT JOIN uom_uom u2 ON u2.id = pt.uom_id"""
                )
                if with_product
                else SQL(),
            )
            invoices = SQL(
                """
SELECT 'invoice', NULL::integer, m.id, m.invoice_date, %(dims)s,
       m.commercial_partner_id, pt.categ_id,
       0.0, -aml.balance, 0.0, 0, 0%(product)s
  FROM account_move_line aml
  JOIN account_move m ON m.id = aml.move_id
  JOIN product_product pp ON pp.id = aml.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id%(uom)s
 WHERE m.state = 'posted' AND aml.display_type = 'product'
   AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')""",
                dims=invoice_dims,
                product=SQL(
                    """, pp.id,
       CASE m.move_type WHEN 'out_refund' THEN -1 ELSE 1 END
       * COALESCE(aml.quantity / u.factor * u2.factor, aml.quantity),
       NULL::integer"""
                )
                if with_product
                else SQL(),
                uom=SQL(
                    """
  LEFT JOIN uom_uom u ON u.id = aml.product_uom_id
  LEFT JOIN uom_uom u2 ON u2.id = pt.uom_id"""
                )
                if with_product
                else SQL(),
            )
        else:
            orders = SQL(
                """
SELECT 'order' AS source, s.id AS order_id, NULL::integer AS move_id,
       %(date)s AS date, %(dims)s, p.commercial_partner_id AS partner_id,
       NULL::integer AS categ_id,
       s.amount_untaxed / %(rate)s AS ordered_amount,
       0.0 AS invoiced_amount,
       COALESCE(s.margin, 0) / %(rate)s AS margin,
       1 AS order_count,
       %(new_customer)s AS new_customer_count
  FROM sale_order s
  JOIN res_partner p ON p.id = s.partner_id
  JOIN res_company c ON c.id = s.company_id
  JOIN res_partner cp ON cp.id = c.partner_id
 WHERE s.state = 'sale'""",
                date=order_date,
                dims=order_dims,
                rate=rate,
                new_customer=SQL(
                    """CASE WHEN row_number() OVER (
                           PARTITION BY s.company_id, p.commercial_partner_id
                           ORDER BY s.date_order, s.id) = 1
                       THEN 1 ELSE 0 END"""
                )
                if new_customers
                else SQL("0"),
            )
            invoices = SQL(
                """
SELECT 'invoice', NULL::integer, m.id, m.invoice_date, %(dims)s,
       m.commercial_partner_id, NULL::integer,
       0.0, m.amount_untaxed_signed, 0.0, 0, 0
  FROM account_move m
 WHERE m.state = 'posted'
   AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')""",
                dims=invoice_dims,
            )
        return SQL(
            "SELECT f.* FROM (%s UNION ALL %s) f WHERE %s", orders, invoices, period
        )

    # ------------------------------------------------------------ the view
    @api.model
    def _target_rows_sql(self):
        """Confirmed and closed targets without product category, phased over
        the months of their period in proportion to the days."""
        dims = SQL(", ").join(
            SQL("t.%s AS %s", SQL.identifier(name), SQL.identifier(name))
            for name in self._fact_dimensions()
        )
        share = SQL(
            """t.target_value
               * ((LEAST(t.date_to, (gs.month + interval '1 month - 1 day')::date)
                   - GREATEST(t.date_from, gs.month::date) + 1)::float
                  / (t.date_to - t.date_from + 1))"""
        )
        targets = SQL(", ").join(
            SQL(
                "CASE WHEN t.measure = %s THEN %s ELSE 0 END AS %s",
                measure,
                share,
                SQL.identifier(f"target_{column}"),
            )
            for measure, column in MEASURES
        )
        return SQL(
            """
SELECT (t.id::bigint * 1000 + (row_number() OVER (
            PARTITION BY t.id ORDER BY gs.month))) * 8 + 4 AS id,
       'target' AS source, t.id AS target_id, t.dimension AS target_dimension,
       GREATEST(t.date_from, gs.month::date) AS date, %(dims)s, %(targets)s
  FROM sales_target t
 CROSS JOIN LATERAL generate_series(
       date_trunc('month', t.date_from), t.date_to, interval '1 month') gs(month)
 WHERE t.state IN ('confirmed', 'closed') AND t.categ_id IS NULL""",
            dims=dims,
            targets=targets,
        )

    @api.model
    def _measure_columns(self, branch):
        """The measure columns of a branch of the view: ``actual`` (this year),
        ``last_year`` (facts moved one year later) or ``target``."""
        columns = []
        for _measure, column in MEASURES:
            names = (column, f"{column}_ly", f"target_{column}")
            values = {
                "actual": (SQL("f.%s", SQL.identifier(column)), SQL("0"), SQL("0")),
                "last_year": (SQL("0"), SQL("f.%s", SQL.identifier(column)), SQL("0")),
                "target": (SQL("0"), SQL("0"), SQL("r.%s", SQL.identifier(names[2]))),
            }[branch]
            columns += [
                SQL("%s AS %s", value, SQL.identifier(name))
                for value, name in zip(values, names, strict=True)
            ]
        return SQL(", ").join(columns)

    @api.model
    def _converted_columns(self):
        """Amounts in the currency of the current company (as sale.report)."""
        columns = []
        for _measure, column in MEASURES:
            for name in (column, f"{column}_ly", f"target_{column}"):
                if column in ("ordered_amount", "invoiced_amount", "margin"):
                    columns.append(
                        SQL(
                            "x.%s * account_currency_table.rate AS %s",
                            SQL.identifier(name),
                            SQL.identifier(name),
                        )
                    )
                else:
                    columns.append(SQL("x.%s", SQL.identifier(name)))
        return SQL(", ").join(columns)

    @property
    def _table_query(self):
        dims = list(self._fact_dimensions())

        def dim_cols(alias):
            return SQL(", ").join(
                SQL("%s.%s", SQL(alias), SQL.identifier(name)) for name in dims
            )

        return SQL(
            """
WITH facts AS MATERIALIZED (%(facts)s)
SELECT x.id, x.source, x.order_id, x.move_id, x.target_id, x.target_dimension,
       x.date, %(x_dims)s, territory.region_id AS region_id, x.partner_id,
       %(converted)s
  FROM (
    SELECT COALESCE(f.order_id, f.move_id)::bigint * 8
             + CASE f.source WHEN 'order' THEN 0 ELSE 2 END AS id,
           f.source, f.order_id, f.move_id, NULL::integer AS target_id,
           NULL::varchar AS target_dimension, f.date, %(f_dims)s, f.partner_id,
           %(actual)s
      FROM facts f
    UNION ALL
    SELECT COALESCE(f.order_id, f.move_id)::bigint * 8
             + CASE f.source WHEN 'order' THEN 1 ELSE 3 END,
           f.source, f.order_id, f.move_id, NULL, NULL,
           (f.date + interval '1 year')::date, %(f_dims)s, f.partner_id,
           %(last_year)s
      FROM facts f
    UNION ALL
    SELECT r.id, r.source, NULL, NULL, r.target_id, r.target_dimension, r.date,
           %(r_dims)s, NULL, %(targets)s
      FROM (%(target_rows)s) r
  ) x
  LEFT JOIN sales_territory territory ON territory.id = x.territory_id
  JOIN %(currency_table)s ON account_currency_table.company_id = x.company_id
""",
            facts=self._facts_sql(),
            x_dims=dim_cols("x"),
            f_dims=dim_cols("f"),
            r_dims=dim_cols("r"),
            converted=self._converted_columns(),
            actual=self._measure_columns("actual"),
            last_year=self._measure_columns("last_year"),
            targets=self._measure_columns("target"),
            target_rows=self._target_rows_sql(),
            currency_table=self.env["res.currency"]._get_simple_currency_table(
                self.env.companies
            ),
        )

    # The planner's estimates of this view are poor (window functions, series
    # of months): PostgreSQL would spend more time compiling it with its JIT
    # than running it.
    @api.model
    def _read_group(self, *args, **kwargs):
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super().search_fetch(*args, **kwargs)

    def action_open_document(self):
        """From a row of the cockpit to the order, invoice or target."""
        self.ensure_one()
        record = self.order_id or self.move_id or self.target_id
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
