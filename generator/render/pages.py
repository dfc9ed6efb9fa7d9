"""The pages: topics, tags and one page per paper (:mod:`generator.render.browse`: home,
all papers, archive).

Each page is front matter plus HTML blocks (see :mod:`generator.render.common`).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterator
from functools import partial

from generator.escape import external_link, text
from generator.model import Content, Paper, Topic
from generator.render.browse import archive_pages, home_page, papers_index, plural
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
    paper_counts,
    paper_links,
    paper_path,
    tag_links,
    text_block,
    topic_bibtex_path,
    topic_feed_path,
    topic_links,
)
from generator.render.listing import Where, listing, pager, parts_of
from generator.render.math import plain as math_plain
from generator.render.meta import first_sentence

Pages = Iterator[tuple[str, Content]]


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
        facts = [
            plural(len(members.get(topic.slug, [])), "paper"),
            f'<a href="{ctx.link(page, topic_feed_path(topic.slug))}">Atom feed</a>',
            f'<a href="{ctx.link(page, topic_bibtex_path(topic.slug))}">BibTeX</a>',
        ]
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
        intro.append(heading(2, "Papers", "papers", searched=False))
        split = parts_of(members[topic.slug], ctx.settings.page_size)
        where = Where.of("topics", topic.slug)
        nav = partial(_pager, ctx, where, len(split) - 1)
        about = topic.description or f"Papers on {topic.name}"
        feed = topic_feed_path(topic.slug)
        yield from listing(ctx, where, topic.name, intro, split, nav, description=about, feed=feed)


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
            f"<p>{plural(len(papers), 'paper')} · "
            f'<a href="{ctx.link(page, "tags/index.md")}">All tags</a></p>'
        )
        intro.append(heading(2, "Papers", "papers", searched=False))
        split = parts_of(papers, ctx.settings.page_size)
        where = Where.of("tags", slug)
        nav = partial(_pager, ctx, where, len(split) - 1)
        # Tag pages show teasers only: topic pages and paper pages carry the abstracts.
        about = descriptions.get(slug) or f"Papers tagged {name}"
        yield from listing(
            ctx, where, f"#{name}", intro, split, nav, abstracts=False, description=about
        )


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
    title = math_plain(paper.title)
    about = first_sentence(math_plain(paper.abstract)) or title
    return page_text(front_matter(title, description=about), blocks)


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
        '<div class="pf-bibtex" data-search-exclude>'
        f'<pre id="bibtex"><code>{text_lines(bibtex(paper))}</code></pre>'
        '<p><button type="button" class="md-button pf-copy" data-clipboard-target="#bibtex > code"'
        ' title="Copy the BibTeX entry">Copy BibTeX</button></p></div>'
    )


def text_lines(value: str) -> str:
    """Multi-line text (made of cleaned text: no blank line, no control character)
    HTML-escaped, its indentation kept."""
    return html.escape(value, quote=True)


def _pager(ctx: Context, where: Where, parts: int, part: int) -> str:
    return pager(where, part, parts, ctx.settings.directory_urls)


def all_pages(ctx: Context) -> Pages:
    """Every generated page, as (path, text)."""
    yield from home_page(ctx)
    yield from topics_index(ctx)
    yield from topic_pages(ctx)
    yield from tags_index(ctx)
    yield from tag_pages(ctx)
    yield from archive_pages(ctx)
    yield from papers_index(ctx)
    yield from paper_pages(ctx)
