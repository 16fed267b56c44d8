from odoo import api, fields, models
from odoo.tools import SQL

from ..models.res_partner_segment import SCORE_HELP, SEGMENT_HELP, SEGMENTS


class SalesCustomerSegmentReport(models.Model):
    """Customers by segment, territory and region: the RFM figures stored on
    the customers by the last computation, one row per customer."""

    _name = "sales.customer.segment.report"
    _description = "Customer Segments by Territory"
    _auto = False
    _order = "monetary desc, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": [
            "customer_segment",
            "rfm_company_id",
            "rfm_first_order_date",
            "rfm_last_order_date",
            "rfm_frequency",
            "rfm_monetary",
            "rfm_recency_score",
            "rfm_frequency_score",
            "rfm_monetary_score",
            "territory_id",
            "user_id",
        ],
        "res.company": ["segment_date"],
        "sales.territory": ["region_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", readonly=True
    )
    territory_id = fields.Many2one("sales.territory", readonly=True)
    region_id = fields.Many2one("sales.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    segment = fields.Selection(SEGMENTS, readonly=True, help=SEGMENT_HELP)
    date = fields.Date(string="As Of", readonly=True)
    first_order_date = fields.Date(string="First Order", readonly=True)
    last_order_date = fields.Date(string="Last Order", readonly=True)
    recency_days = fields.Integer(
        string="Recency (days)",
        aggregator="avg",
        readonly=True,
        help="Days since the last confirmed order (average over the customers).",
    )
    frequency = fields.Integer(
        string="Orders in Window",
        readonly=True,
        help="Confirmed orders in the RFM window.",
    )
    monetary = fields.Monetary(
        readonly=True,
        help="Untaxed amount of the confirmed orders in the RFM window.",
    )
    recency_score = fields.Float(aggregator="avg", readonly=True, help=SCORE_HELP)
    frequency_score = fields.Float(aggregator="avg", readonly=True, help=SCORE_HELP)
    monetary_score = fields.Float(aggregator="avg", readonly=True, help=SCORE_HELP)
    customer_count = fields.Integer(string="Customers", readonly=True)

    @api.depends_context("allowed_company_ids")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    @property
    def _table_query(self):
        return SQL(
            """
SELECT p.id, p.id AS partner_id, p.rfm_company_id AS company_id, p.territory_id,
       t.region_id, p.user_id, p.customer_segment AS segment,
       c.segment_date AS date, p.rfm_first_order_date AS first_order_date,
       p.rfm_last_order_date AS last_order_date,
       c.segment_date - p.rfm_last_order_date AS recency_days,
       p.rfm_frequency AS frequency,
       p.rfm_monetary * account_currency_table.rate AS monetary,
       p.rfm_recency_score AS recency_score,
       p.rfm_frequency_score AS frequency_score,
       p.rfm_monetary_score AS monetary_score, 1 AS customer_count
  FROM res_partner p
  JOIN res_company c ON c.id = p.rfm_company_id
  LEFT JOIN sales_territory t ON t.id = p.territory_id
  JOIN %(currency_table)s ON account_currency_table.company_id = p.rfm_company_id
 WHERE p.customer_segment IS NOT NULL""",
            currency_table=self.env["res.currency"]._get_simple_currency_table(
                self.env.companies
            ),
        )

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

    def action_open_orders(self):
        """The confirmed orders of the customers of the selected rows."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Orders"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("partner_id", "child_of", self.partner_id.ids),
                ("state", "=", "sale"),
            ],
            "context": {"create": False},
        }
