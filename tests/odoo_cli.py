"""Odoo as a command on databases of the tests' own: create, copy, drop them,
install and upgrade modules, run scripts with Odoo's API (``odoo shell``).

The Odoo command comes from ``TCM_ODOO_CMD`` (its parts joined by ``\\x1f``),
as ``./dev test`` sets it. Every run is a subprocess whose log is kept in
``.tcm/`` and read like ``./dev test`` reads it: a WARNING or ERROR line that
the allow-list of ``dev`` does not name is a failure.
"""

import ast
import importlib.machinery
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / ".tcm"
ENV_HELP = (
    "TCM_ODOO_CMD (the Odoo command, its parts joined by \\x1f) and TCM_TEST_DB "
    "(a database with every addon installed with its demo data) must be set: run "
    "the tests with ./dev test, or set both by hand, e.g.\n"
    "  TCM_TEST_DB=mydb TCM_ODOO_CMD=\"$(printf '%s\\x1f' python3 -m odoo -c "
    "odoo.conf --addons-path=addons,/opt/odoo18/odoo/addons | sed 's/\\x1f$//')\" "
    "python3 -m pytest tests/<the test>.py -p no:odoo"
)


def load_dev():
    """The ``dev`` script as a module (its log format, allow-list, addons)."""
    loader = importlib.machinery.SourceFileLoader("tcm_dev_script", str(ROOT / "dev"))
    spec = importlib.util.spec_from_loader("tcm_dev_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


DEV = load_dev()


def require_odoo():
    """(Odoo command, installed test database) from the environment that
    ./dev test sets; the test fails, never skips, when they are missing."""
    cmd = os.environ.get("TCM_ODOO_CMD")
    db = os.environ.get("TCM_TEST_DB")
    if not (cmd and db):
        pytest.fail(ENV_HELP, pytrace=False)
    return cmd.split("\x1f"), db


def split_odoo_command(odoo_cmd):
    """(the program: ``python3 -m odoo`` or ``odoo-bin``, its options) of the
    Odoo command; the test fails when the command does not run Odoo."""
    for index, part in enumerate(odoo_cmd):
        if part == "-m" and odoo_cmd[index + 1 : index + 2] == ["odoo"]:
            return odoo_cmd[: index + 2], odoo_cmd[index + 2 :]
        if part.endswith(("odoo-bin", "/odoo")):
            return odoo_cmd[: index + 1], odoo_cmd[index + 1 :]
    pytest.fail(f"TCM_ODOO_CMD does not run Odoo: {odoo_cmd}", pytrace=False)


def odoo_settings(odoo_cmd, db):
    """PostgreSQL connection and filestore of ``db``, as Odoo reads them from
    the same command line (configuration file and options)."""
    python, args = odoo_cmd[0], split_odoo_command(odoo_cmd)[1]
    code = (
        "import json, sys\n"
        "from odoo.tools import config\n"
        "config.parse_config(sys.argv[2:])\n"
        "print(json.dumps({k: config[k] for k in ('db_host', 'db_port', "
        "'db_user', 'db_password')} | {'filestore': config.filestore(sys.argv[1])}))"
    )
    out = subprocess.run(
        [python, "-c", code, db, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_seconds():
    """CPU time (user + system) used so far by the finished subprocesses."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    """One finished Odoo command."""

    cmd: list
    returncode: int
    log_path: Path
    seconds: float
    cpu: float
    bad_lines: list = field(default_factory=list)

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    def tail(self, lines=60):
        return "\n".join(self.log.splitlines()[-lines:])

    def check(self, what, allowed=()):
        """Fail with the end of the log unless the command ended well.
        ``allowed``: patterns (regular expressions) of WARNING/ERROR lines,
        with their traceback, that are expected; the lines they match are
        returned."""
        if self.returncode:
            raise AssertionError(
                f"{what}: Odoo exited with status {self.returncode}; "
                f"log {self.log_path}:\n{self.tail()}"
            )
        expected = [
            line
            for line in self.bad_lines
            if any(re.search(p, line, re.DOTALL) for p in allowed)
        ]
        bad = [line for line in self.bad_lines if line not in expected]
        if bad:
            raise AssertionError(
                f"{what}: WARNING/ERROR lines in Odoo's log {self.log_path}:\n"
                + "\n".join(line[:500] for line in bad[:20])
            )
        return expected


def bad_log_lines(text):
    """Lines of an Odoo log at WARNING or above that dev's allow-list does not
    name, each with the traceback that follows it."""
    bad, current = [], None
    for line in text.splitlines():
        match = DEV.ODOO_LINE.match(line)
        if not match:
            if current is not None and line.strip():
                bad[current] += "\n" + line
            continue
        current = None
        if match["level"] in ("WARNING", "ERROR", "CRITICAL") and not any(
            p.search(match["msg"]) for p in DEV.LOG_ALLOW
        ):
            bad.append(line)
            current = len(bad) - 1
    return bad


class Odoo:
    """The Odoo command of the tests, and the PostgreSQL server it uses: by
    default those of ./dev test (``require_odoo``), else ``cmd`` and
    ``test_db`` (bench/load.py's own)."""

    def __init__(self, prefix, cmd=None, test_db=None):
        if cmd and test_db:
            self.cmd, self.test_db = list(cmd), test_db
        else:
            self.cmd, self.test_db = require_odoo()
        self.prefix = prefix
        self.settings = odoo_settings(self.cmd, self.test_db)
        LOGS.mkdir(exist_ok=True)
        self._runs = 0

    # ------------------------------------------------------------ databases
    def connect(self, db="postgres"):
        settings = self.settings
        conn = psycopg2.connect(
            dbname=db,
            host=settings["db_host"] or None,
            port=settings["db_port"] or None,
            user=settings["db_user"] or None,
            password=settings["db_password"] or None,
        )
        conn.autocommit = True
        return conn

    def query(self, db, sql, params=None):
        """Rows of one statement on ``db`` (autocommit)."""
        conn = self.connect(db)
        try:
            with conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else []
        finally:
            conn.close()

    def filestore(self, db):
        return Path(self.settings["filestore"]).parent / db

    def create_db(self, name, template=None, attempts=20):
        """An empty database, or a copy of ``template`` (with its filestore).
        A template that somebody still uses cannot be copied: wait a little for
        the connections to go (never end them)."""
        self.drop_db(name)
        sql_db = sys.modules.get("odoo.sql_db")
        if template and sql_db is not None:
            # a test of this process that used Odoo in-process keeps idle
            # connections to the template in Odoo's pool: close them
            sql_db.close_db(template)
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                if not template:
                    cr.execute(f'CREATE DATABASE "{name}"')
                    return name
                for attempt in range(attempts):
                    try:
                        cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                        break
                    except psycopg2.errors.ObjectInUse:
                        if attempt == attempts - 1:
                            raise RuntimeError(
                                f"the database {template} is in use by another "
                                "connection: it cannot be copied"
                            ) from None
                        time.sleep(1)
        finally:
            conn.close()
        source = self.filestore(template)
        if source.is_dir():
            shutil.copytree(source, self.filestore(name), dirs_exist_ok=True)
        return name

    def drop_db(self, name):
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            conn.close()
        shutil.rmtree(self.filestore(name), ignore_errors=True)

    # ------------------------------------------------------------ commands
    def _log_path(self, db, name):
        self._runs += 1
        return LOGS / f"{self.prefix}-{self._runs:02d}-{name}.log"

    def _run(self, cmd, log_path, stdin_text=None, timeout=1800):
        started, cpu = time.monotonic(), cpu_seconds()
        with open(log_path, "w") as log:
            proc = subprocess.run(
                cmd,
                input=stdin_text,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                cwd=ROOT,
                check=False,
            )
        run = Run(
            cmd=cmd,
            returncode=proc.returncode,
            log_path=log_path,
            seconds=time.monotonic() - started,
            cpu=cpu_seconds() - cpu,
        )
        run.bad_lines = bad_log_lines(run.log)
        return run

    def _base_args(self, db):
        return [
            "-d",
            db,
            "--max-cron-threads=0",
            "--http-port=0",
            "--log-level=info",
        ]

    def run(self, db, *args, name="odoo", timeout=1800):
        """``odoo -d db ARGS --stop-after-init`` (install, upgrade ...)."""
        cmd = [*self.cmd, *self._base_args(db), "--stop-after-init", *args]
        return self._run(cmd, self._log_path(db, name), timeout=timeout)

    def shell(self, db, script, name="shell", timeout=1800):
        """``odoo shell`` running ``script`` (``env`` is the superuser's; it
        commits itself). An exception ends it with a non-zero status."""
        at = self.cmd.index("odoo") + 1
        cmd = [*self.cmd[:at], "shell", *self.cmd[at:], *self._base_args(db)]
        return self._run(cmd, self._log_path(db, name), script, timeout=timeout)


def addons_dir(odoo_cmd):
    """Our addons folder: the first of the command's addons path (./dev puts
    addons/ there, Odoo's own addons after it)."""
    for part in odoo_cmd:
        if part.startswith("--addons-path="):
            return (ROOT / part.split("=", 1)[1].split(",")[0]).resolve()
    return ROOT / "addons"


def ordered_addons(odoo_cmd):
    """Our addons in dependency order, as ./dev installs them."""
    DEV.ADDONS = addons_dir(odoo_cmd)
    return DEV.ordered_addons()


def odoo_dependencies(odoo_cmd):
    """The modules of Odoo that our addons depend on directly."""
    folder = addons_dir(odoo_cmd)
    ours = set(ordered_addons(odoo_cmd))
    depends = set()
    for name in ours:
        manifest = ast.literal_eval((folder / name / "__manifest__.py").read_text())
        depends.update(manifest.get("depends", []))
    return sorted(depends - ours)


def script_output(run, marker):
    """The text a script printed after ``marker`` (its result, as JSON)."""
    for line in run.log.splitlines():
        if line.startswith(marker):
            return line[len(marker) :]
    raise AssertionError(f"no {marker!r} line in {run.log_path}:\n{run.tail()}")
