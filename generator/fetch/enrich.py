"""``paperfeed enrich``: look up the papers that have no arXiv id by their exact title.

For each such paper not yet in ``enrichment.yml`` it asks the arXiv API for the title
(``ti:"…"``) and keeps the results whose title has the same title key
(:func:`generator.ids.normalize_title`). One paper found: recorded. None, or several:
listed, never guessed (asked again next time). :func:`resolve` is pure given the
responses; :func:`enrichment_yaml` is the file's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import InputError
from generator.fetch.digest import Fetched
from generator.ids import normalize_title
from generator.model import Paper
from generator.parse_structured import Metadata, parse_enrichment

RESULTS = 10
"""Results asked for per title: enough to see that a title is ambiguous."""


@dataclass(frozen=True)
class Outcome:
    """What one title's lookup found."""

    key: str
    title: str
    matches: tuple[Fetched, ...]
    """The results with exactly this title key, one per arXiv id."""

    @property
    def found(self) -> Fetched | None:
        return self.matches[0] if len(self.matches) == 1 else None

    def line(self) -> str:
        if self.found is not None:
            return f"found: {self.title!r} -> arXiv:{self.found.arxiv}"
        if not self.matches:
            return f"no match: {self.title!r}"
        ids = ", ".join(f"arXiv:{m.arxiv}" for m in self.matches)
        return f"{len(self.matches)} matches, not guessed: {self.title!r} ({ids})"


def wanted(papers: Sequence[Paper], known: set[str]) -> list[tuple[str, str]]:
    """(title key, title) of every paper with no arXiv id and no record yet, by key."""
    found: dict[str, str] = {}
    for paper in papers:
        key = normalize_title(paper.title)
        if paper.arxiv_id is None and key and key not in known:
            found.setdefault(key, paper.title)
    return sorted(found.items())


def resolve(key: str, title: str, results: Sequence[Fetched]) -> Outcome:
    """The results of a title query that are this paper (same title key), one per id."""
    matches: dict[str, Fetched] = {}
    for result in results:
        if result.arxiv and normalize_title(result.title) == key:
            matches.setdefault(result.arxiv, result)
    return Outcome(key, title, tuple(matches.values()))


def lookup(
    titles: Sequence[tuple[str, str]],
    search: Callable[[str], Sequence[Fetched]],
    on_outcome: Callable[[Outcome], None] = lambda _: None,
) -> list[Outcome]:
    """Look every title up with ``search`` (a title -> results function)."""
    outcomes = []
    for key, title in titles:
        outcome = resolve(key, title, search(title))
        on_outcome(outcome)
        outcomes.append(outcome)
    return outcomes


def _as_metadata(found: Fetched) -> Metadata:
    return Metadata(
        arxiv_id=found.arxiv,
        url=found.url,
        code=found.code,
        project=found.project,
        pdf=found.pdf,
        authors=found.authors,
        published=found.published,
        category=found.category,
        arxiv_comment=found.arxiv_comment,
        upvotes=found.upvotes,
        comments=found.comments,
        stars=found.stars,
        keywords=found.keywords,
        organization=found.organization,
    )


def merged(
    records: dict[str, tuple[str, Metadata]], outcomes: Sequence[Outcome]
) -> dict[str, tuple[str, Metadata]]:
    """The records with every paper found added."""
    out = dict(records)
    for outcome in outcomes:
        if outcome.found is not None:
            out[outcome.key] = (outcome.title, _as_metadata(outcome.found))
    return out


_FIELD_NAMES = {"arxiv_id": "arxiv"}


def _record(title: str, meta: Metadata) -> dict[str, Any]:
    record: dict[str, Any] = {"title": title}
    for name in meta.__dataclass_fields__:
        value = getattr(meta, name)
        if value is None or value == "" or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        record[_FIELD_NAMES.get(name, name)] = value
    return record


HEADER = """\
# What `paperfeed enrich` found on arXiv for papers whose digests give no arXiv id,
# keyed by the title key (the title in lower case, punctuation dropped). Builds read
# this file and never go online. Edit it freely: remove a wrong record, or add one by
# hand for a paper the lookup could not match (an `arxiv` id is required).
"""


def enrichment_yaml(records: dict[str, tuple[str, Metadata]]) -> str:
    document = {"papers": {key: _record(*records[key]) for key in sorted(records)}}
    body = yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    return HEADER + body


def updated_file(
    old: str | None, records: dict[str, tuple[str, Metadata]], outcomes: Sequence[Outcome]
) -> tuple[str, bool]:
    """The text of ``enrichment.yml`` with the papers found added, and whether the
    curator's text was kept. With the file's ``old`` text, the new records are appended
    to it as they are, its comments, order and layout untouched, when that reads back as
    the old records and the new; else (another layout: a flow mapping, another
    indentation, a key after ``papers``) the whole file is written afresh."""
    everything = merged(records, outcomes)
    if old is None or not old.strip():
        return enrichment_yaml(everything), True
    added = {key: everything[key] for key in sorted(everything) if key not in records}
    if not added:
        return old, True
    block = enrichment_yaml(added).removeprefix(HEADER).removeprefix("papers:\n")
    for indented in dict.fromkeys([_indented(block, _indent(old)), block]):
        appended = old.rstrip("\n") + "\n" + indented
        try:
            if parse_enrichment(appended, "enrichment.yml") == everything:
                return appended, True
        except InputError:
            pass
    return enrichment_yaml(everything), False


def _indent(text: str) -> int:
    """The indentation of the first record under ``papers:`` in ``text`` (2 if none)."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("papers:")), None)
    for line in lines[start + 1 :] if start is not None else ():
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            return len(line) - len(stripped) or 2
    return 2


def _indented(block: str, indent: int) -> str:
    """``block`` (written two spaces a level) ``indent`` spaces a level."""
    if indent == 2:
        return block
    lines = []
    for line in block.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(stripped)) // 2 * indent) + stripped)
    return "".join(lines)
