"""Benchmark ``targets``: refresh of the targets' actuals and the cockpit.

On the territories, rules and 100,000 customers of ``territory_assign``
(assigned by its hand-written SQL), N order lines in about N / 5 confirmed
orders over the last 24 months, and 12 monthly "ordered" targets for each of
100 provinces and cities. Two product measures against one baseline, Odoo's
own ``sale.report`` grouped by team and month on the same lines:

* ``targets_refresh``: ``sales.target._refresh_actuals()`` of all targets;
* ``cockpit_read_group``: ``sales.performance.report`` (the cockpit) grouped
  by region and month with the ordered amount, its target and last year's.

Each is run once to warm up, then RUNS times; the median is reported. The
actuals are then checked against a hand-written SQL sum.
"""

import statistics
import sys
import time

import generate
import territory_assign

from odoo.tools import SQL

CUSTOMERS = 100_000
WARMUP = 1
RUNS = 3
TOLERANCE = 0.01
REFRESH_GOAL_SECONDS = 5.0
COCKPIT_GOAL_RATIO = 1.5
NOTE = f"median of {RUNS} runs after {WARMUP} warm-up, superuser, cache invalidated"

BASELINE = (
    "sale.report",
    ["team_id", "date:month"],
    ["price_subtotal:sum"],
)
COCKPIT = (
    "sales.performance.report",
    ["region_id", "date:month"],
    ["ordered_amount:sum", "target_ordered_amount:sum", "ordered_amount_ly:sum"],
)
VACUUM_TABLES = (
    "res_partner",
    "sales_territory",
    "sales_territory_rule",
    "sale_order",
    "sale_order_line",
    "account_tax_sale_order_line_rel",
    "product_product",
    "product_template",
    "product_category",
    "sales_target",
)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data
def generate_data(env, scale):
    """The data set of ``scale`` order lines; returns the phase timings."""
    cr = env.cr
    phases = generate_sales(env, scale)

    t = time.perf_counter()
    targets = generate.create_targets(env)
    cr.commit()
    phases["targets"] = time.perf_counter() - t
    log(
        f"targets: {len(targets)} confirmed ({len(targets.territory_id)} "
        f"territories x {generate.TARGET_MONTHS} months) in "
        f"{phases['targets']:.1f} s (ORM)"
    )
    return phases


def generate_sales(env, scale):
    """Territories, rules, CUSTOMERS assigned customers, salespeople, products
    and ``scale`` order lines checked by the ORM (the data of this benchmark
    without its targets, shared with ``channel_scorecard``); returns the phase
    timings."""
    cr = env.cr
    phases = generate.generate(env, CUSTOMERS)

    t = time.perf_counter()
    cr.execute(territory_assign.baseline_sql(env, env.company))
    assigned = cr.rowcount
    cr.commit()
    phases["assign_customers"] = time.perf_counter() - t
    log(
        f"customers: {assigned} assigned by the hand-written SQL in "
        f"{phases['assign_customers']:.1f} s"
    )

    t = time.perf_counter()
    sellers = generate.create_sales_teams(env)
    products = generate.create_products(env)
    cr.commit()
    phases["salespeople_products"] = time.perf_counter() - t
    log(
        f"salespeople: {len(sellers)} in {generate.TEAMS} teams, products: "
        f"{len(products)} in {generate.CATEGORIES} categories "
        f"({phases['salespeople_products']:.1f} s, ORM)"
    )

    t = time.perf_counter()
    orders = generate.generate_orders(env, scale, sellers, products)
    cr.commit()
    phases["orders"] = time.perf_counter() - t
    log(f"orders: {orders} with {scale} lines in {phases['orders']:.1f} s (SQL)")

    t = time.perf_counter()
    checked, lines, problems = generate.check_orders(env)
    phases["orders_orm_check"] = time.perf_counter() - t
    log(
        f"ORM recomputation of {checked} generated orders ({lines} lines): "
        f"{len(problems)} differences"
    )
    if problems:
        for problem in problems[:50]:
            log(f"  {problem}")
        raise RuntimeError("generated orders differ from what the ORM computes")
    return phases


# ---------------------------------------------------------------- measures
def timed(env, fn, after=None):
    """WARMUP + RUNS calls of fn, the cache invalidated before each; returns
    the median of the measured runs, all the timings, the last result."""
    times = []
    result = None
    for _i in range(WARMUP + RUNS):
        env.invalidate_all()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        if after:
            after()
    return statistics.median(times[WARMUP:]), times, result


