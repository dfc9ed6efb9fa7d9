"""What the fetchers make: papers in the structured digest format, written atomically.

:class:`Fetched` is one paper as a source gave it, already checked and cleaned (so the
file written reads back as the same papers: tested); :func:`digest_yaml` is the
digest file's text; :func:`write_atomically` the only place a fetcher touches the disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from generator.ids import arxiv_id
from generator.limits import FIELD_CHARS, MAX_AUTHORS, MAX_KEYWORDS
from generator.links import safe_url
from generator.text import clean_text

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Fetched:
    """One paper from a source, its fields named as in a structured digest."""

    title: str
    abstract: str
    arxiv: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    code: str | None = None
    project: str | None = None
    pdf: str | None = None
    published: dt.date | None = None
    category: str = ""
    arxiv_comment: str = ""
    upvotes: int | None = None
    comments: int | None = None
    stars: int | None = None
    keywords: tuple[str, ...] = ()
    organization: str = ""
    topics: tuple[str, ...] = ()
    """The curator's, kept from the digest a ``--force`` fetch replaces (as are the two
    below); never the source's."""
    tags: tuple[str, ...] = ()
    note: str = ""

    def record(self) -> dict[str, Any]:
        """The paper as a structured digest's mapping: the fields it has, in this order."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == "" or value == ():
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[f.name] = value
        return out


def fit(paper: Fetched) -> Fetched | str:
    """``paper`` within the limits a digest's fields have (:mod:`generator.limits`): a title
    or abstract too long gives the reason to skip the paper; anything else too long is
    left out (a URL, a comment) or cut short (authors, keywords)."""
    for name in ("title", "abstract"):
        value = getattr(paper, name)
        if len(value) > FIELD_CHARS[name]:
            return f"{name} too long ({len(value):,} characters, at most {FIELD_CHARS[name]:,})"
    changes: dict[str, Any] = {}
    for name in ("url", "code", "project", "pdf", "category", "arxiv_comment", "organization"):
        value = getattr(paper, name)
        if value and len(value) > FIELD_CHARS[name]:
            changes[name] = None if name in ("url", "code", "project", "pdf") else ""
    if changes.get("code", paper.code) is None:
        changes["stars"] = None  # a code repository's stars, never shown without its link
    authors = paper.authors[:MAX_AUTHORS]
    while authors and sum(len(a) + 2 for a in authors) > FIELD_CHARS["authors"]:
        authors = authors[:-1]
    keywords = tuple(k for k in paper.keywords if len(k) <= FIELD_CHARS["keywords"])
    changes |= {"authors": authors, "keywords": keywords[:MAX_KEYWORDS]}
    return replace(paper, **changes)


def text(value: object) -> str:
    """A source's string, cleaned as the parsers clean text (lone surrogates, which JSON
    can hold and no file can, become U+FFFD); anything but a string gives ``""``."""
    if not isinstance(value, str):
        return ""
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    return clean_text(value)


def web_url(value: object) -> str | None:
    """A source's URL when it is a safe ``http(s)`` one, else None (never a link)."""
    url = text(value)
    if not url.lower().startswith(("http://", "https://")) or safe_url(url) is None:
        return None
    return url


def count(value: object) -> int | None:
    """A source's non-negative whole number (``12`` or ``12.0``), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    number = int(value)
    return number if 0 <= number < 10**15 else None


def day(value: object) -> dt.date | None:
    """The date of an ISO timestamp (``2025-03-13T13:10:00.000Z``), else None."""
    shown = text(value)
    try:
        return dt.date.fromisoformat(shown[:10])
    except ValueError:
        return None


def paper_id(value: object) -> str | None:
    """An arXiv id without its version, when ``value`` is one."""
    shown = text(value)
    return arxiv_id(shown) if shown else None


def digest_yaml(date: dt.date, title: str, papers: list[Fetched], header: str) -> str:
    """A structured digest (YAML) of ``papers``, with ``header`` as a comment on top."""
    document = {"date": date.isoformat(), "title": title, "papers": [p.record() for p in papers]}
    body = yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + body


def write_atomically(path: Path, data: str, *, replace: bool) -> None:
    """Write ``data`` to ``path`` all at once (a temporary file in the same folder, then a
    rename): a reader sees the old file or the new one, never half of one. Raises
    FileExistsError when ``path`` exists and ``replace`` is false."""
    if not replace and path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if someone made the file meanwhile
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
