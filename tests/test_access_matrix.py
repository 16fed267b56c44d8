"""The access matrix of docs/security.md, checked against Odoo itself.

docs/security.md states, for seven roles, what each may do on every model of
the four addons and on the standard documents our record rules restrict:

* on the model (the *Model access* table): read, write, create, delete, as
  ``ir.model.access`` grants them (``Model.browse().has_access(op)``);
* on each row of a fixture (one table per model): whether the role sees the
  row (``search``), may write it, may create a record like it, may delete it,
  as the access rights and the record rules decide (``row.has_access(op)``;
  for ``create`` this is the very check Odoo makes on a new record after
  inserting it, so the create rules are exercised without creating anything).

This test builds that fixture in the database named by ``TCM_TEST_DB`` (the
one ``./dev test`` installed, through the Odoo command of ``TCM_ODOO_CMD``),
inside one transaction that is rolled back at the end, asks Odoo the same
questions as each role and fails with the list of every cell where the
documentation and the behaviour differ. It also fails when a model of the
addons is not in the documentation (or has no row in the fixture), so that a
new model comes with its access documented and tested.
"""

import os
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from odoo_cli import require_odoo, split_odoo_command

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
OUR_ADDONS = (
    "sales_territory",
    "sales_channel",
    "territory_inventory",
    "channel_partner",
)
ROLES = (
    "salesperson",
    "territory_manager",
    "channel_manager",
    "sales_admin",
    "portal_alpha",
    "portal_beta",
    "company_b",
)
# standard models documented as our record rules shape them
STANDARD_MODELS = ("res.partner", "crm.lead", "sale.order", "account.move")
# no mail, no tracking, no invitation
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}
OPERATIONS = ("read", "write", "create", "unlink")
LETTERS = "RWCU"
CELL = re.compile(r"^[R-][W-][C-][U-]$")


# ---------------------------------------------------------------- the document
def _cells(line):
    return [c.strip().strip("`").strip() for c in line.strip().strip("|").split("|")]


def parse_doc(text):
    """The matrix of docs/security.md: ({model: {role: cell}}, {model: {row:
    {role: cell}}}, [format errors]).

    The model access table is the table whose first header cell is ``Model``;
    each model's rows are the table whose first header cell is ``Row`` under
    a heading naming the model in backquotes (e.g. ``#### `sale.order```).
    Columns are found by their header (the role names); other columns (such as
    a description) are ignored. A cell is four characters, ``R W C U`` or
    ``-`` in that order."""
    acl, rows, errors = {}, {}, []
    model = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = re.match(r"^#{2,6}\s+`([a-z0-9_.]+)`\s*$", line)
        if heading:
            model = heading.group(1)
        elif line.startswith("#"):
            model = None
        if not (line.startswith("|") and i + 1 < len(lines)):
            i += 1
            continue
        header = _cells(line)
        if not re.match(r"^\|[\s:|-]+\|?\s*$", lines[i + 1]):
            i += 1
            continue
        i += 2
        body = []
        while i < len(lines) and lines[i].startswith("|"):
            body.append((i + 1, _cells(lines[i])))
            i += 1
        kind = header[0]
        if kind not in ("Model", "Row"):
            continue
        missing = [role for role in ROLES if role not in header]
        if missing:
            errors.append(
                f"docs/security.md: the {kind} table "
                f"{'of ' + model if model else ''} lacks the columns {missing}"
            )
            continue
        column = {role: header.index(role) for role in ROLES}
        if kind == "Row" and not model:
            errors.append(
                f"docs/security.md:{body[0][0] if body else i}: a Row table must "
                "follow a heading that names its model in backquotes"
            )
            continue
        target = acl if kind == "Model" else rows.setdefault(model, {})
        for lineno, cells in body:
            name = cells[0]
            if name in target:
                errors.append(f"docs/security.md:{lineno}: {name} is listed twice")
            target[name] = {}
            for role in ROLES:
                value = cells[column[role]] if column[role] < len(cells) else ""
                if not CELL.match(value):
                    errors.append(
                        f"docs/security.md:{lineno}: {name} / {role}: {value!r} is "
                        "not a cell of four characters R W C U or - (e.g. R-C-)"
                    )
                target[name][role] = value
    return acl, rows, errors


def render(letters):
    return "".join(
        letter if allowed else "-" for letter, allowed in zip(LETTERS, letters)
    )


# ---------------------------------------------------------------- Odoo
def odoo_args():
    """The options of the Odoo command of ./dev (TCM_ODOO_CMD) and the database
    (TCM_TEST_DB); a clear failure when they are missing."""
    cmd, db = require_odoo()
    return split_odoo_command(cmd)[1], db


@contextmanager
def rolled_back_env():
    """An environment of superuser on the test database, in a transaction that
    is rolled back at the end (a commit is refused)."""
    args, db = odoo_args()
    # as odoo-bin: the server runs in UTC (dates of the day, datetimes)
    os.environ["TZ"] = "UTC"
    time.tzset()
    import odoo
    from odoo.tools import config

    config.parse_config(
        [*args, "-d", db, "--log-level=warn", "--max-cron-threads=0"],
        setup_logging=False,
    )
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()

    def refuse_commit():
        raise AssertionError("the access matrix test must not commit")

    cr.commit = refuse_commit
    try:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    finally:
        cr.rollback()
        registry.reset_changes()
        cr.close()


@pytest.fixture(scope="module")
def odoo_env():
    with rolled_back_env() as env:
        yield env


