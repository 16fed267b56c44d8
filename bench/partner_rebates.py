"""Benchmark ``partner_rebates``: rebate settlement and tier review of 10,000
channel partners (addon ``channel_partner``).

On the data of ``targets`` (territories, rules, 100,000 assigned customers, N
order lines in about N / 5 confirmed orders over the last 24 months), 10,000
of the customers become channel partners (distributors, resellers, agents) in
4 tiers, each with an active agreement and its rebate scale (a fifth of them
restricted to product categories). The orders are spread over them by SQL:
sell-in orders to distributors and resellers, orders to end customers brought
by resellers and agents (``channel_partner_id``). The distributors' agreements
count the invoiced volume: their orders are invoiced by SQL (posted invoices,
copied from one made by the ORM); the others count the ordered volume.

* ``rebate_settlement``: ``channel.partner.rebate._generate(agreements, day)``
  of the 10,000 agreements for the last complete quarter (settlements
  created, volumes, rates and amounts computed) against one hand-written SQL
  query computing the same volumes, rates and amounts;
* ``tier_review``: ``channel.partner.tier.review._propose(partners)`` of the
  10,000 partners against one hand-written SQL query of their trailing
  12-month revenue.

Each measure is run once to warm up, then RUNS times; the median is reported.
Both are then checked against the hand-written SQL, agreement by agreement
and partner by partner.
"""

import statistics
import sys
import time
from datetime import timedelta

import channel_scorecard
import generate
import targets as targets_bench
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tools import SQL, date_utils

WARMUP = targets_bench.WARMUP
RUNS = targets_bench.RUNS
TOLERANCE = 0.01
SETTLEMENT_GOAL_SECONDS = 30.0
REVIEW_GOAL_SECONDS = 10.0
NOTE = f"median of {RUNS} runs after {WARMUP} warm-up, superuser, cache invalidated"
QUIET = generate.QUIET

PARTNERS = 10_000
PARTNER_SEED = 0.61
# kind: share of the partners
KINDS = (("distributor", 0.30), ("reseller", 0.50), ("agent", 0.20))
# shares of the confirmed orders (cumulative thresholds on one draw)
SELL_IN_DISTRIBUTORS = 0.20  # to a distributor (its sell-in)
SELL_IN_RESELLERS = 0.25  # to a reseller
BROUGHT = 0.60  # to an end customer, brought by a reseller or an agent
NO_TIER = 0.05  # partners without a tier yet
CATEGORY_SHARE = 0.20  # agreements restricted to product categories
# Amounts are those of 1,000,000 order lines; at another scale they are
# scaled with it, so that the partners spread over the tiers and steps alike.
REFERENCE_LINES = 1_000_000
# (name, sequence, trailing 12-month revenue threshold)
TIERS = (
    ("Bench Registered", 1, 0),
    ("Bench Silver", 2, 25_000),
    ("Bench Gold", 3, 45_000),
    ("Bench Platinum", 4, 70_000),
)
# rebate (commission for agents) scale of each kind: (quarterly volume, rate %)
SCALES = {
    "distributor": ((5_000, 1.0), (10_000, 2.0), (20_000, 3.0)),
    "reseller": ((4_000, 2.0), (12_000, 4.0)),
    "agent": ((0, 3.0), (10_000, 5.0)),
}
VOLUME_BASIS = {"distributor": "invoiced", "reseller": "ordered", "agent": "ordered"}
INVOICE_DUE_DAYS = 30

VACUUM_TABLES = (
    *targets_bench.VACUUM_TABLES,
    "account_move",
    "account_move_line",
    "account_move_line_account_tax_rel",
    "sale_order_line_invoice_rel",
    "channel_partner_tier",
    "channel_partner_agreement",
    "channel_partner_agreement_rebate",
    "channel_partner_agreement_product_category_rel",
    "channel_partner_rebate",
    "channel_partner_tier_review",
)

# Columns of the generated rows that differ from their ORM-made template.
AGREEMENT_VARYING = (
    "id",
    "name",
    "partner_id",
    "user_id",
    "volume_basis",
    "volume_commitment",
    "create_date",
    "write_date",
)
MOVE_VARYING = (
    "id",
    "name",
    "sequence_prefix",
    "sequence_number",
    "payment_reference",
    "partner_id",
    "commercial_partner_id",
    "partner_shipping_id",
    "invoice_partner_display_name",
    "invoice_origin",
    "date",
    "invoice_date",
    "invoice_date_due",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "invoice_user_id",
    "team_id",
    "territory_id",
    "channel_id",
    "channel_partner_id",
    "create_date",
    "write_date",
)
MOVE_LINE_VARYING = (
    "id",
    "move_id",
    "move_name",
    "partner_id",
    "product_id",
    "product_uom_id",
    "name",
    "date",
    "invoice_date",
    "date_maturity",
    "quantity",
    "price_unit",
    "price_subtotal",
    "price_total",
    "balance",
    "debit",
    "credit",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "tax_base_amount",
    "create_date",
    "write_date",
)
# Fields recomputed by the ORM on a sample of generated invoices.
CHECK_MOVE_FIELDS = (
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_residual_signed",
    "invoice_date_due",
    "payment_state",
    "commercial_partner_id",
    "invoice_partner_display_name",
)
CHECK_MOVE_LINE_FIELDS = (
    "account_id",
    "debit",
    "credit",
    "amount_currency",
    "amount_residual",
    "price_subtotal",
    "price_total",
    "parent_state",
    "move_name",
    "partner_id",
    "product_uom_id",
    "company_id",
    "currency_id",
)
CHECK_ORDER_LINE_FIELDS = (
    "qty_invoiced",
    "qty_to_invoice",
    "untaxed_amount_invoiced",
    "untaxed_amount_to_invoice",
    "invoice_status",
)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _fmt(times):
    return ", ".join(f"{t:.3f}" for t in times)


def _factor(scale):
    return scale / REFERENCE_LINES


def _money(amount, scale):
    """An amount of the reference scale at ``scale`` (whole units)."""
    return float(round(amount * _factor(scale)))


def settled_quarter(env):
    """The last complete quarter: (day in it, first day, last day)."""
    today = fields.Date.context_today(env.user)
    day = date_utils.get_quarter(today)[0] - timedelta(days=1)
    first, last = date_utils.get_quarter(day)
    return day, first, last


def review_window(env):
    """(first day, today) of the trailing twelve months of the review."""
    today = fields.Date.context_today(env.user)
    return today - relativedelta(years=1) + timedelta(days=1), today


# ---------------------------------------------------------------- data
def create_tiers(env, scale):
    """The 4 tiers (ORM), thresholds scaled; the company's others archived."""
    Tier = env["channel.partner.tier"].with_context(**QUIET)
    Tier.search([("company_id", "=", env.company.id)]).write({"active": False})
    tiers = Tier.create(
        [
            {
                "name": name,
                "sequence": sequence,
                "threshold": _money(threshold, scale),
                "forward_weight": sequence,
                "company_id": env.company.id,
            }
            for name, sequence, threshold in TIERS
        ]
    )
    env.flush_all()
    return tiers


