"""The 75 papers of the real sample digest as :class:`Paper` records, for classify tests.

A deliberately small reader, independent of ``generator.parse``: after the
``Mar 14`` line, the non-blank lines alternate title / abstract.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.ids import slugify
from generator.model import Appearance, Link, Paper

SAMPLE = Path("/work/shared/sample/hf-papers-2025-03-14.txt")
_REPO_SAMPLE = Path(__file__).resolve().parent.parent / "digests" / "2025-03-14-hf-papers.txt"
_URL = re.compile(r"https?://[^\s()<>]+")


def sample_path() -> Path:
    return _REPO_SAMPLE if _REPO_SAMPLE.exists() else SAMPLE


def _links(abstract: str) -> tuple[Link, ...]:
    links = set()
    for url in _URL.findall(abstract):
        url = url.rstrip(".,;:")
        code = re.search(r"github\.com/[^/]+/[^/]+|4open\.science", url)
        links.add(Link(url, "code" if code else "other"))
    return tuple(sorted(links))


def sample_papers() -> list[Paper]:
    lines = [line.strip() for line in sample_path().read_text(encoding="utf-8").splitlines()]
    body = [line for line in lines[lines.index("Mar 14") + 1 :] if line]
    assert len(body) % 2 == 0, "titles and abstracts must alternate"
    day = dt.date(2025, 3, 14)
    papers = []
    for position, (title, abstract) in enumerate(zip(body[::2], body[1::2], strict=True), start=1):
        slug = slugify(title)
        papers.append(
            Paper(
                id=slug,
                slug=slug,
                title=title,
                abstract=abstract,
                appearances=(Appearance(day, "2025-03-14-hf-papers", position),),
                links=_links(abstract),
            )
        )
    return papers
