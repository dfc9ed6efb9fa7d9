"""A paper as an entry of a listing: what a reader scans before opening the paper.

Title (a link to the paper's page), authors (the first three, then "et al."), date,
topics, tags and links (arXiv, PDF, code, project), then the abstract in a ``<details>``
expander (a native disclosure widget: keyboard and screen-reader operable). The abstract
is written once: closed, the style sheet shows its first two lines (the teaser), opened
the whole of it. Listings that leave the abstract to the paper's page show a teaser cut
from it instead (:func:`generator.render.math.teaser`: formulas as MathML, never cut in
one). Rendered from the template
``paperfeed/paper_entry.html`` (:mod:`generator.templates`: a site's ``custom_dir`` may
override it), which escapes every piece of digest text.
"""

from __future__ import annotations

from typing import Any

from generator.escape import HTML, NO_HTML, text
from generator.limits import LISTING_TAGS
from generator.model import Paper
from generator.render.citation import author_line
from generator.render.common import (
    DOT,
    TEASER_CHARS,
    Context,
    arxiv_links,
    page_url,
    paper_counts,
    paper_links,
    paper_path,
    tag_links,
    teaser,
    topic_links,
)
from generator.render.math import teaser as math_teaser

__all__ = ["TEASER_CHARS", "paper_item", "teaser"]


ABSTRACT = HTML("\x00abstract\x00")
ROOT = HTML("\x00root\x00")
"""What paperfeed's own entry template is given for the abstract and, at the start of its
links, for the way up to the site's root (``../../``), when it renders a paper's entry once
for every listing the paper is in (no text holds a NUL: :func:`generator.escape.clean`
removes it)."""


_UPS: dict[str, HTML] = {}
"""``../../`` and the like as HTML, for :data:`ROOT`."""


def paper_item(
    ctx: Context, page: str, paper: Paper, *, abstract: bool = True, reuse: bool = True
) -> HTML:
    """One paper in a listing: its head (title, authors, date, topics, tags, links), then
    with ``abstract`` the whole abstract in an expander (closed, the style sheet shows its
    first two lines), otherwise a teaser of it alone (the paper's page has the rest).

    With ``reuse`` the entry is kept for the other listings of the paper (a paper is on
    the pages of each of its topics and tags and of its digest, month and week). With
    paperfeed's own template, which prints the abstract and the links as they are, an
    entry is rendered once per paper with and without the abstract, with :data:`ABSTRACT`
    and :data:`ROOT` in their places, and filled in for each page (kept whole, the
    abstracts would make the memory a build needs grow several times over). An owner's
    template may do anything with them: its entries without the abstract are kept per
    page depth, those with it rendered each time. The home page lists a paper once, so it
    does not keep its entries."""
    full = abstract and bool(paper.abstract)
    templates = ctx.templates
    if reuse and templates.own_entry:
        key = (paper.id, 1 if full else 0)
        entry = ctx.items.get(key)
        if entry is None:
            values = entry_values(ctx, ROOT, paper, full)
            if full:
                values["abstract"] = ABSTRACT
            entry = ctx.items.put(key, templates.render(templates.entry, values))
        way_up = ctx.up(page)
        up = _UPS.get(way_up)
        if up is None:
            up = _UPS[way_up] = text(way_up)
        entry = entry.replace(ROOT, up)
        return entry.replace(ABSTRACT, ctx.abstracts[paper.id]) if full else entry
    if full or not reuse:
        return templates.render(templates.entry, entry_values(ctx, ctx.up(page), paper, full))
    key = (paper.id, -1 - ctx.depth(page))  # an owner's entry without the abstract
    entry = ctx.items.get(key)
    if entry is None:
        values = entry_values(ctx, ctx.up(page), paper, full)
        entry = ctx.items.put(key, templates.render(templates.entry, values))
    return entry


def entry_values(ctx: Context, up: str, paper: Paper, full: bool) -> dict[str, Any]:
    """What the template of an entry is given (see ``paperfeed/paper_entry.html``), on a
    page whose root is at ``up`` (:meth:`~generator.render.common.Context.up`, or
    :data:`ROOT`)."""
    topics = ctx.classes.topics.get(paper.id, ())
    tags = ctx.classes.tags.get(paper.id, ())
    links = (*arxiv_links(paper), paper_links(ctx, paper))
    shown = NO_HTML
    if not full and paper.abstract:  # formulas as MathML, never cut
        shown = math_teaser(paper.abstract, TEASER_CHARS)
    return {
        "paper": paper,
        "url": up + page_url(paper_path(paper), ctx.settings.directory_urls),
        "title": ctx.titles[paper.id],
        "authors": author_line(paper.authors, 3),
        "date": paper.last_seen.isoformat(),
        "topics": topic_links(ctx, up, topics) if topics else NO_HTML,
        "tags": tag_links(ctx, up, tags[:LISTING_TAGS]) if tags else NO_HTML,
        "more_tags": max(0, len(tags) - LISTING_TAGS),
        "counts": paper_counts(paper),
        "links": DOT.join(link for link in links if link),
        "teaser": shown,
        "abstract": ctx.abstracts[paper.id] if full else None,
    }
