"""Concurrency: a realignment under load, two settlements started at once.

A real Odoo server (worker processes, a free loopback port; tests/odoo_rpc.py)
serves a copy of the installed test database. Clients talk to it over
JSON-RPC, each in its own thread, so that their requests run in separate
worker processes and transactions, as in production.

* ``test_realignment_under_order_load``: 20,000 customers in four territories
  (created by SQL from one customer the ORM created), rules that move each
  group to the next territory, a realignment previewed with 20,000 moves.
  One client applies it: above the background threshold, a job is queued,
  which the cron's method runs (an Odoo shell: committed batches) while 20
  clients create and confirm orders for those customers without pause. No client may
  get an error (Odoo retries the serialization failures of the transactions
  that collide; the realignment's batches run in READ COMMITTED so that
  orders confirmed meanwhile do not undo them), every order of these
  customers must be confirmed with the customer's old or new territory,
  every customer must be in its new territory and the audit log
  (``sales.territory.move``) must hold exactly one entry per customer. With
  ``-s`` it prints its figures: orders confirmed while the realignment ran,
  statements failed on a collision, retries.
* ``test_settlements_started_at_once``: two users generate the settlement of
  the same agreement and period at the same moment. Exactly one settlement of
  the period exists afterwards; one call succeeds, the other gets a clear Odoo
  error or the same settlement. The collision is forced: a lock held by the
  test on the settlements' table stops both calls after they have looked for
  an existing settlement and before they insert theirs, until both wait there.
* ``test_server_log_is_clean``: the server logged no error but the failed
  statements of these collisions (serialization failures, deadlocks, the
  duplicate period), and no traceback.

Run by ./dev test (which sets TCM_ODOO_CMD and TCM_TEST_DB). By hand, with a
database where every addon is installed with its demo data:

    TCM_TEST_DB=mydb TCM_ODOO_CMD="$(printf '%s\\x1f' python3 -m odoo -c odoo.conf \\
        --addons-path=addons,/opt/odoo18/odoo/addons | sed 's/\\x1f$//')" \\
        python3 -m pytest tests/test_concurrency.py -p no:odoo -s
"""

import datetime
import random
import re
import threading
import time
from contextlib import closing
from types import SimpleNamespace

import pytest
from odoo_cli import Odoo
from odoo_rpc import RpcError, log_records, serving

CUSTOMERS = 20_000
GROUPS = 4  # customers of territory g move to territory g + 1 (mod GROUPS)
CLIENTS = 20
# one worker applies the realignment, the others serve the 20 clients
WORKERS = 4
PREFIX = "Concurrency Customer "

# Log records of the server (a first line, then its continuation lines).
RETRY = re.compile(
    r"(SERIALIZATION_FAILURE|DEADLOCK_DETECTED|LOCK_NOT_AVAILABLE), "
    r"\d+ tries left"
)
# the statements that may fail, and be logged, when transactions collide
COLLISION = re.compile(
    r"^ERROR: +(could not serialize access due to concurrent update"
    r"|deadlock detected"
    r'|duplicate key value violates unique constraint "channel_partner_rebate_'
    r'period_unique")'
)
# Nothing of the implementation may reach a user.
TECHNICAL = re.compile(
    r"psycopg2|Traceback|IntegrityError|duplicate key|violates|SELECT |INSERT "
)


def is_collision(level, logger, msg, rest):
    """A statement that failed because transactions collided (logged by
    odoo.sql_db with its query on the first line)."""
    return (
        level == "ERROR"
        and logger == "odoo.sql_db"
        and msg.startswith("bad query")
        and any(COLLISION.match(x) for x in rest)
    )


# ---------------------------------------------------------------- the server
@pytest.fixture(scope="module")
def server():
    with serving("h_concurrency", "concurrency-odoo.log", workers=WORKERS) as odoo:
        yield odoo


def connect(server):
    """A direct connection to the server's database (autocommit)."""
    return server.databases.connect(server.db)