def create_partners(env):
    """PARTNERS of the generated customers (evenly spread over the ids,
    companies with a territory) become channel partners by SQL: kind drawn by
    KINDS, renamed after it, active, managed by a bench salesperson. Returns
    the counts by kind."""
    cr = env.cr
    users = env["res.users"].search([("login", "=like", "bench.sales%")], order="id")
    bounds, low = [], 0.0
    for kind, share in KINDS:
        bounds.append(SQL("(%s, %s::float8, %s::float8)", kind, low, low + share))
        low += share
    candidates = SQL(
        """SELECT p.id FROM res_partner p
            WHERE p.customer_rank > 0 AND p.is_company
              AND p.id = p.commercial_partner_id AND p.territory_id IS NOT NULL
              AND p.active"""
    )
    cr.execute(SQL("SELECT count(*) FROM (%s) c", candidates))
    stride = cr.fetchone()[0] // PARTNERS
    if not stride:
        raise RuntimeError(f"fewer customers than the {PARTNERS} partners")
    cr.execute(SQL("SELECT setseed(%s)", PARTNER_SEED))
    cr.execute(
        SQL(
            """
WITH candidates AS (
    SELECT c.id, row_number() OVER (ORDER BY c.id) AS n FROM (%(candidates)s) c
),
picked AS (
    SELECT c.id, row_number() OVER (ORDER BY c.id) AS k, random() AS r
      FROM candidates c
     WHERE mod(c.n, %(stride)s) = 0
     ORDER BY c.id
     LIMIT %(count)s
),
kinds (kind, low, high) AS (VALUES %(bounds)s),
named AS (
    SELECT pk.id, pk.k, k.kind,
           initcap(k.kind) || ' ' || lpad(pk.k::text, 5, '0') AS name
      FROM picked pk JOIN kinds k ON pk.r >= k.low AND pk.r < k.high
)
UPDATE res_partner p
   SET is_channel_partner = TRUE, partner_kind = n.kind,
       partner_lifecycle = 'active', name = n.name, complete_name = n.name,
       commercial_company_name = n.name,
       partner_manager_id = (%(users)s::int[])[1 + mod(n.k, %(user_count)s)]
  FROM named n
 WHERE p.id = n.id""",
            candidates=candidates,
            stride=stride,
            count=PARTNERS,
            bounds=SQL(", ").join(bounds),
            users=users.ids,
            user_count=len(users),
        )
    )
    if cr.rowcount != PARTNERS:
        raise RuntimeError(f"{cr.rowcount} channel partners instead of {PARTNERS}")
    cr.execute(
        SQL(
            """SELECT partner_kind, count(*) FROM res_partner
                WHERE is_channel_partner GROUP BY 1 ORDER BY 1"""
        )
    )
    env.invalidate_all()
    return dict(cr.fetchall())


def spread_orders(env, term):
    """The confirmed orders over the partners (SQL), by one draw each:
    SELL_IN_DISTRIBUTORS of them go to a distributor and the next share to a
    reseller (their customer becomes the partner, with its territory; the
    distributors' take the payment term ``term``), the next share to an end
    customer and are brought by a reseller or an agent (``channel_partner_id``),
    the rest to an end customer. An order drawn for an end customer whose
    customer is a channel partner goes to another customer (not a partner).
    Returns {kind of order: count}."""
    cr = env.cr
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_pick ON COMMIT DROP AS
SELECT p.id, p.territory_id, p.partner_kind AS pool,
       (row_number() OVER (PARTITION BY p.partner_kind ORDER BY p.id) - 1)::int AS k
  FROM res_partner p
 WHERE p.is_channel_partner AND p.partner_kind = 'distributor'
UNION ALL
SELECT p.id, p.territory_id, 'sell_in_reseller',
       (row_number() OVER (ORDER BY p.id) - 1)::int
  FROM res_partner p
 WHERE p.is_channel_partner AND p.partner_kind = 'reseller'
UNION ALL
SELECT p.id, p.territory_id, 'broker', (row_number() OVER (ORDER BY p.id) - 1)::int
  FROM res_partner p
 WHERE p.is_channel_partner AND p.partner_kind IN ('reseller', 'agent')
UNION ALL
SELECT p.id, p.territory_id, 'end', (row_number() OVER (ORDER BY p.id) - 1)::int
  FROM res_partner p
 WHERE p.customer_rank > 0 AND p.id = p.commercial_partner_id
   AND p.territory_id IS NOT NULL AND p.is_channel_partner IS NOT TRUE
   AND p.active;
CREATE INDEX ON bench_cp_pick (pool, k);
ANALYZE bench_cp_pick"""
        )
    )
    cr.execute(
        SQL("SELECT pool, count(*) FROM bench_cp_pick GROUP BY pool ORDER BY pool")
    )
    pools = dict(cr.fetchall())
    cr.execute(SQL("SELECT setseed(%s)", PARTNER_SEED))
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_order ON COMMIT DROP AS
WITH draw AS (
    SELECT s.id, s.partner_id, s.territory_id,
           COALESCE(p.is_channel_partner, FALSE) AS to_partner,
           random() AS r, random() AS r_who, random() AS r_broker
      FROM sale_order s JOIN res_partner p ON p.id = s.partner_id
     WHERE s.state = 'sale'
     ORDER BY s.id
),
pools AS (
    SELECT d.*,
           CASE WHEN d.r < %(dist)s THEN 'distributor'
                WHEN d.r < %(res)s THEN 'sell_in_reseller'
                WHEN d.to_partner THEN 'end' END AS pool,
           CASE WHEN d.r < %(dist)s THEN %(n_dist)s
                WHEN d.r < %(res)s THEN %(n_res)s
                ELSE %(n_end)s END AS pool_size
      FROM draw d
)
SELECT p.id, COALESCE(w.id, p.partner_id) AS partner_id,
       COALESCE(w.territory_id, p.territory_id) AS territory_id,
       b.id AS channel_partner_id, p.pool, p.pool = 'distributor' AS distributor,
       p.partner_id != COALESCE(w.id, p.partner_id) AS moved
  FROM pools p
  LEFT JOIN bench_cp_pick w
         ON w.pool = p.pool AND w.k = floor(p.r_who * p.pool_size)::int
  LEFT JOIN bench_cp_pick b
         ON p.r >= %(res)s AND p.r < %(brought)s
        AND b.pool = 'broker' AND b.k = floor(p.r_broker * %(n_broker)s)::int""",
            dist=SELL_IN_DISTRIBUTORS,
            res=SELL_IN_RESELLERS,
            brought=BROUGHT,
            n_dist=pools["distributor"],
            n_res=pools["sell_in_reseller"],
            n_end=pools["end"],
            n_broker=pools["broker"],
        )
    )
    cr.execute(
        SQL(
            """
UPDATE sale_order s
   SET partner_id = o.partner_id, partner_invoice_id = o.partner_id,
       partner_shipping_id = o.partner_id, territory_id = o.territory_id,
       channel_partner_id = o.channel_partner_id,
       payment_term_id = CASE WHEN o.distributor THEN %(term)s
                              ELSE s.payment_term_id END
  FROM bench_cp_order o
 WHERE o.id = s.id AND (o.moved OR o.channel_partner_id IS NOT NULL)""",
            term=term.id,
        )
    )
    cr.execute(
        SQL(
            """
UPDATE sale_order_line l SET order_partner_id = o.partner_id
  FROM bench_cp_order o
 WHERE o.id = l.order_id AND o.moved"""
        )
    )
    cr.execute(
        SQL(
            """SELECT CASE WHEN channel_partner_id IS NOT NULL THEN 'brought'
                           ELSE COALESCE(pool, 'end customer') END, count(*)
                 FROM bench_cp_order GROUP BY 1 ORDER BY 1"""
        )
    )
    spread = dict(cr.fetchall())
    env.invalidate_all()
    return spread


