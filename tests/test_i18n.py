"""Every addon ships an up-to-date i18n/<addon>.pot and a complete zh_CN.po.

* The .pot of each addon is compared with the terms Odoo exports for it from
  the database that ``./dev test`` installed (``TCM_TEST_DB``, through the Odoo
  command of ``TCM_ODOO_CMD``): the export is the one of
  ``odoo-bin --i18n-export=<addon>.pot --modules=<addon>``
  (``odoo.tools.translate.trans_export`` without a language), run in one
  ``odoo shell`` for all addons. A term exported but missing from the .pot, a
  term of the .pot no longer exported, or a term whose references or comments
  changed (``#. odoo-python`` / ``#. odoo-javascript`` decide whether Odoo
  serves a code term's translation at all) fails the test, with the command
  that regenerates the file. The header (dates, server version) is ignored.
* Each msgid of the .pot has, in zh_CN.po, a non-empty msgstr that is not
  fuzzy (Odoo would load a fuzzy translation as if it were right), the same
  ``odoo-python`` / ``odoo-javascript`` comments as the .pot (without them
  Odoo ignores the translation of a code term), and the same placeholders as
  the msgid: ``%(name)s``, ``%s``, ``%%``, ``{name}``, ``{{ expression }}``
  and the QWeb directives (``t-out="..."``) of HTML terms, so that a
  translation never breaks the formatting of its message.

The zh_CN checks read the files only; the .pot check needs the database.
"""

import json
import re
import shlex
import subprocess
from collections import Counter
from pathlib import Path

import polib
import pytest
from odoo_cli import require_odoo, split_odoo_command

ROOT = Path(__file__).resolve().parents[1]
ADDONS = ROOT / "addons"
OURS = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))
LANG = "zh_CN"
CODE_COMMENTS = ("odoo-python", "odoo-javascript")
# %(name)s, %s, %d, %r, %f, %i and %% (not "5 % off": no flags, no width);
# {name}, {0}, {}; {{ expression }}; QWeb directives of HTML terms
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_]\w*\)[sdrfi]|%[sdrfi]|%%"
    r"|\{\{.*?\}\}|\{\w*\}"
    r"|\bt-[\w-]+=\"[^\"]*\"|\bt-[\w-]+='[^']*'",
    re.DOTALL,
)
SHOWN = 25  # terms listed per kind of difference


# ---------------------------------------------------------------- Odoo
def odoo_command():
    """(Odoo command before its options, its options, database) of ./dev test."""
    cmd, db = require_odoo()
    program, options = split_odoo_command(cmd)
    return program, options, db


EXPORT_SCRIPT = """
import json
from pathlib import Path
from odoo.tools.translate import trans_export

out = Path({out!r})
names = {names!r}
modules = env["ir.module.module"].search([("name", "in", names)])
states = {{module.name: module.state for module in modules}}
for name in names:
    if states.get(name) == "installed":
        # as odoo-bin --i18n-export=<name>.pot --modules=<name> (no language)
        with open(out / (name + ".pot"), "wb") as buf:
            trans_export(None, [name], buf, "po", env.cr)
(out / "states.json").write_text(json.dumps(states))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{addon: polib.POFile} of the terms Odoo exports from the test database."""
    program, options, db = odoo_command()
    out = tmp_path_factory.mktemp("i18n_export")
    script = EXPORT_SCRIPT.format(out=str(out), names=OURS)
    cmd = [*program, "shell", *options, "-d", db, "--log-level=warn"]
    res = subprocess.run(
        cmd,
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=600,
    )
    states_file = out / "states.json"
    if res.returncode or not states_file.exists():
        pytest.fail(
            f"the export of the terms failed ({shlex.join(cmd)}):\n"
            f"{res.stdout[-3000:]}\n{res.stderr[-3000:]}",
            pytrace=False,
        )
    states = json.loads(states_file.read_text())
    missing = [n for n in OURS if states.get(n) != "installed"]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed in {db}: their terms cannot be "
            "exported (./dev test installs every addon of addons/)",
            pytrace=False,
        )
    return {name: polib.pofile(str(out / f"{name}.pot")) for name in OURS}


def regenerate_hint(name):
    program, options, db = odoo_command()
    pot = f"addons/{name}/i18n/{name}.pot"
    po = f"addons/{name}/i18n/{LANG}.po"
    export = [
        *program,
        *options,
        "-d",
        db,
        f"--i18n-export={pot}",
        f"--modules={name}",
        "--stop-after-init",
    ]
    return (
        f"Regenerate it (from {ROOT}, on a database where {name} is installed "
        f"and up to date):\n  {shlex.join(export)}\n"
        f"then bring the new terms into {LANG}.po and translate them, e.g.\n"
        f"  msgmerge --quiet --update --no-fuzzy-matching --backup=none {po} {pot}"
    )


# ---------------------------------------------------------------- the files
def po_entries(path):
    """{msgid: entry} of the live (not obsolete) entries of a .po/.pot file."""
    return {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}


