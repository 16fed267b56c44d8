"""Benchmark ``segments``: RFM customer segments of 100,000 customers.

On the data of ``targets`` without its targets (the 100,000 customers of
``territory_assign`` and N order lines in about N / 5 confirmed orders over
the last 24 months, see ``targets.generate_sales``), the customer segments
(first and last order, frequency, monetary value, quintile scores and segment
of every customer, written on ``res_partner``) are computed:

* by the product, ``res.partner._compute_customer_segments()`` (flush, the
  cockpit's facts into an analysed temporary table, one ``UPDATE`` of the
  customers whose figures changed, cache invalidation);
* baseline ``hand_written_sql``: by one hand-written ``UPDATE ... FROM``
  reading ``sale_order`` directly, with the same rules.

Two measures, each WARMUP + RUNS runs of both, interleaved, each run
committed (timed), ``res_partner`` vacuumed before each run (untimed):

* ``segments_full``: from no segment at all (cleared before each run), every
  customer written;
* ``segments``: the nightly job, each run on the next day from the segments of
  the day before (the customers whose figures moved are written).

The checks: after the baseline of day X, the product on day X must change no
customer, and the product's figures must equal the hand-written query's,
customer by customer.
"""

import statistics
import sys
import time
from datetime import date, timedelta

import targets

from odoo.tools import SQL

WARMUP = 1
RUNS = 3
GOAL_SECONDS = 10.0
GOAL_RATIO = 2.0
NOTE = f"median of {RUNS} runs after {WARMUP} warm-up, interleaved, commit included"
VACUUM_TABLES = targets.VACUUM_TABLES
COLUMNS = (
    "customer_segment",
    "rfm_company_id",
    "rfm_first_order_date",
    "rfm_last_order_date",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_recency_score",
    "rfm_frequency_score",
    "rfm_monetary_score",
)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def generate_data(env, scale):
    return targets.generate_sales(env, scale)


# ---------------------------------------------------------------- baseline
def baseline_sql(day):
    """The segments of every customer on ``day``, written by one hand-written
    UPDATE over the confirmed orders (same rules as the product)."""
    score = "LEAST(5, 1 + 5 * (rank() OVER {w} - 1) / GREATEST(count(*) OVER w - 1, 1))"
    return SQL(
        f"""
WITH params AS (
    SELECT c.id AS company_id, c.segment_window_days AS window_days,
           c.segment_new_days AS new_days, cur.decimal_places,
           COALESCE(cp.tz, 'UTC') AS tz, %(day)s::date AS today
      FROM res_company c
      JOIN res_partner cp ON cp.id = c.partner_id
      JOIN res_currency cur ON cur.id = c.currency_id
),
orders AS (
    SELECT s.company_id, p.commercial_partner_id AS partner_id,
           (s.date_order AT TIME ZONE 'UTC' AT TIME ZONE pa.tz)::date AS day,
           s.amount_untaxed / CASE COALESCE(s.currency_rate, 0)
                              WHEN 0 THEN 1.0 ELSE s.currency_rate END AS amount
      FROM sale_order s
      JOIN res_partner p ON p.id = s.partner_id
      JOIN params pa ON pa.company_id = s.company_id
     WHERE s.state = 'sale'
),
per_company AS (
    SELECT o.company_id, o.partner_id, min(o.day) AS first_day,
           max(o.day) AS last_day,
           count(*) FILTER (WHERE o.day > pa.today - pa.window_days) AS f,
           round(COALESCE(sum(o.amount)
                          FILTER (WHERE o.day > pa.today - pa.window_days), 0),
                 pa.decimal_places) AS m
      FROM orders o JOIN params pa ON pa.company_id = o.company_id
     WHERE o.day <= pa.today
     GROUP BY o.company_id, o.partner_id, pa.decimal_places
),
customer AS (
    SELECT DISTINCT ON (pc.partner_id) pc.*
      FROM per_company pc
      JOIN res_partner p ON p.id = pc.partner_id
      LEFT JOIN sales_territory t ON t.id = p.territory_id
     ORDER BY pc.partner_id,
              (pc.company_id = COALESCE(t.company_id, p.company_id)) IS TRUE DESC,
              pc.last_day DESC, pc.company_id
),
scored AS (
    SELECT cu.*, cu.first_day > pa.today - pa.new_days AS is_new,
           CASE WHEN cu.f > 0 THEN {score.format(w="by_r")} END AS r,
           CASE WHEN cu.f > 0 THEN {score.format(w="by_f")} END AS fs,
           CASE WHEN cu.f > 0 THEN {score.format(w="by_m")} END AS ms
      FROM customer cu JOIN params pa ON pa.company_id = cu.company_id
    WINDOW w AS (PARTITION BY cu.company_id, cu.f > 0),
           by_r AS (w ORDER BY cu.last_day), by_f AS (w ORDER BY cu.f),
           by_m AS (w ORDER BY cu.m)
),
result AS (
    SELECT partner_id,
           CASE WHEN f = 0 THEN 'lapsed'
                WHEN is_new THEN 'new'
                WHEN r >= 4 AND fs >= 4 AND ms >= 4 THEN 'champions'
                WHEN r >= 3 AND fs >= 3 THEN 'loyal'
                WHEN r <= 2 AND (fs >= 3 OR ms >= 3) THEN 'at_risk'
                ELSE 'occasional' END AS segment,
           company_id, first_day, last_day, f, m, r, fs, ms
      FROM scored
    UNION ALL
    SELECT p.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM res_partner p
     WHERE p.customer_segment IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM scored s WHERE s.partner_id = p.id)
)
UPDATE res_partner p
   SET customer_segment = x.segment, rfm_company_id = x.company_id,
       rfm_first_order_date = x.first_day, rfm_last_order_date = x.last_day,
       rfm_frequency = x.f,
       rfm_monetary = x.m, rfm_recency_score = x.r, rfm_frequency_score = x.fs,
       rfm_monetary_score = x.ms
  FROM result x
 WHERE p.id = x.partner_id
   AND (p.customer_segment, p.rfm_company_id, p.rfm_first_order_date,
        p.rfm_last_order_date, p.rfm_frequency, p.rfm_monetary,
        p.rfm_recency_score, p.rfm_frequency_score, p.rfm_monetary_score)
       IS DISTINCT FROM
       (x.segment, x.company_id, x.first_day, x.last_day, x.f, x.m, x.r, x.fs,
        x.ms)""",
        day=day,
    )


