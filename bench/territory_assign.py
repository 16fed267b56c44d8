"""Benchmark ``territory_assign``: realignment of every customer by the rules.

Three ways of giving every customer the territory of its winning rule, on the
same data and in the same run:

* ``sql_update_from``: one hand-written ``UPDATE res_partner ... FROM (...)``,
  the lower bound of what set-based SQL costs;
* the product: a ``sales.territory.realignment`` of scope "all",
  ``action_preview()`` then ``action_apply()``, queued as a background job
  and run as the cron worker runs it (proposed moves, audit log, contacts and
  open documents, committed batches);
* ``naive_orm_loop``: for each customer, the winner computed in Python over
  all rules, then ``partner.territory_id = winner`` through the ORM; timed on a
  sample and scaled linearly.
"""

import sys
import time

from odoo.tools import SQL

from odoo.addons.sales_territory.models.res_partner import AUTO_CONTEXT
from odoo.addons.sales_territory.models.sales_territory_rule import (
    LIST_SEPARATORS,
    normalize_zip,
    split_list,
)

NAIVE_SAMPLE = 2000
EXPECTED_TABLE = "bench_expected_territory"


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _norm_zip(expr):
    return SQL(
        "upper(regexp_replace(coalesce(%s, ''), '[[:space:]-]+', '', 'g'))", expr
    )


# ---------------------------------------------------------------- baseline
def baseline_sql(env, company):
    """One UPDATE doing the matching of the engine, written by hand.

    Each rule is reached through its most selective criterion (numeric zip
    ranges through the 3-digit buckets they cover, so that the join is a hash
    join; zip prefixes; city names; states), then all its criteria are
    checked; the lowest sequence, then the deepest territory wins. Conflicts
    are not detected (the generated rules have none; the comparison with the
    product would show them).
    """
    where = env["res.partner"]._territory_customer_where(company)
    columns = SQL(
        """c.id, c.country_id AS c_country, c.state_id AS c_state, c.zip AS c_zip,
           c.city AS c_city, r.territory_id, r.sequence, r.depth, r.country_id,
           r.states, r.zip_from, r.zip_to, r.prefixes, r.cities"""
    )
    return SQL(
        """
WITH rules AS MATERIALIZED (
    SELECT r.territory_id, r.sequence, t.depth, r.country_id,
           NULLIF(%(zip_from)s, '') AS zip_from, NULLIF(%(zip_to)s, '') AS zip_to,
           (SELECT array_agg(%(prefix)s)
              FROM regexp_split_to_table(r.zip_prefixes, %(sep)s) x
             WHERE %(prefix)s <> '') AS prefixes,
           (SELECT array_agg(lower(btrim(x)))
              FROM regexp_split_to_table(r.cities, %(sep)s) x
             WHERE btrim(x) <> '') AS cities,
           (SELECT array_agg(rel.state_id) FROM sales_territory_rule_state_rel rel
             WHERE rel.rule_id = r.id) AS states
      FROM sales_territory_rule r
      JOIN sales_territory t ON t.id = r.territory_id
     WHERE r.active AND t.active AND r.company_id = %(company)s
),
customers AS MATERIALIZED (
    SELECT p.id, p.country_id, p.state_id, %(partner_zip)s AS zip,
           lower(btrim(coalesce(p.city, ''))) AS city
      FROM res_partner p
     WHERE %(where)s
),
zip_keys AS MATERIALIZED (
    SELECT r.*, lpad(b::text, 3, '0') AS key
      FROM rules r
     CROSS JOIN LATERAL generate_series(left(r.zip_from, 3)::int,
                                        left(r.zip_to, 3)::int) b
     WHERE r.zip_from ~ '^[0-9]{3}' AND r.zip_to ~ '^[0-9]{3}'
),
prefix_keys AS MATERIALIZED (
    SELECT r.*, x AS key FROM rules r CROSS JOIN LATERAL unnest(r.prefixes) x
     WHERE r.zip_from IS NULL
),
city_keys AS MATERIALIZED (
    SELECT r.*, x AS key FROM rules r CROSS JOIN LATERAL unnest(r.cities) x
     WHERE r.zip_from IS NULL AND r.prefixes IS NULL
),
state_keys AS MATERIALIZED (
    SELECT r.*, x AS key FROM rules r CROSS JOIN LATERAL unnest(r.states) x
     WHERE r.zip_from IS NULL AND r.prefixes IS NULL AND r.cities IS NULL
),
candidates AS (
    SELECT %(columns)s FROM zip_keys r JOIN customers c ON left(c.zip, 3) = r.key
    UNION ALL
    SELECT %(columns)s FROM prefix_keys r JOIN customers c ON starts_with(c.zip, r.key)
    UNION ALL
    SELECT %(columns)s FROM city_keys r JOIN customers c ON c.city = r.key
    UNION ALL
    SELECT %(columns)s FROM state_keys r JOIN customers c ON c.state_id = r.key
),
winners AS (
    SELECT DISTINCT ON (id) id, territory_id
      FROM candidates
     WHERE (country_id IS NULL OR c_country = country_id)
       AND (states IS NULL OR c_state = ANY(states))
       AND (zip_from IS NULL OR (length(c_zip) = length(zip_from)
            AND c_zip BETWEEN zip_from AND zip_to))
       AND (prefixes IS NULL
            OR EXISTS (SELECT 1 FROM unnest(prefixes) x WHERE starts_with(c_zip, x)))
       AND (cities IS NULL OR c_city = ANY(cities))
     ORDER BY id, sequence, depth DESC, territory_id
)
UPDATE res_partner p
   SET territory_id = w.territory_id,
       write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
  FROM winners w
 WHERE p.id = w.id AND p.territory_id IS DISTINCT FROM w.territory_id
""",
        zip_from=_norm_zip(SQL("r.zip_from")),
        zip_to=_norm_zip(SQL("r.zip_to")),
        prefix=_norm_zip(SQL("x")),
        partner_zip=_norm_zip(SQL("p.zip")),
        sep=LIST_SEPARATORS,
        company=company.id,
        where=where,
        columns=columns,
        uid=env.uid,
    )