def read_group(env, spec):
    model, groupby, aggregates = spec
    return env[model]._read_group([], groupby, aggregates)


def refresh(env):
    return env["sales.target"].search([])._refresh_actuals()


def _fmt(times):
    return ", ".join(f"{t:.3f}" for t in times)


# ---------------------------------------------------------------- checks
def check_actuals(env):
    """Every target's actual against a hand-written sum of the untaxed amount
    of the confirmed orders of its territory (descendants included) dated in
    its period (the day in the company's time zone). Returns the mismatches."""
    cr = env.cr
    cr.execute(
        SQL(
            """
WITH day_sales AS (
    SELECT s.company_id, s.territory_id,
           (s.date_order AT TIME ZONE 'UTC'
                         AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS day,
           sum(s.amount_untaxed) AS amount
      FROM sale_order s
      JOIN res_company c ON c.id = s.company_id
      JOIN res_partner cp ON cp.id = c.partner_id
     WHERE s.state = 'sale' AND s.territory_id IS NOT NULL
     GROUP BY 1, 2, 3
),
covered AS (
    SELECT t.id AS target_id, d.id AS territory_id
      FROM sales_target t
      JOIN sales_territory tt ON tt.id = t.territory_id
      JOIN sales_territory d ON d.parent_path LIKE tt.parent_path || '%%'
)
SELECT t.id, t.actual_value, COALESCE(sum(ds.amount), 0)::float8
  FROM sales_target t
  LEFT JOIN covered cv ON cv.target_id = t.id
  LEFT JOIN day_sales ds ON ds.territory_id = cv.territory_id
                        AND ds.company_id = t.company_id
                        AND ds.day BETWEEN t.date_from AND t.date_to
 WHERE t.state = 'confirmed'
 GROUP BY t.id, t.actual_value
 ORDER BY t.id"""
        )
    )
    rows = cr.fetchall()
    actual = sum(r[1] or 0.0 for r in rows)
    expected = sum(r[2] for r in rows)
    log(
        f"check: {len(rows)} targets, sum of actuals {actual:,.2f}, hand-written SQL "
        f"{expected:,.2f} (difference {actual - expected:.4f})"
    )
    mismatches = [r for r in rows if abs((r[1] or 0.0) - r[2]) > TOLERANCE]
    for target_id, value, wanted in mismatches[:50]:
        log(f"  MISMATCH target {target_id}: actual {value!r}, expected {wanted!r}")
    problems = len(mismatches)
    if abs(actual - expected) > TOLERANCE:
        log("  MISMATCH of the sums")
        problems += 1
    if not rows or not expected:
        log("  no actual to compare: the data set is empty")
        problems += 1
    return problems


