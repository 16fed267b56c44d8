"""Hostile and malformed input over a real RPC connection.

A real Odoo server (two worker processes, a free loopback port) serves a copy
of the installed test database, and four users talk to it over JSON-RPC the
way an integration does: the administrator, a salesperson (Own Territories), a
user of another company and the portal user of a channel partner. Each case
of ``CASES`` sends one bad input: a missing value, a wrong type, an id of
another company or of nothing, a cycle, an inverted range, an overlapping
exclusivity, a string of 100,000 characters, HTML/JS and SQL in names and zip
codes, unicode, negative and absurd numbers, an unknown selection value, to
the models of the addons and to the fields they add to Odoo's (customers,
leads, orders, company settings). It must come back as the Odoo error of the
expected class with a message a user understands (never a database or Python
error), and the records it aimed at must be as they were: its state probe
counts and reads them before and after.
A few cases send SQL or HTML where it is only data (search values): the server
must answer normally, with nothing changed.

Run by ./dev test (which sets TCM_ODOO_CMD and TCM_TEST_DB). By hand, with a
database where every addon is installed:

    TCM_TEST_DB=mydb TCM_ODOO_CMD="$(printf '%s\\x1f' python3 -m odoo -c odoo.conf \\
        --addons-path=addons,/opt/odoo18/odoo/addons | sed 's/\\x1f$//')" \\
        python3 -m pytest tests/test_rpc_hostile.py -p no:odoo
"""

import base64
import datetime
import random
import re
import string
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from odoo_rpc import RpcError, log_records, serving

MISSING_ID = 99999999
TODAY = datetime.date.today()
YEAR = TODAY.year

# Nothing of the implementation may reach the user.
TECHNICAL = re.compile(
    r"psycopg2|Traceback|KeyError|TypeError|ValueError|IndexError|AttributeError"
    r"|Expected singleton|File \"|INSERT INTO|DELETE FROM|UPDATE \"|SELECT "
    r"|violates|out of range|invalid input syntax|index row|could not convert"
)

random.seed(7)
LONG_TEXT = "".join(random.choices(string.ascii_letters + "区域渠道", k=100_000))
SCRIPT = "<script>alert('x')</script>"
SQL_DROP = "'; DROP TABLE res_partner; --"


# ---------------------------------------------------------------- the server
@pytest.fixture(scope="session")
def server():
    with serving("h_rpc", "rpc-hostile-odoo.log") as odoo:
        yield odoo


@pytest.fixture(scope="session")
def world(server):
    """The users, and the records the cases aim at (set up by the
    administrator on the private copy of the database)."""
    admin = server.client("admin", "admin")
    ref = admin.ref
    w = SimpleNamespace(admin=admin)
    w.company_a = ref("base.main_company")
    w.company_a_name = admin.read("res.company", [w.company_a], ["name"])[0]["name"]
    w.company_b = admin.create("res.company", {"name": "Hostile Co B"})
    w.warehouse_b = admin.create(
        "stock.warehouse",
        {"name": "B Warehouse", "code": "HBWH", "company_id": w.company_b},
    )
    w.territory_b = admin.create(
        "sales.territory",
        {"name": "B-Land", "code": "BL", "company_id": w.company_b},
    )
    groups = [
        ref("base.group_user"),
        ref("sales_team.group_sale_manager"),
        ref("sales_territory.group_territory_admin"),
        ref("sales_channel.group_channel_manager"),
        ref("stock.group_stock_manager"),
    ]
    admin.create(
        "res.users",
        {
            "name": "Other Company User",
            "login": "h_rpc_other",
            "password": "h_rpc_other_pw",
            "company_id": w.company_b,
            "company_ids": [(6, 0, [w.company_b])],
            "groups_id": [(6, 0, groups)],
        },
    )
    w.clients = {
        "admin": admin,
        "salesman": server.client("liwei", "liwei"),
        "other_company": server.client("h_rpc_other", "h_rpc_other_pw"),
        "portal": server.client("lingnan_portal", "lingnan_portal"),
    }

    # territories, channels, warehouses of the demo
    w.cn = ref("sales_territory.territory_cn_demo")
    w.east = ref("sales_territory.territory_region_e_demo")
    w.zj = ref("sales_territory.territory_zj_demo")
    w.gd = ref("sales_territory.territory_gd_demo")
    w.online = ref("sales_channel.channel_online_demo")
    w.tmall = ref("sales_channel.channel_tmall_demo")
    w.telesales = ref("sales_channel.channel_telesales_demo")
    w.policy_cn_tmall = ref("sales_channel.policy_cn_tmall_demo")
    w.warehouse_east = ref("territory_inventory.warehouse_east_demo")
    w.warehouse_south = ref("territory_inventory.warehouse_south_demo")
    w.product = ref("territory_inventory.product_router_demo")
    customer = admin.search_read(
        "res.partner",
        [("territory_id", "!=", False), ("parent_id", "=", False)],
        ["territory_id"],
    )[0]
    w.territory_with_customers = customer["territory_id"][0]
    w.customer_a = admin.create(
        "res.partner",
        {"name": "RPC Customer A", "company_id": w.company_a, "is_company": True},
    )

    # targets
    w.target_confirmed = admin.search(
        "sales.target", [("state", "=", "confirmed")], limit=1
    )[0]
    w.target_existing = admin.search_read(
        "sales.target",
        [("dimension", "=", "territory"), ("categ_id", "=", False)],
        ["territory_id", "measure", "period_type", "date_from"],
        limit=1,
    )[0]

    # realignments
    w.realignment = admin.create(
        "sales.territory.realignment", {"name": "RPC realignment"}
    )
    w.realignment_past = admin.create(
        "sales.territory.realignment",
        {"name": "RPC realignment in the past", "effective_date": "2020-01-01"},
    )
    w.replenishment_run = admin.create("territory.replenishment.run", {})

    # channel partners: agreements, a settlement, a deal, leads, tiers
    w.lingnan = ref("sales_territory.partner_gz_canton_demo")
    w.foshan = ref("sales_territory.partner_fs_ceramic_demo")
    w.agreement_lingnan = ref("channel_partner.agreement_gz_canton_demo")
    w.agreement_overlap = admin.create(
        "channel.partner.agreement",
        {
            "partner_id": w.foshan,
            "date_start": TODAY.isoformat(),
            "date_end": f"{YEAR}-12-31",
            "exclusive": True,
            "territory_ids": [(6, 0, [w.gd])],
        },
    )
    names = admin.read(
        "channel.partner.agreement",
        [w.agreement_lingnan, w.agreement_overlap],
        ["name", "partner_id"],
    )
    w.agreement_names = [(row["name"], row["partner_id"][1]) for row in names]
    w.rebate = admin.create(
        "channel.partner.rebate",
        {
            "agreement_id": w.agreement_lingnan,
            "date_from": f"{YEAR}-01-01",
            "date_to": f"{YEAR}-03-31",
        },
    )
    admin.execute("channel.partner.rebate", "action_confirm", [w.rebate])
    w.deal_rejected = admin.create(
        "channel.partner.deal",
        {"title": "RPC deal", "customer_name": "RPC Buyer", "partner_id": w.lingnan},
    )
    admin.execute(
        "channel.partner.deal", "action_reject", [w.deal_rejected], "Not now."
    )
    w.deal_submitted = ref("channel_partner.deal_registration_demo")
    w.lead_foreign = ref("sales_territory.lead_shenzhen_demo")
    forwarded_to = admin.read("crm.lead", [w.lead_foreign], ["forward_partner_id"])
    assert forwarded_to[0]["forward_partner_id"][0] != w.lingnan
    w.lead_own = admin.create(
        "crm.lead",
        {
            "name": "RPC lead forwarded to Lingnan",
            "type": "lead",
            "forward_partner_id": w.lingnan,
            "forward_state": "forwarded",
        },
    )
    w.tier_silver = ref("channel_partner.tier_silver_demo")
    w.tier_gold = ref("channel_partner.tier_gold_demo")

    # incentive plans and phasing profiles, orders
    w.plan = ref("sales_territory.incentive_plan_sales_demo")
    w.plan_level = admin.search(
        "sales.incentive.plan.level", [("plan_id", "=", w.plan)], limit=1
    )[0]
    w.phasing = ref("sales_territory.phasing_retail_china")
    return w


