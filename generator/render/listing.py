"""Listings: a list of papers split over pages, each paper on exactly one of them.

Two ways to split:

- :func:`parts_of`, for lists that grow at the top (a topic, a tag, all papers, a month):
  the first page holds the newest ``size`` papers and the rest are numbered from the
  *oldest*, so a full part keeps its address and its papers as the list grows;
- :func:`pages_of`, for lists that do not grow (a digest): pages in reading order.

Either way every paper of the list is on one page, the pages in order, and the pager's
Newer/Older (Previous/Next) links walk them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from generator.escape import HTML, NO_HTML
from generator.model import Content, Paper
from generator.render.common import (
    DOT,
    Context,
    front_matter,
    page_content,
    page_text,
    rel,
)
from generator.render.items import paper_item


@dataclass(frozen=True)
class Where:
    """Where the pages of a listing go: the first one, and part ``N`` at ``prefix`` N."""

    first: str
    """Its first page, e.g. ``topics/<slug>/index.md``."""
    prefix: str
    """Part ``N`` is at ``prefix + "N.md"``, e.g. ``topics/<slug>/page-``."""

    @classmethod
    def of(cls, kind: str, slug: str) -> Where:
        """``<kind>/<slug>/index.md`` and ``<kind>/<slug>/page-N.md``."""
        return cls(f"{kind}/{slug}/index.md", f"{kind}/{slug}/page-")

    def path(self, part: int) -> str:
        return self.first if part == 0 else f"{self.prefix}{part}.md"


Split = list[tuple[int, Sequence[Paper]]]
"""The pages of a listing as (part number, papers shown on it), in reading order."""


def parts_of(newest_first: Sequence[Paper], size: int) -> Split:
    """A growing list's pages: ``(0, the newest size papers)``, then the parts of the
    others, newest part first. Part N holds the others' papers N*size-size+1 .. N*size
    counted from the *oldest* (each shown newest first): once a part is full, its papers
    and its number never change, and a new paper moves only the one part the first page
    overlaps. Every paper is on exactly one page; every page holds at most ``size``."""
    split: Split = [(0, newest_first[:size])]
    older = newest_first[size:][::-1]  # oldest first
    parts = [older[start : start + size][::-1] for start in range(0, len(older), size)]
    split += ((n, parts[n - 1]) for n in range(len(parts), 0, -1))
    return split


def pages_of(in_order: Sequence[Paper], size: int) -> Split:
    """A list that does not grow, in reading order: page 1 (part 0), then pages 2, 3, …"""
    chunks = [in_order[start : start + size] for start in range(0, len(in_order), size)] or [[]]
    return [(0 if n == 1 else n, chunk) for n, chunk in enumerate(chunks, start=1)]


_LINK = HTML('<a href="{}">{}</a>')
_RELATED_LINK = HTML('<a href="{}" rel="{}">{}</a>')
_CURRENT = HTML('<strong aria-current="page">{}</strong>')
_NAV = HTML('<nav class="pf-pager" aria-label="Pages" data-search-exclude>{}</nav>')


def _nav(
    here: str,
    at: int,
    count: int,
    target: Callable[[int], tuple[str, str]],
    words: tuple[str, str],
    directory_urls: bool,
) -> HTML:
    """The pager of the page at reading position ``at`` of ``count`` pages: the first and
    the last page and the two on each side (never every page: that grows with the
    listing), and links to the pages just before and after. ``target(position)`` gives
    the page's path and label."""
    if count <= 1:
        return NO_HTML

    def link(position: int, label: str | None = None, relation: str = "") -> HTML:
        path, name = target(position)
        url = rel(here, path, directory_urls)
        if relation:
            return _RELATED_LINK.format(url, relation, label or name)
        return _LINK.format(url, label or name)

    items = [link(at - 1, words[0], "prev")] if at > 0 else []
    shown = sorted({0, count - 1, *range(max(0, at - 2), min(count - 1, at + 2) + 1)})
    previous = -1
    for position in shown:
        if position > previous + 1:
            items.append(HTML("…"))
        if position == at:
            items.append(_CURRENT.format(target(position)[1]))
        else:
            items.append(link(position))
        previous = position
    if at < count - 1:
        items.append(link(at + 1, words[1], "next"))
    return _NAV.format(DOT.join(items))