def _revenue_sql(date_from, date_to):
    """Hand-written: untaxed amount (company currency) of the confirmed
    orders dated (company's time zone) in the period, by channel partner (the
    order's, else its customer when a channel partner)."""
    return SQL(
        """
SELECT COALESCE(s.channel_partner_id,
                CASE WHEN p.is_channel_partner THEN p.commercial_partner_id END),
       sum(s.amount_untaxed / CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0
                                   ELSE s.currency_rate END)::float8
  FROM sale_order s
  JOIN res_partner p ON p.id = s.partner_id
  JOIN res_company c ON c.id = s.company_id
  JOIN res_partner cp ON cp.id = c.partner_id
 WHERE s.state = 'sale'
   AND (s.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
       BETWEEN %(from)s AND %(to)s
   AND COALESCE(s.channel_partner_id,
                CASE WHEN p.is_channel_partner THEN p.commercial_partner_id END)
       IS NOT NULL
 GROUP BY 1""",
        **{"from": date_from, "to": date_to},
    )


def _tier_rank(tiers, revenue):
    """The highest tier (by sequence) whose threshold the revenue reaches."""
    reached = None
    for tier in tiers:
        if tier.threshold <= revenue:
            reached = tier
    return reached


def assign_tiers(env, tiers):
    """Each partner's tier is the one its revenue of the 12 months before the
    trailing 12 months reached (NO_TIER of them have none yet), since the
    start of that year. Returns {tier name: partners}."""
    cr = env.cr
    start, _today = review_window(env)
    cr.execute(_revenue_sql(start - relativedelta(years=1), start - timedelta(days=1)))
    revenue = dict(cr.fetchall())
    ranked = tiers.sorted(lambda t: (t.sequence, t.id))
    ranked.mapped("threshold")
    cr.execute(SQL("SELECT setseed(%s)", PARTNER_SEED))
    cr.execute(
        SQL(
            """SELECT id, random() FROM res_partner
                WHERE is_channel_partner ORDER BY id"""
        )
    )
    rows, counts = [], {}
    for partner_id, r in cr.fetchall():
        tier = None if r < NO_TIER else _tier_rank(ranked, revenue.get(partner_id, 0))
        counts[tier.name if tier else "none"] = (
            counts.get(tier.name if tier else "none", 0) + 1
        )
        rows.append(SQL("(%s, %s)", partner_id, tier.id if tier else None))
    cr.execute(
        SQL(
            """UPDATE res_partner p
                  SET partner_tier_id = v.tier_id::int,
                      tier_since = CASE WHEN v.tier_id IS NULL THEN NULL
                                        ELSE %(since)s::date END
                 FROM (VALUES %(rows)s) v(id, tier_id)
                WHERE p.id = v.id""",
            rows=SQL(", ").join(rows),
            since=start.replace(month=1, day=1),
        )
    )
    env.invalidate_all()
    return counts


def _agreement_sequence(env):
    sequence = env["ir.sequence"].search(
        [
            ("code", "=", "channel.partner.agreement"),
            ("company_id", "in", [env.company.id, False]),
        ],
        order="company_id",
        limit=1,
    )
    if not sequence or sequence.use_date_range or sequence.suffix:
        raise RuntimeError("unexpected channel.partner.agreement sequence")
    return sequence


def create_agreements(env, scale):
    """One active agreement per partner: the first through the ORM (the
    template), the others by SQL copying it. Agreements run from the start of
    last year to the end of next year, settle quarterly, count the invoiced
    volume (distributors) or the ordered one, with the scale of their kind
    (amounts scaled); CATEGORY_SHARE of them only count 1 to 3 of the bench
    product categories (with their sub-categories), or, once in 10, "All".
    Returns (agreements, restricted)."""
    cr = env.cr
    Agreement = env["channel.partner.agreement"].with_context(**QUIET)
    today = fields.Date.context_today(env.user)
    start = today.replace(year=today.year - 1, month=1, day=1)
    end = today.replace(year=today.year + 1, month=12, day=31)
    cr.execute(
        SQL(
            """SELECT id, partner_kind, partner_manager_id FROM res_partner
                WHERE is_channel_partner ORDER BY id"""
        )
    )
    partners = cr.fetchall()
    first_id, first_kind, _manager = partners[0]
    template = Agreement.create(
        {
            "partner_id": first_id,
            "date_start": start,
            "date_end": end,
            "rebate_period": "quarter",
            "volume_basis": VOLUME_BASIS[first_kind],
            "volume_commitment": _money(40_000, scale),
            "rebate_line_ids": [
                Command.create(
                    {
                        "sequence": i + 1,
                        "amount_from": _money(volume, scale),
                        "rate": rate,
                    }
                )
                for i, (volume, rate) in enumerate(SCALES[first_kind])
            ],
        }
    )
    template.action_activate()
    env.flush_all()
    if template.state != "active" or template.user_id.id != _manager:
        raise RuntimeError("unexpected template agreement")
    sequence = _agreement_sequence(env)
    prefix, _suffix = sequence._get_prefix_suffix()
    number = sequence.number_next_actual
    count = len(partners) - 1
    first_agreement = generate._next_ids(cr, "channel_partner_agreement", count)
    copied = [
        c
        for c in generate.table_columns(cr, "channel_partner_agreement")
        if c not in AGREEMENT_VARYING
    ]
    bases = SQL(", ").join(
        SQL("(%s, %s)", kind, basis) for kind, basis in VOLUME_BASIS.items()
    )
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_agreement ON COMMIT DROP AS
SELECT %(first)s + row_number() OVER (ORDER BY p.id) - 1 AS id,
       row_number() OVER (ORDER BY p.id) - 1 AS j,
       p.id AS partner_id, p.partner_kind AS kind, p.partner_manager_id
  FROM res_partner p
 WHERE p.is_channel_partner AND p.id != %(template_partner)s""",
            first=first_agreement,
            template_partner=first_id,
        )
    )
    cr.execute(
        SQL(
            """
INSERT INTO channel_partner_agreement (%(columns)s)
SELECT a.id,
       %(prefix)s || lpad((%(number)s + a.j)::text,
                          greatest(%(padding)s, length((%(number)s + a.j)::text)),
                          '0'),
       a.partner_id, a.partner_manager_id, b.basis,
       %(commitment)s, t.create_date, t.write_date, %(copied)s
  FROM bench_cp_agreement a
  JOIN (VALUES %(bases)s) b(kind, basis) ON b.kind = a.kind
 CROSS JOIN (SELECT * FROM channel_partner_agreement WHERE id = %(template)s) t
 ORDER BY a.id""",
            columns=SQL(", ").join(
                SQL.identifier(c) for c in AGREEMENT_VARYING + tuple(copied)
            ),
            prefix=prefix,
            number=number,
            padding=sequence.padding,
            commitment=_money(40_000, scale),
            copied=SQL(", ").join(SQL.identifier("t", c) for c in copied),
            bases=bases,
            template=template.id,
        )
    )
    steps = SQL(", ").join(
        SQL("(%s, %s, %s, %s)", kind, i + 1, _money(volume, scale), rate)
        for kind, scale_steps in SCALES.items()
        for i, (volume, rate) in enumerate(scale_steps)
    )
    cr.execute(
        SQL(
            """
INSERT INTO channel_partner_agreement_rebate
       (agreement_id, sequence, amount_from, rate, create_uid, create_date,
        write_uid, write_date)
SELECT a.id, s.sequence, s.amount_from, s.rate, %(uid)s, now() AT TIME ZONE 'UTC',
       %(uid)s, now() AT TIME ZONE 'UTC'
  FROM bench_cp_agreement a
  JOIN (VALUES %(steps)s) s(kind, sequence, amount_from, rate) ON s.kind = a.kind
 ORDER BY a.id, s.sequence""",
            steps=steps,
            uid=env.uid,
        )
    )
    # product categories: CATEGORY_SHARE of the agreements, 1 to 3 of the bench
    # categories, or "All" for one in ten of them
    categories = env["product.category"].search(
        [("name", "=like", "Bench Category%")], order="name"
    )
    root = env.ref("product.product_category_all")
    cr.execute(SQL("SELECT setseed(%s)", PARTNER_SEED))
    cr.execute(
        SQL(
            """
