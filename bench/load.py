"""Benchmark ``load``: N clients over JSON-RPC against a real Odoo server with
4 workers, with every addon of the project, and the same load against a
database with only Odoo's ``sale_stock`` (the baseline).

Two databases, both with Odoo's demo data and the same generated data: 200
customers (companies in China's provinces, ``ref`` ``BENCH-LOAD-nnn``) and
300 storable products with 1,000,000 units each in the main warehouse:

* ``<db>`` (default ``tcm_bench_load``): every addon of the addons folder
  installed (its demo: territories with their rules, channels, policies,
  targets, warehouses ...); the customers are assigned their province's
  territory when created;
* ``<db>_base``: ``sale_stock`` and what it pulls in.

A real server is started on each database (``tests/odoo_rpc.py``'s
``OdooServer``, ``--workers=4``, a free loopback port, no cron). On each, N
client threads log in as Odoo's demo salesperson (``demo``, group "own
documents only") through ``/jsonrpc``, warm up (one order and one cockpit
each, not counted), then loop. The seconds of each side are cut into 4
rounds, alternated (baseline, product, product, baseline, ...; one server
idle while the other works), so that a shared machine's load weighs on both
alike. The loop:

* ``order``: ``sale.order`` ``create`` with 1 to 5 lines (a generated
  customer and products, quantities 1 to 5), then ``action_confirm`` (which
  reserves the goods): the two calls are one latency. The customers are those
  that the full database's own warehouse determination sends to the main
  warehouse (about two thirds; the others go to the demo's regional
  warehouses, which have no stock, so that their confirmation would reserve
  nothing): both runs reserve the same stock, with the same conflicts;
* after one order in 5 (drawn at random, so that the clients do not all open
  it at the same moment), ``cockpit``: the four ``read_group`` calls (lazy off)
  that the pivot view makes when it opens: no group, rows, columns, rows x
  columns. On ``<db>``: ``sales.performance.report`` by region and month, the
  cockpit's default filters (territory targets, this year) and its three
  measures; on the baseline: ``sale.report`` by team and month, the Sales
  Analysis filters (confirmed orders, last 365 days), ``price_subtotal`` and
  ``product_uom_qty``.

Any JSON-RPC error or HTTP failure counts as an error (the first ones go to
stderr). Throughput: the successful operations per second of the rounds'
windows, each counted for the share of its time within the window (the
calls in progress at the end of a round count in part: rounds of 20 clients
whose operations last seconds would otherwise count in steps). Latencies
(all the operations): p50 and p95 of the successful operations. The
servers' logs are kept in ``.tcm/``; their ERROR lines and the concurrency
failures Odoo retried are counted.

Goal (issue 7, reported): no error, and the orders' and the cockpit's p95 and
throughput within 15 % of the baseline's.
"""

import datetime
import random
import sys
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from odoo_rpc import OdooClient, OdooServer

BASE_MODULE = "sale_stock"
CUSTOMERS = 200
CUSTOMER_REF = "BENCH-LOAD-"
PRODUCTS = 300
PRODUCT_REF = "BENCH-LOAD-P"
STOCK = 1_000_000  # units of each product in the main warehouse
DATA_PARAM = "bench.load.data"
DATA = f"{CUSTOMERS} customers, {PRODUCTS} products"
USER = ("demo", "demo")
ADMIN = ("admin", "admin")
WORKERS = 4
COCKPIT_EVERY = 5  # orders per cockpit, on average
MAX_LINES = 5
WARMUP = 1  # orders and cockpits per client before the measure, not counted
ROUNDS = 4  # the seconds of each side are cut into rounds, alternated
TOLERANCE = 0.15
SHOWN_ERRORS = 5
# PostgreSQL's errors on which Odoo retries the call (the server log's line
# after "bad query")
CONFLICTS = (
    "ERROR: could not serialize access",
    "ERROR: deadlock detected",
    "ERROR: could not obtain lock",
)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def project_addons(addons_dir):
    """The addons of the project's addons folder (those with a manifest)."""
    return sorted(
        p.name for p in Path(addons_dir).iterdir() if (p / "__manifest__.py").is_file()
    )


