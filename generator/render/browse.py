"""Browsing the whole feed by time: the home page (the recent papers), the list of every
paper (``papers/``) and the archive (by year and month; a page per digest, per month and
per ISO week)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import partial

from generator.escape import text
from generator.model import Content, Digest, Paper
from generator.render.common import (
    PAPERS_INDEX,
    UNSEARCHED,
    Context,
    digest_path,
    front_matter,
    heading,
    page_text,
    topic_links,
)
from generator.render.items import paper_item
from generator.render.listing import Where, listing, page_pager, pager, pages_of, parts_of

Pages = Iterator[tuple[str, Content]]

RECENT_DAYS = 7
"""The home page shows the papers of the digests of the last this many days (counted back
from the newest digest, not from today: the same feed gives the same page)."""

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
"""English month names (not the locale's: output does not depend on the machine)."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def digest_title(digest: Digest) -> str:
    return digest.title or f"Digest of {digest.date.isoformat()}"


def month_slug(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_slug(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_title(slug: str) -> str:
    year, month = slug.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def week_title(slug: str) -> str:
    year, week = slug.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    sunday = monday + dt.timedelta(days=6)
    return f"Week {int(week)} of {year} ({monday.isoformat()} to {sunday.isoformat()})"


def recent_papers(ctx: Context) -> Sequence[Paper]:
    """The papers of the last :data:`RECENT_DAYS` days of digests, or the newest
    ``page_size`` papers when those are fewer; newest first."""
    papers = ctx.feed.papers
    if not ctx.feed.digests:
        return ()
    start = ctx.feed.digests[-1].date - dt.timedelta(days=RECENT_DAYS - 1)
    count = next((n for n, p in enumerate(papers) if p.last_seen < start), len(papers))
    return papers[: max(count, ctx.settings.page_size)]


def home_page(ctx: Context) -> Pages:
    page = "index.md"
    members = ctx.topic_papers
    name = ctx.settings.site_name
    feed = ctx.feed
    blocks = [
        f"<h1>{text(name)}</h1>",
        f"<p>{plural(len(feed.papers), 'paper')} from {plural(len(feed.digests), 'digest')}, "
        f"sorted into {plural(sum(1 for m in members.values() if m), 'topic')}: "
        f'<a href="{ctx.link(page, PAPERS_INDEX)}">all papers</a>, newest first, or by '
        f'<a href="{ctx.link(page, "archive/index.md")}">month, week and digest</a>. '
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
    recent = recent_papers(ctx)
    if recent:
        blocks.append(heading(2, "Recent papers", "recent-papers", searched=False))
        digests = {d.slug: d for d in feed.digests}
        group = None
        for paper in recent:  # newest first: grouped by the digest they were last in
            last = paper.appearances[-1].digest
            if last != group:
                group = last
                digest = digests[last]
                blocks.append(
                    f'<h3><a href="{ctx.link(page, digest_path(last))}">'
                    f"{text(digest_title(digest))}</a></h3>"
                )
            blocks.append(paper_item(ctx, page, paper, reuse=False))
        blocks.append(
            f'<p><a href="{ctx.link(page, PAPERS_INDEX)}">All {plural(len(feed.papers), "paper")}'
            "</a></p>"
        )
    else:
        blocks.append("<p>No digests yet: add one to the digests folder.</p>")
    if ctx.settings.extra_pages:
        links = " · ".join(
            f'<a href="{ctx.link(page, path)}">{text(title)}</a>'
            for path, title in ctx.settings.extra_pages
        )
        blocks += ["<hr>", f"<p{UNSEARCHED}>{links}</p>"]
    yield page, page_text(front_matter(name), blocks)


def _pager(ctx: Context, where: Where, parts: int, part: int) -> str:
    return pager(where, part, parts, ctx.settings.directory_urls)


def papers_index(ctx: Context) -> Pages:
    """Every paper once, newest first, split like a topic."""
    where = Where(PAPERS_INDEX, "papers/page-")
    papers = ctx.feed.papers
    intro = [
        f"<p>{plural(len(papers), 'paper')}, newest first · "
        f'<a href="{ctx.link(where.first, "archive/index.md")}">by month, week and digest</a></p>'
    ]
    split = parts_of(papers, ctx.settings.page_size)
    nav = partial(_pager, ctx, where, len(split) - 1)
    about = f"All {plural(len(papers), 'paper')} of {ctx.settings.site_name}, newest first"
    yield from listing(ctx, where, "All papers", intro, split, nav, description=about)


def archive_pages(ctx: Context) -> Pages:
    yield from archive_index(ctx)
    yield from digest_pages(ctx)
    yield from period_pages(ctx)


def _digest_papers(ctx: Context) -> dict[str, list[Paper]]:
    """Digest slug -> its papers, in the digest's order."""
    by_digest: dict[str, list[tuple[int, Paper]]] = {}
    for paper in ctx.feed.papers:
        for appearance in paper.appearances:
            by_digest.setdefault(appearance.digest, []).append((appearance.position, paper))
    return {
        slug: [p for _, p in sorted(items, key=lambda t: t[0])] for slug, items in by_digest.items()
    }


def digest_pages(ctx: Context) -> Pages:
    papers_by_digest = _digest_papers(ctx)
    for digest in ctx.feed.digests:
        where = Where(digest_path(digest.slug), f"archive/{digest.slug}/page-")
        items = papers_by_digest.get(digest.slug, [])
        month, week = month_slug(digest.date), week_slug(digest.date)
        intro = [
            f"<p>{digest.date.isoformat()} · {plural(len(items), 'paper')} · "
            f'<a href="{ctx.link(where.first, Where.of("archive", week).first)}">'
            f"week {int(week[-2:])}</a> · "
            f'<a href="{ctx.link(where.first, Where.of("archive", month).first)}">'
            f"{month_title(month)}</a> · "
            f'<a href="{ctx.link(where.first, "archive/index.md")}">All digests</a></p>'
        ]
        split = pages_of(items, ctx.settings.page_size)
        nav = partial(_page_pager, ctx, where, len(split))
        title = digest_title(digest)
        about = f"The {plural(len(items), 'paper')} of the digest of {digest.date.isoformat()}"
        yield from listing(
            ctx,
            where,
            title,
            intro,
            split,
            nav,
            part_title=partial(_page_title, title),
            description=about,
        )


def _page_pager(ctx: Context, where: Where, pages: int, part: int) -> str:
    return page_pager(where, part, pages, ctx.settings.directory_urls)


def _page_title(title: str, part: int) -> str:
    return f"{title}, page {part}"


def _periods(ctx: Context) -> tuple[dict[str, list[Paper]], dict[str, list[Paper]]]:
    """Month slug -> its papers and week slug -> its papers: each paper once, newest first
    (by its last appearance in the period), newest period first."""
    months: dict[str, dict[str, tuple[tuple[object, ...], Paper]]] = {}
    weeks: dict[str, dict[str, tuple[tuple[object, ...], Paper]]] = {}
    for paper in ctx.feed.papers:
        for a in paper.appearances:  # oldest first: the last one in a period wins
            order = (-a.date.toordinal(), a.digest, a.position, paper.id)
            months.setdefault(month_slug(a.date), {})[paper.id] = (order, paper)
            weeks.setdefault(week_slug(a.date), {})[paper.id] = (order, paper)

    def ordered(
        periods: dict[str, dict[str, tuple[tuple[object, ...], Paper]]],
    ) -> dict[str, list[Paper]]:
        return {
            slug: [p for _, p in sorted(papers.values(), key=lambda t: t[0])]
            for slug, papers in sorted(periods.items(), reverse=True)
        }

    return ordered(months), ordered(weeks)


def period_pages(ctx: Context) -> Pages:
    """A page per month and per ISO week that has digests, split like a topic."""
    months, weeks = _periods(ctx)
    for slugs, title_of in ((months, month_title), (weeks, week_title)):
        for slug, papers in slugs.items():
            where = Where.of("archive", slug)
            intro = [
                f"<p>{plural(len(papers), 'paper')} · "
                f'<a href="{ctx.link(where.first, "archive/index.md")}">Archive</a></p>'
            ]
            split = parts_of(papers, ctx.settings.page_size)
            nav = partial(_pager, ctx, where, len(split) - 1)
            about = f"The {plural(len(papers), 'paper')} of {title_of(slug)}"
            # Teasers only: the digest and topic pages carry the abstracts (smaller site).
            yield from listing(
                ctx, where, title_of(slug), intro, split, nav, abstracts=False, description=about
            )


def archive_index(ctx: Context) -> Pages:
    """By year, then month: each month's page, its weeks' pages and its digests."""
    page = "archive/index.md"
    blocks = ["<h1>Archive</h1>"]
    counts = {slug: len(papers) for slug, papers in _digest_papers(ctx).items()}
    by_month: dict[str, list[Digest]] = {}
    for digest in reversed(ctx.feed.digests):  # newest first
        by_month.setdefault(month_slug(digest.date), []).append(digest)
    year = ""
    for month, digests in by_month.items():
        if month[:4] != year:
            year = month[:4]
            blocks.append(heading(2, year, f"year-{year}", searched=False))
        link = ctx.link(page, Where.of("archive", month).first)
        blocks.append(heading(3, f'<a href="{link}">{month_title(month)}</a>', f"month-{month}"))
        weeks = sorted({week_slug(d.date) for d in digests}, reverse=True)
        blocks.append(
            f"<p{UNSEARCHED}>"
            + " · ".join(
                f'<a href="{ctx.link(page, Where.of("archive", w).first)}">Week {int(w[-2:])}</a>'
                for w in weeks
            )
            + "</p>"
        )
        blocks.append(
            f"<ul{UNSEARCHED}>\n"
            + "\n".join(
                f'<li><a href="{ctx.link(page, digest_path(d.slug))}">'
                f"{text(digest_title(d))}</a> ({plural(counts.get(d.slug, 0), 'paper')})</li>"
                for d in digests
            )
            + "\n</ul>"
        )
    if not ctx.feed.digests:
        blocks.append("<p>No digests yet.</p>")
    yield page, page_text(front_matter("Archive"), blocks)
