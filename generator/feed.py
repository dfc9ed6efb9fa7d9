"""Digests -> Feed: merge entries into unique papers with an appearance history.

Two entries are one paper when they share an arXiv id (any version), or when
their normalised titles agree (case, Unicode form and punctuation ignored) and their
abstracts do not clearly differ. An entry without an arXiv id joins the paper that has
one under the same title (never overriding its text) when their abstracts agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problem
from generator.ids import normalize_title, short_hash, slugify
from generator.limits import excerpt
from generator.model import Appearance, Digest, Entry, Feed, Link, Paper


@dataclass
class _Group:
    key: str
    entries: list[tuple[Digest, int, Entry]] = field(default_factory=list)


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize_title(text).split())


def same_text(a: str, b: str) -> bool:
    """False when two abstracts clearly differ: fewer than half the words of the shorter
    one are in the other (a copy with page noise, cut short or corrected still agrees)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return True
    return len(wa & wb) * 2 >= min(len(wa), len(wb))


@dataclass
class _Grouping:
    groups: list[_Group]
    warnings: list[Problem]
    title_merges: list[str]


def _group_entries(digests: Sequence[Digest]) -> _Grouping:
    """Group entries by identity, in a way that does not depend on the digests' order.

    Entries with the same title but abstracts that clearly differ (:func:`same_text`) are
    different papers, said in a warning; an entry without an arXiv id joins the paper with
    one under its title only when their abstracts agree."""
    by_title: dict[str, tuple[str, str]] = {}
    for digest in digests:
        for entry in digest.entries:
            if entry.arxiv_id:
                by_title.setdefault(normalize_title(entry.title), (entry.arxiv_id, entry.abstract))
    groups: dict[str, _Group] = {}
    clusters: dict[str, list[str]] = {}
    warnings: list[Problem] = []
    for digest in digests:
        for position, entry in enumerate(digest.entries, start=1):
            title_key = normalize_title(entry.title) or entry.title
            arxiv = entry.arxiv_id
            if arxiv is None and title_key in by_title:
                known, text = by_title[title_key]
                if same_text(entry.abstract, text):
                    arxiv = known
                else:
                    first = (
                        groups[f"arxiv:{known}"].entries[0] if f"arxiv:{known}" in groups else None
                    )
                    warnings.append(_kept_apart(digest, entry, first))
            if arxiv:
                key = f"arxiv:{arxiv}"
            else:
                keys = clusters.setdefault(title_key, [])
                key = next(
                    (
                        k
                        for k in keys
                        if same_text(entry.abstract, groups[k].entries[0][2].abstract)
                    ),
                    "",
                )
                if not key:
                    key = f"title:{title_key}" + (f"#{len(keys) + 1}" if keys else "")
                    if keys:
                        warnings.append(_kept_apart(digest, entry, groups[keys[0]].entries[0]))
                    keys.append(key)
            group = groups.setdefault(key, _Group(key))
            if group.entries:
                warnings.extend(_joined(digest, entry, group))
            group.entries.append((digest, position, entry))
    merges = [
        f"{g.entries[0][2].title!r}: " + ", ".join(f"{d.source}:{e.line}" for d, _, e in g.entries)
        for g in groups.values()
        if len(g.entries) > 1 and not g.key.startswith("arxiv:")
    ]
    return _Grouping(list(groups.values()), warnings, merges)


def _kept_apart(digest: Digest, entry: Entry, other: tuple[Digest, int, Entry] | None) -> Problem:
    where = f" ({other[0].source}:{other[2].line})" if other else ""
    message = (
        f"{excerpt(entry.title)} has the title of another paper{where} but a different "
        "abstract: kept as a paper of its own"
    )
    return Problem(digest.source, entry.line, message)


def _joined(digest: Digest, entry: Entry, group: _Group) -> list[Problem]:
    """What to say when ``entry`` joins ``group``'s paper: listed again in the same
    digest (its page lists it once), or under the arXiv id of a paper whose title and
    abstract both differ (one paper all the same: the id decides; check it)."""
    first_digest, _, first = group.entries[0]
    again = next((e for d, _, e in group.entries if d is digest), None)
    if again is not None:
        message = (
            f"{excerpt(entry.title)} is listed again in this digest (line {again.line}): "
            "listed once"
        )
        return [Problem(digest.source, entry.line, message)]
    if (
        group.key.startswith("arxiv:")
        and normalize_title(entry.title) != normalize_title(first.title)
        and not same_text(entry.abstract, first.abstract)
    ):
        message = (
            f"{excerpt(entry.title)} has the arXiv id of another paper "
            f"({first_digest.source}:{first.line}), whose title and abstract differ: one "
            f"paper all the same (check {group.key.removeprefix('arxiv:')})"
        )
        return [Problem(digest.source, entry.line, message)]
    return []


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _occurrence(t: tuple[Digest, int, Entry]) -> tuple[object, ...]:
    return (t[0].date, t[0].slug, t[1])


