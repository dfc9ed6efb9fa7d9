"""Dependencies as used: every package the code imports is declared, and the deploy's
constraints file pins every declared package to a version the declared range allows."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".github" / "constraints" / "requirements.txt"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    from pip._vendor import tomli as tomllib


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]]


def declared_names() -> set[str]:
    """The declared distributions, with what their requested extras pull in."""
    names = set()
    for req in declared():
        names.add(canonicalize_name(req.name))
        for extra in req.extras:
            for sub in metadata.requires(req.name) or ():
                sub_req = Requirement(sub)
                if sub_req.marker is not None and sub_req.marker.evaluate({"extra": extra}):
                    names.add(canonicalize_name(sub_req.name))
    return names


def imported_modules(folder: Path) -> dict[str, str]:
    """Top-level module -> the first ``file:line`` importing it, over a package's sources."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".", 1)[0]
                found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


OPTIONAL = {"properdocs": "test"}
"""Imported only when asked for (generator/engine.py), so declared in an extra, not as a
dependency: module -> the extra."""


def test_every_imported_package_is_declared() -> None:
    owners = metadata.packages_distributions()
    names = declared_names()
    missing = []
    for module, where in sorted(imported_modules(ROOT / "generator").items()):
        if module in sys.stdlib_module_names or module == "generator":
            continue
        if module in OPTIONAL:
            extra = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
                "optional-dependencies"
            ][OPTIONAL[module]]
            if not any(Requirement(r).name == module for r in extra):
                missing.append(f"{where}: imports {module!r}, not in the {OPTIONAL[module]} extra")
            continue
        dists = {canonicalize_name(d) for d in owners.get(module, [])}
        if not dists & names:
            missing.append(f"{where}: imports {module!r} ({sorted(dists) or 'not installed'})")
    assert missing == []


def test_the_import_scan_finds_an_undeclared_import() -> None:
    """The check above can fail: a module importing ``pytest`` is found."""
    folder = ROOT / "tests"
    assert "pytest" in imported_modules(folder)
    assert "pytest" not in declared_names()


def pins() -> dict[str, str]:
    result = {}
    for line in CONSTRAINTS.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        assert version and re.fullmatch(r"[A-Za-z0-9._+!-]+", version), line
        result[canonicalize_name(name)] = version
    return result


def test_the_constraints_pin_every_declared_package_within_its_range() -> None:
    pinned = pins()
    wrong = []
    for name in sorted(declared_names()):
        if name not in pinned:
            wrong.append(f"{name}: not pinned")
    for req in declared():
        version = pinned.get(canonicalize_name(req.name))
        if version is not None and not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req.name}=={version} is outside {req.specifier}")
    assert wrong == []


def test_the_lower_bounds_script_lists_every_declared_package() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / ".github" / "lower_bounds.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    assert [canonicalize_name(line.split("==")[0]) for line in lines] == [
        canonicalize_name(r.name) for r in declared()
    ]
    for line, req in zip(lines, declared(), strict=True):
        version = line.split("==")[1]
        assert req.specifier.contains(version), (line, str(req))


@pytest.mark.skipif(
    not os.environ.get("PIP_CONSTRAINT"), reason="only where pip installs with constraints"
)
def test_the_installed_versions_are_the_constraints() -> None:
    """The workflow's "lowest" job installs with ``PIP_CONSTRAINT`` set to the lower bounds:
    what is installed must be exactly those versions, or the bounds are not what was tested."""
    wrong = []
    for path in os.environ["PIP_CONSTRAINT"].split():
        for line in Path(path).read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, _, version = line.partition("==")
            installed = metadata.version(name.strip())
            if Version(installed) != Version(version):
                wrong.append(f"{name}: {installed} installed, {version} expected")
    assert wrong == []
