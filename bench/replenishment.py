"""Benchmark ``replenishment``: demand-driven replenishment planning and the
order's warehouse determination (addon ``territory_inventory``).

Data: the 1,000 territories of ``territory_assign`` (ORM), 10 warehouses set on
the 7 regions and 3 provinces, 5,000 storable products with vendors, some
reordering rules, 100 sourcing rules (ORM), 100 customers in territories with
sourcing rules, and N done deliveries from the warehouses' stock to the
customers over the last 120 days, by SQL. Two measures:

* ``replenishment``: ``territory.replenishment.run`` created in mode review and
  ``action_run()`` over the 10 warehouses (90 days of history), against one
  hand-written SQL query computing the same statistics (mean and sample
  standard deviation of the daily demand of every warehouse and product) over
  all warehouses at once (``demand_sql``). The proposals are then checked
  against that query.
* ``order_confirmation_sourcing``: 100 quotations (3 lines) created and
  confirmed one by one with the warehouse determination of
  ``territory_inventory``, against as many with the determination bypassed
  (``SaleOrder._territory_warehouse`` patched in this process only), the two
  interleaved order by order. The determination runs when the quotation is
  created (the warehouse compute), so creation and confirmation are timed
  together.

Each measure is run once to warm up, then RUNS times; the median is reported.
"""

import contextlib
import math
import statistics
import sys
import time
from datetime import timedelta
from statistics import NormalDist
from unittest import mock

import generate
import targets as targets_bench

from odoo import Command, fields
from odoo.tools import SQL

WARMUP = 1
RUNS = 3
WAREHOUSES = 10
PRODUCTS = 5000
CATEGORIES = 10
VENDORS = 20
DATA_DAYS = 120  # deliveries spread over the last 120 days
HISTORY_DAYS = 90  # the planning's window (company setting)
SERVICE_LEVEL = 95.0
DEFAULT_LEAD_TIME = 7
REVIEW_DAYS = 7
ORDERPOINT_EVERY = 10  # every 10th product has a reordering rule in each warehouse
LOCKED_EVERY = 100  # every 100th product's rules are locked
DISTRACTOR_SHARE = 0.01  # cancelled deliveries, and done moves to inventory loss
MOVE_SEED = 0.61
TOLERANCE = 1e-6
PLAN_GOAL_SECONDS = 30.0
PLAN_GOAL_RATIO = 2.0
QUOTATIONS = 100
QUOTATION_LINES = 3
SOURCING_GOAL_RATIO = 1.10
PROFILED = 20  # quotations whose determination is timed apart
NOTE = f"median of {RUNS} runs after {WARMUP} warm-up, superuser, cache invalidated"

# Warehouses: 7 on the regions (in their order), 3 on these provinces.
PROVINCE_WAREHOUSES = ("GD", "ZJ", "SC")
# Share of the deliveries of warehouse k: weight 14 - k (14 down to 5).
WAREHOUSE_WEIGHTS = [14 - k for k in range(WAREHOUSES)]

QUIET = generate.QUIET
VACUUM_TABLES = (
    "stock_move",
    "stock_location",
    "stock_warehouse",
    "stock_warehouse_orderpoint",
    "product_product",
    "product_template",
    "product_supplierinfo",
    "product_category",
    "sales_territory",
    "territory_sourcing_rule",
    "res_partner",
)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _fmt(times):
    return ", ".join(f"{t:.3f}" for t in times)


# ================================================================ data
def create_warehouses(env, tree):
    """WAREHOUSES warehouses (ORM), set on the 7 regions and 3 provinces.

    Returns the warehouses, in their order."""
    regions = env["sales.territory"].search([("level", "=", "region")], order="id")
    warehouses = env["stock.warehouse"]
    for k in range(WAREHOUSES):
        warehouses |= (
            env["stock.warehouse"]
            .with_context(**QUIET)
            .create({"name": f"Bench WH {k + 1:02d}", "code": f"BW{k + 1:02d}"})
        )
    holders = list(regions) + [tree[code]["province"] for code in PROVINCE_WAREHOUSES]
    if len(holders) != WAREHOUSES:
        raise RuntimeError(f"{len(holders)} territories for {WAREHOUSES} warehouses")
    for territory, warehouse in zip(holders, warehouses, strict=True):
        territory.with_context(**QUIET).warehouse_id = warehouse
    env.flush_all()
    return warehouses


def create_products(env):
    """CATEGORIES categories, VENDORS vendors, PRODUCTS storable goods; 4 of
    5 products have a vendor with a lead time (2 to 29 days), 1 of 3 a
    second one. Returns the categories and the products."""
    all_categ = env.ref("product.product_category_all")
    categories = env["product.category"].create(
        [
            {"name": f"Bench Stock Category {c:02d}", "parent_id": all_categ.id}
            for c in range(1, CATEGORIES + 1)
        ]
    )
    vendors = (
        env["res.partner"]
        .with_context(**QUIET)
        .create(
            [
                {
                    "name": f"Bench Vendor {v:02d}",
                    "is_company": True,
                    "supplier_rank": 1,
                }
                for v in range(1, VENDORS + 1)
            ]
        )
    )
    Product = env["product.product"].with_context(**QUIET)
    products = Product.browse()
    for start in range(0, PRODUCTS, 1000):
        vals = []
        for k in range(start, min(start + 1000, PRODUCTS)):
            list_price = round(5 + (k * 37 % 100) * 4.95, 2)
            sellers = []
            if k % 5:
                sellers.append(
                    Command.create(
                        {
                            "partner_id": vendors[k % VENDORS].id,
                            "delay": 2 + (k * 7) % 28,
                            "price": round(list_price * 0.5, 2),
                        }
                    )
                )
            if k % 3 == 0:
                sellers.append(
                    Command.create(
                        {
                            "partner_id": vendors[(k + 7) % VENDORS].id,
                            "delay": 3 + (k * 11) % 25,
                            "price": round(list_price * 0.55, 2),
                        }
                    )
                )
            vals.append(
                {
                    "name": f"Bench Item {k + 1:04d}",
                    "default_code": f"BI{k + 1:04d}",
                    "categ_id": categories[k % CATEGORIES].id,
                    "type": "consu",
                    "is_storable": True,
                    "sale_ok": True,
                    "list_price": list_price,
                    "standard_price": round(list_price * 0.6, 2),
                    "seller_ids": sellers,
                }
            )
        products |= Product.create(vals)
        env.flush_all()
    return categories, products


