"""Hugging Face daily papers: ``GET {base}/api/daily_papers?date=YYYY-MM-DD&limit=100&p=0``.

The API pages its list (``limit`` items a page, 50 unless asked, at most 100; ``p`` the
page from 0): :func:`fetch_day` asks for pages until one is not full.

The response is a JSON list, newest submissions first; each item has a ``paper`` (its
``id`` is the arXiv id, with ``title``, ``summary``, ``authors`` (``name``, maybe
``hidden``), ``publishedAt``, ``upvotes`` and optionally ``githubRepo``, ``githubStars``,
``projectPage``, ``ai_keywords``, ``organization``) and repeats ``title``, ``summary``
and ``publishedAt``, adding ``numComments``, ``thumbnail`` and ``submittedBy``.

:func:`parse_daily_papers` is pure: bytes in, papers and the skipped items' reasons out.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import httpx

from generator.fetch.digest import Fetched, count, day, fit, paper_id, text, web_url
from generator.fetch.http import Client, FetchError

DEFAULT_API = "https://huggingface.co"
ENV = "PAPERFEED_HF_API"
PAGE = 100
"""Items asked for a page (the most the API gives)."""
MAX_PAGES = 20
"""Pages of one day at most (2,000 papers; a day has tens): more is an error."""


def daily_papers_url(base: str) -> str:
    return base.rstrip("/") + "/api/daily_papers"


@dataclass(frozen=True)
class Day:
    """What one day's response held."""

    papers: list[Fetched]
    skipped: list[str]
    """Why each item left out was left out (``item 3 (2503.01234): no abstract``)."""
    items: int = 0
    """Items in the response (papers, skipped or not)."""
    new: int = 0
    """Items whose arXiv id no earlier page had."""


def day_url(base: str, date: dt.date) -> str:
    """The day's list as a person would ask for it (named in the digest's header)."""
    return f"{daily_papers_url(base)}?date={date.isoformat()}"


def fetch_day(http: Client, base: str, date: dt.date) -> Day:
    """The day's papers, page after page (:data:`PAGE` items each) until one is not full:
    FetchError when a page is not the API's, or after :data:`MAX_PAGES` full ones. A page
    with no paper the earlier ones had not (an API that does not page repeats its list)
    ends it too."""
    url = daily_papers_url(base)
    papers: list[Fetched] = []
    skipped: list[str] = []
    seen: set[str] = set()
    met: set[str] = set()
    for page in range(MAX_PAGES):
        params = {"date": date.isoformat(), "limit": str(PAGE), "p": str(page)}
        shown = str(httpx.URL(url, params=params))
        day = parse_daily_papers(
            http.get(url, params), shown, seen=seen, met=met, first=page * PAGE + 1
        )
        if page and not day.new:
            break
        papers += day.papers
        skipped += day.skipped
        if day.items < PAGE:
            break
    else:
        raise FetchError(
            f"{day_url(base, date)}: more than {MAX_PAGES * PAGE:,} items on one day "
            f"({MAX_PAGES} full pages of {PAGE}): not a day of daily papers"
        )
    return Day(papers, skipped, len(papers) + len(skipped), len(papers) + len(skipped))


def parse_json(body: bytes, url: str) -> Any:
    """The JSON document in ``body``; FetchError saying what else it is."""
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise FetchError(f"{url}: the response is not UTF-8 text") from None
    except RecursionError:
        raise FetchError(f"{url}: the response's JSON is nested too deeply") from None
    except json.JSONDecodeError as err:
        start = body.lstrip()[:100].lower()
        if start.startswith((b"<!doctype", b"<html", b"<")):
            raise FetchError(f"{url}: the response is an HTML page, not JSON") from None
        raise FetchError(f"{url}: the response is not valid JSON: {err}") from None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return type(value).__name__