def _merge(group: _Group, slug: str) -> Paper:
    # The newest occurrence wins for the text (a curator may correct a title),
    # ties broken by the digest slug so the result never depends on read order.
    occurrences = group.entries
    if len(occurrences) > 1:
        occurrences = sorted(occurrences, key=_occurrence)
    entries = [e for _, _, e in occurrences]
    newest_first = entries[::-1]
    # An entry without an arXiv id never overrides the text of one with an id.
    text_from = [e for e in newest_first if e.arxiv_id] or newest_first
    newest = text_from[0]
    arxiv = next((e.arxiv_id for e in newest_first if e.arxiv_id), None)
    links: dict[str, Link] = {}
    for entry in entries:
        for link in entry.links:
            links.setdefault(link.url, link)
    first_place: dict[tuple[dt.date, str], int] = {}  # a digest lists a paper once
    for d, pos, _ in occurrences:  # (in order: the first place in a digest comes first)
        first_place.setdefault((d.date, d.slug), pos)
    appearances = {Appearance(day, digest, pos) for (day, digest), pos in first_place.items()}
    return Paper(
        id=arxiv or slug,
        slug=slug,
        title=newest.title,
        abstract=max((e.abstract for e in text_from[::-1]), key=len),
        appearances=tuple(sorted(appearances)),
        arxiv_id=arxiv,
        url=next((e.url for e in newest_first if e.url), None),
        authors=next((e.authors for e in newest_first if e.authors), ()),
        links=tuple(links.values()),
        extra_topics=_unique(t for e in entries for t in e.topics),
        extra_tags=_unique(t for e in entries for t in e.tags),
        note="\n\n".join(_unique(e.note for e in entries)),
        **_newest_metadata(newest_first),
        key=group.key,
        sources=tuple((d.source, e.line) for d, _, e in occurrences),
    )


METADATA = (
    "published",
    "upvotes",
    "comments",
    "stars",
    "category",
    "pdf",
    "arxiv_comment",
    "keywords",
    "organization",
)
"""The source's metadata fields of :class:`Entry` that a :class:`Paper` takes as they are."""


def _newest_metadata(newest_first: Sequence[Entry]) -> dict[str, Any]:
    """Each metadata field from the newest entry that has it: a paper fetched again on a
    later day has that day's counts (upvotes, stars), a pasted copy takes nothing away."""
    found: dict[str, Any] = {}
    for name in METADATA:
        for entry in newest_first:
            value = getattr(entry, name)
            if value not in (None, "", ()):
                found[name] = value
                break
    return found


RESERVED_SLUGS = re.compile(r"index|page-[0-9]+")
"""Slugs no paper gets: ``papers/index.md`` and ``papers/page-N.md`` are the list of
every paper (a paper whose title is "Index" gets ``index-`` and a hash)."""


def assign_slugs(groups: Sequence[_Group]) -> dict[str, str]:
    """A unique, stable slug per group key.

    The base slug comes from the arXiv id or the title. When several papers want
    the same base, the one seen first (then the smallest key) keeps it and the
    others get ``-`` plus a hash of their key: adding papers never renames an
    existing page, and the input order does not matter.
    """
    wanted: dict[str, list[tuple[object, str]]] = {}
    for group in groups:
        first_seen = min(d.date for d, _, _ in group.entries)
        if group.key.startswith("arxiv:"):
            base = "arxiv-" + slugify(group.key.removeprefix("arxiv:"))
        else:
            title = group.entries[0][2].title
            base = slugify(title) or "paper-" + short_hash(group.key)
        wanted.setdefault(base, []).append(((first_seen, group.key), group.key))
    slugs: dict[str, str] = {}
    taken = set(wanted)
    for base, claimants in sorted(wanted.items()):
        claimants.sort(key=lambda c: c[0])  # type: ignore[arg-type,return-value]
        reserved = RESERVED_SLUGS.fullmatch(base) is not None
        if not reserved:
            slugs[claimants[0][1]] = base
        for _, key in claimants if reserved else claimants[1:]:
            length = 8
            candidate = f"{base}-{short_hash(key, length)}"
            while candidate in taken:
                length += 2
                candidate = f"{base}-{short_hash(key, length)}"
            taken.add(candidate)
            slugs[key] = candidate
    return slugs


def build_feed(digests: Sequence[Digest]) -> Feed:
    """Merge the entries of ``digests`` into one :class:`Feed`; their order is irrelevant."""
    ordered = sorted(digests, key=lambda d: (d.date, d.slug))
    grouping = _group_entries(ordered)
    groups = grouping.groups
    slugs = assign_slugs(groups)
    papers = [_merge(g, slugs[g.key]) for g in groups]
    papers.sort(key=_sort_key)
    return Feed(
        digests=tuple(ordered),
        papers=tuple(papers),
        entries_read=sum(len(d.entries) for d in ordered),
        warnings=tuple(sorted(grouping.warnings)),
        title_merges=tuple(grouping.title_merges),
    )


def _sort_key(paper: Paper) -> tuple[object, ...]:
    """Newest first; within a day, in the digest's own order."""
    last = paper.appearances[-1]
    return (-last.date.toordinal(), last.digest, last.position, paper.id)
