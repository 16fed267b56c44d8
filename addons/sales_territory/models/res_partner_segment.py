from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("new", "New"),
    ("occasional", "Occasional"),
    ("at_risk", "At Risk"),
    ("lapsed", "Lapsed"),
]

SEGMENT_HELP = """Segment of the customer by its recency, frequency and monetary \
value (RFM), as of the last computation. The first rule that holds gives it:
Lapsed: no confirmed order in the RFM window.
New: first confirmed order within the new customer period (90 days by default).
Champions: recency, frequency and monetary scores all 4 or 5.
Loyal: recency and frequency scores at least 3.
At Risk: recency score 1 or 2, frequency or monetary score at least 3 (bought \
often or much, but not lately).
Occasional: every other customer with orders in the window."""

SCORE_HELP = """Quintile score from 1 (lowest fifth) to 5 (highest fifth) among \
the customers of the company with orders in the RFM window: 1 + 5 x (rank - 1) / \
(number of customers - 1), rounded down and capped at 5, where the rank counts \
from the lowest value and equal values share the lowest rank."""

# the columns written by the computation (plain fields: no recomputation, so
# that installing on many customers only adds empty columns). The recency in
# days is not stored: it changes every day for every customer, and the nightly
# job would rewrite every row; stored dates change only when orders do.
SEGMENT_FIELDS = [
    "customer_segment",
    "rfm_company_id",
    "rfm_first_order_date",
    "rfm_last_order_date",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_recency_score",
    "rfm_frequency_score",
    "rfm_monetary_score",
]