# ---------------------------------------------------------------- measures
def product(env, day):
    env.invalidate_all()
    t = time.perf_counter()
    changed = env["res.partner"]._compute_customer_segments(date=day)
    env.cr.commit()
    return time.perf_counter() - t, changed


def baseline(env, day):
    env.invalidate_all()
    t = time.perf_counter()
    env.cr.execute(SQL("SET LOCAL jit = off"))
    env.cr.execute(baseline_sql(day))
    changed = env.cr.rowcount
    env.cr.commit()
    return time.perf_counter() - t, changed


def snapshot(env):
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT id, %s FROM res_partner WHERE customer_segment IS NOT NULL",
            SQL(", ").join(SQL.identifier(c) for c in COLUMNS),
        )
    )
    return {row[0]: row[1:] for row in cr.fetchall()}


def clear(env):
    """No segment on any customer (untimed, committed)."""
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET %s WHERE customer_segment IS NOT NULL",
            SQL(", ").join(SQL("%s = NULL", SQL.identifier(c)) for c in COLUMNS),
        )
    )
    env.cr.commit()


def _fmt(times):
    return ", ".join(f"{t:.3f}" for t in times)


def measure(env, vacuum, days, reset):
    """WARMUP + RUNS runs of the product and of the baseline, interleaved
    (which goes first alternates); each run on the next day of ``days`` when
    ``days`` is an iterator, else on ``days``; ``reset`` before each run."""
    times = {"product": [], "baseline": []}
    changes = {"product": [], "baseline": []}
    for i in range(WARMUP + RUNS):
        order = ("baseline", "product") if i % 2 == 0 else ("product", "baseline")
        for which in order:
            day = next(days) if not isinstance(days, date) else days
            if reset:
                clear(env)
            vacuum("res_partner")
            seconds, changed = (product if which == "product" else baseline)(env, day)
            times[which].append(seconds)
            changes[which].append(changed)
            log(f"run {i} {which} on {day}: {seconds:.3f} s, {changed} written")
    return (
        statistics.median(times["product"][WARMUP:]),
        statistics.median(times["baseline"][WARMUP:]),
        times,
        changes,
    )


