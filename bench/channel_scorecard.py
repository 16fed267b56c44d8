"""Benchmark ``channel_scorecard``: channel scorecards and the confirmation
check of the territory x channel matrix (addon ``sales_channel``).

On the data of ``targets`` (territories, rules, 100,000 assigned customers, N
order lines in about N / 5 confirmed orders over the last 24 months), plus 20
leaf channels in 3 channel groups, the customers and their orders spread over
the channels by SQL, a few hundred won and lost leads, 12 monthly targets per
channel and a territory x channel matrix (each province allows 10 channels and
blocks 2; each capital prefers one):

* ``channel_scorecard``: ``sales.channel.scorecard._build`` of the 24 months
  (20 channels x 24 months) against Odoo's own ``sale.report`` grouped by team
  and month on the same lines (the baseline of ``targets``);
* ``order_confirmation``: 200 fresh quotations (3 lines each) confirmed one by
  one with ``action_confirm()``, the channel logic active, against as many
  equivalent quotations confirmed with the channel logic of ``sales_channel``
  bypassed (patched in this process only), the two interleaved order by order.

Each measure is run once to warm up, then RUNS times; the median is reported.
The scorecards are then checked against hand-written SQL sums.
"""

import contextlib
import statistics
import sys
import time
from unittest import mock

import generate
import targets as targets_bench

from odoo import Command
from odoo.tools import SQL

WARMUP = targets_bench.WARMUP
RUNS = targets_bench.RUNS
TOLERANCE = 0.01
MONTHS = 24
SCORECARD_GOAL_SECONDS = 10.0
CONFIRMATION_GOAL_RATIO = 1.10
QUOTATIONS = 200
QUOTATION_LINES = 3
LOST_LEADS = 300
WON_LEADS = 100
LOST_REASONS = 5
NO_CHANNEL = 0.02  # share of the customers (and their orders) without channel
CHANNEL_SEED = 0.37
ALLOWED_PER_PROVINCE = 10
BLOCKED_PER_PROVINCE = 2
NOTE = f"median of {RUNS} runs after {WARMUP} warm-up, superuser, cache invalidated"

# (group, [(code, name, type, weight)]): 20 leaf channels, 12 of them in
# 3 channel groups. The weight is the channel's share of the customers.
CHANNELS = [
    (
        ("B-ONL", "Online"),
        [
            ("B-WEB", "Web Shop", "ecommerce", 9),
            ("B-TMA", "Tmall", "marketplace", 8),
            ("B-JDC", "JD.com", "marketplace", 7),
            ("B-PDD", "Pinduoduo", "marketplace", 3),
            ("B-DYN", "Douyin Shop", "ecommerce", 4),
        ],
    ),
    (
        ("B-PRT", "Partners"),
        [
            ("B-DNA", "National Distributor", "distributor", 8),
            ("B-DRE", "Regional Distributors", "distributor", 6),
            ("B-AGT", "Agents", "agent", 4),
            ("B-VAR", "Value-Added Resellers", "distributor", 3),
        ],
    ),
    (
        ("B-RET", "Retail"),
        [
            ("B-FLG", "Flagship Stores", "retail", 5),
            ("B-MAL", "Mall Counters", "retail", 4),
            ("B-FRA", "Franchise Stores", "retail", 3),
        ],
    ),
    (
        None,
        [
            ("B-DIR", "Direct Sales", "direct", 7),
            ("B-KAM", "Key Accounts", "key_account", 6),
            ("B-TEL", "Telesales", "telesales", 4),
            ("B-EXP", "Export", "other", 2),
            ("B-GOV", "Government", "direct", 2),
            ("B-EDU", "Education", "direct", 2),
            ("B-OEM", "OEM", "key_account", 1),
            ("B-EMP", "Employee Store", "other", 1),
        ],
    ),
]
VACUUM_TABLES = (
    *targets_bench.VACUUM_TABLES,
    "sales_channel",
    "sales_territory_channel",
    "crm_lead",
    "crm_lost_reason",
)
QUIET = generate.QUIET


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def _fmt(times):
    return ", ".join(f"{t:.3f}" for t in times)