# ---------------------------------------------------------------- the fixture
class Fixture:
    """Users of the seven roles and named rows of every model.

    Company A is the database's main company, company B a new one with its own
    chart of accounts, warehouse and user. In company A:

    * territories ACL Land > North (region, managed by territory_manager) >
      North City (city, salesperson is its only salesperson) and ACL Land >
      South (region, other_rep);
    * channels Direct (managed by channel_manager) > Direct Web, and Retail;
    * channel partners Alpha and Beta, each with a contact and its portal user
      (portal_alpha, portal_beta);
    * documents of north_city, north and south owned by other_rep (a plain
      salesperson who is no role), one owned by the salesperson in the South,
      one without salesperson, one of the Direct channel, one of Alpha.
    """

    def __init__(self, env):
        self.env = env(context=dict(env.context, **QUIET))
        self.rows = defaultdict(dict)  # model: {name: recordset}
        self.users = {}
        self.today = date.today()
        self._build()

    # helpers
    def ref(self, xmlid):
        return self.env.ref(xmlid)

    def add(self, model, name, records):
        assert records, f"fixture {model} / {name} is empty"
        self.rows[model][name] = records
        return records

    def add_view(self, model, name, domain):
        """Rows of a report (SQL view) found by a domain on the fixture."""
        companies = (self.company_a | self.company_b).ids
        records = self.env[model].with_context(allowed_company_ids=companies)
        return self.add(model, name, records.search(domain).with_env(self.env))

    def _user(self, login, groups, company=None, partner=None):
        company = company or self.company_a
        values = {
            "name": login.replace("_", " ").title(),
            "login": f"acl_{login}",
            "email": f"acl_{login}@example.com",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [(6, 0, [self.ref(g).id for g in groups])],
        }
        if partner:
            values["partner_id"] = partner.id
        return self.env["res.users"].with_company(company).create(values)

    def _build(self):
        env = self.env
        self.company_a = self.ref("base.main_company")
        self.company_b = env["res.company"].create(
            {"name": "ACL Company B", "currency_id": self.company_a.currency_id.id}
        )
        env["account.chart.template"].try_loading(
            "generic_coa", self.company_b, install_demo=False
        )
        self.wh_b = (
            env["stock.warehouse"]
            .with_company(self.company_b)
            .create(
                {"name": "ACL B WH", "code": "ACLB", "company_id": self.company_b.id}
            )
        )
        self.env = env = env(
            context=dict(env.context, allowed_company_ids=self.company_a.ids)
        )
        self._build_people()
        self._build_territories()
        self._build_channels()
        self._build_partners()
        self._build_documents()
        self._build_conflicts()
        self._build_territory_records()
        self._build_targets()
        self._build_incentives()
        self._build_channel_records()
        self._build_inventory()
        self._build_partner_records()
        self._build_reports()
        env.flush_all()

    def in_b(self, model):
        return self.env[model].with_company(self.company_b)

    # people
    def _build_people(self):
        sales_user = "sales_team.group_sale_salesman"
        self.users["salesperson"] = self._user(
            "salesperson", ["sales_territory.group_territory_user"]
        )
        self.users["territory_manager"] = self._user(
            "territory_manager", ["sales_territory.group_territory_manager"]
        )
        self.users["channel_manager"] = self._user(
            "channel_manager", ["sales_channel.group_channel_manager"]
        )
        self.users["sales_admin"] = self._user(
            "sales_admin", ["sales_team.group_sale_manager"]
        )
        self.users["company_b"] = self._user(
            "company_b",
            [
                "sales_team.group_sale_manager",
                "stock.group_stock_manager",
                "account.group_account_invoice",
            ],
            company=self.company_b,
        )
        self.other_rep = self._user("other_rep", [sales_user])
        self.other_rep_b = self._user("other_rep_b", [sales_user], self.company_b)

    # territories
    def _build_territories(self):
        Territory = self.env["sales.territory"]
        self.team = self.env["crm.team"].create({"name": "ACL Team"})
        self.root = Territory.create({"name": "ACL Land", "code": "ACL"})
        self.north = Territory.create(
            {
                "name": "ACL North",
                "code": "ACL-N",
                "level": "region",
                "parent_id": self.root.id,
                "manager_id": self.users["territory_manager"].id,
            }
        )
        self.north_city = Territory.create(
            {
                "name": "ACL North City",
                "code": "ACL-NC",
                "level": "city",
                "parent_id": self.north.id,
                "member_ids": [(6, 0, self.users["salesperson"].ids)],
            }
        )
        self.south = Territory.create(
            {
                "name": "ACL South",
                "code": "ACL-S",
                "level": "region",
                "parent_id": self.root.id,
                "member_ids": [(6, 0, self.other_rep.ids)],
            }
        )
        self.territory_b = self.in_b("sales.territory").create(
            {"name": "ACL B Land", "code": "ACL-B", "level": "region"}
        )
        for name in ("root", "north", "north_city", "south"):
            self.add("sales.territory", name, getattr(self, name))
        self.add("sales.territory", "company_b", self.territory_b)

        Rule = self.env["sales.territory.rule"]
        country = self.ref("base.be")
        for name, territory, zip_prefix in (
            ("north_rule", self.north, "ACLN"),
            ("north_city_rule", self.north_city, "ACLNC"),
            ("south_rule", self.south, "ACLS"),
        ):
            rule = Rule.create(
                {
                    "territory_id": territory.id,
                    "country_id": country.id,
                    "zip_prefixes": zip_prefix,
                }
            )
            self.add("sales.territory.rule", name, rule)
        self.add(
            "sales.territory.rule",
            "company_b_rule",
            self.in_b("sales.territory.rule").create(
                {
                    "territory_id": self.territory_b.id,
                    "country_id": country.id,
                    "zip_prefixes": "ACLB",
                }
            ),
        )

    # channels
    def _build_channels(self):
        Channel = self.env["sales.channel"]
        self.direct = Channel.create(
            {
                "name": "ACL Direct",
                "code": "ACL-DIR",
                "channel_type": "direct",
                "manager_id": self.users["channel_manager"].id,
            }
        )
        self.direct_web = Channel.create(
            {
                "name": "ACL Direct Web",
                "code": "ACL-DWEB",
                "channel_type": "ecommerce",
                "parent_id": self.direct.id,
            }
        )
        self.retail = Channel.create(
            {"name": "ACL Retail", "code": "ACL-RET", "channel_type": "retail"}
        )
        self.channel_b = self.in_b("sales.channel").create(
            {"name": "ACL B Direct", "code": "ACL-BDIR", "channel_type": "direct"}
        )
        for name in ("direct", "direct_web", "retail"):
            self.add("sales.channel", name, getattr(self, name))
        self.add("sales.channel", "company_b", self.channel_b)

    # partners
    def _build_partners(self):
        Partner = self.env["res.partner"]
        Tier = self.env["channel.partner.tier"]
        self.tier = Tier.create(
            {"name": "ACL Gold", "sequence": 1000, "threshold": 10**12}
        )
        self.tier_b = self.in_b("channel.partner.tier").create(
            {"name": "ACL B Gold", "sequence": 1000, "threshold": 10**12}
        )

        def customer(name, territory, **vals):
            return Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "company_id": self.company_a.id,
                    "territory_id": territory.id if territory else False,
                    **vals,
                }
            )

        self.north_city_customer = customer("ACL North City Co", self.north_city)
        self.north_customer = customer("ACL North Co", self.north)
        self.south_customer = customer("ACL South Co", self.south)
        self.own_customer = customer(
            "ACL Own Co", self.south, user_id=self.users["salesperson"].id
        )
        self.walk_in_customer = customer("ACL Walk-in Co", self.south)
        self.no_territory_customer = customer("ACL Nowhere Co", None)
        self.shared_contact = Partner.create({"name": "ACL Shared Contact"})
        self.alpha, self.beta = (
            customer(
                name,
                territory,
                is_channel_partner=True,
                partner_kind=kind,
                partner_tier_id=self.tier.id,
                partner_lifecycle="active",
                email=f"{login}@example.com",
            )
            for name, territory, kind, login in (
                ("ACL Alpha Distribution", self.north, "distributor", "alpha"),
                ("ACL Beta Resale", self.south, "reseller", "beta"),
            )
        )
        for partner, role in ((self.alpha, "portal_alpha"), (self.beta, "portal_beta")):
            contact = Partner.create(
                {
                    "name": f"{partner.name} Contact",
                    "parent_id": partner.id,
                    "company_id": partner.company_id.id,
                }
            )
            setattr(self, f"{role}_contact", contact)
            self.users[role] = self._user(role, ["base.group_portal"], partner=contact)
        self.customer_b = self.in_b("res.partner").create(
            {
                "name": "ACL B Customer",
                "is_company": True,
                "company_id": self.company_b.id,
                "territory_id": self.territory_b.id,
            }
        )
        self.alpha_b = self.in_b("res.partner").create(
            {
                "name": "ACL B Partner",
                "is_company": True,
                "company_id": self.company_b.id,
                "is_channel_partner": True,
                "partner_kind": "distributor",
                "partner_tier_id": self.tier_b.id,
                "partner_lifecycle": "active",
            }
        )
        for name in (
            "north_city_customer",
            "south_customer",
            "own_customer",
            "no_territory_customer",
            "shared_contact",
            "alpha",
            "portal_alpha_contact",
            "beta",
            "portal_beta_contact",
        ):
            self.add("res.partner", name, getattr(self, name))
        self.add("res.partner", "company_b_customer", self.customer_b)

    # leads, orders, invoices
    def _build_documents(self):
        env = self.env
        self.product = env["product.product"].create(
            {
                "name": "ACL Widget",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "order",
                "company_id": False,
            }
        )
        rep = self.other_rep
        salesperson = self.users["salesperson"]
        # name: (customer, territory, salesperson, channel)
        specs = {
            "north_city": (self.north_city_customer, self.north_city, rep, self.retail),
            "north": (self.north_customer, self.north, rep, self.retail),
            "south": (self.south_customer, self.south, rep, self.retail),
            "own": (self.own_customer, self.south, salesperson, self.retail),
            "unassigned": (self.walk_in_customer, self.south, None, self.retail),
            "direct": (self.south_customer, self.south, rep, self.direct_web),
            "alpha": (self.alpha, self.north, rep, self.retail),
        }
        Lead = env["crm.lead"]
        Order = env["sale.order"]
        self.leads, self.orders, self.invoices = {}, {}, {}
        for name, (customer, territory, user, channel) in specs.items():
            common = {
                "partner_id": customer.id,
                "territory_id": territory.id,
                "user_id": user.id if user else False,
                "team_id": self.team.id,
                "channel_id": channel.id,
            }
            self.leads[name] = Lead.create(
                {"name": f"ACL {name} lead", "type": "opportunity", **common}
            )
            self.orders[name] = Order.create(
                {
                    **common,
                    "partner_shipping_id": customer.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                            },
                        )
                    ],
                }
            )
        # leads forwarded to the channel partners
        for name, partner in (
            ("alpha_forwarded", self.alpha),
            ("beta_forwarded", self.beta),
        ):
            self.leads[name] = Lead.create(
                {
                    "name": f"ACL lead forwarded to {partner.name}",
                    "type": "opportunity",
                    "partner_id": self.south_customer.id,
                    "territory_id": self.south.id,
                    "user_id": rep.id,
                    "channel_id": self.retail.id,
                    "forward_partner_id": partner.id,
                    "forward_state": "forwarded",
                    "forward_date": f"{self.today} 08:00:00",
                }
            )
        self.lead_b = self.in_b("crm.lead").create(
            {
                "name": "ACL B lead",
                "type": "opportunity",
                "partner_id": self.customer_b.id,
                "company_id": self.company_b.id,
                "user_id": self.other_rep_b.id,
            }
        )
        self.order_b = self.in_b("sale.order").create(
            {
                "partner_id": self.customer_b.id,
                "company_id": self.company_b.id,
                "user_id": self.other_rep_b.id,
                "channel_id": self.channel_b.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 100.0,
                        },
                    )
                ],
            }
        )
        # confirmed, invoiced and posted, except the quotation of north
        for name, order in self.orders.items():
            if name == "north":
                continue
            order.action_confirm()
            order.message_subscribe(partner_ids=order.partner_id.ids)
        self.order_b.action_confirm()
        for name in ("north_city", "south", "own", "direct", "alpha"):
            invoice = self.orders[name]._create_invoices()
            invoice.action_post()
            invoice.message_subscribe(partner_ids=invoice.partner_id.ids)
            self.invoices[name] = invoice
        self.invoice_b = self.order_b.with_company(self.company_b)._create_invoices()
        self.invoice_b.action_post()
        self.vendor_bill = env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.alpha.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    (0, 0, {"name": "ACL purchase", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        for name, lead in self.leads.items():
            self.add("crm.lead", f"{name}_lead", lead)
        self.add("crm.lead", "company_b_lead", self.lead_b)
        for name, order in self.orders.items():
            self.add("sale.order", f"{name}_order", order)
            self.add("sale.order.line", f"{name}_order", order.order_line)
            self.add_view(
                "sale.report",
                f"{name}_order",
                [("order_reference", "=", f"sale.order,{order.id}")],
            )
        self.add("sale.order", "company_b_order", self.order_b)
        self.add("sale.order.line", "company_b_order", self.order_b.order_line)
        self.add_view(
            "sale.report",
            "company_b_order",
            [("order_reference", "=", f"sale.order,{self.order_b.id}")],
        )
        invoices = dict(self.invoices, company_b=self.invoice_b)
        for name, invoice in invoices.items():
            self.add("account.move", f"{name}_invoice", invoice)
            self.add("account.move.line", f"{name}_invoice", invoice.line_ids)
            self.add_view(
                "account.invoice.report",
                f"{name}_invoice",
                [("move_id", "=", invoice.id)],
            )
        self.add("account.move", "vendor_bill", self.vendor_bill)
        self.add("account.move.line", "vendor_bill", self.vendor_bill.line_ids)
        self.add_view(
            "account.invoice.report",
            "vendor_bill",
            [("move_id", "=", self.vendor_bill.id)],
        )

    # territory administration
    def _build_territory_records(self):
        env = self.env
        Log = env["sales.territory.move.log"]
        logs = {
            "north_city": Log.create(
                {
                    "partner_id": self.north_city_customer.id,
                    "from_territory_id": self.south.id,
                    "to_territory_id": self.north_city.id,
                    "origin": "manual",
                }
            ),
            "south": Log.create(
                {
                    "partner_id": self.south_customer.id,
                    "from_territory_id": self.root.id,
                    "to_territory_id": self.south.id,
                    "origin": "auto",
                }
            ),
            "company_b": self.in_b("sales.territory.move.log").create(
                {
                    "partner_id": self.customer_b.id,
                    "to_territory_id": self.territory_b.id,
                    "origin": "manual",
                    "company_id": self.company_b.id,
                }
            ),
        }
        Realignment = env["sales.territory.realignment"]
        self.realignment = Realignment.create(
            {
                "name": "ACL realignment",
                "scope": "territories",
                "territory_ids": [(6, 0, self.root.ids)],
            }
        )
        self.realignment_b = self.in_b("sales.territory.realignment").create(
            {"name": "ACL B realignment", "company_id": self.company_b.id}
        )
        self.add("sales.territory.realignment", "realignment", self.realignment)
        self.add("sales.territory.realignment", "company_b", self.realignment_b)
        # proposed moves, as a preview writes them (one applied)
        from odoo.tools import SQL

        line_ids = {}
        for name, realignment, company, partner, old, new, state in (
            (
                "north_city",
                self.realignment,
                self.company_a,
                self.no_territory_customer,
                None,
                self.north_city,
                "done",
            ),
            (
                "south",
                self.realignment,
                self.company_a,
                self.south_customer,
                self.south,
                self.north,
                "todo",
            ),
            (
                "company_b",
                self.realignment_b,
                self.company_b,
                self.customer_b,
                None,
                self.territory_b,
                "todo",
            ),
        ):
            env.cr.execute(
                SQL(
                    "INSERT INTO sales_territory_realignment_result "
                    "(realignment_id, company_id, partner_id, current_territory_id, "
                    "new_territory_id, state, applied_uid, applied_date) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC') "
                    "RETURNING id",
                    realignment.id,
                    company.id,
                    partner.id,
                    old.id if old else None,
                    new.id,
                    state,
                    env.uid,
                )
            )
            line_ids[name] = env.cr.fetchone()[0]
        Line = env["sales.territory.realignment.line"]
        for name, line_id in line_ids.items():
            self.add("sales.territory.realignment.line", name, Line.browse(line_id))
        Move = env["sales.territory.move"]
        for name, log in logs.items():
            self.add("sales.territory.move", name, Move.browse(log.id * 2))
            self.add("sales.territory.move.log", name, log)
        self.add(
            "sales.territory.move",
            "realigned",
            Move.browse(line_ids["north_city"] * 2 + 1),
        )
        Balance = env["sales.territory.realignment.balance"]
        self.add(
            "sales.territory.realignment.balance",
            "realignment",
            Balance.create(
                {
                    "realignment_id": self.realignment.id,
                    "company_id": self.company_a.id,
                    "territory_id": self.north_city.id,
                }
            ),
        )
        self.add(
            "sales.territory.realignment.balance",
            "company_b",
            Balance.create(
                {
                    "realignment_id": self.realignment_b.id,
                    "company_id": self.company_b.id,
                    "territory_id": self.territory_b.id,
                }
            ),
        )

        Job = self.env["sales.territory.job"].sudo()
        for name, user, company in (
            ("salesperson", self.users["salesperson"], self.company_a),
            ("sales_admin", self.users["sales_admin"], self.company_a),
            ("company_b", self.users["company_b"], self.company_b),
        ):
            job = Job.create(
                {
                    "name": f"ACL job of {name}",
                    "user_id": user.id,
                    "company_id": company.id,
                    "res_model": "sales.target",
                    "res_ids": [],
                    "method": "_job_refresh",
                }
            )
            self.add("sales.territory.job", name, job.with_env(self.env))

    # targets
    def _build_targets(self):
        Target = self.env["sales.target"]
        month = self.today.replace(day=1)
        common = {"period_type": "month", "date_from": month, "measure": "ordered"}
        self.targets = {
            "north_city": Target.create(
                {**common, "territory_id": self.north_city.id, "target_value": 1000}
            ),
            "north": Target.create(
                {**common, "territory_id": self.north.id, "target_value": 2000}
            ),
            "south": Target.create(
                {**common, "territory_id": self.south.id, "target_value": 3000}
            ),
            "own": Target.create(
                {
                    **common,
                    "dimension": "user",
                    "user_id": self.users["salesperson"].id,
                    "target_value": 500,
                }
            ),
            "company_b": self.in_b("sales.target").create(
                {
                    **common,
                    "territory_id": self.territory_b.id,
                    "company_id": self.company_b.id,
                    "target_value": 100,
                }
            ),
        }
        for target in self.targets.values():
            target.with_company(target.company_id).action_confirm()
        Revision = self.env["sales.target.revision"]
        for name, target in self.targets.items():
            self.add("sales.target", name, target)
            self.add(
                "sales.target.revision",
                name,
                Revision.create(
                    {
                        "target_id": target.id,
                        "old_value": target.target_value,
                        "new_value": target.target_value + 1,
                        "reason": "ACL",
                    }
                ),
            )
        Phasing = self.env["sales.target.phasing"]
        self.add(
            "sales.target.phasing",
            "company_a",
            Phasing.create({"name": "ACL phasing", "company_id": self.company_a.id}),
        )
        self.add(
            "sales.target.phasing",
            "shared",
            Phasing.create({"name": "ACL shared phasing", "company_id": False}),
        )
        self.add(
            "sales.target.phasing",
            "company_b",
            Phasing.create({"name": "ACL B phasing", "company_id": self.company_b.id}),
        )

    # incentives
    def _build_incentives(self):
        Plan = self.env["sales.incentive.plan"]
        plans = {
            "company_a": Plan.create(
                {
                    "name": "ACL plan",
                    "role": "salesperson",
                    "participant_rule": "users",
                    "level_ids": [(0, 0, {"achievement_from": 0, "payout": 0})],
                }
            ),
            "company_b": self.in_b("sales.incentive.plan").create(
                {
                    "name": "ACL B plan",
                    "role": "salesperson",
                    "participant_rule": "users",
                    "company_id": self.company_b.id,
                    "level_ids": [(0, 0, {"achievement_from": 0, "payout": 0})],
                }
            ),
        }
        for name, plan in plans.items():
            self.add("sales.incentive.plan", name, plan)
            self.add("sales.incentive.plan.level", name, plan.level_ids)
        Statement = self.env["sales.incentive.statement"]
        month = self.today.replace(day=1)
        previous = (month - timedelta(days=1)).replace(day=1)
        for name, plan, user, territories, start in (
            ("salesperson", "company_a", "salesperson", self.north_city, month),
            ("territory_manager", "company_a", "territory_manager", self.north, month),
            ("north_city_rep", "company_a", self.other_rep, self.north_city, month),
            ("south_rep", "company_a", self.other_rep, self.south, previous),
            ("company_b", "company_b", self.other_rep_b, self.territory_b, month),
        ):
            plan = plans[plan]
            user = self.users[user] if isinstance(user, str) else user
            self.add(
                "sales.incentive.statement",
                name,
                Statement.with_company(plan.company_id).create(
                    {
                        "plan_id": plan.id,
                        "user_id": user.id,
                        "company_id": plan.company_id.id,
                        "date_from": start,
                        "date_to": start + timedelta(days=27),
                        "territory_ids": [(6, 0, territories.ids)],
                    }
                ),
            )

    # channels
    def _build_channel_records(self):
        Policy = self.env["sales.territory.channel"]
        for name, territory, channel in (
            ("north_direct", self.north, self.direct),
            ("north_retail", self.north, self.retail),
            ("south_retail", self.south, self.retail),
        ):
            self.add(
                "sales.territory.channel",
                name,
                Policy.create(
                    {
                        "territory_id": territory.id,
                        "channel_id": channel.id,
                        "policy": "allowed",
                    }
                ),
            )
        self.add(
            "sales.territory.channel",
            "company_b",
            self.in_b("sales.territory.channel").create(
                {
                    "territory_id": self.territory_b.id,
                    "channel_id": self.channel_b.id,
                    "policy": "allowed",
                }
            ),
        )
        Card = self.env["sales.channel.scorecard"]
        month = self.today.replace(day=1)
        for name, channel, company in (
            ("direct", self.direct, self.company_a),
            ("retail", self.retail, self.company_a),
            ("company_b", self.channel_b, self.company_b),
        ):
            self.add(
                "sales.channel.scorecard",
                name,
                Card.create(
                    {
                        "channel_id": channel.id,
                        "company_id": company.id,
                        "date_from": month,
                        "date_to": month + timedelta(days=27),
                    }
                ),
            )

    # inventory
    def _build_inventory(self):
        env = self.env
        Warehouse = env["stock.warehouse"]
        self.wh_north = Warehouse.create({"name": "ACL North WH", "code": "ACLN"})
        self.wh_south = Warehouse.search(
            [("company_id", "=", self.company_a.id), ("id", "!=", self.wh_north.id)],
            limit=1,
        )
        self.wh_b2 = Warehouse.with_company(self.company_b).create(
            {"name": "ACL B WH 2", "code": "ACLB2", "company_id": self.company_b.id}
        )
        self.north.warehouse_id = self.wh_north
        self.territory_b.warehouse_id = self.wh_b
        Quant = env["stock.quant"]
        Quant._update_available_quantity(self.product, self.wh_north.lot_stock_id, 10)
        Quant.with_company(self.company_b)._update_available_quantity(
            self.product, self.wh_b.lot_stock_id, 10
        )
        Rule = env["territory.sourcing.rule"]
        self.add(
            "territory.sourcing.rule",
            "north",
            Rule.create(
                {"territory_id": self.north.id, "warehouse_id": self.wh_north.id}
            ),
        )
        self.add(
            "territory.sourcing.rule",
            "south",
            Rule.create(
                {"territory_id": self.south.id, "warehouse_id": self.wh_south.id}
            ),
        )
        self.add(
            "territory.sourcing.rule",
            "company_b",
            self.in_b("territory.sourcing.rule").create(
                {"territory_id": self.territory_b.id, "warehouse_id": self.wh_b.id}
            ),
        )
        for name, company, warehouse, other in (
            ("company_a", self.company_a, self.wh_north, self.wh_south),
            ("company_b", self.company_b, self.wh_b, self.wh_b2),
        ):
            run = (
                self.in_b("territory.replenishment.run")
                .with_company(company)
                .create({"company_id": company.id})
            )
            self.add("territory.replenishment.run", name, run)
            self.add(
                "territory.replenishment.line",
                name,
                env["territory.replenishment.line"].create(
                    {
                        "run_id": run.id,
                        "company_id": company.id,
                        "warehouse_id": warehouse.id,
                        "product_id": self.product.id,
                    }
                ),
            )
            self.add(
                "territory.rebalance.proposal",
                name,
                env["territory.rebalance.proposal"].create(
                    {
                        "company_id": company.id,
                        "product_id": self.product.id,
                        "from_warehouse_id": warehouse.id,
                        "to_warehouse_id": other.id,
                        "quantity": 1,
                    }
                ),
            )

    # channel partners
    def _build_partner_records(self):
        env = self.env
        year = self.today.year
        Agreement = env["channel.partner.agreement"]
        agreements = {}
        for name, partner, company, active in (
            ("alpha", self.alpha, self.company_a, True),
            ("alpha_draft", self.alpha, self.company_a, False),
            ("beta", self.beta, self.company_a, True),
            ("company_b", self.alpha_b, self.company_b, True),
        ):
            agreement = Agreement.with_company(company).create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_start": date(year, 1, 1),
                    "date_end": date(year, 12, 31),
                    "rebate_period": "quarter",
                    "rebate_line_ids": [(0, 0, {"amount_from": 1000, "rate": 2.0})],
                }
            )
            if active:
                agreement.action_activate()
            agreements[name] = agreement
            self.add("channel.partner.agreement", name, agreement)
            self.add(
                "channel.partner.agreement.rebate", name, agreement.rebate_line_ids
            )
        Rebate = env["channel.partner.rebate"]
        for name, agreement, state, quarter in (
            ("alpha", agreements["alpha"], "confirmed", 1),
            ("alpha_draft", agreements["alpha"], "draft", 2),
            ("beta", agreements["beta"], "confirmed", 1),
            ("company_b", agreements["company_b"], "confirmed", 1),
        ):
            start = date(year, 3 * quarter - 2, 1)
            self.add(
                "channel.partner.rebate",
                name,
                Rebate.with_company(agreement.company_id).create(
                    {
                        "agreement_id": agreement.id,
                        "date_from": start,
                        "date_to": date(year, 3 * quarter, 28),
                        "state": state,
                    }
                ),
            )
        Review = env["channel.partner.tier.review"]
        for name, partner, company, tier in (
            ("alpha", self.alpha, self.company_a, self.tier),
            ("company_b", self.alpha_b, self.company_b, self.tier_b),
        ):
            self.add(
                "channel.partner.tier.review",
                name,
                Review.create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "proposed_tier_id": tier.id,
                    }
                ),
            )
        self.add("channel.partner.tier", "company_a", self.tier)
        self.add("channel.partner.tier", "company_b", self.tier_b)
        Deal = env["channel.partner.deal"]
        Forward = env["channel.partner.lead.forward"]
        Sellout = env["channel.partner.sellout"]
        Stock = env["channel.partner.stock"]
        Log = env["channel.partner.sellout.import.log"]
        for name, partner, company, lead in (
            ("alpha", self.alpha, self.company_a, self.leads["alpha_forwarded"]),
            ("beta", self.beta, self.company_a, self.leads["beta_forwarded"]),
            ("company_b", self.alpha_b, self.company_b, self.lead_b),
        ):
            customer = (
                self.customer_b if company == self.company_b else self.south_customer
            )
            self.add(
                "channel.partner.deal",
                name,
                Deal.with_company(company).create(
                    {
                        "title": f"ACL deal of {partner.name}",
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "customer_name": customer.name,
                    }
                ),
            )
            self.add(
                "channel.partner.lead.forward",
                name,
                Forward.create(
                    {"lead_id": lead.id, "partner_id": partner.id, "state": "forwarded"}
                ),
            )
            upload = Log.create(
                {
                    "name": f"ACL upload of {partner.name}",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "kind": "sellout",
                }
            )
            self.add("channel.partner.sellout.import.log", name, upload)
            self.add(
                "channel.partner.sellout",
                name,
                Sellout.with_company(company).create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "date": self.today,
                        "product_id": self.product.id,
                        "customer_id": customer.id,
                        "quantity": 3,
                        "import_id": upload.id,
                    }
                ),
            )
            self.add(
                "channel.partner.stock",
                name,
                Stock.with_company(company).create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "date": self.today,
                        "product_id": self.product.id,
                        "quantity": 7,
                    }
                ),
            )

    # channel conflicts: one customer buying through two channels in a month
    def _build_conflicts(self):
        """Confirmed orders that are no row of their own: the North City
        customer buys through Direct Web (besides Retail), company B's
        customer through a second channel of company B. With the South
        customer (Retail and Direct Web), three conflicts."""
        channel_b2 = self.in_b("sales.channel").create(
            {"name": "ACL B Retail", "code": "ACL-BRET", "channel_type": "retail"}
        )
        for customer, territory, channel, company, user in (
            (
                self.north_city_customer,
                self.north_city,
                self.direct_web,
                self.company_a,
                self.other_rep,
            ),
            (
                self.customer_b,
                self.territory_b,
                channel_b2,
                self.company_b,
                self.other_rep_b,
            ),
        ):
            order = (
                self.env["sale.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "territory_id": territory.id,
                        "user_id": user.id,
                        "channel_id": channel.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": self.product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 100.0,
                                },
                            )
                        ],
                    }
                )
            )
            order.action_confirm()

    # reports
    def _build_reports(self):
        env = self.env
        env.flush_all()
        orders = dict(self.orders, company_b=self.order_b)
        for name, order in orders.items():
            if order.state != "sale":
                continue
            self.add_view(
                "sales.performance.report",
                f"{name}_order",
                [("order_id", "=", order.id)],
            )
            self.add_view(
                "sales.demand.report", f"{name}_order", [("order_id", "=", order.id)]
            )
            self.add_view(
                "sales.customer.activity.report",
                f"{name}_order",
                [("order_id", "=", order.id)],
            )
        targets = self.targets
        for name, target in targets.items():
            self.add_view(
                "sales.performance.report",
                f"{name}_target",
                [("target_id", "=", target.id)],
            )
        # customer segments as the last computation left them
        for name, partner, company in (
            ("north_city_customer", self.north_city_customer, self.company_a),
            ("south_customer", self.south_customer, self.company_a),
            ("own_customer", self.own_customer, self.company_a),
            ("company_b_customer", self.customer_b, self.company_b),
        ):
            partner.write({"customer_segment": "loyal", "rfm_company_id": company.id})
            env.flush_all()
            self.add_view(
                "sales.customer.segment.report", name, [("partner_id", "=", partner.id)]
            )
        # territory balance: a row per territory and per salesperson
        for name, territory in (
            ("north_city", self.north_city),
            ("north", self.north),
            ("south", self.south),
            ("company_b", self.territory_b),
        ):
            self.add_view(
                "sales.territory.balance",
                name,
                [("dimension", "=", "territory"), ("territory_id", "=", territory.id)],
            )
        for name, user in (
            ("salesperson", self.users["salesperson"]),
            ("other_rep", self.other_rep),
        ):
            self.add_view(
                "sales.territory.balance",
                name,
                [("dimension", "=", "user"), ("user_id", "=", user.id)],
            )
        # data quality
        self.add_view(
            "sales.territory.quality.issue",
            "no_territory_customer",
            [("partner_id", "=", self.no_territory_customer.id)],
        )
        self.add_view(
            "sales.territory.quality.issue",
            "company_b",
            [("company_id", "=", self.company_b.id)],
        )
        self.add_view(
            "sales.territory.quality",
            "company_a",
            [("company_id", "=", self.company_a.id)],
        )
        self.add_view(
            "sales.territory.quality",
            "company_b",
            [("company_id", "=", self.company_b.id)],
        )
        # channel conflicts (_build_conflicts)
        for name, partner in (
            ("north_city_customer", self.north_city_customer),
            ("south_customer", self.south_customer),
            ("company_b_customer", self.customer_b),
        ):
            self.add_view(
                "sales.channel.conflict", name, [("partner_id", "=", partner.id)]
            )
        # stock coverage of the regional warehouses
        self.add_view(
            "territory.stock.coverage",
            "north",
            [
                ("warehouse_id", "=", self.wh_north.id),
                ("product_id", "=", self.product.id),
            ],
        )
        self.add_view(
            "territory.stock.coverage",
            "company_b",
            [("warehouse_id", "=", self.wh_b.id), ("product_id", "=", self.product.id)],
        )


