"""One boundary to MkDocs and Material (generator/mkdocs_boundary.py).

Outside that module, paperfeed imports from MkDocs only the plugin API, the config,
the exceptions and ``mkdocs.structure.files``, nothing from Material, and patches no
attribute of theirs: it assigns none of their methods or properties, touches none of
their private attributes, and sets no attribute of their modules or classes."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, PluginCollection
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

import generator.mkdocs_boundary as boundary

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
BOUNDARY = PACKAGE / "mkdocs_boundary.py"
ENGINE = PACKAGE / "engine.py"
ALLOWED = (
    "mkdocs.plugins",
    "mkdocs.config",
    "mkdocs.exceptions",
    "mkdocs.structure.files",
)
"""Module prefixes anything may import (``mkdocs.config`` covers its submodules)."""
THEIRS = ("mkdocs", "material", "properdocs")
CLASSES = (Page, File, Files, Config, MkDocsConfig, BasePlugin, PluginCollection, Theme, Navigation)


def _behaviour(cls: type) -> set[str]:
    """The methods and properties of one of their classes (what patching would replace)."""
    names = set()
    for name, value in inspect.getmembers(cls):
        if name.startswith("__"):
            continue
        if callable(value) or isinstance(inspect.getattr_static(cls, name), property):
            names.add(name)
    return names


BEHAVIOUR = set().union(*(_behaviour(cls) for cls in CLASSES))
PRIVATE = {
    name
    for cls in CLASSES
    for name in [*dir(cls), *re.findall(r"self\.(\w+)", inspect.getsource(cls))]
    if re.fullmatch(r"_[a-z]\w*", name)
}
"""Their private attributes and methods, those set in ``__init__`` included."""


def _own(node: ast.expr) -> bool:
    """``self.x``: an attribute of one of paperfeed's own objects."""
    return isinstance(node, ast.Name) and node.id == "self"


def _allowed(module: str) -> bool:
    return not module.startswith(THEIRS) or any(
        module == prefix or module.startswith(prefix + ".") for prefix in ALLOWED
    )


def problems(source: str, where: str) -> list[str]:
    """What a module does past the boundary, each as ``where:line: what``."""
    tree = ast.parse(source)
    found = []
    theirs: set[str] = set()  # local names bound to their modules or classes
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in THEIRS:
                    theirs.add((alias.asname or alias.name).split(".")[0])
                    if not _allowed(alias.name):
                        found.append(f"{where}:{node.lineno}: imports {alias.name}")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] in THEIRS
        ):
            for alias in node.names:
                theirs.add(alias.asname or alias.name)
                full = f"{node.module}.{alias.name}"
                if not (_allowed(node.module) and _allowed(full)):
                    found.append(f"{where}:{node.lineno}: imports {full}")
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and node.args
        ):
            base = node.args[0]
            if isinstance(base, ast.Name) and base.id in theirs:
                found.append(f"{where}:{node.lineno}: setattr on {base.id}")
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and name.value in BEHAVIOUR | PRIVATE:
                found.append(f"{where}:{node.lineno}: setattr of {name.value}")
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            base = target.value
            if isinstance(base, ast.Name) and base.id in theirs:
                found.append(f"{where}:{node.lineno}: sets {base.id}.{target.attr}")
            elif target.attr in BEHAVIOUR and not _own(base):
                found.append(f"{where}:{node.lineno}: replaces .{target.attr}")
            elif isinstance(base, ast.Name) and (base.id, target.attr) == ("tempfile", "tempdir"):
                found.append(f"{where}:{node.lineno}: sets tempfile.tempdir")
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE and not _own(node.value):
            found.append(f"{where}:{node.lineno}: uses their private .{node.attr}")
        if isinstance(node, ast.FunctionDef) and node.name in PRIVATE:
            found.append(f"{where}:{node.lineno}: overrides their private {node.name}")
    return found


def test_nothing_outside_the_boundary_reaches_into_mkdocs_or_material() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in (BOUNDARY, ENGINE):
            continue
        found += problems(path.read_text("utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert found == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from mkdocs.structure.pages import Page", "imports mkdocs.structure.pages.Page"),
        ("from mkdocs import utils", "imports mkdocs.utils"),
        ("import material.plugins.search.plugin", "imports material.plugins.search.plugin"),
        ("import mkdocs.commands.serve as s\ns.load_config = f", "sets s.load_config"),
        ("import mkdocs.commands.serve as s\nsetattr(s, 'load_config', f)", "setattr on s"),
        ("file.is_modified = lambda: True", "replaces .is_modified"),
        ("x = page._title_from_render", "uses their private ._title_from_render"),
        ("class P(Base):\n    def _set_canonical_url(self, b): ...", "overrides their private"),
        ("import tempfile\ntempfile.tempdir = '/dev/shm'", "sets tempfile.tempdir"),
    ],
)
def test_the_check_finds_each_kind_of_touch(source: str, problem: str) -> None:
    assert any(problem in p for p in problems(source, "m.py")), problems(source, "m.py")


def test_the_check_lets_the_plugin_api_through() -> None:
    source = (
        "from mkdocs.plugins import BasePlugin, event_priority\n"
        "from mkdocs.config import config_options as c\n"
        "from mkdocs.config.defaults import MkDocsConfig\n"
        "from mkdocs.exceptions import PluginError\n"
        "from mkdocs.structure.files import File, Files, InclusionLevel\n"
        "file.inclusion = InclusionLevel.NOT_IN_NAV\n"
        "config.nav = []\n"
    )
    assert problems(source, "m.py") == []


def test_the_boundary_docstring_names_each_of_its_touches() -> None:
    doc = boundary.__doc__ or ""
    public = [
        name
        for name, value in vars(boundary).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", "").startswith(("generator.mkdocs_boundary", *THEIRS))
        and name not in ("Any", "Callable", "Iterator", "MkDocsConfig", "Known")
    ]
    assert set(public) >= {"GeneratedPage", "PreviewFile", "build", "serve", "without_search"}
    missing = [
        name
        for name in public
        if name not in ("BasePlugin", "PluginCollection", "File", "Files", "Page")
        and f":func:`{name}`" not in doc
        and f":class:`{name}`" not in doc
    ]
    assert missing == []