def run(env, scale, vacuum, do_explain=False):
    """Measure; returns the JSON rows, the phase timings and the number of
    problems found by the checks."""
    cr = env.cr
    cr.execute(SQL("SELECT count(*) FROM sale_order WHERE state = 'sale'"))
    orders = cr.fetchone()[0]
    cr.execute(SQL("SELECT count(*) FROM sale_order_line"))
    lines = cr.fetchone()[0]
    cr.execute(SQL("SELECT count(*) FROM res_partner WHERE id = commercial_partner_id"))
    customers = cr.fetchone()[0]
    log(f"{orders} confirmed orders, {lines} lines, {customers} commercial partners")
    phases = {}
    first = date.today() + timedelta(days=1)

    # every customer written: from no segment at all, on day D
    full, full_base, times, changes = measure(env, vacuum, first, reset=True)
    phases["segments_full"] = full
    phases["baseline_sql_full"] = full_base
    log(f"full: product {_fmt(times['product'])} s")
    log(f"full: baseline {_fmt(times['baseline'])} s")

    # the nightly job: each run on the next day, from the day before's segments
    days = (first + timedelta(days=n) for n in range(1, 1000))
    seconds, base, times, changes = measure(env, vacuum, days, reset=False)
    phases["segments"] = seconds
    phases["baseline_sql"] = base
    written = statistics.median(changes["product"][WARMUP:])
    log(f"nightly: product {_fmt(times['product'])} s")
    log(f"nightly: baseline {_fmt(times['baseline'])} s")
    day = next(days)

    # checks: the baseline on day X, then the product on day X changes nothing;
    # the product on day Y, the hand-written query gives the same rows
    problems = 0
    _s, changed = baseline(env, day)
    expected = snapshot(env)
    _s, again = product(env, day)
    got = snapshot(env)
    counts = {}
    for values in got.values():
        counts[values[0]] = counts.get(values[0], 0) + 1
    log(
        f"check: baseline on {day} wrote {changed} customers, the product then "
        f"changed {again}; segments: {dict(sorted(counts.items()))}"
    )
    differ = [
        pid for pid in expected.keys() | got.keys() if expected.get(pid) != got.get(pid)
    ]
    if again or differ:
        problems += 1
        for pid in sorted(differ)[:20]:
            log(f"  MISMATCH {pid}: SQL {expected.get(pid)}, product {got.get(pid)}")
    if not got or len(counts) < 4:
        log("  MISMATCH: too few segments (the data set is empty?)")
        problems += 1

    if do_explain:
        cr.execute(SQL("SET LOCAL jit = off"))
        Partner = env["res.partner"]
        query = Partner._customer_segments_sql(
            SQL("(%s)", Partner._customer_rfm_sql(day))
        )
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
        plan = "\n".join(r[0] for r in cr.fetchall())
        log(f"EXPLAIN ANALYZE of the segments query:\n{plan}")
        cr.rollback()

    common = {
        "scale": scale,
        "baseline": "hand_written_sql",
        "customers": len(got),
        "by_segment": dict(sorted(counts.items())),
        "goal": f"under {GOAL_SECONDS:g} s and ratio under {GOAL_RATIO:g}",
    }
    rows = [
        {
            "name": "segments",
            "seconds": round(seconds, 3),
            "baseline_seconds": round(base, 3),
            "ratio": round(seconds / base, 3),
            **common,
            "customers_written": written,
            "goal_met": seconds < GOAL_SECONDS and seconds / base < GOAL_RATIO,
            "note": f"the nightly job: {NOTE}",
        },
        {
            "name": "segments_full",
            "seconds": round(full, 3),
            "baseline_seconds": round(full_base, 3),
            "ratio": round(full / full_base, 3),
            **common,
            "customers_written": len(got),
            "goal_met": full < GOAL_SECONDS and full / full_base < GOAL_RATIO,
            "note": f"every customer written, from none: {NOTE}",
        },
    ]
    keys = ("name", "scale", "seconds", "baseline", "baseline_seconds", "ratio")
    rows = [{k: row[k] for k in keys} | row for row in rows]
    return rows, phases, problems