# ---------------------------------------------------------------- what Odoo says
def documented_models(env):
    """Models the matrix must cover: every stored model (table or SQL view)
    defined by one of our addons, the standard models our record rules
    restrict, and the standard documents of STANDARD_MODELS."""
    models = set(STANDARD_MODELS)
    for name in env.registry:
        model = env[name]
        if model._transient or model._abstract:
            continue
        if model._original_module in OUR_ADDONS:
            models.add(name)
    rules = env["ir.model.data"].search(
        [("model", "=", "ir.rule"), ("module", "in", OUR_ADDONS)]
    )
    models.update(
        env["ir.rule"].browse(rules.mapped("res_id")).mapped("model_id.model")
    )
    return models


def actual_acl(env, user, model):
    Model = env[model].with_user(user).browse()
    return render([Model.has_access(op) for op in OPERATIONS])


def actual_rows(env, user, model, rows):
    """{row name: cell} as the user: seen by search (the read rules), then
    write/create/unlink allowed on every record of the row; ``~`` where only
    some are."""
    Model = env[model].with_user(user)
    every = env[model].browse([i for records in rows.values() for i in records.ids])
    seen = set()
    if Model.browse().has_access("read"):
        seen = set(
            Model.with_context(active_test=False).search([("id", "in", every.ids)]).ids
        )
    allowed = {"read": seen}
    for op in OPERATIONS[1:]:
        allowed[op] = set()
        if Model.browse().has_access(op):
            allowed[op] = set(every.with_user(user)._filtered_access(op).ids)
    cells = {}
    for name, records in rows.items():
        ids = set(records.ids)
        cell = ""
        for letter, op in zip(LETTERS, OPERATIONS):
            count = len(ids & allowed[op])
            cell += letter if count == len(ids) else "-" if not count else "~"
        cells[name] = cell
    return cells


