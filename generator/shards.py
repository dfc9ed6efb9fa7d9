"""The Pagefind index in shards: a feed of any size indexed in bounded memory.

Pagefind holds the whole index in memory while it builds it, about 120 KB a page: 12 GB
for a feed of 100,000 papers. So above ``pagefind_shard_size`` papers the paper pages'
search documents are split into shards, indexed one after the other, and merged in the
reader's browser with Pagefind's ``mergeIndex``:

- each paper goes by the month it was first seen; months, oldest first, are packed into
  shards of at most ``size`` papers (a month larger than that is a shard of its own), so
  the older shards do not change as days are added;
- the last shard, the newest papers, also holds every page that is not a paper's, and
  is the site's ``pagefind/``; the others are data-only bundles in
  ``pagefind/shards/<first month>/``, listed in ``pagefind/paperfeed-shards.json``.

Pagefind falls back to the longest prefix of a query word that its index has when it has
none of the word: a shard without a rare word would answer it with unrelated pages
("zephyrine" found as "ZeRO"). So every shard also gets one *words page*: the words of
the other shards it lacks, filtered out of every search (``paperfeed:words``, see
``search.js``). A word of any shard is then in every shard, and a shard that has it only
in its words page answers nothing, as a single index would.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WORDS_FILTER = "paperfeed"
WORDS_VALUE = "words"
"""The Pagefind filter (``paperfeed:words``) of the words pages, excluded by ``search.js``."""
WORDS_PAGE = "paperfeed-words/index.html"
"""The words page's path in a shard's documents (never a page of the site)."""
LIST = "paperfeed-shards.json"
"""The list of the shards' bundles, in the primary bundle (``pagefind/``)."""
SHARDS_DIR = "shards"
"""The folder of the shards' bundles, in the primary bundle."""


@dataclass(frozen=True)
class Shard:
    name: str
    """The first month of its papers (``2025-01``); ``""`` for the primary."""
    documents: tuple[str, ...]
    """Paths of its search documents, relative to the documents folder."""


def plan(months: Mapping[str, str], others: Iterable[str], size: int) -> list[Shard]:
    """The shards of the documents: the paper documents ``months`` (path -> the month
    its paper was first seen, ``YYYY-MM``) in shards of at most ``size`` papers, months
    kept whole, oldest first; the last one, the primary, also holds ``others``.

    >>> [(s.name, s.documents) for s in plan({"a": "2025-01", "b": "2025-02"}, ["i"], 1)]
    [('2025-01', ('a',)), ('', ('b', 'i'))]
    >>> [(s.name, s.documents) for s in plan({"a": "2025-01", "b": "2025-02"}, ["i"], 2)]
    [('', ('a', 'b', 'i'))]
    """
    if size < 1:
        raise ValueError(f"a shard holds at least one paper, not {size}")
    by_month: dict[str, list[str]] = {}
    for path in sorted(months):
        by_month.setdefault(months[path], []).append(path)
    groups: list[tuple[str, list[str]]] = []
    for month in sorted(by_month):
        papers = by_month[month]
        if groups and len(groups[-1][1]) + len(papers) <= size:
            groups[-1][1].extend(papers)
        else:
            groups.append((month, list(papers)))
    last = groups.pop()[1] if groups else []
    closed = [Shard(month, tuple(papers)) for month, papers in groups]
    return [*closed, Shard("", (*last, *sorted(others)))]


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\S+")


def words(document: str) -> set[str]:
    """The words of a search document's text, lowercased: split at white space with its
    tags taken out and, as well, with its tags read as spaces (Pagefind joins the text of
    inline elements and separates that of blocks; a few words too many only make a words
    page longer)."""
    found: set[str] = set()
    for text in (_TAG.sub("", document), _TAG.sub(" ", document)):
        found.update(_WORD.findall(html.unescape(text).lower()))
    return found


def words_page(missing: Iterable[str], lang: str | None) -> str:
    """A search document holding ``missing`` (escaped: they come from digests), in the
    ``paperfeed:words`` filter that ``search.js`` excludes."""
    attribute = html.escape(lang, quote=True) if lang else ""
    body = " ".join(html.escape(w, quote=False) for w in sorted(missing))
    return (
        "<!DOCTYPE html>\n"
        + (f'<html lang="{attribute}">' if attribute else "<html>")
        + '<head><meta charset="utf-8"><title>words</title></head><body>'
        + f'<article data-pagefind-body data-pagefind-filter="{WORDS_FILTER}:{WORDS_VALUE}">'
        + f"<p>{body}</p></article></body></html>\n"
    )