# ---------------------------------------------------------------- data
def create_channels(env):
    """The channel groups and the 20 leaf channels (ORM). Returns the leaves
    with their weights: [(channel, weight)] in the order of CHANNELS."""
    Channel = env["sales.channel"].with_context(**QUIET)
    leaves = []
    sequence = 0
    for group, channels in CHANNELS:
        parent = Channel
        if group:
            sequence += 1
            parent = Channel.create(
                {
                    "code": group[0],
                    "name": group[1],
                    "channel_type": "other",
                    "sequence": sequence,
                }
            )
        records = Channel.create(
            [
                {
                    "code": code,
                    "name": name,
                    "channel_type": channel_type,
                    "parent_id": parent.id,
                    "sequence": sequence + k,
                }
                for k, (code, name, channel_type, _weight) in enumerate(channels)
            ]
        )
        sequence += len(channels)
        leaves += [
            (record, weight)
            for record, (*_x, weight) in zip(records, channels, strict=True)
        ]
    env.flush_all()
    return leaves


def assign_channels(env, leaves):
    """Customers take a channel drawn by the weights (NO_CHANNEL of them
    none), then every order takes its customer's (SQL). Returns the number of
    orders with a channel."""
    cr = env.cr
    total = sum(weight for _channel, weight in leaves)
    bounds, low = [], NO_CHANNEL
    for channel, weight in leaves:
        high = low + (1 - NO_CHANNEL) * weight / total
        bounds.append(SQL("(%s, %s::float8, %s::float8)", channel.id, low, high))
        low = high
    cr.execute(SQL("SELECT setseed(%s)", CHANNEL_SEED))
    cr.execute(
        SQL(
            """
WITH drawn AS (
    SELECT p.id, random() AS r
      FROM res_partner p
     WHERE p.customer_rank > 0 AND p.id = p.commercial_partner_id
     ORDER BY p.id
),
bounds (channel_id, low, high) AS (VALUES %s)
UPDATE res_partner p SET channel_id = b.channel_id
  FROM drawn d JOIN bounds b ON d.r >= b.low AND d.r < b.high
 WHERE p.id = d.id""",
            SQL(", ").join(bounds),
        )
    )
    customers = cr.rowcount
    cr.execute(
        SQL(
            """UPDATE sale_order s SET channel_id = p.channel_id
                 FROM res_partner p
                WHERE p.id = s.partner_id AND p.channel_id IS NOT NULL"""
        )
    )
    orders = cr.rowcount
    env.invalidate_all()
    return customers, orders


def create_policies(env, leaves):
    """Territory x channel matrix (ORM): each province allows
    ALLOWED_PER_PROVINCE channels and blocks BLOCKED_PER_PROVINCE others (a
    window moving along the channels from one province to the next); its
    capital (first city) prefers the first allowed channel. The other
    channels have no policy there (neither allowed nor blocked)."""
    Territory = env["sales.territory"]
    provinces = Territory.search([("level", "=", "province")], order="code")
    channels = [channel for channel, _weight in leaves]
    count = len(channels)
    vals = []
    for p, province in enumerate(provinces):
        for j in range(ALLOWED_PER_PROVINCE + BLOCKED_PER_PROVINCE):
            vals.append(
                {
                    "territory_id": province.id,
                    "channel_id": channels[(p + j) % count].id,
                    "policy": "allowed" if j < ALLOWED_PER_PROVINCE else "blocked",
                }
            )
        capital = Territory.search(
            [("parent_id", "=", province.id)], order="code", limit=1
        )
        vals.append(
            {
                "territory_id": capital.id,
                "channel_id": channels[p % count].id,
                "policy": "preferred",
            }
        )
    policies = env["sales.territory.channel"].with_context(**QUIET).create(vals)
    env.flush_all()
    return policies