def create_orderpoints(env, warehouses, products):
    """A reordering rule for every ORDERPOINT_EVERY-th product in each
    warehouse (ORM); those of every LOCKED_EVERY-th product are locked (trigger
    auto, Odoo's defaults otherwise)."""
    vals = []
    for warehouse in warehouses:
        for k in range(0, PRODUCTS, ORDERPOINT_EVERY):
            vals.append(
                {
                    "warehouse_id": warehouse.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "product_id": products[k].id,
                    "product_min_qty": 5 + k % 17,
                    "product_max_qty": 25 + k % 31,
                    "territory_locked": k % LOCKED_EVERY == 0,
                }
            )
    Orderpoint = env["stock.warehouse.orderpoint"].with_context(**QUIET)
    created = Orderpoint.browse()
    for start in range(0, len(vals), 1000):
        created |= Orderpoint.create(vals[start : start + 1000])
        env.flush_all()
    return created


def create_channels(env):
    Channel = env["sales.channel"].with_context(**QUIET)
    return Channel.create(
        [
            {"name": "Bench Direct", "code": "B-DIR", "channel_type": "direct"},
            {
                "name": "Bench Distribution",
                "code": "B-DIS",
                "channel_type": "distributor",
            },
        ]
    )


def create_sourcing_rules(env, tree, warehouses, categories, channels):
    """100 sourcing rules (ORM): per province one for any order and one for
    the distribution channel (priority 10), per capital one for the first
    category (priority 10, deeper), per region one for the second category
    (priority 5: wins over the deeper rules)."""
    distribution = channels[1]
    regions = env["sales.territory"].search([("level", "=", "region")], order="id")
    region_index = {region.id: i for i, region in enumerate(regions)}
    vals = []
    for j, node in enumerate(tree.values()):
        province = node["province"]
        ri = region_index[province.parent_id.id]
        vals.append(
            {
                "territory_id": province.id,
                "sequence": 10,
                "warehouse_id": warehouses[(ri + 1) % WAREHOUSES].id,
            }
        )
        vals.append(
            {
                "territory_id": province.id,
                "sequence": 10,
                "channel_id": distribution.id,
                "warehouse_id": warehouses[(ri + 3) % WAREHOUSES].id,
            }
        )
        capital = node["cities"][0][0]
        vals.append(
            {
                "territory_id": capital.id,
                "sequence": 10,
                "categ_id": categories[0].id,
                "warehouse_id": warehouses[j % WAREHOUSES].id,
            }
        )
    for ri, region in enumerate(regions):
        vals.append(
            {
                "territory_id": region.id,
                "sequence": 5,
                "categ_id": categories[1].id,
                "warehouse_id": warehouses[7 + ri % 3].id,
            }
        )
    rules = env["territory.sourcing.rule"].create(vals)
    env.flush_all()
    return rules