# ---------------------------------------------------------------- databases
def prepare(args, helpers, db, modules):
    """``db`` with ``modules`` and their demo, and the generated data;
    reused with --keep when it holds them. Seconds spent (0 when reused)."""
    ready = all(
        helpers.database_ready(db, DATA_PARAM, DATA, module) for module in modules
    )
    if args.keep and ready:
        log(f"reusing database {db} (--keep)")
        return 0.0
    t = time.perf_counter()
    helpers.drop_database(db)
    helpers.install(db, ",".join(modules), demo=True)
    seconds = time.perf_counter() - t
    log(f"database {db}: {', '.join(modules)} installed in {seconds:.1f} s")
    generate_data(db)
    return time.perf_counter() - t


def generate_data(db):
    """The same data in both databases, through the ORM: CUSTOMERS companies
    in China's provinces (in turn, by state code; the full database assigns
    their territories), PRODUCTS storable goods with STOCK units each in the
    main warehouse (so that every order reserves its goods, and conflicts
    on the same stock are as rare as in a real catalogue)."""
    import odoo
    from odoo.modules.registry import Registry

    with warnings.catch_warnings():
        # the install has logged the addons' warnings already, once each
        warnings.simplefilter("ignore")
        registry = Registry(db)
        _create_data(registry)
    odoo.sql_db.close_db(db)


def _create_data(registry):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        china = env.ref("base.cn")
        states = env["res.country.state"].search(
            [("country_id", "=", china.id)], order="code"
        )
        env["res.partner"].create(
            [
                {
                    "name": f"负载测试客户 {i:03d}",
                    "ref": f"{CUSTOMER_REF}{i:03d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": china.id,
                    "state_id": states[i % len(states)].id,
                    "city": states[i % len(states)].name,
                }
                for i in range(CUSTOMERS)
            ]
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"负载测试商品 {i:03d}",
                    "default_code": f"{PRODUCT_REF}{i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "sale_ok": True,
                    "list_price": 10 + (i * 37) % 490,
                    "standard_price": (10 + (i * 37) % 490) * 0.6,
                }
                for i in range(PRODUCTS)
            ]
        )
        stock = env.ref("stock.warehouse0").lot_stock_id
        env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": product.id,
                    "location_id": stock.id,
                    "inventory_quantity": STOCK,
                }
                for product in products
            ]
        ).action_apply_inventory()
        env["ir.config_parameter"].set_param(DATA_PARAM, DATA)
        cr.commit()


# ---------------------------------------------------------------- the load
def cockpit_spec(full):
    """(model, domain, measures, row group, column group) of the report."""
    today = datetime.date.today()
    if full:
        year = today.year
        domain = [
            "&",
            "|",
            ("target_dimension", "=", False),
            ("target_dimension", "=", "territory"),
            "&",
            ("date", ">=", f"{year}-01-01"),
            ("date", "<=", f"{year}-12-31"),
        ]
        measures = [
            "ordered_amount:sum",
            "target_ordered_amount:sum",
            "ordered_amount_ly:sum",
        ]
        return "sales.performance.report", domain, measures, "region_id", "date:month"
    since = today - datetime.timedelta(days=365)
    domain = [
        ("state", "!=", "cancel"),
        ("state", "not in", ("draft", "cancel", "sent")),
        ("date", ">=", f"{since} 00:00:00"),
    ]
    measures = ["price_subtotal:sum", "product_uom_qty:sum"]
    return "sale.report", domain, measures, "team_id", "date:month"


class Stats:
    """Latencies of the successful operations and the errors, by operation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {"order": [], "cockpit": []}
        self.in_window = {"order": 0.0, "cockpit": 0.0}
        self.errors = {"order": 0, "cockpit": 0, "login": 0}
        self.messages = []

    def ok(self, op, seconds, in_window):
        """A successful operation of ``seconds``, of which the share
        ``in_window`` lies in the round's window."""
        with self.lock:
            self.latencies[op].append(seconds)
            self.in_window[op] += in_window

    def error(self, op, exc):
        with self.lock:
            self.errors[op] += 1
            if len(self.messages) < SHOWN_ERRORS:
                self.messages.append(f"{op}: {type(exc).__name__}: {exc}"[:500])