# ---------------------------------------------------------------- realignment
def _create_customers(server, template_id, territories):
    """CUSTOMERS copies of the template customer, by one INSERT: customer i
    is in group i % GROUPS, in that group's territory, with zip 9<g><i>, which
    the rules send to the next territory."""
    varying = {
        "id",
        "name",
        "complete_name",
        "commercial_company_name",
        "commercial_partner_id",
        "zip",
        "territory_id",
    }
    with closing(connect(server)) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'res_partner'
                ORDER BY ordinal_position"""
        )
        copied = [c for (c,) in cr.fetchall() if c not in varying]
        copied_cols = ", ".join(f'"{c}"' for c in copied)
        copied_vals = ", ".join(f't."{c}"' for c in copied)
        cr.execute(
            f"""
WITH numbered AS (
    SELECT nextval('res_partner_id_seq') AS id, i, i %% {GROUPS} AS g
      FROM generate_series(0, %(count)s - 1) i
     ORDER BY i
)
INSERT INTO res_partner (id, name, complete_name, commercial_company_name,
                         commercial_partner_id, zip, territory_id, {copied_cols})
SELECT n.id, %(prefix)s || lpad(n.i::text, 5, '0'),
       %(prefix)s || lpad(n.i::text, 5, '0'), %(prefix)s || lpad(n.i::text, 5, '0'),
       n.id, '9' || n.g || lpad(n.i::text, 5, '0'),
       (%(territories)s::int[])[n.g + 1], {copied_vals}
  FROM numbered n
 CROSS JOIN (SELECT * FROM res_partner WHERE id = %(template)s) t