def create_leads(env, leaves):
    """LOST_LEADS lost opportunities (LOST_REASONS reasons, unevenly used) and
    WON_LEADS won ones, over the channels (ORM); their closing dates are then
    spread over the last 24 months by SQL."""
    cr = env.cr
    reasons = (
        env["crm.lost.reason"]
        .with_context(**QUIET)
        .create([{"name": f"Bench Reason {k + 1}"} for k in range(LOST_REASONS)])
    )
    users = env["res.users"].search([("login", "=like", "bench.sales%")], order="id")
    channels = [channel for channel, _weight in leaves]
    vals = []
    for k in range(LOST_LEADS + WON_LEADS):
        user = users[k % len(users)]
        vals.append(
            {
                "name": f"Bench Opportunity {k + 1:04d}",
                "type": "opportunity",
                "user_id": user.id,
                "team_id": user.sale_team_id.id,
                "channel_id": channels[(k * 7) % len(channels)].id,
                "expected_revenue": 1000 + (k * 37 % 100) * 100,
            }
        )
    leads = env["crm.lead"].with_context(**QUIET).create(vals)
    lost, won = leads[:LOST_LEADS], leads[LOST_LEADS:]
    for r, reason in enumerate(reasons):
        # reason k is given to about (k + 1) / 15 of the lost leads
        picked = lost.filtered(lambda lead, r=r: (lead.id * 7919) % 15 in _shares(r))
        picked.action_set_lost(lost_reason_id=reason.id)
    won.action_set_won()
    env.flush_all()
    cr.execute(SQL("SELECT setseed(%s)", CHANNEL_SEED))
    cr.execute(
        SQL(
            """UPDATE crm_lead l SET date_closed = d.closed
                 FROM (SELECT id, date_trunc('second', (now() AT TIME ZONE 'UTC')
                                  - interval '1 day' * 700 * random()) AS closed
                         FROM crm_lead WHERE id = ANY(%s) ORDER BY id) d
                WHERE l.id = d.id""",
            leads.ids,
        )
    )
    env.invalidate_all()
    cr.execute(
        SQL(
            """SELECT count(*) FILTER (WHERE NOT active AND probability = 0),
                      count(*) FILTER (WHERE active AND probability = 100),
                      count(*) FILTER (WHERE company_id IS NULL)
                 FROM crm_lead WHERE id = ANY(%s)""",
            leads.ids,
        )
    )
    lost_count, won_count, no_company = cr.fetchone()
    if lost_count != LOST_LEADS or won_count != WON_LEADS or no_company:
        raise RuntimeError(
            f"leads: {lost_count} lost, {won_count} won, {no_company} without company"
        )
    return lost_count, won_count


def _shares(r):
    """Residues of 15 given to reason r: 1, 2, 3, 4 and 5 of them."""
    start = r * (r + 1) // 2
    return set(range(start, start + r + 1))


def create_channel_targets(env, leaves):
    """Monthly "ordered" targets of each leaf channel for the last 12 months
    (ORM), valued at the channel's average monthly sales (+5 % to +16 %),
    then confirmed by SQL (confirming through the ORM refreshes them)."""
    cr = env.cr
    channels = [channel for channel, _weight in leaves]
    cr.execute(
        SQL(
            """SELECT channel_id, sum(amount_untaxed) FROM sale_order
                WHERE state = 'sale' AND channel_id = ANY(%s) GROUP BY 1""",
            [c.id for c in channels],
        )
    )
    sales = dict(cr.fetchall())
    months = generate.HISTORY_DAYS / 365 * 12
    vals = []
    for channel in channels:
        monthly = float(sales.get(channel.id) or 0) / months or 1000.0
        for i, month in enumerate(generate.target_months(env)):
            vals.append(
                {
                    "dimension": "channel",
                    "channel_id": channel.id,
                    "measure": "ordered",
                    "period_type": "month",
                    "date_from": month,
                    "target_value": round(monthly * 1.1 * (0.95 + 0.01 * i), 2),
                }
            )
    targets = env["sales.target"].with_context(**QUIET).create(vals)
    env.flush_all()
    cr.execute(
        SQL(
            "UPDATE sales_target SET state = 'confirmed' WHERE id = ANY(%s)",
            targets.ids,
        )
    )
    env.invalidate_all()
    return targets


def generate_data(env, scale):
    """The data of ``targets`` without its territory targets, then the
    channels, their customers and orders, leads, targets and the matrix;
    returns the phase timings."""
    cr = env.cr
    phases = targets_bench.generate_sales(env, scale)

    t = time.perf_counter()
    leaves = create_channels(env)
    customers, orders = assign_channels(env, leaves)
    cr.commit()
    phases["channels"] = time.perf_counter() - t
    log(
        f"channels: {len(leaves)} leaves in {len(CHANNELS) - 1} groups and at the "
        f"top (ORM); {customers} customers and {orders} orders given a channel "
        f"(SQL) in {phases['channels']:.1f} s"
    )

    t = time.perf_counter()
    lost, won = create_leads(env, leaves)
    cr.commit()
    phases["leads"] = time.perf_counter() - t
    log(
        f"leads: {lost} lost ({LOST_REASONS} reasons), {won} won in "
        f"{phases['leads']:.1f} s (ORM, closing dates by SQL)"
    )

    t = time.perf_counter()
    targets = create_channel_targets(env, leaves)
    cr.commit()
    phases["channel_targets"] = time.perf_counter() - t
    log(
        f"targets: {len(targets)} confirmed ({len(leaves)} channels x "
        f"{generate.TARGET_MONTHS} months) in {phases['channel_targets']:.1f} s (ORM)"
    )

    t = time.perf_counter()
    policies = create_policies(env, leaves)
    cr.commit()
    phases["policies"] = time.perf_counter() - t
    log(
        f"territory x channel: {len(policies)} policies "
        f"({ALLOWED_PER_PROVINCE} allowed, {BLOCKED_PER_PROVINCE} blocked per "
        f"province, 1 preferred per capital) in {phases['policies']:.1f} s (ORM)"
    )
    return phases