WITH drawn AS (
    SELECT a.id, random() AS r, random() AS r_first, random() AS r_count
      FROM channel_partner_agreement a
     WHERE a.partner_id IN (SELECT id FROM res_partner WHERE is_channel_partner)
     ORDER BY a.id
),
restricted AS (
    SELECT d.id, d.r_first, 1 + floor(d.r_count * 3)::int AS n,
           d.r < %(share)s / 10.0 AS everything
      FROM drawn d WHERE d.r < %(share)s
)
INSERT INTO channel_partner_agreement_product_category_rel
       (channel_partner_agreement_id, product_category_id)
SELECT r.id, %(root)s FROM restricted r WHERE r.everything
UNION ALL
SELECT r.id, (%(categs)s::int[])[
           1 + mod(floor(r.r_first * %(categ_count)s)::int + i, %(categ_count)s)]
  FROM restricted r CROSS JOIN LATERAL generate_series(0, r.n - 1) i
 WHERE NOT r.everything""",
            share=CATEGORY_SHARE,
            root=root.id,
            categs=categories.ids,
            categ_count=len(categories),
        )
    )
    cr.execute(
        SQL(
            """SELECT count(DISTINCT channel_partner_agreement_id)
                 FROM channel_partner_agreement_product_category_rel"""
        )
    )
    restricted = cr.fetchone()[0]
    sequence.sudo().write({"number_next": number + count})
    env.invalidate_all()
    return count + 1, restricted


# ---------------------------------------------------------------- invoices
def _template_invoice(env, partner, term):
    """One order to a distributor, confirmed, invoiced and posted through the
    ORM: the columns the generated invoices and their lines copy."""
    product = env["product.product"].search(
        [("default_code", "=like", "BP%")], order="default_code", limit=1
    )
    user = env["res.users"].search([("login", "=like", "bench.sales%")], limit=1)
    pricelist = env["product.pricelist"].search(
        [("name", "=", "Bench Pricelist")], limit=1
    )
    order = (
        env["sale.order"]
        .with_context(**QUIET)
        .create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": user.sale_team_id.id,
                "pricelist_id": pricelist.id,
                "payment_term_id": term.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
    )
    order.action_confirm()
    move = order.with_context(**QUIET)._create_invoices()
    move.invoice_date = fields.Date.context_today(env.user)
    move.action_post()
    env.flush_all()
    lines = {line.display_type: line for line in move.line_ids}
    if (
        move.state != "posted"
        or move.move_type != "out_invoice"
        or set(lines) != {"product", "tax", "payment_term"}
        or len(move.line_ids) != 3
        or move.invoice_payment_term_id != term
        or move.currency_id != env.company.currency_id
    ):
        raise RuntimeError("unexpected template invoice")
    year = str(move.invoice_date.year)
    if not move.sequence_prefix.endswith(f"{year}/"):
        raise RuntimeError(f"unexpected invoice sequence {move.sequence_prefix!r}")
    return order, move, lines


def generate_invoices(env, term):
    """The distributors' orders invoiced by SQL: one posted invoice per order,
    dated the order's day (in the company's time zone), due INVOICE_DUE_DAYS
    later, unpaid; one product line per order line, one tax line, one
    receivable line, copied from an invoice made by the ORM (then deleted);
    numbers following the journal's yearly sequence. The order lines become
    invoiced. Returns (invoices, invoice lines)."""
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT id FROM res_partner
                WHERE is_channel_partner AND partner_kind = 'distributor'
                ORDER BY id LIMIT 1"""
        )
    )
    partner = env["res.partner"].browse(cr.fetchone()[0])
    order, template, lines = _template_invoice(env, partner, term)
    head = template.sequence_prefix[: -len(f"{template.invoice_date.year}/")]
    padding = len(template.name) - len(template.sequence_prefix)
    due_days = (template.invoice_date_due - template.invoice_date).days
    # the template's rows are kept aside, then the template order and invoice
    # go (so that the generated invoices take the first numbers)
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_template_move ON COMMIT DROP AS
SELECT * FROM account_move WHERE id = %(move)s;
CREATE TEMPORARY TABLE bench_cp_template_line ON COMMIT DROP AS
SELECT * FROM account_move_line WHERE move_id = %(move)s;
CREATE TEMPORARY TABLE bench_cp_template_rel ON COMMIT DROP AS
SELECT l.display_type, 'account_move_line_account_tax_rel' AS rel,
       r.account_tax_id AS target
  FROM account_move_line l
  JOIN account_move_line_account_tax_rel r ON r.account_move_line_id = l.id
 WHERE l.move_id = %(move)s
UNION ALL
SELECT l.display_type, 'account_account_tag_account_move_line_rel',
       r.account_account_tag_id
  FROM account_move_line l
  JOIN account_account_tag_account_move_line_rel r ON r.account_move_line_id = l.id
 WHERE l.move_id = %(move)s;
DELETE FROM mail_followers
 WHERE (res_model = 'sale.order' AND res_id = %(order)s)
    OR (res_model = 'account.move' AND res_id = %(move)s);
DELETE FROM mail_message
 WHERE (model = 'sale.order' AND res_id = %(order)s)
    OR (model = 'account.move' AND res_id = %(move)s);
