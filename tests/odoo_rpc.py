"""A real Odoo server on a copy of the test database, and a JSON-RPC client.

The clients use only the standard library: the tests of tests/ talk to Odoo
the way an integration or a browser would, over HTTP, and see exactly what
such a client sees.

``OdooServer`` copies the installed test database (``CREATE DATABASE ...
TEMPLATE``, and its filestore, by tests/odoo_cli.py's ``Odoo``), starts
``python3 -m odoo`` on it with worker processes on a free loopback port, waits
until it answers and, at the end, stops it and drops the copy.
``OdooClient`` logs in through ``/jsonrpc`` and calls model methods with
``execute_kw``; a refused call raises ``RpcError`` with the class name and
message of the server's exception.
"""

import contextlib
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from odoo_cli import LOGS, Odoo, require_odoo

# What Odoo's odoo-bin does (the TZ must be set before anything imports time).
ODOO_BIN = """import os
os.environ["TZ"] = "UTC"
import odoo
odoo.cli.main()
"""


class RpcError(Exception):
    """An error answer of the server: ``name`` is the class of the exception
    (e.g. ``odoo.exceptions.ValidationError``), ``message`` its text and
    ``debug`` the server-side traceback."""

    def __init__(self, error):
        data = error.get("data") or {}
        self.error = error
        self.name = data.get("name") or ""
        self.message = data.get("message") or error.get("message") or ""
        self.debug = data.get("debug") or ""
        super().__init__(f"{self.name}: {self.message}")

    @property
    def short_name(self):
        """The class name without its module (``ValidationError``)."""
        return self.name.rsplit(".", 1)[-1]


class OdooClient:
    """One user's JSON-RPC connection (``/jsonrpc``, service ``object``)."""

    _ids = itertools.count(1)

    def __init__(self, url, db, login, password, timeout=120):
        self.url = url.rstrip("/")
        self.db = db
        self.login = login
        self.password = password
        self.timeout = timeout
        self.uid = self.rpc("common", "login", db, login, password)
        if not self.uid:
            raise RuntimeError(f"{login!r} could not log in to {db}")

    def post(self, path, params):
        """POST a JSON-RPC request; return its result or raise RpcError."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": params,
            "id": next(self._ids),
        }
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def rpc(self, service, method, *args):
        return self.post(
            "/jsonrpc", {"service": service, "method": method, "args": list(args)}
        )

    def execute(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as this user."""
        return self.rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    # shortcuts
    def search(self, model, domain, **kwargs):
        return self.execute(model, "search", domain, **kwargs)

    def search_count(self, model, domain, **kwargs):
        return self.execute(model, "search_count", domain, **kwargs)

    def search_read(self, model, domain, fields, **kwargs):
        return self.execute(model, "search_read", domain, fields, **kwargs)

    def read(self, model, ids, fields):
        return self.execute(model, "read", ids, fields)

    def create(self, model, vals, **kwargs):
        return self.execute(model, "create", vals, **kwargs)

    def write(self, model, ids, vals):
        return self.execute(model, "write", ids, vals)

    def ref(self, xmlid):
        """Id of a record from its XML id."""
        module, name = xmlid.split(".")
        rows = self.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not rows:
            raise LookupError(f"no record {xmlid}")
        return rows[0]["res_id"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A record of Odoo's log: its first line (the continuation lines follow it).
LOG_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ "
    r"(?P<logger>\S+): (?P<msg>.*)$"
)
# odoo-bin's only line on stderr when run as root (the CI runs as root).
ROOT_WARNING = re.compile(r"^Running as user 'root' is a security risk")


def log_records(text):
    """(level, logger, message, continuation lines) of an Odoo log."""
    records = [("INFO", "stderr", "", [])]  # what comes before the first record
    for line in text.splitlines():
        match = LOG_RECORD.match(line)
        if match:
            records.append((match["level"], match["logger"], match["msg"], []))
        elif line.strip() and not ROOT_WARNING.match(line):
            records[-1][3].append(line.rstrip())
    return records


class OdooServer:
    """An Odoo server with worker processes on a private copy of a database.

    With ``copy=False`` it serves ``template_db`` itself (``name`` must be
    the same), which it neither copies nor drops (bench/load.py's databases).
    """

    def __init__(self, odoo_cmd, template_db, name, log_path, workers=2, copy=True):
        if not copy and name != template_db:
            raise ValueError("without copy, the server's database is template_db")
        self.odoo_cmd = list(odoo_cmd)
        self.template_db = template_db
        self.db = name
        self.log_path = Path(log_path)
        self.workers = workers
        self.copy = copy
        # the databases (copy, drop) through the tests' Odoo command helper
        self.databases = Odoo("server", cmd=self.odoo_cmd, test_db=template_db)
        self.settings = self.databases.settings
        self.port = None
        self.proc = None
        self.url = None

    # ------------------------------------------------------------ database
    @property
    def filestore(self):
        return self.databases.filestore(self.db)

    def _drop_database(self):
        if self.copy:
            self.databases.drop_db(self.db)

    # ------------------------------------------------------------ server
    def _server_command(self):
        """The Odoo command, started through a script rather than ``-m odoo``:
        with workers, Odoo starts its websocket (gevent) process by running
        its own ``sys.argv[0]`` again, which ``-m odoo`` leaves unrunnable."""
        cmd = list(self.odoo_cmd)
        if cmd[1:3] == ["-m", "odoo"]:
            launcher = self.log_path.with_name(f"{self.db}-odoo-bin.py")
            launcher.write_text(ODOO_BIN)
            cmd[1:3] = [str(launcher)]
        return cmd

    def start(self, timeout=180):
        if self.copy:
            self.databases.create_db(self.db, template=self.template_db, attempts=10)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            *self._server_command(),
            f"--workers={self.workers}",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            "--max-cron-threads=0",
            "--log-level=info",
        ]
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            cmd, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"Odoo stopped at start (exit {self.proc.returncode}); see "
                    f"{self.log_path}"
                )
            try:
                with urllib.request.urlopen(self.url + "/web/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"Odoo did not answer within {timeout}s; see {self.log_path}"
        )

    def stop(self):
        if self.proc and self.proc.poll() is None:
            # the prefork server stops on SIGTERM, its workers once their
            # request is done; a second SIGTERM stops them at once; the server
            # leads its own process group, which holds nothing else
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGTERM, 15)):
                self.proc.send_signal(sig)
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            else:
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.proc:
            try:  # a worker or the websocket process left behind
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.log_file.close()
        self._drop_database()

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def client(self, login, password):
        return OdooClient(self.url, self.db, login, password)


@contextlib.contextmanager
def serving(prefix, log_name, workers=2):
    """An ``OdooServer`` on a copy of the test database of ./dev test (the
    test fails without it), started, then stopped and its copy dropped."""
    odoo_cmd, template_db = require_odoo()
    LOGS.mkdir(exist_ok=True)
    odoo = OdooServer(
        odoo_cmd,
        template_db,
        f"{prefix}_{os.getpid()}",
        LOGS / log_name,
        workers=workers,
    )
    try:
        odoo.start()
        yield odoo
    finally:
        odoo.stop()