# ---------------------------------------------------------------- scorecards
def scorecard_months(env):
    """First days of the last MONTHS months, this one included."""
    from dateutil.relativedelta import relativedelta

    from odoo import fields

    first = fields.Date.context_today(env.user).replace(day=1)
    return [first - relativedelta(months=MONTHS - 1 - i) for i in range(MONTHS)]


def build(env, months):
    return env["sales.channel.scorecard"]._build(months, env.company)


def check_scorecards(env, months, cards):
    """The figures of every leaf channel and month against hand-written SQL:
    revenue (untaxed amount of the confirmed orders whose date, in the
    company's time zone, is in the month), number of orders, lost leads,
    target and actual of the channel targets. Returns the number of
    problems."""
    cr = env.cr
    company = env.company
    last = months[-1].replace(day=28)
    cr.execute(
        SQL(
            """
WITH months AS (
    SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 month')::date
        AS month
),
leaves AS (
    SELECT c.id FROM sales_channel c
     WHERE c.company_id = %(company)s AND c.active
       AND NOT EXISTS (SELECT 1 FROM sales_channel k WHERE k.parent_id = c.id)
),
local_tz AS (
    SELECT COALESCE(cp.tz, 'UTC') AS tz
      FROM res_company co JOIN res_partner cp ON cp.id = co.partner_id
     WHERE co.id = %(company)s
),
sales AS (
    SELECT s.channel_id,
           date_trunc('month', s.date_order AT TIME ZONE 'UTC'
                               AT TIME ZONE (SELECT tz FROM local_tz))::date AS month,
           sum(s.amount_untaxed) AS revenue, count(*) AS orders
      FROM sale_order s
     WHERE s.state = 'sale' AND s.company_id = %(company)s
       AND s.channel_id IS NOT NULL
     GROUP BY 1, 2
),
lost AS (
    SELECT l.channel_id,
           date_trunc('month', l.date_closed AT TIME ZONE 'UTC'
                               AT TIME ZONE (SELECT tz FROM local_tz))::date AS month,
           count(*) AS lost
      FROM crm_lead l
     WHERE NOT l.active AND COALESCE(l.probability, 0) = 0
       AND l.company_id = %(company)s AND l.channel_id IS NOT NULL
     GROUP BY 1, 2
),
goals AS (
    SELECT t.channel_id, t.date_from AS month, sum(t.target_value) AS target
      FROM sales_target t
     WHERE t.dimension = 'channel' AND t.measure = 'ordered'
       AND t.territory_id IS NULL AND t.state != 'draft'
       AND t.company_id = %(company)s AND t.period_type = 'month'
     GROUP BY 1, 2
)
SELECT leaves.id, months.month, COALESCE(sales.revenue, 0)::float8,
       COALESCE(sales.orders, 0), COALESCE(lost.lost, 0), goals.target::float8
  FROM leaves CROSS JOIN months
  LEFT JOIN sales ON sales.channel_id = leaves.id AND sales.month = months.month
  LEFT JOIN lost ON lost.channel_id = leaves.id AND lost.month = months.month
  LEFT JOIN goals ON goals.channel_id = leaves.id AND goals.month = months.month
 ORDER BY 2, 1""",
            first=months[0],
            last=last,
            company=company.id,
        )
    )
    expected = {(row[0], row[1]): row[2:] for row in cr.fetchall()}
    got = {(card.channel_id.id, card.date_from): card for card in cards}
    problems = 0
    missing = expected.keys() - got.keys()
    extra = got.keys() - expected.keys()
    if missing or extra:
        problems += len(missing) + len(extra)
        log(
            f"  MISMATCH scorecards: {len(missing)} (channel, month) missing, "
            f"{len(extra)} unexpected, e.g. {sorted(missing | extra)[:5]}"
        )
    mismatches = {"revenue": [], "order_count": [], "leads_lost": [], "target": []}
    for key in sorted(expected.keys() & got.keys(), key=lambda k: (k[1], k[0])):
        revenue, orders, lost, target = expected[key]
        card = got[key]
        if abs(card.revenue - revenue) > TOLERANCE:
            mismatches["revenue"].append((key, card.revenue, revenue))
        if card.order_count != orders:
            mismatches["order_count"].append((key, card.order_count, orders))
        if card.leads_lost != lost:
            mismatches["leads_lost"].append((key, card.leads_lost, lost))
        if target is not None and (
            abs(card.target_value - target) > TOLERANCE
            or abs(card.target_actual - revenue) > TOLERANCE
        ):
            mismatches["target"].append(
                (key, (card.target_value, card.target_actual), (target, revenue))
            )
    got_total = sum(card.revenue for card in cards)
    want_total = sum(values[0] for values in expected.values())
    log(
        f"check: {len(cards)} scorecards ({len(expected)} expected), revenue "
        f"{got_total:,.2f} vs hand-written SQL {want_total:,.2f} (difference "
        f"{got_total - want_total:.4f})"
    )
    for name, rows in mismatches.items():
        log(f"check: {name}: {len(rows)} mismatches")
        for (channel_id, month), value, wanted in rows[:20]:
            log(
                f"  MISMATCH {name} channel {channel_id} {month:%Y-%m}: scorecard "
                f"{value!r}, SQL {wanted!r}"
            )
        problems += len(rows)
    if not want_total:
        log("  MISMATCH: no revenue to compare, the data set is empty")
        problems += 1
    lost_total = sum(card.leads_lost for card in cards)
    targeted = sum(1 for values in expected.values() if values[3] is not None)
    invoiced = sum(card.invoiced + card.refunded for card in cards)
    log(
        f"check: {lost_total} lost leads and {targeted} channel targets in the "
        f"scorecards; invoiced + refunded {invoiced:,.2f} (no invoice is "
        "generated: the invoices family finds none)"
    )
    ranks_ok = all(
        sorted(c.rank for c in cards if c.date_from == month)[:1] == [1]
        for month in months
    )
    if not ranks_ok:
        log("  MISMATCH: a month has no channel ranked 1")
        problems += 1
    return problems