def run_baseline(env, company):
    cr = env.cr
    env.flush_all()
    query = baseline_sql(env, company)
    t = time.perf_counter()
    cr.execute(query)
    updated = cr.rowcount
    cr.commit()
    seconds = time.perf_counter() - t
    env.invalidate_all()
    log(f"baseline sql_update_from: {updated} customers assigned in {seconds:.2f} s")
    return seconds


# ---------------------------------------------------------------- product
def run_product(env, company):
    Realignment = env["sales.territory.realignment"]
    realignment = Realignment.create(
        {"name": "Benchmark", "company_id": company.id, "scope": "all"}
    )
    env.flush_all()
    env.cr.commit()
    t = time.perf_counter()
    realignment.action_preview()
    env.flush_all()
    env.cr.commit()
    t_preview = time.perf_counter() - t
    # above the company's threshold the apply is a background job: queued,
    # then run (committed batches) as the cron worker runs it
    realignment.action_apply()
    env["sales.territory.job"]._cron_run()
    env.flush_all()
    env.cr.commit()
    seconds = time.perf_counter() - t
    env.invalidate_all()
    log(
        f"product realignment: preview {t_preview:.2f} s + apply "
        f"{seconds - t_preview:.2f} s = {seconds:.2f} s; "
        f"moves {realignment.move_count}, applied {realignment.done_count}, "
        f"skipped {realignment.skipped_count}, conflicts {realignment.conflict_count}"
    )
    return seconds, {"preview": t_preview, "apply": seconds - t_preview}


# ---------------------------------------------------------------- naive
def _naive_rules(env, company):
    """The active rules as plain tuples, read once (the naive loop's only
    concession: it does not re-read the rules for every customer)."""
    rules = env["sales.territory.rule"].search(
        [("company_id", "=", company.id), ("territory_id.active", "=", True)]
    )
    return [
        (
            rule.sequence,
            rule.territory_id.depth,
            rule.territory_id.id,
            rule.country_id.id,
            set(rule.state_ids.ids),
            normalize_zip(rule.zip_from),
            normalize_zip(rule.zip_to),
            [normalize_zip(p) for p in split_list(rule.zip_prefixes)],
            {c.lower() for c in split_list(rule.cities)},
            set(rule.industry_ids.ids),
            set(rule.category_ids.ids),
        )
        for rule in rules
    ]