class ResPartner(models.Model):
    """Customer segments (RFM) of the commercial entities, computed in SQL
    for all customers at once by a daily scheduled action and on demand."""

    # apart from res_partner.py (territory assignment): another concern
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    customer_segment = fields.Selection(
        SEGMENTS, readonly=True, copy=False, help=SEGMENT_HELP
    )
    rfm_company_id = fields.Many2one(
        "res.company",
        string="Segment Company",
        readonly=True,
        copy=False,
        help="The company whose confirmed orders give the segment: that of the "
        "customer's territory, else the customer's own, else the one it bought "
        "from last.",
    )
    rfm_currency_id = fields.Many2one(
        related="rfm_company_id.currency_id", string="Segment Currency"
    )
    rfm_date = fields.Date(
        related="rfm_company_id.segment_date",
        string="Segment As Of",
        help="The day the segments were last computed (in the company's time zone).",
    )
    rfm_first_order_date = fields.Date(
        string="First Order",
        readonly=True,
        copy=False,
        help="Day of the customer's first confirmed order.",
    )
    rfm_last_order_date = fields.Date(
        string="Last Order",
        readonly=True,
        copy=False,
        help="Day of the customer's last confirmed order (up to the day of "
        "computation).",
    )
    rfm_recency_days = fields.Integer(
        string="Recency (days)",
        compute="_compute_rfm_recency_days",
        help="Days from the last confirmed order to the day the segments were "
        "computed.",
    )
    rfm_frequency = fields.Integer(
        string="Frequency (orders)",
        readonly=True,
        copy=False,
        help="Confirmed orders in the RFM window (the last N days of the settings).",
    )
    rfm_monetary = fields.Monetary(
        string="Monetary",
        currency_field="rfm_currency_id",
        readonly=True,
        copy=False,
        help="Untaxed amount of the confirmed orders in the RFM window, in the "
        "company's currency (orders in other currencies at their rate).",
    )
    rfm_recency_score = fields.Integer(
        string="Recency Score", readonly=True, copy=False, help=SCORE_HELP
    )
    rfm_frequency_score = fields.Integer(
        string="Frequency Score", readonly=True, copy=False, help=SCORE_HELP
    )
    rfm_monetary_score = fields.Integer(
        string="Monetary Score", readonly=True, copy=False, help=SCORE_HELP
    )

    @api.depends("rfm_last_order_date", "rfm_company_id.segment_date")
    def _compute_rfm_recency_days(self):
        for partner in self:
            day, last = partner.rfm_company_id.segment_date, partner.rfm_last_order_date
            partner.rfm_recency_days = (day - last).days if day and last else 0

    # ------------------------------------------------------------ computation
    @api.model
    def _segment_today_sql(self, date=None):
        """The day of computation of a company (alias c, its partner cp):
        ``date``, else today in the time zone of the company's address."""
        return SQL(
            "COALESCE(%s::date, (now() AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date)",
            date,
        )

    @api.model
    def _customer_rfm_sql(self, date=None):
        """Per commercial entity with a confirmed order up to the day of
        computation: ``partner_id, company_id, today, new_since, first_date,
        last_date, frequency, monetary``, from the facts of the cockpit (one
        row per confirmed order, day in the company's time zone, amount in
        company currency). A customer of several companies counts in one: that
        of its territory, else its own, else the one it bought from last."""
        return SQL(
            """
WITH settings AS (
    SELECT c.id AS company_id, c.segment_window_days AS window_days,
           c.segment_new_days AS new_days, cur.decimal_places,
           %(today)s AS today
      FROM res_company c
      JOIN res_partner cp ON cp.id = c.partner_id
      JOIN res_currency cur ON cur.id = c.currency_id
),
customers AS (
    SELECT f.company_id, f.partner_id, min(f.date) AS first_date,
           max(f.date) AS last_date,
           count(*) FILTER (WHERE f.date > st.today - st.window_days) AS frequency,
           round(COALESCE(sum(f.ordered_amount)
                          FILTER (WHERE f.date > st.today - st.window_days), 0),
                 st.decimal_places) AS monetary
      FROM (%(facts)s) f
      JOIN settings st ON st.company_id = f.company_id
     WHERE f.source = 'order' AND f.date <= st.today
     GROUP BY f.company_id, f.partner_id, st.decimal_places
)
SELECT DISTINCT ON (cu.partner_id)
       cu.partner_id, cu.company_id, st.today, st.today - st.new_days AS new_since,
       cu.first_date, cu.last_date, cu.frequency, cu.monetary
  FROM customers cu
  JOIN settings st ON st.company_id = cu.company_id
  JOIN res_partner p ON p.id = cu.partner_id
  LEFT JOIN sales_territory t ON t.id = p.territory_id
 ORDER BY cu.partner_id,
          (cu.company_id = COALESCE(t.company_id, p.company_id)) IS TRUE DESC,
          cu.last_date DESC, cu.company_id""",
            today=self._segment_today_sql(date),
            facts=self.env["sales.performance.report"]._facts_sql(new_customers=False),
        )

    @api.model
    def _customer_segments_sql(self, customers):
        """Scores and segment of the rows of ``customers`` (SQL of a table or
        a subquery of :meth:`_customer_rfm_sql`): ``partner_id, company_id,
        first_date, last_date, frequency, monetary, recency_score,
        frequency_score, monetary_score, segment``.

        Only the customers with an order in the window are scored, per
        company. The rules of the segments are those of ``SEGMENT_HELP``."""
        return SQL(
            """
SELECT s.partner_id, s.company_id, s.first_date, s.last_date, s.frequency,
       s.monetary, s.recency_score, s.frequency_score, s.monetary_score,
       CASE
           WHEN s.frequency = 0 THEN 'lapsed'
           WHEN s.first_date > s.new_since THEN 'new'
           WHEN s.recency_score >= 4 AND s.frequency_score >= 4
                AND s.monetary_score >= 4 THEN 'champions'
           WHEN s.recency_score >= 3 AND s.frequency_score >= 3 THEN 'loyal'
           WHEN s.recency_score <= 2
                AND (s.frequency_score >= 3 OR s.monetary_score >= 3) THEN 'at_risk'
           ELSE 'occasional'
       END AS segment
  FROM (
    SELECT cu.*,
           CASE WHEN cu.frequency > 0 THEN %(score_r)s END AS recency_score,
           CASE WHEN cu.frequency > 0 THEN %(score_f)s END AS frequency_score,
           CASE WHEN cu.frequency > 0 THEN %(score_m)s END AS monetary_score
      FROM %(customers)s cu
    WINDOW w AS (PARTITION BY cu.company_id, cu.frequency > 0),
           by_r AS (w ORDER BY cu.last_date),
           by_f AS (w ORDER BY cu.frequency),
           by_m AS (w ORDER BY cu.monetary)
  ) s""",
            customers=customers,
            score_r=self._segment_score_sql("by_r"),
            score_f=self._segment_score_sql("by_f"),
            score_m=self._segment_score_sql("by_m"),
        )

    @api.model
    def _segment_score_sql(self, window):
        """Quintile score 1-5 of a window ordered from the lowest value (its
        partition is window ``w``): in integers, so that equal figures always
        get equal scores."""
        return SQL(
            "LEAST(5, 1 + 5 * (rank() OVER %s - 1) / GREATEST(count(*) OVER w - 1, 1))",
            SQL.identifier(window),
        )

    @api.model
    def _compute_customer_segments(self, date=None):
        """First and last order, frequency, monetary value, scores and segment
        of every customer, set-based: the figures of all customers go into an
        analysed temporary table (one pass over the orders), then one UPDATE
        writes the customers whose figures changed (most nights: those who
        ordered, whose orders left the window or whose score moved) and clears
        those without a confirmed order any more. Written in SQL without
        touching ``write_date`` (the hourly territory assignment picks the
        customers changed since its last run by it). Returns the number of
        customers written.

        ``date``: the day of computation (default: today in the time zone of
        each company's address)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(SQL("DROP TABLE IF EXISTS sales_customer_rfm"))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE sales_customer_rfm ON COMMIT DROP AS %s",
                self._customer_rfm_sql(date),
            )
        )
        cr.execute(SQL("ANALYZE sales_customer_rfm"))
        columns = [
            ("customer_segment", "segment"),
            ("rfm_company_id", "company_id"),
            ("rfm_first_order_date", "first_date"),
            ("rfm_last_order_date", "last_date"),
            ("rfm_frequency", "frequency"),
            ("rfm_monetary", "monetary"),
            ("rfm_recency_score", "recency_score"),
            ("rfm_frequency_score", "frequency_score"),
            ("rfm_monetary_score", "monetary_score"),
        ]
        cr.execute(
            SQL(
                """
