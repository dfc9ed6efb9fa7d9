"""Size limits on the inputs, so that no file can make a build slow or its output huge.

Every step is linear in the size of its input; these limits bound the input itself and
what one paper can multiply (a paper is listed on the page of each of its topics and
tags). A value over a limit is an input error that names the file, the line and the
limit, and quotes only a short excerpt (:func:`excerpt`). See ``manual/security.md``.
"""

from __future__ import annotations

MAX_DIGEST_MB = 10
"""Default largest digest file, in MB (the plugin's ``max_digest_mb``)."""
FIELD_CHARS = {
    "title": 5_000,
    "abstract": 20_000,
    "note": 20_000,
    "url": 2_000,
    "code": 2_000,
    "arxiv": 200,
    "authors": 200_000,
    "topics": 200,
    "tags": 200,
    "project": 2_000,
    "pdf": 2_000,
    "category": 100,
    "arxiv_comment": 2_000,
    "keywords": 200,
    "organization": 500,
}
"""The most characters a field of a structured digest may hold (``authors``: the whole
field; ``topics``, ``tags`` and ``keywords``: each name). A digest's own ``title`` has the
title limit."""
MAX_KEYWORDS = 100
"""Keywords of one paper (a source's, not tags: shown as text on the paper's page)."""
MAX_AUTHORS = 10_000
"""Names in one paper's ``authors``."""
MAX_TOPICS = 20
"""Topics of one paper: given in a digest, and given by the taxonomy's rules."""
MAX_TAGS = 50
"""Tags of one paper, likewise."""
LISTING_TAGS = 8
"""Tags shown on a paper's entry in a listing; the paper's own page shows them all."""
EXCERPT_CHARS = 40


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """``value`` quoted as ``!r`` when short; else its start, quoted, and its length."""
    if len(value) <= limit + 10:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"


def too_long(name: str, value: str, limit: int) -> str:
    """The message for a field ``name`` longer than ``limit`` characters."""
    return f"{name!r} is too long: {len(value):,} characters (at most {limit:,}): {excerpt(value)}"