def _naive_winner(partner, rules):
    zip_code = normalize_zip(partner.zip)
    city = (partner.city or "").strip().lower()
    country, state = partner.country_id.id, partner.state_id.id
    industry, tags = partner.industry_id.id, set(partner.category_id.ids)
    best, winners = None, set()
    for (
        sequence,
        depth,
        territory,
        r_country,
        r_states,
        zip_from,
        zip_to,
        prefixes,
        cities,
        industries,
        r_tags,
    ) in rules:
        if r_country and r_country != country:
            continue
        if r_states and state not in r_states:
            continue
        if zip_from and not (
            len(zip_code) == len(zip_from) and zip_from <= zip_code <= zip_to
        ):
            continue
        if prefixes and not any(zip_code.startswith(p) for p in prefixes):
            continue
        if cities and city not in cities:
            continue
        if industries and industry not in industries:
            continue
        if r_tags and not (tags & r_tags):
            continue
        key = (sequence, -depth)
        if best is None or key < best:
            best, winners = key, {territory}
        elif key == best:
            winners.add(territory)
    return next(iter(winners)) if len(winners) == 1 else None


def run_naive(env, company, partner_ids, lean=False):
    """Naive ORM loop on ``partner_ids`` (reset to no territory first).

    Plain (``lean=False``): ``partner.territory_id = winner`` as any script
    would write it, through the whole ORM write path (mail tracking, audit
    log of a manual move, assignment switched to manual). Lean: the write of
    the product's own engine (``sales_territory_auto`` context, the assignment
    stays by rules, no audit log) and no mail tracking.
    """
    cr = env.cr
    cr.execute(
        SQL(
            """UPDATE res_partner SET territory_id = NULL, territory_assignment = 'auto'
                WHERE id = ANY(%s)""",
            partner_ids,
        )
    )
    cr.commit()
    env.invalidate_all()
    context = {AUTO_CONTEXT: True, "tracking_disable": True} if lean else {}
    Partner = env["res.partner"].with_context(**context)
    t = time.perf_counter()
    rules = _naive_rules(env, company)
    for partner in Partner.browse(partner_ids):
        winner = _naive_winner(partner, rules)
        if winner and partner.territory_id.id != winner:
            partner.territory_id = winner
    env.flush_all()
    cr.commit()
    seconds = time.perf_counter() - t
    log(
        f"naive ORM loop ({'lean' if lean else 'plain'}): {len(partner_ids)} "
        f"customers in {seconds:.2f} s"
    )
    return seconds


# ---------------------------------------------------------------- helpers
def customer_ids(env, company):
    env.cr.execute(
        SQL(
            "SELECT p.id FROM res_partner p WHERE %s ORDER BY p.id",
            env["res.partner"]._territory_customer_where(company),
        )
    )
    return [i for (i,) in env.cr.fetchall()]


def reset(env, vacuum):
    """Every customer back to no territory; no realignment, no audit log."""
    cr = env.cr
    cr.execute(SQL("DELETE FROM sales_territory_realignment_result"))
    cr.execute(SQL("DELETE FROM sales_territory_realignment"))
    cr.execute(SQL("DELETE FROM sales_territory_move_log"))
    # chatter of the naive loop's tracked writes
    cr.execute(
        SQL(
            """DELETE FROM mail_message WHERE model = 'res.partner'
                AND message_type = 'notification'"""
        )
    )
    cr.execute(
        SQL(
            """UPDATE res_partner SET territory_id = NULL, territory_assignment = 'auto'
                WHERE territory_id IS NOT NULL OR territory_assignment != 'auto'"""
        )
    )
    cr.commit()
    env.invalidate_all()
    vacuum(
        "res_partner",
        "sales_territory_realignment",
        "sales_territory_realignment_result",
        "sales_territory_move_log",
        "mail_message",
        "mail_tracking_value",
    )


