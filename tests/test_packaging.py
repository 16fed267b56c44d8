"""Each addon is a pip package odoo-addon-<name>, built by whool (the OCA's backend).

The wheels are built once, by pip from each addon's pyproject.toml, with
the whool of requirements.txt (no build isolation: no index needed), then read:
the addon's files under odoo/addons/<name>/ (every file its manifest loads, its
translations and icon), the metadata (name, version from the manifest, Odoo
18.0, the other addons of ours it depends on, its Python dependencies), and
installed with pip into a scratch folder as Odoo's addons namespace.
"""

import ast
import email.parser
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADDONS = ROOT / "addons"
OURS = sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py"))
# what an addon of ours ships besides its code, as the OCA's addons do
PACKAGING = {
    "pyproject.toml": "the whool build backend (copy another addon's)",
    "readme/DESCRIPTION.md": "what it does (then python3 tools/gen_addon_readme.py)",
    "readme/CONTRIBUTORS.md": "who wrote it",
    "README.rst": "python3 tools/gen_addon_readme.py",
    "static/description/icon.png": "its icon (256 x 256)",
}


def manifest(name):
    return ast.literal_eval((ADDONS / name / "__manifest__.py").read_text())


def canonical(requirement):
    """'odoo-addon-sales_territory==18.0.*' -> 'odoo-addon-sales-territory==18.0.*'."""
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(.*)$", requirement)
    return re.sub(r"[-_.]+", "-", match[1]).lower() + match[2].replace(" ", "")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    try:
        import whool  # noqa: F401
    except ImportError as exc:
        pytest.fail(
            f"whool, the addons' build backend, is not installed ({exc}): "
            "pip install -r requirements.txt (./dev test does it)"
        )
    out = tmp_path_factory.mktemp("wheels")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    cmd += ["--no-cache-dir", "-q", "-w", str(out)]
    packaged = [n for n in OURS if (ADDONS / n / "pyproject.toml").is_file()]
    res = subprocess.run(
        cmd + [str(ADDONS / name) for name in packaged],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode:
        pytest.fail(f"pip wheel failed:\n{res.stdout}\n{res.stderr}")
    built = {}
    for wheel in out.glob("*.whl"):
        match = re.match(
            r"odoo_addon_(\w+?)-(18\.0\.[^-]+)-py3-none-any\.whl$", wheel.name
        )
        assert match, f"unexpected wheel name {wheel.name}"
        built[match[1]] = wheel
    assert sorted(built) == packaged, f"wheels built: {sorted(built)}"
    return built


def test_every_addon_is_packaged():
    missing = [
        f"addons/{name}/{path}: {why}"
        for name in OURS
        for path, why in PACKAGING.items()
        if not (ADDONS / name / path).is_file()
    ]
    assert not missing, "missing:\n" + "\n".join(missing)


def read_metadata(wheel):
    with zipfile.ZipFile(wheel) as zf:
        (path,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(path).decode("utf-8"))


@pytest.mark.parametrize("name", OURS)
def test_wheel_holds_the_addon(wheels, name):
    assert name in wheels, f"{name}: no wheel (no pyproject.toml)"
    with zipfile.ZipFile(wheels[name]) as zf:
        files = set(zf.namelist())
    base = f"odoo/addons/{name}/"
    man = manifest(name)
    expected = {
        "__init__.py",
        "__manifest__.py",
        "README.rst",
        "static/description/icon.png",
        "static/description/index.html",
        f"i18n/{name}.pot",
        "i18n/zh_CN.po",
        *man.get("data", []),
        *man.get("demo", []),
    }
    for image in man.get("images", []):
        expected.add(image)
    # models and views where the addon has them (a dashboard addon has data only)
    if (ADDONS / name / "models").is_dir():
        expected.add("models/__init__.py")
    expected.update(
        str(view.relative_to(ADDONS / name))
        for view in (ADDONS / name).glob("views/*.xml")
    )
    missing = sorted(f for f in expected if base + f not in files)
    assert not missing, f"{name}: not in the wheel (not committed to git?): {missing}"
    outside = sorted(
        f for f in files if not f.startswith((base, f"odoo_addon_{name}-"))
    )
    assert not outside, f"{name}: files outside odoo/addons/{name}/: {outside}"
    junk = sorted(f for f in files if f.endswith((".pyc", "/pyproject.toml")))
    assert not junk, f"{name}: files that do not belong in the wheel: {junk}"


@pytest.mark.parametrize("name", OURS)
def test_wheel_metadata(wheels, name):
    assert name in wheels, f"{name}: no wheel (no pyproject.toml)"
    meta = read_metadata(wheels[name])
    man = manifest(name)
    assert canonical(meta["Name"]) == canonical(f"odoo-addon-{name}")
    # whool takes the manifest's version, plus the commits since it changed
    assert re.fullmatch(
        re.escape(man["version"]) + r"(\.\d+|\.dev\d+)?", meta["Version"]
    )
    assert meta["Summary"] == " ".join(man["summary"].split())
    assert meta["License"] == man["license"]
    assert meta["Home-page"] == man["website"]
    assert meta["Author"] == man["author"]
    assert "Framework :: Odoo :: 18.0" in meta.get_all("Classifier")
    requires = {canonical(r) for r in meta.get_all("Requires-Dist")}
    expected = {"odoo==18.0.*"}
    expected |= {
        canonical(f"odoo-addon-{dep}==18.0.*") for dep in man["depends"] if dep in OURS
    }
    expected |= {
        canonical(dep) for dep in man.get("external_dependencies", {}).get("python", [])
    }
    # Odoo's own addons (sale_crm, portal, account, ...) come with odoo itself
    assert requires == expected, f"{name}: Requires-Dist {sorted(requires)}"
    assert "Bug Tracker" in meta.get_payload(), "README.rst is the long description"


def test_wheels_install_as_odoo_addons(wheels, tmp_path):
    """pip installs the wheels into Odoo's odoo.addons namespace."""
    target = tmp_path / "site"
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q"]
        + ["--target", str(target), *map(str, wheels.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    for name in wheels:
        assert (target / "odoo" / "addons" / name / "__manifest__.py").is_file()
        dist_info = list(target.glob(f"odoo_addon_{name}-*.dist-info"))
        assert dist_info, f"{name}: no dist-info after pip install"
    # a namespace: no odoo/__init__.py nor odoo/addons/__init__.py of ours
    assert not (target / "odoo" / "__init__.py").exists()
    assert not (target / "odoo" / "addons" / "__init__.py").exists()