# ---------------------------------------------------------------- confirmation
def _channel_order_class():
    from odoo.addons.sales_channel.models.sale_order import SaleOrder

    return SaleOrder


@contextlib.contextmanager
def channel_logic_bypassed():
    """The sale.order layer of sales_channel out of the way, in this process
    only: no blocking check (``_blocking_policies`` finds nothing,
    ``_confirmation_error_message`` and ``action_confirm`` go straight to the
    layers below), the channel compute keeps the order's channel, the
    pricelist and payment term computes are those of the layers below."""
    layer = _channel_order_class()

    def _blocking_policies(self):
        return {}

    def _confirmation_error_message(self):
        return super(layer, self)._confirmation_error_message()

    def action_confirm(self):
        return super(layer, self).action_confirm()

    def _compute_channel_id(self):
        for order in self:
            order.channel_id = order.channel_id

    def _compute_pricelist_id(self):
        return super(layer, self)._compute_pricelist_id()

    def _compute_payment_term_id(self):
        return super(layer, self)._compute_payment_term_id()

    patches = [
        mock.patch.object(layer, name, function)
        for name, function in (
            ("_blocking_policies", _blocking_policies),
            ("_confirmation_error_message", _confirmation_error_message),
            ("action_confirm", action_confirm),
            ("_compute_channel_id", _compute_channel_id),
            ("_compute_pricelist_id", _compute_pricelist_id),
            ("_compute_payment_term_id", _compute_payment_term_id),
        )
    ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


def _customers_by_policy(env, policies, count):
    """``count`` customers (evenly spread over the ids) whose channel has one
    of ``policies`` in their territory (own or inherited), by hand-written
    SQL."""
    cr = env.cr
    cr.execute(
        SQL(
            """
WITH effective AS (
    SELECT DISTINCT ON (t.id, r.channel_id) t.id AS territory_id, r.channel_id,
           r.policy
      FROM sales_territory t
      JOIN sales_territory a ON starts_with(t.parent_path, a.parent_path)
      JOIN sales_territory_channel r ON r.territory_id = a.id
     ORDER BY t.id, r.channel_id, a.depth DESC
)
SELECT p.id
  FROM res_partner p
  JOIN effective e
    ON e.territory_id = p.territory_id AND e.channel_id = p.channel_id
 WHERE p.customer_rank > 0 AND p.id = p.commercial_partner_id
   AND e.policy IN %s
 ORDER BY p.id""",
            tuple(policies),
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} customers with a policy in {policies}")
    return ids[:: len(ids) // count][:count]


def create_quotations(env, customer_ids, products, users):
    """One quotation of QUOTATION_LINES lines per customer (ORM, as a user
    would create them; the product's computes give territory, channel and
    pricelist)."""
    vals = []
    for k, partner_id in enumerate(customer_ids):
        vals.append(
            {
                "partner_id": partner_id,
                "user_id": users[k % len(users)].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[(k * 31 + j * 7) % len(products)].id,
                            "product_uom_qty": 1 + (k + j) % 5,
                        }
                    )
                    for j in range(QUOTATION_LINES)
                ],
            }
        )
    orders = env["sale.order"].create(vals)
    env.flush_all()
    return orders


