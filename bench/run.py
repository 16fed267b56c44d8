#!/usr/bin/env python3
"""Benchmarks of the project: one JSON object per line on stdout.

    python3 bench/run.py territory_assign --scale 100000 [--db tcm_bench] [--keep]
    python3 bench/run.py targets --scale 1000000 [--db tcm_bench_targets] [--keep]
    python3 bench/run.py segments --scale 1000000 [--db tcm_bench_segments] [--keep]
    python3 bench/run.py channel_scorecard --scale 1000000 [--db tcm_bench_channels]
    python3 bench/run.py partner_rebates --scale 1000000 [--db tcm_bench_partners]
    python3 bench/run.py replenishment --scale 1000000 [--db tcm_bench_stock]
    python3 bench/run.py install --scale 100000 [--db tcm_bench_install] [--keep]
    python3 bench/run.py load --clients 20 --seconds 60 [--db tcm_bench_load] [--keep]

Each line is ``{"name", "scale", "seconds", "baseline", "baseline_seconds",
"ratio"}`` with ``ratio = seconds / baseline_seconds``, both measured in the
same run. Progress and phase timings go to stderr. See bench/README.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

import odoo
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "odoo.conf"
ODOO_ADDONS = Path(odoo.__file__).resolve().parent / "addons"
ADDONS_PATH = f"{ROOT / 'addons'},{ODOO_ADDONS}"
# another folder of the project's addons (e.g. a clean export of some of them)
ADDONS_PATH_VARIABLE = "BENCH_ADDONS_PATH"
MODULE = "sales_territory"


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def odoo_args(db):
    return ["-c", str(CONF), f"--addons-path={ADDONS_PATH}", "-d", db]


def pg_connect(dbname):
    """A plain autocommit connection (DROP DATABASE, VACUUM)."""
    _name, params = odoo.sql_db.connection_info_for(dbname)
    cnx = psycopg2.connect(**params)
    cnx.autocommit = True
    return cnx


def database_ready(db, scale_param, scale, module=MODULE):
    """Whether ``db`` holds the installed module and the data of ``scale``."""
    try:
        cnx = pg_connect(db)
    except psycopg2.OperationalError:
        return False
    try:
        with cnx.cursor() as cr:
            cr.execute(
                "SELECT 1 FROM ir_module_module "
                "WHERE name = %s AND state = 'installed'",
                [module],
            )
            if not cr.fetchone():
                return False
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [scale_param]
            )
            row = cr.fetchone()
            return bool(row) and row[0] == str(scale)
    except psycopg2.Error:
        return False
    finally:
        cnx.close()


def drop_database(db):
    cnx = pg_connect("postgres")
    try:
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    finally:
        cnx.close()


def install(db, module=MODULE, demo=False):
    """Fresh database with the module (or modules, comma-separated) and no
    demo data (unless ``demo``), by an Odoo process."""
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        *odoo_args(db),
        "-i",
        module,
        *([] if demo else ["--without-demo=all"]),
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    problems = [
        line
        for line in output.splitlines()
        if (" WARNING " in line or " ERROR " in line or " CRITICAL " in line)
        and "Running as user 'root'" not in line
    ]
    if proc.returncode:
        sys.exit(f"installing {module} failed:\n{output[-4000:]}")
    for line in problems:
        log(f"install: {line}")


def addon_revision(modules=(MODULE,)):
    """Commit of the checkout, and whether the addons differ from it."""

    def git(*args):
        proc = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", *(f"addons/{m}" for m in modules))
    return f"{head}{' + uncommitted changes' if dirty else ''}"


def vacuum_factory(db):
    def vacuum(*tables):
        cnx = pg_connect(db)
        try:
            with cnx.cursor() as cr:
                for table in tables:
                    cr.execute(f'VACUUM ANALYZE "{table}"')
        finally:
            cnx.close()

    return vacuum


def run_benchmark(args, generate_data, measure, failure, modules=(MODULE,)):
    """Prepare the database (or reuse it with --keep), generate the data
    when fresh, measure, print the JSON rows; 1 when the checks failed.

    ``modules``: the addons whose code is measured, the last one installed
    (with its dependencies)."""
    module = modules[-1]
    scale_param = f"bench.{args.name}.scale"
    phases = {}
    t = time.perf_counter()
    if args.keep and database_ready(args.db, scale_param, args.scale, module):
        log(f"reusing database {args.db} (scale {args.scale}, --keep)")
        fresh = False
    else:
        drop_database(args.db)
        install(args.db, module)
        fresh = True
        phases["create_install"] = time.perf_counter() - t
        seconds = phases["create_install"]
        log(f"database {args.db} created, {module} installed in {seconds:.1f} s")

    log(f"{', '.join(modules)} at {addon_revision(modules)}")
    registry = odoo.modules.registry.Registry(args.db)
    vacuum = vacuum_factory(args.db)
    with registry.cursor() as cr:
        # a pathological plan fails the run instead of hanging it
        cr.execute(
            "SELECT set_config('statement_timeout', %s, false)", [f"{args.timeout}s"]
        )
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if fresh:
            phases.update(generate_data(env, args.scale, vacuum))
            env["ir.config_parameter"].set_param(scale_param, str(args.scale))
            cr.commit()
        rows, run_phases, problems = measure(env, args, vacuum)
        phases.update(run_phases)
    return report(rows, phases, problems, failure)


def report(rows, phases, problems, failure=""):
    """Print the JSON rows and log the phases; 1 when the checks failed."""
    for row in rows:
        print(json.dumps(row), flush=True)
    log("phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
    if problems:
        log(f"FAILED: {problems} {failure}".rstrip())
        return 1
    return 0


def _timed_vacuum(vacuum, tables, phases):
    t = time.perf_counter()
    vacuum(*tables)
    phases["vacuum"] = time.perf_counter() - t


def run_module_benchmark(args, bench, failure, modules=(MODULE,), with_vacuum=False):
    """``run_benchmark`` for a benchmark module with ``generate_data(env,
    scale)``, ``VACUUM_TABLES`` and ``run(env, scale, [vacuum,] explain)``."""

    def generate_data(env, scale, vacuum):
        phases = bench.generate_data(env, scale)
        env.cr.commit()
        _timed_vacuum(vacuum, bench.VACUUM_TABLES, phases)
        return phases

    def measure(env, args, vacuum):
        extra = (vacuum,) if with_vacuum else ()
        return bench.run(env, args.scale, *extra, args.explain)

    return run_benchmark(args, generate_data, measure, failure, modules=modules)


def territory_assign(args):
    import generate
    import territory_assign as bench

    def generate_data(env, scale, vacuum):
        phases = generate.generate(env, scale)
        env.cr.commit()
        _timed_vacuum(
            vacuum, ("res_partner", "sales_territory", "sales_territory_rule"), phases
        )
        return phases

    def measure(env, args, vacuum):
        return bench.run(env, args.scale, vacuum, args.explain)

    return run_benchmark(
        args,
        generate_data,
        measure,
        "customers differ from the hand-written SQL",
    )


def targets(args):
    import targets as bench

    return run_module_benchmark(
        args,
        bench,
        "checks of the actuals or totals failed (see the MISMATCH lines)",
    )


def channel_scorecard(args):
    import channel_scorecard as bench

    return run_module_benchmark(
        args,
        bench,
        "checks of the scorecards or of the confirmations failed "
        "(see the MISMATCH lines)",
        modules=("sales_territory", "sales_channel"),
    )


def replenishment(args):
    import replenishment as bench

    return run_module_benchmark(
        args,
        bench,
        "checks of the proposals or of the orders' warehouses failed "
        "(see the MISMATCH lines)",
        modules=("sales_territory", "sales_channel", "territory_inventory"),
    )


def partner_rebates(args):
    import partner_rebates as bench

    return run_module_benchmark(
        args,
        bench,
        "checks of the settlements or of the tier proposals failed "
        "(see the MISMATCH lines)",
        modules=("sales_territory", "sales_channel", "channel_partner"),
    )


def segments(args):
    import segments as bench

    return run_module_benchmark(
        args,
        bench,
        "the product's segments differ from the hand-written SQL "
        "(see the MISMATCH lines)",
        with_vacuum=True,
    )


def install_on_customers(args):
    """sales_territory installed on a database that has N customers: the
    install has its own databases (a base, two copies), see install.py."""
    import install as bench

    rows, phases, problems = bench.run(
        args, odoo_args, pg_connect, vacuum_factory, drop_database
    )
    return report(rows, phases, problems)


def load(args):
    """N JSON-RPC clients against a server with 4 workers, with every addon
    and with sale_stock only (the baseline): the databases and servers are
    load.py's."""
    from types import SimpleNamespace

    import load as bench

    helpers = SimpleNamespace(
        odoo_args=odoo_args,
        install=install,
        database_ready=database_ready,
        drop_database=drop_database,
        addon_revision=addon_revision,
        addons_dir=ADDONS_PATH.split(",")[0],
    )
    rows, phases, problems = bench.run(args, helpers)
    return report(rows, phases, problems)


