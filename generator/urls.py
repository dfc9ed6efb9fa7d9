"""URLs that never break: the published URLs, remembered, and redirects for the gone ones.

Every build knows the URLs earlier builds published from a committed text file beside the
taxonomy (``published.txt``), one line a page: its URL and what it showed (a paper by id
and first appearance, a topic, a tag, a digest, or another page). A URL that the new build
no longer has gets a small static redirect page (meta refresh, canonical link and a plain
link) to where its content is now:

* a paper: the page of the paper with the same id (a curator's ``slug:``), else of the
  paper at the same place of the same digest whose title kept most of its words (a title
  fixed in place), else its digest's page, else the archive;
* a topic: its page under its new slug (``renamed_from:`` in the taxonomy), else the
  topics index; a tag: its page, else the tags index; a digest: its page, else the archive;
* any other page: the nearest page above it (``a/b/`` -> ``a/``), else the home page.

``paperfeed build`` then writes the file again with the URLs of both builds: sorted, so
the same site gives the same bytes. Pure functions; reading and writing are the callers'.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError, Problem, decode_utf8
from generator.limits import excerpt
from generator.model import Feed, Taxonomy
from generator.render.common import digest_path, listing_path, page_url, paper_path
from generator.taxonomy import renamed_topics

FILE_NAME = "published.txt"
"""The file's name beside the taxonomy when the plugin's ``published`` option is not set."""

HEADER = (
    "# Every URL this site has published: paperfeed redirects the ones a build no longer\n"
    "# has (manual/curation.md). `paperfeed build` updates this file; commit it.\n"
    "# URL<TAB>kind<TAB>key[<TAB>digest<TAB>position]\n"
)
KINDS = ("paper", "topic", "tag", "digest", "page")
SAME_TITLE = 0.5
"""A paper at the same place of the same digest is the same paper when its title shares at
least this share of the words (Jaccard) of the old one."""

_PAGE_URL = re.compile(r"(.*/)?|.*\.html")
"""What a page's URL is: the site's root, a folder (``a/b/``) or an HTML file."""
_POSITION = re.compile(r"[0-9]{1,9}")
_PART = re.compile(r"^(topics|tags)/([^/]+)/(?:index|page-\d+)\.md$")
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, order=True)
class Record:
    """A published page: its URL (relative to the site root) and what it showed."""

    url: str
    kind: str
    key: str
    """The paper's id, the topic's, tag's or digest's slug, or the page's source path."""
    digest: str = ""
    """For a paper: the digest of its first appearance."""
    position: int = 0
    """For a paper: its position in that digest."""

    def line(self) -> str:
        fields = [self.url, self.kind, self.key]
        if self.kind == "paper":
            fields += [self.digest, str(self.position)]
        return "\t".join(fields)


def parse_published(text: str, source: str) -> dict[str, Record]:
    """The records of a published-URLs file; every malformed line is an error."""
    records: dict[str, Record] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        kind = fields[1] if len(fields) > 1 else ""
        size = 5 if kind == "paper" else 3
        if kind not in KINDS or len(fields) != size or not _safe(fields[0]):
            problems.append(Problem(source, number, "not a published URL line (URL, kind, key...)"))
            continue
        if not _PAGE_URL.fullmatch(fields[0]):
            message = f"{excerpt(fields[0])} is not a page's URL (one ends in '/' or '.html')"
            problems.append(Problem(source, number, message))
            continue
        if kind == "paper" and not _POSITION.fullmatch(fields[4]):
            message = f"position {excerpt(fields[4])} is not a number"
            problems.append(Problem(source, number, message))
            continue
        if fields[0] in records:
            message = f"{excerpt(fields[0])} is listed again (first on line {lines[fields[0]]})"
            problems.append(Problem(source, number, message))
            continue
        lines[fields[0]] = number
        position = int(fields[4]) if kind == "paper" else 0
        digest = fields[3] if kind == "paper" else ""
        records[fields[0]] = Record(fields[0], kind, fields[2], digest, position)
    if problems:
        raise InputError(problems)
    return records


def _safe(url: str) -> bool:
    """A site-relative URL whose redirect page stays inside the site."""
    if url == "":
        return True
    parts = url.rstrip("/").split("/")
    return (
        not url.startswith("/")
        and url.isprintable()
        and _UNSAFE_CHAR.search(url) is None
        and all(part not in ("", ".", "..") for part in parts)
    )


_UNSAFE_CHAR = re.compile(r"[\\\"'<>?#%]")
"""A character a redirect page's URL may not hold: a backslash, a quote, ``<>?#%``."""


def load_published(path: Path, source: str | None = None) -> dict[str, Record]:
    """The records of the file at ``path``; none when it does not exist."""
    name = source if source is not None else str(path)
    try:
        text = decode_utf8(path.read_bytes(), name)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InputError(Problem(name, 0, f"cannot read: {exc.strerror}")) from exc
    return parse_published(text, name)