def shorten(text, width=100):
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def listing(title, items):
    items = sorted(items)
    lines = [f"  {title} ({len(items)}):"]
    lines += [f"    {shorten(item, 220)}" for item in items[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(f"    ... and {len(items) - SHOWN} more")
    return lines


def term_signature(entry):
    """What the .pot says of a term besides its msgid: its references and
    its comments (module, odoo-python / odoo-javascript)."""
    return (sorted(entry.occurrences), sorted(entry.comment.splitlines()))


def pot_differences(name, exported_pot):
    """Lines describing how the committed .pot differs from the export."""
    pot_path = ADDONS / name / "i18n" / f"{name}.pot"
    if not pot_path.is_file():
        return [f"  {pot_path.relative_to(ROOT)} is missing"]
    committed = po_entries(pot_path)
    fresh = {e.msgid: e for e in exported_pot if not e.obsolete}
    lines = []
    missing = fresh.keys() - committed.keys()
    extra = committed.keys() - fresh.keys()
    if missing:
        lines += listing("terms of the addon missing from the .pot", missing)
    if extra:
        lines += listing("terms of the .pot the addon no longer has", extra)
    changed = []
    for msgid in fresh.keys() & committed.keys():
        (new_refs, new_comments) = term_signature(fresh[msgid])
        (old_refs, old_comments) = term_signature(committed[msgid])
        what = []
        if new_refs != old_refs:
            gone = [":".join(filter(None, o)) for o in old_refs if o not in new_refs]
            came = [":".join(filter(None, o)) for o in new_refs if o not in old_refs]
            what.append(f"references -{' -'.join(gone)} +{' +'.join(came)}")
        if new_comments != old_comments:
            what.append(
                f"comments {'/'.join(old_comments)} -> {'/'.join(new_comments)}"
            )
        if what:
            changed.append(f"{shorten(msgid, 60)} [{'; '.join(what)}]")
    if changed:
        lines += listing("terms whose references or comments changed", changed)
    return lines


def placeholders(text):
    """The placeholders of a message, as a multiset (spaces inside {{ }} and
    directives do not count)."""
    return Counter(re.sub(r"\s+", "", p) for p in PLACEHOLDER.findall(text))


def zh_cn_problems(name):
    """Lines describing what zh_CN.po misses for the terms of the .pot."""
    i18n = ADDONS / name / "i18n"
    pot_path, po_path = i18n / f"{name}.pot", i18n / f"{LANG}.po"
    if not pot_path.is_file() or not po_path.is_file():
        return [f"  {pot_path.name} or {po_path.name} is missing in {i18n}"]
    pot, po = po_entries(pot_path), po_entries(po_path)
    absent, empty, fuzzy, comments, mismatched = [], [], [], [], []
    for msgid, term in pot.items():
        entry = po.get(msgid)
        if entry is None:
            absent.append(msgid)
            continue
        if not entry.msgstr.strip():
            empty.append(msgid)
            continue
        if "fuzzy" in entry.flags:
            fuzzy.append(msgid)
        wanted = {c for c in term.comment.splitlines() if c in CODE_COMMENTS}
        have = {c for c in entry.comment.splitlines() if c in CODE_COMMENTS}
        if wanted != have:
            comments.append(
                f"{shorten(msgid, 70)} [.pot: {'/'.join(sorted(wanted)) or '-'},"
                f" {LANG}.po: {'/'.join(sorted(have)) or '-'}]"
            )
        source, translated = placeholders(msgid), placeholders(entry.msgstr)
        if source != translated:
            lost = sorted((source - translated).elements())
            added = sorted((translated - source).elements())
            mismatched.append(
                f"{shorten(msgid, 70)} -> {shorten(entry.msgstr, 50)} "
                f"[missing {lost or '-'}, extra {added or '-'}]"
            )
    lines = []
    if absent:
        lines += listing("terms of the .pot absent from the .po", absent)
    if empty:
        lines += listing("terms without translation", empty)
    if fuzzy:
        lines += listing("fuzzy translations (review, then drop the flag)", fuzzy)
    if comments:
        lines += listing(
            "code comments differ from the .pot (Odoo ignores the translation "
            "of a code term without them)",
            comments,
        )
    if mismatched:
        lines += listing("placeholders differ from the msgid", mismatched)
    return lines


# ---------------------------------------------------------------- the tests
def test_every_addon_has_its_translation_files():
    assert OURS, f"no addon found in {ADDONS}"
    missing = [
        str(path.relative_to(ROOT))
        for name in OURS
        for path in (
            ADDONS / name / "i18n" / f"{name}.pot",
            ADDONS / name / "i18n" / f"{LANG}.po",
        )
        if not path.is_file()
    ]
    assert not missing, "missing translation files: " + ", ".join(missing)


@pytest.mark.parametrize("name", OURS)
def test_pot_is_up_to_date(name, exported):
    lines = pot_differences(name, exported[name])
    if lines:
        pytest.fail(
            f"{name}: i18n/{name}.pot is out of date with the terms Odoo exports\n"
            + "\n".join(lines)
            + "\n"
            + regenerate_hint(name),
            pytrace=False,
        )


@pytest.mark.parametrize("name", OURS)
def test_zh_cn_translates_every_term(name):
    lines = zh_cn_problems(name)
    if lines:
        pytest.fail(
            f"{name}: i18n/{LANG}.po does not translate i18n/{name}.pot\n"
            + "\n".join(lines),
            pytrace=False,
        )


def test_placeholder_pattern():
    """The placeholders that must survive a translation, and the percent signs
    that are only text."""
    assert placeholders("%(count)s lines of %s, 50 %% {name} {0} {}") == Counter(
        ["%(count)s", "%s", "%%", "{name}", "{0}", "{}"]
    )
    assert placeholders("New lead: {{ object.name }}") == placeholders(
        "新线索：{{object.name}}"
    )
    assert placeholders('<t t-out="object.name">Partner</t>') == Counter(
        ['t-out="object.name"']
    )
    assert not placeholders("Achievement (%), 5 % extra discount, 100 %")