def markdown_section(model, acl_cells, row_cells):
    """The documentation of a model as the database behaves (for a new model:
    to review, then paste into docs/security.md)."""
    head = "| Row | " + " | ".join(ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    lines = [
        f"Model access: | `{model}` | "
        + " | ".join(f"`{acl_cells[r]}`" for r in ROLES)
        + " |",
        f"#### `{model}`",
        "",
        head,
        rule,
    ]
    for name in sorted(next(iter(row_cells.values()))):
        lines.append(
            f"| `{name}` | "
            + " | ".join(f"`{row_cells[r][name]}`" for r in ROLES)
            + " |"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def matrix(odoo_env):
    if not DOC.exists():
        pytest.fail(f"{DOC} is missing: it holds the access matrix", pytrace=False)
    doc_acl, doc_rows, errors = parse_doc(DOC.read_text(encoding="utf-8"))
    fixture = Fixture(odoo_env)
    return fixture, doc_acl, doc_rows, errors


def test_every_model_is_documented(odoo_env, matrix):
    fixture, doc_acl, doc_rows, errors = matrix
    problems = list(errors)
    for model in sorted(documented_models(odoo_env)):
        if model not in doc_acl:
            problems.append(
                f"{model}: not in the Model access table of docs/security.md"
            )
        if model not in doc_rows:
            problems.append(f"{model}: no Row table under a heading `{model}`")
        if not fixture.rows.get(model):
            problems.append(
                f"{model}: the fixture of tests/test_access_matrix.py has no row of "
                "it: add rows (Fixture) and document them"
            )
    for model in sorted(set(doc_acl) | set(doc_rows)):
        if model not in odoo_env:
            problems.append(f"{model}: documented but not a model of the database")
    assert not problems, "The access documentation is incomplete:\n" + "\n".join(
        f"  - {p}" for p in problems
    )


def test_access_matrix(odoo_env, matrix):
    fixture, doc_acl, doc_rows, errors = matrix
    env = odoo_env
    mismatches = list(errors)
    undocumented = []
    for model in sorted(fixture.rows):
        rows = fixture.rows[model]
        acl = {r: actual_acl(env, fixture.users[r], model) for r in ROLES}
        cells = {r: actual_rows(env, fixture.users[r], model, rows) for r in ROLES}
        if model not in doc_acl or model not in doc_rows:
            undocumented.append(markdown_section(model, acl, cells))
            continue
        for role in ROLES:
            if doc_acl[model][role] != acl[role]:
                mismatches.append(
                    f"{model} (model access) / {role}: documented "
                    f"{doc_acl[model][role]}, Odoo says {acl[role]}"
                )
        documented = doc_rows[model]
        for name in sorted(set(rows) | set(documented)):
            if name not in documented:
                mismatches.append(f"{model} / {name}: a fixture row not documented")
                continue
            if name not in rows:
                mismatches.append(f"{model} / {name}: documented, not in the fixture")
                continue
            for role in ROLES:
                if documented[name][role] != cells[role][name]:
                    mismatches.append(
                        f"{model} / {name} / {role}: documented "
                        f"{documented[name][role]}, Odoo says {cells[role][name]}"
                    )
    message = ""
    if mismatches:
        message += (
            f"{len(mismatches)} cell(s) of docs/security.md differ from what Odoo "
            "allows (R read/see, W write, C create, U delete):\n"
            + "\n".join(f"  - {m}" for m in mismatches)
        )
    if undocumented:
        message += "\n\nUndocumented models, as the database behaves:\n\n" + (
            "\n\n".join(undocumented)
        )
    assert not message, message
