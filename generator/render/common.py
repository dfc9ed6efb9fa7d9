"""Pieces shared by the page renderers: paths, links, paper list items, pagination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.escape import attr, external_link, front_matter_title, md
from generator.model import Classification, Feed, Link, Paper, Taxonomy

LINK_LABELS = {"code": "Code", "project": "Project page", "other": "Link"}


@dataclass(frozen=True)
class SiteSettings:
    """What the renderer needs to know about the site being built."""

    site_url: str = ""
    """Absolute URL of the site root, with a trailing slash (for the Atom feed)."""
    site_name: str = "paperfeed"
    page_size: int = 30
    """Papers per listing page; longer topic and tag listings are split."""
    feed_size: int = 50
    """Papers in the Atom feed."""
    related_k: int = 5


@dataclass(frozen=True)
class Context:
    """Everything the page renderers read; built once per build."""

    feed: Feed
    taxonomy: Taxonomy
    classes: Classification
    settings: SiteSettings
    papers: dict[str, Paper]
    topic_names: dict[str, str]
    tag_names: dict[str, str]
    items: dict[tuple[str, int, bool], str] = field(default_factory=dict)
    """Rendered listing items by (paper id, page depth, with abstract)."""


def make_context(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> Context:
    tag_names = {t.slug: t.name for t in taxonomy.tags}
    for tags in classes.tags.values():
        for slug in tags:
            tag_names.setdefault(slug, slug)
    return Context(
        feed=feed,
        taxonomy=taxonomy,
        classes=classes,
        settings=settings,
        papers=feed.by_id(),
        topic_names={t.slug: t.name for t in taxonomy.topics},
        tag_names=tag_names,
    )


# Paths of generated pages (relative to the docs folder).
def paper_path(paper: Paper) -> str:
    return f"papers/{paper.slug}.md"


def listing_path(kind: str, slug: str, page: int = 1) -> str:
    """``topics/<slug>/index.md`` for page 1, ``topics/<slug>/page-N.md`` after."""
    return f"{kind}/{slug}/index.md" if page == 1 else f"{kind}/{slug}/page-{page}.md"


def digest_path(slug: str) -> str:
    return f"archive/{slug}.md"


def rel(from_page: str, to_file: str) -> str:
    """A relative Markdown link target from one generated file to another.

    Always climbs to the docs root first (``../../papers/x.md``), so the text of
    a link depends only on the depth of the page it is on: listings reuse the
    rendered items of a paper on every page of the same depth.
    """
    return "../" * from_page.count("/") + to_file


def front_matter(title: str, *, hide_toc: bool = False, extra: Sequence[str] = ()) -> str:
    lines = ["---", front_matter_title(title)]
    if hide_toc:
        lines += ["hide:", "  - toc"]
    lines += list(extra)
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def link_list(links: Sequence[Link]) -> str:
    """Inline list of a paper's links, code first."""
    order = {"code": 0, "project": 1, "other": 2}
    parts = [
        f"{LINK_LABELS[link.kind]}: {external_link(link.url, _short_url(link.url))}"
        for link in sorted(links, key=lambda lk: (order[lk.kind], lk.url))
    ]
    return " · ".join(parts)


def _short_url(url: str) -> str:
    for prefix in ("https://", "http://", "mailto:"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
            break
    return url.removeprefix("www.").rstrip("/")


def tag_links(ctx: Context, page: str, tags: Sequence[str]) -> str:
    return " ".join(
        f"[#{md(ctx.tag_names.get(t, t))}]({rel(page, listing_path('tags', t))})" for t in tags
    )


def topic_links(ctx: Context, page: str, topics: Sequence[str]) -> str:
    return " · ".join(
        f"[{md(ctx.topic_names.get(t, t))}]({rel(page, listing_path('topics', t))})" for t in topics
    )


def paper_item(ctx: Context, page: str, paper: Paper, *, abstract: bool = True) -> str:
    """One paper in a listing: title link, date, topics, tags, links, collapsed abstract."""
    key = (paper.id, page.count("/"), abstract)
    cached = ctx.items.get(key)
    if cached is None:
        cached = ctx.items[key] = _paper_item(ctx, page, paper, abstract)
    return cached


def _paper_item(ctx: Context, page: str, paper: Paper, abstract: bool) -> str:
    lines = [f"**[{md(paper.title)}]({rel(page, paper_path(paper))})**  "]
    meta = [paper.last_seen.isoformat()]
    topics = ctx.classes.topics.get(paper.id, ())
    if topics:
        meta.append(topic_links(ctx, page, topics))
    tags = ctx.classes.tags.get(paper.id, ())
    if tags:
        meta.append(tag_links(ctx, page, tags))
    lines.append('<span class="pf-meta">' + " · ".join(meta) + "</span>")
    if paper.links:
        lines[-1] += "  "
        lines.append('<span class="pf-links">' + link_list(paper.links) + "</span>")
    text = "\n".join(lines) + "\n"
    if abstract and paper.abstract:
        text += (
            '\n<details class="pf-abstract" data-search-exclude data-pagefind-ignore>'
            f"<summary>Abstract</summary><p>{attr(paper.abstract)}</p></details>\n"
        )
    return text + "\n"


def text_block(text: str, css_class: str) -> str:
    """Long untrusted text as a raw HTML block: HTML-escaped, and never parsed as Markdown."""
    return f'<div class="{css_class}"><p>{attr(text)}</p></div>\n\n'


def pages_of(items: Sequence[Paper], size: int) -> list[Sequence[Paper]]:
    """Split a listing into pages of ``size``; always at least one (maybe empty) page."""
    if not items:
        return [items]
    return [items[i : i + size] for i in range(0, len(items), size)]


def pager(kind: str, slug: str, page: int, pages: int) -> str:
    """Links to the newer and older parts of a split listing, the first and last, and
    the parts near this one (never a link to every part: that would grow with the feed)."""
    if pages <= 1:
        return ""
    here = listing_path(kind, slug, page)
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    numbers: list[str] = []
    previous = 0
    for n in shown:
        if n > previous + 1:
            numbers.append("…")
        numbers.append(
            f"**{n}**" if n == page else f"[{n}]({rel(here, listing_path(kind, slug, n))})"
        )
        previous = n
    parts = []
    if page > 1:
        parts.append(f"[← Newer]({rel(here, listing_path(kind, slug, page - 1))})")
    parts.append(" ".join(numbers))
    if page < pages:
        parts.append(f"[Older →]({rel(here, listing_path(kind, slug, page + 1))})")
    return "Pages: " + " · ".join(parts) + "\n\n"
