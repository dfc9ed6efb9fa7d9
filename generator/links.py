"""URLs in abstracts: find them, clean them, say what they point to.

Abstracts copied from a web page carry URLs glued to the end of a sentence
(``https://github.com/x/y.``), wrapped in parentheses (``(https://github.com/x/y.)``)
or even glued to a copy of themselves. :func:`extract_links` undoes all that.

Cleaning rules (see ``manual/digest-formats.md``):

* trailing ``.,;:!?'"`` and an unbalanced closing ``)``, ``]`` or ``}`` are dropped;
* a second ``http(s)://`` inside a match starts a new URL (so a URL glued to its own
  copy gives one link after deduplication);
* scheme and host are lower-cased, a ``.git`` suffix of the path is dropped;
* a repository URL (kind ``code``) loses its trailing ``/``; other URLs keep theirs.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, urlsplit, urlunsplit

from generator.model import Link, LinkKind

# ASCII URL characters only: a URL glued to Chinese text or a full-width stop ends there.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%{}]+", re.IGNORECASE)
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_TRAILING = ".,;:!?'\""
_CLOSING = {")": "(", "]": "[", "}": "{"}

_REPO_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com"})
_BIBLIOGRAPHIC = (
    "arxiv.org",
    "doi.org",
    "openreview.net",
    "aclanthology.org",
    "semanticscholar.org",
    "scholar.google.com",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "proceedings.mlr.press",
    "biorxiv.org",
    "medrxiv.org",
    "paperswithcode.com",
)


def extract_links(text: str) -> tuple[Link, ...]:
    """Every http(s) URL in ``text``, cleaned and classified, deduplicated in first-seen order."""
    if "://" not in text:  # every match of _URL holds it: most abstracts have no URL
        return ()
    seen: dict[str, Link] = {}
    for match in _URL.finditer(text):
        for piece in _split_glued(match.group()):
            url = clean_url(piece)
            if url is not None and url not in seen:
                seen[url] = Link(url, classify_url(url))
    return tuple(seen.values())


def _split_glued(raw: str) -> list[str]:
    starts = [m.start() for m in _SCHEME.finditer(raw)]
    return [raw[a:b] for a, b in zip(starts, [*starts[1:], len(raw)], strict=True)]


def clean_url(raw: str) -> str | None:
    """``raw`` without the punctuation around it, or None when it is no usable http(s) URL.

    >>> clean_url("(https://github.com/x/y.git).")
    'https://github.com/x/y'
    """
    url = raw.strip()
    if not _SCHEME.match(url):
        return None
    glued = _SCHEME.search(url, 1)
    if glued:
        url = url[: glued.start()]
    if _has_bad_chars(url):
        return None
    parts = _split(_strip_trailing(url))
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    if not _HOST.fullmatch(host) and host != "localhost":
        return None
    path = parts.path
    if path.lower().endswith(".git/"):
        path = path[:-1]
    if len(path) > 5 and path.lower().endswith(".git"):
        path = path[:-4]
    cleaned = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment)
    )
    if classify_url(cleaned) == "code" and not parts.query and not parts.fragment:
        cleaned = cleaned.rstrip("/")
    return cleaned


def _strip_trailing(url: str) -> str:
    """``url`` without trailing punctuation and unbalanced closing brackets; linear in its
    length (the brackets are counted once, not once per character dropped)."""
    counts = {c: url.count(c) for c in (*_CLOSING, *_CLOSING.values())}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _CLOSING and counts[last] > counts[_CLOSING[last]]:
            counts[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts


def _has_bad_chars(url: str) -> bool:
    if url.isascii():  # the common case, without a per-character loop
        return not url.isprintable() or " " in url
    return any(c.isspace() or unicodedata.category(c).startswith("C") for c in url)


def classify_url(url: str) -> LinkKind:
    """``code`` for a repository, ``other`` for a bibliographic page, else ``project``.

    Repositories: ``<host>/<owner>/<repo>`` on GitHub, GitLab, Bitbucket, Codeberg or
    Gitee, ``git.sr.ht/~owner/repo`` and ``anonymous.4open.science/r/<name>``.
    Bibliographic: arXiv, DOI, OpenReview, ACL Anthology, publishers' libraries and
    ``huggingface.co/papers/...``. Everything else (``*.github.io`` pages, Hugging
    Face spaces, models and data sets, personal sites) is ``project``.
    """
    parts = _split(url)
    if parts is None:
        return "project"
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and (
        host in _REPO_HOSTS
        or host == "git.sr.ht"
        or (host == "anonymous.4open.science" and segments[0] == "r")
    ):
        return "code"
    if host == "huggingface.co" and segments[:1] == ["papers"]:
        return "other"
    if any(host == d or host.endswith("." + d) for d in _BIBLIOGRAPHIC):
        return "other"
    return "project"


def safe_url(url: str) -> str | None:
    """``url`` when it may go into a link: http, https or mailto, no white space or controls."""
    if not url or _has_bad_chars(url):
        return None
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep or not rest:
        return None
    if scheme in ("http", "https"):
        parts = _split(url)
        return url if rest.startswith("//") and parts is not None and parts.netloc else None
    if scheme == "mailto":
        return url
    return None
