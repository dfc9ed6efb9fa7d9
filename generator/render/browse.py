"""Browsing the whole feed by time: the home page (the recent papers), the list of every
paper (``papers/``) and the archive (by year and month; a page per digest, per month and
per ISO week)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import partial

from generator.escape import HTML
from generator.model import Content, Digest, Paper
from generator.render.common import (
    DOT,
    LINES,
    PAPERS_INDEX,
    UNSEARCHED,
    UNSEARCHED_LIST,
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


def number(n: int) -> str:
    """``75``, ``10,075``: a count as the site's English text reads it."""
    return f"{n:,}"


def plural(n: int, word: str) -> str:
    """``1 paper``, ``75 papers``, ``10,075 papers`` (:func:`number`)."""
    return f"{n} {word}" if n == 1 else f"{number(n)} {word}s"


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


H1 = HTML("<h1>{}</h1>")
_HOME_INTRO = HTML(
    "<p>{} from {}, sorted into {}: "
    '<a href="{}">all papers</a>, newest first, or by '
    '<a href="{}">month, week and digest</a>. '
    'Subscribe with the <a href="{}">Atom feed</a> or download '
    '<a href="{}">the whole feed as JSON</a>.</p>'
)
_HOME_TOPICS = HTML('<strong>Topics:</strong> {} · <a href="{}">all topics</a>')
_COUNTED = HTML("{} ({})")
_DIGEST_HEADING = HTML('<h3><a href="{}">{}</a></h3>')
_ALL_PAPERS = HTML('<p><a href="{}">All {}</a></p>')
_NO_DIGESTS = HTML("<p>No digests yet: add one to the digests folder.</p>")
_LINK = HTML('<a href="{}">{}</a>')
_RULE = HTML("<hr>")


