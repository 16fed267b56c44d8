#!/usr/bin/env python3
"""Write each addon's README.rst and static/description/index.html.

    python3 tools/gen_addon_readme.py            # every addon of addons/
    python3 tools/gen_addon_readme.py --check    # exit 1 if a file is stale

The OCA generates these files with `oca-gen-addon-readme` (OCA/maintainer-tools),
which is not published on PyPI; this script writes them in the same shape from
the same sources: the addon's manifest and its `readme/` fragments (DESCRIPTION,
CONTEXT, INSTALL, CONFIGURE, USAGE, DEVELOP, ROADMAP, HISTORY, CONTRIBUTORS,
CREDITS), in Markdown (`.md`, as the OCA's 18.0 branches write them) or
reStructuredText (`.rst`). The Markdown of the fragments is the plain subset
that reads well on both sides: paragraphs, `##`/`###` headings, bullet and
numbered lists (nested too), pipe tables, fenced code blocks, `code`, *emphasis*,
**strong** and [links](https://example.com).

README.rst is checked with docutils the way PyPI renders it (any docutils
warning is an error) and turned into static/description/index.html, the page
that Odoo's Apps menu shows for the addon. Needs docutils (requirements.txt).
"""

import argparse
import ast
import hashlib
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDONS = ROOT / "addons"
BRANCH = "18.0"

FRAGMENTS = (
    ("DESCRIPTION", None),
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
    ("CONTRIBUTORS", "Contributors"),
    ("CREDITS", "Other credits"),
)
# Sections: the title (= over and under), the README's sections (=), the
# Credits' subsections and a fragment's own ## headings (-), then ### (~).
HEADING_CHARS = {2: "-", 3: "~"}

# The manifest's keys that README.rst shows (its source digest covers them).
README_MANIFEST_KEYS = (
    "name",
    "summary",
    "website",
    "author",
    "maintainers",
    "license",
    "development_status",
)
DEVELOPMENT_STATUS_BADGES = {
    "alpha": ("Alpha-red", "Alpha"),
    "beta": ("Beta-yellow", "Beta"),
    "production/stable": ("Production%2FStable-green", "Production/Stable"),
    "mature": ("Mature-brightgreen", "Mature"),
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}

# The settings of pypa/readme_renderer, as oca-gen-addon-readme uses them.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,  # any warning stops: a README that PyPI would not render
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "report_level": 2,
}


