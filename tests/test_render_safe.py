"""Generated HTML is safe by construction: ``generator/render/`` builds no markup from strings.

Every piece of markup written in a module of ``generator/render/`` must be a literal fragment
given straight to ``HTML(...)`` or ``XML(...)`` (:mod:`generator.escape`), whose ``format``
and ``join`` escape whatever is not markup already; or come from an autoescaped template
(:mod:`generator.templates`). So this test reads the source (its AST) of every module there
and fails on a string literal holding markup (a tag such as ``<p`` or ``</p``, or a
character reference such as ``&amp;``) anywhere else: in an f-string, before ``%``, as the
text of ``.format`` or ``.join``, in a ``+`` concatenation, in a list of parts. Reading
markup is allowed: a literal compared with ``in`` or searched for (``find``, ``startswith``,
…). It also fails on ``HTML(x)``, ``XML(x)`` or ``Markup(x)`` of anything but a literal:
trusting a string made elsewhere is what :mod:`generator.escape` alone does.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest
from project import REPO

RENDER = REPO / "generator" / "render"
MODULES = sorted(RENDER.glob("*.py"))
MARKUP = re.compile(r"(?<!\(\?P)(?<!\(\?)<[A-Za-z/!]|&#?\w+;")
"""A tag, an end tag, a comment or a character reference (not a regular expression's
``(?P<name>`` or ``(?<!``)."""
WRAPPERS = {"HTML", "XML", "Markup"}
READERS = {"find", "rfind", "index", "rindex", "startswith", "endswith", "count"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def problems(source: str, filename: str = "<source>") -> list[str]:
    """What in ``source`` builds markup other than from a literal fragment: ``file:line: why``."""
    tree = ast.parse(source, filename)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in WRAPPERS and node.args:
            (argument,) = node.args
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                found.append(
                    f"{filename}:{node.lineno}: {_name(node.func)}() of something else than a "
                    "literal (only generator/escape.py may trust a string as markup)"
                )
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not MARKUP.search(node.value):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):
            continue  # a docstring
        if isinstance(parent, ast.Compare):
            continue  # "</head>" in page: reading markup, not making it
        if isinstance(parent, ast.Call) and node in parent.args:
            if _name(parent.func) in WRAPPERS:
                continue  # a literal fragment: HTML('<a href="{}">{}</a>')
            if _name(parent.func) in READERS:
                continue  # page.find("</head>")
        if isinstance(parent, ast.JoinedStr):
            why = "an f-string"
        elif isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mod):
            why = "%-formatting"
        elif isinstance(parent, ast.BinOp | ast.AugAssign):
            why = "string concatenation"
        elif isinstance(parent, ast.Attribute) and parent.attr in ("format", "join"):
            why = f"str.{parent.attr}"
        else:
            why = "a string literal that is not an HTML()/XML() fragment"
        found.append(f"{filename}:{node.lineno}: markup built from {why}: {node.value[:40]!r}")
    return found


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_render_builds_markup_only_from_fragments(module: Path) -> None:
    source = module.read_text("utf-8")
    assert problems(source, module.relative_to(REPO).as_posix()) == []


def test_every_render_module_is_checked() -> None:
    names = {m.name for m in MODULES}
    assert {"browse.py", "common.py", "items.py", "listing.py", "pages.py"} <= names
    assert {"citation.py", "feeds.py", "math.py"} <= names


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("def f(url):\n    return f'<a href=\"{url}\">x</a>'\n", "an f-string"),
        ('def f(x):\n    return "<p>%s</p>" % x\n', "%-formatting"),
        ('def f(x):\n    return "<p>{}</p>".format(x)\n', "str.format"),
        ('def f(x):\n    return "<p>" + x + "</p>"\n', "string concatenation"),
        ('def f(xs):\n    return "<br>".join(xs)\n', "str.join"),
        ('def f(x):\n    out = ""\n    out += "<hr>"\n    return out\n', "concatenation"),
        ('def f(x):\n    return "".join(["<p>", x, "</p>"])\n', "not an HTML()"),
        ('def f(x):\n    return x.replace("&", "&amp;")\n', "not an HTML()"),
        ("def f(x):\n    return HTML(x)\n", "something else than a literal"),
        ("def f(x):\n    return HTML(f'<p>{x}</p>')\n", "something else than a literal"),
        ("def f(x):\n    return Markup(x + '<p>')\n", "something else than a literal"),
    ],
)
def test_the_check_finds_markup_built_from_strings(source: str, why: str) -> None:
    found = problems(source)
    assert found, source
    assert any(why in problem for problem in found), found


def test_the_check_accepts_fragments_and_reading() -> None:
    source = textwrap.dedent(
        '''\
        """A docstring may show ``<details>`` and &amp;."""
        LINK = HTML('<a href="{}">{}</a>')

        def f(page, url, label):
            if "</head>" in page:
                return page.find("</head>")
            return LINK.format(url, label) + HTML("<br>")
        '''
    )
    assert problems(source) == []
