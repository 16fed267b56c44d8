#!/usr/bin/env python3
"""Benchmarks of the project: one JSON object per line on stdout.

    python3 bench/run.py territory_assign --scale 100000 [--db tcm_bench] [--keep]

Each line is ``{"name", "scale", "seconds", "baseline", "baseline_seconds",
"ratio"}`` with ``ratio = seconds / baseline_seconds``, both measured in the
same run. Progress and phase timings go to stderr. See bench/README.md.
"""

import argparse
import json
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
MODULE = "sales_territory"
SCALE_PARAM = "bench.territory_assign.scale"
BENCHMARKS = ("territory_assign",)


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


def database_ready(db, scale):
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
                [MODULE],
            )
            if not cr.fetchone():
                return False
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [SCALE_PARAM]
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


def install(db):
    """Fresh database with the module and no demo data, by an Odoo process."""
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        *odoo_args(db),
        "-i",
        MODULE,
        "--without-demo=all",
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
        sys.exit(f"installing {MODULE} failed:\n{output[-4000:]}")
    for line in problems:
        log(f"install: {line}")


def addon_revision():
    """Commit of the checkout, and whether the addon differs from it."""

    def git(*args):
        proc = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", f"addons/{MODULE}")
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


def territory_assign(args):
    import generate
    import territory_assign as bench

    phases = {}
    t = time.perf_counter()
    if args.keep and database_ready(args.db, args.scale):
        log(f"reusing database {args.db} (scale {args.scale}, --keep)")
        fresh = False
    else:
        drop_database(args.db)
        install(args.db)
        fresh = True
        phases["create_install"] = time.perf_counter() - t
        seconds = phases["create_install"]
        log(f"database {args.db} created, {MODULE} installed in {seconds:.1f} s")

    log(f"{MODULE} at {addon_revision()}")
    registry = odoo.modules.registry.Registry(args.db)
    vacuum = vacuum_factory(args.db)
    with registry.cursor() as cr:
        # a pathological plan fails the run instead of hanging it
        cr.execute(
            "SELECT set_config('statement_timeout', %s, false)", [f"{args.timeout}s"]
        )
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if fresh:
            phases.update(generate.generate(env, args.scale))
            env["ir.config_parameter"].set_param(SCALE_PARAM, str(args.scale))
            cr.commit()
            t = time.perf_counter()
            vacuum("res_partner", "sales_territory", "sales_territory_rule")
            phases["vacuum"] = time.perf_counter() - t
        rows, run_phases, differ = bench.run(env, args.scale, vacuum, args.explain)
        phases.update(run_phases)
    for row in rows:
        print(json.dumps(row), flush=True)
    log("phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
    if differ:
        log(f"FAILED: {differ} customers differ from the hand-written SQL")
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--scale", type=int, default=100000, help="customers")
    parser.add_argument(
        "--db", default="tcm_bench", help="database (default tcm_bench)"
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
        help="print the engine's query and its EXPLAIN ANALYZE on stderr",
    )
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be positive")
    config.parse_config([*odoo_args(args.db), "--log-level=warn"])
    odoo.netsvc.init_logger()
    return territory_assign(args)


if __name__ == "__main__":
    sys.exit(main())