# ---------------------------------------------------------------- Markdown
INLINE = re.compile(
    r"(?P<code>`[^`]+`)"
    r"|(?P<link>\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\))"
    r"|(?P<strong>\*\*[^*]+\*\*)"
    r"|(?P<em>(?<![\w*])[*_](?=\S)[^*_]+(?<=\S)[*_](?![\w*]))"
)
LIST_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d+[.)])\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _escape(text):
    """Plain Markdown text as reStructuredText: no accidental markup."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    # a word ending with _ (or __) is a reference in reStructuredText
    return re.sub(r"(\w)(_+)(?=\W|$)", lambda m: m[1] + "\\_" * len(m[2]), text)


def inline(text):
    """Inline Markdown (code, links, strong, emphasis) as reStructuredText."""
    out, pos = [], 0
    for match in INLINE.finditer(text):
        out.append(_escape(text[pos : match.start()]))
        if match["code"]:
            out.append("``" + match["code"][1:-1] + "``")
        elif match["link"]:
            out.append(f"`{_escape(match['text'])} <{match['url']}>`__")
        elif match["strong"]:
            out.append("**" + _escape(match["strong"][2:-2]) + "**")
        else:
            out.append("*" + _escape(match["em"][1:-1]) + "*")
        pos = match.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _table(src, i, pad):
    """A pipe table from line i as a list-table: (lines, index after it)."""
    rows = []
    while i < len(src) and src[i].strip().startswith("|"):
        if not TABLE_RULE.match(src[i]):
            rows.append([inline(c.strip()) for c in src[i].strip()[1:-1].split("|")])
        i += 1
    lines = [f"{pad}.. list-table::", f"{pad}   :header-rows: 1", ""]
    for row in rows:
        for col, cell in enumerate(row):
            lines.append(f"{pad}   {'* -' if col == 0 else '  -'} {cell}".rstrip())
    return lines + [""], i


def _code_block(src, i, indent, pad):
    """A fenced code block after line i - 1 as a literal block."""
    lines = [pad + "::", ""]
    while i < len(src) and not src[i].strip().startswith("```"):
        code = src[i][indent:] if not src[i][:indent].strip() else src[i]
        lines.append((pad + "    " + code).rstrip())
        i += 1
    return lines + [""], i + 1  # past the closing fence


def _heading(line):
    heading = HEADING.match(line)
    level = len(heading["level"])
    if level not in HEADING_CHARS:
        raise ValueError(f"only ## and ### headings in fragments: {line!r}")
    title = inline(heading["text"])
    return [title, HEADING_CHARS[level] * len(title), ""]


def _block(src, i, indent, pad, in_paragraph):
    """(lines, index after) of a code block, table or heading at line i - 1."""
    line = src[i - 1]
    stripped = line.strip()
    if stripped.startswith("```"):
        return _code_block(src, i, indent, pad)
    if stripped.startswith("|") and i < len(src) and TABLE_RULE.match(src[i]):
        return _table(src, i - 1, pad)
    if HEADING.match(line) and not indent and not in_paragraph:
        return _heading(line), i
    return None, i


def md_to_rst(text):
    """The Markdown of a readme fragment as reStructuredText."""
    src = text.expandtabs(4).splitlines()
    out = []
    # open list items: (column of the item's text in Markdown, the same in rst)
    stack = []
    para = []  # [first line's prefix, the other lines' prefix, words...]
    last_item = None  # (depth, True) while the paragraph is that of a list item

    def flush():
        if para:
            first, rest, *words = para
            text = inline(" ".join(words))
            out.extend(
                textwrap.wrap(
                    text,
                    width=79,
                    initial_indent=first,
                    subsequent_indent=rest,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
            para.clear()

    def emit_blank():
        flush()
        if out and out[-1]:
            out.append("")

    i = 0
    while i < len(src):
        line = src[i]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        i += 1
        if not stripped:
            emit_blank()
            last_item = None
            continue
        item = LIST_ITEM.match(line)
        if item or not para:
            # a new item or a new paragraph closes the items it is left of
            while stack and indent < stack[-1][0]:
                stack.pop()
        pad = " " * (stack[-1][1] if stack else 0)
        block, i = _block(src, i, indent, pad, bool(para))
        if block:
            emit_blank()
            out += block
            last_item = None
            continue
        if item:
            marker = item["marker"]
            rst_marker = "-" if marker in "-*+" else marker[:-1] + "."
            if last_item == (len(stack), bool(para)) and para:
                flush()  # the next item of a tight list
            else:
                emit_blank()
            last_item = (len(stack), True)
            text_col = len(pad) + len(rst_marker) + 1
            para.extend([pad + rst_marker + " ", " " * text_col, item["text"]])
            stack.append((len(line) - len(item["text"]), text_col))
            continue
        if not para:
            para.extend([pad, pad])
            last_item = None
        para.append(stripped)
    flush()
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- README.rst
def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


def read_fragments(addon_dir):
    """{name: reStructuredText} of the addon's readme/ fragments."""
    fragments = {}
    for name, _title in FRAGMENTS:
        md = addon_dir / "readme" / f"{name}.md"
        rst = addon_dir / "readme" / f"{name}.rst"
        if md.is_file():
            text = md_to_rst(md.read_text(encoding="utf-8"))
        elif rst.is_file():
            text = rst.read_text(encoding="utf-8")
        else:
            continue
        if text.strip():
            fragments[name] = text.strip("\n") + "\n"
    return fragments


def repo_of(manifest):
    """(organisation, repository) of the manifest's GitHub website."""
    match = re.match(r"https://github\.com/([^/]+)/([^/#?]+)", manifest["website"])
    if not match:
        raise ValueError(f"website is not a GitHub repository: {manifest['website']}")
    return match[1], match[2]


def _section(title, body, char="="):
    return f"{title}\n{char * len(title)}\n\n{body}\n"


