"""The pages: topics, tags and one page per paper (:mod:`generator.render.browse`: home,
all papers, archive).

Each page is front matter plus HTML blocks (see :mod:`generator.render.common`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import partial
from typing import Any

from generator.escape import HTML, NO_HTML, external_link, text, verbatim
from generator.model import Content, Paper, Topic
from generator.render.browse import (
    H1,
    archive_pages,
    home_page,
    number,
    papers_index,
    plural,
)
from generator.render.citation import abs_url, author_line, bibtex, hf_url, pdf_url
from generator.render.common import (
    DOT,
    LINES,
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


_P = HTML("<p>{}</p>")
_FEED_LINK = HTML('<a href="{}">Atom feed</a>')
_BIBTEX_LINK = HTML('<a href="{}">BibTeX</a>')
_PART_OF = HTML("part of {}")
_SUB_TOPICS = HTML("Sub-topics: {}")
_RELATED_TOPICS = HTML("Related topics: {}")


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
            intro.append(_P.format(topic.description))
        facts: list[str | HTML] = [
            plural(len(members.get(topic.slug, [])), "paper"),
            _FEED_LINK.format(ctx.link(page, topic_feed_path(topic.slug))),
            _BIBTEX_LINK.format(ctx.link(page, topic_bibtex_path(topic.slug))),
        ]
        if topic.parent:
            facts.append(_PART_OF.format(topic_links(ctx, ctx.up(page), [topic.parent])))
        intro.append(UNSEARCHED.format(DOT.join(facts)))
        subs = [t.slug for t in children.get(topic.slug, []) if members.get(t.slug)]
        if subs:
            intro.append(
                UNSEARCHED.format(_SUB_TOPICS.format(topic_links(ctx, ctx.up(page), subs)))
            )
        related = related_topics(ctx, members, topic.slug)
        if related:
            links = topic_links(ctx, ctx.up(page), related)
            intro.append(UNSEARCHED.format(_RELATED_TOPICS.format(links)))
        intro.append(heading(2, "Papers", "papers", searched=False))
        split = parts_of(members[topic.slug], ctx.settings.page_size)
        where = Where.of("topics", topic.slug)
        nav = partial(_pager, ctx, where, len(split) - 1)
        about = topic.description or f"Papers on {topic.name}"
        feed = topic_feed_path(topic.slug)
        yield from listing(ctx, where, topic.name, intro, split, nav, description=about, feed=feed)


_TOPIC_ITEM = HTML('<li><a href="{}">{}</a> ({}){}{}</li>')
_DESCRIBED = HTML(": {}")
_TOPIC_TREE = HTML("\n<ul>\n{}\n</ul>")
_TOPICS_BLOCK = HTML("<div data-search-exclude>{}\n</div>")


def topics_index(ctx: Context) -> Pages:
    members = ctx.topic_papers
    page = "topics/index.md"

    def tree(parent: str | None) -> HTML:
        items = []
        for topic in ctx.taxonomy.topics:
            count = len(members.get(topic.slug, []))
            if topic.parent != parent or not count:
                continue
            url = ctx.link(page, listing_path("topics", topic.slug))
            name = ctx.topic_html[topic.slug]
            desc = _DESCRIBED.format(topic.description) if topic.description else NO_HTML
            items.append(_TOPIC_ITEM.format(url, name, number(count), desc, tree(topic.slug)))
        return _TOPIC_TREE.format(LINES.join(items)) if items else NO_HTML

    # Kept out of search in a <div>: Material's search index forgets that an element is
    # excluded when an element of the same name inside it ends (the nested lists).
    blocks = [H1.format("Topics"), _TOPICS_BLOCK.format(tree(None))]
    yield page, page_text(front_matter("Topics"), blocks)


_TAG_INTRO = HTML('<p>{} · <a href="{}">All tags</a></p>')


def tag_pages(ctx: Context) -> Pages:
    members = ctx.tag_papers
    descriptions = {t.slug: t.description for t in ctx.taxonomy.tags}
    for slug, papers in members.items():
        name = ctx.tag_names.get(slug, slug)
        page = listing_path("tags", slug)
        intro = [_P.format(descriptions[slug])] if descriptions.get(slug) else []
        intro.append(
            _TAG_INTRO.format(plural(len(papers), "paper"), ctx.link(page, "tags/index.md"))
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


_NO_TAGS = HTML("<p>No tags yet.</p>")
_TAG_ROW = HTML('<tr><td>{}</td><td style="text-align: right">{}</td></tr>')
_TAG_TABLE = HTML(
    "<table data-search-exclude>\n<thead>\n<tr><th>Tag</th>"
    '<th style="text-align: right">Papers</th></tr>\n</thead>\n<tbody>\n{}\n</tbody>\n</table>'
)


def tags_index(ctx: Context) -> Pages:
    members = ctx.tag_papers
    page = "tags/index.md"
    blocks = [H1.format("Tags")]
    if not members:
        blocks.append(_NO_TAGS)
    else:
        rows = [
            _TAG_ROW.format(tag_links(ctx, ctx.up(page), [slug]), number(len(papers)))
            for slug, papers in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        blocks.append(_TAG_TABLE.format(LINES.join(rows)))
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
    """A paper's page: front matter, then the body the template ``paperfeed/paper_page.html``
    makes (:mod:`generator.templates`: a site's ``custom_dir`` may override it)."""
    title = math_plain(paper.title)
    about = first_sentence(math_plain(paper.abstract), cleaned=True) or title
    body = ctx.templates.render(ctx.templates.paper_page, page_values(ctx, paper))
    return page_text(front_matter(title, description=about), [body])


def page_values(ctx: Context, paper: Paper) -> dict[str, Any]:
    """What the template of a paper's page is given (see ``paperfeed/paper_page.html``)."""
    page = paper_path(paper)
    sources = [_FIRST_SEEN.format(paper.first_seen.isoformat()), *source_links(paper)]
    if paper.url:
        sources.append(external_link(paper.url, "Paper"))
    topics = ctx.classes.topics.get(paper.id, ())
    tags = ctx.classes.tags.get(paper.id, ())
    related = ctx.classes.related.get(paper.id, ())
    return {
        "paper": paper,
        "title": ctx.titles[paper.id],
        # Pagefind's result title: the title's text, formulas as written (its own reading
        # of the heading gives MathML's text: "dk" for a square root of d_k).
        "search_title": math_plain(paper.title) if "<math" in ctx.titles[paper.id] else "",
        "sources": sources,
        "facts": [text(fact) for fact in paper_facts(paper)],
        "authors": author_line(paper.authors),
        "comment": text(paper.arxiv_comment),
        "keywords": text(", ".join(paper.keywords)),
        "note": text(paper.note),
        "topics": topic_links(ctx, ctx.up(page), topics) if topics else NO_HTML,
        "tags": tag_links(ctx, ctx.up(page), tags) if tags else NO_HTML,
        "abstract": ctx.abstracts[paper.id],
        "links": paper_links(ctx, paper),
        "bibtex": verbatim(bibtex(paper)),
        "appearances": LINES.join(
            _APPEARANCE.format(
                ctx.link(page, digest_path(a.digest)), a.date.isoformat(), a.position
            )
            for a in paper.appearances
        ),
        "related": LINES.join(_related_item(ctx, page, r) for r in related if r in ctx.papers),
    }


def _related_item(ctx: Context, page: str, paper_id: str) -> HTML:
    """A related paper as a list item of a paper's page, made once per page depth (a paper
    is among the related papers of five others, on average)."""
    key = ("related", str(ctx.depth(page)), (paper_id,))
    item = ctx.fragments.get(key)
    if item is None:
        url = ctx.link(page, paper_path(ctx.papers[paper_id]))
        item = ctx.fragments[key] = _RELATED.format(url, ctx.titles[paper_id])
    return item


_APPEARANCE = HTML('<li><a href="{}">{}</a>, #{}</li>')
_RELATED = HTML('<li><a href="{}">{}</a></li>')
_FIRST_SEEN = HTML("First seen {}")
_ARXIV_SOURCE = HTML("arXiv {}")


def source_links(paper: Paper) -> list[HTML]:
    """Links to the paper at its sources: arXiv abstract page, PDF, Hugging Face page."""
    links = []
    if paper.arxiv_id:
        links.append(_ARXIV_SOURCE.format(external_link(abs_url(paper.arxiv_id), paper.arxiv_id)))
    pdf = pdf_url(paper)
    if pdf:
        links.append(external_link(pdf, "PDF"))
    hf = hf_url(paper.arxiv_id) if paper.arxiv_id else None
    if hf:
        links.append(external_link(hf, "Hugging Face"))
    return links


def paper_facts(paper: Paper) -> list[str]:
    """What the source tells about the paper: date, category, counts, organization."""
    facts = []
    if paper.published:
        facts.append(f"Published {paper.published.isoformat()}")
    if paper.category:
        facts.append(f"arXiv category {paper.category}")
    facts += paper_counts(paper)
    if paper.organization:
        facts.append(paper.organization)
    return facts


def _pager(ctx: Context, where: Where, parts: int, part: int) -> HTML:
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
