"""A paper as an entry of a listing: what a reader scans before opening the paper.

Title (a link to the paper's page), authors (the first three, then "et al."), date,
topics, tags and links (arXiv, PDF, code, project), then the abstract in a ``<details>``
expander (a native disclosure widget: keyboard and screen-reader operable). The abstract
is written once: closed, the style sheet shows its first two lines (the teaser), opened
the whole of it. Listings that leave the abstract to the paper's page show a teaser cut
from it instead (:func:`teaser`). Every piece of digest text is HTML-escaped.
"""

from __future__ import annotations

from generator.escape import clean, text
from generator.limits import LISTING_TAGS
from generator.model import Paper
from generator.render.citation import short_authors
from generator.render.common import (
    UNSEARCHED,
    Context,
    arxiv_links,
    paper_counts,
    paper_links,
    paper_path,
    tag_links,
    topic_links,
)
from generator.render.math import plain as math_plain

TEASER_CHARS = 200
"""At most this much of the abstract is the teaser (cut at a word); the style sheet shows
two lines of it."""


def teaser(abstract: str, limit: int = TEASER_CHARS) -> str:
    """The start of ``abstract`` (plain text): all of it when short, else cut before the
    word that would pass ``limit`` characters, with an ellipsis."""
    abstract = clean(abstract)
    if len(abstract) <= limit:
        return abstract
    cut = abstract.rfind(" ", 0, limit + 1)
    return abstract[: cut if cut > 0 else limit].rstrip(" ,;:.") + "…"


def paper_item(
    ctx: Context, page: str, paper: Paper, *, abstract: bool = True, reuse: bool = True
) -> str:
    """One paper in a listing: its head (title, authors, date, topics, tags, links), then
    with ``abstract`` the whole abstract in an expander (closed, the style sheet shows its
    first two lines), otherwise a teaser of it alone (the paper's page has the rest).

    With ``reuse`` the item's head is kept for the other listings of the same depth (a
    paper is on the pages of each of its topics and tags and of its digest, month and
    week); the home page lists a paper once, so it does not keep it."""
    key = (paper.id, ctx.depth(page))
    head = ctx.items.get(key) if reuse else None
    if head is None:
        head = _item_head(ctx, page, paper)
        if reuse:
            ctx.items[key] = head
    if not paper.abstract:
        return head + "\n</div>"
    if not abstract:
        start = text(teaser(math_plain(paper.abstract)))  # a formula cut short: plain text
        return f'{head}\n<p class="pf-teaser">{start}</p>\n</div>'
    return (
        head + '\n<details class="pf-abstract"><summary>Abstract</summary>'
        f"<p>{ctx.abstracts[paper.id]}</p></details>\n</div>"  # out of search with its item
    )


def _more_tags(count: int) -> str:
    """`` +N more`` after the :data:`LISTING_TAGS` tags a listing shows (the paper's page
    shows all), so a listing stays linear in its papers whatever the taxonomy gives."""
    return f" +{count - LISTING_TAGS} more" if count > LISTING_TAGS else ""


def _item_head(ctx: Context, page: str, paper: Paper) -> str:
    lines = [
        f'<div class="pf-item"{UNSEARCHED}>',
        f'<p><strong><a href="{ctx.link(page, paper_path(paper))}">{ctx.titles[paper.id]}'
        "</a></strong><br>",
    ]
    if paper.authors:
        lines.append(f'<span class="pf-authors">{text(short_authors(paper.authors))}</span><br>')
    meta = [paper.last_seen.isoformat()]
    topics = ctx.classes.topics.get(paper.id, ())
    if topics:
        meta.append(topic_links(ctx, page, topics))
    tags = ctx.classes.tags.get(paper.id, ())
    if tags:
        meta.append(tag_links(ctx, page, tags[:LISTING_TAGS]) + _more_tags(len(tags)))
    counts = paper_counts(paper)
    if counts:
        meta.append('<span class="pf-counts">' + " · ".join(counts) + "</span>")
    lines.append('<span class="pf-meta">' + " · ".join(meta) + "</span>")
    links = " · ".join(filter(None, [*arxiv_links(paper), paper_links(ctx, paper)]))
    if links:
        lines[-1] += "<br>"
        lines.append('<span class="pf-links">' + links + "</span>")
    lines[-1] += "</p>"
    return "\n".join(lines)