def check_quotations(env, orders):
    """Every quotation has its customer's territory and channel, allowed."""
    problems = []
    for order in orders:
        partner = order.partner_id.commercial_partner_id
        if order.state != "draft" or not order.territory_id:
            problems.append(f"{order.name}: state {order.state}, no territory")
        elif order.channel_id != partner.channel_id or not order.channel_id:
            problems.append(f"{order.name}: channel {order.channel_id.code}")
    if orders._blocking_policies():
        problems.append("some quotations are blocked")
    return problems


def confirm(env, order, bypassed):
    """One confirmation as one request: empty cache, action_confirm, flush
    (timed), commit (not timed). Returns the seconds."""
    env.invalidate_all()
    with channel_logic_bypassed() if bypassed else contextlib.nullcontext():
        t = time.perf_counter()
        order.action_confirm()
        env.flush_all()
        seconds = time.perf_counter() - t
    env.cr.commit()
    return seconds


def check_blocking(env, customer_id, products, users):
    """A quotation in a blocked cell: refused with the channel logic, accepted
    with it bypassed (so that the bypass is real). Both rolled back."""
    from odoo.exceptions import UserError

    cr = env.cr
    results = {}
    for bypassed in (False, True):
        cr.execute(SQL("SAVEPOINT bench_blocked"))
        try:
            order = create_quotations(env, [customer_id], products, users)
            try:
                with channel_logic_bypassed() if bypassed else contextlib.nullcontext():
                    order.action_confirm()
                    env.flush_all()
                results[bypassed] = order.state
            except UserError as error:
                results[bypassed] = f"refused: {str(error).splitlines()[0][:90]}"
        finally:
            cr.execute(SQL("ROLLBACK TO SAVEPOINT bench_blocked"))
            env.invalidate_all(flush=False)
            env.transaction.tocompute.clear()
    log(
        f"check: quotation in a blocked cell: with the channel logic "
        f"{results[False]!r}; bypassed {results[True]!r}"
    )
    return int(not results[False].startswith("refused") or results[True] != "sale")


def measure_confirmations(env):
    """WARMUP + RUNS rounds; each creates QUOTATIONS quotations for the
    product and as many for the bypass (different customers, same shape),
    then confirms them one by one, interleaved: product, bypassed, bypassed,
    product... Returns the medians, the round totals and the problems."""
    cr = env.cr
    products = env["product.product"].search(
        [("default_code", "=like", "BP%")], order="default_code"
    )
    users = env["res.users"].search([("login", "=like", "bench.sales%")], order="id")
    rounds = WARMUP + RUNS
    customer_ids = _customers_by_policy(
        env, ("allowed", "preferred"), 2 * QUOTATIONS * rounds
    )
    problems = 0
    totals = {False: [], True: []}
    create_seconds = 0.0
    for r in range(rounds):
        chunk = customer_ids[2 * QUOTATIONS * r : 2 * QUOTATIONS * (r + 1)]
        t = time.perf_counter()
        orders = {
            False: create_quotations(env, chunk[0::2], products, users),
            True: create_quotations(env, chunk[1::2], products, users),
        }
        cr.commit()
        create_seconds += time.perf_counter() - t
        for variant in orders.values():
            wrong = check_quotations(env, variant)
            if wrong:
                log(f"  MISMATCH quotations: {wrong[:5]}")
                problems += len(wrong)
        spent = {False: 0.0, True: 0.0}
        for i in range(QUOTATIONS):
            pair = (False, True) if i % 2 == 0 else (True, False)
            for bypassed in pair:
                spent[bypassed] += confirm(env, orders[bypassed][i], bypassed)
        for bypassed, seconds in spent.items():
            totals[bypassed].append(seconds)
        env.invalidate_all()
        for bypassed, variant in orders.items():
            states = set(variant.mapped("state"))
            if states != {"sale"}:
                log(f"  MISMATCH confirmations (bypassed={bypassed}): {states}")
                problems += 1
    log(f"quotations: {2 * QUOTATIONS * rounds} created in {create_seconds:.1f} s")
    blocked = _customers_by_policy(env, ("blocked",), 1)[0]
    problems += check_blocking(env, blocked, products, users)
    return (
        statistics.median(totals[False][WARMUP:]),
        statistics.median(totals[True][WARMUP:]),
        totals,
        problems,
    )


