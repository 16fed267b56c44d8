from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Deviation from the peers' mean (in %) from which a row is out of balance,
# and from which it is worth watching.
OUT_OF_BALANCE = 25.0
WATCH = 10.0


class SalesTerritoryBalance(models.Model):
    """How evenly the work is spread: customers, revenue of the last twelve
    months, open pipeline and current targets of every territory (its
    sub-territories included) and of every salesperson, each compared with its
    peers: the territories under the same parent, the salespeople of the same
    company. One SQL statement; revenue comes from the cockpit's facts."""

    _name = "sales.territory.balance"
    _description = "Territory Balance"
    _auto = False
    _order = "dimension, parent_id, revenue desc, id"
    _rec_name = "name"

    dimension = fields.Selection(
        [("territory", "Territory"), ("user", "Salesperson")], readonly=True
    )
    name = fields.Char(readonly=True)
    territory_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    parent_id = fields.Many2one(
        "sales.territory",
        string="Peer Group",
        readonly=True,
        help="Territories are compared with the other sub-territories of this "
        "territory; top-level territories with each other. Salespeople are "
        "compared with the other salespeople of the company.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    revenue = fields.Monetary(
        string="Revenue (12 Months)",
        readonly=True,
        help="Untaxed amount of the orders confirmed in the last twelve months "
        "(the cockpit's Ordered figure), in the company currency.",
    )
    pipeline = fields.Monetary(
        string="Open Pipeline",
        readonly=True,
        help="Expected revenue of the open opportunities (neither won nor lost).",
    )
    target = fields.Monetary(
        string="Current Target",
        readonly=True,
        help="Confirmed targets of ordered amount whose period includes today "
        "(territory targets for territories, their sub-territories included; "
        "salesperson targets for salespeople).",
    )
    peer_count = fields.Integer(
        string="Peers", readonly=True, aggregator="max", help="Rows compared."
    )
    customer_mean = fields.Float(
        string="Mean Customers", readonly=True, aggregator="max", digits=(16, 1)
    )
    customer_deviation = fields.Float(
        string="Customers vs Mean (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="How far the number of customers is from the mean of the peers.",
    )
    customer_cv = fields.Float(
        string="Customers Spread (CV %)",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
        help="Coefficient of variation of the peers' customers: standard "
        "deviation over mean. 0 when perfectly even.",
    )
    revenue_mean = fields.Monetary(
        string="Mean Revenue", readonly=True, aggregator="max"
    )
    revenue_gap = fields.Monetary(
        string="Gap to Mean Revenue",
        readonly=True,
        aggregator=None,
        help="Revenue minus the peers' mean revenue.",
    )
    revenue_deviation = fields.Float(
        string="Revenue vs Mean (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 1),
        help="How far the revenue is from the mean of the peers.",
    )
    revenue_min = fields.Monetary(
        string="Lowest Revenue of Peers", readonly=True, aggregator="min"
    )
    revenue_max = fields.Monetary(
        string="Highest Revenue of Peers", readonly=True, aggregator="max"
    )
    revenue_cv = fields.Float(
        string="Revenue Spread (CV %)",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
        help="Coefficient of variation of the peers' revenue: standard deviation "
        "over mean.",
    )
    largest_deviation = fields.Float(
        string="Largest Deviation (%)",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
        help="The larger of the customers and revenue deviations, in absolute "
        "value: the rows to look at first.",
    )
    balance_state = fields.Selection(
        [("even", "Even"), ("watch", "Watch"), ("out", "Out of Balance")],
        string="Balance",
        readonly=True,
        help=f"Out of Balance: customers or revenue {OUT_OF_BALANCE:.0f} % or more "
        f"away from the peers' mean; Watch: {WATCH:.0f} % or more.",
    )

    # ------------------------------------------------------------ figures
    @api.model
    def _period(self):
        """The last twelve months, today included."""
        today = fields.Date.context_today(self)
        return today - relativedelta(years=1, days=-1), today

    @api.model
    def _open_pipeline_condition(self):
        """Open opportunities (alias l): active, neither won nor lost."""
        return SQL(
            "l.active AND l.type = 'opportunity' AND coalesce(l.probability, 0) < 100"
        )

    @api.model
    def _territory_figures_sql(self, today):
        """Own figures of each territory: territory_id, customers, revenue,
        pipeline, target (before adding the sub-territories)."""
        return SQL(
            """
SELECT territory_id, sum(customers) AS customers, sum(revenue) AS revenue,
       sum(pipeline) AS pipeline, sum(target) AS target
  FROM (
    SELECT p.territory_id, 1 AS customers, 0.0 AS revenue, 0.0 AS pipeline,
           0.0 AS target
      FROM res_partner p
     WHERE p.active AND p.id = p.commercial_partner_id
       AND p.territory_id IS NOT NULL
    UNION ALL
    SELECT f.territory_id, 0, f.ordered_amount, 0.0, 0.0
      FROM facts f WHERE f.source = 'order' AND f.territory_id IS NOT NULL
    UNION ALL
    SELECT l.territory_id, 0, 0.0, coalesce(l.expected_revenue, 0.0), 0.0
      FROM crm_lead l
     WHERE %(open)s AND l.territory_id IS NOT NULL
    UNION ALL
    SELECT t.territory_id, 0, 0.0, 0.0, t.target_value
      FROM sales_target t
     WHERE t.state = 'confirmed' AND t.dimension = 'territory'
       AND t.measure = 'ordered' AND t.categ_id IS NULL
       AND t.territory_id IS NOT NULL
       AND %(today)s BETWEEN t.date_from AND t.date_to
  ) own
 GROUP BY territory_id""",
            open=self._open_pipeline_condition(),
            today=today,
        )

    @api.model
    def _user_figures_sql(self, today):
        """Figures of each salesperson and company: user_id, company_id,
        customers, revenue, pipeline, target. Members of a territory are listed
        even without figures."""
        return SQL(
            """
SELECT user_id, company_id, sum(customers) AS customers, sum(revenue) AS revenue,
       sum(pipeline) AS pipeline, sum(target) AS target
  FROM (
    SELECT p.user_id, coalesce(t.company_id, p.company_id, u.company_id)
               AS company_id,
           1 AS customers, 0.0 AS revenue, 0.0 AS pipeline, 0.0 AS target
      FROM res_partner p
      JOIN res_users u ON u.id = p.user_id
      LEFT JOIN sales_territory t ON t.id = p.territory_id
     WHERE p.active AND p.id = p.commercial_partner_id
    UNION ALL
    SELECT f.user_id, f.company_id, 0, f.ordered_amount, 0.0, 0.0
      FROM facts f WHERE f.source = 'order' AND f.user_id IS NOT NULL
    UNION ALL
    SELECT l.user_id, coalesce(l.company_id, u.company_id), 0, 0.0,
           coalesce(l.expected_revenue, 0.0), 0.0
      FROM crm_lead l
      JOIN res_users u ON u.id = l.user_id
     WHERE %(open)s
    UNION ALL
    SELECT t.user_id, t.company_id, 0, 0.0, 0.0, t.target_value
      FROM sales_target t
     WHERE t.state = 'confirmed' AND t.dimension = 'user'
       AND t.measure = 'ordered' AND t.categ_id IS NULL
       AND t.user_id IS NOT NULL
       AND %(today)s BETWEEN t.date_from AND t.date_to
    UNION ALL
    SELECT m.user_id, t.company_id, 0, 0.0, 0.0, 0.0
      FROM sales_territory_member_rel m
      JOIN sales_territory t ON t.id = m.territory_id
     WHERE t.active
  ) own
 GROUP BY user_id, company_id""",
            open=self._open_pipeline_condition(),
            today=today,
        )

    @property
    def _table_query(self):
        date_from, today = self._period()
        facts = self.env["sales.performance.report"]._facts_sql(
            date_from=date_from, date_to=today, new_customers=False
        )
        deviation = SQL(
            "CASE WHEN %(mean)s = 0 THEN 0.0 ELSE (%(value)s - %(mean)s) * 100.0 "
            "/ %(mean)s END",
            mean=SQL("avg(r.customers) OVER peers"),
            value=SQL("r.customers"),
        )
        revenue_deviation = SQL(
            "CASE WHEN %(mean)s = 0 THEN 0.0 ELSE (%(value)s - %(mean)s) * 100.0 "
            "/ %(mean)s END",
            mean=SQL("avg(r.revenue) OVER peers"),
            value=SQL("r.revenue"),
        )
        return SQL(
            """
WITH facts AS MATERIALIZED (%(facts)s),
own AS MATERIALIZED (%(territory_figures)s),
territory_rows AS (
    SELECT t.id::bigint * 2 AS id, 'territory' AS dimension,
           t.complete_name AS name, t.id AS territory_id, NULL::integer AS user_id,
           t.parent_id, t.company_id,
           coalesce(sum(o.customers), 0) AS customers,
           coalesce(sum(o.revenue), 0.0) AS revenue,
           coalesce(sum(o.pipeline), 0.0) AS pipeline,
           coalesce(sum(o.target), 0.0) AS target
      FROM sales_territory t
      JOIN sales_territory d ON starts_with(d.parent_path, t.parent_path)
      LEFT JOIN own o ON o.territory_id = d.id
     WHERE t.active
     GROUP BY t.id
),
user_rows AS (
    SELECT u.id::bigint * 2 + 1 AS id, 'user' AS dimension, p.name,
           NULL::integer AS territory_id, u.id AS user_id,
           NULL::integer AS parent_id, x.company_id,
           x.customers, x.revenue, x.pipeline, x.target
      FROM (%(user_figures)s) x
      JOIN res_users u ON u.id = x.user_id
      JOIN res_partner p ON p.id = u.partner_id
     WHERE u.active AND NOT u.share AND x.company_id IS NOT NULL
),
r AS (SELECT * FROM territory_rows UNION ALL SELECT * FROM user_rows),
stats AS (
    SELECT r.*,
           count(*) OVER peers AS peer_count,
           avg(r.customers) OVER peers AS customer_mean,
           %(deviation)s AS customer_deviation,
           CASE WHEN avg(r.customers) OVER peers = 0 THEN 0.0
                ELSE stddev_pop(r.customers) OVER peers * 100.0
                     / avg(r.customers) OVER peers END AS customer_cv,
           avg(r.revenue) OVER peers AS revenue_mean,
           r.revenue - avg(r.revenue) OVER peers AS revenue_gap,
           %(revenue_deviation)s AS revenue_deviation,
           min(r.revenue) OVER peers AS revenue_min,
           max(r.revenue) OVER peers AS revenue_max,
           CASE WHEN avg(r.revenue) OVER peers = 0 THEN 0.0
                ELSE stddev_pop(r.revenue) OVER peers * 100.0
                     / avg(r.revenue) OVER peers END AS revenue_cv
      FROM r
    WINDOW peers AS (PARTITION BY r.dimension, r.company_id, r.parent_id)
)
SELECT s.id, s.dimension, s.name, s.territory_id, s.user_id, s.parent_id,
       s.company_id, c.currency_id, s.customers AS customer_count,
       s.revenue, s.pipeline, s.target, s.peer_count,
       s.customer_mean, s.customer_deviation, s.customer_cv,
       s.revenue_mean, s.revenue_gap, s.revenue_deviation,
       s.revenue_min, s.revenue_max, s.revenue_cv,
       greatest(abs(s.customer_deviation), abs(s.revenue_deviation))
           AS largest_deviation,
       CASE WHEN greatest(abs(s.customer_deviation), abs(s.revenue_deviation))
                 >= %(out)s THEN 'out'
            WHEN greatest(abs(s.customer_deviation), abs(s.revenue_deviation))
                 >= %(watch)s THEN 'watch'
            ELSE 'even' END AS balance_state
  FROM stats s
  JOIN res_company c ON c.id = s.company_id
""",
            facts=facts,
            territory_figures=self._territory_figures_sql(today),
            user_figures=self._user_figures_sql(today),
            deviation=deviation,
            revenue_deviation=revenue_deviation,
            out=OUT_OF_BALANCE,
            watch=WATCH,
        )

    # The planner's estimates of the facts are poor (window functions): its JIT
    # would cost more than it saves, as for the cockpit.
    @api.model
    def _read_group(self, *args, **kwargs):
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super()._read_group(*args, **kwargs)

    def search_fetch(self, *args, **kwargs):
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super().search_fetch(*args, **kwargs)

    def action_open(self):
        """The territory or the salesperson's customers."""
        self.ensure_one()
        if self.territory_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "sales.territory",
                "res_id": self.territory_id.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers of %s", self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("user_id", "=", self.user_id.id), ("parent_id", "=", False)],
        }