def paper_slugs(published: Mapping[str, Record]) -> dict[str, str]:
    """The slugs of the published paper pages (``papers/<slug>/``, ``papers/<slug>.html``)
    and the ids of their papers."""
    found: dict[str, str] = {}
    for record in published.values():
        if record.kind == "paper" and record.url.startswith("papers/"):
            slug = record.url[len("papers/") :].removesuffix("/").removesuffix(".html")
            if slug and "/" not in slug:
                found[slug] = record.key
    return found


def published_text(records: Iterable[Record]) -> str:
    """The file's text: the header, then a line a record, sorted by URL."""
    lines = sorted({r.url: r for r in records}.values())
    return HEADER + "".join(r.line() + "\n" for r in lines)


def records_of(paths: Iterable[str], feed: Feed, directory_urls: bool) -> dict[str, Record]:
    """The record of every page (``.md`` path) of a build."""
    by_slug = {p.slug: p for p in feed.papers}
    digests = {d.slug for d in feed.digests}
    records: dict[str, Record] = {}
    for path in paths:
        if not path.endswith(".md"):
            continue
        url = page_url(path, directory_urls)
        record = Record(url, "page", path)
        if path.startswith("papers/") and path.count("/") == 1:
            paper = by_slug.get(path[len("papers/") : -3])
            if paper is not None:
                first = paper.appearances[0]
                record = Record(url, "paper", paper.id, first.digest, first.position)
        elif (match := _PART.match(path)) is not None:
            record = Record(url, match.group(1)[:-1], match.group(2))
        elif path.startswith("archive/") and path[len("archive/") : -3] in digests:
            record = Record(url, "digest", path[len("archive/") : -3])
        records[url] = record
    return records


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def target_of(
    record: Record,
    feed: Feed,
    taxonomy: Taxonomy,
    current: Mapping[str, Record],
    directory_urls: bool,
) -> str:
    """The URL (of the current build) that the gone page ``record`` redirects to."""

    def url(path: str) -> str | None:
        found = page_url(path, directory_urls)
        return found if found in current else None

    fallback: list[str | None] = []
    if record.kind == "paper":
        same = [p for p in feed.papers if p.id == record.key]
        if not same:
            old = _words(record.key)
            for paper in feed.papers:
                first = paper.appearances[0]
                if (first.digest, first.position) == (record.digest, record.position):
                    new = _words(paper.id)
                    if old and len(old & new) >= SAME_TITLE * len(old | new):
                        same.append(paper)
        fallback += [url(paper_path(p)) for p in same]
        fallback += [url(digest_path(record.digest)), url("archive/index.md")]
    elif record.kind == "topic":
        renamed, slug, seen = renamed_topics(taxonomy), record.key, set()
        while slug in renamed and slug not in seen:
            seen.add(slug)
            slug = renamed[slug]
        fallback += [url(listing_path("topics", slug)), url("topics/index.md")]
    elif record.kind == "tag":
        fallback += [url(listing_path("tags", record.key)), url("tags/index.md")]
    elif record.kind == "digest":
        fallback += [url(digest_path(record.key)), url("archive/index.md")]
    else:
        parts = record.url.rstrip("/").split("/")[:-1]
        while parts:
            above = "/".join(parts) + "/"
            fallback.append(above if above in current else None)
            parts.pop()
    return next((u for u in fallback if u is not None), "")


def redirect_page(from_url: str, to_url: str, site_url: str = "") -> str:
    """A static page at ``from_url`` that sends the reader to ``to_url`` (both relative to
    the site root): meta refresh, canonical link (absolute with ``site_url``), plain link."""
    href = "../" * from_url.count("/") + to_url or "./"
    canonical = site_url + to_url if site_url else href
    link = html.escape(href, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Redirecting</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
        f'<meta http-equiv="refresh" content="0; url={link}">\n'
        "</head>\n"
        "<body>\n"
        f'<p>This page has moved: <a href="{link}">{html.escape(to_url or "home")}</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )


def redirect_file(url: str) -> str:
    """The file that answers at ``url``: ``a/b/`` -> ``a/b/index.html``."""
    return url + "index.html" if url.endswith("/") or url == "" else url


def redirects(
    published: Mapping[str, Record],
    current: Mapping[str, Record],
    feed: Feed,
    taxonomy: Taxonomy,
    directory_urls: bool,
    site_url: str = "",
) -> list[tuple[str, str]]:
    """(file, page) of the redirect of every published URL the current build lacks."""
    pages = []
    for old_url, record in sorted(published.items()):
        if old_url in current or old_url == "":
            continue
        target = target_of(record, feed, taxonomy, current, directory_urls)
        pages.append((redirect_file(old_url), redirect_page(old_url, target, site_url)))
    return pages