# ---------------------------------------------------------------- probes
def _ids(w, ids):
    return ids(w) if callable(ids) else list(ids)


def count(model, domain=()):
    """Number of records of ``model`` (archived ones too)."""
    return lambda w: (
        model,
        w.admin.search_count(model, list(domain), context={"active_test": False}),
    )


def read(model, ids, names):
    """``names`` of the records ``ids(w)``, and when they were last written."""
    return lambda w: w.admin.read(model, _ids(w, ids), [*names, "write_date"])


def probe(*parts):
    return lambda w: [part(w) for part in parts]


def attr(name):
    return lambda w: [getattr(w, name)]


COMPANY_SETTINGS = (
    "territory_order_source",
    "segment_window_days",
    "channel_weight_revenue",
    "deal_protection_days",
    "replenishment_history_days",
    "replenishment_service_level",
    "replenishment_lead_time",
    "replenishment_review_days",
    "rebalance_surplus_days",
    "replenishment_mode",
)


@dataclass
class Case:
    id: str
    user: str
    model: str
    method: str
    args: Any  # a list, or a function of the world returning it
    error: str | None  # class name, or None when the call must succeed
    message: str  # regex the error message matches (or the result's repr)
    probe: Any  # function of the world: what must not change
    kwargs: dict = field(default_factory=dict)


def territory_target(**vals):
    """Values of a custom-dated territory target of Zhejiang."""
    return lambda w: [
        {
            "dimension": "territory",
            "territory_id": w.zj,
            "measure": "ordered",
            "period_type": "custom",
            "date_from": "2031-03-01",
            "date_to": "2031-03-31",
            "target_value": 1000.0,
            **{k: v(w) if callable(v) else v for k, v in vals.items()},
        }
    ]


def revise(new_value, reason):
    """Opens the revision wizard of a confirmed target; the case applies it."""

    def args(w):
        wizard = w.admin.create(
            "sales.target.revise",
            {"target_id": w.target_confirmed, "new_value": new_value, "reason": reason},
        )
        return [[wizard]]

    return args


def sellout_upload(content, filename):
    """Opens the sell-out upload wizard with a file; the case imports it."""

    def args(w):
        wizard = w.admin.create(
            "channel.partner.sellout.import",
            {
                "partner_id": w.lingnan,
                "kind": "sellout",
                "file": base64.b64encode(content).decode(),
                "filename": filename,
            },
        )
        return [[wizard]]

    return args


def agreement(**vals):
    return lambda w: [
        {
            "partner_id": w.foshan,
            "date_start": "2031-01-01",
            "date_end": "2031-12-31",
            **{k: v(w) if callable(v) else v for k, v in vals.items()},
        }
    ]


def rule(**vals):
    return lambda w: [{"territory_id": w.zj, **vals}]


TERRITORIES = count("sales.territory")
RULES = count("sales.territory.rule")
TARGETS = count("sales.target")
CHANNELS = count("sales.channel")
CELLS = count("sales.territory.channel")
AGREEMENTS = count("channel.partner.agreement")
SELLOUT = probe(
    count("channel.partner.sellout"), count("channel.partner.sellout.import.log")
)
CONFIRMED_TARGET = probe(
    read("sales.target", attr("target_confirmed"), ["target_value", "state"]),
    count("sales.target.revision"),
)
COMPANY = read("res.company", attr("company_a"), COMPANY_SETTINGS)
ANY_ERROR_IS_A_FAILURE = None