def parse_daily_papers(
    body: bytes,
    url: str,
    *,
    seen: set[str] | None = None,
    met: set[str] | None = None,
    first: int = 1,
) -> Day:
    """The papers of a daily-papers response, in its order.

    FetchError when the response is not what the API returns (not JSON, not a list,
    an item without ``paper``, ``paper.id`` or ``title``); an item with an empty title or
    abstract, or an id that is no arXiv id, is left out and named in ``skipped``.
    ``seen``: the arXiv ids of the papers of the earlier pages, ``met``: of all their
    items, skipped or not (both added to); ``first``: the number of the page's first item
    in the day.
    """
    document = parse_json(body, url)
    if not isinstance(document, list):
        raise FetchError(f"{url}: expected a JSON list of papers, got {_kind(document)}")
    papers: list[Fetched] = []
    skipped: list[str] = []
    seen = set() if seen is None else seen
    met = set() if met is None else met
    new = 0
    for n, item in enumerate(document, start=first):
        where = f"{url}: item {n}"
        if not isinstance(item, dict):
            raise FetchError(f"{where}: expected an object, got {_kind(item)}")
        paper = item.get("paper")
        if not isinstance(paper, dict):
            raise FetchError(f"{where}: missing 'paper' (got {_kind(paper)})")
        for name in ("id", "title"):
            if not isinstance(paper.get(name), str):
                raise FetchError(f"{where}: missing 'paper.{name}' (got {_kind(paper.get(name))})")
        raw_id = text(paper["id"])
        title = text(paper["title"]) or text(item.get("title"))
        abstract = text(paper.get("summary")) or text(item.get("summary"))
        arxiv = paper_id(raw_id)
        label = f"item {n} ({raw_id!r})"
        if arxiv is not None and arxiv not in met:  # (skipped or not)
            met.add(arxiv)
            new += 1
        if arxiv is None:
            skipped.append(f"{label}: 'paper.id' is not an arXiv id")
            continue
        if not title:
            skipped.append(f"{label}: no title")
            continue
        if not abstract:
            skipped.append(f"{label} {title!r}: no abstract")
            continue
        if arxiv in seen:
            skipped.append(f"{label} {title!r}: listed twice")
            continue
        seen.add(arxiv)
        fitted = fit(_paper(item, paper, arxiv, title, abstract))
        if isinstance(fitted, str):
            skipped.append(f"{label} {title[:80]!r}: {fitted}")
        else:
            papers.append(fitted)
    return Day(papers, skipped, len(document), new)


def _paper(
    item: dict[str, Any], paper: dict[str, Any], arxiv: str, title: str, abstract: str
) -> Fetched:
    authors = paper.get("authors")
    names = (
        [text(a.get("name")) for a in authors if isinstance(a, dict)]
        if isinstance(authors, list)
        else []
    )
    keywords = paper.get("ai_keywords")
    organization = paper.get("organization")
    code = web_url(paper.get("githubRepo"))
    return Fetched(
        title=title,
        abstract=abstract,
        arxiv=arxiv,
        # Hidden authors too: "hidden" hides a claimed Hugging Face profile, not the
        # name on the paper, and a citation needs every author.
        authors=tuple(n for n in names if n),
        code=code,
        project=web_url(paper.get("projectPage")),
        published=day(paper.get("publishedAt")) or day(item.get("publishedAt")),
        upvotes=count(paper.get("upvotes")),
        comments=count(item.get("numComments")),
        stars=count(paper.get("githubStars")) if code else None,
        keywords=tuple(
            dict.fromkeys(k for k in map(text, keywords if isinstance(keywords, list) else ()) if k)
        ),
        organization=text(
            organization.get("fullname") or organization.get("name")
            if isinstance(organization, dict)
            else ""
        ),
    )


def header(url: str, date: dt.date) -> str:
    return (
        f"The Hugging Face daily papers of {date.isoformat()}, from {url}\n"
        "written by `paperfeed fetch hf`: review it, add a note, topics or tags, commit it."
    )
