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
PROVINCES_CSV = ROOT / "addons" / "sales_territory" / "data" / "cn_provinces.csv"

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
    cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'res_partner'
                ORDER BY ordinal_position"""
        )
    )
    copied = [c for (c,) in cr.fetchall() if c not in VARYING]
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