def home_page(ctx: Context) -> Pages:
    page = "index.md"
    members = ctx.topic_papers
    name = ctx.settings.site_name
    feed = ctx.feed
    blocks = [
        H1.format(name),
        _HOME_INTRO.format(
            plural(len(feed.papers), "paper"),
            plural(len(feed.digests), "digest"),
            plural(sum(1 for m in members.values() if m), "topic"),
            ctx.link(page, PAPERS_INDEX),
            ctx.link(page, "archive/index.md"),
            ctx.link(page, "feed.xml"),
            ctx.link(page, "papers.json"),
        ),
    ]
    tops = [t for t in ctx.taxonomy.topics if t.parent is None and members.get(t.slug)]
    counted = DOT.join(
        _COUNTED.format(
            topic_links(ctx, ctx.up(page), [t.slug]), number(len(members.get(t.slug, [])))
        )
        for t in tops
    )
    blocks.append(
        UNSEARCHED.format(_HOME_TOPICS.format(counted, ctx.link(page, "topics/index.md")))
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
                link = ctx.link(page, digest_path(last))
                blocks.append(_DIGEST_HEADING.format(link, digest_title(digest)))
            blocks.append(paper_item(ctx, page, paper, reuse=False))
        blocks.append(
            _ALL_PAPERS.format(ctx.link(page, PAPERS_INDEX), plural(len(feed.papers), "paper"))
        )
    else:
        blocks.append(_NO_DIGESTS)
    if ctx.settings.extra_pages:
        links = DOT.join(
            _LINK.format(ctx.link(page, path), title) for path, title in ctx.settings.extra_pages
        )
        blocks += [_RULE, UNSEARCHED.format(links)]
    yield page, page_text(front_matter(name), blocks)


def _pager(ctx: Context, where: Where, parts: int, part: int) -> HTML:
    return pager(where, part, parts, ctx.settings.directory_urls)


_PAPERS_INTRO = HTML('<p>{}, newest first · <a href="{}">by month, week and digest</a></p>')


def papers_index(ctx: Context) -> Pages:
    """Every paper once, newest first, split like a topic."""
    where = Where(PAPERS_INDEX, "papers/page-")
    papers = ctx.feed.papers
    intro = [
        _PAPERS_INTRO.format(
            plural(len(papers), "paper"), ctx.link(where.first, "archive/index.md")
        )
    ]
    split = parts_of(papers, ctx.settings.page_size)
    nav = partial(_pager, ctx, where, len(split) - 1)
    site = ctx.settings.site_name
    about = f"All {plural(len(papers), 'paper')} of {site}, newest first"
    later = f"All papers of {site}, newest first"  # no count: full parts stay as they are
    yield from listing(
        ctx, where, "All papers", intro, split, nav, description=about, part_description=later
    )


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


_DIGEST_INTRO = HTML(
    '<p>{} · {} · <a href="{}">week {}</a> · <a href="{}">{}</a> · <a href="{}">All digests</a></p>'
)


def digest_pages(ctx: Context) -> Pages:
    papers_by_digest = _digest_papers(ctx)
    for digest in ctx.feed.digests:
        where = Where(digest_path(digest.slug), f"archive/{digest.slug}/page-")
        items = papers_by_digest.get(digest.slug, [])
        month, week = month_slug(digest.date), week_slug(digest.date)
        intro = [
            _DIGEST_INTRO.format(
                digest.date.isoformat(),
                plural(len(items), "paper"),
                ctx.link(where.first, Where.of("archive", week).first),
                int(week[-2:]),
                ctx.link(where.first, Where.of("archive", month).first),
                month_title(month),
                ctx.link(where.first, "archive/index.md"),
            )
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


def _page_pager(ctx: Context, where: Where, pages: int, part: int) -> HTML:
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


_PERIOD_INTRO = HTML('<p>{} · <a href="{}">Archive</a></p>')


def period_pages(ctx: Context) -> Pages:
    """A page per month and per ISO week that has digests, split like a topic."""
    months, weeks = _periods(ctx)
    for slugs, title_of in ((months, month_title), (weeks, week_title)):
        for slug, papers in slugs.items():
            where = Where.of("archive", slug)
            intro = [
                _PERIOD_INTRO.format(
                    plural(len(papers), "paper"), ctx.link(where.first, "archive/index.md")
                )
            ]
            split = parts_of(papers, ctx.settings.page_size)
            nav = partial(_pager, ctx, where, len(split) - 1)
            about = f"The {plural(len(papers), 'paper')} of {title_of(slug)}"
            # Teasers only: the digest and topic pages carry the abstracts (smaller site).
            yield from listing(
                ctx,
                where,
                title_of(slug),
                intro,
                split,
                nav,
                abstracts=False,
                description=about,
                part_description=f"Papers of {title_of(slug)}",
            )


_WEEK_LINK = HTML('<a href="{}">Week {}</a>')
_DIGEST_ITEM = HTML('<li><a href="{}">{}</a> ({})</li>')
_NO_DIGESTS_YET = HTML("<p>No digests yet.</p>")


def archive_index(ctx: Context) -> Pages:
    """By year, then month: each month's page, its weeks' pages and its digests."""
    page = "archive/index.md"
    blocks = [H1.format("Archive")]
    counts = {slug: len(papers) for slug, papers in _digest_papers(ctx).items()}
    by_month: dict[str, list[Digest]] = {}
    for digest in reversed(ctx.feed.digests):  # newest first
        by_month.setdefault(month_slug(digest.date), []).append(digest)
    year = ""
    for month, digests in by_month.items():
        if month[:4] != year:
            year = month[:4]
            blocks.append(heading(2, year, f"year-{year}", searched=False))
        link = _LINK.format(ctx.link(page, Where.of("archive", month).first), month_title(month))
        blocks.append(heading(3, link, f"month-{month}"))
        weeks = sorted({week_slug(d.date) for d in digests}, reverse=True)
        blocks.append(
            UNSEARCHED.format(
                DOT.join(
                    _WEEK_LINK.format(ctx.link(page, Where.of("archive", w).first), int(w[-2:]))
                    for w in weeks
                )
            )
        )
        blocks.append(
            UNSEARCHED_LIST.format(
                LINES.join(
                    _DIGEST_ITEM.format(
                        ctx.link(page, digest_path(d.slug)),
                        digest_title(d),
                        plural(counts.get(d.slug, 0), "paper"),
                    )
                    for d in digests
                )
            )
        )
    if not ctx.feed.digests:
        blocks.append(_NO_DIGESTS_YET)
    yield page, page_text(front_matter("Archive"), blocks)
