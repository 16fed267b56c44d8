"""Data of the ``territory_assign`` benchmark.

Territories and rules (about 1,000 each) go through the ORM, so that their
computed fields (``parent_path``, ``complete_name``, ``depth``, ``region_id``,
the rule's ``company_id``) and constraints are the product's own. Customers
(``N`` of them) are written by a few set-based SQL statements: one template
customer is created through the ORM, and every column that the ORM filled in
for it (company, language, ranks, warnings, ``territory_assignment`` ...) is
copied from it; only the identity and the address vary.

Deterministic: the same scale gives the same data (``setseed``).
"""

import csv
import time
from pathlib import Path

from odoo.tools import SQL

ROOT = Path(__file__).resolve().parent.parent
PROVINCES_CSV = Path(__file__).resolve().parent / "cn_provinces.csv"

TERRITORY_COUNT = 1000
CITY_RULE_SEQUENCE = 10
PROVINCE_RULE_SEQUENCE = 10
OVERRIDE_SEQUENCE = 5
SEED = 0.42

# Capital of each province: (Chinese name, pinyin). The first city territory of
# a province is its capital; the others are numbered.
CAPITALS = {
    "BJ": ("北京市", "Beijing"),
    "TJ": ("天津市", "Tianjin"),
    "HE": ("石家庄市", "Shijiazhuang"),
    "SX": ("太原市", "Taiyuan"),
    "NM": ("呼和浩特市", "Hohhot"),
    "LN": ("沈阳市", "Shenyang"),
    "JL": ("长春市", "Changchun"),
    "HL": ("哈尔滨市", "Harbin"),
    "SH": ("上海市", "Shanghai"),
    "JS": ("南京市", "Nanjing"),
    "ZJ": ("杭州市", "Hangzhou"),
    "AH": ("合肥市", "Hefei"),
    "FJ": ("福州市", "Fuzhou"),
    "JX": ("南昌市", "Nanchang"),
    "SD": ("济南市", "Jinan"),
    "HA": ("郑州市", "Zhengzhou"),
    "HB": ("武汉市", "Wuhan"),
    "HN": ("长沙市", "Changsha"),
    "GD": ("广州市", "Guangzhou"),
    "GX": ("南宁市", "Nanning"),
    "HI": ("海口市", "Haikou"),
    "CQ": ("重庆市", "Chongqing"),
    "SC": ("成都市", "Chengdu"),
    "GZ": ("贵阳市", "Guiyang"),
    "YN": ("昆明市", "Kunming"),
    "XZ": ("拉萨市", "Lhasa"),
    "SN": ("西安市", "Xi'an"),
    "GS": ("兰州市", "Lanzhou"),
    "QH": ("西宁市", "Xining"),
    "NX": ("银川市", "Yinchuan"),
    "XJ": ("乌鲁木齐市", "Urumqi"),
}
# City-name rules (priority 5): customers that give the capital as their city
# go to the capital, whatever their zip code says.
CITY_NAME_PROVINCES = ("ZJ", "GD", "SC", "HB")
# Zip-prefix rules of priority 10 that name the same city as the zip range
# rule (a tie on one territory: not a conflict).
PREFIX_SAME_PROVINCES = ("JS", "SD")
# Zip-prefix rules of priority 5 that send part of city 2 to city 3.
PREFIX_OVERRIDE_PROVINCES = ("HE", "YN")

# Shares of the customer mix (cumulative thresholds on one random draw).
FOREIGN = 0.01  # United States addresses: no rule matches them
NO_ZIP = 0.05  # Chinese, no zip: province rule (or city name rule)
CAPITAL_ALIAS = 0.06  # zip anywhere in the province, city = capital in pinyin
FORMATTED_ZIP = 0.065  # zip written "310 012" / "310-012"


def load_provinces():
    """Rows of cn_provinces.csv, with code and bounds as integers."""
    with PROVINCES_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["code"] = row["state_xmlid"].rsplit("_", 1)[1]
        row["lo"] = int(row["zip_from"])
        row["hi"] = int(row["zip_to"])
        row["width"] = len(row["zip_from"])
        row["population"] = float(row["population_m_2020"])
    return rows


