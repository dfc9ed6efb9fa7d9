"""``enrichment.yml``: what ``paperfeed enrich`` found for papers their digests left
without an arXiv id, applied to the entries when a build reads the digests.

The file sits beside ``taxonomy.yml`` and is committed: builds read it and never touch
the network. Its records are keyed by the paper's title key
(:func:`generator.ids.normalize_title`); an entry with no arXiv id whose title has that
key takes the record's id and every field it lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from generator.errors import InputError, Problem, decode_utf8
from generator.ids import normalize_title
from generator.links import clean_url
from generator.model import Digest, Entry, Link
from generator.parse_structured import Metadata, parse_enrichment

FILE_NAME = "enrichment.yml"

Records = Mapping[str, tuple[str, Metadata]]


def enrichment_path(taxonomy_path: Path) -> Path:
    """Where the enrichment file of a site is: beside its taxonomy."""
    return taxonomy_path.parent / FILE_NAME


def load_enrichment(path: Path) -> dict[str, tuple[str, Metadata]]:
    """The records of ``path``; none when it does not exist; InputError when it is bad."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise InputError(Problem(str(path), 0, f"cannot read: {err.strerror}")) from None
    return parse_enrichment(decode_utf8(data, str(path)), str(path))


def enrich_entry(entry: Entry, meta: Metadata) -> Entry:
    """``entry`` with what it lacks taken from ``meta`` (its own values win)."""
    links = {link.url: link for link in entry.links}
    for url, kind in ((meta.code, "code"), (meta.project, "project")):
        cleaned = clean_url(url) or url if url else None
        if cleaned and cleaned not in links:
            links[cleaned] = Link(cleaned, kind)  # type: ignore[arg-type]
    changes = {
        name: value
        for name, value in meta.entry_fields().items()
        if value not in (None, "", ()) and getattr(entry, name) in (None, "", ())
    }
    return replace(entry, links=tuple(links.values()), **changes)


def apply_enrichment(digests: Sequence[Digest], records: Records) -> list[Digest]:
    """The digests with every entry that has no arXiv id but a record enriched by it."""
    if not records:
        return list(digests)
    out = []
    for digest in digests:
        entries = tuple(
            enrich_entry(e, records[key][1])
            if e.arxiv_id is None and (key := normalize_title(e.title)) in records
            else e
            for e in digest.entries
        )
        out.append(digest if entries == digest.entries else replace(digest, entries=entries))
    return out
