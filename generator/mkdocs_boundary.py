"""Every place paperfeed reaches into MkDocs or Material past their documented plugin API.

Everywhere else, paperfeed uses only what a plugin is meant to: ``mkdocs.plugins``
(``BasePlugin``, ``event_priority``), ``mkdocs.config`` (``Config``, ``config_options``,
``MkDocsConfig``, ``load_config``), ``mkdocs.exceptions`` and ``mkdocs.structure.files``
(``File.generated``, ``Files``, ``InclusionLevel``), and it sets no attribute of theirs:
``tests/test_boundary.py`` checks both on the source. When MkDocs or Material change,
this module is what to read; each touch says why it is here and what it costs to drop.

Pages and files
---------------
1. :class:`GeneratedPage`, a ``mkdocs.structure.pages.Page``: overrides ``read_source``
   (paperfeed's own front matter read without YAML, :func:`quick_front_matter` and
   :func:`front_matter_end`) and ``render`` (the body is HTML already: no
   Python-Markdown), filling the fields ``render`` fills, the private
   ``_title_from_render`` included; it checks ``config.plugins.events`` to know whether
   another plugin supplies page sources. Its ``markdown`` and ``content`` are properties
   read from the file's text rather than copies of it, so that the pages MkDocs reads
   before rendering any are not held three times over. Why: ``fast_pages``, about twenty
   times faster for generated pages, and half the build's memory. Without it:
   ``fast_pages: false``. :class:`NavPage`, the same for the four pages of the
   navigation, made before MkDocs's navigation (which then takes them, with the titles
   they were made with, as it takes a page another plugin made); the theme renders them
   whole (Python-Markdown took 0.3 s of every build on the 1.3 MB home page of 10,000
   papers, and MkDocs's processing of its links more: 0.8 s in all under the profiler).
2. :class:`PreviewFile`, a ``File``: overrides the private ``_content`` property, so that
   a page of the preview whose content is :class:`~generator.model.Known` (a hash and a
   way to make it) is made only if MkDocs reads it, and ``is_modified``, so that MkDocs'
   dirty builds skip the pages that did not change (:mod:`generator.preview`).
3. :func:`always_render` replaces ``is_modified`` on a hand-written page's ``File``:
   its links depend on which generated pages exist, so it is rendered in every preview build.
4. :func:`clean_directory`, :func:`get_toc`, :func:`get_relative_url`: MkDocs' own
   helpers (``mkdocs.utils``, ``mkdocs.structure.toc``), used rather than copied. (Earlier
   versions computed a generated file's ``url`` and a page's ``canonical_url`` with
   copies of MkDocs' logic; MkDocs' own take about 7 and 6 microseconds a page, 0.1 s of a
   10,000-paper build: not worth a copy.) :func:`skip_toc` sets a generated page's
   ``toc`` (also on MkDocs' own ``Page`` without ``fast_pages``) to one place, the start
   of its content: Material writes its "Skip to content" link to a page's first place
   there, and only there. Without it: no such link on generated pages.

Search
------
5. :func:`is_search_plugin` tells MkDocs' and Material's search plugins by their class
   names; :func:`without_search` rebuilds the config's ``PluginCollection`` without the search
   plugins: deleting one leaves its event handlers registered. Why: Pagefind replaces
   Material's search for large feeds (:mod:`generator.search`).
6. :func:`material_search_plugin` makes Material's search plugin
   (``material.plugins.search.plugin``) for a config that lists none;
   :func:`prepend_theme_dir` puts ``theme_pagefind/`` first in the theme's folders.
12. :func:`forget_previous_index` sets Material's search plugin's ``search_index_prev``
    to None. Why: MkDocs' server tells the plugin (``on_startup(dirty=True)``) that its
    builds are dirty, and the plugin then merges the index of the previous build into the
    next, assuming a dirty build renders one page (it drops that page's old entries and
    keeps the rest): the preview renders every page with Material's search, so every
    rebuild added a copy of each and kept the pages that were gone. Without it: the
    preview's builds would not be dirty with Material's search (``--rebuild-all``).
13. :func:`watch_for_files` schedules a handler of its own on MkDocs' preview server's
    ``observer`` for a folder, not recursively, that asks for a rebuild (its private
    ``_rebuild_cond`` and ``_want_rebuild``, as its ``watch`` does) only for the files
    named. Why: the server cannot watch a path that does not exist (a ``curation.yml``
    made while the preview runs), and ``watch`` on the folder rebuilt for any file saved
    there (``paperfeed serve > serve.log`` in the project rebuilt forever). Without it: a
    curation or enrichment file made meanwhile is read from the next rebuild.

Commands
--------
7. :func:`build` and :func:`serve` are ``mkdocs.commands.build.build`` and
   ``mkdocs.commands.serve.serve``, what ``mkdocs build`` and ``mkdocs serve`` run:
   ``paperfeed build`` builds into a staging folder and swaps it in atomically.
8. :func:`dirty_builds_unannounced` filters out, by its text, MkDocs' warning that a
   dirty build may leave wrong links: the preview's builds are dirty by design and kept
   right by :mod:`generator.preview`.
9. :func:`temporary_folders_in` points ``tempfile.tempdir`` at ``/dev/shm`` for the
   duration of ``paperfeed serve``: MkDocs' server builds into ``tempfile.mkdtemp()``
   and has no setting for where; on a disk, a preview of 10,000 papers spends seconds
   making and deleting folders on every rebuild. (The config session of
   :mod:`generator.config` replaced the patched ``load_config`` of earlier versions.)
10. :func:`load_yaml` is ``mkdocs.utils.yaml.yaml_load``: mkdocs.yml read as MkDocs reads it
    (``!ENV``, ``INHERIT``), for the project ``--markdown-only`` writes
    (:mod:`generator.neutral`).

Markup
------
11. :func:`name_search_dialog` gives Material's search box (``partials/search.html``: a
    ``role="dialog"`` without a name, a serious axe-core finding) an ``aria-label``, by
    replacing its opening tag, exactly as Material writes it, in every built page. Why: a
    copy of the whole template would have to follow Material's every release; if the tag
    ever changes, the page is left as it is and ``tests/test_browser_reader.py``'s axe-core
    test says so.

The timeline (README, "MkDocs, Material and what comes next"): Material for MkDocs
reaches its end of life in May 2027 and MkDocs 2 drops the plugin API. paperfeed runs on
MkDocs 1.6 or ProperDocs (:mod:`generator.engine`).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from mkdocs.commands.build import build as build
from mkdocs.commands.serve import serve as serve
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, PluginCollection
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as Page
from mkdocs.structure.toc import get_toc as get_toc
from mkdocs.utils import clean_directory as clean_directory
from mkdocs.utils import get_relative_url as get_relative_url
from mkdocs.utils.yaml import yaml_load as _yaml_load

from generator import engine
from generator.model import Known, Stored
from generator.render.common import SKIP_ID

# 1. GeneratedPage ----------------------------------------------------------------------

BARE_TEMPLATE = "paperfeed-bare.html"
"""A template that renders just ``page.content``: what MkDocs renders for a stamped page."""

_ID = re.compile(r' id="([^"]*)"')
"""Ids in a generated page: digest text there has its quotes escaped, so only tags match."""

TEXT_KEYS = ("title", "description", "feed")
"""The text values :func:`generator.render.common.front_matter` writes, in its order: each
differs from page to page, so each is a slot of the shells (:mod:`generator.fastpages`),
not part of their key."""

_FRONT_MATTER_BLOCKS: dict[str, tuple[str, Callable[[], Any]]] = {
    "hide:\n  - toc": ("hide", lambda: ["toc"]),
    "search:\n  exclude: true": ("search", lambda: {"exclude": True}),
}
"""The front matter lines :func:`generator.render.common.front_matter` writes after the title."""


def quick_front_matter(source: str) -> tuple[str, dict[str, Any]] | None:
    """``(body, meta)`` as ``mkdocs.utils.meta.get_data`` returns them, for the front
    matter paperfeed writes, without YAML; ``None`` for anything else (see
    :func:`front_matter_end`)."""
    found = front_matter_end(source)
    return None if found is None else (source[found[0] :], found[1])


def front_matter_end(source: str) -> tuple[int, dict[str, Any]] | None:
    """``(where the body starts, meta)`` for the front matter paperfeed writes, read
    without YAML; ``None`` for anything else.

    The title (then the description and the feed, if any) is taken only when its
    JSON-quoted value has no escape in it: then the JSON string and the YAML
    double-quoted scalar are both exactly the text between the quotes (the value is
    cleaned text, so it has no line break or control character).
    """
    if not source.startswith('---\ntitle: "'):
        return None
    end = source.find("\n---\n", 4)
    if end < 0:
        return None
    meta: dict[str, Any] = {}
    rest = source[4:end]
    for key in TEXT_KEYS:
        line, _, after = rest.partition("\n")
        if not line.startswith(f'{key}: "'):
            if key == "title":
                return None
            continue
        value = line[len(key) + 2 :]
        if len(value) < 2 or not value.endswith('"') or "\\" in value or '"' in value[1:-1]:
            return None
        meta[key] = value[1:-1]
        rest = after
    while rest:
        for text, (key, make) in _FRONT_MATTER_BLOCKS.items():
            if rest == text or rest.startswith(text + "\n"):
                meta[key] = make()
                rest = rest[len(text) + 1 :]
                break
        else:
            return None
    body = end + 5
    while source.startswith("\n", body):
        body += 1
    return body, meta


class GeneratedPage(Page):
    """A page whose body is block-level HTML: read as usual, never converted.

    Its Markdown and its content are the body of its file's text, and are not kept
    beside it: :attr:`markdown` and :attr:`content` are made from the file's text each
    time they are read, until a plugin sets a different value. MkDocs reads every page
    before it renders the first, so two more copies of every page would be in memory at
    once (600 MB at 10,000 papers, 6 GB at 100,000)."""

    template: str = "main.html"
    """The theme template the page would be rendered with (its front matter may say)."""
    stamped = True
    """Filled into a shell of its kind (:mod:`generator.fastpages`): MkDocs renders only
    its content (the bare template), the shell's template the rest."""

    _body_at: int | None = None
    """Where the body starts in the file's text, once read by :func:`front_matter_end`."""
    _markdown: str | None = None
    """A Markdown set in place of the body (a plugin's), or the one YAML front matter left."""
    _content: str | None = None
    """A content set in place of the body's (a plugin's): ``File`` has a ``_content``, a
    page has none."""
    _rendered = False

    @property
    def markdown(self) -> str | None:
        if self._markdown is None and self._body_at is not None:
            return self.file.content_string[self._body_at :]
        return self._markdown

    @markdown.setter
    def markdown(self, value: str | None) -> None:
        self._markdown = value
        if value is not None and self._body_at is not None:
            if value == self.file.content_string[self._body_at :]:  # the body: not kept
                self._markdown = None
            else:
                self._body_at = None

    @property
    def content(self) -> str | None:
        return self._content if self._content is not None else self._body_content()

    @content.setter
    def content(self, value: str | None) -> None:
        self._content = None if value is not None and value == self._body_content() else value

    def _body_content(self) -> str | None:
        """What Python-Markdown returns for blocks of raw HTML: the blocks, stripped (once
        the page is rendered)."""
        markdown = self.markdown if self._rendered else None
        return None if markdown is None else markdown.strip()

    def _set_canonical_url(self, base: str | None) -> None:
        """MkDocs's (``urljoin`` and ``urlsplit``, for each of tens of thousands of pages),
        made by joining strings where that is exactly what they give."""
        joined = _canonical(base, self.url) if base else None
        if joined is None:
            super()._set_canonical_url(base)
        else:
            self.canonical_url, self.abs_url = joined

    def read_source(self, config: MkDocsConfig) -> None:
        parsed = None
        if not config.plugins.events["page_read_source"]:  # no plugin supplies the source
            parsed = front_matter_end(self.file.content_string)
        self._rendered = False
        self._content = None
        if parsed is None:
            self._body_at = None
            super().read_source(config)
        else:
            self._markdown = None
            self._body_at, self.meta = parsed
        self.template = str(self.meta.get("template", "main.html"))
        if self.stamped:
            self.meta["template"] = BARE_TEMPLATE

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        self._content = None
        self._rendered = True
        skip_toc(self)
        self._title_from_render = None
        self.present_anchor_ids = set(_ID.findall(self.content or ""))
        self.links_to_anchors = {}