def create_customers(env, tree, channels):
    """QUOTATIONS customers (ORM, territory set by hand): customer k in
    province k % 31, in its capital for one in three; one in three through
    the distribution channel, the others direct."""
    nodes = list(tree.values())
    vals = []
    for k in range(QUOTATIONS):
        node = nodes[k % len(nodes)]
        city = node["cities"][(k // len(nodes)) % 3][0]
        vals.append(
            {
                "name": f"Bench Stock Customer {k + 1:03d}",
                "is_company": True,
                "customer_rank": 1,
                "country_id": env.ref("base.cn").id,
                "city": city.name,
                "territory_id": city.id,
                "channel_id": channels[1 if k % 3 == 0 else 0].id,
            }
        )
    customers = env["res.partner"].with_context(**QUIET).create(vals)
    env.flush_all()
    return customers


def _template_move(env, warehouse, product):
    """One done delivery through the ORM (quant, confirm, reserve, done): the
    columns that the generated moves copy."""
    customers = env.ref("stock.stock_location_customers")
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 3)
    move = env["stock.move"].create(
        {
            "name": product.display_name,
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": 3,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "picking_type_id": warehouse.out_type_id.id,
            "warehouse_id": warehouse.id,
        }
    )
    move._action_confirm()
    move._action_assign()
    move.write({"quantity": 3, "picked": True})
    move._action_done()
    env.flush_all()
    if move.state != "done":
        raise RuntimeError(f"the template delivery is {move.state}")
    return move


# Columns that vary per generated move; every other column of stock_move is
# copied from the template delivery.
MOVE_VARYING = (
    "id",
    "name",
    "reference",
    "product_id",
    "product_uom",
    "location_id",
    "location_dest_id",
    "picking_type_id",
    "warehouse_id",
    "picking_id",
    "state",
    "product_qty",
    "product_uom_qty",
    "quantity",
    "picked",
    "date",
    "reservation_date",
    "create_date",
    "write_date",
)


def generate_moves(env, count, warehouses, products, now):
    """``count`` done deliveries (the template included) from the warehouses'
    stock to the customers, and DISTRACTOR_SHARE * count cancelled ones and
    as many done moves to the inventory loss, by one INSERT.

    The first min(count, warehouses x products) deliveries give every
    warehouse and product one delivery 1 to 89 days ago; the others draw the
    warehouse by WAREHOUSE_WEIGHTS, the product skewed (rank
    floor(P * r^2), rotated per warehouse: 10 % of the deliveries on the top
    1 % of the products), the quantity 1 + floor(20 r^3) and the date
    uniformly over the last DATA_DAYS days."""
    cr = env.cr
    company = env.company
    template = _template_move(env, warehouses[0], products[0])
    loss = env["stock.location"].search(
        [("usage", "=", "inventory"), ("company_id", "in", [company.id, False])],
        order="company_id",
        limit=1,
    )
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE bench_wh (
                   k int PRIMARY KEY, warehouse_id int, lot_stock_id int,
                   out_type_id int, cum_lo float8, cum_hi float8) ON COMMIT DROP;
               CREATE TEMPORARY TABLE bench_item (
                   k int PRIMARY KEY, product_id int, uom_id int, name text)
                   ON COMMIT DROP"""
        )
    )
    total = sum(WAREHOUSE_WEIGHTS)
    cum, wh_rows = 0, []
    for k, warehouse in enumerate(warehouses):
        lo = cum / total
        cum += WAREHOUSE_WEIGHTS[k]
        hi = cum / total if k < len(warehouses) - 1 else 1.0
        wh_rows.append(
            SQL(
                "(%s, %s, %s, %s, %s, %s)",
                k,
                warehouse.id,
                warehouse.lot_stock_id.id,
                warehouse.out_type_id.id,
                lo,
                hi,
            )
        )
    cr.execute(SQL("INSERT INTO bench_wh VALUES %s", SQL(", ").join(wh_rows)))
    cr.execute(
        SQL(
            "INSERT INTO bench_item VALUES %s",
            SQL(", ").join(
                SQL("(%s, %s, %s, %s)", k, p.id, p.uom_id.id, p.display_name)
                for k, p in enumerate(products)
            ),
        )
    )
    cr.execute(SQL("ANALYZE bench_wh; ANALYZE bench_item"))
    copied = [
        c for c in generate.table_columns(cr, "stock_move") if c not in MOVE_VARYING
    ]
    columns = SQL(", ").join(SQL.identifier(c) for c in MOVE_VARYING + tuple(copied))
    copied_sql = SQL(", ").join(SQL.identifier("t", c) for c in copied)
    deliveries = count - 1  # the template is one
    distractors = int(count * DISTRACTOR_SHARE)
    cr.execute(SQL("SELECT setseed(%s)", MOVE_SEED))
    cr.execute(
        SQL(
            """
WITH draw AS (
    SELECT i, random() AS r_wh, random() AS r_prod, random() AS r_qty,
           random() AS r_age
      FROM generate_series(1, %(total)s) i
),
placed AS (
    SELECT d.i,
           CASE WHEN d.i <= %(cover)s THEN mod(d.i - 1, %(whs)s) ELSE w.k END AS wk,
           CASE WHEN d.i <= %(cover)s THEN (d.i - 1) / %(whs)s END AS cover_pk,
           d.r_prod,
           1 + floor(d.r_qty ^ 3 * 20)::int AS qty,
           date_trunc('second', %(now)s::timestamp - interval '1 day' *
               CASE WHEN d.i <= %(cover)s THEN 1 + d.r_age * 88
                    ELSE d.r_age * %(data_days)s END) AS date,
           CASE WHEN d.i <= %(deliveries)s THEN 'delivery'
                WHEN d.i <= %(deliveries)s + %(distractors)s THEN 'cancel'
                ELSE 'loss' END AS kind
      FROM draw d
      JOIN bench_wh w ON d.r_wh >= w.cum_lo AND d.r_wh < w.cum_hi
),
numbered AS (
    SELECT nextval('stock_move_id_seq') AS id, p.*,
           COALESCE(p.cover_pk,
                    mod(floor(%(products)s * p.r_prod ^ 2)::int + p.wk * 397,
                        %(products)s)) AS pk
      FROM placed p
     ORDER BY p.date, p.i
)
INSERT INTO stock_move (%(columns)s)
SELECT n.id, it.name, it.name, it.product_id, it.uom_id, w.lot_stock_id,
       CASE WHEN n.kind = 'loss' THEN %(loss)s ELSE t.location_dest_id END,
       CASE WHEN n.kind = 'loss' THEN NULL ELSE w.out_type_id END,
       CASE WHEN n.kind = 'loss' OR t.warehouse_id IS NULL THEN NULL
            ELSE w.warehouse_id END,
       NULL,
       CASE WHEN n.kind = 'cancel' THEN 'cancel' ELSE 'done' END,
       n.qty, n.qty,
       CASE WHEN n.kind = 'cancel' THEN 0 ELSE n.qty END,
       n.kind <> 'cancel',
       n.date, n.date::date, n.date, n.date,
       %(copied)s
  FROM numbered n
  JOIN bench_wh w ON w.k = n.wk
  JOIN bench_item it ON it.k = n.pk
 CROSS JOIN (SELECT * FROM stock_move WHERE id = %(template)s) t
""",
            total=deliveries + 2 * distractors,
            cover=min(deliveries, WAREHOUSES * PRODUCTS),
            whs=WAREHOUSES,
            products=PRODUCTS,
            now=now,
            data_days=DATA_DAYS,
            deliveries=deliveries,
            distractors=distractors,
            loss=loss.id,
            columns=columns,
            copied=copied_sql,
            template=template.id,
        )
    )
    if cr.rowcount != deliveries + 2 * distractors:
        raise RuntimeError(f"{cr.rowcount} moves generated")
    env.invalidate_all()
    return deliveries + 1, distractors


def generate_data(env, scale):
    """The data set of ``scale`` deliveries; returns the phase timings."""
    cr = env.cr
    phases = {}
    company = env.company
    company.write(
        {
            "replenishment_history_days": HISTORY_DAYS,
            "replenishment_service_level": SERVICE_LEVEL,
            "replenishment_lead_time": DEFAULT_LEAD_TIME,
            "replenishment_review_days": REVIEW_DAYS,
            "replenishment_mode": "review",
        }
    )

    t = time.perf_counter()
    provinces = generate.load_provinces()
    tree = generate.create_territories(env, provinces)
    cr.commit()
    phases["territories"] = time.perf_counter() - t
    log(
        f"territories: {env['sales.territory'].search_count([])} in "
        f"{phases['territories']:.1f} s (ORM)"
    )

    t = time.perf_counter()
    warehouses = create_warehouses(env, tree)
    categories, products = create_products(env)
    # the default warehouse (where the bypassed orders go) gets the same
    # reordering rules, so that both variants confirm into alike warehouses
    default_wh = env.ref("stock.warehouse0")
    orderpoints = create_orderpoints(env, warehouses | default_wh, products)
    channels = create_channels(env)
    rules = create_sourcing_rules(env, tree, warehouses, categories, channels)
    customers = create_customers(env, tree, channels)
    cr.commit()
    phases["warehouses_products_rules"] = time.perf_counter() - t
    log(
        f"{len(warehouses)} warehouses, {len(products)} products "
        f"({env['product.supplierinfo'].search_count([])} vendor prices), "
        f"{len(orderpoints)} reordering rules, {len(rules)} sourcing rules, "
        f"{len(customers)} customers in "
        f"{phases['warehouses_products_rules']:.1f} s (ORM)"
    )

    t = time.perf_counter()
    now = fields.Datetime.now()
    moves, distractors = generate_moves(env, scale, warehouses, products, now)
    cr.commit()
    phases["moves"] = time.perf_counter() - t
    log(
        f"moves: {moves} done deliveries, {distractors} cancelled and {distractors} "
        f"done to the inventory loss in {phases['moves']:.1f} s (SQL)"
    )
    return phases


# ================================================================ replenishment
def _run_class():
    from odoo.addons.territory_inventory.models.territory_replenishment import (
        TerritoryReplenishmentRun,
    )

    return TerritoryReplenishmentRun


@contextlib.contextmanager
def windows_recorded(windows):
    """Record the (warehouse ids, since, until, days) of every
    ``_demand_sql`` call: the product's own windows (one call for all the
    warehouses, or one per warehouse)."""
    layer = _run_class()
    original = layer._demand_sql

    def _demand_sql(self, warehouses, since, until, days):
        windows.append((warehouses.ids, since, until, days))
        return original(self, warehouses, since, until, days)

    with mock.patch.object(layer, "_demand_sql", _demand_sql):
        yield


def per_warehouse(windows):
    """[(warehouse id, since, until)] of the recorded windows."""
    return [(wid, since, until) for ids, since, until, _days in windows for wid in ids]


def baseline_sql(windows, days):
    """Mean and sample standard deviation of the daily demand of every
    warehouse and product, over all warehouses at once. A day is a period of
    24 hours counted back from the window's end (as the product counts them,
    so that a window of N days has N of them); every day of the window is
    counted, days without delivery included.

    ``windows``: [(warehouse id, since, until)], ``days`` the window's days."""
    values = SQL(", ").join(
        SQL("(%s, %s::timestamp, %s::timestamp)", wh, since, until)
        for wh, since, until in windows
    )
    return SQL(
        """
WITH win(warehouse_id, since, until) AS (VALUES %(values)s)
SELECT d.warehouse_id, d.product_id,
       (sum(d.qty) / %(days)s)::float8 AS mean,
       CASE WHEN %(days)s > 1
            THEN sqrt(GREATEST((sum(d.qty ^ 2)::float8
                                - sum(d.qty)::float8 ^ 2 / %(days)s)
                               / (%(days)s - 1), 0))
            ELSE 0 END AS sigma
  FROM (
    SELECT w.warehouse_id, m.product_id,
           floor(extract(epoch FROM w.until - m.date) / 86400) AS day,
           sum(m.product_qty) AS qty
      FROM stock_move m
      JOIN stock_location src ON src.id = m.location_id
      JOIN win w ON w.warehouse_id = src.warehouse_id
      JOIN stock_location dst ON dst.id = m.location_dest_id
     WHERE m.state = 'done' AND dst.usage = 'customer'
       AND m.date >= w.since AND m.date < w.until
     GROUP BY 1, 2, 3
  ) d
 GROUP BY d.warehouse_id, d.product_id
""",
        values=values,
        days=float(days),
    )