CASES = [
    # ------------------------------------------------------------ sales.territory
    Case(
        "territory_missing_name",
        "admin",
        "sales.territory",
        "create",
        [{"code": "RPC-NONAME"}],
        "ValidationError",
        r"mandatory field is not set[\s\S]*Name \(name\)",
        TERRITORIES,
    ),
    Case(
        "territory_parent_is_itself",
        "admin",
        "sales.territory",
        "write",
        lambda w: [[w.cn], {"parent_id": w.cn}],
        "ValidationError",
        r"cannot be its own ancestor: 中国 would create a loop",
        read("sales.territory", attr("cn"), ["parent_id", "parent_path"]),
    ),
    Case(
        "territory_parent_is_a_descendant",
        "admin",
        "sales.territory",
        "write",
        lambda w: [[w.east], {"parent_id": w.zj}],
        "ValidationError",
        r"cannot be its own ancestor",
        read("sales.territory", attr("east"), ["parent_id", "parent_path"]),
    ),
    Case(
        "territory_duplicate_code_with_script_name",
        "admin",
        "sales.territory",
        "create",
        [{"name": SCRIPT, "code": "CN"}],
        "ValidationError",
        r"The code CN is already used by territory 中国",
        TERRITORIES,
    ),
    Case(
        "territory_code_of_100k_characters",
        "admin",
        "sales.territory",
        "create",
        [{"name": "Huge code", "code": LONG_TEXT}],
        "ValidationError",
        r"Code of Sales Territory is too long \(100000 characters\)",
        TERRITORIES,
    ),
    Case(
        "territory_code_as_dictionary",
        "admin",
        "sales.territory",
        "create",
        [{"name": "Dict", "code": {"en_US": "DICT"}}],
        "ValidationError",
        r"Code of Sales Territory must be text, not \{'en_US': 'DICT'\}",
        TERRITORIES,
    ),
    Case(
        "territory_level_unknown",
        "admin",
        "sales.territory",
        "create",
        [{"name": "Galaxy", "level": "galaxy"}],
        "ValidationError",
        r"“galaxy” is not a possible Level of Sales Territory; choose one of "
        r"region \(Region\)",
        TERRITORIES,
    ),
    Case(
        "territory_parent_given_as_text",
        "admin",
        "sales.territory",
        "write",
        lambda w: [[w.zj], {"parent_id": "East China"}],
        "ValidationError",
        r"Parent Territory of Sales Territory must be the id of a record of Sales "
        r"Territory, not “East China”",
        read("sales.territory", attr("zj"), ["parent_id"]),
    ),
    Case(
        "territory_parent_unknown_id",
        "admin",
        "sales.territory",
        "create",
        [{"name": "Orphan", "parent_id": MISSING_ID}],
        "MissingError",
        rf"Parent Territory of Sales Territory refers to Sales Territory "
        rf"#{MISSING_ID}, which does not exist",
        TERRITORIES,
    ),
    Case(
        "territory_sequence_absurd",
        "admin",
        "sales.territory",
        "create",
        [{"name": "Far away", "sequence": 10**12}],
        "ValidationError",
        r"Sequence of Sales Territory must be a whole number between "
        r"-2147483648 and 2147483647",
        TERRITORIES,
    ),
    Case(
        "territory_write_unknown_id",
        "admin",
        "sales.territory",
        "write",
        [[MISSING_ID], {"name": "Ghost"}],
        "MissingError",
        r"Record does not exist or has been deleted",
        TERRITORIES,
    ),
    Case(
        "territory_values_not_a_dictionary",
        "admin",
        "sales.territory",
        "write",
        lambda w: [[w.zj], [["name", "Taken over"]]],
        "ValidationError",
        r"The values of a Sales Territory must be given as a dictionary of field "
        r"names and values",
        read("sales.territory", attr("zj"), ["name"]),
    ),
    Case(
        "territory_delete_with_customers",
        "admin",
        "sales.territory",
        "unlink",
        lambda w: [[w.territory_with_customers]],
        "UserError",
        r"Territories that customers belong to cannot be deleted",
        probe(TERRITORIES, read("sales.territory", attr("cn"), ["child_ids"])),
    ),
    Case(
        "territory_child_in_another_company",
        "admin",
        "sales.territory",
        "create",
        lambda w: [{"name": "B child", "parent_id": w.cn, "company_id": w.company_b}],
        "UserError",
        r"Incompatible companies on records[\s\S]*Parent Territory",
        TERRITORIES,
    ),
    Case(
        "territory_read_by_other_company",
        "other_company",
        "sales.territory",
        "read",
        lambda w: [[w.cn], ["name", "code"]],
        "AccessError",
        r"doesn't have 'read' access[\s\S]*Sales Territory",
        read("sales.territory", attr("cn"), ["name"]),
    ),
    Case(
        "territory_written_by_other_company",
        "other_company",
        "sales.territory",
        "write",
        lambda w: [[w.cn], {"name": "Taken over"}],
        "AccessError",
        r"access[\s\S]*Sales Territory",
        read("sales.territory", attr("cn"), ["name"]),
    ),
    Case(
        "territory_created_by_salesperson",
        "salesman",
        "sales.territory",
        "create",
        [{"name": "My own territory"}],
        "AccessError",
        r"You are not allowed to create 'Sales Territory'",
        TERRITORIES,
    ),
    Case(
        "territory_read_by_portal",
        "portal",
        "sales.territory",
        "read",
        lambda w: [[w.cn], ["name"]],
        "AccessError",
        r"You are not allowed to access 'Sales Territory'",
        TERRITORIES,
    ),
    Case(
        "territory_private_method",
        "admin",
        "sales.territory",
        "_raise_cycle",
        lambda w: [[w.cn]],
        "AccessError",
        r"Private methods .* cannot be called remotely",
        TERRITORIES,
    ),
    Case(
        "territory_search_with_sql_order",
        "admin",
        "sales.territory",
        "search",
        [[]],
        "UserError",
        r"Invalid \"order\" specified",
        TERRITORIES,
        kwargs={"order": "id; DROP TABLE sales_territory"},
    ),
    # ------------------------------------------------------------ assignment rules
    Case(
        "rule_zip_range_inverted",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_from="319999", zip_to="310000"),
        "ValidationError",
        r"starts at 319999, after its end 310000: swap the two bounds",
        RULES,
    ),
    Case(
        "rule_zip_range_in_fullwidth_digits",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_from="３１００００", zip_to="319999"),
        "ValidationError",
        r"starts at ３１００００, after its end 319999",
        RULES,
    ),
    Case(
        "rule_zip_with_script",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_from="<script>alert(1)</script>", zip_to="310000"),
        "ValidationError",
        r"The zip range <script>alert\(1\)</script> to 310000 .* bounds of "
        r"different lengths",
        RULES,
    ),
    Case(
        "rule_zip_with_sql",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_from=SQL_DROP, zip_to="0"),
        "ValidationError",
        r"bounds of different lengths",
        probe(RULES, count("res.partner")),
    ),
    Case(
        "rule_zip_range_without_end",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_from="310000"),
        "ValidationError",
        r"needs both a start and an end",
        RULES,
    ),
    Case(
        "rule_without_criterion",
        "admin",
        "sales.territory.rule",
        "create",
        rule(),
        "ValidationError",
        r"has no criterion",
        RULES,
    ),
    Case(
        "rule_state_of_another_country",
        "admin",
        "sales.territory.rule",
        "create",
        lambda w: rule(
            country_id=w.admin.ref("base.us"),
            state_ids=[(6, 0, [w.admin.ref("base.state_cn_ZJ")])],
        )(w),
        "ValidationError",
        r"names 浙江省, which are not in United States",
        RULES,
    ),
    Case(
        "rule_zip_prefix_of_dashes",
        "admin",
        "sales.territory.rule",
        "create",
        rule(zip_prefixes="31, - -"),
        "ValidationError",
        r"The zip prefix “- -” .* has nothing left",
        RULES,
    ),
    Case(
        "rule_created_by_other_company",
        "other_company",
        "sales.territory.rule",
        "create",
        rule(zip_prefixes="31"),
        "AccessError",
        r"access",
        RULES,
    ),
    # ------------------------------------------------------------ customers
    Case(
        "customer_in_territory_of_another_company",
        "admin",
        "res.partner",
        "write",
        lambda w: [[w.customer_a], {"territory_id": w.territory_b}],
        "ValidationError",
        r"RPC Customer A belongs to .* but territory B-Land belongs to Hostile Co B",
        read("res.partner", attr("customer_a"), ["territory_id"]),
    ),
    Case(
        "customer_territory_as_text",
        "admin",
        "res.partner",
        "write",
        lambda w: [[w.customer_a], {"territory_id": "East China"}],
        "ValidationError",
        r"Territory of Contact must be the id of a record of Sales Territory, not "
        r"“East China”",
        read("res.partner", attr("customer_a"), ["territory_id"]),
    ),
    Case(
        "customer_assignment_unknown",
        "admin",
        "res.partner",
        "write",
        lambda w: [[w.customer_a], {"territory_assignment": "sometimes"}],
        "ValidationError",
        r"“sometimes” is not a possible Territory Assignment of Contact; choose one "
        r"of auto \(By Rules\), manual \(Manual\)",
        read("res.partner", attr("customer_a"), ["territory_assignment"]),
    ),
    Case(
        "customer_channel_that_does_not_exist",
        "admin",
        "res.partner",
        "create",
        [{"name": "Ghost channel customer", "channel_id": MISSING_ID}],
        "MissingError",
        rf"Sales Channel of Contact refers to Sales Channel #{MISSING_ID}, which "
        rf"does not exist",
        count("res.partner"),
    ),
    Case(
        "partner_kind_unknown",
        "admin",
        "res.partner",
        "write",
        lambda w: [[w.lingnan], {"partner_kind": "pirate"}],
        "ValidationError",
        r"“pirate” is not a possible Partner Kind of Contact",
        read("res.partner", attr("lingnan"), ["partner_kind"]),
    ),
    Case(
        "partner_tier_since_impossible",
        "admin",
        "res.partner",
        "write",
        lambda w: [[w.lingnan], {"tier_since": f"{YEAR}-02-30"}],
        "ValidationError",
        rf"Tier Since of Contact must be a date \(YYYY-MM-DD\), not “{YEAR}-02-30”",
        read("res.partner", attr("lingnan"), ["tier_since"]),
    ),
    Case(
        "customer_search_with_sql_zip",
        "admin",
        "res.partner",
        "search",
        [[("zip", "=", "'; DELETE FROM res_partner; --")]],
        ANY_ERROR_IS_A_FAILURE,
        r"^\[\]$",
        count("res.partner"),
    ),
    Case(
        "customer_name_search_with_sql",
        "admin",
        "res.partner",
        "name_search",
        ["x' OR '1'='1"],
        ANY_ERROR_IS_A_FAILURE,
        r"^\[\]$",
        count("res.partner"),
    ),
    # ------------------------------------------------------------ leads, orders
    Case(
        "lead_forward_state_unknown",
        "admin",
        "crm.lead",
        "write",
        lambda w: [[w.lead_own], {"forward_state": "lost in the mail"}],
        "ValidationError",
        r"“lost in the mail” is not a possible Forwarding of Lead/Opportunity",
        read("crm.lead", attr("lead_own"), ["forward_state"]),
    ),
    Case(
        "lead_forwarded_to_nobody",
        "admin",
        "crm.lead",
        "write",
        lambda w: [[w.lead_own], {"forward_partner_id": MISSING_ID}],
        "MissingError",
        rf"Forwarded To of Lead/Opportunity refers to Contact #{MISSING_ID}, which "
        rf"does not exist",
        read("crm.lead", attr("lead_own"), ["forward_partner_id"]),
    ),
    Case(
        "order_channel_as_text",
        "admin",
        "sale.order",
        "create",
        lambda w: [{"partner_id": w.customer_a, "channel_id": "Tmall"}],
        "ValidationError",
        r"Sales Channel of Sales Order must be the id of a record of Sales Channel, "
        r"not “Tmall”",
        count("sale.order"),
    ),
    Case(
        "order_warehouse_source_unknown",
        "admin",
        "sale.order",
        "create",
        lambda w: [{"partner_id": w.customer_a, "warehouse_source": "moon"}],
        "ValidationError",
        r"“moon” is not a possible Warehouse Source of Sales Order",
        count("sale.order"),
    ),
    # ------------------------------------------------------------ targets
    Case(
        "target_ends_before_it_starts",
        "admin",
        "sales.target",
        "create",
        territory_target(date_from="2031-03-31", date_to="2031-03-01"),
        "ValidationError",
        r"ends on 03/01/2031, before it starts on 03/31/2031",
        TARGETS,
    ),
    Case(
        "target_negative",
        "admin",
        "sales.target",
        "create",
        territory_target(target_value=-5000),
        "ValidationError",
        r"must be greater than zero",
        TARGETS,
    ),
    Case(
        "target_duplicate",
        "admin",
        "sales.target",
        "create",
        lambda w: [
            {
                "dimension": "territory",
                "territory_id": w.target_existing["territory_id"][0],
                "measure": w.target_existing["measure"],
                "period_type": w.target_existing["period_type"],
                "date_from": w.target_existing["date_from"],
                "target_value": 5.0,
            }
        ],
        "ValidationError",
        r"There is already a target for the same .* Revise it instead",
        TARGETS,
    ),
    Case(
        "target_value_as_text",
        "admin",
        "sales.target",
        "create",
        territory_target(target_value="lots"),
        "ValidationError",
        r"Target of Sales Target must be a number, not “lots”",
        TARGETS,
    ),
    Case(
        "target_value_not_a_number",
        "admin",
        "sales.target",
        "create",
        territory_target(target_value=float("nan")),
        "ValidationError",
        r"Target of Sales Target must be a number, not nan",
        TARGETS,
    ),
    Case(
        "target_value_as_list",
        "admin",
        "sales.target",
        "create",
        territory_target(target_value=[1, 2]),
        "ValidationError",
        r"must be a number, not \[1, 2\]",
        TARGETS,
    ),
    Case(
        "target_value_absurd",
        "admin",
        "sales.target",
        "create",
        territory_target(target_value=1e308),
        "ValidationError",
        r"Target of Sales Target must be a number between -999999999999999 and "
        r"999999999999999, not 1e\+308",
        TARGETS,
    ),
    Case(
        "target_date_that_does_not_exist",
        "admin",
        "sales.target",
        "create",
        territory_target(date_from="2031-02-30"),
        "ValidationError",
        r"Start of Sales Target must be a date \(YYYY-MM-DD\), not “2031-02-30”",
        TARGETS,
    ),
    Case(
        "target_date_as_number",
        "admin",
        "sales.target",
        "create",
        territory_target(date_to=20310331),
        "ValidationError",
        r"End of Sales Target must be a date \(YYYY-MM-DD\), not 20310331",
        TARGETS,
    ),
    Case(
        "target_territory_as_code",
        "admin",
        "sales.target",
        "create",
        territory_target(territory_id="CN"),
        "ValidationError",
        r"Territory of Sales Target must be the id of a record of Sales Territory",
        TARGETS,
    ),
    Case(
        "target_measure_unknown",
        "admin",
        "sales.target",
        "create",
        territory_target(measure="happiness"),
        "ValidationError",
        r"“happiness” is not a possible Measure of Sales Target",
        TARGETS,
    ),
    Case(
        "target_territory_of_another_company",
        "admin",
        "sales.target",
        "create",
        territory_target(territory_id=lambda w: w.territory_b),
        "ValidationError",
        r"Territory B-Land belongs to Hostile Co B, not to",
        TARGETS,
    ),
    Case(
        "target_created_by_salesperson",
        "salesman",
        "sales.target",
        "create",
        territory_target(),
        "AccessError",
        r"You are not allowed to create 'Sales Target'",
        TARGETS,
    ),
    Case(
        "target_confirm_unknown_id",
        "admin",
        "sales.target",
        "action_confirm",
        [[MISSING_ID]],
        "MissingError",
        r"Record does not exist or has been deleted",
        TARGETS,
    ),
    Case(
        "target_confirmed_written_without_revision",
        "admin",
        "sales.target",
        "write",
        lambda w: [[w.target_confirmed], {"target_value": 1.0}],
        "UserError",
        r"is confirmed: change it with Revise",
        CONFIRMED_TARGET,
    ),
    Case(
        "target_revised_to_negative",
        "admin",
        "sales.target.revise",
        "action_apply",
        revise(-10.0, "Market collapsed"),
        "UserError",
        r"The new target of .* must be greater than zero",
        CONFIRMED_TARGET,
    ),
    Case(
        "target_revised_without_reason",
        "admin",
        "sales.target.revise",
        "action_apply",
        revise(12345.0, " \n\t "),
        "UserError",
        r"Give the reason why the target",
        CONFIRMED_TARGET,
    ),
    Case(
        "target_revised_with_a_100k_reason_to_zero",
        "admin",
        "sales.target.revise",
        "action_apply",
        revise(0.0, LONG_TEXT),
        "UserError",
        r"must be greater than zero",
        CONFIRMED_TARGET,
    ),
    Case(
        "target_revision_value_as_text",
        "admin",
        "sales.target.revise",
        "create",
        lambda w: [{"target_id": w.target_confirmed, "new_value": "ten"}],
        "ValidationError",
        r"New Target of Revise a Sales Target must be a number, not “ten”",
        CONFIRMED_TARGET,
    ),
    # ------------------------------------------------------------ incentives, phasing
    Case(
        "incentive_plan_measure_unknown",
        "admin",
        "sales.incentive.plan",
        "write",
        lambda w: [[w.plan], {"measure": "smiles"}],
        "ValidationError",
        r"“smiles” is not a possible Measure of Sales Incentive Plan",
        read("sales.incentive.plan", attr("plan"), ["measure", "state"]),
    ),
    Case(
        "incentive_level_payout_as_text",
        "admin",
        "sales.incentive.plan.level",
        "write",
        lambda w: [[w.plan_level], {"payout": "a lot"}],
        "ValidationError",
        r"Payout \(%\) of Sales Incentive Payout Level must be a number, not "
        r"“a lot”",
        read("sales.incentive.plan.level", attr("plan_level"), ["payout"]),
    ),
    Case(
        "phasing_share_absurd",
        "admin",
        "sales.target.phasing",
        "write",
        lambda w: [[w.phasing], {"share_01": 1e308}],
        "ValidationError",
        r"of Target Phasing Profile must be a number between",
        read("sales.target.phasing", attr("phasing"), ["share_01"]),
    ),
    # ------------------------------------------------------------ realignment
    Case(
        "realignment_effective_date_impossible",
        "admin",
        "sales.territory.realignment",
        "write",
        lambda w: [[w.realignment], {"effective_date": "2030-13-45"}],
        "ValidationError",
        r"Effective Date of Territory Realignment must be a date",
        read("sales.territory.realignment", attr("realignment"), ["effective_date"]),
    ),
    Case(
        "realignment_scheduled_without_date",
        "admin",
        "sales.territory.realignment",
        "action_schedule",
        lambda w: [[w.realignment]],
        "UserError",
        r"Set the effective date of RPC realignment before scheduling it",
        read("sales.territory.realignment", attr("realignment"), ["state"]),
    ),
    Case(
        "realignment_scheduled_in_the_past",
        "admin",
        "sales.territory.realignment",
        "action_schedule",
        lambda w: [[w.realignment_past]],
        "UserError",
        r"The effective date of RPC realignment in the past, 01/01/2020, is in the "
        r"past",
        probe(
            read("sales.territory.realignment", attr("realignment_past"), ["state"]),
            count("sales.territory.realignment.line"),
        ),
    ),
    Case(
        "realignment_scope_unknown",
        "admin",
        "sales.territory.realignment",
        "write",
        lambda w: [[w.realignment], {"scope": "everyone"}],
        "ValidationError",
        r"“everyone” is not a possible Scope",
        read("sales.territory.realignment", attr("realignment"), ["scope"]),
    ),
    Case(
        "realignment_territory_of_another_company",
        "admin",
        "sales.territory.realignment",
        "write",
        lambda w: [[w.realignment], {"territory_ids": [(6, 0, [w.territory_b])]}],
        "UserError",
        r"Incompatible companies on records",
        read("sales.territory.realignment", attr("realignment"), ["territory_ids"]),
    ),
    Case(
        "realignment_territories_as_text",
        "admin",
        "sales.territory.realignment",
        "write",
        lambda w: [[w.realignment], {"territory_ids": [(6, 0, "CN")]}],
        "ValidationError",
        r"Territories of Territory Realignment must be a list of ids of records of "
        r"Sales Territory",
        read("sales.territory.realignment", attr("realignment"), ["territory_ids"]),
    ),
    Case(
        "realignment_territory_that_does_not_exist",
        "admin",
        "sales.territory.realignment",
        "write",
        lambda w: [[w.realignment], {"territory_ids": [(4, w.zj), (4, MISSING_ID)]}],
        "MissingError",
        rf"Territories of Territory Realignment refers to Sales Territory "
        rf"#{MISSING_ID}, which does not exist",
        read("sales.territory.realignment", attr("realignment"), ["territory_ids"]),
    ),
    # ------------------------------------------------------------ channels
    Case(
        "channel_group_is_itself",
        "admin",
        "sales.channel",
        "write",
        lambda w: [[w.online], {"parent_id": w.online}],
        "ValidationError",
        r"Channel 线上渠道 cannot be in group 线上渠道",
        read("sales.channel", attr("online"), ["parent_id", "parent_path"]),
    ),
    Case(
        "channel_group_is_one_of_its_channels",
        "admin",
        "sales.channel",
        "write",
        lambda w: [[w.online], {"parent_id": w.tmall}],
        "ValidationError",
        r"cannot be in group 线上渠道 / 天猫旗舰店",
        read("sales.channel", attr("online"), ["parent_id", "parent_path"]),
    ),
    Case(
        "channel_type_unknown",
        "admin",
        "sales.channel",
        "create",
        [{"name": "Telepathy 🚀", "channel_type": "telepathy"}],
        "ValidationError",
        r"“telepathy” is not a possible Type of Sales Channel",
        CHANNELS,
    ),
    Case(
        "channel_duplicate_code_unicode_name",
        "admin",
        "sales.channel",
        "create",
        [{"name": "线上渠道 🚀 二号", "code": "ONLINE"}],
        "ValidationError",
        r"The code ONLINE is already used by channel 线上渠道",
        CHANNELS,
    ),
    Case(
        "channel_code_of_100k_characters",
        "admin",
        "sales.channel",
        "create",
        [{"name": "Long", "code": LONG_TEXT}],
        "ValidationError",
        r"Code of Sales Channel is too long \(100000 characters\)",
        CHANNELS,
    ),
    Case(
        "channel_search_with_script",
        "admin",
        "sales.channel",
        "search",
        [[("name", "ilike", SCRIPT)]],
        ANY_ERROR_IS_A_FAILURE,
        r"^\[\]$",
        CHANNELS,
    ),
    # ------------------------------------------------------------ matrix
    Case(
        "matrix_duplicate_cell",
        "admin",
        "sales.territory.channel",
        "create",
        lambda w: [{"territory_id": w.cn, "channel_id": w.tmall, "policy": "blocked"}],
        "ValidationError",
        r"Territory 中国 already has a policy for channel 线上渠道 / 天猫旗舰店",
        probe(
            CELLS,
            read("sales.territory.channel", attr("policy_cn_tmall"), ["policy"]),
        ),
    ),
    Case(
        "matrix_cell_policy_unknown",
        "admin",
        "sales.territory.channel",
        "create",
        lambda w: [
            {"territory_id": w.zj, "channel_id": w.telesales, "policy": "maybe"}
        ],
        "ValidationError",
        r"“maybe” is not a possible Policy",
        CELLS,
    ),
    Case(
        "matrix_editor_policy_unknown",
        "admin",
        "sales.territory.channel",
        "set_matrix_policy",
        lambda w: [w.zj, w.telesales, "maybe"],
        "ValidationError",
        r"Unknown policy maybe",
        CELLS,
    ),
    Case(
        "matrix_edited_by_salesperson",
        "salesman",
        "sales.territory.channel",
        "set_matrix_policy",
        lambda w: [w.zj, w.telesales, "blocked"],
        "AccessError",
        r"You are not allowed to change the territory x channel matrix",
        CELLS,
    ),
    Case(
        "matrix_cell_across_companies",
        "admin",
        "sales.territory.channel",
        "create",
        lambda w: [{"territory_id": w.territory_b, "channel_id": w.tmall}],
        "ValidationError",
        r"Territory B-Land and channel .* belong to different companies",
        CELLS,
    ),
    # ------------------------------------------------------------ inventory
    Case(
        "sourcing_warehouse_of_another_company",
        "admin",
        "territory.sourcing.rule",
        "create",
        lambda w: [{"territory_id": w.zj, "warehouse_id": w.warehouse_b}],
        "ValidationError",
        r"Warehouse B Warehouse belongs to Hostile Co B, but territory .* belongs",
        count("territory.sourcing.rule"),
    ),
    Case(
        "sourcing_priority_absurd",
        "admin",
        "territory.sourcing.rule",
        "create",
        lambda w: [
            {"territory_id": w.zj, "warehouse_id": w.warehouse_east, "sequence": 2**40}
        ],
        "ValidationError",
        r"Priority of Territory Sourcing Rule must be a whole number",
        count("territory.sourcing.rule"),
    ),
    Case(
        "replenishment_service_level_above_100",
        "admin",
        "res.company",
        "write",
        lambda w: [[w.company_a], {"replenishment_service_level": 150}],
        "ValidationError",
        r"service level must be above 50 % and at most 99.9 % \(it is 150.0 %\)",
        COMPANY,
    ),
    Case(
        "replenishment_history_absurd",
        "admin",
        "res.company",
        "write",
        lambda w: [[w.company_a], {"replenishment_history_days": 100_000}],
        "ValidationError",
        r"demand history and the surplus limit are at most 3650 days",
        COMPANY,
    ),
    Case(
        "company_deal_protection_absurd",
        "admin",
        "res.company",
        "write",
        lambda w: [[w.company_a], {"deal_protection_days": 10**12}],
        "ValidationError",
        r"Deal Protection \(days\) of Companies must be a whole number between",
        COMPANY,
    ),
    Case(
        "company_channel_weight_not_a_number",
        "admin",
        "res.company",
        "write",
        lambda w: [[w.company_a], {"channel_weight_revenue": float("nan")}],
        "ValidationError",
        r"Revenue Weight of Companies must be a number, not nan",
        COMPANY,
    ),
    Case(
        "company_segment_window_as_text",
        "admin",
        "res.company",
        "write",
        lambda w: [[w.company_a], {"segment_window_days": "a year"}],
        "ValidationError",
        r"RFM Window \(days\) of Companies must be a whole number",
        COMPANY,
    ),
    Case(
        "settings_order_source_unknown",
        "admin",
        "res.config.settings",
        "create",
        [{"territory_order_source": "horoscope"}],
        "ValidationError",
        r"“horoscope” is not a possible Order Territory From",
        COMPANY,
    ),
    Case(
        "replenishment_settings_review_negative",
        "admin",
        "res.config.settings",
        "create",
        [{"replenishment_review_days": -7}],
        "ValidationError",
        r"Lead time and review period cannot be negative",
        COMPANY,
    ),
    Case(
        "replenishment_settings_lead_time_absurd",
        "admin",
        "res.config.settings",
        "create",
        [{"replenishment_lead_time": 10_000}],
        "ValidationError",
        r"Lead time and review period are at most 365 days",
        COMPANY,
    ),
    Case(
        "replenishment_run_territory_of_another_company",
        "admin",
        "territory.replenishment.run",
        "write",
        lambda w: [[w.replenishment_run], {"territory_ids": [(6, 0, [w.territory_b])]}],
        "UserError",
        r"Incompatible companies on records",
        read(
            "territory.replenishment.run", attr("replenishment_run"), ["territory_ids"]
        ),
    ),
    Case(
        "rebalance_negative_quantity",
        "admin",
        "territory.rebalance.proposal",
        "create",
        lambda w: [
            {
                "product_id": w.product,
                "from_warehouse_id": w.warehouse_east,
                "to_warehouse_id": w.warehouse_south,
                "quantity": -5,
            }
        ],
        "ValidationError",
        r"The quantity to move must be greater than zero",
        count("territory.rebalance.proposal"),
    ),
    # ------------------------------------------------------------ agreements
    Case(
        "agreement_ends_before_it_starts",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(date_start="2031-05-01", date_end="2031-01-01"),
        "ValidationError",
        r"ends \(2031-01-01\) before it starts \(2031-05-01\)",
        AGREEMENTS,
    ),
    Case(
        "agreement_overlapping_exclusivity",
        "admin",
        "channel.partner.agreement",
        "action_activate",
        lambda w: [[w.agreement_overlap]],
        "ValidationError",
        lambda w: (
            rf"Agreements {re.escape(w.agreement_names[1][0])} "
            rf"\({re.escape(w.agreement_names[1][1])}\) and "
            rf"{re.escape(w.agreement_names[0][0])} "
            rf"\({re.escape(w.agreement_names[0][1])}\) are both exclusive"
        ),
        read(
            "channel.partner.agreement",
            lambda w: [w.agreement_overlap, w.agreement_lingnan],
            ["state"],
        ),
    ),
    Case(
        "agreement_rebate_scale_going_down",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(
            rebate_line_ids=[
                (0, 0, {"sequence": 1, "amount_from": 1000, "rate": 5}),
                (0, 0, {"sequence": 2, "amount_from": 500, "rate": 6}),
            ]
        ),
        "ValidationError",
        r"The rebate scale of .* must increase",
        probe(AGREEMENTS, count("channel.partner.agreement.rebate")),
    ),
    Case(
        "agreement_rebate_rate_of_150_percent",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(rebate_line_ids=[(0, 0, {"amount_from": 1000, "rate": 150})]),
        "ValidationError",
        r"A rebate rate is between 0 % and 100 %",
        probe(AGREEMENTS, count("channel.partner.agreement.rebate")),
    ),
    Case(
        "agreement_commitment_negative",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(volume_commitment=-1_000_000),
        "ValidationError",
        r"annual volume commitment of agreement .* cannot be negative",
        AGREEMENTS,
    ),
    Case(
        "agreement_rebate_period_unknown",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(rebate_period="decade"),
        "ValidationError",
        r"“decade” is not a possible Rebate Period",
        AGREEMENTS,
    ),
    Case(
        "agreement_territory_of_another_company",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(territory_ids=lambda w: [(6, 0, [w.territory_b])]),
        "UserError",
        r"Incompatible companies on records[\s\S]*Authorised Territories",
        AGREEMENTS,
    ),
    Case(
        "agreement_territory_that_does_not_exist",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(territory_ids=[(6, 0, [MISSING_ID])]),
        "MissingError",
        rf"Authorised Territories of Channel Partner Agreement refers to Sales "
        rf"Territory #{MISSING_ID}, which does not exist",
        AGREEMENTS,
    ),
    Case(
        "agreement_rebate_scale_as_text",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(rebate_line_ids="5 % above 1000"),
        "ValidationError",
        r"Rebate Scale of Channel Partner Agreement must be a list of ids of "
        r"records of Rebate Scale Step",
        probe(AGREEMENTS, count("channel.partner.agreement.rebate")),
    ),
    Case(
        "agreement_rebate_scale_unknown_command",
        "admin",
        "channel.partner.agreement",
        "create",
        agreement(rebate_line_ids=[(99, 0, {"amount_from": 1000, "rate": 5})]),
        "ValidationError",
        r"Rebate Scale of Channel Partner Agreement must be a list of ids",
        probe(AGREEMENTS, count("channel.partner.agreement.rebate")),
    ),
    Case(
        "agreement_values_not_a_dictionary",
        "admin",
        "channel.partner.agreement",
        "create",
        [["partner_id", "date_start"]],
        "ValidationError",
        r"The values of a Channel Partner Agreement must be given as a dictionary",
        AGREEMENTS,
    ),
    Case(
        "agreement_activate_unknown_id",
        "admin",
        "channel.partner.agreement",
        "action_activate",
        [[MISSING_ID]],
        "MissingError",
        r"Record does not exist or has been deleted",
        AGREEMENTS,
    ),
    # ------------------------------------------------------------ settlements, tiers
    Case(
        "rebate_period_settled_twice",
        "admin",
        "channel.partner.rebate",
        "create",
        lambda w: [
            {
                "agreement_id": w.agreement_lingnan,
                "date_from": f"{YEAR}-01-01",
                "date_to": f"{YEAR}-03-31",
            }
        ],
        "ValidationError",
        r"already settled",
        count("channel.partner.rebate"),
    ),
    Case(
        "rebate_confirmed_twice",
        "admin",
        "channel.partner.rebate",
        "action_confirm",
        lambda w: [[w.rebate]],
        "UserError",
        r"is not accrued: it cannot be confirmed",
        read("channel.partner.rebate", attr("rebate"), ["state", "amount"]),
    ),
    Case(
        "tier_threshold_below_the_lower_tier",
        "admin",
        "channel.partner.tier",
        "write",
        lambda w: [[w.tier_gold], {"threshold": 10}],
        "ValidationError",
        r"The threshold of tier Gold \(10.0\) must be above that of the lower tier "
        r"Silver",
        read("channel.partner.tier", attr("tier_gold"), ["threshold"]),
    ),
    Case(
        "tier_negative_lead_weight",
        "admin",
        "channel.partner.tier",
        "create",
        [{"name": "Negative", "sequence": 90, "threshold": 9e9, "forward_weight": -3}],
        "ValidationError",
        r"lead weight and the open leads capacity of tier Negative cannot be "
        r"negative",
        count("channel.partner.tier"),
    ),
    Case(
        "tier_capacity_absurd",
        "admin",
        "channel.partner.tier",
        "create",
        [{"name": "Huge", "sequence": 91, "threshold": 9e10, "lead_capacity": 10**12}],
        "ValidationError",
        r"Open Leads Capacity of Channel Partner Tier must be a whole number",
        count("channel.partner.tier"),
    ),
    # ------------------------------------------------------------ portal partner
    Case(
        "portal_reads_lead_of_another_partner",
        "portal",
        "crm.lead",
        "read",
        lambda w: [[w.lead_foreign], ["name", "expected_revenue"]],
        "AccessError",
        r"doesn't have 'read' access",
        read("crm.lead", attr("lead_foreign"), ["name"]),
    ),
    Case(
        "portal_writes_lead_of_another_partner",
        "portal",
        "crm.lead",
        "write",
        lambda w: [[w.lead_foreign], {"expected_revenue": 1}],
        "AccessError",
        r"doesn't have '(read|write)' access",
        read("crm.lead", attr("lead_foreign"), ["expected_revenue"]),
    ),
    Case(
        "portal_accepts_lead_of_another_partner",
        "portal",
        "crm.lead",
        "action_forward_accept",
        lambda w: [[w.lead_foreign]],
        "AccessError",
        r"access",
        read("crm.lead", attr("lead_foreign"), ["forward_state", "type"]),
    ),
    Case(
        "portal_changes_salesperson_of_its_lead",
        "portal",
        "crm.lead",
        "write",
        lambda w: [[w.lead_own], {"user_id": w.clients["portal"].uid}],
        "AccessError",
        r"You may not change Salesperson of this lead",
        read("crm.lead", attr("lead_own"), ["user_id"]),
    ),
    Case(
        "portal_declines_without_reason",
        "portal",
        "crm.lead",
        "action_forward_decline",
        lambda w: [[w.lead_own], "   "],
        "UserError",
        r"Give the reason why the lead is declined",
        probe(
            read("crm.lead", attr("lead_own"), ["forward_state", "forward_partner_id"]),
            count("channel.partner.lead.forward"),
        ),
    ),
    Case(
        "portal_creates_deal_directly",
        "portal",
        "channel.partner.deal",
        "create",
        lambda w: [{"title": "Mine", "customer_name": "X", "partner_id": w.lingnan}],
        "AccessError",
        r"You are not allowed to create 'Deal Registration'",
        count("channel.partner.deal"),
    ),
    Case(
        "portal_calls_private_registration",
        "portal",
        "channel.partner.deal",
        "_portal_register",
        [{"title": "Mine", "customer_name": "X"}],
        "AccessError",
        r"Private methods .* cannot be called remotely",
        count("channel.partner.deal"),
    ),
    # ------------------------------------------------------------ deal registration
    Case(
        "deal_negative_revenue",
        "admin",
        "channel.partner.deal",
        "create",
        lambda w: [
            {
                "title": SCRIPT,
                "customer_name": "东莞客户",
                "partner_id": w.lingnan,
                "expected_revenue": -100,
            }
        ],
        "ValidationError",
        r"The expected revenue of <script>alert\('x'\)</script> cannot be negative",
        count("channel.partner.deal"),
    ),
    Case(
        "deal_absurd_revenue",
        "admin",
        "channel.partner.deal",
        "create",
        lambda w: [
            {
                "title": "Big one",
                "customer_name": "Galactic Empire",
                "partner_id": w.lingnan,
                "expected_revenue": 1e300,
            }
        ],
        "ValidationError",
        r"Expected Revenue of Deal Registration must be a number between",
        count("channel.partner.deal"),
    ),
    Case(
        "deal_missing_title",
        "admin",
        "channel.partner.deal",
        "create",
        lambda w: [{"customer_name": "No title", "partner_id": w.lingnan}],
        "ValidationError",
        r"mandatory field is not set[\s\S]*\(title\)",
        count("channel.partner.deal"),
    ),
    Case(
        "deal_reviewed_twice",
        "admin",
        "channel.partner.deal",
        "action_approve",
        lambda w: [[w.deal_rejected]],
        "UserError",
        r"Registration .* was already reviewed",
        probe(
            read("channel.partner.deal", attr("deal_rejected"), ["state"]),
            count("crm.lead"),
        ),
    ),
    Case(
        "deal_rejected_without_reason",
        "admin",
        "channel.partner.deal",
        "action_reject",
        lambda w: [[w.deal_submitted], ""],
        "UserError",
        r"Give the partner the reason of the rejection",
        read("channel.partner.deal", attr("deal_submitted"), ["state"]),
    ),
    # ------------------------------------------------------------ sell-out upload
    Case(
        "sellout_unreadable_xlsx",
        "admin",
        "channel.partner.sellout.import",
        "action_import",
        sellout_upload(b"PK\x03\x04 not a workbook", "sellout.xlsx"),
        "UserError",
        r"sellout.xlsx is not a readable XLSX file",
        SELLOUT,
    ),
    Case(
        "sellout_not_utf8",
        "admin",
        "channel.partner.sellout.import",
        "action_import",
        sellout_upload(b"\xff\xfe\x00d\x80\x81", "sellout.csv"),
        "UserError",
        r"sellout.csv is not UTF-8 text",
        SELLOUT,
    ),
    Case(
        "sellout_missing_columns",
        "admin",
        "channel.partner.sellout.import",
        "action_import",
        sellout_upload(b"date,product\n2026-01-01,Router\n", "sellout.csv"),
        "UserError",
        r"sellout.csv misses the columns customer, quantity, amount",
        SELLOUT,
    ),
    Case(
        "sellout_lines_with_sql_and_script",
        "admin",
        "channel.partner.sellout.import",
        "action_import",
        sellout_upload(
            (
                "date,product,customer,quantity,amount\n"
                f'2026-13-01,"{SQL_DROP}",{SCRIPT},-5,abc\n'
            ).encode(),
            "sellout.csv",
        ),
        "UserError",
        r"Nothing was imported from sellout.csv[\s\S]*Line 2: date '2026-13-01' "
        r"is not a date[\s\S]*DROP TABLE res_partner[\s\S]*<script>",
        probe(SELLOUT, count("res.partner"), count("product.product")),
    ),
    Case(
        "sellout_header_without_lines",
        "admin",
        "channel.partner.sellout.import",
        "action_import",
        sellout_upload(b"date,product,customer,quantity,amount\n\n", "sellout.csv"),
        "UserError",
        r"sellout.csv has no lines",
        SELLOUT,
    ),
    Case(
        "sellout_line_quantity_not_a_number",
        "admin",
        "channel.partner.sellout",
        "create",
        lambda w: [
            {
                "partner_id": w.lingnan,
                "product_id": w.product,
                "date": TODAY.isoformat(),
                "quantity": float("nan"),
            }
        ],
        "ValidationError",
        r"Quantity of Sell-out Line must be a number, not nan",
        SELLOUT,
    ),
    # ------------------------------------------------------------ data, not SQL
    Case(
        "territory_search_with_sql_value",
        "admin",
        "sales.territory",
        "search",
        [[("name", "ilike", "'; DROP TABLE sales_territory; --")]],
        ANY_ERROR_IS_A_FAILURE,
        r"^\[\]$",
        TERRITORIES,
    ),
    Case(
        "territory_name_search_with_sql",
        "admin",
        "sales.territory",
        "name_search",
        ["中国' OR 1=1 --"],
        ANY_ERROR_IS_A_FAILURE,
        r"^\[\]$",
        TERRITORIES,
    ),
]


