"""Identity of papers: arXiv ids, normalised titles, file-name-safe slugs, and the content
keys the build cache files results under."""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata

_ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w.])")
_ARXIV_OLD = re.compile(r"(?<![\w./-])([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?!\w)")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/", re.I)
_URL_PATH = re.compile(r"[^\s?#]+")

MAX_SLUG_BYTES = 80

_ASCII_TITLE_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")}
    | {c: c.lower() for c in string.ascii_uppercase}
)
"""Lower-cases ASCII text and blanks every non-word character: ``split`` then gives the
``\\w+`` words of the case-folded text (for ASCII, NFKC changes nothing)."""
_ASCII_SLUG_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not c.isalnum()}
    | {c: c.lower() for c in string.ascii_uppercase}
)
"""Likewise for the ``[a-z0-9]+`` words of a slug (``_`` is no slug letter)."""


def arxiv_id(text: str) -> str | None:
    """The arXiv id in ``text`` (an id, ``arXiv:`` form or arxiv.org URL), version stripped.

    >>> arxiv_id("https://arxiv.org/abs/2503.01234v2")
    '2503.01234'
    >>> arxiv_id("arXiv:hep-th/9901001v1")
    'hep-th/9901001'
    >>> arxiv_id("no id here") is None
    True
    """
    text = text.strip()
    in_url = _id_in_url(text)
    if in_url is not None:
        text = in_url
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


def _id_in_url(text: str) -> str | None:
    """What follows the first ``arxiv.org/abs/`` (or ``pdf``, ``html``) that runs, without
    white space, to ``?``, ``#`` or the end of ``text``; ``.pdf`` dropped.

    Linear: when a run ends at white space instead, every later ``arxiv.org/`` in the same
    run ends there too, so the search goes on after it."""
    pos = 0
    while (start := _ARXIV_URL.search(text, pos)) is not None:
        run = _URL_PATH.match(text, start.end())
        if run is None:
            pos = start.end()
            continue
        if run.end() == len(text) or text[run.end()] in "?#":
            value = run.group()
            return value[:-4] if len(value) > 4 and value[-4:].lower() == ".pdf" else value
        pos = run.end()
    return None


def normalize_title(title: str) -> str:
    """The key under which two spellings of one title are the same paper.

    Unicode compatibility form (so NFC and NFD agree), case-folded, punctuation
    other than letters and digits dropped, white space collapsed.
    """
    if title.isascii():
        return " ".join(title.translate(_ASCII_TITLE_WORDS).split())
    folded = unicodedata.normalize("NFKC", title).casefold()
    words = re.findall(r"\w+", folded)
    return " ".join(words)


def short_hash(text: str, length: int = 8) -> str:
    """A stable, lowercase hex digest prefix of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def slugify(text: str, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """An ASCII slug of ``text`` (may be empty): accents stripped, words joined by ``-``.

    The result is cut at a word boundary so that it stays within ``max_bytes``.
    Titles with no Latin letters or digits (Chinese, emoji) give ``""``; callers
    fall back to :func:`short_hash`.
    """
    if text.isascii():
        words = text.translate(_ASCII_SLUG_WORDS).split()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
        words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = "-".join(words)
    if len(slug) > max_bytes:
        # The longest run of whole words that fits ends just before a hyphen.
        slug = slug[: max(0, slug.rfind("-", 0, max_bytes + 1))]
    if not slug and words:
        slug = words[0][:max_bytes]
    return slug


def slug_problem(slug: str, example: str) -> str | None:
    """What is wrong with ``slug`` as a page's name written by hand (``"must be ..."``), or
    None; ``example`` stands in where the slug gives none."""
    if slug and slugify(slug) == slug:
        return None
    if slug and slugify(slug, max_bytes=len(slug)) == slug:
        suggestion = slugify(slug)
        return f"must be at most {MAX_SLUG_BYTES} characters long (e.g. {suggestion!r})"
    return f"must be lower-case ASCII words joined by '-' (e.g. {slugify(slug) or example!r})"


def file_digest(data: bytes) -> str:
    """The hash of a generated file's bytes that the writer's manifest records (SHA-256, hex)."""
    return hashlib.sha256(data).hexdigest()


def key(*parts: str | bytes) -> str:
    """A short hex hash of ``parts`` (each length-prefixed, so no two lists collide)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()