def render_readme(addon_dir, manifest, fragments):
    name = addon_dir.name
    org, repo = repo_of(manifest)
    addon_path = addon_dir.relative_to(ROOT).as_posix()
    addon_url = f"https://github.com/{org}/{repo}/tree/{BRANCH}/{addon_path}"
    shown = {key: manifest.get(key) for key in README_MANIFEST_KEYS}
    digest = hashlib.sha256(
        repr((sorted(fragments.items()), sorted(shown.items()))).encode()
    ).hexdigest()[:32]

    status = manifest.get("development_status", "Beta").lower()
    badges = []
    if status in DEVELOPMENT_STATUS_BADGES:
        image, alt = DEVELOPMENT_STATUS_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{image}.png",
                "https://odoo-community.org/page/development-status",
                alt,
            )
        )
    license_ = manifest.get("license")
    if license_ in LICENSE_URLS:
        badges.append(
            (
                (
                    "https://img.shields.io/badge/license-"
                    f"{license_.replace('-', '--')}-blue.png"
                ),
                LICENSE_URLS[license_],
                f"License: {license_}",
            )
        )
    badge_repo = f"{org}%2F{repo}".replace("-", "--")
    badges.append(
        (
            (
                f"https://img.shields.io/badge/github-{badge_repo}-lightgray.png"
                "?logo=github"
            ),
            addon_url,
            f"{org}/{repo}",
        )
    )

    title = manifest["name"]
    parts = [
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n",
        (
            "..\n"
            "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            "   !! This file is generated by tools/gen_addon_readme.py from    !!\n"
            "   !! readme/*.md and the manifest: changes will be overwritten. !!\n"
            "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            f"   !! source digest: sha256:{digest}\n"
            "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        ),
        "".join(
            f".. |badge{n}| image:: {image}\n    :target: {target}\n    :alt: {alt}\n"
            for n, (image, target, alt) in enumerate(badges, 1)
        ),
        " ".join(f"|badge{n}|" for n in range(1, len(badges) + 1)) + "\n",
        fragments.get("DESCRIPTION", manifest.get("summary", "") + "\n"),
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    for key, section_title in FRAGMENTS[1:]:
        if key in fragments and key not in ("CONTRIBUTORS", "CREDITS"):
            parts.append(_section(section_title, fragments[key].rstrip("\n")))
    parts.append(
        _section(
            "Bug Tracker",
            f"Bugs are tracked on `GitHub Issues "
            f"<https://github.com/{org}/{repo}/issues>`_.\n"
            "In case of trouble, please check there if your issue has already "
            "been reported.\n"
            "If you spotted it first, help us to smash it by providing a "
            "detailed and welcomed\n"
            f"`feedback <https://github.com/{org}/{repo}/issues/new?body=module:"
            f"%20{name}%0Aversion:%20{BRANCH}%0A%0A**Steps%20to%20reproduce**"
            "%0A-%20...%0A%0A**Current%20behavior**%0A%0A**Expected%20behavior**"
            ">`_.\n\n"
            "Do not contact contributors directly about support or help with "
            "technical issues.",
        )
    )
    credits = ["Credits\n=======\n"]
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        credits.append(
            _section("Authors", "\n".join(f"* {a}" for a in authors), char="-")
        )
    for key, section_title in FRAGMENTS:
        if key in ("CONTRIBUTORS", "CREDITS") and key in fragments:
            credits.append(
                _section(section_title, fragments[key].rstrip("\n"), char="-")
            )
    maintainers = manifest.get("maintainers") or []
    body = []
    if maintainers:
        body += [
            f".. |maintainer-{m}| image:: https://github.com/{m}.png?size=40px\n"
            f"    :target: https://github.com/{m}\n"
            f"    :alt: {m}"
            for m in maintainers
        ]
        plural = "s" if len(maintainers) > 1 else ""
        body.append(f"\nCurrent maintainer{plural}:\n")
        body.append(" ".join(f"|maintainer-{m}|" for m in maintainers) + "\n")
    body.append(
        f"This module is part of the `{org}/{repo} <{addon_url}>`_ project on "
        "GitHub.\n\nYou are welcome to contribute."
    )
    credits.append(_section("Maintainers", "\n".join(body), char="-"))
    parts.append("\n".join(credits))
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


def rst_to_html(rst, source_path):
    """index.html of README.rst; raises on any docutils warning."""
    from docutils.core import publish_string

    html = publish_string(
        rst,
        source_path=str(source_path),
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    ).decode("utf-8")
    # Odoo 17+ warns (a WARNING in the log) on an XML declaration in index.html
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", html)


def addon_dirs(paths):
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(p.parent for p in ADDONS.glob("*/__manifest__.py"))


def generate(addon_dir):
    """{path: content} of the files to write for one addon (none without readme/)."""
    readme_dir = addon_dir / "readme"
    if not any((readme_dir / f"DESCRIPTION.{ext}").is_file() for ext in ("md", "rst")):
        return {}  # as oca-gen-addon-readme: nothing without a DESCRIPTION
    manifest = read_manifest(addon_dir)
    if not manifest.get("installable", True):
        return {}
    readme = addon_dir / "README.rst"
    rst = render_readme(addon_dir, manifest, read_fragments(addon_dir))
    html = rst_to_html(rst, readme)
    return {readme: rst, addon_dir / "static" / "description" / "index.html": html}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addons", nargs="*", help="addon folders (default: all)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if stale"
    )
    args = parser.parse_args(argv)
    stale = []
    from docutils.utils import SystemMessage

    for addon_dir in addon_dirs(args.addons):
        try:
            files = generate(addon_dir)
        except (ValueError, SystemMessage) as exc:
            print(f"{addon_dir.name}: {exc}", file=sys.stderr)
            return 1
        for path, content in files.items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == content:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    for path in stale:
        verb = "is out of date" if args.check else "written"
        print(f"{path.relative_to(ROOT)} {verb}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