# ---------------------------------------------------------------- the tests
def test_enough_cases():
    refused = [case for case in CASES if case.error]
    assert len(refused) >= 40
    assert len({case.id for case in CASES}) == len(CASES)
    models = {case.model for case in CASES}
    for model in (
        "sales.territory",
        "sales.territory.rule",
        "sales.target",
        "sales.channel",
        "sales.territory.channel",
        "territory.sourcing.rule",
        "channel.partner.agreement",
        "crm.lead",
    ):
        assert model in models
    assert {case.user for case in CASES} == {
        "admin",
        "salesman",
        "other_company",
        "portal",
    }


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input(world, case):
    client = world.clients[case.user]
    before = case.probe(world)
    args = case.args(world) if callable(case.args) else case.args
    message = case.message(world) if callable(case.message) else case.message
    if case.error is None:
        result = client.execute(case.model, case.method, *args, **case.kwargs)
        assert re.search(message, repr(result)), result
    else:
        with pytest.raises(RpcError) as raised:
            client.execute(case.model, case.method, *args, **case.kwargs)
        error = raised.value
        assert error.name == f"odoo.exceptions.{case.error}", (
            f"{case.id}: expected {case.error}, got {error.name}: {error.message[:500]}"
        )
        assert re.search(message, error.message), error.message[:1000]
        assert not TECHNICAL.search(error.message), error.message[:1000]
    assert case.probe(world) == before, "the database changed"