DELETE FROM account_move WHERE id = %(move)s;
DELETE FROM sale_order WHERE id = %(order)s""",
            order=order.id,
            move=template.id,
        )
    )
    template_lines = {kind: line.id for kind, line in lines.items()}
    env.invalidate_all()
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_invoice ON COMMIT DROP AS
WITH invoiced AS (
    SELECT s.id AS order_id, s.name AS origin, s.partner_id, s.user_id, s.team_id,
           s.territory_id, s.channel_id, s.channel_partner_id, s.date_order,
           (s.date_order AT TIME ZONE 'UTC'
                         AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS day,
           s.amount_untaxed, s.amount_tax, s.amount_total, p.name AS partner_name
      FROM sale_order s
      JOIN res_partner p ON p.id = s.partner_id
      JOIN res_company c ON c.id = s.company_id
      JOIN res_partner cp ON cp.id = c.partner_id
     WHERE s.state = 'sale' AND p.is_channel_partner
       AND p.partner_kind = 'distributor'
)
SELECT i.*, row_number() OVER (ORDER BY i.day, i.order_id) AS j,
       row_number() OVER (PARTITION BY extract(year FROM i.day)
                          ORDER BY i.day, i.order_id) AS number,
       %(head)s || extract(year FROM i.day)::text || '/' AS prefix
  FROM invoiced i""",
            head=head,
        )
    )
    invoice_count = cr.rowcount
    if not invoice_count:
        return 0, 0
    first_move = generate._next_ids(cr, "account_move", invoice_count)
    cr.execute(
        SQL(
            """ALTER TABLE bench_cp_invoice
                 ADD COLUMN id int, ADD COLUMN name varchar, ADD COLUMN due date;
               UPDATE bench_cp_invoice
                  SET id = %(first)s + j - 1,
                      name = prefix || lpad(number::text,
                                            greatest(%(padding)s,
                                                     length(number::text)), '0'),
                      due = day + %(due_days)s;
               CREATE UNIQUE INDEX ON bench_cp_invoice (order_id);
               ANALYZE bench_cp_invoice""",
            first=first_move,
            padding=padding,
            due_days=due_days,
        )
    )
    copied = [
        c for c in generate.table_columns(cr, "account_move") if c not in MOVE_VARYING
    ]
    cr.execute(
        SQL(
            """
INSERT INTO account_move (%(columns)s)
SELECT i.id, i.name, i.prefix, i.number, i.name, i.partner_id, i.partner_id,
       i.partner_id, i.partner_name, i.origin, i.day, i.day, i.due,
       i.amount_untaxed, i.amount_tax, i.amount_total, i.amount_total,
       i.amount_untaxed, i.amount_untaxed, i.amount_tax, i.amount_total,
       i.amount_total, i.amount_total, i.user_id, i.team_id, i.territory_id,
       i.channel_id, i.channel_partner_id, i.date_order, i.date_order, %(copied)s
  FROM bench_cp_invoice i
 CROSS JOIN bench_cp_template_move t
 ORDER BY i.id""",
            columns=SQL(", ").join(
                SQL.identifier(c) for c in MOVE_VARYING + tuple(copied)
            ),
            copied=SQL(", ").join(SQL.identifier("t", c) for c in copied),
        )
    )
    cr.execute(
        SQL(
            """SELECT count(*) FROM sale_order_line l
                 JOIN bench_cp_invoice i ON i.order_id = l.order_id
                WHERE l.display_type IS NULL"""
        )
    )
    line_count = cr.rowcount and cr.fetchone()[0]
    first_line = generate._next_ids(
        cr, "account_move_line", line_count + 2 * invoice_count
    )
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_cp_invoice_line ON COMMIT DROP AS
SELECT %(first)s + row_number() OVER (ORDER BY i.j, l.id) - 1 AS id,
       l.id AS sale_line_id, i.id AS move_id, i.name AS move_name, i.partner_id,
       l.product_id, l.product_uom, l.name, i.day, l.product_uom_qty,
       l.price_unit, l.price_subtotal, l.price_total, i.date_order
  FROM bench_cp_invoice i
  JOIN sale_order_line l ON l.order_id = i.order_id AND l.display_type IS NULL""",
            first=first_line,
        )
    )
    columns = SQL(", ").join(SQL.identifier(c) for c in MOVE_LINE_VARYING)
    line_copied = [
        c
        for c in generate.table_columns(cr, "account_move_line")
        if c not in MOVE_LINE_VARYING
    ]
    copied_columns = SQL(", ").join(SQL.identifier(c) for c in line_copied)
    copied_values = SQL(", ").join(SQL.identifier("t", c) for c in line_copied)
    # product lines (income: credit)
    cr.execute(
        SQL(
            """
INSERT INTO account_move_line (%(columns)s, %(copied_columns)s)
SELECT x.id, x.move_id, x.move_name, x.partner_id, x.product_id, x.product_uom,
       x.name, x.day, x.day, NULL, x.product_uom_qty, x.price_unit,
       x.price_subtotal, x.price_total, -x.price_subtotal, 0, x.price_subtotal,
       -x.price_subtotal, 0, 0, NULL, x.date_order, x.date_order, %(copied)s
  FROM bench_cp_invoice_line x
 CROSS JOIN (SELECT * FROM bench_cp_template_line WHERE id = %(template)s) t
 ORDER BY x.id""",
            columns=columns,
            copied_columns=copied_columns,
            copied=copied_values,
            template=template_lines["product"],
        )
    )
    # tax lines, then receivable lines
    cr.execute(
        SQL(
            """
INSERT INTO account_move_line (%(columns)s, %(copied_columns)s)
SELECT %(first)s + i.j - 1, i.id, i.name, i.partner_id, NULL, NULL, t.name, i.day,
       i.day, NULL, 0, 0, 0, 0, -i.amount_tax, 0, i.amount_tax, -i.amount_tax, 0, 0,
       i.amount_untaxed, i.date_order, i.date_order, %(copied)s
  FROM bench_cp_invoice i
 CROSS JOIN (SELECT * FROM bench_cp_template_line WHERE id = %(template)s) t
 ORDER BY i.id""",
            columns=columns,
            copied_columns=copied_columns,
            copied=copied_values,
            first=first_line + line_count,
            template=template_lines["tax"],
        )
    )
    cr.execute(
        SQL(
            """
INSERT INTO account_move_line (%(columns)s, %(copied_columns)s)
SELECT %(first)s + i.j - 1, i.id, i.name, i.partner_id, NULL, NULL, i.name, i.day,
       i.day, i.due, 0, 0, 0, 0, i.amount_total, i.amount_total, 0, i.amount_total,
       i.amount_total, i.amount_total, NULL, i.date_order, i.date_order, %(copied)s
  FROM bench_cp_invoice i
 CROSS JOIN (SELECT * FROM bench_cp_template_line WHERE id = %(template)s) t
 ORDER BY i.id""",
            columns=columns,
            copied_columns=copied_columns,
            copied=copied_values,
            first=first_line + line_count + invoice_count,
            template=template_lines["payment_term"],
        )
    )
    # relations of the template's lines (taxes, tags), the order lines' links
    for rel, column in (
        ("account_move_line_account_tax_rel", "account_tax_id"),
        ("account_account_tag_account_move_line_rel", "account_account_tag_id"),
    ):
        cr.execute(
            SQL(
                """
INSERT INTO %(table)s (account_move_line_id, %(column)s)
SELECT l.id, r.target
  FROM account_move_line l
  JOIN bench_cp_template_rel r ON r.display_type = l.display_type AND r.rel = %(rel)s
 WHERE l.move_id >= %(first)s AND l.move_id < %(end)s""",
                table=SQL.identifier(rel),
                rel=rel,
                column=SQL.identifier(column),
                first=first_move,
                end=first_move + invoice_count,
            )
        )
    cr.execute(
        SQL(
            """
INSERT INTO sale_order_line_invoice_rel (order_line_id, invoice_line_id)
SELECT sale_line_id, id FROM bench_cp_invoice_line;
UPDATE sale_order_line l
   SET qty_invoiced = l.product_uom_qty, qty_to_invoice = 0,
       untaxed_amount_invoiced = l.price_subtotal, untaxed_amount_to_invoice = 0,
       invoice_status = 'invoiced'
  FROM bench_cp_invoice_line x WHERE x.sale_line_id = l.id;