WITH computed AS (%(segments)s),
changes AS (
    SELECT c.partner_id, %(values)s FROM computed c
     UNION ALL
    SELECT p.id, %(nulls)s
      FROM res_partner p
     WHERE p.customer_segment IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM sales_customer_rfm c WHERE c.partner_id = p.id)
)
UPDATE res_partner p SET %(assign)s
  FROM changes s
 WHERE p.id = s.partner_id AND (%(old)s) IS DISTINCT FROM (%(new)s)""",
                segments=self._customer_segments_sql(SQL("sales_customer_rfm")),
                values=SQL(", ").join(
                    SQL("c.%s", SQL.identifier(source)) for _col, source in columns
                ),
                nulls=SQL(", ").join(SQL("NULL") for _col in columns),
                assign=SQL(", ").join(
                    SQL("%s = s.%s", SQL.identifier(col), SQL.identifier(source))
                    for col, source in columns
                ),
                old=SQL(", ").join(
                    SQL("p.%s", SQL.identifier(col)) for col, _s in columns
                ),
                new=SQL(", ").join(
                    SQL("s.%s", SQL.identifier(source)) for _col, source in columns
                ),
            )
        )
        changed = cr.rowcount
        cr.execute(
            SQL(
                """UPDATE res_company c SET segment_date = %s
                     FROM res_partner cp WHERE cp.id = c.partner_id""",
                self._segment_today_sql(date),
            )
        )
        self.env["res.company"].invalidate_model(["segment_date"])
        self.invalidate_model([*SEGMENT_FIELDS, "rfm_date", "rfm_recency_days"])
        return changed

    @api.model
    def _cron_compute_customer_segments(self):
        return self._compute_customer_segments()

    @api.model
    def action_compute_customer_segments(self):
        """The button of territory managers: compute now, say how many changed."""
        if not self.env.user.has_group("sales_territory.group_territory_manager"):
            raise AccessError(
                self.env._("Only territory managers can compute customer segments.")
            )
        changed = self.sudo()._compute_customer_segments()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Customer segments computed"),
                "message": self.env._(
                    "%(count)s customer(s) changed segment or figures.",
                    count=changed,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