class LoadClient:
    """One client: a salesperson's JSON-RPC connection and its operations."""

    def __init__(self, url, db, plan, seed):
        self.plan = plan
        self.random = random.Random(seed)
        self.rpc = OdooClient(url, db, *USER)
        self.context = self.rpc.execute("res.users", "context_get")
        self.mix = random.Random(-1 - seed)

    def opens_cockpit(self):
        """One time in COCKPIT_EVERY, at random (not every client at once)."""
        return self.mix.random() < 1 / COCKPIT_EVERY

    def order(self):
        rnd = self.random
        lines = [
            (
                0,
                0,
                {
                    "product_id": rnd.choice(self.plan.products),
                    "product_uom_qty": rnd.randint(1, 5),
                },
            )
            for _i in range(rnd.randint(1, MAX_LINES))
        ]
        vals = {"partner_id": rnd.choice(self.plan.customers), "order_line": lines}
        order_id = self.rpc.execute("sale.order", "create", vals, context=self.context)
        self.rpc.execute(
            "sale.order", "action_confirm", [order_id], context=self.context
        )

    def cockpit(self):
        model, domain, measures, row, col = self.plan.cockpit
        for groupby in ([], [row], [col], [row, col]):
            self.rpc.execute(
                model,
                "read_group",
                domain,
                measures,
                groupby,
                lazy=False,
                context=self.context,
            )


def _timed(stats, op, function, deadline):
    t = time.perf_counter()
    try:
        function()
    except Exception as exc:  # noqa: BLE001 (any failure is an error of the run)
        stats.error(op, exc)
    else:
        end = time.perf_counter()
        stats.ok(op, end - t, max(0.0, min(end, deadline) - t) / (end - t))