def planned_warehouses(env):
    return env["territory.replenishment.run"].new({})._territory_warehouses()


def plan(env, windows):
    with windows_recorded(windows):
        run = env["territory.replenishment.run"].create({"mode": "review"})
        # 5,000 products x 10 warehouses: a background job, queued then run
        # as the cron worker runs it
        run.action_run()
        env["sales.territory.job"]._cron_run()
    env.invalidate_all()
    return run


def delete_run(env, run):
    """The run, its proposals (cascade) and its messages; committed, not timed."""
    env["territory.replenishment.run"].browse(run.id).unlink()
    env.cr.commit()
    env.invalidate_all()


def measure_plan(env, warehouses):
    """WARMUP + RUNS rounds of the baseline and the product, alternated
    (baseline first in even rounds). Returns the medians, the timings, the
    last run (kept), its windows and the baseline's last rows."""
    cr = env.cr
    times = {"product": [], "baseline": []}
    last = windows = rows = None
    for r in range(WARMUP + RUNS):
        order = ("baseline", "product") if r % 2 == 0 else ("product", "baseline")
        for variant in order:
            env.invalidate_all()
            if variant == "baseline":
                until = fields.Datetime.now()
                since = until - timedelta(days=HISTORY_DAYS)
                query = baseline_sql(
                    [(wh.id, since, until) for wh in warehouses], HISTORY_DAYS
                )
                t = time.perf_counter()
                cr.execute(query)
                rows = cr.fetchall()
                times[variant].append(time.perf_counter() - t)
                cr.commit()
            else:
                if last is not None:
                    delete_run(env, last)
                windows = []
                t = time.perf_counter()
                last = plan(env, windows)
                times[variant].append(time.perf_counter() - t)
                cr.commit()
    return (
        statistics.median(times["product"][WARMUP:]),
        statistics.median(times["baseline"][WARMUP:]),
        times,
        last,
        windows,
        rows,
    )


