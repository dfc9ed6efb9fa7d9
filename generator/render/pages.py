"""Markdown pages: home, topics, tags, digest archive and one page per paper."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from generator.escape import external_link, md
from generator.model import Digest, Paper, Topic
from generator.render.common import (
    NOT_SEARCHED,
    Context,
    digest_path,
    front_matter,
    link_list,
    listing_path,
    pager,
    paper_item,
    paper_path,
    parts_of,
    rel,
    tag_links,
    text_block,
    topic_links,
)

Pages = Iterator[tuple[str, str]]


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
    intro: str,
    papers: Sequence[Paper],
    *,
    abstracts: bool = True,
) -> Pages:
    parts = parts_of(papers, ctx.settings.page_size)
    count = len(parts) - 1
    for part, chunk in parts:
        path = listing_path(kind, slug, part)
        heading = md(title) if part == 0 else f"{md(title)}, part {part} of {count}"
        name = title if part == 0 else f"{title} ({part})"
        body = [front_matter(name, hide_toc=True, searched=part == 0)]
        body += [f"# {heading}\n\n", intro if part == 0 else ""]
        if part == 0:
            body.append(f"## Papers {NOT_SEARCHED}\n\n")
        body.append(pager(kind, slug, part, count))
        if not chunk:
            body.append("No papers yet.\n\n")
        body.extend(paper_item(ctx, path, p, abstract=abstracts) for p in chunk)
        body.append(pager(kind, slug, part, count))
        yield path, "".join(body).rstrip() + "\n"


def topic_pages(ctx: Context) -> Pages:
    members = ctx.topic_papers
    children: dict[str, list[Topic]] = {}
    for topic in ctx.taxonomy.topics:
        if topic.parent:
            children.setdefault(topic.parent, []).append(topic)
    for topic in ctx.taxonomy.topics:
        page = listing_path("topics", topic.slug)
        intro = ""
        if topic.description:
            intro += md(topic.description) + "\n\n"
        facts = [_plural(len(members.get(topic.slug, [])), "paper")]
        if topic.parent:
            facts.append("part of " + topic_links(ctx, page, [topic.parent]))
        intro += " · ".join(facts) + "\n\n"
        subs = [t.slug for t in children.get(topic.slug, [])]
        if subs:
            intro += "Sub-topics: " + topic_links(ctx, page, subs) + "\n\n"
        related = related_topics(ctx, members, topic.slug)
        if related:
            intro += "Related topics: " + topic_links(ctx, page, related) + "\n\n"
        yield from _listing(ctx, "topics", topic.slug, topic.name, intro, members[topic.slug])


def topics_index(ctx: Context) -> Pages:
    members = ctx.topic_papers
    page = "topics/index.md"
    lines = [front_matter("Topics"), "# Topics\n\n"]

    def tree(parent: str | None, depth: int) -> None:
        for topic in ctx.taxonomy.topics:
            if topic.parent != parent:
                continue
            count = len(members.get(topic.slug, []))
            link = f"[{md(topic.name)}]({rel(page, listing_path('topics', topic.slug))})"
            desc = f": {md(topic.description)}" if topic.description else ""
            lines.append(f"{'    ' * depth}- {link} ({count}){desc}\n")
            tree(topic.slug, depth + 1)

    tree(None, 0)
    yield page, "".join(lines)


def tag_pages(ctx: Context) -> Pages:
    members = ctx.tag_papers
    descriptions = {t.slug: t.description for t in ctx.taxonomy.tags}
    for slug, papers in members.items():
        name = ctx.tag_names.get(slug, slug)
        intro = md(descriptions[slug]) + "\n\n" if descriptions.get(slug) else ""
        intro += (
            _plural(len(papers), "paper")
            + " · [All tags]("
            + rel(listing_path("tags", slug), "tags/index.md")
            + ")\n\n"
        )
        # Tag pages list titles only: topic pages and paper pages carry the abstracts.
        yield from _listing(ctx, "tags", slug, f"#{name}", intro, papers, abstracts=False)


def tags_index(ctx: Context) -> Pages:
    members = ctx.tag_papers
    page = "tags/index.md"
    lines = [front_matter("Tags"), "# Tags\n\n"]
    if not members:
        lines.append("No tags yet.\n")
    lines.append("| Tag | Papers |\n| --- | ---: |\n")
    for slug, papers in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"| {tag_links(ctx, page, [slug])} | {len(papers)} |\n")
    yield page, "".join(lines)


def _digest_title(digest: Digest) -> str:
    return digest.title or f"Digest of {digest.date.isoformat()}"


def digest_pages(ctx: Context) -> Pages:
    papers_by_digest: dict[str, list[tuple[int, Paper]]] = {}
    for paper in ctx.feed.papers:
        for appearance in paper.appearances:
            papers_by_digest.setdefault(appearance.digest, []).append((appearance.position, paper))
    for digest in ctx.feed.digests:
        page = digest_path(digest.slug)
        items = [p for _, p in sorted(papers_by_digest.get(digest.slug, []), key=lambda t: t[0])]
        body = [
            front_matter(_digest_title(digest), hide_toc=True, searched=False),
            f"# {md(_digest_title(digest))}\n\n",
            f"{digest.date.isoformat()} · {_plural(len(items), 'paper')} · "
            f"[All digests]({rel(page, 'archive/index.md')})\n\n",
        ]
        body.extend(paper_item(ctx, page, p) for p in items)
        yield page, "".join(body).rstrip() + "\n"


def archive_index(ctx: Context) -> Pages:
    page = "archive/index.md"
    lines = [front_matter("Archive"), "# Archive\n\n"]
    counts = Counter(a.digest for p in ctx.feed.papers for a in p.appearances)
    year = None
    for digest in reversed(ctx.feed.digests):
        if digest.date.year != year:
            year = digest.date.year
            lines.append(f"\n## {year}\n\n")
        title = _digest_title(digest)
        lines.append(
            f"- [{md(title)}]({rel(page, digest_path(digest.slug))}) "
            f"({_plural(counts[digest.slug], 'paper')})\n"
        )
    if not ctx.feed.digests:
        lines.append("No digests yet.\n")
    yield page, "".join(lines)


def paper_pages(ctx: Context) -> Pages:
    for paper in ctx.feed.papers:
        yield paper_path(paper), paper_page(ctx, paper)


def paper_page(ctx: Context, paper: Paper) -> str:
    page = paper_path(paper)
    out = [front_matter(paper.title), f"# {ctx.titles[paper.id]}\n\n"]
    facts = [f"First seen {paper.first_seen.isoformat()}"]
    if paper.arxiv_id:
        facts.append(
            "arXiv " + external_link(f"https://arxiv.org/abs/{paper.arxiv_id}", paper.arxiv_id)
        )
    if paper.url:
        facts.append(external_link(paper.url, "Paper"))
    out.append(" · ".join(facts) + "\n\n")
    if paper.authors:
        out.append("**Authors:** " + md(", ".join(paper.authors)) + "\n\n")
    topics = ctx.classes.topics.get(paper.id, ())
    if topics:
        out.append("**Topics:** " + topic_links(ctx, page, topics) + "\n\n")
    tags = ctx.classes.tags.get(paper.id, ())
    if tags:
        out.append("**Tags:** " + tag_links(ctx, page, tags) + "\n\n")
    abstract = ctx.abstracts[paper.id] or "(none)"
    out.append("## Abstract\n\n" + text_block(abstract, "pf-abstract-text", escaped=True))
    if paper.links:
        out.append("## Links\n\n" + link_list(paper.links) + "\n\n")
    if paper.note:
        out.append("## Curator's note\n\n" + text_block(paper.note, "pf-note"))
    out.append("## Appearances\n\n")
    for appearance in paper.appearances:
        out.append(
            f"- [{appearance.date.isoformat()}]({rel(page, digest_path(appearance.digest))})"
            f", #{appearance.position}\n"
        )
    related = [ctx.papers[r] for r in ctx.classes.related.get(paper.id, ()) if r in ctx.papers]
    if related:
        out.append("\n## Related papers\n\n")
        for other in related:
            out.append(f"1. [{ctx.titles[other.id]}]({rel(page, paper_path(other))})\n")
    return "".join(out)


def home_page(ctx: Context) -> Pages:
    page = "index.md"
    members = ctx.topic_papers
    name = ctx.settings.site_name
    out = [front_matter(name), f"# {md(name)}\n\n"]
    feed = ctx.feed
    out.append(
        f"{_plural(len(feed.papers), 'paper')} from {_plural(len(feed.digests), 'digest')}, "
        f"sorted into {_plural(len(ctx.taxonomy.topics), 'topic')}. "
        f"Subscribe with the [Atom feed]({rel(page, 'feed.xml')}) or download "
        f"[the whole feed as JSON]({rel(page, 'papers.json')}).\n\n"
    )
    tops = [t for t in ctx.taxonomy.topics if t.parent is None]
    out.append(
        "**Topics:** "
        + " · ".join(
            f"{topic_links(ctx, page, [t.slug])} ({len(members.get(t.slug, []))})" for t in tops
        )
        + f" · [all topics]({rel(page, 'topics/index.md')})\n\n"
    )
    if feed.digests:
        latest = feed.digests[-1]
        items = [
            (a.position, p) for p in feed.papers for a in p.appearances if a.digest == latest.slug
        ]
        items.sort(key=lambda t: t[0])
        out.append(
            f"## Latest digest: [{md(_digest_title(latest))}]"
            f"({rel(page, digest_path(latest.slug))}) {NOT_SEARCHED}\n\n"
        )
        for _, paper in items:
            out.append(paper_item(ctx, page, paper, abstract=False))
    else:
        out.append("No digests yet: add one to the digests folder.\n")
    if ctx.settings.extra_pages:
        links = " · ".join(f"[{md(title)}]({path})" for path, title in ctx.settings.extra_pages)
        out.append(f"\n---\n\n{links}\n")
    return iter([(page, "".join(out).rstrip() + "\n")])


def all_pages(ctx: Context) -> Pages:
    """Every generated Markdown page, as (path, text)."""
    yield from home_page(ctx)
    yield from topics_index(ctx)
    yield from topic_pages(ctx)
    yield from tags_index(ctx)
    yield from tag_pages(ctx)
    yield from archive_index(ctx)
    yield from digest_pages(ctx)
    yield from paper_pages(ctx)