def save_expected(env):
    cr = env.cr
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(EXPECTED_TABLE)))
    cr.execute(
        SQL(
            "CREATE UNLOGGED TABLE %s AS SELECT id, territory_id FROM res_partner",
            SQL.identifier(EXPECTED_TABLE),
        )
    )
    cr.commit()


def mismatches(env, ids=None):
    """Customers whose territory differs from the baseline's."""
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT count(*) FILTER (
                          WHERE p.territory_id IS DISTINCT FROM e.territory_id),
                      count(*) FILTER (WHERE e.territory_id IS NOT NULL),
                      count(*)
                 FROM res_partner p JOIN %(expected)s e ON e.id = p.id
                WHERE %(ids)s""",
            expected=SQL.identifier(EXPECTED_TABLE),
            ids=SQL("p.id = ANY(%s)", ids) if ids is not None else SQL("TRUE"),
        )
    )
    return cr.fetchone()


def explain(env, company):
    """EXPLAIN ANALYZE of the engine's matching query on the whole base."""
    cr = env.cr
    Rule = env["sales.territory.rule"]
    raw = Rule._partner_raw_sql(env["res.partner"]._territory_customer_where(company))
    query = Rule._match_sql(raw, company, large=True)
    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    plan = "\n".join(line for (line,) in cr.fetchall())
    cr.rollback()
    return query, plan


# ---------------------------------------------------------------- main
def run(env, scale, vacuum, do_explain=False):
    """Measure; returns the JSON rows and the phase timings."""
    company = env.company
    ids = customer_ids(env, company)
    log(f"{len(ids)} customers to assign (scale {scale})")
    phases = {}

    reset(env, vacuum)
    baseline_seconds = run_baseline(env, company)
    phases["baseline_sql"] = baseline_seconds
    save_expected(env)

    reset(env, vacuum)
    seconds, detail = run_product(env, company)
    phases["product_preview"] = detail["preview"]
    phases["product_apply"] = detail["apply"]
    differ, assigned, total = mismatches(env)
    log(
        f"product vs sql_update_from: {differ} mismatches over {total} partners "
        f"({assigned} assigned by the baseline)"
    )

    sample = ids[:: max(1, len(ids) // NAIVE_SAMPLE)][:NAIVE_SAMPLE]
    naive = {}
    naive_differ = 0
    for lean in (False, True):
        naive[lean] = run_naive(env, company, sample, lean=lean)
        differ_sample = mismatches(env, sample)[0]
        naive_differ += differ_sample
        log(f"  vs sql_update_from: {differ_sample} mismatches on the sample")
    phases["naive_sample_plain"] = naive[False]
    phases["naive_sample_lean"] = naive[True]
    factor = len(ids) / len(sample)
    naive_scaled = naive[False] * factor
    log(
        f"naive loop scaled to {len(ids)}: plain {naive_scaled:.1f} s "
        f"(product {naive_scaled / seconds:.1f}x faster), lean "
        f"{naive[True] * factor:.1f} s (product {naive[True] * factor / seconds:.2f}x "
        "faster)"
    )

    if do_explain:
        t = time.perf_counter()
        query, plan = explain(env, company)
        phases["explain"] = time.perf_counter() - t
        log("engine query:\n" + query.code)
        log("EXPLAIN ANALYZE of the engine's query:\n" + plan)

    rows = [
        {
            "name": "territory_assign",
            "scale": scale,
            "seconds": round(seconds, 3),
            "baseline": "sql_update_from",
            "baseline_seconds": round(baseline_seconds, 3),
            "ratio": round(seconds / baseline_seconds, 3),
            "order": "baseline first, product second",
        },
        {
            "name": "territory_assign",
            "scale": scale,
            "seconds": round(seconds, 3),
            "baseline": "naive_orm_loop",
            "baseline_seconds": round(naive_scaled, 3),
            "ratio": round(seconds / naive_scaled, 5),
            "note": f"scaled from {len(sample)}; plain ORM write "
            "(mail tracking, audit log, assignment set to manual)",
        },
    ]
    return rows, phases, differ + naive_differ