# name: (function, default scale, default database)
BENCHMARKS = {
    "territory_assign": (territory_assign, 100_000, "tcm_bench"),
    "targets": (targets, 1_000_000, "tcm_bench_targets"),
    "segments": (segments, 1_000_000, "tcm_bench_segments"),
    "channel_scorecard": (channel_scorecard, 1_000_000, "tcm_bench_channels"),
    "partner_rebates": (partner_rebates, 1_000_000, "tcm_bench_partners"),
    "replenishment": (replenishment, 1_000_000, "tcm_bench_stock"),
    "install": (install_on_customers, 100_000, "tcm_bench_install"),
    "load": (load, 20, "tcm_bench_load"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument(
        "--scale",
        type=int,
        help="customers (territory_assign, default 100,000) or sale order lines "
        "(targets and channel_scorecard, default 1,000,000) or done deliveries "
        "(replenishment, default 1,000,000) or customers (install, default 100,000) "
        "or clients (load, default 20)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        dest="scale",
        help="load: the number of client threads (the same as --scale)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=60,
        help="load: how long the clients work on each of its two servers, in "
        "alternated rounds (default 60)",
    )
    parser.add_argument(
        "--db",
        help="database (default tcm_bench for territory_assign, tcm_bench_targets "
        "for targets, tcm_bench_channels for channel_scorecard, tcm_bench_stock "
        "for replenishment, tcm_bench_install for install and its copies "
        "tcm_bench_install_base and tcm_bench_install_empty, tcm_bench_load for "
        "load and its baseline tcm_bench_load_base)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the database when it already holds the data of this scale",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=900,
        help="statement timeout in seconds of the measured queries (default 900)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the slow queries and their EXPLAIN ANALYZE on stderr",
    )
    parser.add_argument(
        "--addons-path",
        default=os.environ.get(ADDONS_PATH_VARIABLE),
        help="folder of the project's addons to load instead of the checkout's "
        f"addons/ (default: ${ADDONS_PATH_VARIABLE} when set)",
    )
    args = parser.parse_args()
    if args.addons_path:
        global ADDONS_PATH  # read by odoo_args
        ADDONS_PATH = f"{os.path.abspath(args.addons_path)},{ODOO_ADDONS}"
        log(f"addons path: {ADDONS_PATH}")
    function, default_scale, default_db = BENCHMARKS[args.name]
    if args.scale is None:
        args.scale = default_scale
    if args.db is None:
        args.db = default_db
    if args.scale < 1:
        parser.error("--scale must be positive")
    config.parse_config([*odoo_args(args.db), "--log-level=warn"])
    odoo.netsvc.init_logger()
    return function(args)


if __name__ == "__main__":
    sys.exit(main())
