"""Generated pages through MkDocs at a fraction of the cost of a hand-written page.

MkDocs spends about 27 ms on a page here: a fresh Python-Markdown instance and a
conversion, then the theme's whole Jinja template. For the thousands of pages
paperfeed generates neither is needed:

- **No Markdown.** A generated page's body is block-level HTML (see
  :mod:`generator.render.common`), which Python-Markdown would pass through
  untouched; :class:`GeneratedPage` takes it as the page's content directly.
- **One template render per kind of page.** Every generated page outside the
  navigation has the same surroundings (the same navigation, nothing active, no
  previous/next links, no table of contents) except for its title, its content
  and its canonical URL, given its depth, its relative links to the navigation's
  pages and its front matter. :class:`Shells` renders the theme's template once for each such kind,
  with markers in those three places, and fills the markers for every page.

Each slot is filled exactly as the template would fill it: the filter the template
applies there (none, ``striptags``, ``e`` or ``urlencode``) is found by rendering a
probe value, and a slot whose filter is not one of those disables the shell. Each
shell is then checked against the template's own output for its first
:data:`CHECKED_PAGES` pages; any difference (a theme override that shows
``page.url``, say) also disables it. A disabled shell means those pages are
rendered by the template as usual: slower, never different. The test suite
builds sites both ways and compares them byte for byte.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from jinja2.filters import do_striptags, do_urlencode
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.plugins.paperfeed")

BARE_TEMPLATE = "paperfeed-bare.html"
"""A template that renders just ``page.content``: what MkDocs renders for a stamped page."""

CHECKED_PAGES = 3
"""Pages of each shell that are also rendered by the template and compared."""

_ID = re.compile(r' id="([^"]*)"')
"""Ids in a generated page: digest text there has its quotes escaped, so only tags match."""

_FRONT_MATTER_BLOCKS: dict[str, tuple[str, Callable[[], Any]]] = {
    "hide:\n  - toc": ("hide", lambda: ["toc"]),
    "search:\n  exclude: true": ("search", lambda: {"exclude": True}),
}
"""The front matter lines :func:`generator.render.common.front_matter` writes after the title."""


def quick_front_matter(source: str) -> tuple[str, dict[str, Any]] | None:
    """``(body, meta)`` as ``mkdocs.utils.meta.get_data`` returns them, for the front
    matter paperfeed writes, without YAML; ``None`` for anything else.

    The title is taken only when its JSON-quoted value has no escape in it: then the
    JSON string and the YAML double-quoted scalar are both exactly the text between the
    quotes (the title is cleaned text, so it has no line break or control character).
    """
    if not source.startswith('---\ntitle: "'):
        return None
    end = source.find("\n---\n", 4)
    if end < 0:
        return None
    first, _, rest = source[4:end].partition("\n")
    value = first[len("title: ") :]
    if len(value) < 2 or not value.endswith('"') or "\\" in value or '"' in value[1:-1]:
        return None
    meta: dict[str, Any] = {"title": value[1:-1]}
    while rest:
        for text, (key, make) in _FRONT_MATTER_BLOCKS.items():
            if rest == text or rest.startswith(text + "\n"):
                meta[key] = make()
                rest = rest[len(text) + 1 :]
                break
        else:
            return None
    return source[end + 5 :].lstrip("\n"), meta


_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*)?")
"""A relative URL that ``urljoin`` appends to a base as it is: path segments of letters,
digits, ``-``, ``_`` and ``.`` (never ``.`` or ``..``), no query, no fragment."""


@functools.cache
def _plain_base_path(base: str) -> str | None:
    """The path of ``base`` (ending in ``/``) when ``urljoin`` appends a plain URL to it
    as it is (no query, no fragment, no dot segments to resolve), else None."""
    probe = "a/b.c/"
    if urljoin(base, probe) != base + probe:
        return None
    return urlsplit(base).path


class GeneratedPage(Page):
    """A page whose body is block-level HTML: read as usual, never converted."""

    template: str = "main.html"
    """The theme template the page would be rendered with (its front matter may say)."""

    def _set_canonical_url(self, base: str | None) -> None:
        """What :class:`Page` sets, without ``urljoin`` (a tenth of a millisecond a page,
        for every page of every build) when joining is appending: a plain base URL and a
        page URL of plain path segments."""
        url = self.url
        if base and _PLAIN_URL.fullmatch(url):
            if not base.endswith("/"):
                base += "/"
            path = _plain_base_path(base)
            if path is not None:
                self.canonical_url = base + url
                self.abs_url = path + url
                return
        super()._set_canonical_url(base)

    def read_source(self, config: MkDocsConfig) -> None:
        parsed = None
        if not config.plugins.events["page_read_source"]:  # no plugin supplies the source
            parsed = quick_front_matter(self.file.content_string)
        if parsed is None:
            super().read_source(config)
        else:
            self.markdown, self.meta = parsed
        self.template = str(self.meta.get("template", "main.html"))
        self.meta["template"] = BARE_TEMPLATE

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        # What Python-Markdown returns for blocks of raw HTML: the blocks, stripped.
        self.content = self.markdown.strip()
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set(_ID.findall(self.content))
        self.links_to_anchors = {}


Filter = Callable[[str], str]

_FILTERS: dict[str, Filter] = {
    "none": lambda s: s,
    "striptags": lambda s: str(do_striptags(s)),
    "e": lambda s: str(escape(s)),
    "urlencode": lambda s: str(do_urlencode(s)),
}
_PROBE = "<i>&amp;\"' x</i>"
"""Tells the filters apart: each turns it into a different string."""


@dataclass(frozen=True)
class Shell:
    """A rendered template cut at its slots: text, slot, text, slot, ..., text."""

    texts: tuple[str, ...]
    slots: tuple[tuple[str, Filter], ...]

    def fill(self, values: dict[str, str]) -> str:
        out = [self.texts[0]]
        for (name, apply), text in zip(self.slots, self.texts[1:], strict=True):
            out.append(apply(values[name]))
            out.append(text)
        return "".join(out)


def _slot_values(page: Page) -> dict[str, str]:
    values = {"title": str(page.title or ""), "content": page.content or ""}
    if page.canonical_url:
        values["url"] = page.canonical_url
    return values


def _marker(name: str) -> str:
    return f"PAPERFEEDSLOT{name.upper()}X"


def _has_h1(page: Page) -> bool:
    """Material adds a heading when the content has none: the shells differ."""
    return "<h1" in (page.content or "")


def _markers(names: tuple[str, ...], has_h1: bool) -> dict[str, str]:
    markers = {name: _marker(name) for name in names}
    if has_h1:
        markers["content"] = f"<h1>{markers['content']}</h1>"
    return markers


class Shells:
    """The shells of one build, by (depth, front matter)."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.shells: dict[tuple[str, str], Shell | None] = {}
        self.checked: dict[tuple[str, str], int] = {}
        self.stamped = 0
        self.rendered = 0

    def render(self, page: GeneratedPage, context: dict[str, Any]) -> str:
        meta = {k: v for k, v in page.meta.items() if k not in ("title", "template")}
        nav = context.get("nav")
        links = tuple(get_relative_url(p.url, page.url) for p in (nav.pages if nav else ()))
        key = (str(context.get("base_url")), repr((links, _has_h1(page), sorted(meta.items()))))
        if key not in self.shells:
            self.shells[key] = self._make(page, context)
            self.checked[key] = 0
        shell = self.shells[key]
        if shell is None:
            return self._full(page, context)
        out = shell.fill(_slot_values(page))
        if self.checked[key] < CHECKED_PAGES:
            self.checked[key] += 1
            full = self._full(page, context)
            if full != out:
                log.debug(f"paperfeed: the page shell for {key} differs from the template")
                self.shells[key] = None
                return full
        self.stamped += 1
        return out

    def _full(self, page: GeneratedPage, context: dict[str, Any]) -> str:
        self.rendered += 1
        return self.env.get_template(page.template).render(context)

    def _make(self, page: GeneratedPage, context: dict[str, Any]) -> Shell | None:
        real = _slot_values(page)
        markers = _markers(tuple(real), _has_h1(page))
        title, content, url = page.meta.get("title"), page.content, page.canonical_url
        try:
            renders = []
            for suffix in ("", _PROBE):
                probe = {name: markers[name] + suffix for name in real}
                page.meta["title"] = probe["title"]
                page.content = probe["content"]
                if "url" in probe:
                    page.canonical_url = probe["url"]
                renders.append(self._full(page, context))
        finally:
            page.meta["title"], page.content, page.canonical_url = title, content, url
        return _cut(renders[0], renders[1], markers)


def _cut(plain: str, probed: str, markers: dict[str, str]) -> Shell | None:
    """The shell from a render with bare markers and one with the probe after them."""
    names = {marker: name for name, marker in markers.items()}
    pattern = re.compile("|".join(re.escape(m) for m in markers.values()))
    texts, slots = [], []
    start = 0
    offset = 0  # how much longer the probed render is than the plain one, so far
    for match in pattern.finditer(plain):
        texts.append(plain[start : match.start()])
        name = names[match.group()]
        at = match.start() + offset
        found = None
        for filter_name, apply in _FILTERS.items():
            form = apply(match.group() + _PROBE)
            if probed.startswith(form, at):
                found = (filter_name, apply, len(form) - len(match.group()))
                break
        if found is None:
            return None
        slots.append((name, found[1]))
        offset += found[2]
        start = match.end()
    texts.append(plain[start:])
    if "content" not in {name for name, _ in slots}:
        return None
    return Shell(tuple(texts), tuple(slots))
