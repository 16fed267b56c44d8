#!/usr/bin/env python3
"""Take the screenshots of the documentation from a running demo database.

    ./dev run &                      # serves tcm_demo on http://localhost:8069
    python3 docs/screenshots.py      # writes docs/images/*.png

Headless Chromium driven through the DevTools protocol (websocket-client, from
requirements.txt): log in over JSON-RPC, hand the session cookie to the
browser, open each page, wait until Odoo has rendered it, capture it.
"""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

HERE = Path(__file__).resolve().parent

# (file name, path under /odoo, CSS selector that shows the page is ready)
PAGES = [
    (
        "territories.png",
        "action-sales_territory.sales_territory_action",
        ".o_list_renderer .o_data_row",
    ),
    (
        "territory_form.png",
        "action-sales_territory.sales_territory_action/{east}",
        ".o_form_view .o_field_widget[name=rule_ids]",
    ),
    (
        "realignment.png",
        "action-sales_territory.sales_territory_realignment_action/{realignment}",
        ".o_form_view .o_statusbar_status",
    ),
    (
        "territory_kanban.png",
        "action-sales_territory.sales_territory_action?view_type=kanban",
        ".o_kanban_record",
    ),
    (
        "moves.png",
        "action-sales_territory.sales_territory_move_action",
        ".o_list_renderer .o_data_row",
    ),
]


def rpc(url, path, params, cookie=None):
    request = urllib.request.Request(
        url + path,
        data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Cookie": cookie} if cookie else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        cookie = response.headers.get("Set-Cookie", cookie)
    if body.get("error"):
        raise RuntimeError(body["error"]["data"]["message"])
    return body["result"], cookie


def call(url, cookie, model, method, *args, **kwargs):
    result, _cookie = rpc(
        url,
        "/web/dataset/call_kw",
        {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        cookie,
    )
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    def __init__(self, width, height):
        chrome = shutil.which("chromium") or shutil.which("google-chrome")
        if not chrome:
            raise SystemExit("Chromium is needed (Debian: apt-get install chromium)")
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="tcm-shots-")
        self.proc = subprocess.Popen(
            [
                chrome,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={self.port}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/json", timeout=2
                ) as response:
                    targets = json.loads(response.read())
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.1)
        else:
            raise SystemExit("Chromium did not start")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=60
        )
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            result = self.send("Runtime.evaluate", expression=expression)
            if result.get("result", {}).get("value"):
                time.sleep(1.0)  # let fonts and avatars settle
                return
            time.sleep(0.25)
        raise RuntimeError(f"{selector} did not appear")

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="tcm_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default="en_US", help="e.g. zh_CN")
    parser.add_argument("--out", default=str(HERE / "images"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def login():
        _session, cookie = rpc(
            args.url,
            "/web/session/authenticate",
            {"db": args.db, "login": args.login, "password": args.password},
        )
        return cookie.split(";", 1)[0]

    cookie = login()
    uid = call(args.url, cookie, "res.users", "search", [("login", "=", args.login)])
    user = call(args.url, cookie, "res.users", "read", uid, ["lang"])[0]
    if user["lang"] != args.lang:
        call(args.url, cookie, "res.users", "write", uid, {"lang": args.lang})
    # a new session, so that its context carries the language just set
    cookie = login()
    east = call(
        args.url,
        cookie,
        "sales.territory",
        "search",
        [("code", "=", "CN-E-ZJ")],
        limit=1,
    )
    realignment = call(
        args.url,
        cookie,
        "sales.territory.realignment",
        "search",
        [("state", "=", "previewed")],
        limit=1,
    )
    if not realignment:
        raise SystemExit("the demo database has no previewed realignment")
    ids = {"east": east[0], "realignment": realignment[0]}

    browser = Browser(1440, 900)
    try:
        name, value = cookie.split("=", 1)
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie", name=name, value=value, url=args.url, path="/"
        )
        for filename, path, ready in PAGES:
            browser.send("Page.navigate", url=f"{args.url}/odoo/{path.format(**ids)}")
            browser.wait_for(ready)
            # notifications (e.g. "the page is out of date") are not the subject
            browser.send(
                "Runtime.evaluate",
                expression="document.querySelectorAll('.o_notification')"
                ".forEach((n) => n.remove())",
            )
            shot = browser.send("Page.captureScreenshot", format="png")
            (out / filename).write_bytes(base64.b64decode(shot["data"]))
            print(out / filename)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
