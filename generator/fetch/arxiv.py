"""The arXiv API (``{base}/api/query``, an Atom feed), read with feedparser.

The API's terms: at most one request every three seconds (the :class:`Client` made by
:func:`client` waits), a descriptive User-Agent (:data:`generator.fetch.http.USER_AGENT`).
:func:`parse_feed` is pure: bytes in, papers out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import feedparser

from generator.fetch.digest import Fetched, day, fit, paper_id, text, web_url
from generator.fetch.http import Client, FetchError
from generator.ids import normalize_title

DEFAULT_API = "https://export.arxiv.org"
ENV = "PAPERFEED_ARXIV_API"
INTERVAL = 3.0
"""Seconds between two requests, as the arXiv API terms ask."""
PAGE = 100
"""Results asked for per request."""
SHORT_TRIES = 3
"""Requests of a page that comes back with fewer results than the API counts (it sends
such pages now and then) before the fetch gives up, writing nothing."""


def client() -> Client:
    return Client(min_interval=INTERVAL)


def query_url(base: str) -> str:
    return base.rstrip("/") + "/api/query"


@dataclass(frozen=True)
class Results:
    papers: list[Fetched]
    skipped: list[str]
    total: int | None
    """How many results the query has in all (``opensearch:totalResults``), when said."""


def parse_feed(body: bytes, url: str) -> Results:
    """The papers of one arXiv API response, in its order.

    FetchError when it is not the API's Atom feed (an HTML page, a truncated document,
    an error the API reports as an entry, an entry without an id or a title); an entry
    with an empty title or abstract is left out and named in ``skipped``.
    """
    parsed = feedparser.parse(body)
    said = _api_error(parsed)
    if said is not None:
        raise FetchError(f"{url}: the arXiv API says: {said}")
    if not str(parsed.get("version", "")).startswith("atom"):
        start = body.lstrip()[:100].lower()
        what = "an HTML page" if start.startswith((b"<!doctype", b"<html")) else "not Atom"
        raise FetchError(f"{url}: the response is {what}, not the arXiv API's Atom feed")
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        raise FetchError(f"{url}: the response is not well-formed Atom: {problem}")
    papers: list[Fetched] = []
    skipped: list[str] = []
    for n, entry in enumerate(parsed.entries, start=1):
        where = f"{url}: entry {n}"
        raw_id = text(entry.get("id"))
        if not raw_id:
            raise FetchError(f"{where}: missing 'id'")
        if "title" not in entry:
            raise FetchError(f"{where}: missing 'title'")
        arxiv = paper_id(raw_id)
        title, abstract = text(entry.get("title")), text(entry.get("summary"))
        label = f"entry {n} ({raw_id!r})"
        if arxiv is None:
            skipped.append(f"{label}: 'id' is not an arXiv id")
        elif not title:
            skipped.append(f"{label}: no title")
        elif not abstract:
            skipped.append(f"{label} {title!r}: no abstract")
        else:
            fitted = fit(_paper(entry, arxiv, title, abstract))
            if isinstance(fitted, str):
                skipped.append(f"{label} {title[:80]!r}: {fitted}")
            else:
                papers.append(fitted)
    total = parsed.feed.get("opensearch_totalresults")
    return Results(papers, skipped, int(total) if str(total or "").isdigit() else None)


def _api_error(parsed: feedparser.FeedParserDict) -> str | None:
    """What the API says is wrong, when the feed is its error (an entry whose id is under
    ``/api/errors``, sent with status 200 or 400)."""
    for entry in parsed.get("entries", ()):
        if "/api/errors" in text(entry.get("id")):
            return text(entry.get("summary")) or "an error"
    return None


def _get(http: Client, url: str, params: dict[str, str], shown: str) -> bytes:
    """``http.get``; a refused request whose body is the API's error says the API's words."""
    try:
        return http.get(url, params)
    except FetchError as err:
        said = _api_error(feedparser.parse(err.body)) if err.body else None
        if said is None:
            raise
        raise FetchError(f"{shown}: the arXiv API says: {said} ({err.status})") from None


def _paper(entry: feedparser.FeedParserDict, arxiv: str, title: str, abstract: str) -> Fetched:
    pdf = next(
        (
            link.get("href")
            for link in entry.get("links", ())
            if link.get("title") == "pdf" or link.get("type") == "application/pdf"
        ),
        None,
    )
    pdf_url = web_url(pdf)
    if pdf_url and pdf_url.startswith("http://arxiv.org/"):
        pdf_url = "https://" + pdf_url.removeprefix("http://")
    primary = entry.get("arxiv_primary_category") or {}
    return Fetched(
        title=title,
        abstract=abstract,
        arxiv=arxiv,
        authors=tuple(n for n in (text(a.get("name")) for a in entry.get("authors", ()) if a) if n),
        pdf=pdf_url,
        published=day(entry.get("published")),
        category=text(primary.get("term")) if isinstance(primary, dict) else "",
        arxiv_comment=text(entry.get("arxiv_comment")),
    )


def search(http: Client, base: str, query: str, limit: int, *, sort: bool = True) -> Results:
    """Up to ``limit`` papers matching ``query`` (newest submissions first), a page of
    :data:`PAGE` at a time; the reasons for the entries left out (an arXiv id listed
    again, as the pages of a day still growing can); and how many the API counts.

    A page with fewer results than the API counts for it (``opensearch:totalResults``) is
    asked for again, up to :data:`SHORT_TRIES` times, then FetchError: a day is written
    whole or not at all."""
    papers: list[Fetched] = []
    skipped: list[str] = []
    seen: set[str] = set()
    total: int | None = None
    start = 0
    while len(papers) < limit:  # (entries skipped or listed twice take no place)
        size = min(PAGE, limit - len(papers))
        params = {"search_query": query, "start": str(start), "max_results": str(size)}
        if sort:
            params |= {"sortBy": "submittedDate", "sortOrder": "descending"}
        url = query_url(base)
        shown = _shown(url, params)
        for _ in range(SHORT_TRIES):
            results = parse_feed(_get(http, url, params, shown), shown)
            got = len(results.papers) + len(results.skipped)
            expected = size if results.total is None else min(size, results.total - start)
            if results.total is None or got >= expected:
                break
        else:
            raise FetchError(
                f"{shown}: the arXiv API sent {got} of the {expected} results it counts for "
                f"this page ({results.total} in all), {SHORT_TRIES} times; try again later"
            )
        total = results.total
        for paper in results.papers:
            key = paper.arxiv or paper.title  # (an entry has an id: parse_feed)
            if key in seen:
                skipped.append(f"{key} {paper.title[:80]!r}: listed twice")
            else:
                seen.add(key)
                papers.append(paper)
        skipped += results.skipped
        start += got
        if got < size or (results.total is not None and start >= results.total):
            break
    return Results(papers[:limit], skipped, total)


def _shown(url: str, params: dict[str, str]) -> str:
    import httpx

    return str(httpx.URL(url, params=params))


def day_query(query: str, first: dt.date, last: dt.date) -> str:
    """``query`` limited to papers submitted from ``first`` to ``last`` (UTC days)."""
    span = f"[{first:%Y%m%d}0000 TO {last:%Y%m%d}2359]"
    return f"({query}) AND submittedDate:{span}"


def title_query(title: str) -> str:
    """The API query for a title: its words (as :func:`normalize_title` finds them), as
    a phrase in the title field."""
    return f'ti:"{normalize_title(title)}"'


def header(url: str, query: str, first: dt.date, last: dt.date) -> str:
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    return (
        f"arXiv papers matching {query} submitted {span}, from {url}\n"
        "written by `paperfeed fetch arxiv`: review it, add a note, topics or tags, commit it."
    )