def skip_toc(page: Page) -> None:
    """Give a generated page its table of contents (which its front matter hides): one
    place, the start of its content, where the theme's "Skip to content" link leads. The
    theme links the table's first place, and a generated page has no Markdown headings
    (its HTML's are not read) to make one."""
    skip: Any = {"level": 1, "id": SKIP_ID, "name": str(page.title or ""), "children": []}
    page.toc = get_toc([skip])


class NavPage(GeneratedPage):
    """A generated page of the navigation (home, topics, tags, archive): its body is taken
    as it is too, but the theme's template renders the whole page, which shows it active
    in the navigation (no shell fits it)."""

    stamped = False


_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?")
"""A relative URL that ``urljoin`` appends to a base ending in ``/`` as it is: path
segments of unreserved characters, none of them ``.`` or ``..`` (none starts with a dot)."""
_PLAIN_PATH = re.compile(r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*")


def _canonical(base: str, url: str) -> tuple[str, str] | None:
    """``Page._set_canonical_url``'s canonical and absolute URLs of ``url`` on the site
    ``base``; None where joining the strings might not be what ``urljoin`` does."""
    prefix = _base(base)
    if prefix is None or not _PLAIN_URL.fullmatch(url):
        return None
    return prefix[0] + url, prefix[1] + url


@lru_cache(maxsize=8)
def _base(base: str) -> tuple[str, str] | None:
    """The site URL with its ``/`` and its path, if it is plain (an ``http(s)`` URL with a
    host, no query, fragment or dot segment in its path)."""
    if not base.endswith("/"):
        base += "/"
    parts = urlsplit(base)
    plain = (
        parts.scheme in ("http", "https")
        and base.startswith(parts.scheme + "://")  # urljoin writes the scheme in lower case
        and parts.netloc
        and not parts.query
        and not parts.fragment
        and "#" not in base
        and "?" not in base
        and _PLAIN_PATH.fullmatch(parts.path)
    )
    return (base, parts.path) if plain else None


# 2, 3. Files of the preview ---------------------------------------------------------------


class PreviewFile(File):
    """A generated file, which the preview can keep (see :func:`generator.preview.plan`).
    Outside of it (``kept`` is never set), it is modified, like every generated file.

    Its content may be given as :class:`Known` (a hash and a way to render it): it is
    rendered only if MkDocs reads it, and MkDocs does not read a page it does not build.
    A :class:`Stored` content (``paperfeed build``'s pages, already written) is read back
    from the disk each time, and not kept."""

    kept = False
    _text: str | bytes | None = None
    _known: Known | None = None

    @classmethod
    def of(
        cls, config: MkDocsConfig, src_uri: str, content: str | bytes | Known, **kwargs: Any
    ) -> PreviewFile:
        """``File.generated``, with a content that may be :class:`Known`."""
        file = cls.generated(config, src_uri, content=b"", **kwargs)
        assert isinstance(file, PreviewFile)
        file._text, file._known = (None, content) if isinstance(content, Known) else (content, None)
        return file

    @property
    def _content(self) -> str | bytes | None:  # what File reads its content from
        if self._text is None and self._known is not None:
            if isinstance(self._known, Stored):
                return self._known.text()  # on the disk: read back, not kept
            self._text = self._known.make()
        return self._text

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._text, self._known = value, None

    def is_modified(self) -> bool:
        return not self.kept


def always_render(file: File) -> None:
    """Have a hand-written page rendered in every build (the links MkDocs resolves in it
    depend on which generated pages exist), not only when its file is newer."""
    file.is_modified = _modified  # type: ignore[method-assign]


def _modified() -> bool:
    return True


def load_yaml(source: BinaryIO) -> dict[str, Any]:
    """A mkdocs.yml file as MkDocs reads it, before validation."""
    return _yaml_load(source)


# 5, 6. Search ----------------------------------------------------------------------------

SEARCH_PLUGIN_KEY = "material/search"
"""The key Material's header looks up to show its search box."""


def is_search_plugin(name: str, plugin: BasePlugin[Any]) -> bool:
    """Whether ``plugin`` (listed as ``name``) is MkDocs' or Material's search."""
    if name in ("search", SEARCH_PLUGIN_KEY) or name.endswith("/search"):
        return True
    cls = type(plugin)
    return cls.__name__ == "SearchPlugin" and cls.__module__.startswith(
        ("mkdocs.", "material.", "properdocs.")
    )


def without_search(plugins: PluginCollection) -> PluginCollection:
    """A copy of ``plugins`` without any search plugin, its event handlers dropped too.

    ``del plugins[key]`` is not enough: ``PluginCollection`` registers each plugin's
    ``on_*`` methods in ``plugins.events`` when it is added and never unregisters them, so the
    removed plugin would still build its index. Re-adding the others in their order rebuilds
    the event lists exactly as MkDocs made them (ordered by priority, then insertion).
    """
    kept = PluginCollection()
    for name, plugin in plugins.items():
        if not is_search_plugin(name, plugin):
            kept[name] = plugin
    return kept


def material_search_plugin() -> BasePlugin[Any]:
    """Material's search plugin with its default settings."""
    from material.plugins.search.plugin import SearchPlugin

    plugin: BasePlugin[Any] = SearchPlugin()
    errors, _ = plugin.load_config({})
    assert not errors, errors
    return plugin


def forget_previous_index(plugins: PluginCollection) -> None:
    """Have Material's search plugin index this build's pages alone, not merge them into
    the previous build's index (touch 12): for a build that renders every page."""
    for name, plugin in plugins.items():
        if is_search_plugin(name, plugin) and hasattr(plugin, "search_index_prev"):
            plugin.search_index_prev = None


def watch_for_files(server: Any, folder: str, names: frozenset[str]) -> None:
    """Have the preview ``server`` rebuild when a file of ``names`` is made, changed,
    moved or removed in ``folder`` (not recursively), and for no other file (touch 13)."""
    server.observer.schedule(_FilesHandler(server, names), folder, recursive=False)


class _FilesHandler:
    """A watchdog event handler (the observer calls its ``dispatch``) that asks the preview
    server for a rebuild for the files named alone."""

    def __init__(self, server: Any, names: frozenset[str]) -> None:
        self.server = server
        self.names = names

    def dispatch(self, event: Any) -> None:
        if event.is_directory:
            return
        paths = (event.src_path, getattr(event, "dest_path", "") or "")
        if not {os.path.basename(os.fsdecode(p)) for p in paths if p} & self.names:
            return
        with self.server._rebuild_cond:
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()


def prepend_theme_dir(config: MkDocsConfig, folder: str) -> None:
    """Templates in ``folder`` override the theme's (and a ``custom_dir``'s)."""
    if folder not in config.theme.dirs:
        config.theme.dirs.insert(0, folder)


# 8, 9. The preview server ----------------------------------------------------------------


class _HideDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


@contextmanager
def dirty_builds_unannounced() -> Iterator[None]:
    """Drop MkDocs' warning that a dirty build may leave inaccurate links."""
    logger = logging.getLogger(engine.logger_name("commands.build"))
    hide = _HideDirtyWarning()
    logger.addFilter(hide)
    try:
        yield
    finally:
        logger.removeFilter(hide)


@contextmanager
def temporary_folders_in(folder: str | None) -> Iterator[None]:
    """MkDocs' preview (``tempfile.mkdtemp()``) in ``folder`` while the block runs (None:
    where the system keeps temporary files)."""
    if folder is None:
        yield
        return
    saved = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield
    finally:
        tempfile.tempdir = saved


_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def name_search_dialog(html: str) -> str:
    """``html`` with Material's search dialog named "Search" (touch 11)."""
    return html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)