# ---------------------------------------------------------------- explain
def _explain_in_place(env, fn, wanted):
    """Run fn, and EXPLAIN (ANALYZE, BUFFERS) the queries whose text is in
    ``wanted`` where they run (in a savepoint rolled back, so that temporary
    tables and earlier statements are there). {code: plan}"""
    cr = env.cr
    original = cr.execute
    plans = {}

    def execute(query, params=None, log_exceptions=True):
        code = query.code if isinstance(query, SQL) else query
        if code in wanted and code not in plans:
            explained = (
                SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query)
                if isinstance(query, SQL)
                else "EXPLAIN (ANALYZE, BUFFERS) " + query
            )
            original("SAVEPOINT bench_explain")
            try:
                original(explained, params)
                plans[code] = "\n".join(line for (line,) in cr.fetchall())
            finally:
                original("ROLLBACK TO SAVEPOINT bench_explain")
        return original(query, params, log_exceptions)

    cr.execute = execute
    try:
        fn()
    finally:
        del cr.execute
    return plans


def _report_queries(env, name, fn, top=3):
    """Queries of fn (rolled back): count, SQL time, the slowest with plans."""
    queries = targets_bench._captured(env, fn)
    env.cr.rollback()
    env.invalidate_all()
    queries.sort(key=lambda q: -q[0])
    log(
        f"{name}: {len(queries)} queries, {sum(q[0] for q in queries):.3f} s in "
        "SQL; slowest: " + ", ".join(f"{q[0]:.3f}" for q in queries[:5])
    )
    slowest = [q for q in queries[:top] if q[0] > 0.01] or queries[:1]
    codes = [q[1].code if isinstance(q[1], SQL) else q[1] for q in slowest]
    plans = _explain_in_place(env, fn, set(codes))
    env.cr.rollback()
    env.invalidate_all()
    for (seconds, _query, _params), code in zip(slowest, codes, strict=True):
        log(f"{name}: query ({seconds:.3f} s):\n{code}")
        log(f"{name}: EXPLAIN ANALYZE:\n{plans.get(code, '(not run again)')}")
    return queries


def explain(env, months):
    phases = {}
    t = time.perf_counter()
    _report_queries(env, "scorecard", lambda: build(env, months))
    _report_queries(
        env, "baseline", lambda: targets_bench.read_group(env, targets_bench.BASELINE)
    )
    phases["explain_scorecard"] = time.perf_counter() - t

    t = time.perf_counter()
    products = env["product.product"].search(
        [("default_code", "=like", "BP%")], order="default_code"
    )
    users = env["res.users"].search([("login", "=like", "bench.sales%")], order="id")
    customers = _customers_by_policy(env, ("allowed", "preferred"), 2)
    counts = {}
    for bypassed, customer in zip((False, True), customers, strict=True):
        order = create_quotations(env, [customer], products, users)
        env.cr.commit()
        env.invalidate_all()

        def run(order=order, bypassed=bypassed):
            with channel_logic_bypassed() if bypassed else contextlib.nullcontext():
                order.action_confirm()
                env.flush_all()

        queries = targets_bench._captured(env, run)
        env.cr.rollback()
        env.invalidate_all()
        counts[bypassed] = queries
    product_codes = [
        q[1].code if isinstance(q[1], SQL) else q[1] for q in counts[False]
    ]
    bypass_codes = {q[1].code if isinstance(q[1], SQL) else q[1] for q in counts[True]}
    log(
        f"confirmation: {len(counts[False])} queries "
        f"({sum(q[0] for q in counts[False]) * 1000:.1f} ms in SQL) with the "
        f"channel logic, {len(counts[True])} "
        f"({sum(q[0] for q in counts[True]) * 1000:.1f} ms) bypassed"
    )
    for (seconds, _query, _params), code in zip(
        counts[False], product_codes, strict=True
    ):
        if code not in bypass_codes:
            log(f"confirmation: only with the channel logic ({seconds * 1000:.2f} ms):")
            log("  " + " ".join(code.split())[:400])
    phases["explain_confirmation"] = time.perf_counter() - t
    return phases