def split_range(lo, hi, parts):
    """Consecutive sub-ranges of [lo, hi] of (nearly) equal length."""
    size = hi - lo + 1
    bounds = [lo + (i * size) // parts for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(parts)]


def _log(msg):
    import sys

    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- territories
def create_territories(env, provinces):
    """7 regions, 31 provinces, and cities up to TERRITORY_COUNT.

    Returns {code: {"province": territory, "cities": [(territory, lo, hi)]}}.
    """
    Territory = env["sales.territory"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    regions = {}
    for row in provinces:
        regions.setdefault(row["region_en"], row["region_zh"])
    region_recs = Territory.create(
        [
            {
                "name": name,
                "code": f"CN-R{i + 1}",
                "level": "region",
                "sequence": i + 1,
            }
            for i, name in enumerate(regions)
        ]
    )
    region_by_name = dict(zip(regions, region_recs))
    province_recs = Territory.create(
        [
            {
                "name": row["province"],
                "code": f"CN-{row['code']}",
                "level": "province",
                "parent_id": region_by_name[row["region_en"]].id,
            }
            for row in provinces
        ]
    )
    city_total = TERRITORY_COUNT - len(region_recs) - len(province_recs)
    per_province, extra = divmod(city_total, len(provinces))
    # the extra cities go to the most populous provinces
    by_population = sorted(provinces, key=lambda r: -r["population"])
    extra_codes = {r["code"] for r in by_population[:extra]}
    city_vals, city_keys = [], []
    for row, province in zip(provinces, province_recs):
        count = per_province + (row["code"] in extra_codes)
        ranges = split_range(row["lo"], row["hi"], count)
        capital = CAPITALS[row["code"]][0]
        for k, (lo, hi) in enumerate(ranges, start=1):
            city_vals.append(
                {
                    "name": capital if k == 1 else f"{row['province']}城市{k:02d}",
                    "code": f"CN-{row['code']}-{k:02d}",
                    "level": "city",
                    "parent_id": province.id,
                }
            )
            city_keys.append((row["code"], lo, hi))
    city_recs = Territory.create(city_vals)
    tree = {
        row["code"]: {"province": province, "cities": []}
        for row, province in zip(provinces, province_recs)
    }
    for (code, lo, hi), city in zip(city_keys, city_recs):
        tree[code]["cities"].append((city, lo, hi))
    env.flush_all()
    return tree


# ---------------------------------------------------------------- rules
def _prefix_blocks(lo, hi, width, digits=4):
    """Zip prefixes of ``digits`` characters whose whole block is in [lo, hi]."""
    step = 10 ** (width - digits)
    first = -(-lo // step)  # ceil
    last = (hi + 1) // step - 1
    return [str(b).zfill(digits) for b in range(first, last + 1)]


def create_rules(env, provinces, tree):
    """One rule per province (country + state), one per city (zip range), and
    a few zip-prefix and city-name rules."""
    Rule = env["sales.territory.rule"]
    china = env.ref("base.cn")
    by_code = {row["code"]: row for row in provinces}
    vals = []
    for row in provinces:
        node = tree[row["code"]]
        vals.append(
            {
                "territory_id": node["province"].id,
                "sequence": PROVINCE_RULE_SEQUENCE,
                "country_id": china.id,
                "state_ids": [(6, 0, [env.ref(row["state_xmlid"]).id])],
            }
        )
        for city, lo, hi in node["cities"]:
            vals.append(
                {
                    "territory_id": city.id,
                    "sequence": CITY_RULE_SEQUENCE,
                    "zip_from": str(lo).zfill(row["width"]),
                    "zip_to": str(hi).zfill(row["width"]),
                }
            )
    for i, code in enumerate(CITY_NAME_PROVINCES):
        zh, pinyin = CAPITALS[code]
        vals.append(
            {
                "name": f"{pinyin} by city name",
                "territory_id": tree[code]["cities"][0][0].id,
                "sequence": OVERRIDE_SEQUENCE,
                "country_id": china.id,
                # alternate the separators the engine accepts
                "cities": f"{zh}{'，' if i % 2 else ', '}{pinyin}",
            }
        )
    for code in PREFIX_SAME_PROVINCES:
        city, lo, hi = tree[code]["cities"][4]
        blocks = _prefix_blocks(lo, hi, by_code[code]["width"]) or _prefix_blocks(
            lo, hi, by_code[code]["width"], digits=5
        )
        vals.append(
            {
                "name": f"{city.name} by zip prefix",
                "territory_id": city.id,
                "sequence": CITY_RULE_SEQUENCE,
                "country_id": china.id,
                "zip_prefixes": ", ".join(blocks),
            }
        )
    for code in PREFIX_OVERRIDE_PROVINCES:
        _source, lo, hi = tree[code]["cities"][1]
        target = tree[code]["cities"][2][0]
        blocks = _prefix_blocks(lo, hi, by_code[code]["width"]) or _prefix_blocks(
            lo, hi, by_code[code]["width"], digits=5
        )
        vals.append(
            {
                "name": f"Zip override into {target.name}",
                "territory_id": target.id,
                "sequence": OVERRIDE_SEQUENCE,
                "country_id": china.id,
                "zip_prefixes": "；".join(blocks[:3]),
            }
        )
    rules = Rule.create(vals)
    env.flush_all()
    return rules


# ---------------------------------------------------------------- customers
def _template_partner(env):
    """One customer created by the ORM: the columns the rows copy."""
    return (
        env["res.partner"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            {
                "name": "Bench template customer",
                "is_company": True,
                "company_id": env.company.id,
                "country_id": env.ref("base.cn").id,
                "state_id": env.ref("base.state_cn_BJ").id,
                "zip": "100001",
                "city": "北京市",
                "customer_rank": 1,
            }
        )
    )


# Columns that vary per generated customer; every other column of res_partner
# is copied from the template customer.
VARYING = (
    "id",
    "name",
    "complete_name",
    "commercial_company_name",
    "commercial_partner_id",
    "zip",
    "city",
    "state_id",
    "country_id",
    "territory_id",
    "create_date",
    "write_date",
    "calendar_last_notif_ack",
)


def table_columns(cr, table):
    """Columns of ``table`` in their order: the rows generated from a template
    record copy every column that they do not set themselves."""
    cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s
                ORDER BY ordinal_position""",
            table,
        )
    )
    return [c for (c,) in cr.fetchall()]


def _fill_work_tables(cr, env, provinces, tree):
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE bench_province (
                   code text PRIMARY KEY, state_id int, lo int, hi int, width int,
                   cum_lo float8, cum_hi float8, capital text, capital_pinyin text
               ) ON COMMIT DROP;
               CREATE TEMPORARY TABLE bench_city (
                   code text, lo int, hi int, name text
               ) ON COMMIT DROP"""
        )
    )
    total = sum(row["population"] for row in provinces)
    cum = 0.0
    province_rows, city_rows = [], []
    for row in provinces:
        share = row["population"] / total
        zh, pinyin = CAPITALS[row["code"]]
        province_rows.append(
            (
                row["code"],
                env.ref(row["state_xmlid"]).id,
                row["lo"],
                row["hi"],
                row["width"],
                cum,
                cum + share if row is not provinces[-1] else 1.0,
                zh,
                pinyin,
            )
        )
        cum += share
        for city, lo, hi in tree[row["code"]]["cities"]:
            city_rows.append((row["code"], lo, hi, city.name))
    cr.execute(
        SQL(
            "INSERT INTO bench_province VALUES %s",
            SQL(", ").join(SQL("%s", r) for r in province_rows),
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO bench_city VALUES %s",
            SQL(", ").join(SQL("%s", r) for r in city_rows),
        )
    )
    cr.execute(SQL("ANALYZE bench_province; ANALYZE bench_city"))


def generate_partners(env, provinces, tree, count):
    """``count`` customers (companies), ``count - 1`` of them by SQL."""
    cr = env.cr
    template = _template_partner(env)
    env.flush_all()
    _fill_work_tables(cr, env, provinces, tree)
    copied = [c for c in table_columns(cr, "res_partner") if c not in VARYING]
    cr.execute(SQL("SELECT setseed(%s)", SEED))
    columns = SQL(", ").join(SQL.identifier(c) for c in VARYING + tuple(copied))
    copied_sql = SQL(", ").join(SQL.identifier("t", c) for c in copied)
    cr.execute(
        SQL(
            """
WITH draw AS (
    SELECT i, random() AS r_province, random() AS r_kind, random() AS r_zip,
           random() AS r_age
      FROM generate_series(1, %(count)s) i
),
located AS (
    SELECT d.i, d.r_kind, d.r_age, pr.code, pr.state_id, pr.width, pr.capital,
           pr.capital_pinyin,
           pr.lo + floor(d.r_zip * (pr.hi - pr.lo + 1))::int AS zipn
      FROM draw d
      JOIN bench_province pr ON d.r_province >= pr.cum_lo AND d.r_province < pr.cum_hi
),
address AS (
    SELECT l.i, l.r_age,
           CASE WHEN l.r_kind < %(foreign)s THEN %(us)s ELSE %(cn)s END AS country_id,
           CASE WHEN l.r_kind < %(foreign)s THEN NULL ELSE l.state_id END AS state_id,
           CASE WHEN l.r_kind < %(foreign)s
                THEN lpad((10001 + mod(l.i, 900))::text, 5, '0')
                WHEN l.r_kind < %(no_zip)s THEN NULL
                WHEN l.r_kind >= %(alias)s AND l.r_kind < %(formatted)s THEN
                     left(lpad(l.zipn::text, l.width, '0'), 3)
                     || CASE WHEN mod(l.i, 2) = 0 THEN ' ' ELSE '-' END
                     || substr(lpad(l.zipn::text, l.width, '0'), 4)
                ELSE lpad(l.zipn::text, l.width, '0') END AS zip,
           CASE WHEN l.r_kind < %(foreign)s THEN 'New York'
                WHEN l.r_kind < %(no_zip)s THEN l.capital
                WHEN l.r_kind < %(alias)s THEN upper(l.capital_pinyin) || ' '
                ELSE c.name END AS city
      FROM located l
      LEFT JOIN bench_city c ON c.code = l.code AND l.zipn BETWEEN c.lo AND c.hi
),
numbered AS (
    SELECT nextval('res_partner_id_seq') AS id, a.*,
           (now() AT TIME ZONE 'UTC') - a.r_age * interval '1000 days' AS ts
      FROM address a
     ORDER BY a.i
)
INSERT INTO res_partner (%(columns)s)
SELECT n.id, 'Customer ' || lpad(n.i::text, 7, '0'),
       'Customer ' || lpad(n.i::text, 7, '0'), 'Customer ' || lpad(n.i::text, 7, '0'),
       n.id, n.zip, n.city, n.state_id, n.country_id, NULL, n.ts, n.ts,
       date_trunc('second', n.ts), %(copied)s
  FROM numbered n
 CROSS JOIN (SELECT * FROM res_partner WHERE id = %(template)s) t
""",
            count=count - 1,
            foreign=FOREIGN,
            no_zip=NO_ZIP,
            alias=CAPITAL_ALIAS,
            formatted=FORMATTED_ZIP,
            us=env.ref("base.us").id,
            cn=env.ref("base.cn").id,
            columns=columns,
            copied=copied_sql,
            template=template.id,
        )
    )
    inserted = cr.rowcount
    # the template itself becomes an ordinary, unassigned customer
    cr.execute(
        SQL(
            "UPDATE res_partner SET territory_id = NULL, name = %(n)s, "
            "complete_name = %(n)s, commercial_company_name = %(n)s WHERE id = %(id)s",
            n="Customer 0000000",
            id=template.id,
        )
    )
    cr.execute(
        SQL("DELETE FROM sales_territory_move_log WHERE partner_id = %s", template.id)
    )
    env.invalidate_all()
    return inserted + 1


def generate(env, scale):
    """Create the whole data set; returns the phase timings in seconds."""
    phases = {}
    provinces = load_provinces()
    t = time.perf_counter()
    tree = create_territories(env, provinces)
    phases["territories"] = time.perf_counter() - t
    count = env["sales.territory"].search_count([])
    _log(f"territories: {count} in {phases['territories']:.1f} s")
    t = time.perf_counter()
    rules = create_rules(env, provinces, tree)
    phases["rules"] = time.perf_counter() - t
    _log(f"rules: {len(rules)} in {phases['rules']:.1f} s")
    env.cr.commit()
    t = time.perf_counter()
    count = generate_partners(env, provinces, tree, scale)
    env.cr.commit()
    phases["customers"] = time.perf_counter() - t
    _log(f"customers: {count} in {phases['customers']:.1f} s (SQL)")
    return phases


# ================================================================ sales
# Data of the ``targets`` benchmark, on top of the territories, rules and
# customers above: salespeople in teams, products in categories (ORM), then
# confirmed orders and their lines by SQL, copied from one order created and
# confirmed through the ORM, with the amounts the ORM computes.

SALESPEOPLE = 50
TEAMS = 5
CATEGORIES = 10
PRODUCTS = 200
MAX_LINES = 9  # lines per order: 1 to MAX_LINES, 5 on average
MAX_QTY = 10  # quantity of a line: 1 to MAX_QTY
HISTORY_DAYS = 730  # orders spread over the last 24 months
SALES_SEED = 0.24

# Columns of sale_order and sale_order_line that vary per generated row; every
# other column is copied from the template order (state 'sale', company,
# currency, pricelist, currency_rate, invoice status, ...).
ORDER_VARYING = (
    "id",
    "name",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "user_id",
    "team_id",
    "territory_id",
    "date_order",
    "validity_date",
    "create_date",
    "write_date",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "margin",
    "margin_percent",
)
LINE_VARYING = (
    "id",
    "order_id",
    "sequence",
    "order_partner_id",
    "salesman_id",
    "product_id",
    "product_uom",
    "name",
    "product_uom_qty",
    "price_unit",
    "technical_price_unit",
    "purchase_price",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "qty_to_invoice",
    "untaxed_amount_to_invoice",
    "margin",
    "margin_percent",
    "create_date",
    "write_date",
)
# Fields recomputed by the ORM on a sample of generated orders to check them.
CHECK_LINE_FIELDS = (
    "name",
    "price_unit",
    "purchase_price",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "margin",
    "margin_percent",
    "qty_to_invoice",
    "untaxed_amount_to_invoice",
    "invoice_status",
    "company_id",
    "currency_id",
    "order_partner_id",
    "salesman_id",
    "state",
)
CHECK_ORDER_FIELDS = (
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "margin",
    "margin_percent",
    "invoice_status",
    "currency_rate",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "currency_id",
)

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


def create_sales_teams(env):
    """SALESPEOPLE internal users (group "own documents") in TEAMS teams.

    Returns [(user, team)]."""
    company = env.company
    group = env.ref("sales_team.group_sale_salesman")
    users = (
        env["res.users"]
        .with_context(**QUIET)
        .create(
            [
                {
                    "name": f"Bench Salesperson {k:02d}",
                    "login": f"bench.sales{k:02d}",
                    "email": f"bench.sales{k:02d}@example.com",
                    "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [group.id])],
                }
                for k in range(1, SALESPEOPLE + 1)
            ]
        )
    )
    size = -(-SALESPEOPLE // TEAMS)
    teams = (
        env["crm.team"]
        .with_context(**QUIET)
        .create(
            [
                {
                    "name": f"Bench Team {t + 1}",
                    "company_id": company.id,
                    "user_id": users[t * size].id,
                    "member_ids": [(6, 0, users[t * size : (t + 1) * size].ids)],
                }
                for t in range(TEAMS)
            ]
        )
    )
    env.flush_all()
    return [(user, teams[i // size]) for i, user in enumerate(users)]


def create_products(env):
    """PRODUCTS goods in CATEGORIES categories under "All", invoiced on
    order, list prices from 5 to 500 and costs of 45 % to 75 % of them."""
    Category = env["product.category"]
    all_categ = env.ref("product.product_category_all")
    categories = Category.create(
        [
            {"name": f"Bench Category {c:02d}", "parent_id": all_categ.id}
            for c in range(1, CATEGORIES + 1)
        ]
    )
    vals = []
    for k in range(PRODUCTS):
        list_price = round(5 + (k * 37 % 100) * 4.95, 2)
        vals.append(
            {
                "name": f"Bench Product {k + 1:03d}",
                "default_code": f"BP{k + 1:03d}",
                "categ_id": categories[k % CATEGORIES].id,
                "type": "consu",
                "invoice_policy": "order",
                "sale_ok": True,
                "list_price": list_price,
                "standard_price": round(list_price * (0.45 + (k % 7) * 0.05), 2),
            }
        )
    products = env["product.product"].with_context(**QUIET).create(vals)
    env.flush_all()
    return products


def _template_order(env, partner, product, user, team, pricelist):
    """One order created and confirmed through the ORM: the columns the
    generated orders and lines copy."""
    order = (
        env["sale.order"]
        .with_context(**QUIET)
        .create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": team.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 3})
                ],
            }
        )
    )
    order.action_confirm()
    env.flush_all()
    return order


def _sale_tax_rate(line):
    """The rate of the template line's tax (one percent tax, price excluded:
    the default sale tax of the generic chart), or 0 without tax."""
    taxes = line.tax_id
    if not taxes:
        return 0.0
    if len(taxes) > 1 or taxes.amount_type != "percent" or taxes.price_include:
        raise RuntimeError(f"unexpected default sale taxes {taxes.mapped('name')}")
    return taxes.amount / 100.0


def _sale_sequence(env, company):
    sequence = env["ir.sequence"].search(
        [("code", "=", "sale.order"), ("company_id", "in", [company.id, False])],
        order="company_id",
        limit=1,
    )
    if not sequence or "%" in (sequence.prefix or "") or sequence.suffix:
        raise RuntimeError("the sale.order sequence has a dated prefix or a suffix")
    return sequence


def _fill_sales_work_tables(env, sellers, products, lang):
    cr = env.cr
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE bench_seller (
                   k int PRIMARY KEY, user_id int, team_id int) ON COMMIT DROP;
               CREATE TEMPORARY TABLE bench_product (
                   k int PRIMARY KEY, product_id int, uom_id int, name text,
                   price_unit numeric, cost numeric) ON COMMIT DROP"""
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO bench_seller VALUES %s",
            SQL(", ").join(
                SQL("(%s, %s, %s)", k, user.id, team.id)
                for k, (user, team) in enumerate(sellers)
            ),
        )
    )
    rows = []
    for k, product in enumerate(products.with_context(lang=lang)):
        rows.append(
            SQL(
                "(%s, %s, %s, %s, %s, %s)",
                k,
                product.id,
                product.uom_id.id,
                product.get_product_multiline_description_sale(),
                product.lst_price,
                product.standard_price,
            )
        )
    cr.execute(SQL("INSERT INTO bench_product VALUES %s", SQL(", ").join(rows)))
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE bench_customer ON COMMIT DROP AS
               SELECT (row_number() OVER (ORDER BY p.id) - 1)::int AS k,
                      p.id AS partner_id, p.territory_id
                 FROM res_partner p
                WHERE p.customer_rank > 0 AND %s""",
            env["res.partner"]._territory_customer_where(env.company),
        )
    )
    cr.execute(SQL("ANALYZE bench_seller; ANALYZE bench_product"))
    cr.execute(SQL("ALTER TABLE bench_customer ADD PRIMARY KEY (k)"))
    cr.execute(SQL("SELECT count(*) FROM bench_customer"))
    return cr.fetchone()[0]