def _close(a, b):
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def check_plan(env, run, windows, warehouses):
    """The run's proposals against the hand-written query over the same
    windows (demand, sigma), an independent reading of the vendors (lead time)
    and of the reordering rules (rule, old min and max, state), and the
    formulas applied to the query's figures (safety stock, min, max; within
    one rounding step of the unit, as the product rounds up). Returns the
    problems and the proposals."""
    cr = env.cr
    problems = 0
    planned = [wid for wid, _since, _until in per_warehouse(windows)]
    if sorted(planned) != sorted(warehouses.ids):
        log(f"  MISMATCH warehouses planned: {planned} ({len(windows)} calls)")
        problems += 1
    if len({days for *_rest, days in windows}) != 1:
        log(f"  MISMATCH windows of different lengths: {windows}")
        problems += 1
    cr.execute(baseline_sql(per_warehouse(windows), windows[0][3]))
    expected = {(w, p): (mean, sigma) for w, p, mean, sigma in cr.fetchall()}
    cr.execute(
        SQL(
            """SELECT l.warehouse_id, l.product_id, l.demand::float8, l.sigma::float8,
                      l.lead_time, l.safety_stock::float8, l.min_qty::float8,
                      l.max_qty::float8, l.orderpoint_id, l.old_min_qty::float8,
                      l.old_max_qty::float8, l.state
                 FROM territory_replenishment_line l
                WHERE l.run_id = %s""",
            run.id,
        )
    )
    lines = {(w, p): rest for w, p, *rest in cr.fetchall()}
    cr.execute(
        SQL(
            """SELECT pp.id, COALESCE(min(s.delay), %s), u.rounding::float8
                 FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 JOIN uom_uom u ON u.id = pt.uom_id
                 LEFT JOIN product_supplierinfo s
                        ON s.product_tmpl_id = pp.product_tmpl_id
                GROUP BY pp.id, u.rounding""",
            DEFAULT_LEAD_TIME,
        )
    )
    lead_times, roundings = {}, {}
    for product_id, lead_time, rounding in cr.fetchall():
        lead_times[product_id] = lead_time
        roundings[product_id] = rounding
    cr.execute(
        SQL(
            """SELECT op.warehouse_id, op.product_id, op.id,
                      op.product_min_qty::float8, op.product_max_qty::float8,
                      op.territory_locked
                 FROM stock_warehouse_orderpoint op
                 JOIN stock_warehouse wh ON wh.id = op.warehouse_id
                WHERE op.location_id = wh.lot_stock_id AND op.active"""
        )
    )
    orderpoints = {(w, p): rest for w, p, *rest in cr.fetchall()}
    z = NormalDist().inv_cdf(run.service_level / 100.0)
    review = run.review_days

    def up(value, rounding):
        return math.ceil(value / rounding - 1e-9) * rounding

    missing = expected.keys() - lines.keys()
    extra = lines.keys() - expected.keys()
    bad = []
    for key in expected.keys() & lines.keys():
        mean, sigma = expected[key]
        lead_time, rounding = lead_times[key[1]], roundings[key[1]]
        safety = z * sigma * math.sqrt(lead_time)
        minimum = up(mean * lead_time + safety, rounding)
        maximum = up(minimum + mean * review, rounding)
        op_id, old_min, old_max, locked = orderpoints.get(key, (None,) * 4)
        if locked:
            state = "locked"
        elif op_id and (old_min, old_max) == (minimum, maximum):
            state = "unchanged"
        else:
            state = "proposed"
        got = lines[key]
        if (
            not _close(got[0], mean)
            or not _close(got[1], sigma)
            or got[2] != lead_time
            or not _close(got[3], safety)
            or abs(got[4] - minimum) > rounding * 1.001
            or abs(got[5] - maximum) > rounding * 1.001
            or got[6] != op_id
            or (op_id and (got[7], got[8]) != (old_min, old_max))
            or got[9] != state
        ):
            wanted = (mean, sigma, lead_time, safety, minimum, maximum, op_id)
            bad.append((key, got, wanted + (old_min, old_max, state)))
    states = {}
    for got in lines.values():
        states[got[9]] = states.get(got[9], 0) + 1
    log(
        f"check: {len(lines)} proposals {states}, {len(expected)} warehouse x "
        f"product pairs from the hand-written query; missing {len(missing)}, "
        f"extra {len(extra)}, different {len(bad)} (tolerance {TOLERANCE:g} "
        "relative, min and max within one rounding step)"
    )
    for key in sorted(missing)[:10]:
        log(f"  MISMATCH missing proposal {key}: expected {expected[key]}")
    for key in sorted(extra)[:10]:
        log(f"  MISMATCH extra proposal {key}: {lines[key]}")
    for key, got, wanted in bad[:20]:
        log(f"  MISMATCH {key}: product {got}, expected {wanted}")
    problems += len(missing) + len(extra) + len(bad)
    if not lines:
        log("  MISMATCH no proposal at all")
        problems += 1
    if not states.get("locked"):
        log("  MISMATCH no locked reordering rule met")
        problems += 1
    return problems, lines