UPDATE sale_order s SET invoice_status = 'invoiced'
  FROM bench_cp_invoice i WHERE i.order_id = s.id"""
        )
    )
    env.invalidate_all()
    return invoice_count, line_count


def check_invoices(env, count=20):
    """Every generated invoice balanced (SQL); ``count`` of them, evenly
    spread, recomputed by the ORM in a savepoint rolled back: amounts, due
    date, payment state, lines, the invoiced quantities of their orders, and
    the tax totals recomputed from the product lines. Returns the
    differences as strings."""
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    problems = []
    cr.execute(
        SQL(
            """SELECT m.name, sum(l.balance), sum(l.debit), sum(l.credit)
                 FROM account_move m JOIN account_move_line l ON l.move_id = m.id
                WHERE m.move_type = 'out_invoice'
                GROUP BY m.id, m.name
               HAVING sum(l.balance) != 0 OR sum(l.debit) != sum(l.credit)
                LIMIT 10"""
        )
    )
    problems += [f"{row[0]}: unbalanced {row[1:]}" for row in cr.fetchall()]
    cr.execute(
        SQL(
            """SELECT id FROM account_move
                WHERE move_type = 'out_invoice' AND state = 'posted' ORDER BY id"""
        )
    )
    all_ids = [i for (i,) in cr.fetchall()]
    if not all_ids:
        return ["no invoice generated"]
    moves = (
        env["account.move"]
        .with_context(**QUIET)
        .browse(all_ids[:: max(1, len(all_ids) // count)][:count])
    )
    lines = moves.line_ids
    sale_lines = moves.invoice_line_ids.sale_line_ids

    def values(records, fnames):
        return {(r._name, r.id, fname): r[fname] for r in records for fname in fnames}

    stored = (
        values(moves, CHECK_MOVE_FIELDS)
        | values(lines, CHECK_MOVE_LINE_FIELDS)
        | values(sale_lines, CHECK_ORDER_LINE_FIELDS)
    )
    taxes = {move.id: move.amount_tax for move in moves}
    cr.execute(SQL("SAVEPOINT bench_invoice_check"))
    try:
        env.invalidate_all()
        computed = {}
        for records, fnames in (
            (lines, CHECK_MOVE_LINE_FIELDS),
            (moves, CHECK_MOVE_FIELDS),
            (sale_lines, CHECK_ORDER_LINE_FIELDS),
        ):
            for fname in fnames:
                env.add_to_compute(records._fields[fname], records)
            computed |= values(records, fnames)
        totals = {move.id: move.tax_totals["tax_amount_currency"] for move in moves}
        env.flush_all()
    finally:
        cr.execute(SQL("ROLLBACK TO SAVEPOINT bench_invoice_check"))
        env.transaction.tocompute.clear()
        env.invalidate_all(flush=False)
    for key, value in computed.items():
        old = stored[key]
        same = abs(value - old) < 1e-6 if isinstance(value, float) else value == old
        if not same:
            problems.append(f"{key[0]}({key[1]}).{key[2]}: {old!r} != ORM {value!r}")
    for move_id, tax in taxes.items():
        if abs(totals[move_id] - tax) > 1e-6:
            problems.append(f"account.move({move_id}) tax {tax} != tax totals")
    return problems


def generate_data(env, scale):
    """The data of ``targets`` without its territory targets, then the
    tiers, partners, their orders, agreements and invoices; returns the phase
    timings."""
    cr = env.cr
    phases = targets_bench.generate_sales(env, scale)

    t = time.perf_counter()
    tiers = create_tiers(env, scale)
    kinds = create_partners(env)
    term = env.ref("account.account_payment_term_30days")
    spread = spread_orders(env, term)
    tier_counts = assign_tiers(env, tiers)
    cr.commit()
    phases["partners"] = time.perf_counter() - t
    log(
        f"partners: {sum(kinds.values())} ({kinds}) in {len(tiers)} tiers "
        f"{tier_counts}; orders {spread} in {phases['partners']:.1f} s (SQL)"
    )

    t = time.perf_counter()
    agreements, restricted = create_agreements(env, scale)
    cr.commit()
    phases["agreements"] = time.perf_counter() - t
    log(
        f"agreements: {agreements} active ({restricted} restricted to product "
        f"categories) in {phases['agreements']:.1f} s (SQL from an ORM template)"
    )

    t = time.perf_counter()
    invoices, invoice_lines = generate_invoices(env, term)
    cr.commit()
    phases["invoices"] = time.perf_counter() - t
    log(
        f"invoices: {invoices} posted ({invoice_lines} product lines) for the "
        f"distributors' orders in {phases['invoices']:.1f} s (SQL from an ORM "
        "template)"
    )

    t = time.perf_counter()
    problems = check_invoices(env)
    phases["invoices_orm_check"] = time.perf_counter() - t
    log(f"ORM recomputation of generated invoices: {len(problems)} differences")
    if problems:
        for problem in problems[:50]:
            log(f"  {problem}")
        raise RuntimeError("generated invoices differ from what the ORM computes")
    return phases


# ---------------------------------------------------------------- settlement
def rebate_baseline_sql(date_from, date_to):
    """Hand-written: volume, rate and amount of every agreement covering the
    period, in one query. Volume: the ordered (confirmed order lines dated in
    the period, company's time zone) or invoiced (product lines of posted
    customer invoices and credit notes, rebate documents excluded) untaxed
    amount in company currency whose channel partner (the document's, else its
    customer when a channel partner) is the agreement's partner, in its
    product categories (with sub-categories) if it has some. Rate: the last
    step of the scale (sequence, volume, id) that the volume reaches.
    Amount: volume x rate, to the cent."""
    return SQL(
        """