def _next_ids(cr, table, count):
    """Reserve ``count`` consecutive ids of ``table``: the first one."""
    seq = f"{table}_id_seq"
    cr.execute(
        SQL(
            """WITH s AS (SELECT nextval(%(seq)s) AS first)
               SELECT first, setval(%(seq)s, first + %(n)s - 1) FROM s""",
            seq=seq,
            n=count,
        )
    )
    return cr.fetchone()[0]


def generate_orders(env, line_count, sellers, products):
    """``line_count`` order lines in about line_count / 5 confirmed orders, by
    SQL. Returns the number of orders."""
    cr = env.cr
    company = env.company
    currency = company.currency_id
    pricelist = env["product.pricelist"].create(
        {"name": "Bench Pricelist", "currency_id": currency.id}
    )
    customers = _fill_sales_work_tables(env, sellers, products, "en_US")
    cr.execute(
        SQL(
            """SELECT partner_id FROM bench_customer WHERE territory_id IS NOT NULL
                ORDER BY k LIMIT 1"""
        )
    )
    partner = env["res.partner"].browse(cr.fetchone()[0])
    user, team = sellers[0]
    template = _template_order(env, partner, products[0], user, team, pricelist)
    line = template.order_line
    if (
        template.state != "sale"
        or template.currency_rate != 1.0
        or template.pricelist_id != pricelist
        or len(line) != 1
    ):
        raise RuntimeError("unexpected template order")
    rate = _sale_tax_rate(line)
    sequence = _sale_sequence(env, company)
    prefix = sequence.prefix or ""
    first_number = int(template.name[len(prefix) :]) + 1

    cr.execute(SQL("SELECT setseed(%s)", SALES_SEED))
    # orders: a number of lines each, until line_count lines
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_order_draw ON COMMIT DROP AS
WITH draw AS (
    SELECT j, 1 + floor(random() * %(max_lines)s)::int AS n,
           random() AS r_customer, random() AS r_seller, random() AS r_time
      FROM generate_series(1, %(lines)s) j
),
cum AS (
    SELECT d.*, sum(d.n) OVER (ORDER BY d.j) - d.n AS first_line FROM draw d
)
SELECT j, least(n, %(lines)s - first_line)::int AS n_lines, r_customer, r_seller,
       r_time
  FROM cum
 WHERE first_line < %(lines)s""",
            max_lines=MAX_LINES,
            lines=line_count,
        )
    )
    order_count = cr.rowcount
    first_order = _next_ids(cr, "sale_order", order_count)
    validity_days = (template.validity_date - template.create_date.date()).days
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_order ON COMMIT DROP AS
SELECT %(first)s + d.j - 1 AS id, d.j, d.n_lines,
       %(prefix)s || lpad((%(number)s + d.j - 1)::text, %(padding)s, '0') AS name,
       c.partner_id, c.territory_id, s.user_id, s.team_id,
       date_trunc('second', (now() AT TIME ZONE 'UTC')
                  - interval '1 day' * %(days)s * (1 - (d.j - 1 + d.r_time) / %(n)s))
           AS date_order
  FROM bench_order_draw d
  JOIN bench_customer c ON c.k = floor(d.r_customer * %(customers)s)::int
  JOIN bench_seller s ON s.k = floor(d.r_seller * %(sellers)s)::int""",
            first=first_order,
            prefix=prefix,
            number=first_number,
            padding=sequence.padding,
            days=HISTORY_DAYS,
            n=order_count,
            customers=customers,
            sellers=len(sellers),
        )
    )
    # lines: product, quantity and the amounts the ORM computes (numeric, so
    # that rounding is the ORM's half-up rounding of decimal values)
    first_line = _next_ids(cr, "sale_order_line", line_count)
    cr.execute(
        SQL(
            """
CREATE TEMPORARY TABLE bench_order_line ON COMMIT DROP AS
WITH drawn AS (
    SELECT o.id AS order_id, o.j, o.partner_id, o.user_id, o.date_order, s.seq,
           floor(random() * %(products)s)::int AS pk,
           (1 + floor(random() * %(max_qty)s))::numeric AS qty
      FROM bench_order o
     CROSS JOIN LATERAL generate_series(1, o.n_lines) s(seq)
),
priced AS (
    SELECT d.*, p.product_id, p.uom_id, p.name, p.price_unit, p.cost,
           round(d.qty * p.price_unit, %(digits)s) AS subtotal
      FROM drawn d JOIN bench_product p ON p.k = d.pk
),
taxed AS (
    SELECT pr.*, round(pr.subtotal * (1 + %(rate)s::numeric), %(digits)s) AS total,
           round(pr.subtotal - pr.cost * pr.qty, %(price_digits)s) AS margin
      FROM priced pr
)
SELECT %(first)s + row_number() OVER (ORDER BY t.j, t.seq) - 1 AS id, t.*,
       t.total - t.subtotal AS tax
  FROM taxed t""",
            products=len(products),
            max_qty=MAX_QTY,
            digits=currency.decimal_places,
            price_digits=env["decimal.precision"].precision_get("Product Price"),
            rate=str(rate),
            first=first_line,
        )
    )
    if cr.rowcount != line_count:
        raise RuntimeError(f"{cr.rowcount} lines drawn instead of {line_count}")
    cr.execute(SQL("ANALYZE bench_order; ANALYZE bench_order_line"))

    order_copied = [
        c for c in table_columns(cr, "sale_order") if c not in ORDER_VARYING
    ]
    cr.execute(
        SQL(
            """
INSERT INTO sale_order (%(columns)s)
SELECT o.id, o.name, o.partner_id, o.partner_id, o.partner_id, o.user_id, o.team_id,
       o.territory_id, o.date_order, o.date_order::date + %(validity)s,
       o.date_order, o.date_order,
       a.untaxed, a.tax, a.untaxed + a.tax, a.margin,
       CASE WHEN a.untaxed = 0 THEN 0 ELSE a.margin::float8 / a.untaxed::float8 END,
       %(copied)s
  FROM bench_order o
  JOIN (SELECT order_id, sum(subtotal) AS untaxed, sum(tax) AS tax,
               round(sum(margin), %(digits)s) AS margin
          FROM bench_order_line GROUP BY order_id) a ON a.order_id = o.id
 CROSS JOIN (SELECT * FROM sale_order WHERE id = %(template)s) t
 ORDER BY o.id""",
            columns=SQL(", ").join(
                SQL.identifier(c) for c in ORDER_VARYING + tuple(order_copied)
            ),
            validity=validity_days,
            digits=currency.decimal_places,
            copied=SQL(", ").join(SQL.identifier("t", c) for c in order_copied),
            template=template.id,
        )
    )
    line_copied = [
        c for c in table_columns(cr, "sale_order_line") if c not in LINE_VARYING
    ]
    cr.execute(
        SQL(
            """
INSERT INTO sale_order_line (%(columns)s)
SELECT l.id, l.order_id, 10 * l.seq, l.partner_id, l.user_id, l.product_id,
       l.uom_id, l.name, l.qty, l.price_unit, l.price_unit, l.cost,
       l.subtotal, l.tax, l.total, round(l.subtotal / l.qty, %(digits)s),
       round(l.total / l.qty, %(digits)s), l.qty, l.subtotal, l.margin,
       CASE WHEN l.subtotal = 0 THEN 0 ELSE l.margin::float8 / l.subtotal::float8 END,
       l.date_order, l.date_order,
       %(copied)s
  FROM bench_order_line l
 CROSS JOIN (SELECT * FROM sale_order_line WHERE id = %(template)s) t
 ORDER BY l.id""",
            columns=SQL(", ").join(
                SQL.identifier(c) for c in LINE_VARYING + tuple(line_copied)
            ),
            digits=currency.decimal_places,
            copied=SQL(", ").join(SQL.identifier("t", c) for c in line_copied),
            template=line.id,
        )
    )
    # the taxes of the template line on every line
    cr.execute(
        SQL(
            """INSERT INTO account_tax_sale_order_line_rel
                      (sale_order_line_id, account_tax_id)
               SELECT l.id, r.account_tax_id
                 FROM bench_order_line l
                CROSS JOIN account_tax_sale_order_line_rel r
                WHERE r.sale_order_line_id = %s""",
            line.id,
        )
    )
    # the template order goes (its customer's subscription with it); the
    # next order of the sequence follows the generated ones
    cr.execute(
        SQL(
            """DELETE FROM mail_followers
                WHERE res_model = 'sale.order' AND res_id = %(id)s;
               DELETE FROM mail_message
                WHERE model = 'sale.order' AND res_id = %(id)s;
               DELETE FROM sale_order WHERE id = %(id)s""",
            id=template.id,
        )
    )
    env.invalidate_all()
    sequence.sudo().write({"number_next": first_number + order_count})
    return order_count


