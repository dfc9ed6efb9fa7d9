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
    extra_pages: tuple[tuple[str, str], ...] = ()
    """Hand-written pages of the docs folder, as (path, title), linked from the home page."""


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
    titles: dict[str, str] = field(default_factory=dict)
    """Paper id -> its title escaped for Markdown (escaped once, used on many pages)."""
    abstracts: dict[str, str] = field(default_factory=dict)
    """Paper id -> its abstract escaped for HTML (escaped once, used on up to 8 pages)."""
    topic_md: dict[str, str] = field(default_factory=dict)
    tag_md: dict[str, str] = field(default_factory=dict)
    topic_papers: dict[str, list[Paper]] = field(default_factory=dict)
    """Topic slug -> its papers, newest first (every topic of the taxonomy has a key)."""
    tag_papers: dict[str, list[Paper]] = field(default_factory=dict)
    """Tag slug -> its papers, newest first; only tags some paper has, sorted by slug."""
    items: dict[tuple[str, int, bool], str] = field(default_factory=dict)
    """Rendered listing items by (paper id, page depth, with abstract)."""


def make_context(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> Context:
    tag_names = {t.slug: t.name for t in taxonomy.tags}
    for tags in classes.tags.values():
        for slug in tags:
            tag_names.setdefault(slug, slug)
    topic_names = {t.slug: t.name for t in taxonomy.topics}
    topic_papers: dict[str, list[Paper]] = {t.slug: [] for t in taxonomy.topics}
    tag_papers: dict[str, list[Paper]] = {}
    for paper in feed.papers:  # newest first, so every list is too
        for slug in classes.topics.get(paper.id, ()):
            topic_papers.setdefault(slug, []).append(paper)
        for slug in classes.tags.get(paper.id, ()):
            tag_papers.setdefault(slug, []).append(paper)
    return Context(
        feed=feed,
        taxonomy=taxonomy,
        classes=classes,
        settings=settings,
        papers=feed.by_id(),
        topic_names=topic_names,
        tag_names=tag_names,
        titles={p.id: md(p.title) for p in feed.papers},
        abstracts={p.id: attr(p.abstract) for p in feed.papers},
        topic_md={slug: md(name) for slug, name in topic_names.items()},
        tag_md={slug: md(name) for slug, name in tag_names.items()},
        topic_papers=topic_papers,
        tag_papers=dict(sorted(tag_papers.items())),
    )


# Paths of generated pages (relative to the docs folder).
def paper_path(paper: Paper) -> str:
    return f"papers/{paper.slug}.md"


def listing_path(kind: str, slug: str, part: int = 0) -> str:
    """``topics/<slug>/index.md`` (the newest papers) or ``topics/<slug>/page-N.md``.

    Part N holds papers N*size-size+1 .. N*size counted from the *oldest*, so a
    part's content and address never change once it is full: a new digest only
    touches the index and the newest part.
    """
    return f"{kind}/{slug}/index.md" if part == 0 else f"{kind}/{slug}/page-{part}.md"


def digest_path(slug: str) -> str:
    return f"archive/{slug}.md"


def rel(from_page: str, to_file: str) -> str:
    """A relative Markdown link target from one generated file to another.

    Always climbs to the docs root first (``../../papers/x.md``), so the text of
    a link depends only on the depth of the page it is on: listings reuse the
    rendered items of a paper on every page of the same depth.
    """
    return "../" * from_page.count("/") + to_file


NOT_SEARCHED = "{ data-search-exclude }"
"""attr_list pragma after a heading: Material's search skips the section it starts."""


def front_matter(title: str, *, hide_toc: bool = False, searched: bool = True) -> str:
    """The page's front matter. ``searched=False`` keeps the page out of the search index
    (both Material's and Pagefind's): listings repeat what the paper pages hold."""
    lines = ["---", front_matter_title(title)]
    if hide_toc:
        lines += ["hide:", "  - toc"]
    if not searched:
        lines += ["search:", "  exclude: true"]
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
        f"[#{ctx.tag_md.get(t) or md(t)}]({rel(page, listing_path('tags', t))})" for t in tags
    )


def topic_links(ctx: Context, page: str, topics: Sequence[str]) -> str:
    return " · ".join(
        f"[{ctx.topic_md.get(t) or md(t)}]({rel(page, listing_path('topics', t))})" for t in topics
    )


def paper_item(ctx: Context, page: str, paper: Paper, *, abstract: bool = True) -> str:
    """One paper in a listing: title link, date, topics, tags, links, collapsed abstract."""
    depth = page.count("/")
    if depth < 2:  # the home page and digest pages list a paper once: nothing to reuse
        return _paper_item(ctx, page, paper, abstract)
    key = (paper.id, depth, abstract)
    cached = ctx.items.get(key)
    if cached is None:
        cached = ctx.items[key] = _paper_item(ctx, page, paper, abstract)
    return cached


def _paper_item(ctx: Context, page: str, paper: Paper, abstract: bool) -> str:
    lines = [f"**[{ctx.titles[paper.id]}]({rel(page, paper_path(paper))})**  "]
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
            f"<summary>Abstract</summary><p>{ctx.abstracts[paper.id]}</p></details>\n"
        )
    return text + "\n"


def text_block(text: str, css_class: str, *, escaped: bool = False) -> str:
    """Long untrusted text as a raw HTML block: HTML-escaped (unless ``escaped`` says it
    already is), and never parsed as Markdown."""
    return f'<div class="{css_class}"><p>{text if escaped else attr(text)}</p></div>\n\n'


def parts_of(newest_first: Sequence[Paper], size: int) -> list[tuple[int, Sequence[Paper]]]:
    """The pages of a listing: ``(0, newest size papers)``, then, when there are more,
    ``(N, part N)`` for every part counted from the oldest (each shown newest first)."""
    parts: list[tuple[int, Sequence[Paper]]] = [(0, newest_first[:size])]
    if len(newest_first) > size:
        oldest_first = newest_first[::-1]
        for n, start in enumerate(range(0, len(oldest_first), size), start=1):
            parts.append((n, oldest_first[start : start + size][::-1]))
    return parts


def pager(kind: str, slug: str, part: int, parts: int) -> str:
    """Links between the parts of a split listing: the newest, the oldest, the ones next
    to this one (never a link to every part: that would grow with the feed)."""
    if parts <= 1:
        return ""
    here = listing_path(kind, slug, part)

    def link(label: str, n: int) -> str:
        return f"[{label}]({rel(here, listing_path(kind, slug, n))})"

    current = part or parts  # the index shows what the newest part shows, and more
    shown = sorted({1, parts, *range(max(1, current - 2), min(parts, current + 2) + 1)})
    numbers: list[str] = []
    previous = parts + 1
    for n in reversed(shown):
        if n < previous - 1:
            numbers.append("…")
        numbers.append(f"**{n}**" if n == part else link(str(n), n))
        previous = n
    items = ["**Newest**" if part == 0 else link("Newest", 0), *numbers]
    if current > 1:
        items.append(link("Older →", current - 1))
    return "Pages: " + " · ".join(items) + "\n\n"