RETURNING id, territory_id
""",
            {
                "count": CUSTOMERS,
                "prefix": PREFIX,
                "territories": territories,
                "template": template_id,
            },
        )
        rows = cr.fetchall()
        cr.execute("ANALYZE res_partner")
    return dict(rows)


def build_realignment(server, admin):
    """Territories, rules, customers and a previewed realignment of them."""
    # Concurrency Land, its territories 0..3 and their rules: the zips of
    # group g (9<g>...) go to territory g + 1
    land = admin.create(
        "sales.territory",
        {
            "name": "Concurrency Land",
            "code": "CCL",
            "child_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"Concurrency {g}",
                        "code": f"CC{g}",
                        "rule_ids": [
                            (
                                0,
                                0,
                                {
                                    "zip_prefixes": f"9{(g - 1) % GROUPS}",
                                    "sequence": 1,
                                },
                            )
                        ],
                    },
                )
                for g in range(GROUPS)
            ],
        },
    )
    territories = admin.search(
        "sales.territory", [("parent_id", "=", land)], order="code"
    )
    template = admin.create(
        "res.partner",
        {
            "name": "Concurrency template customer",
            "is_company": True,
            "customer_rank": 1,
        },
    )
    old = _create_customers(server, template, territories)
    new = {
        partner: territories[(territories.index(territory) + 1) % GROUPS]
        for partner, territory in old.items()
    }
    # a service of the demo (creating a product would clear the caches of
    # every worker: each would hash the password again)
    product = admin.ref("product.product_product_1")
    realignment_id = admin.create(
        "sales.territory.realignment",
        {
            "name": "Concurrency realignment",
            "scope": "territories",
            "territory_ids": [(6, 0, [land])],
            "carry_open_documents": True,
        },
    )
    admin.execute("sales.territory.realignment", "action_preview", [realignment_id])
    preview = admin.read(
        "sales.territory.realignment",
        [realignment_id],
        ["state", "move_count", "conflict_count"],
    )[0]
    assert preview["state"] == "previewed"
    assert (preview["move_count"], preview["conflict_count"]) == (CUSTOMERS, 0), (
        "the preview does not move each customer once, without conflict"
    )
    return SimpleNamespace(
        admin=admin,
        id=realignment_id,
        territories=territories,
        old=old,
        new=new,
        product=product,
    )


@pytest.fixture(scope="module")
def admin(server):
    """The administrator's connection, shared by every client of the tests
    (each request is a connection of its own): a login costs seconds of a
    loaded machine (the password's hash)."""
    return server.client("admin", "admin")


@pytest.fixture(scope="module")
def realignment(server, admin):
    return build_realignment(server, admin)


def _order_client(client, customers, product, stop, results, errors):
    """Create and confirm orders (two calls, as a user does) until stopped."""
    rnd = random.Random(threading.get_ident())
    while not stop.is_set():
        customer = rnd.choice(customers)
        started = time.monotonic()
        try:
            order = client.create(
                "sale.order",
                {
                    "partner_id": customer,
                    "order_line": [
                        (0, 0, {"product_id": product, "product_uom_qty": 1})
                    ],
                },
            )
            client.execute("sale.order", "action_confirm", [order])
        except Exception as exc:  # noqa: BLE001 (reported by the test)
            errors.append(f"order for customer {customer}: {exc}")
            continue
        results.append((order, customer, started, time.monotonic()))


def test_realignment_under_order_load(server, realignment):
    r = realignment
    customers = sorted(r.old)
    stop = threading.Event()
    orders, errors = [], []
    clients = [
        threading.Thread(
            target=_order_client,
            args=(r.admin, customers, r.product, stop, orders, errors),
            daemon=True,
        )
        for _i in range(CLIENTS)
    ]
    log_before = len(server.log_text())
    for thread in clients:
        thread.start()
    # the clients are at work (their first orders confirmed) when it starts
    deadline = time.monotonic() + 60
    while len(orders) < 2 and not errors and time.monotonic() < deadline:
        time.sleep(0.1)
    apply_start = time.monotonic()
    try:
        queued = r.admin.execute("sales.territory.realignment", "action_apply", [r.id])
    except RpcError as exc:
        errors.append(f"the realignment: {exc}")
        queued = None
    # 20,000 moves: a background job, run by the cron worker (here an Odoo
    # shell running the cron's method, committing as the cron does) while the
    # clients go on
    job = None
    if isinstance(queued, dict) and queued.get("tag") == "display_notification":
        job = Odoo("concurrency").shell(
            server.db, "env['sales.territory.job']._cron_run()\nenv.cr.commit()\n"
        )
    else:
        errors.append(f"the realignment was not queued as a job: {queued}")
    apply_end = time.monotonic()
    time.sleep(0.5)  # orders after the realignment too
    stop.set()
    for thread in clients:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in clients), "a client hangs"

    during = [o for o in orders if o[2] < apply_end and o[3] > apply_start]
    log = server.log_text()[log_before:]
    retries = RETRY.findall(log)
    failed = [r[2] for r in log_records(log) if is_collision(*r)]
    failed_apply = [q for q in failed if "sales_territory_realignment_result" in q]
    print(
        f"\nrealignment of {CUSTOMERS} customers applied in "
        f"{apply_end - apply_start:.1f}s; {len(orders)} orders confirmed by "
        f"{CLIENTS} clients, {len(during)} of them while it ran; "
        f"{len(failed)} statements failed on a collision "
        f"({len(failed_apply)} of the realignment's), {len(retries)} retries"
    )
    assert not errors, f"{len(errors)} calls failed:\n" + "\n".join(errors[:20])
    assert len(during) >= 5, (
        f"only {len(during)} orders were confirmed while the realignment ran: "
        "the test did not load it"
    )

    job.check("the background job of the realignment")
    admin = r.admin
    jobs = admin.execute(
        "sales.territory.job",
        "search_read",
        [("res_model", "=", "sales.territory.realignment")],
        fields=["res_ids", "state", "progress", "size", "result"],
    )
    jobs = [j for j in jobs if r.id in (j["res_ids"] or [])]
    assert [(j["state"], j["progress"], j["size"]) for j in jobs] == [
        ("done", 100.0, CUSTOMERS)
    ], jobs
    state = admin.read(
        "sales.territory.realignment",
        [r.id],
        ["state", "done_count", "skipped_count"],
    )[0]
    assert (state["state"], state["done_count"], state["skipped_count"]) == (
        "done",
        CUSTOMERS,
        0,
    )

    # every order: confirmed, with the customer's old or new territory
    found = admin.search_read(
        "sale.order",
        [("partner_id", "in", customers)],
        ["partner_id", "territory_id", "state"],
        load=None,
    )
    assert {o["id"] for o in found} == {o[0] for o in orders}, (
        "the orders of the customers are not those the clients made"
    )
    wrong = [
        (o["id"], o["partner_id"], o["territory_id"])
        for o in found
        if o["territory_id"] not in (r.old[o["partner_id"]], r.new[o["partner_id"]])
    ]
    assert not wrong, (
        f"{len(wrong)} orders have a territory that is neither the old nor the "
        f"new one of their customer (order, customer, territory): {wrong[:10]}"
    )
    unconfirmed = [o["id"] for o in found if o["state"] != "sale"]
    assert not unconfirmed, f"orders left unconfirmed: {unconfirmed[:10]}"
    in_new = sum(o["territory_id"] == r.new[o["partner_id"]] for o in found)
    print(f"orders in the old territory: {len(found) - in_new}, in the new: {in_new}")

    # every customer is in its new territory
    now = admin.search_read(
        "res.partner", [("id", "in", customers)], ["territory_id"], load=None
    )
    misplaced = [p["id"] for p in now if p["territory_id"] != r.new[p["id"]]]
    assert len(now) == CUSTOMERS
    assert not misplaced, (
        f"{len(misplaced)} customers are not in their new territory: {misplaced[:10]}"
    )

    # the audit log: exactly one entry per customer, the realignment's move
    moves = admin.search_read(
        "sales.territory.move",
        [("partner_id", "in", customers)],
        ["partner_id", "realignment_id", "from_territory_id", "to_territory_id"],
        load=None,
    )
    entries = {}
    for move in moves:
        entries.setdefault(move["partner_id"], []).append(
            (move["realignment_id"], move["from_territory_id"], move["to_territory_id"])
        )
    bad_audit = {
        p: entries.get(p)
        for p in customers
        if entries.get(p) != [(r.id, r.old[p], r.new[p])]
    }
    assert not bad_audit, (
        f"{len(bad_audit)} customers have not exactly one audit entry, the "
        "realignment's, from their old to their new territory: "
        f"{list(bad_audit.items())[:10]}"
    )