def pager(where: Where, part: int, parts: int, directory_urls: bool = True) -> HTML:
    """The pager of part ``part`` (0: the first page) of a listing split by
    :func:`parts_of` into the first page and ``parts`` numbered parts. Not the number of
    parts: a full part's pager stays the same as the listing grows (only the parts near
    the newest change), so adding a digest rewrites few pages."""

    def target(position: int) -> tuple[str, str]:
        n = 0 if position == 0 else parts + 1 - position
        return where.path(n), "Newest" if n == 0 else str(n)

    at = 0 if part == 0 else parts + 1 - part
    return _nav(where.path(part), at, parts + 1, target, ("← Newer", "Older →"), directory_urls)


def page_pager(where: Where, part: int, pages: int, directory_urls: bool = True) -> HTML:
    """The pager of a listing split by :func:`pages_of` into ``pages`` pages."""

    def target(position: int) -> tuple[str, str]:
        return where.path(0 if position == 0 else position + 1), str(position + 1)

    at = 0 if part == 0 else part - 1
    return _nav(where.path(part), at, pages, target, ("← Previous", "Next →"), directory_urls)


def listing(
    ctx: Context,
    where: Where,
    title: str,
    intro: Sequence[HTML],
    split: Split,
    nav: Callable[[int], HTML],
    *,
    abstracts: bool = True,
    part_title: Callable[[int], str] | None = None,
    description: str = "",
    part_description: str | None = None,
    feed: str = "",
) -> Iterator[tuple[str, Content]]:
    """The pages of one listing. ``title`` is plain text; ``intro`` (HTML blocks) opens
    the first page; ``nav(part)`` is the pager of a part; ``part_title(part)`` the title
    of a later part (default: "<title>, part N"); ``description`` (plain text) the meta
    description of its first page and ``part_description`` that of the later parts
    (default: the same); ``feed`` the path of the listing's Atom feed, if any.

    A later part of a growing listing must not say what grows (the number of papers):
    its full parts would change, and be rendered and written again, every day."""
    later = description if part_description is None else part_description
    for part, chunk in split:
        path = where.path(part)
        name = title if part == 0 else (part_title or _part_title(title))(part)
        head = [_H1.format(name)]
        if part == 0:
            head += intro
        meta = front_matter(
            name,
            description=description if part == 0 else later,
            feed=ctx.link(path, feed) if feed else "",
            searched=part == 0,
        )
        page = ListingPart(ctx, path, meta, head, nav(part), chunk, abstracts)
        yield path, page_content(ctx, page.inputs, page.render)


_H1 = HTML("<h1>{}</h1>")
NO_PAPERS = HTML("<p>No papers yet.</p>")


def _part_title(title: str) -> Callable[[int], str]:
    return lambda part: f"{title}, part {part}" + (" (oldest)" if part == 1 else "")


@dataclass(frozen=True)
class ListingPart:
    """One page of a listing: all but its paper items is rendered already."""

    ctx: Context
    path: str
    meta: str
    head: list[HTML]
    nav: HTML
    chunk: Sequence[Paper]
    abstracts: bool

    def inputs(self) -> list[str]:
        keys = self.ctx.paper_keys
        shown = [self.path, self.meta, *self.head, self.nav, str(self.abstracts)]
        return shown + [keys[p.id] for p in self.chunk]

    def render(self) -> str:
        blocks = [*self.head, self.nav]
        if not self.chunk:
            blocks.append(NO_PAPERS)
        blocks += (paper_item(self.ctx, self.path, p, abstract=self.abstracts) for p in self.chunk)
        blocks.append(self.nav)
        return page_text(self.meta, blocks)