# ---------------------------------------------------------------- profile
def _code(query):
    return query.code if isinstance(query, SQL) else str(query)


def profile_plan(env, do_explain):
    """One more product run, its queries captured (not in the JSON): time in
    the demand queries, the INSERT of the proposals, other SQL, Python."""
    phases = {}
    windows = []
    env.invalidate_all()
    runs = []
    t = time.perf_counter()
    queries = targets_bench._captured(env, lambda: runs.append(plan(env, windows)))
    total = time.perf_counter() - t
    run = runs[0]
    env.cr.commit()
    demand = [q for q in queries if "AS sigma" in _code(q[1])]
    insert = [
        q for q in queries if "INSERT INTO territory_replenishment_line" in _code(q[1])
    ]
    sql = sum(q[0] for q in queries)
    phases["profile_demand_sql"] = sum(q[0] for q in demand)
    phases["profile_insert_sql"] = sum(q[0] for q in insert)
    phases["profile_other_sql"] = (
        sql - phases["profile_demand_sql"] - (phases["profile_insert_sql"])
    )
    phases["profile_python"] = total - sql
    log(
        f"profile of one run ({total:.2f} s, {len(queries)} queries): demand queries "
        f"{len(demand)} x ({_fmt(q[0] for q in demand)}) = "
        f"{phases['profile_demand_sql']:.2f} s, proposals INSERT "
        f"{phases['profile_insert_sql']:.2f} s, other SQL "
        f"{phases['profile_other_sql']:.2f} s, Python {phases['profile_python']:.2f} s"
    )
    if do_explain:
        ids, since, until, days = min(windows, key=lambda w: w[0][0])  # BW01
        Run = env["territory.replenishment.run"]
        wh = env["stock.warehouse"].browse(ids)
        plan_text = _explain(
            env, Run.browse(run.id)._demand_sql(wh, since, until, days)
        )
        codes = ", ".join(wh.mapped("code"))
        log(f"EXPLAIN ANALYZE of the product's demand query ({codes}):\n{plan_text}")
        base = baseline_sql(per_warehouse(windows), days)
        log(f"EXPLAIN ANALYZE of the baseline:\n{_explain(env, base)}")
        others = sorted(
            (q for q in queries if q not in demand and q not in insert),
            key=lambda q: -q[0],
        )[:5]
        for seconds, query, _params in others:
            text = " ".join(_code(query).split())[:300]
            log(f"other query ({seconds * 1000:.1f} ms): {text}")
    delete_run(env, run)
    return phases


def _explain(env, query):
    cr = env.cr
    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    text = "\n".join(line for (line,) in cr.fetchall())
    cr.rollback()
    return text


# ================================================================ sourcing
def _order_class():
    from odoo.addons.territory_inventory.models.sale_order import SaleOrder

    return SaleOrder


@contextlib.contextmanager
def sourcing_bypassed():
    """The warehouse determination of territory_inventory out of the way, in
    this process only: ``_territory_warehouse`` finds no warehouse, so the
    warehouse compute keeps Odoo's default and the source is 'default'."""

    def _territory_warehouse(self):
        self.ensure_one()
        return (
            self.env["stock.warehouse"],
            "default",
            self.env["territory.sourcing.rule"],
        )

    with mock.patch.object(
        _order_class(), "_territory_warehouse", _territory_warehouse
    ):
        yield


