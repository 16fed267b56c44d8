from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SalesTerritoryRealignmentBalance(models.Model):
    """The effect of a realignment's proposed moves on each territory: its
    customers and their revenue of the last twelve months, before and after.

    Written at preview time by one statement (:meth:`_compute`) for the
    territories that the moves touch and their peers (the other
    sub-territories of the same parent), so that a consultant can balance the
    territories before applying. Customers are those of the territory itself
    (not of its sub-territories); the empty territory is the row of the
    customers without territory, listed when moves come from or go to it."""

    _name = "sales.territory.realignment.balance"
    _description = "Realignment Balance"
    _order = "realignment_id, sequence, territory_id"
    _log_access = False

    realignment_id = fields.Many2one(
        "sales.territory.realignment",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    sequence = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    territory_id = fields.Many2one(
        "sales.territory",
        ondelete="cascade",
        readonly=True,
        help="Empty: the customers without territory.",
    )
    name = fields.Char(compute="_compute_name", string="Territory Name")
    touched = fields.Boolean(
        readonly=True, help="Customers move into or out of this territory."
    )
    customers_before = fields.Integer(readonly=True)
    customers_after = fields.Integer(readonly=True)
    customers_delta = fields.Integer(string="Customers Change", readonly=True)
    revenue_before = fields.Monetary(
        readonly=True,
        help="Revenue of the last twelve months (confirmed orders, untaxed, in the "
        "company currency) of the territory's customers before the moves.",
    )
    revenue_after = fields.Monetary(readonly=True)
    revenue_delta = fields.Monetary(string="Revenue Change", readonly=True)

    @api.depends("territory_id.complete_name")
    def _compute_name(self):
        for row in self:
            row.name = row.territory_id.complete_name or self.env._("Without Territory")

    @api.model
    def _compute(self, realignment):
        """Replace the balance of a realignment by a fresh one (one statement),
        from its proposed moves (not in conflict) as previewed."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "DELETE FROM sales_territory_realignment_balance "
                "WHERE realignment_id = %s",
                realignment.id,
            )
        )
        company = realignment.company_id
        today = fields.Date.context_today(self)
        facts = self.env["sales.performance.report"]._facts_sql(
            date_from=today - relativedelta(years=1, days=-1),
            date_to=today,
            new_customers=False,
        )
        Partner = self.env["res.partner"]
        cr.execute(
            SQL(
                """
WITH facts AS MATERIALIZED (%(facts)s),
revenue AS (
    SELECT f.partner_id, sum(f.ordered_amount) AS revenue
      FROM facts f
     WHERE f.source = 'order' AND f.company_id = %(company)s
     GROUP BY f.partner_id
),
moves AS (
    SELECT l.partner_id, l.current_territory_id AS old_id,
           l.new_territory_id AS new_id
      FROM sales_territory_realignment_result l
     WHERE l.realignment_id = %(realignment)s AND NOT l.conflict
       AND l.current_territory_id IS DISTINCT FROM l.new_territory_id
),
customers AS (
    SELECT p.id, p.territory_id, coalesce(rv.revenue, 0.0) AS revenue
      FROM res_partner p
      JOIN sales_territory t ON t.id = p.territory_id
      LEFT JOIN revenue rv ON rv.partner_id = p.id
     WHERE p.active AND p.id = p.commercial_partner_id
       AND t.company_id = %(company)s
    UNION ALL
    SELECT p.id, NULL, coalesce(rv.revenue, 0.0)
      FROM res_partner p
      LEFT JOIN revenue rv ON rv.partner_id = p.id
     WHERE p.territory_id IS NULL AND %(unassigned)s
),
figures AS (
    SELECT territory_id, sum(cb) AS cb, sum(ca) AS ca, sum(rb) AS rb,
           sum(ra) AS ra
      FROM (
        SELECT c.territory_id, 1 AS cb, 0 AS ca, c.revenue AS rb, 0.0 AS ra
          FROM customers c
        UNION ALL
        SELECT CASE WHEN m.partner_id IS NULL THEN c.territory_id
                    ELSE m.new_id END,
               0, 1, 0.0, c.revenue
          FROM customers c
          LEFT JOIN moves m ON m.partner_id = c.id
      ) x
     GROUP BY territory_id
),
touched AS (
    SELECT old_id AS territory_id FROM moves
    UNION SELECT new_id FROM moves
),
peers AS (
    -- the touched territories and the other children of their parents
    SELECT t.id AS territory_id, bool_or(t.id = moved.id) AS touched
      FROM sales_territory moved
      JOIN sales_territory t
        ON t.id = moved.id
        OR (t.parent_id IS NOT DISTINCT FROM moved.parent_id
            AND t.company_id = moved.company_id AND t.active)
     WHERE moved.id IN (SELECT territory_id FROM touched)
     GROUP BY t.id
    UNION ALL
    SELECT NULL, TRUE WHERE EXISTS (SELECT 1 FROM touched WHERE territory_id IS NULL)
)
INSERT INTO sales_territory_realignment_balance
       (realignment_id, sequence, company_id, territory_id, touched,
        customers_before, customers_after, customers_delta,
        revenue_before, revenue_after, revenue_delta)
SELECT %(realignment)s,
       row_number() OVER (ORDER BY t.complete_name NULLS FIRST, t.id),
       %(company)s, peers.territory_id, peers.touched,
       coalesce(f.cb, 0), coalesce(f.ca, 0), coalesce(f.ca, 0) - coalesce(f.cb, 0),
       coalesce(f.rb, 0.0), coalesce(f.ra, 0.0),
       coalesce(f.ra, 0.0) - coalesce(f.rb, 0.0)
  FROM peers
  LEFT JOIN sales_territory t ON t.id = peers.territory_id
  LEFT JOIN figures f ON f.territory_id IS NOT DISTINCT FROM peers.territory_id
""",
                facts=facts,
                company=company.id,
                realignment=realignment.id,
                unassigned=Partner._territory_customer_where(company),
            )
        )
        self.invalidate_model()
        realignment.invalidate_recordset(["balance_ids"])