WITH agreement AS (
    SELECT a.id, a.partner_id, a.company_id,
           CASE a.volume_basis WHEN 'ordered' THEN 'order' ELSE 'invoice' END
               AS source,
           (SELECT array_agg(DISTINCT d.id)
              FROM channel_partner_agreement_product_category_rel rel
              JOIN product_category root ON root.id = rel.product_category_id
              JOIN product_category d
                ON starts_with(d.parent_path, root.parent_path)
             WHERE rel.channel_partner_agreement_id = a.id) AS categ_ids
      FROM channel_partner_agreement a
     WHERE a.state IN ('active', 'expired')
       AND a.date_start <= %(to)s AND a.date_end >= %(from)s
),
ordered AS (
    SELECT COALESCE(s.channel_partner_id,
                    CASE WHEN p.is_channel_partner
                         THEN p.commercial_partner_id END) AS partner_id,
           s.company_id, pt.categ_id,
           sum(l.price_subtotal / CASE COALESCE(s.currency_rate, 0)
                                  WHEN 0 THEN 1.0 ELSE s.currency_rate END) AS amount
      FROM sale_order_line l
      JOIN sale_order s ON s.id = l.order_id
      JOIN res_partner p ON p.id = s.partner_id
      JOIN res_company c ON c.id = s.company_id
      JOIN res_partner cp ON cp.id = c.partner_id
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE s.state = 'sale' AND l.display_type IS NULL
       AND (s.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
           BETWEEN %(from)s AND %(to)s
     GROUP BY 1, 2, 3
),
invoiced AS (
    SELECT COALESCE(m.channel_partner_id,
                    CASE WHEN cpx.is_channel_partner THEN cpx.id END) AS partner_id,
           m.company_id, pt.categ_id, sum(-aml.balance) AS amount
      FROM account_move_line aml
      JOIN account_move m ON m.id = aml.move_id
      JOIN res_partner cpx ON cpx.id = m.commercial_partner_id
      JOIN product_product pp ON pp.id = aml.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE m.state = 'posted' AND aml.display_type = 'product'
       AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
       AND m.invoice_date BETWEEN %(from)s AND %(to)s
       AND NOT EXISTS (SELECT 1 FROM channel_partner_rebate x
                        WHERE x.move_id = m.id)
     GROUP BY 1, 2, 3
),
facts AS (
    SELECT 'order' AS source, * FROM ordered
    UNION ALL
    SELECT 'invoice', * FROM invoiced
),
volume AS (
    SELECT a.id, COALESCE(sum(f.amount), 0) AS volume
      FROM agreement a
      LEFT JOIN facts f
        ON f.partner_id = a.partner_id AND f.company_id = a.company_id
       AND f.source = a.source
       AND (a.categ_ids IS NULL OR f.categ_id = ANY(a.categ_ids))
     GROUP BY a.id
),
rated AS (
    SELECT v.id, v.volume,
           COALESCE((SELECT r.rate FROM channel_partner_agreement_rebate r
                      WHERE r.agreement_id = v.id AND r.amount_from <= v.volume
                      ORDER BY r.sequence DESC, r.amount_from DESC, r.id DESC
                      LIMIT 1), 0) AS rate
      FROM volume v
)
SELECT id, volume::float8, rate, round(volume * rate::numeric / 100, 2)::float8
  FROM rated ORDER BY id""",
        **{"from": date_from, "to": date_to},
    )


def reset_settlements(env, date_from, date_to):
    """The accrued settlements of the period go (not timed), committed."""
    cr = env.cr
    cr.execute(
        SQL(
            """DELETE FROM channel_partner_rebate
                WHERE date_from >= %s AND date_to <= %s AND state = 'draft'""",
            date_from,
            date_to,
        )
    )
    cr.commit()
    env.invalidate_all()


def measure_settlement(env, agreement_ids, day, date_from, date_to):
    """WARMUP + RUNS of the baseline and of the product, alternated; each
    product run starts without settlements of the period. Returns the
    medians, the timings, the baseline rows."""
    cr = env.cr
    Rebate = env["channel.partner.rebate"]
    Agreement = env["channel.partner.agreement"]
    times = {"baseline": [], "product": []}
    rows = None
    for _i in range(WARMUP + RUNS):
        env.invalidate_all()
        t = time.perf_counter()
        cr.execute(rebate_baseline_sql(date_from, date_to))
        rows = cr.fetchall()
        times["baseline"].append(time.perf_counter() - t)

        reset_settlements(env, date_from, date_to)
        t = time.perf_counter()
        Rebate._generate(Agreement.browse(agreement_ids), day)
        env.flush_all()
        times["product"].append(time.perf_counter() - t)
        cr.commit()
    return (
        statistics.median(times["baseline"][WARMUP:]),
        statistics.median(times["product"][WARMUP:]),
        times,
        rows,
    )


def check_settlements(env, baseline_rows, date_from, date_to):
    """Every agreement's settlement of the period against the hand-written
    SQL: one per agreement, its dates, volume, rate and amount."""
    cr = env.cr
    env.invalidate_all()
    cr.execute(
        SQL(
            """SELECT agreement_id, date_from, date_to, volume::float8, rate,
                      amount::float8, state
                 FROM channel_partner_rebate
                WHERE date_from >= %s AND date_to <= %s AND state != 'cancel'""",
            date_from,
            date_to,
        )
    )
    got = {}
    problems = 0
    for agreement_id, *values in cr.fetchall():
        if agreement_id in got:
            log(f"  MISMATCH agreement {agreement_id}: two settlements")
            problems += 1
        got[agreement_id] = values
    expected = {row[0]: row[1:] for row in baseline_rows}
    missing = expected.keys() - got.keys()
    extra = got.keys() - expected.keys()
    if missing or extra:
        problems += len(missing) + len(extra)
        log(
            f"  MISMATCH settlements: {len(missing)} agreements without, "
            f"{len(extra)} unexpected, e.g. {sorted(missing | extra)[:5]}"
        )
    mismatches = []
    for agreement_id in sorted(expected.keys() & got.keys()):
        volume, rate, amount = expected[agreement_id]
        first, last, s_volume, s_rate, s_amount, state = got[agreement_id]
        if (
            (first, last) != (date_from, date_to)
            or state != "draft"
            or abs(s_volume - volume) > TOLERANCE
            or abs(s_rate - rate) > 1e-9
            or abs(s_amount - amount) > TOLERANCE
        ):
            mismatches.append(
                (
                    agreement_id,
                    (first, last, s_volume, s_rate, s_amount, state),
                    (volume, rate, amount),
                )
            )
    for agreement_id, value, wanted in mismatches[:20]:
        log(f"  MISMATCH agreement {agreement_id}: settlement {value}, SQL {wanted}")
    problems += len(mismatches)
    totals = {
        "volume": (
            sum(v[2] for v in got.values()),
            sum(r[0] for r in expected.values()),
        ),
        "amount": (
            sum(v[4] for v in got.values()),
            sum(r[2] for r in expected.values()),
        ),
    }
    for name, (mine, wanted) in totals.items():
        ok = abs(mine - wanted) <= TOLERANCE
        problems += not ok
        log(
            f"check: settlements {name} total {mine:,.2f} vs hand-written SQL "
            f"{wanted:,.2f}{'' if ok else '  MISMATCH'}"
        )
    rated = sum(1 for r in expected.values() if r[1])
    log(
        f"check: {len(got)} settlements for {len(expected)} agreements, "
        f"{len(mismatches)} differ (volume, rate, amount); {rated} reach a step"
    )
    if not totals["amount"][1]:
        log("  MISMATCH: no rebate to compare, the data set is empty")
        problems += 1
    return problems


# ---------------------------------------------------------------- review
def reset_reviews(env):
    env.cr.execute(SQL("DELETE FROM channel_partner_tier_review"))
    env.cr.commit()
    env.invalidate_all()


def measure_review(env, partner_ids):
    """WARMUP + RUNS of the baseline and of the product, alternated; each
    product run starts without proposals. Returns the medians, the timings,
    the baseline revenue."""
    cr = env.cr
    Review = env["channel.partner.tier.review"]
    start, today = review_window(env)
    times = {"baseline": [], "product": []}
    revenue = None
    for _i in range(WARMUP + RUNS):
        env.invalidate_all()
        t = time.perf_counter()
        cr.execute(_revenue_sql(start, today))
        revenue = dict(cr.fetchall())
        times["baseline"].append(time.perf_counter() - t)

        reset_reviews(env)
        t = time.perf_counter()
        Review._propose(env["res.partner"].browse(partner_ids))
        env.flush_all()
        times["product"].append(time.perf_counter() - t)
        cr.commit()
    return (
        statistics.median(times["baseline"][WARMUP:]),
        statistics.median(times["product"][WARMUP:]),
        times,
        revenue,
    )


def _punctuality(env, start, today):
    """Hand-written: share (%) of each partner's customer invoices of the
    trailing months, due by today, that were paid by their due date."""
    cr = env.cr
    cr.execute(
        SQL(
            """
SELECT m.commercial_partner_id,
       100.0 * count(*) FILTER (
           WHERE m.payment_state IN ('paid', 'in_payment', 'reversed')
             AND (SELECT max(apr.max_date)
                    FROM account_move_line aml
                    JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                   WHERE aml.move_id = m.id AND aml.display_type = 'payment_term')
                 <= m.invoice_date_due) / count(*)
  FROM account_move m
  JOIN res_partner p ON p.id = m.commercial_partner_id
 WHERE m.state = 'posted' AND m.move_type = 'out_invoice' AND p.is_channel_partner
   AND m.invoice_date >= %s AND m.invoice_date_due <= %s
 GROUP BY 1""",
            start,
            today,
        )
    )
    return {pid: float(value) for pid, value in cr.fetchall()}


def check_reviews(env, revenue, partner_ids):
    """Each partner's proposal (or its absence) against the hand-written
    revenue: the proposed tier is the highest whose threshold the revenue
    reaches when it is not the current one; a promotion waits for the
    company's punctuality, a demotion is spared by the target achievement
    (no partner target here: never). Returns (problems, counts)."""
    cr = env.cr
    env.invalidate_all()
    company = env.company
    start, today = review_window(env)
    punctuality = _punctuality(env, start, today)
    tiers = (
        env["channel.partner.tier"]
        .search([("company_id", "=", company.id)])
        .sorted(lambda t: (t.sequence, t.id))
    )
    rank = {tier.id: i for i, tier in enumerate(tiers)}
    cr.execute(
        SQL(
            "SELECT id, partner_tier_id FROM res_partner WHERE id = ANY(%s)",
            list(partner_ids),
        )
    )
    current = dict(cr.fetchall())
    expected = {}
    counts = {"promotion": 0, "demotion": 0, "held_by_punctuality": 0, "kept": 0}
    for pid in partner_ids:
        value = revenue.get(pid, 0.0)
        reached = _tier_rank(tiers, value)
        now = current[pid]
        if not reached or reached.id == now:
            counts["kept"] += 1
            continue
        promotion = now is None or rank[reached.id] > rank.get(now, -1)
        if promotion:
            paid = punctuality.get(pid)
            if paid is not None and paid < company.tier_min_punctuality:
                counts["held_by_punctuality"] += 1
                continue
        expected[pid] = (reached.id, "promotion" if promotion else "demotion", value)
        counts["promotion" if promotion else "demotion"] += 1
    cr.execute(
        SQL(
            """SELECT partner_id, proposed_tier_id, direction, revenue::float8,
                      current_tier_id, state
                 FROM channel_partner_tier_review"""
        )
    )
    got = {}
    problems = 0
    for pid, tier_id, direction, value, now, state in cr.fetchall():
        if pid in got:
            log(f"  MISMATCH partner {pid}: two proposals")
            problems += 1
        got[pid] = (tier_id, direction, value, now, state)
    missing = expected.keys() - got.keys()
    extra = got.keys() - expected.keys()
    if missing or extra:
        problems += len(missing) + len(extra)
        log(
            f"  MISMATCH proposals: {len(missing)} missing, {len(extra)} "
            f"unexpected, e.g. {sorted(missing)[:5]} / {sorted(extra)[:5]}"
        )
    mismatches = []
    for pid in sorted(expected.keys() & got.keys()):
        tier_id, direction, value = expected[pid]
        g_tier, g_direction, g_value, g_now, state = got[pid]
        if (
            g_tier != tier_id
            or g_direction != direction
            or abs(g_value - value) > TOLERANCE
            or g_now != current[pid]
            or state != "proposed"
        ):
            mismatches.append((pid, got[pid], expected[pid]))
    for pid, value, wanted in mismatches[:20]:
        log(f"  MISMATCH partner {pid}: proposal {value}, expected {wanted}")
    problems += len(mismatches)
    log(
        f"check: {len(got)} proposals for {len(partner_ids)} partners "
        f"({len(expected)} expected: {counts}); {len(mismatches)} differ; "
        f"{len(punctuality)} partners with invoices due (punctuality)"
    )
    if not expected:
        log("  MISMATCH: no proposal expected, the data set does not test much")
        problems += 1
    return problems, counts


# ---------------------------------------------------------------- explain
def explain(env, agreement_ids, partner_ids, day, date_from, date_to):
    phases = {}
    Rebate = env["channel.partner.rebate"]
    Agreement = env["channel.partner.agreement"]
    Review = env["channel.partner.tier.review"]
    cr = env.cr

    def settle():
        cr.execute(
            SQL(
                """DELETE FROM channel_partner_rebate
                    WHERE date_from >= %s AND date_to <= %s AND state = 'draft'""",
                date_from,
                date_to,
            )
        )
        Rebate._generate(Agreement.browse(agreement_ids), day)
        env.flush_all()

    def review():
        cr.execute(SQL("DELETE FROM channel_partner_tier_review"))
        Review._propose(env["res.partner"].browse(partner_ids))
        env.flush_all()

    start, today = review_window(env)
    for name, fn in (
        ("settlement", settle),
        (
            "settlement baseline",
            lambda: cr.execute(rebate_baseline_sql(date_from, date_to)),
        ),
        ("review", review),
        ("review baseline", lambda: cr.execute(_revenue_sql(start, today))),
    ):
        t = time.perf_counter()
        channel_scorecard._report_queries(env, name, fn)
        phases[f"explain_{name.replace(' ', '_')}"] = time.perf_counter() - t
    return phases


# ---------------------------------------------------------------- main
def run(env, scale, do_explain=False):
    """Measure; returns the JSON rows, the phase timings and the number of
    problems found by the checks."""
    cr = env.cr
    day, date_from, date_to = settled_quarter(env)
    cr.execute(
        SQL(
            """SELECT (SELECT count(*) FROM sale_order WHERE state = 'sale'),
                      (SELECT count(*) FROM sale_order_line),
                      (SELECT count(*) FROM sale_order
                        WHERE state = 'sale' AND channel_partner_id IS NOT NULL),
                      (SELECT count(*) FROM account_move
                        WHERE move_type = 'out_invoice' AND state = 'posted')"""
        )
    )
    orders, lines, brought, invoices = cr.fetchone()
    cr.execute(
        SQL(
            """SELECT a.id FROM channel_partner_agreement a
                WHERE a.state IN ('active', 'expired')
                  AND a.date_start <= %s AND a.date_end >= %s
                ORDER BY a.id""",
            date_to,
            date_from,
        )
    )
    agreement_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("SELECT id FROM res_partner WHERE is_channel_partner ORDER BY id"))
    partner_ids = [row[0] for row in cr.fetchall()]
    log(
        f"{orders} confirmed orders ({brought} brought by a partner), {lines} "
        f"lines, {invoices} posted invoices; {len(partner_ids)} partners, "
        f"{len(agreement_ids)} agreements; settling {date_from} - {date_to}"
    )
    phases = {}

    baseline, settlement, times, baseline_rows = measure_settlement(
        env, agreement_ids, day, date_from, date_to
    )
    phases["settlement_baseline"] = baseline
    phases["rebate_settlement"] = settlement
    log(
        f"settlement of {len(agreement_ids)} agreements: runs "
        f"{_fmt(times['product'])} s; hand-written SQL {_fmt(times['baseline'])} s "
        "(first is warm-up)"
    )
    problems = check_settlements(env, baseline_rows, date_from, date_to)

    review_baseline, review, times, revenue = measure_review(env, partner_ids)
    phases["review_baseline"] = review_baseline
    phases["tier_review"] = review
    log(
        f"tier review of {len(partner_ids)} partners: runs "
        f"{_fmt(times['product'])} s; hand-written SQL {_fmt(times['baseline'])} s "
        "(first is warm-up)"
    )
    review_problems, counts = check_reviews(env, revenue, partner_ids)
    problems += review_problems

    if do_explain:
        phases.update(explain(env, agreement_ids, partner_ids, day, date_from, date_to))

    keys = ("name", "scale", "seconds", "baseline", "baseline_seconds", "ratio")
    rows = [
        {
            "name": "rebate_settlement",
            "scale": scale,
            "seconds": round(settlement, 3),
            "baseline": "sql_rebate_volumes",
            "baseline_seconds": round(baseline, 3),
            "ratio": round(settlement / baseline, 3),
            "agreements": len(agreement_ids),
            "period": f"{date_from} - {date_to}",
            "goal": f"under {SETTLEMENT_GOAL_SECONDS:g} s",
            "goal_met": settlement < SETTLEMENT_GOAL_SECONDS,
            "note": f"{NOTE}; settlements created and computed (flush included, "
            "commit not)",
        },
        {
            "name": "tier_review",
            "scale": scale,
            "seconds": round(review, 3),
            "baseline": "sql_trailing_revenue",
            "baseline_seconds": round(review_baseline, 3),
            "ratio": round(review / review_baseline, 3),
            "partners": len(partner_ids),
            "proposals": counts["promotion"] + counts["demotion"],
            **counts,
            "goal": f"under {REVIEW_GOAL_SECONDS:g} s",
            "goal_met": review < REVIEW_GOAL_SECONDS,
            "note": f"{NOTE}; proposals created (flush included, commit not)",
        },
    ]
    rows = [{k: row[k] for k in keys} | row for row in rows]
    return rows, phases, problems