def quotation_vals(env, k, customer, products, user):
    """3 lines: all of the first category for k % 4 == 0, all of the second
    for k % 4 == 1, mixed otherwise."""
    lines = []
    for j in range(QUOTATION_LINES):
        if k % 4 in (0, 1):
            index = (k % 4) + CATEGORIES * ((k * 13 + j * 7) % (PRODUCTS // CATEGORIES))
        else:
            index = (k * 31 + j * 17) % PRODUCTS
        lines.append(
            Command.create(
                {"product_id": products[index].id, "product_uom_qty": 1 + (k + j) % 5}
            )
        )
    return {"partner_id": customer.id, "user_id": user.id, "order_line": lines}


def expected_rules(env, customers, vals_list):
    """The sourcing rule of every quotation, by an independent reading of the
    rules: the customer's territory or an ancestor (parent_path), channel
    empty or the customer's, category empty or containing all the products;
    lowest priority, deepest territory, with a channel, with a category."""
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT r.id, r.sequence, t.parent_path, t.depth, r.channel_id,
                      c.parent_path, r.warehouse_id
                 FROM territory_sourcing_rule r
                 JOIN sales_territory t ON t.id = r.territory_id
                 LEFT JOIN product_category c ON c.id = r.categ_id
                WHERE r.active"""
        )
    )
    rules = cr.fetchall()
    expected = []
    for customer, vals in zip(customers, vals_list, strict=True):
        path = customer.territory_id.parent_path
        channel = customer.channel_id.id
        product_ids = [cmd[2]["product_id"] for cmd in vals["order_line"]]
        categ_paths = (
            env["product.product"].browse(product_ids).categ_id.mapped("parent_path")
        )
        candidates = [
            r
            for r in rules
            if path.startswith(r[2])
            and r[4] in (None, channel)
            and (r[5] is None or all(p.startswith(r[5]) for p in categ_paths))
        ]
        candidates.sort(key=lambda r: (r[1], -r[3], r[4] is None, r[5] is None, r[0]))
        expected.append(candidates[0] if candidates else None)
    return expected


def create_confirm(env, vals, bypassed):
    """One quotation created and confirmed as one request: empty cache,
    create, action_confirm, flush (timed), commit (not timed)."""
    env.invalidate_all()
    with sourcing_bypassed() if bypassed else contextlib.nullcontext():
        t = time.perf_counter()
        order = env["sale.order"].create(vals)
        order.action_confirm()
        env.flush_all()
        seconds = time.perf_counter() - t
    env.cr.commit()
    return order, seconds


def check_orders(env, orders, expected, default_wh, bypassed):
    problems = []
    for order, rule in zip(orders, expected, strict=True):
        pickings = order.picking_ids
        picking_whs = pickings.picking_type_id.warehouse_id
        if order.state != "sale":
            problems.append(f"{order.name}: state {order.state}")
        elif bypassed:
            if (
                order.warehouse_source != "default"
                or order.warehouse_id != default_wh
                or order.sourcing_rule_id
            ):
                problems.append(
                    f"{order.name} (bypassed): {order.warehouse_source} "
                    f"{order.warehouse_id.code} rule {order.sourcing_rule_id.id}"
                )
        elif (
            rule is None
            or order.warehouse_source != "rule"
            or order.sourcing_rule_id.id != rule[0]
            or order.warehouse_id.id != rule[6]
        ):
            problems.append(
                f"{order.name}: {order.warehouse_source} {order.warehouse_id.code} "
                f"rule {order.sourcing_rule_id.id}, expected rule {rule and rule[0]}"
            )
        if order.state == "sale" and (
            not pickings or picking_whs != order.warehouse_id
        ):
            problems.append(
                f"{order.name}: deliveries from {picking_whs.mapped('code')}, "
                f"order warehouse {order.warehouse_id.code}"
            )
    return problems


def measure_sourcing(env, do_explain):
    """WARMUP + RUNS rounds of QUOTATIONS quotations with the determination
    and as many bypassed (same customers and lines), interleaved order by
    order: product, bypassed, bypassed, product... then PROFILED more with the
    determination timed. Returns the medians, the round totals, the problems,
    the rule mix and the profile."""
    customers = env["res.partner"].search(
        [("name", "=like", "Bench Stock Customer %")], order="id"
    )
    products = env["product.product"].search(
        [("default_code", "=like", "BI%")], order="default_code"
    )
    user = env.ref("base.user_admin")
    vals_list = [
        quotation_vals(env, k, customer, products, user)
        for k, customer in enumerate(customers)
    ]
    expected = expected_rules(env, customers, vals_list)
    default_wh = user.with_company(env.company)._get_default_warehouse_id()
    totals = {False: [], True: []}
    problems = 0
    for r in range(WARMUP + RUNS):
        spent = {False: 0.0, True: 0.0}
        made = {False: env["sale.order"], True: env["sale.order"]}
        for i, vals in enumerate(vals_list):
            pair = (False, True) if i % 2 == 0 else (True, False)
            for bypassed in pair:
                order, seconds = create_confirm(env, vals, bypassed)
                spent[bypassed] += seconds
                made[bypassed] |= order
        for bypassed in (False, True):
            totals[bypassed].append(spent[bypassed])
        env.invalidate_all()
        for bypassed in (False, True):
            wrong = check_orders(env, made[bypassed], expected, default_wh, bypassed)
            for problem in wrong[:10]:
                log(f"  MISMATCH round {r}: {problem}")
            problems += len(wrong)
    profile = profile_sourcing(env, vals_list, PROFILED, do_explain)
    return (
        statistics.median(totals[False][WARMUP:]),
        statistics.median(totals[True][WARMUP:]),
        totals,
        problems,
        {
            "rules": len({r[0] for r in expected if r}),
            "warehouses": len({r[6] for r in expected if r}),
        },
        profile,
    )


@contextlib.contextmanager
def determination_spied(env, stats):
    """Time the calls of ``_territory_warehouse`` (the determination), and
    record the queries run inside them."""
    layer = _order_class()
    original = layer._territory_warehouse
    cr = env.cr
    execute = cr.execute

    def traced_execute(query, params=None, log_exceptions=True):
        t = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            if stats["depth"]:
                stats["queries"].append((time.perf_counter() - t, query))

    def _territory_warehouse(self):
        stats["depth"] += 1
        t = time.perf_counter()
        try:
            return original(self)
        finally:
            stats["depth"] -= 1
            stats["calls"] += 1
            stats["seconds"] += time.perf_counter() - t

    cr.execute = traced_execute
    try:
        with mock.patch.object(layer, "_territory_warehouse", _territory_warehouse):
            yield
    finally:
        del cr.execute


def profile_sourcing(env, vals_list, count, do_explain):
    """``count`` more quotations with the determination, its calls timed:
    how much of the creation + confirmation it takes (not in the JSON)."""
    stats = {"depth": 0, "calls": 0, "seconds": 0.0, "queries": []}
    total = 0.0
    for vals in vals_list[:count]:
        env.invalidate_all()
        with determination_spied(env, stats):
            t = time.perf_counter()
            order = env["sale.order"].create(vals)
            order.action_confirm()
            env.flush_all()
            total += time.perf_counter() - t
        env.cr.commit()
    sql = sum(q[0] for q in stats["queries"])
    log(
        f"determination profile ({count} quotations): {stats['calls'] / count:.1f} "
        f"calls of _territory_warehouse per quotation, "
        f"{stats['seconds'] / count * 1000:.2f} ms per quotation "
        f"({stats['seconds'] / total:.2%} of {total / count * 1000:.1f} ms created "
        f"and confirmed), {len(stats['queries']) / count:.1f} queries in it "
        f"({sql / count * 1000:.2f} ms)"
    )
    if do_explain:
        seen = {}
        for seconds, query in stats["queries"]:
            text = " ".join(_code(query).split())
            count_, spent = seen.get(text, (0, 0.0))
            seen[text] = (count_ + 1, spent + seconds)
        for text, (n, spent) in sorted(seen.items(), key=lambda kv: -kv[1][1]):
            log(f"determination query x{n} ({spent * 1000:.2f} ms): {text[:300]}")
    return {
        "determination_ms_per_order": stats["seconds"] / count * 1000,
        "created_confirmed_ms_per_order": total / count * 1000,
    }


# ================================================================ main
def run(env, scale, do_explain=False):
    """Measure; returns the JSON rows, the phase timings and the number of
    problems found by the checks."""
    cr = env.cr
    phases = {}
    company = env.company
    if company.replenishment_history_days != HISTORY_DAYS:
        raise RuntimeError(
            f"history of {company.replenishment_history_days} days, not {HISTORY_DAYS}"
        )
    warehouses = planned_warehouses(env)
    cr.execute(
        SQL(
            """SELECT count(*) FILTER (WHERE m.state = 'done' AND d.usage = 'customer'),
                      count(*)
                 FROM stock_move m JOIN stock_location d ON d.id = m.location_dest_id"""
        )
    )
    deliveries, moves = cr.fetchone()
    log(
        f"{deliveries} done deliveries ({moves} moves), {len(warehouses)} warehouses "
        f"to plan, {env['product.product'].search_count([('is_storable', '=', True)])} "
        f"storable products, {HISTORY_DAYS} days of history"
    )
    # leftovers of an interrupted run (--keep)
    cr.execute(SQL("SELECT id FROM territory_replenishment_run"))
    for (run_id,) in cr.fetchall():
        delete_run(env, env["territory.replenishment.run"].browse(run_id))

    product, baseline, times, last, windows, base_rows = measure_plan(env, warehouses)
    phases["replenishment"] = product
    phases["demand_sql"] = baseline
    log(f"replenishment runs {_fmt(times['product'])} s (first is warm-up)")
    log(
        f"demand_sql runs {_fmt(times['baseline'])} s (first is warm-up), "
        f"{len(base_rows)} rows"
    )
    t = time.perf_counter()
    problems, lines = check_plan(env, last, windows, warehouses)
    proposals = len(lines)
    phases["check_plan"] = time.perf_counter() - t
    delete_run(env, last)
    phases.update(profile_plan(env, do_explain))

    t = time.perf_counter()
    sourcing, bypassed, totals, wrong, mix, profile = measure_sourcing(env, do_explain)
    phases["order_confirmation_sourcing"] = sourcing
    phases["sourcing_bypassed"] = bypassed
    phases["sourcing_all_rounds"] = time.perf_counter() - t
    problems += wrong
    log(
        f"quotations ({QUOTATIONS} per round and variant, {mix['rules']} rules, "
        f"{mix['warehouses']} warehouses): with the determination "
        f"{_fmt(totals[False])} s, bypassed {_fmt(totals[True])} s "
        f"(first round is warm-up); {wrong} problems"
    )
    phases.update(profile)

    rows = [
        {
            "name": "replenishment",
            "scale": scale,
            "seconds": round(product, 3),
            "baseline": "demand_sql",
            "baseline_seconds": round(baseline, 3),
            "ratio": round(product / baseline, 3),
            "warehouses": len(warehouses),
            "proposals": proposals,
            "goal": f"under {PLAN_GOAL_SECONDS:g} s and ratio under "
            f"{PLAN_GOAL_RATIO:g}",
            "goal_met": product < PLAN_GOAL_SECONDS
            and product / baseline < PLAN_GOAL_RATIO,
            "note": NOTE,
        },
        {
            "name": "order_confirmation_sourcing",
            "scale": scale,
            "seconds": round(sourcing, 3),
            "baseline": "sourcing_bypassed",
            "baseline_seconds": round(bypassed, 3),
            "ratio": round(sourcing / bypassed, 3),
            "quotations": QUOTATIONS,
            "ms_per_quotation": round(sourcing / QUOTATIONS * 1000, 1),
            "baseline_ms_per_quotation": round(bypassed / QUOTATIONS * 1000, 1),
            "round_ratios": [
                round(a / b, 3)
                for a, b in zip(totals[False][WARMUP:], totals[True][WARMUP:])
            ],
            "goal": f"ratio under {SOURCING_GOAL_RATIO:g}",
            "goal_met": sourcing / bypassed < SOURCING_GOAL_RATIO,
            "note": f"{NOTE}; each of {QUOTATIONS} quotations ({QUOTATION_LINES} "
            "lines) created and confirmed (the determination runs at creation), "
            "timed together, interleaved with the bypassed ones",
        },
    ]
    return rows, phases, problems
