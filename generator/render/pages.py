"""The pages: home, topics, tags, digest archive and one page per paper.

Each page is front matter plus HTML blocks (see :mod:`generator.render.common`).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from generator.escape import external_link, text
from generator.model import Content, Digest, Paper, Topic
from generator.render.citation import abs_url, bibtex, hf_url, pdf_url
from generator.render.common import (
    UNSEARCHED,
    Context,
    digest_path,
    front_matter,
    heading,
    listing_path,
    page_content,
    page_text,
    pager,
    paper_counts,
    paper_item,
    paper_links,
    paper_path,
    parts_of,
    tag_links,
    text_block,
    topic_links,
)
from generator.render.math import plain as math_plain

Pages = Iterator[tuple[str, Content]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def related_topics(ctx: Context, members: dict[str, list[Paper]], slug: str) -> list[str]:
    """Topics sharing the most papers with ``slug`` (at most 5), parent and children aside."""
    topic = ctx.taxonomy.topic(slug)
    family = {slug, topic.parent} | {t.slug for t in ctx.taxonomy.topics if t.parent == slug}
    shared: Counter[str] = Counter()
    for paper in members.get(slug, []):
        for other in ctx.classes.topics.get(paper.id, ()):
            if other not in family:
                shared[other] += 1
    return [t for t, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]


def _listing(
    ctx: Context,
    kind: str,
    slug: str,
    title: str,
    intro: Sequence[str],
    papers: Sequence[Paper],
    *,
    abstracts: bool = True,
) -> Pages:
    parts = parts_of(papers, ctx.settings.page_size)
    count = len(parts) - 1
    for part, chunk in parts:
        path = listing_path(kind, slug, part)
        # Not "part N of M": a full part's page stays the same as the listing grows.
        shown = text(title) if part == 0 else f"{text(title)}, part {part}"
        if part == 1:
            shown += " (oldest)"
        name = title if part == 0 else f"{title} ({part})"
        head = [f"<h1>{shown}</h1>"]
        if part == 0:
            head += intro
            head.append(heading(2, "Papers", "papers", searched=False))
        nav = pager(kind, slug, part, count, ctx.settings.directory_urls)
        meta = front_matter(name, searched=part == 0)
        page = _ListingPart(ctx, path, meta, head, nav, chunk, abstracts)
        yield path, page_content(ctx, page.inputs, page.render)


@dataclass(frozen=True)
class _ListingPart:
    """One page of a listing: all but its paper items is rendered already."""

    ctx: Context
    path: str
    meta: str
    head: list[str]
    nav: str
    chunk: Sequence[Paper]
    abstracts: bool

    def inputs(self) -> list[str]:
        keys = self.ctx.paper_keys
        shown = [self.path, self.meta, *self.head, self.nav, str(self.abstracts)]
        return shown + [keys[p.id] for p in self.chunk]

    def render(self) -> str:
        blocks = [*self.head, self.nav]
        if not self.chunk:
            blocks.append("<p>No papers yet.</p>")
        blocks += (paper_item(self.ctx, self.path, p, abstract=self.abstracts) for p in self.chunk)
        blocks.append(self.nav)
        return page_text(self.meta, blocks)


def topic_pages(ctx: Context) -> Pages:
    members = ctx.topic_papers
    children: dict[str, list[Topic]] = {}
    for topic in ctx.taxonomy.topics:
        if topic.parent:
            children.setdefault(topic.parent, []).append(topic)
    for topic in ctx.taxonomy.topics:
        if not members.get(topic.slug):
            continue  # a topic with no papers has no page
        page = listing_path("topics", topic.slug)
        intro = []
        if topic.description:
            intro.append(f"<p>{text(topic.description)}</p>")
        facts = [_plural(len(members.get(topic.slug, [])), "paper")]
        if topic.parent:
            facts.append("part of " + topic_links(ctx, page, [topic.parent]))
        intro.append(f"<p{UNSEARCHED}>" + " · ".join(facts) + "</p>")
        subs = [t.slug for t in children.get(topic.slug, []) if members.get(t.slug)]
        if subs:
            intro.append(f"<p{UNSEARCHED}>Sub-topics: " + topic_links(ctx, page, subs) + "</p>")
        related = related_topics(ctx, members, topic.slug)
        if related:
            links = topic_links(ctx, page, related)
            intro.append(f"<p{UNSEARCHED}>Related topics: {links}</p>")
        yield from _listing(ctx, "topics", topic.slug, topic.name, intro, members[topic.slug])


def topics_index(ctx: Context) -> Pages:
    members = ctx.topic_papers
    page = "topics/index.md"

    def tree(parent: str | None) -> str:
        items = []
        for topic in ctx.taxonomy.topics:
            count = len(members.get(topic.slug, []))
            if topic.parent != parent or not count:
                continue
            link = f'<a href="{ctx.link(page, listing_path("topics", topic.slug))}">'
            desc = f": {text(topic.description)}" if topic.description else ""
            sub = tree(topic.slug)
            items.append(f"<li>{link}{ctx.topic_html[topic.slug]}</a> ({count}){desc}{sub}</li>")
        return "\n<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""

    # Kept out of search in a <div>: Material's search index forgets that an element is
    # excluded when an element of the same name inside it ends (the nested lists).
    blocks = ["<h1>Topics</h1>", f"<div{UNSEARCHED}>{tree(None)}\n</div>"]
    yield page, page_text(front_matter("Topics"), blocks)


def tag_pages(ctx: Context) -> Pages:
    members = ctx.tag_papers
    descriptions = {t.slug: t.description for t in ctx.taxonomy.tags}
    for slug, papers in members.items():
        name = ctx.tag_names.get(slug, slug)
        page = listing_path("tags", slug)
        intro = [f"<p>{text(descriptions[slug])}</p>"] if descriptions.get(slug) else []
        intro.append(
            f"<p>{_plural(len(papers), 'paper')} · "
            f'<a href="{ctx.link(page, "tags/index.md")}">All tags</a></p>'
        )
        # Tag pages list titles only: topic pages and paper pages carry the abstracts.
        yield from _listing(ctx, "tags", slug, f"#{name}", intro, papers, abstracts=False)


def tags_index(ctx: Context) -> Pages:
    members = ctx.tag_papers
    page = "tags/index.md"
    blocks = ["<h1>Tags</h1>"]
    if not members:
        blocks.append("<p>No tags yet.</p>")
    else:
        rows = [
            f"<tr><td>{tag_links(ctx, page, [slug])}</td>"
            f'<td style="text-align: right">{len(papers)}</td></tr>'
            for slug, papers in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        blocks.append(
            f"<table{UNSEARCHED}>\n<thead>\n<tr><th>Tag</th>"
            '<th style="text-align: right">Papers</th></tr>\n</thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody>\n</table>"
        )
    yield page, page_text(front_matter("Tags"), blocks)


def _digest_title(digest: Digest) -> str:
    return digest.title or f"Digest of {digest.date.isoformat()}"


def digest_pages(ctx: Context) -> Pages:
    papers_by_digest: dict[str, list[tuple[int, Paper]]] = {}
    for paper in ctx.feed.papers:
        for appearance in paper.appearances:
            papers_by_digest.setdefault(appearance.digest, []).append((appearance.position, paper))
    for digest in ctx.feed.digests:
        path = digest_path(digest.slug)
        items = [p for _, p in sorted(papers_by_digest.get(digest.slug, []), key=lambda t: t[0])]
        head = [
            f"<h1>{text(_digest_title(digest))}</h1>",
            f"<p>{digest.date.isoformat()} · {_plural(len(items), 'paper')} · "
            f'<a href="{ctx.link(path, "archive/index.md")}">All digests</a></p>',
        ]
        meta = front_matter(_digest_title(digest))
        inputs = partial(_digest_inputs, ctx, path, meta, head, items)
        yield path, page_content(ctx, inputs, partial(_digest_page, ctx, path, meta, head, items))


def _digest_inputs(
    ctx: Context, path: str, meta: str, head: list[str], items: list[Paper]
) -> list[str]:
    keys = ctx.paper_keys
    return [path, meta, *head, *(keys[p.id] for p in items)]


def _digest_page(ctx: Context, path: str, meta: str, head: list[str], items: list[Paper]) -> str:
    return page_text(meta, [*head, *(paper_item(ctx, path, p, reuse=False) for p in items)])


def archive_index(ctx: Context) -> Pages:
    page = "archive/index.md"
    blocks = ["<h1>Archive</h1>"]
    counts = Counter(a.digest for p in ctx.feed.papers for a in p.appearances)
    by_year: dict[int, list[str]] = {}
    for digest in reversed(ctx.feed.digests):
        by_year.setdefault(digest.date.year, []).append(
            f'<li><a href="{ctx.link(page, digest_path(digest.slug))}">'
            f"{text(_digest_title(digest))}</a> ({_plural(counts[digest.slug], 'paper')})</li>"
        )
    for year, items in by_year.items():
        blocks.append(heading(2, str(year), f"year-{year}", searched=False))
        blocks.append(f"<ul{UNSEARCHED}>\n" + "\n".join(items) + "\n</ul>")
    if not ctx.feed.digests:
        blocks.append("<p>No digests yet.</p>")
    yield page, page_text(front_matter("Archive"), blocks)


def paper_pages(ctx: Context) -> Pages:
    for paper in ctx.feed.papers:
        inputs = partial(_paper_inputs, ctx, paper)
        yield paper_path(paper), page_content(ctx, inputs, partial(paper_page, ctx, paper))


def _paper_inputs(ctx: Context, paper: Paper) -> list[str]:
    """What :func:`paper_page` reads: the paper, and the address and title of each related
    paper."""
    related = ctx.classes.related.get(paper.id, ())
    others = [ctx.papers[r] for r in related if r in ctx.papers]
    return [ctx.paper_keys[paper.id], *(f"{o.id}\0{o.slug}\0{o.title}" for o in others)]


def paper_page(ctx: Context, paper: Paper) -> str:
    page = paper_path(paper)
    blocks = [f"<h1>{ctx.titles[paper.id]}</h1>"]
    facts = [f"First seen {paper.first_seen.isoformat()}"]
    facts += source_links(paper)
    if paper.url:
        facts.append(external_link(paper.url, "Paper"))
    blocks.append('<p class="pf-sources">' + " · ".join(facts) + "</p>")
    if paper.authors:
        blocks.append(
            '<p class="pf-authors-all"><strong>Authors:</strong> '
            + text(", ".join(paper.authors))
            + "</p>"
        )
    blocks += paper_facts(paper)
    topics = ctx.classes.topics.get(paper.id, ())
    if topics:
        links = topic_links(ctx, page, topics)
        blocks.append(f"<p{UNSEARCHED}><strong>Topics:</strong> {links}</p>")
    tags = ctx.classes.tags.get(paper.id, ())
    if tags:
        blocks.append(f"<p{UNSEARCHED}><strong>Tags:</strong> {tag_links(ctx, page, tags)}</p>")
    blocks.append(heading(2, "Abstract", "abstract"))
    blocks.append(text_block(ctx.abstracts[paper.id] or "(none)", "pf-abstract-text", escaped=True))
    if paper.links:
        blocks.append(heading(2, "Links", "links"))
        blocks.append("<p>" + paper_links(ctx, paper) + "</p>")
    if paper.note:
        blocks.append(heading(2, "Curator&#x27;s note", "curators-note"))
        blocks.append(text_block(paper.note, "pf-note"))
    blocks.append(heading(2, "Cite", "cite", searched=False))
    blocks.append(bibtex_block(paper))
    blocks.append(heading(2, "Appearances", "appearances", searched=False))
    blocks.append(
        f"<ul{UNSEARCHED}>\n"
        + "\n".join(
            f'<li><a href="{ctx.link(page, digest_path(a.digest))}">{a.date.isoformat()}</a>'
            f", #{a.position}</li>"
            for a in paper.appearances
        )
        + "\n</ul>"
    )
    related = [ctx.papers[r] for r in ctx.classes.related.get(paper.id, ()) if r in ctx.papers]
    if related:
        blocks.append(heading(2, "Related papers", "related-papers", searched=False))
        blocks.append(
            f"<ol{UNSEARCHED}>\n"
            + "\n".join(
                f'<li><a href="{ctx.link(page, paper_path(other))}">{ctx.titles[other.id]}</a></li>'
                for other in related
            )
            + "\n</ol>"
        )
    return page_text(front_matter(math_plain(paper.title)), blocks)


def source_links(paper: Paper) -> list[str]:
    """Links to the paper at its sources: arXiv abstract page, PDF, Hugging Face page."""
    links = []
    if paper.arxiv_id:
        links.append("arXiv " + external_link(abs_url(paper.arxiv_id), paper.arxiv_id))
    pdf = pdf_url(paper)
    if pdf:
        links.append(external_link(pdf, "PDF"))
    hf = hf_url(paper.arxiv_id) if paper.arxiv_id else None
    if hf:
        links.append(external_link(hf, "Hugging Face"))
    return links


def paper_facts(paper: Paper) -> list[str]:
    """What the source tells about the paper: date, category, counts, comment, keywords."""
    facts = []
    if paper.published:
        facts.append(f"Published {paper.published.isoformat()}")
    if paper.category:
        facts.append(f"arXiv category {text(paper.category)}")
    facts += paper_counts(paper)
    if paper.organization:
        facts.append(text(paper.organization))
    blocks = ['<p class="pf-facts">' + " · ".join(facts) + "</p>"] if facts else []
    if paper.arxiv_comment:
        blocks.append(f"<p><strong>Comment:</strong> {text(paper.arxiv_comment)}</p>")
    if paper.keywords:
        blocks.append("<p><strong>Keywords:</strong> " + text(", ".join(paper.keywords)) + "</p>")
    return blocks


def bibtex_block(paper: Paper) -> str:
    """The paper's BibTeX entry, and a button that copies it (Material's clipboard script
    handles every ``data-clipboard-target``: no script of ours)."""
    return (
        '<div class="pf-bibtex" data-search-exclude data-pagefind-ignore>'
        f'<pre id="bibtex"><code>{text_lines(bibtex(paper))}</code></pre>'
        '<p><button type="button" class="md-button pf-copy" data-clipboard-target="#bibtex > code"'
        ' title="Copy the BibTeX entry">Copy BibTeX</button></p></div>'
    )


def text_lines(value: str) -> str:
    """Multi-line text (made of cleaned text: no blank line, no control character)
    HTML-escaped, its indentation kept."""
    return html.escape(value, quote=True)


def home_page(ctx: Context) -> Pages:
    page = "index.md"
    members = ctx.topic_papers
    name = ctx.settings.site_name
    feed = ctx.feed
    blocks = [
        f"<h1>{text(name)}</h1>",
        f"<p>{_plural(len(feed.papers), 'paper')} from {_plural(len(feed.digests), 'digest')}, "
        f"sorted into {_plural(sum(1 for m in members.values() if m), 'topic')}. "
        f'Subscribe with the <a href="{ctx.link(page, "feed.xml")}">Atom feed</a> or download '
        f'<a href="{ctx.link(page, "papers.json")}">the whole feed as JSON</a>.</p>',
    ]
    tops = [t for t in ctx.taxonomy.topics if t.parent is None and members.get(t.slug)]
    blocks.append(
        f"<p{UNSEARCHED}><strong>Topics:</strong> "
        + " · ".join(
            f"{topic_links(ctx, page, [t.slug])} ({len(members.get(t.slug, []))})" for t in tops
        )
        + f' · <a href="{ctx.link(page, "topics/index.md")}">all topics</a></p>'
    )
    featured = [ctx.papers[i] for i in ctx.classes.featured if i in ctx.papers]
    if featured:  # the curator's choice (curation.yml), in the curator's order
        blocks.append(heading(2, "Featured", "featured", searched=False))
        blocks += (paper_item(ctx, page, paper, abstract=False, reuse=False) for paper in featured)
    if feed.digests:
        latest = feed.digests[-1]
        items = [
            (a.position, p) for p in feed.papers for a in p.appearances if a.digest == latest.slug
        ]
        items.sort(key=lambda t: t[0])
        label = (
            f'Latest digest: <a href="{ctx.link(page, digest_path(latest.slug))}">'
            f"{text(_digest_title(latest))}</a>"
        )
        blocks.append(heading(2, label, "latest-digest", searched=False))
        blocks += (paper_item(ctx, page, paper, abstract=False, reuse=False) for _, paper in items)
    else:
        blocks.append("<p>No digests yet: add one to the digests folder.</p>")
    if ctx.settings.extra_pages:
        links = " · ".join(
            f'<a href="{ctx.link(page, path)}">{text(title)}</a>'
            for path, title in ctx.settings.extra_pages
        )
        blocks += ["<hr>", f"<p{UNSEARCHED}>{links}</p>"]
    return iter([(page, page_text(front_matter(name), blocks))])


def all_pages(ctx: Context) -> Pages:
    """Every generated page, as (path, text)."""
    yield from home_page(ctx)
    yield from topics_index(ctx)
    yield from topic_pages(ctx)
    yield from tags_index(ctx)
    yield from tag_pages(ctx)
    yield from archive_index(ctx)
    yield from digest_pages(ctx)
    yield from paper_pages(ctx)