def check_read_groups(env, baseline_rows, cockpit_rows):
    """Totals of both read groups against the orders and targets."""
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT COALESCE(sum(amount_untaxed), 0)::float8,
                      (SELECT COALESCE(sum(target_value), 0)::float8
                         FROM sales_target
                        WHERE state IN ('confirmed', 'closed') AND categ_id IS NULL)
                 FROM sale_order WHERE state = 'sale'"""
        )
    )
    ordered, targeted = cr.fetchone()
    totals = {
        "sale.report price_subtotal": (sum(r[2] for r in baseline_rows), ordered),
        "cockpit ordered_amount": (sum(r[2] for r in cockpit_rows), ordered),
        "cockpit target_ordered_amount": (sum(r[3] for r in cockpit_rows), targeted),
        "cockpit ordered_amount_ly": (sum(r[4] for r in cockpit_rows), ordered),
    }
    problems = 0
    for name, (got, wanted) in totals.items():
        ok = abs(got - wanted) <= TOLERANCE
        problems += not ok
        log(
            f"check: {name} total {got:,.2f} vs SQL {wanted:,.2f}"
            f"{'' if ok else '  MISMATCH'}"
        )
    return problems


# ---------------------------------------------------------------- explain
def _captured(env, fn):
    """The queries that fn executes, with their durations."""
    cr = env.cr
    original = cr.execute
    queries = []

    def execute(query, params=None, log_exceptions=True):
        t = time.perf_counter()
        try:
            return original(query, params, log_exceptions)
        finally:
            queries.append((time.perf_counter() - t, query, params))

    cr.execute = execute
    try:
        fn()
    finally:
        del cr.execute
    return queries


def _explain(env, query, params=None):
    cr = env.cr
    if isinstance(query, SQL):
        query = SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query)
    else:
        query = "EXPLAIN (ANALYZE, BUFFERS) " + query
    cr.execute(query, params)
    plan = "\n".join(line for (line,) in cr.fetchall())
    cr.rollback()
    return plan


def explain(env):
    """Queries of the refresh by duration, and the plans of the slowest
    query of each measure."""
    phases = {}
    for name, fn in (
        ("refresh", lambda: refresh(env)),
        ("cockpit", lambda: read_group(env, COCKPIT)),
        ("baseline", lambda: read_group(env, BASELINE)),
    ):
        env.invalidate_all()
        t = time.perf_counter()
        queries = _captured(env, fn)
        env.cr.rollback()
        env.invalidate_all()
        queries.sort(key=lambda q: -q[0])
        log(
            f"{name}: {len(queries)} queries, {sum(q[0] for q in queries):.3f} s in "
            "SQL; slowest: " + ", ".join(f"{q[0]:.3f}" for q in queries[:5])
        )
        seconds, query, params = queries[0]
        code = query.code if isinstance(query, SQL) else query
        log(f"{name}: slowest query ({seconds:.3f} s):\n{code}")
        log(f"{name}: EXPLAIN ANALYZE:\n" + _explain(env, query, params))
        phases[f"explain_{name}"] = time.perf_counter() - t
    return phases


# ---------------------------------------------------------------- main
def run(env, scale, do_explain=False):
    """Measure; returns the JSON rows, the phase timings and the number of
    problems found by the checks."""
    cr = env.cr
    cr.execute(SQL("SELECT count(*) FROM sale_order WHERE state = 'sale'"))
    orders = cr.fetchone()[0]
    cr.execute(SQL("SELECT count(*) FROM sale_order_line"))
    lines = cr.fetchone()[0]
    target_count = env["sales.target"].search_count([])
    log(f"{orders} confirmed orders, {lines} lines, {target_count} targets")
    phases = {}

    baseline, times, baseline_rows = timed(env, lambda: read_group(env, BASELINE))
    phases["baseline_sale_report"] = baseline
    log(
        f"baseline sale.report _read_group: {len(baseline_rows)} groups; "
        f"runs {_fmt(times)} s (first is warm-up)"
    )

    refresh_seconds, times, refreshed = timed(env, lambda: refresh(env), cr.commit)
    phases["targets_refresh"] = refresh_seconds
    log(
        f"targets refresh: {len(refreshed)} targets; runs {_fmt(times)} s "
        "(first is warm-up)"
    )

    cockpit, times, cockpit_rows = timed(env, lambda: read_group(env, COCKPIT))
    phases["cockpit_read_group"] = cockpit
    log(
        f"cockpit _read_group: {len(cockpit_rows)} groups; runs {_fmt(times)} s "
        "(first is warm-up)"
    )

    env.invalidate_all()
    problems = check_actuals(env) + check_read_groups(env, baseline_rows, cockpit_rows)

    if do_explain:
        phases.update(explain(env))

    common = {
        "scale": scale,
        "baseline": "sale_report_read_group",
        "baseline_seconds": round(baseline, 3),
    }
    rows = [
        {
            "name": "targets_refresh",
            "seconds": round(refresh_seconds, 3),
            **common,
            "ratio": round(refresh_seconds / baseline, 3),
            "targets": len(refreshed),
            "goal": f"under {REFRESH_GOAL_SECONDS:g} s",
            "goal_met": refresh_seconds < REFRESH_GOAL_SECONDS,
            "note": NOTE,
        },
        {
            "name": "cockpit_read_group",
            "seconds": round(cockpit, 3),
            **common,
            "ratio": round(cockpit / baseline, 3),
            "groups": len(cockpit_rows),
            "goal": f"ratio under {COCKPIT_GOAL_RATIO:g}",
            "goal_met": cockpit / baseline < COCKPIT_GOAL_RATIO,
            "note": NOTE,
        },
    ]
    # the key order of the convention first
    keys = ("name", "scale", "seconds", "baseline", "baseline_seconds", "ratio")
    rows = [{k: row[k] for k in keys} | row for row in rows]
    return rows, phases, problems
