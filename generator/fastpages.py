"""Generated pages through MkDocs at a fraction of the cost of a hand-written page.

MkDocs spends about 27 ms on a page here: a fresh Python-Markdown instance and a
conversion, then the theme's whole Jinja template. For the thousands of pages
paperfeed generates neither is needed:

- **No Markdown.** A generated page's body is block-level HTML (see
  :mod:`generator.render.common`), which Python-Markdown would pass through
  untouched; :class:`GeneratedPage` takes it as the page's content directly.
- **One template render per kind of page.** Every generated page outside the
  navigation has the same surroundings (the same navigation, nothing active, no
  previous/next links, no table of contents) except for its title, its content, its
  canonical URL and the description and feed of its front matter, given its depth, its
  relative links to the navigation's pages and the rest of its front matter.
  :class:`Shells` renders the theme's template once for each such kind, with markers in
  those places, and fills the markers for every page.

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

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.filters import do_striptags, do_urlencode
from markupsafe import escape

from generator.mkdocs_boundary import BARE_TEMPLATE as BARE_TEMPLATE
from generator.mkdocs_boundary import TEXT_KEYS, Page, get_relative_url
from generator.mkdocs_boundary import GeneratedPage as GeneratedPage
from generator.mkdocs_boundary import quick_front_matter as quick_front_matter

log = logging.getLogger("mkdocs.plugins.paperfeed")

CHECKED_PAGES = 3
"""Pages of each shell that are also rendered by the template and compared."""

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
    for name in TEXT_KEYS[1:]:
        if name in page.meta:
            values[name] = str(page.meta[name])
    if page.canonical_url:
        values["url"] = page.canonical_url
    return values


def _plain_title(page: Page) -> bool:
    """A title that a lean render (white space around it collapsed) shows as it is: not
    empty, no white space at either end."""
    title = str(page.title or "")
    return bool(title) and title == title.strip()


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

    def __init__(
        self, env: jinja2.Environment, post: Callable[[str, Page], str] | None = None
    ) -> None:
        self.env = env
        self.post = post
        """Applied to every render of the template (:mod:`generator.lean`): the shells are
        cut from its output, so it must give the same bytes whatever the title and URL."""
        self.shells: dict[tuple[str, str], Shell | None] = {}
        self.checked: dict[tuple[str, str], int] = {}
        self.stamped = 0
        self.rendered = 0

    def render(self, page: GeneratedPage, context: dict[str, Any]) -> str:
        meta = {k: v for k, v in page.meta.items() if k not in (*TEXT_KEYS, "template")}
        slots = [k for k in TEXT_KEYS if k in page.meta]
        nav = context.get("nav")
        links = tuple(get_relative_url(p.url, page.url) for p in (nav.pages if nav else ()))
        shape = (links, _has_h1(page), slots, sorted(meta.items()))
        key = (str(context.get("base_url")), repr(shape))
        if key not in self.shells:
            self.shells[key] = self._make(page, context)
            self.checked[key] = 0
        shell = self.shells[key]
        if shell is None or (self.post is not None and not _plain_title(page)):
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
        out = self.env.get_template(page.template).render(context)
        return out if self.post is None else self.post(out, page)

    def _make(self, page: GeneratedPage, context: dict[str, Any]) -> Shell | None:
        real = _slot_values(page)
        markers = _markers(tuple(real), _has_h1(page))
        texts = {name: page.meta.get(name) for name in TEXT_KEYS if name in real}
        content, url = page.content, page.canonical_url
        try:
            renders = []
            for suffix in ("", _PROBE):
                probe = {name: markers[name] + suffix for name in real}
                for name in texts:
                    page.meta[name] = probe[name]
                page.content = probe["content"]
                if "url" in probe:
                    page.canonical_url = probe["url"]
                renders.append(self._full(page, context))
        finally:
            page.meta.update(texts)
            page.content, page.canonical_url = content, url
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