def check_orders(env, count=20):
    """Recompute through the ORM the amounts of ``count`` generated orders
    (evenly spread) and of their lines, in a savepoint rolled back; returns
    the differences with the generated values as strings."""
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    cr.execute(SQL("SELECT id FROM sale_order WHERE state = 'sale' ORDER BY id"))
    all_ids = [i for (i,) in cr.fetchall()]
    ids = all_ids[:: max(1, len(all_ids) // count)][:count]
    orders = env["sale.order"].with_context(**QUIET).browse(ids)
    lines = orders.order_line

    def values(records, fnames):
        sign = -1 if records._name == "sale.order" else 1
        return {(sign * r.id, fname): r[fname] for r in records for fname in fnames}

    stored = values(lines, CHECK_LINE_FIELDS) | values(orders, CHECK_ORDER_FIELDS)
    cr.execute(SQL("SAVEPOINT bench_orm_check"))
    try:
        env.invalidate_all()
        for fname in CHECK_LINE_FIELDS:
            env.add_to_compute(lines._fields[fname], lines)
        computed = values(lines, CHECK_LINE_FIELDS)
        for fname in CHECK_ORDER_FIELDS:
            env.add_to_compute(orders._fields[fname], orders)
        computed |= values(orders, CHECK_ORDER_FIELDS)
        env.flush_all()
    finally:
        cr.execute(SQL("ROLLBACK TO SAVEPOINT bench_orm_check"))
        env.transaction.tocompute.clear()
        env.invalidate_all(flush=False)
    problems = []
    for key, value in computed.items():
        old = stored[key]
        if isinstance(value, float):
            same = abs(value - old) < 1e-6
        else:
            same = value == old
        if not same:
            model = "sale.order" if key[0] < 0 else "sale.order.line"
            problems.append(
                f"{model}({abs(key[0])}).{key[1]}: {old!r} != ORM {value!r}"
            )
    return len(orders), len(lines), problems


# ---------------------------------------------------------------- targets
TARGET_PROVINCES = 25
TARGET_CITIES = 75
TARGET_MONTHS = 12


def target_months(env):
    """First days of the last TARGET_MONTHS months, this one included."""
    from dateutil.relativedelta import relativedelta

    from odoo import fields

    first = fields.Date.context_today(env.user).replace(day=1)
    return [
        first - relativedelta(months=TARGET_MONTHS - 1 - i)
        for i in range(TARGET_MONTHS)
    ]


def create_targets(env):
    """Monthly "ordered" targets by territory for the last TARGET_MONTHS
    months, created through the ORM, then confirmed by SQL (confirming through
    the ORM would refresh their actuals before the measure).

    TARGET_PROVINCES provinces and TARGET_CITIES cities spread over all
    provinces (so some cities are in a province that has a target too). The
    value is the territory's share of the assigned customers times the average
    monthly sales, plus 5 % to 16 % over the months."""
    cr = env.cr
    Territory = env["sales.territory"]
    provinces = Territory.search([("level", "=", "province")], order="code")
    cities = Territory.search([("level", "=", "city")], order="code")
    step = max(1, len(cities) // TARGET_CITIES)
    territories = provinces[:TARGET_PROVINCES] | cities[::step][:TARGET_CITIES]
    cr.execute(
        SQL(
            """SELECT t.id, count(p.id)
                 FROM sales_territory t
                 LEFT JOIN sales_territory d
                        ON starts_with(d.parent_path, t.parent_path)
                 LEFT JOIN res_partner p
                        ON p.territory_id = d.id AND p.customer_rank > 0
                WHERE t.id = ANY(%s)
                GROUP BY t.id""",
            territories.ids,
        )
    )
    customers = dict(cr.fetchall())
    cr.execute(
        SQL(
            """SELECT (SELECT sum(amount_untaxed) FROM sale_order WHERE state = 'sale'),
                      (SELECT count(*) FROM res_partner
                        WHERE customer_rank > 0 AND territory_id IS NOT NULL)"""
        )
    )
    total, assigned = cr.fetchone()
    months = HISTORY_DAYS / 365 * 12
    per_customer_month = float(total or 0) / max(assigned or 1, 1) / months
    vals = []
    for territory in territories:
        for i, month in enumerate(target_months(env)):
            value = per_customer_month * max(customers[territory.id], 1) * 1.1
            vals.append(
                {
                    "dimension": "territory",
                    "territory_id": territory.id,
                    "measure": "ordered",
                    "period_type": "month",
                    "date_from": month,
                    "target_value": round(value * (0.95 + 0.01 * i), 2),
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