# Log records of the server (a first line, then its continuation lines).
# Refused writes whose constraint is the database's: Odoo logs the statement
# (odoo.sql_db "bad query") and answers with a ValidationError.
INTEGRITY = re.compile(
    r"^ERROR: (null value in column .* violates not-null constraint"
    r"|new row for relation .* violates check constraint"
    r"|duplicate key value violates unique constraint"
    r"|insert or update on table .* violates foreign key constraint)"
)


def _traceback(lines):
    return any(line.startswith(("Traceback", '  File "')) for line in lines)


def _odoo_noise(level, logger, msg, rest):
    """What Odoo itself logs, as a WARNING, when it stores a damaged file (the
    upload of a broken workbook): its type sniffer fails to open the zip."""
    if level != "WARNING":
        return False
    if logger == "odoo.tools.mimetypes.guess_mimetype":
        return msg.startswith("Sub-checker") and rest[-1:] == [
            "zipfile.BadZipFile: File is not a zip file"
        ]
    return logger == "py.warnings" and "odoo/tools/mimetypes.py" in msg


def test_server_log_is_clean(server, world):
    """Refused requests are logged by odoo.http as WARNINGs (and database
    constraints as "bad query" ERRORs of odoo.sql_db); nothing else may be:
    no other ERROR or WARNING, no traceback of an unexpected exception."""
    records = log_records(server.log_text())
    problems = []
    for level, logger, msg, rest in records:
        if level in ("INFO", "DEBUG") and not _traceback(rest):
            continue
        if level == "WARNING" and logger == "odoo.http" and not _traceback(rest):
            continue  # the message of a refused request (it may take lines)
        if (
            level == "ERROR"
            and logger == "odoo.sql_db"
            and msg.startswith("bad query")
            and any(INTEGRITY.match(extra) for extra in rest)
        ):
            continue
        if _odoo_noise(level, logger, msg, rest):
            continue
        problems.append(f"{level} {logger}: {msg[:300]} {' '.join(rest)[:500]}")
    assert not problems, "\n".join(problems)
    assert len(records) > len(CASES), "the server logged (almost) nothing"
