from odoo import api, fields, models
from odoo.tools import SQL

KINDS = [
    ("active", "Active"),
    ("new", "New"),
    ("returning", "Won Back"),
    ("lapsed", "Lapsed"),
]


class SalesCustomerActivityReport(models.Model):
    """Active, new, won-back and lapsed customers by territory and month, from
    the confirmed orders of the cockpit's facts (one row per customer and
    event; the counts add up across territories).

    * Active: the customer has a confirmed order in the month (counted once,
      in the territory of its last order of the month).
    * New: its first confirmed order ever is in the month.
    * Won back: an order in the month comes after a gap of at least the RFM
      window since the customer's previous order.
    * Lapsed: the RFM window ran out in the month after the customer's last
      order, without a new order (counted in the territory of that order, once
      the day has come).
    """

    _name = "sales.customer.activity.report"
    _description = "Customer Activity by Territory and Month"
    _auto = False
    _order = "date desc, id"
    _rec_name = "date"
    _depends = {
        "sale.order": [
            "state",
            "date_order",
            "partner_id",
            "company_id",
            "territory_id",
            "user_id",
            "team_id",
        ],
        "res.partner": ["commercial_partner_id", "tz"],
        "res.company": ["segment_window_days", "partner_id"],
        "sales.territory": ["region_id"],
    }

    date = fields.Date(string="Month", readonly=True)
    kind = fields.Selection(KINDS, string="Event", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    territory_id = fields.Many2one("sales.territory", readonly=True)
    region_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        help="The order behind the row: the customer's last order of the month "
        "(active), its first order (new), the order that won it back, or its last "
        "order before lapsing.",
    )
    active_count = fields.Integer(
        string="Active Customers",
        readonly=True,
        help="Customers with a confirmed order in the month.",
    )
    new_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="Customers whose first confirmed order is in the month.",
    )
    returning_count = fields.Integer(
        string="Won Back Customers",
        readonly=True,
        help="Customers who ordered in the month after a gap of at least the RFM "
        "window.",
    )
    lapsed_count = fields.Integer(
        string="Lapsed Customers",
        readonly=True,
        help="Customers whose last order became older than the RFM window during "
        "the month.",
    )

    @api.model
    def _orders_sql(self):
        """Confirmed orders with the customer's previous and next order dates,
        the rank of the order for its customer, the company's RFM window and
        today (in the company's time zone)."""
        return SQL(
            """
SELECT f.order_id, f.company_id, f.territory_id, f.user_id, f.team_id,
       f.partner_id, f.date, date_trunc('month', f.date)::date AS month,
       lag(f.date) OVER w AS previous_date, lead(f.date) OVER w AS next_date,
       row_number() OVER w AS seq, c.segment_window_days AS window_days,
       (now() AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS today
  FROM (%(facts)s) f
  JOIN res_company c ON c.id = f.company_id
  JOIN res_partner cp ON cp.id = c.partner_id
 WHERE f.source = 'order'
WINDOW w AS (PARTITION BY f.company_id, f.partner_id ORDER BY f.date, f.order_id)""",
            facts=self.env["sales.performance.report"]._facts_sql(new_customers=False),
        )

    @property
    def _table_query(self):
        return SQL(
            """
WITH orders AS MATERIALIZED (%(orders)s)
SELECT x.id, x.kind, x.date, x.company_id, x.territory_id, t.region_id,
       x.user_id, x.team_id, x.partner_id, x.order_id,
       (x.kind = 'active')::int AS active_count,
       (x.kind = 'new')::int AS new_count,
       (x.kind = 'returning')::int AS returning_count,
       (x.kind = 'lapsed')::int AS lapsed_count
  FROM (
    (SELECT DISTINCT ON (o.company_id, o.partner_id, o.month)
            o.order_id::bigint * 4 AS id, 'active' AS kind, o.month AS date,
            o.company_id, o.territory_id, o.user_id, o.team_id, o.partner_id,
            o.order_id
       FROM orders o
      ORDER BY o.company_id, o.partner_id, o.month, o.date DESC, o.order_id DESC)
    UNION ALL
    SELECT o.order_id::bigint * 4 + 1, 'new', o.month, o.company_id,
           o.territory_id, o.user_id, o.team_id, o.partner_id, o.order_id
      FROM orders o
     WHERE o.seq = 1
    UNION ALL
    SELECT o.order_id::bigint * 4 + 2, 'returning', o.month, o.company_id,
           o.territory_id, o.user_id, o.team_id, o.partner_id, o.order_id
      FROM orders o
     WHERE o.date - o.previous_date >= o.window_days
    UNION ALL
    SELECT o.order_id::bigint * 4 + 3, 'lapsed',
           date_trunc('month', o.date + o.window_days)::date, o.company_id,
           o.territory_id, o.user_id, o.team_id, o.partner_id, o.order_id
      FROM orders o
     WHERE (o.next_date IS NULL OR o.next_date - o.date >= o.window_days)
       AND o.date + o.window_days <= o.today
  ) x
  LEFT JOIN sales_territory t ON t.id = x.territory_id""",
            orders=self._orders_sql(),
        )

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

    def action_open_customers(self):
        """The customers of the selected rows."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.partner_id.ids)],
            "context": {"create": False},
        }
