"""A paper as an entry of a listing: what a reader scans before opening the paper.

Title (a link to the paper's page), authors (the first three, then "et al."), date,
topics, tags and links (arXiv, PDF, code, project), then the abstract in a ``<details>``
expander (a native disclosure widget: keyboard and screen-reader operable). The abstract
is written once: closed, the style sheet shows its first two lines (the teaser), opened
the whole of it. Listings that leave the abstract to the paper's page show a teaser cut
from it instead (:func:`teaser`). Rendered from the template
``paperfeed/paper_entry.html`` (:mod:`generator.templates`: a site's ``custom_dir`` may
override it), which escapes every piece of digest text.
"""

from __future__ import annotations

from typing import Any

from generator.escape import HTML, NO_HTML, text
from generator.limits import LISTING_TAGS
from generator.model import Paper
from generator.render.citation import short_authors
from generator.render.common import (
    DOT,
    TEASER_CHARS,
    Context,
    arxiv_links,
    paper_counts,
    paper_links,
    paper_path,
    tag_links,
    teaser,
    topic_links,
)

__all__ = ["TEASER_CHARS", "paper_item", "teaser"]


ABSTRACT = HTML("\x00abstract\x00")
"""What paperfeed's own entry template is given for the abstract when an entry is kept for
the other listings of its depth: the entry is kept in two parts, which the abstract of the
paper joins (no text has a NUL: :func:`generator.escape.clean` removes it)."""


def paper_item(
    ctx: Context, page: str, paper: Paper, *, abstract: bool = True, reuse: bool = True
) -> HTML:
    """One paper in a listing: its head (title, authors, date, topics, tags, links), then
    with ``abstract`` the whole abstract in an expander (closed, the style sheet shows its
    first two lines), otherwise a teaser of it alone (the paper's page has the rest).

    With ``reuse`` the entry is kept for the other listings of the same depth (a paper is
    on the pages of each of its topics and tags and of its digest, month and week), the
    abstract left out (kept, the abstracts would make the memory a build needs grow several
    times over): rendered once, with :data:`ABSTRACT` for the abstract, and joined by the
    abstract each time. An owner's template may do anything with the abstract, so an entry
    with the abstract is rendered each time then. The home page lists a paper once, so it
    does not keep its entries."""
    full = abstract and bool(paper.abstract)
    templates = ctx.templates
    if not reuse or (full and not templates.own_entry):
        return templates.render(templates.entry, entry_values(ctx, page, paper, full))
    key = (paper.id, ctx.depth(page), full)
    parts = ctx.items.get(key)
    if parts is None:
        values = entry_values(ctx, page, paper, full)
        if full:
            values["abstract"] = ABSTRACT
        entry = templates.render(templates.entry, values)
        parts = ctx.items[key] = tuple(entry.split(ABSTRACT)) if full else (entry,)
    return ctx.abstracts[paper.id].join(parts) if full else parts[0]


def entry_values(ctx: Context, page: str, paper: Paper, full: bool) -> dict[str, Any]:
    """What the template of an entry is given (see ``paperfeed/paper_entry.html``)."""
    topics = ctx.classes.topics.get(paper.id, ())
    tags = ctx.classes.tags.get(paper.id, ())
    facts = ctx.entry_facts.get(paper.id)
    if facts is None:  # what does not depend on the page: made once per paper
        links = DOT.join(link for link in (*arxiv_links(paper), paper_links(ctx, paper)) if link)
        facts = ctx.entry_facts[paper.id] = (
            text(short_authors(paper.authors)),
            paper.last_seen.isoformat(),
            paper_counts(paper),
            links,
        )
    authors, date, counts, links = facts
    return {
        "paper": paper,
        "url": ctx.link(page, paper_path(paper)),
        "title": ctx.titles[paper.id],
        "authors": authors,
        "date": date,
        "topics": topic_links(ctx, page, topics) if topics else NO_HTML,
        "tags": tag_links(ctx, page, tags[:LISTING_TAGS]) if tags else NO_HTML,
        "more_tags": max(0, len(tags) - LISTING_TAGS),
        "counts": counts,
        "links": links,
        "teaser": NO_HTML if full else ctx.teasers[paper.id],
        "abstract": ctx.abstracts[paper.id] if full else None,
    }
