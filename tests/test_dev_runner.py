"""The test command is strict: these tests check that its log reading really is.

A WARNING or ERROR line of Odoo's log, a skipped test or a test module that is
not imported must each fail the run; the allow-list must let through only
the lines it names.
"""

import importlib.machinery
import importlib.util
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dev():
    loader = importlib.machinery.SourceFileLoader("dev_script", str(ROOT / "dev"))
    spec = importlib.util.spec_from_loader("dev_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def line(level, logger, msg, db="tcm_test"):
    return f"2026-11-27 10:00:00,123 4242 {level} {db} {logger}: {msg}\n"


def watch(dev, *lines):
    watcher = dev.LogWatcher(io.StringIO())
    for text in lines:
        watcher.feed(text)
    return watcher


def test_warning_and_error_lines_fail(dev):
    watcher = watch(
        dev,
        line("INFO", "odoo.modules.loading", "Loading module sales_territory"),
        line("WARNING", "odoo.models", "Field x has no string"),
        line("ERROR", "odoo.addons.sales_territory.tests.test_x", "FAIL: TestX.test_y"),
    )
    assert [kind for kind, _ in watcher.bad] == ["WARNING", "ERROR"]


def test_allow_list_is_narrow(dev):
    allowed = line("WARNING", "odoo", "Running as user 'root' is a security risk.")
    other = line("WARNING", "odoo", "Running as user 'odoo' is fine")
    assert watch(dev, allowed).bad == []
    assert len(watch(dev, other).bad) == 1


def test_skipped_tests_fail(dev):
    skipped = line(
        "INFO",
        "odoo.addons.sales_territory.tests.test_ui",
        "skipped TestUi.test_tour : Chrome not found",
    )
    assert [kind for kind, _ in watch(dev, skipped).bad] == ["SKIPPED"]


def test_result_and_stats_are_read(dev):
    watcher = watch(
        dev,
        line(
            "INFO", "odoo.tests.stats", "sales_territory: 72 tests 20.50s 9000 queries"
        ),
        line(
            "INFO",
            "odoo.tests.result",
            "1 failed, 2 error(s) of 72 tests when loading database 'tcm_test'",
        ),
    )
    assert watcher.result == (1, 2, 72)
    assert watcher.stats == {"sales_territory": 72}


def test_every_test_module_is_imported(dev, tmp_path, monkeypatch):
    tests = tmp_path / "demo_addon" / "tests"
    tests.mkdir(parents=True)
    (tmp_path / "demo_addon" / "__manifest__.py").write_text("{'name': 'x'}")
    (tests / "__init__.py").write_text("from . import test_a\n")
    (tests / "test_a.py").write_text("")
    (tests / "test_b.py").write_text("")
    monkeypatch.setattr(dev, "ADDONS", tmp_path)
    problems = dev.check_test_imports()
    assert problems == [
        "demo_addon/tests/test_b.py is not imported by tests/__init__.py"
    ]


def test_real_addons_import_all_their_tests(dev):
    assert dev.check_test_imports() == []


def test_addons_are_installed_in_dependency_order(dev):
    order = dev.ordered_addons()
    assert "sales_territory" in order
    for later, earlier in (("sales_channel", "sales_territory"),):
        if later in order:
            assert order.index(earlier) < order.index(later)