def _in_threads(function, count):
    """``function(i)`` for i in range(count), each in its own thread."""
    threads = [
        threading.Thread(target=function, args=(i,), name=f"load-{i}")
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Side:
    """One database, its server, its clients and their figures."""

    def __init__(self, label, db, full, helpers):
        self.label = label
        self.db = db
        self.full = full
        cmd = helpers.odoo_args(db)
        if cmd[-2] != "-d":
            raise RuntimeError(f"unexpected Odoo options {cmd}")
        logs = ROOT / ".tcm"
        logs.mkdir(exist_ok=True)
        self.log_path = logs / f"bench-load-{label}.log"
        self.server = OdooServer(
            [sys.executable, "-m", "odoo", *cmd[:-2]],
            db,
            db,
            self.log_path,
            workers=WORKERS,
            copy=False,
        )
        self.stats = Stats()
        self.elapsed = 0.0
        self.clients = []

    def start(self, refs, count):
        """Start the server, log the clients in and warm them up."""
        self.server.start()
        self.plan = make_plan(self.server.url, self.db, self.full, refs)
        log(
            f"{self.label}: server on {self.server.url} ({WORKERS} workers), "
            f"{len(self.plan.customers)} customers, {len(self.plan.products)} products"
        )
        self.since = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        clients = [None] * count

        def connect(index):
            try:
                client = LoadClient(self.server.url, self.db, self.plan, seed=index)
                for _i in range(WARMUP):
                    client.order()
                    client.cockpit()
                clients[index] = client
            except Exception as exc:  # noqa: BLE001
                self.stats.error("login", exc)

        _in_threads(connect, count)
        self.clients = [client for client in clients if client]
        if not self.clients:
            raise RuntimeError(f"{self.label}: no client could log in")

    def round(self, seconds):
        """Every client loops for ``seconds``; the round ends with the last
        call (a call that ends after the window counts in the throughput for
        its share within it)."""
        window = {}

        def open_window():
            window["deadline"] = time.perf_counter() + seconds

        barrier = threading.Barrier(len(self.clients), action=open_window)

        def loop(index):
            client = self.clients[index]
            barrier.wait()
            deadline = window["deadline"]
            while time.perf_counter() < deadline:
                _timed(self.stats, "order", client.order, deadline)
                if client.opens_cockpit() and time.perf_counter() < deadline:
                    _timed(self.stats, "cockpit", client.cockpit, deadline)

        _in_threads(loop, len(self.clients))
        self.elapsed += seconds

    def stop(self):
        self.server.stop()

    def figures(self):
        """The figures of the run, from the clients' stats and the log."""
        by_warehouse = orders_by_warehouse(self.plan, self.since)
        server_errors, retries = log_findings(self.log_path)
        stats, elapsed = self.stats, self.elapsed
        figures = {"elapsed": elapsed, "server_log_errors": len(server_errors)}
        figures["retried_concurrency_failures"] = retries
        for op, latencies in stats.latencies.items():
            figures[op] = {
                "count": len(latencies),
                "per_second": stats.in_window[op] / elapsed,
                "p50": percentile(latencies, 50),
                "p95": percentile(latencies, 95),
                "errors": stats.errors[op],
            }
        figures["errors"] = sum(stats.errors.values())
        figures["login_errors"] = stats.errors["login"]
        label = self.label
        for message in stats.messages:
            log(f"{label} ERROR {message}")
        for line in server_errors[:SHOWN_ERRORS]:
            log(f"{label} server log: {line[:300]}")
        log(
            f"{label}: orders by warehouse (with a reserved delivery), warm-up "
            "included: "
            + ", ".join(f"{name} {n} ({r})" for name, (n, r) in by_warehouse.items())
        )
        log(
            f"{label}: {figures['order']['count']} orders, "
            f"{figures['cockpit']['count']} cockpits ({elapsed:.1f} s of rounds), "
            f"{figures['errors']} errors, {len(server_errors)} ERROR lines in "
            f"{self.log_path}, {retries} retried concurrency failures"
        )
        return figures


def percentile(values, q):
    """Nearest-rank percentile (0 < q <= 100) of ``values`` (None if empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def main_warehouse_customers(db):
    """``ref`` of the generated customers whose orders ``db`` sends to the
    company's main warehouse (the product's own determination, on a new
    order): the others go to a regional warehouse of the demo, which has no
    stock, so that their confirmation reserves nothing."""
    import odoo
    from odoo.modules.registry import Registry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            main = env.ref("stock.warehouse0")
            partners = env["res.partner"].search(
                [("ref", "=like", f"{CUSTOMER_REF}%")], order="ref"
            )
            refs = [
                partner.ref
                for partner in partners
                if env["sale.order"].new({"partner_id": partner.id}).warehouse_id
                == main
            ]
            cr.rollback()
    odoo.sql_db.close_db(db)
    return refs


def make_plan(url, db, full, refs):
    """The customers (of ``refs``) and products the clients use, read as the
    administrator."""
    admin = OdooClient(url, db, *ADMIN)
    customers = admin.search("res.partner", [("ref", "in", refs)], order="ref")
    products = admin.search(
        "product.product",
        [("default_code", "=like", f"{PRODUCT_REF}%")],
        order="default_code",
    )
    if len(customers) != len(refs) or len(products) != PRODUCTS:
        raise RuntimeError(
            f"{db}: {len(customers)} of the {len(refs)} customers, "
            f"{len(products)} products"
        )
    return SimpleNamespace(
        admin=admin, customers=customers, products=products, cockpit=cockpit_spec(full)
    )


def orders_by_warehouse(plan, since):
    """{warehouse: [orders, of which with a reserved delivery]} of the orders
    created since ``since`` (UTC)."""
    orders = plan.admin.search_read(
        "sale.order",
        [("create_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S"))],
        ["warehouse_id", "picking_ids"],
    )
    pickings = {
        row["id"]: row["state"]
        for row in plan.admin.search_read(
            "stock.picking",
            [("id", "in", [p for order in orders for p in order["picking_ids"]])],
            ["state"],
        )
    }
    result = {}
    for order in orders:
        counts = result.setdefault(order["warehouse_id"][1], [0, 0])
        counts[0] += 1
        counts[1] += any(pickings[p] == "assigned" for p in order["picking_ids"])
    return result


def log_findings(path):
    """ERROR lines of a server's log, but the queries that failed on a
    concurrency conflict (PostgreSQL's message on the next line), which Odoo
    retries, and the number of those retries."""
    lines = Path(path).read_text(errors="replace").splitlines()
    errors = [
        line
        for line, after in zip(lines, [*lines[1:], ""], strict=True)
        if " ERROR " in line
        and not (" odoo.sql_db: bad query" in line and after.startswith(CONFLICTS))
    ]
    retries = sum("tries left, try again" in line for line in lines)
    return errors, retries


def _ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.0f}"


def _ratio(value, base):
    return round(value / base, 3) if value is not None and base else None


def table(product, baseline):
    rows = []
    for op in ("order", "cockpit"):
        p, b = product[op], baseline[op]
        rows += [
            (f"{op}s/s", f"{b['per_second']:.2f}", f"{p['per_second']:.2f}",
             _ratio(p["per_second"], b["per_second"])),
            (f"{op} p50 ms", _ms(b["p50"]), _ms(p["p50"]), _ratio(p["p50"], b["p50"])),
            (f"{op} p95 ms", _ms(b["p95"]), _ms(p["p95"]), _ratio(p["p95"], b["p95"])),
            (f"{op} count", b["count"], p["count"], None),
        ]  # fmt: skip
    rows += [
        ("errors", baseline["errors"], product["errors"], None),
        ("server ERROR lines", baseline["server_log_errors"],
         product["server_log_errors"], None),
        ("retried conflicts", baseline["retried_concurrency_failures"],
         product["retried_concurrency_failures"], None),
        ("rounds (s)", f"{baseline['elapsed']:.1f}", f"{product['elapsed']:.1f}",
         None),
    ]  # fmt: skip
    lines = [f"{'':20} {BASE_MODULE:>12} {'all addons':>12} {'ratio':>7}"]
    for name, b, p, ratio in rows:
        shown = "" if ratio is None else f"{ratio:.3f}"
        lines.append(f"{name:20} {b!s:>12} {p!s:>12} {shown:>7}")
    return "\n".join(lines)


def rows(args, product, baseline):
    """One JSON row per operation: seconds = p95 latency."""
    clean = product["errors"] == 0 and baseline["errors"] == 0
    result = []
    for op in ("order", "cockpit"):
        p, b = product[op], baseline[op]
        ratio = _ratio(p["p95"], b["p95"])
        throughput_ratio = _ratio(p["per_second"], b["per_second"])
        goal_met = (
            clean
            and ratio is not None
            and throughput_ratio is not None
            and ratio <= 1 + TOLERANCE
            and throughput_ratio >= 1 - TOLERANCE
        )
        result.append(
            {
                "name": f"load_{op}",
                "scale": args.scale,
                "seconds": p["p95"],
                "baseline": BASE_MODULE,
                "baseline_seconds": b["p95"],
                "ratio": ratio,
                "measure": "p95 latency (s)",
                "duration": round(product["elapsed"], 2),
                "baseline_duration": round(baseline["elapsed"], 2),
                "per_second": round(p["per_second"], 3),
                "baseline_per_second": round(b["per_second"], 3),
                "throughput_ratio": throughput_ratio,
                "p50": p["p50"],
                "baseline_p50": b["p50"],
                "p95": p["p95"],
                "baseline_p95": b["p95"],
                "count": p["count"],
                "baseline_count": b["count"],
                "errors": p["errors"],
                "baseline_errors": b["errors"],
                "total_errors": product["errors"],
                "baseline_total_errors": baseline["errors"],
                "server_log_errors": product["server_log_errors"],
                "baseline_server_log_errors": baseline["server_log_errors"],
                "goal": f"no error, p95 and throughput within "
                f"{TOLERANCE:.0%} of the baseline",
                "goal_met": goal_met,
            }
        )
    return result


def run(args, helpers):
    """The benchmark: (JSON rows, phase timings, problems)."""
    base_db = f"{args.db}_base"
    addons = project_addons(helpers.addons_dir)
    phases = {}
    phases["prepare_base"] = prepare(args, helpers, base_db, [BASE_MODULE])
    phases["prepare"] = prepare(args, helpers, args.db, addons)
    log(f"{', '.join(addons)} at {helpers.addon_revision(addons)}")
    refs = main_warehouse_customers(args.db)
    log(
        f"{len(refs)} of the {CUSTOMERS} generated customers are served by the "
        f"main warehouse in {args.db}: the clients order for them"
    )
    baseline = Side("baseline", base_db, False, helpers)
    product = Side("product", args.db, True, helpers)
    t = time.perf_counter()
    try:
        for side in (baseline, product):
            side.start(refs, args.scale)
        phases["start_warm_up"] = time.perf_counter() - t
        seconds = args.seconds / ROUNDS
        log(
            f"{args.scale} clients, {ROUNDS} rounds of {seconds:.1f} s on each "
            "server, alternated"
        )
        for index in range(ROUNDS):
            pair = (baseline, product) if index % 2 == 0 else (product, baseline)
            for side in pair:
                side.round(seconds)
        phases["rounds"] = time.perf_counter() - t - phases["start_warm_up"]
        figures = {side.label: side.figures() for side in (baseline, product)}
    finally:
        for side in (baseline, product):
            side.stop()
    baseline, product = figures["baseline"], figures["product"]
    log(f"{args.scale} clients, {args.seconds} s each:\n{table(product, baseline)}")
    problems = []
    if product["errors"] or baseline["errors"]:
        problems.append(
            f"{product['errors']} errors with the addons, "
            f"{baseline['errors']} on the baseline"
        )
    return rows(args, product, baseline), phases, problems
