"""``paperfeed build --markdown-only``: a complete project that builds without paperfeed.

The folder (``--pages-dir``, by default ``build/pages``) holds::

    mkdocs.yml      the site's mkdocs.yml, without the paperfeed plugin
    docs/           the generated pages, feeds and papers.json, the hand-written pages and
                    files of the docs folder, and paperfeed's stylesheet
    overrides/      the theme's custom_dir, when mkdocs.yml has one, and paperfeed's
                    main.html (the head's feed links and OpenGraph tags) unless it has one

``mkdocs build``, ``properdocs build`` or ``zensical build`` in that folder makes a site
with the same pages, addresses and titles as ``paperfeed build``: what the plugin does in
memory is written out (the navigation, which pages stay out of it, the stylesheet), and
each generated page is the ``index.md`` of its own folder (:func:`_in_own_folder`).
What it cannot write: Pagefind's index (the project uses the theme's own search), the
paper pages' citation tags, and the speed of ``fast_pages``.
``!ENV`` values and ``INHERIT`` are resolved as they are when the project is written.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator.errors import UsageError
from generator.render import Content

DOCS = "docs"
OVERRIDES = "overrides"
CSS_PATH = "assets/paperfeed.css"
HEAD_DIR, HEAD = "theme_head", "main.html"
"""paperfeed's additions to the head (feed links, OpenGraph tags), in ``overrides/``."""
IN_NAV = ("index.md", "topics/index.md", "tags/index.md", "archive/index.md")
NAVIGATION = [
    {"Home": "index.md"},
    {"Topics": "topics/index.md"},
    {"Tags": "tags/index.md"},
    {"Archive": "archive/index.md"},
]
"""What :meth:`generator.plugin.PaperfeedPlugin.navigation` gives a config without one."""

HEADER = (
    "# Written by `paperfeed build --markdown-only`: the site without the paperfeed plugin.\n"
    "# Build it here with `mkdocs build`, `properdocs build` or `zensical build`. Do not\n"
    "# edit: the next paperfeed build --markdown-only writes it again.\n"
)


def project_files(
    generated: Iterable[tuple[str, Content]], config_file: Path, config: Any
) -> Iterator[tuple[str, Content]]:
    """Every file of the project, by path: the generated ones (as they come, so that a
    large feed is never held whole) under ``docs/``, then the rest."""
    own_folders = bool(config.use_directory_urls)
    moved: dict[str, str] = {}
    for path, content in generated:
        if own_folders and (there := _in_own_folder(path)) != path:
            moved[path] = there
            path = there
        yield f"{DOCS}/{path}", content
    docs_dir = Path(config.docs_dir)
    hand_written = []
    for file in _files_under(docs_dir):
        rel = file.relative_to(docs_dir).as_posix()
        data = file.read_bytes()
        if rel.endswith(".md"):
            hand_written.append(rel)
            data = _relinked(data, rel, moved)
        yield f"{DOCS}/{rel}", data
    css = resources.files("generator").joinpath("theme").joinpath("paperfeed.css")
    yield f"{DOCS}/{CSS_PATH}", css.read_bytes()
    custom_dir = config.theme.custom_dir
    own_head = False
    if custom_dir:
        for file in _files_under(Path(custom_dir)):
            rel = file.relative_to(custom_dir).as_posix()
            own_head = own_head or rel == HEAD
            yield f"{OVERRIDES}/{rel}", file.read_bytes()
    if not own_head:  # the plugin puts it behind the custom_dir's (generator.plugin)
        yield (
            f"{OVERRIDES}/{HEAD}",
            resources.files("generator").joinpath(HEAD_DIR).joinpath(HEAD).read_bytes(),
        )
    yield "mkdocs.yml", neutral_config(config_file, config, hand_written)