# ---------------------------------------------------------------- main
def run(env, scale, do_explain=False):
    """Measure; returns the JSON rows, the phase timings and the number of
    problems found by the checks."""
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT count(*), count(channel_id) FROM sale_order
                WHERE state = 'sale'"""
        )
    )
    orders, with_channel = cr.fetchone()
    cr.execute(SQL("SELECT count(*) FROM sale_order_line"))
    lines = cr.fetchone()[0]
    leaves = env["sales.channel"].search_count([("child_ids", "=", False)])
    policy_count = env["sales.territory.channel"].search_count([])
    log(
        f"{orders} confirmed orders ({with_channel} with a channel), {lines} lines, "
        f"{leaves} leaf channels, {policy_count} territory x channel policies"
    )
    phases = {}
    months = scorecard_months(env)

    baseline, times, baseline_rows = targets_bench.timed(
        env, lambda: targets_bench.read_group(env, targets_bench.BASELINE)
    )
    phases["baseline_sale_report"] = baseline
    log(
        f"baseline sale.report _read_group: {len(baseline_rows)} groups; "
        f"runs {_fmt(times)} s (first is warm-up)"
    )

    scorecard, times, cards = targets_bench.timed(
        env, lambda: build(env, months), cr.commit
    )
    phases["channel_scorecard"] = scorecard
    log(
        f"scorecards: {len(cards)} ({leaves} channels x {len(months)} months); "
        f"runs {_fmt(times)} s (first is warm-up)"
    )
    env.invalidate_all()
    cards = env["sales.channel.scorecard"].search(
        [("company_id", "=", env.company.id), ("date_from", "in", months)]
    )
    problems = check_scorecards(env, months, cards)

    t = time.perf_counter()
    product, bypassed, totals, confirm_problems = measure_confirmations(env)
    problems += confirm_problems
    phases["confirmation_rounds"] = time.perf_counter() - t
    phases["order_confirmation"] = product
    phases["confirmation_channel_bypassed"] = bypassed
    log(
        f"confirmation of {QUOTATIONS} quotations one by one: with the channel "
        f"logic {_fmt(totals[False])} s, bypassed {_fmt(totals[True])} s "
        "(first round is warm-up); ratio by round "
        + _fmt(a / b for a, b in zip(totals[False], totals[True], strict=True))
    )

    if do_explain:
        phases.update(explain(env, months))

    keys = ("name", "scale", "seconds", "baseline", "baseline_seconds", "ratio")
    rows = [
        {
            "name": "channel_scorecard",
            "scale": scale,
            "seconds": round(scorecard, 3),
            "baseline": "sale_report_read_group",
            "baseline_seconds": round(baseline, 3),
            "ratio": round(scorecard / baseline, 3),
            "channels": leaves,
            "months": len(months),
            "scorecards": len(cards),
            "goal": f"under {SCORECARD_GOAL_SECONDS:g} s",
            "goal_met": scorecard < SCORECARD_GOAL_SECONDS,
            "note": NOTE,
        },
        {
            "name": "order_confirmation",
            "scale": scale,
            "seconds": round(product, 3),
            "baseline": "confirmation_channel_bypassed",
            "baseline_seconds": round(bypassed, 3),
            "ratio": round(product / bypassed, 3),
            "orders": QUOTATIONS,
            "lines_per_order": QUOTATION_LINES,
            "ms_per_order": round(1000 * product / QUOTATIONS, 2),
            "baseline_ms_per_order": round(1000 * bypassed / QUOTATIONS, 2),
            "round_ratios": [
                round(a / b, 3)
                for a, b in zip(totals[False], totals[True], strict=True)
            ][WARMUP:],
            "goal": f"ratio under {CONFIRMATION_GOAL_RATIO:g}",
            "goal_met": product / bypassed < CONFIRMATION_GOAL_RATIO,
            "note": f"{NOTE}; one by one (action_confirm + flush per order, commit "
            "not timed), interleaved with the baseline",
        },
    ]
    rows = [{k: row[k] for k in keys} | row for row in rows]
    return rows, phases, problems
