from odoo import fields, models
from odoo.tools import SQL

RISKS = [
    ("out", "Out of Stock"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("none", "No Demand"),
]


class TerritoryStockCoverage(models.Model):
    """Days of cover and stock-out risk of each product in each territory
    warehouse: free stock against the average daily demand of the history
    window of the settings."""

    _name = "territory.stock.coverage"
    _description = "Stock Coverage by Territory"
    _auto = False
    _order = "cover_days, product_id"
    _rec_name = "product_id"

    territory_id = fields.Many2one(
        "sales.territory",
        readonly=True,
        help="The highest territory that has this warehouse as its own.",
    )
    region_id = fields.Many2one("sales.territory", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    on_hand = fields.Float(readonly=True, digits="Product Unit of Measure")
    free_qty = fields.Float(
        string="Free", readonly=True, digits="Product Unit of Measure"
    )
    daily_demand = fields.Float(readonly=True, digits="Product Unit of Measure")
    min_qty = fields.Float(
        string="Minimum", readonly=True, digits="Product Unit of Measure"
    )
    cover_days = fields.Float(string="Days of Cover", readonly=True, aggregator="avg")
    risk = fields.Selection(RISKS, string="Stock-out Risk", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
WITH whs AS (
    SELECT DISTINCT ON (t.warehouse_id) t.warehouse_id, t.id AS territory_id,
           t.region_id, t.company_id
      FROM sales_territory t
     WHERE t.warehouse_id IS NOT NULL AND t.active
     ORDER BY t.warehouse_id, t.depth, t.id
),
stock AS (
    SELECT l.warehouse_id, q.product_id, sum(q.quantity) AS on_hand,
           sum(q.quantity - q.reserved_quantity) AS free_qty
      FROM stock_quant q
      JOIN stock_location l ON l.id = q.location_id
     WHERE l.usage = 'internal' AND l.warehouse_id IN (SELECT warehouse_id FROM whs)
     GROUP BY 1, 2
),
demand AS (
    SELECT src.warehouse_id, m.product_id,
           sum(m.product_qty) / max(c.replenishment_history_days) AS daily
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN stock_location dst ON dst.id = m.location_dest_id
      JOIN res_company c ON c.id = m.company_id
     WHERE m.state = 'done' AND dst.usage = 'customer'
       AND src.warehouse_id IN (SELECT warehouse_id FROM whs)
       AND m.date >= (now() AT TIME ZONE 'UTC')
                     - make_interval(days => c.replenishment_history_days)
     GROUP BY 1, 2
),
minimums AS (
    SELECT warehouse_id, product_id, max(product_min_qty) AS min_qty
      FROM stock_warehouse_orderpoint WHERE active GROUP BY 1, 2
)
SELECT w.warehouse_id::bigint * 100000000 + x.product_id AS id,
       w.territory_id, w.region_id, w.warehouse_id, x.product_id, pt.categ_id,
       w.company_id,
       COALESCE(s.on_hand, 0) AS on_hand, COALESCE(s.free_qty, 0) AS free_qty,
       COALESCE(d.daily, 0) AS daily_demand, COALESCE(mi.min_qty, 0) AS min_qty,
       CASE WHEN COALESCE(d.daily, 0) > 0
            THEN GREATEST(COALESCE(s.free_qty, 0), 0) / d.daily END AS cover_days,
       CASE WHEN COALESCE(d.daily, 0) = 0 THEN 'none'
            WHEN COALESCE(s.free_qty, 0) <= 0 THEN 'out'
            WHEN s.free_qty / d.daily < c.replenishment_lead_time THEN 'high'
            WHEN s.free_qty / d.daily
                 < c.replenishment_lead_time + c.replenishment_review_days THEN 'medium'
            ELSE 'low' END AS risk
  FROM (SELECT warehouse_id, product_id FROM stock
        UNION SELECT warehouse_id, product_id FROM demand) x
  JOIN whs w ON w.warehouse_id = x.warehouse_id
  JOIN res_company c ON c.id = w.company_id
  JOIN product_product pp ON pp.id = x.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
  LEFT JOIN stock s ON s.warehouse_id = x.warehouse_id AND s.product_id = x.product_id
  LEFT JOIN demand d ON d.warehouse_id = x.warehouse_id AND d.product_id = x.product_id
  LEFT JOIN minimums mi ON mi.warehouse_id = x.warehouse_id
                       AND mi.product_id = x.product_id
"""
        )