def _in_own_folder(path: str) -> str:
    """``papers/x.md`` as ``papers/x/index.md``: the same page at the same address.

    A generated page's links are HTML, relative to its address (``papers/x/``). MkDocs and
    ProperDocs leave links in HTML as they are; Zensical reads them as it reads Markdown
    links, relative to the file (``papers/``), and rewrites them: one ``../`` too many. In
    its own folder a page's file and address are in the same place, and every engine
    reads its links alike."""
    folder, _, name = path.rpartition("/")
    if not name.endswith(".md") or name == "index.md":
        return path
    return f"{folder}/{name[:-3]}/index.md" if folder else f"{name[:-3]}/index.md"


_MD_LINK = re.compile(
    r"(?P<lead>\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)(?P<target>[^\s()<>#?]+\.md)(?=[#?\s)>]|$)",
    re.MULTILINE,
)
"""A Markdown link's target that names a Markdown file: inline (``](papers/x.md)``) or
a reference definition (``[x]: papers/x.md``)."""


def _relinked(data: bytes, rel: str, moved: dict[str, str]) -> bytes:
    """A hand-written page (``rel``, docs-relative) whose Markdown links to a generated
    page that moved into its own folder (``papers/x.md``, now ``papers/x/index.md``)
    name it there: MkDocs would not find it, and leave the link to a page that is not."""
    if not moved:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # not text MkDocs reads
    folder = posixpath.dirname(rel)

    def relink(m: re.Match[str]) -> str:
        target = m.group("target")
        resolved = posixpath.normpath(posixpath.join(folder, unquote(target)))
        if "://" in target or target.startswith("/") or resolved not in moved:
            return m.group(0)
        return m.group("lead") + posixpath.relpath(moved[resolved], folder or ".")

    relinked = _MD_LINK.sub(relink, text)
    return data if relinked == text else relinked.encode("utf-8")


def _files_under(folder: Path) -> list[Path]:
    """The files of ``folder`` MkDocs would read (dot files and folders left out), sorted."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
    return found


def neutral_config(config_file: Path, config: Any, hand_written: list[str]) -> str:
    """The site's mkdocs.yml as it reads (``INHERIT`` and ``!ENV`` resolved), without the
    paperfeed plugin and with what the plugin adds in memory written out."""
    from generator.mkdocs_boundary import load_yaml

    with config_file.open("rb") as f:
        data = load_yaml(f)
    data["docs_dir"] = DOCS
    data["site_dir"] = "site"
    plugins = data.get("plugins", ["search"])
    if isinstance(plugins, dict):  # MkDocs' other form: {name: options}
        data["plugins"] = {k: v for k, v in plugins.items() if k != "paperfeed"}
    else:
        data["plugins"] = [p for p in plugins if _plugin_name(p) != "paperfeed"]
    data["extra_css"] = [*data.get("extra_css", []), CSS_PATH]
    patterns = [
        *(f"/{folder}/*\n!/{folder}/index.md" for folder in ("topics", "tags", "archive")),
        "/papers/",
    ]
    if not data.get("nav"):
        data["nav"] = NAVIGATION
        patterns += [f"/{rel}" for rel in sorted(hand_written)]
    own = data.get("not_in_nav")
    data["not_in_nav"] = "\n".join([*([own.strip()] if own else []), *patterns]) + "\n"
    theme = data.get("theme")
    if isinstance(theme, dict):
        data["theme"] = {**theme, "custom_dir": OVERRIDES}
    elif isinstance(theme, str):  # `theme: material`
        data["theme"] = {"name": theme, "custom_dir": OVERRIDES}
    try:
        text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    except yaml.YAMLError as e:
        raise UsageError(
            f"{config_file}: --markdown-only cannot write this configuration as plain YAML "
            f"(a Python object tag?): {e}"
        ) from None
    return HEADER + text


class _Dumper(yaml.SafeDumper):
    """Plain YAML, lines of text (``not_in_nav``) as a ``|`` block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _plugin_name(entry: object) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return None