# ---------------------------------------------------------------- settlements
def _generate(client, agreement, day, barrier, outcome):
    """The wizard of Channel Partners > Rebates > Compute Settlements, as a
    user runs it: create it, then its button."""
    try:
        wizard = client.create(
            "channel.partner.rebate.generate",
            {"date": day.isoformat(), "agreement_ids": [(6, 0, [agreement])]},
        )
        barrier.wait(timeout=60)
        action = client.execute(
            "channel.partner.rebate.generate", "action_generate", [wizard]
        )
    except RpcError as exc:
        outcome["error"] = exc
    except Exception as exc:  # noqa: BLE001 (reported by the test)
        outcome["crash"] = exc
    else:
        outcome["action"] = action


def _waiting_for(cr, table, count, timeout=60):
    """Wait until ``count`` backends wait for a lock on ``table``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cr.execute(
            """SELECT count(DISTINCT pid) FROM pg_locks
                WHERE database = (SELECT oid FROM pg_database
                                   WHERE datname = current_database())
                  AND relation = %s::regclass AND NOT granted""",
            (table,),
        )
        if cr.fetchone()[0] >= count:
            return True
        time.sleep(0.05)
    return False


def _race(server, client, agreement, day, forced):
    """Two generations of the settlement of ``agreement`` for the period of
    ``day`` at once. ``forced``: the test holds a SHARE lock on the
    settlements' table (reads pass, inserts wait) until both calls wait for
    it, i.e. until both have looked for the settlement and found none."""
    outcomes = [{}, {}]
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(
            target=_generate,
            args=(client, agreement, day, barrier, outcome),
            daemon=True,
        )
        for outcome in outcomes
    ]
    with closing(connect(server)) as conn:
        if forced:
            conn.autocommit = False
            with conn.cursor() as cr:
                cr.execute("LOCK TABLE channel_partner_rebate IN SHARE MODE")
        for thread in threads:
            thread.start()
        if forced:
            with closing(connect(server)) as watcher, watcher.cursor() as cr:
                both = _waiting_for(cr, "channel_partner_rebate", 2)
            conn.rollback()  # the lock goes: both insert
            assert both, "the two generations did not both reach the insert"
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a generation hangs"
    return outcomes


def _month(day):
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def test_settlements_started_at_once(server, admin):
    agreement = admin.ref("channel_partner.agreement_qianjiang_demo")
    info = admin.read(
        "channel.partner.agreement",
        [agreement],
        ["state", "rebate_period", "date_start", "date_end"],
    )[0]
    assert (info["state"], info["rebate_period"]) == ("active", "month")
    end = datetime.date.fromisoformat(info["date_end"])
    settled = admin.search_read(
        "channel.partner.rebate",
        [("agreement_id", "=", agreement), ("state", "!=", "cancel")],
        ["date_from", "date_to"],
    )
    # whole months of the agreement (after the one it starts in), unsettled
    months = []
    first, last = _month(datetime.date.fromisoformat(info["date_start"]))
    while len(months) < 3:
        first, last = _month(last + datetime.timedelta(days=1))
        assert last <= end, "the demo agreement has no three unsettled months"
        if not any(
            r["date_from"] <= last.isoformat() and r["date_to"] >= first.isoformat()
            for r in settled
        ):
            months.append((first, last))

    report = []
    for (first, last), forced in zip(months, (True, True, False), strict=True):
        outcomes = _race(server, admin, agreement, first, forced)
        crashes = [o["crash"] for o in outcomes if "crash" in o]
        assert not crashes, f"a client failed: {crashes}"
        succeeded = [o["action"] for o in outcomes if "action" in o]
        failed = [o["error"] for o in outcomes if "error" in o]
        rebates = admin.search_read(
            "channel.partner.rebate",
            [
                ("agreement_id", "=", agreement),
                ("date_from", "<=", last.isoformat()),
                ("date_to", ">=", first.isoformat()),
                ("state", "!=", "cancel"),
            ],
            ["date_from", "date_to"],
        )
        assert len(rebates) == 1, (
            f"{len(rebates)} settlements of {first:%Y-%m} instead of one: {rebates}"
        )
        assert (rebates[0]["date_from"], rebates[0]["date_to"]) == (
            first.isoformat(),
            last.isoformat(),
        )
        for action in succeeded:
            assert action["domain"] == [["id", "in", [rebates[0]["id"]]]], (
                "a generation answered with another settlement than the one of "
                f"the period: {action['domain']}"
            )
        if failed:
            assert len(succeeded) == 1, f"both generations failed: {failed}"
            error = failed[0]
            assert error.short_name in ("UserError", "ValidationError"), (
                f"the second generation got {error.name}, not an Odoo error: {error}"
            )
            assert "already settled" in error.message, error.message
            assert not TECHNICAL.search(error.message), error.message
        else:
            # the second one found the first one's settlement
            assert len(succeeded) == 2
        how = "forced collision" if forced else "no lock"
        other = (
            f"the other got {failed[0].short_name}: {failed[0].message!r}"
            if failed
            else "both got the same settlement"
        )
        report.append(f"{first:%Y-%m} ({how}): one settlement; {other}")
    print("\n" + "\n".join(report))


# ---------------------------------------------------------------- the log
def test_server_log_is_clean(server):
    """The collisions are logged by odoo.sql_db as failed statements ("bad
    query" ERRORs: serialization failures, deadlocks, the duplicate period),
    their retries by odoo.service.model, the refused call by odoo.http (a
    WARNING); nothing else may be an error or a warning, nor a traceback."""
    problems = []
    for level, logger, msg, rest in log_records(server.log_text()):
        traceback = any(x.startswith(("Traceback", '  File "')) for x in rest)
        if level in ("INFO", "DEBUG") and not traceback:
            continue
        if level == "WARNING" and logger == "odoo.http" and not traceback:
            continue
        if is_collision(level, logger, msg, rest):
            continue
        problems.append(f"{level} {logger}: {msg[:300]} {' '.join(rest)[:500]}")
    assert not problems, "\n".join(problems)
