"""The Pagefind index in shards: a feed of any size indexed in bounded memory, and a
daily build that indexes only the shard that changed.

Pagefind holds the whole index in memory while it builds it, about 120 KB a page: 12 GB
for a feed of 100,000 papers, and indexing 10,000 papers takes about 10 s. So a large
feed's paper pages' search documents are split into shards, indexed one after the other
(or kept from the previous build), and merged in the reader's browser with Pagefind's
``mergeIndex``:

- each paper goes by the month it was first seen; the papers of the newest month, with
  every page that is not a paper's, are the *primary*, the site's ``pagefind/``;
- the older months, oldest first, are packed into *closed* shards of at most ``size``
  papers (a month larger than that is a shard of its own), so they do not change as days
  are added (the last one takes in a month when it ends, if it has room). They are
  data-only bundles in ``pagefind/shards/<first month>/``, listed in
  ``pagefind/paperfeed-shards.json``.

The index is split so from ``pagefind_split_above`` papers, or ``pagefind_shard_size``
if that is fewer.

Pagefind falls back to the longest prefix of a query word that its index has when it has
none of the word: a shard without a rare word would answer it with unrelated pages
("zephyrine" found as "ZeRO"). So the primary holds one *vocabulary page* for each closed
shard: the words of that shard, in the ``paperfeed:words`` filter (left out of the
results); ``paperfeed-shards.json`` names each shard's bundle and its vocabulary page's
Pagefind id. ``search.js`` first asks which vocabulary pages match the query (the primary
has every word of the site, so it answers as one index would), then leaves out the
closed shards whose vocabulary did not (each closed shard's pages are in
``paperfeed:<shard>``, Pagefind's ``mergeFilter``).

A closed shard's bundle depends only on its documents, and of those only on what Pagefind
indexes: not on the newer papers (as a words page of the other shards' words would). So a
build with the build cache keeps a closed shard whose documents' indexed parts did not
change (:func:`shard_key`: a paper's "Related papers" list changes every day, but is not
indexed) from the previous site, with its vocabulary (:class:`Reuse`), and runs Pagefind
on the primary alone.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.fragments import FRAGMENT_DIR, fragment_url
from generator.linkfiles import link_files
from generator.write import check_relpath

WORDS_FILTER = "paperfeed"
WORDS_VALUE = "words"
"""The Pagefind filter (``paperfeed:words``) of the vocabulary pages, excluded by
``search.js``; a closed shard's pages are in ``paperfeed:<its name>`` (``mergeFilter``)."""
WORDS_DIR = "paperfeed-words"
"""The folder of the vocabulary pages in the primary's documents (never pages of the site)."""
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
    its paper was first seen, ``YYYY-MM``) of the newest month, with ``others``, in the
    primary; those of the older months in shards of at most ``size`` papers, months kept
    whole, oldest first (so only the last of them changes, once a month).

    >>> [(s.name, s.documents) for s in plan({"a": "2025-01", "b": "2025-02"}, ["i"], 1)]
    [('2025-01', ('a',)), ('', ('b', 'i'))]
    >>> [(s.name, s.documents) for s in plan({"a": "2025-01", "b": "2025-02"}, ["i"], 2)]
    [('2025-01', ('a',)), ('', ('b', 'i'))]
    >>> [(s.name, s.documents) for s in plan({"a": "2025-01", "b": "2025-01"}, ["i"], 1)]
    [('', ('a', 'b', 'i'))]
    """
    if size < 1:
        raise ValueError(f"a shard holds at least one paper, not {size}")
    by_month: dict[str, list[str]] = {}
    for path in sorted(months):
        by_month.setdefault(months[path], []).append(path)
    newest = by_month.pop(max(by_month)) if by_month else []
    groups: list[tuple[str, list[str]]] = []
    for month in sorted(by_month):
        papers = by_month[month]
        if groups and len(groups[-1][1]) + len(papers) <= size:
            groups[-1][1].extend(papers)
        else:
            groups.append((month, list(papers)))
    closed = [Shard(month, tuple(papers)) for month, papers in groups]
    return [*closed, Shard("", (*newest, *sorted(others)))]


_TAG = re.compile(r"<[^>]*>")


def words(document: str) -> set[str]:
    """The words of a search document's text, lowercased: split at white space with its
    tags taken out and, as well, with its tags read as spaces (Pagefind joins the text of
    inline elements and separates that of blocks). A word too many (only where a tag
    splits a word) makes search read a shard for a word it lacks."""
    pieces = _TAG.split(document)
    found = set(html.unescape("".join(pieces)).lower().split())
    found.update(html.unescape(" ".join(pieces)).lower().split())
    return found


def vocabulary_path(name: str) -> str:
    """Where the vocabulary page of the closed shard ``name`` goes in the primary's
    documents."""
    return f"{WORDS_DIR}/{name}/index.html"


def vocabulary_page(vocabulary: Iterable[str], lang: str | None) -> str:
    """A search document holding the words of a closed shard (escaped: they come from
    digests), in the ``paperfeed:words`` filter that ``search.js`` leaves out of the
    results. (One filter of one value: Pagefind writes the values of a filter, and its
    filters, in an order of its own from run to run.)"""
    attribute = html.escape(lang, quote=True) if lang else ""
    body = " ".join(html.escape(w, quote=False) for w in sorted(vocabulary))
    return (
        "<!DOCTYPE html>\n"
        + (f'<html lang="{attribute}">' if attribute else "<html>")
        + '<head><meta charset="utf-8"><title>words</title></head><body>'
        + f'<article data-pagefind-body data-pagefind-filter="{WORDS_FILTER}:{WORDS_VALUE}">'
        + f"<p>{body}</p></article></body></html>\n"
    )


def listing(bundle: Path, names: Sequence[str]) -> list[dict[str, str]]:
    """What ``paperfeed-shards.json`` says of the closed shards ``names``: each one's
    bundle and the Pagefind id (its fragment's name) of its vocabulary page in the
    primary ``bundle``, which ``search.js`` finds among a query's results."""
    wanted = {f"/{WORDS_DIR}/{name}/": name for name in names}
    ids: dict[str, str] = {}
    for fragment in sorted((bundle / FRAGMENT_DIR).glob("*.pf_fragment")):
        url = fragment_url(fragment)
        if url in wanted:
            ids[wanted[url]] = fragment.stem
    missing = [name for name in names if name not in ids]
    if missing:
        raise ValueError(f"no vocabulary page of the shards {', '.join(missing)} in {bundle}")
    return [{"bundle": f"{SHARDS_DIR}/{name}/", "words": ids[name]} for name in names]


_MONTH = re.compile(r"\d{4}-\d{2}")
"""A closed shard's name."""
_KEY = re.compile(r"[0-9a-f]{64}")
"""A closed shard's key (:func:`shard_key`), the name of its vocabulary's file."""


_BLOCKS = (b"ol", b"ul", b"div", b"nav", b"table", b"h1", b"h2", b"h3", b"h4", b"h5", b"h6")
"""Elements whose extent counting their tags tells."""
_UNINDEXED = re.compile(
    rb"<(" + b"|".join((*_BLOCKS, b"p")) + rb")\b[^>]*?\sdata-search-exclude[\s>=]"
)
_SAME = {name: re.compile(rb"<(/?)" + name + rb"\b") for name in _BLOCKS}
_ENDS_A_PARAGRAPH = re.compile(
    rb"<(address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer"
    rb"|form|h[1-6]|header|hgroup|hr|main|menu|nav|ol|p|pre|section|table|ul)\b",
    re.IGNORECASE,
)
"""A start tag that ends an open ``<p>`` (HTML's parsing rules)."""
_ID = re.compile(rb"<[^>]*\sid=")
"""An element with an id: Pagefind lists it among the page's anchors, left out or not."""


def _end(document: bytes, found: re.Match[bytes]) -> int | None:
    """Where the element that ``found`` starts ends (after its end tag), or None if
    that is not certain."""
    name = found.group(1)
    if name == b"p":  # to its end tag, if nothing before that ends it first
        close = document.find(b"</p>", found.end())
        if close < 0 or _ENDS_A_PARAGRAPH.search(document, found.end(), close):
            return None
        return close + len(b"</p>")
    depth = 0
    for tag in _SAME[name].finditer(document, found.start()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = document.find(b">", tag.end())
            return None if end < 0 else end + 1
    return None


def indexed_part(document: bytes) -> bytes:
    """A search document without its elements marked ``data-search-exclude``, which
    Pagefind leaves out (``--exclude-selectors``): a paper's related papers and topics
    may change from day to day, the index does not; nor does an element's coming or going
    (its blank lines go with it). An element whose end is not certain, or that holds an
    element with an id (Pagefind lists those among the page's anchors, left out or not),
    is left in: a change there counts as a change of the document.

    >>> indexed_part(b'<p>a</p><ol data-search-exclude><li><ol><li>x</ol></ol><p>b</p>')
    b'<p>a</p><p>b</p>'
    >>> indexed_part(b'<h2 data-search-exclude>Cite</h2><p data-search-exclude>'
    ...              b'<a href="../t/">Topic</a></p><p>b</p>')
    b'<p>b</p>'
    >>> indexed_part(b'<h2 id="cite" data-search-exclude>Cite</h2><p>b</p>')
    b'<h2 id="cite" data-search-exclude>Cite</h2><p>b</p>'
    >>> indexed_part(b'<p>a</p>\\n\\n<ol data-search-exclude><li>x</li></ol>\\n\\n</article>')
    b'<p>a</p>\\n\\n</article>'
    >>> indexed_part(b'<p>a</p><div data-search-exclude><div>never closed</div>')
    b'<p>a</p><div data-search-exclude><div>never closed</div>'
    >>> indexed_part(b'<p data-search-exclude>a<div>b</div></p>')
    b'<p data-search-exclude>a<div>b</div></p>'
    """
    kept: list[bytes] = []
    at = 0
    for found in _UNINDEXED.finditer(document):
        if found.start() < at:
            continue  # inside an element already left out
        end = _end(document, found)
        if end is not None and not _ID.search(document, found.start(), end):
            kept.append(document[at : found.start()])
            # and the blank lines after it, which are there only when the element is
            at = len(document) - len(document[end:].lstrip())
    kept.append(document[at:])
    return b"".join(kept)


def shard_key(
    documents: Path, shard: Shard, salt: bytes, known: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """What a closed shard's bundle is made from: its name, the paths and indexed parts
    (:func:`indexed_part`) of its documents, and ``salt`` (the Pagefind binary and its
    options). A document not in ``documents`` counts by its hash in ``known`` (a page the
    build kept, whose document the previous build hashed). The key, and each document's
    hash."""
    digest = hashlib.sha256(salt)
    digest.update(b"\0" + shard.name.encode("utf-8") + b"\0")
    hashes: dict[str, str] = {}
    for path in shard.documents:
        try:
            part = indexed_part((documents / path).read_bytes())
        except FileNotFoundError:
            if known is None or path not in known:
                raise
            hashes[path] = known[path]
        else:
            hashes[path] = hashlib.sha256(part).hexdigest()
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashes[path].encode("ascii"))
    return digest.hexdigest(), hashes


@dataclass(frozen=True)
class Recorded:
    """A closed shard's bundle as a build left it in its site."""

    key: str
    """:func:`shard_key` of its documents."""
    pages: int
    """Pages it indexed."""
    files: tuple[tuple[str, int], ...]
    """Its files, by path in the shard's folder, and their sizes."""
    documents: Mapping[str, str] = field(default_factory=dict)
    """Its documents' paths and the hashes of their indexed parts (:func:`shard_key`)."""


@dataclass
class Reuse:
    """The closed shards of the previous build (``paperfeed build`` with the build cache,
    :class:`generator.preview.KeptSite`), to keep those whose documents did not change."""

    previous: Path
    """The previous site's bundle (``site/pagefind``)."""
    folder: Path
    """Where the closed shards' vocabularies are kept, by key (in the build cache)."""
    before: dict[str, Recorded] = field(default_factory=dict)
    """The previous build's closed shards, by name."""
    now: dict[str, Recorded] = field(default_factory=dict)
    """This build's closed shards, by name (recorded once its site is in place)."""
    kept: list[str] = field(default_factory=list)
    """This build's closed shards that were kept."""

    def vocabulary_file(self, key: str) -> Path:
        return self.folder / f"{key}.txt"

    def vocabulary(self, name: str, key: str) -> tuple[int, set[str]] | None:
        """The pages and vocabulary of the previous build's bundle of the shard ``name``
        if its key is ``key`` (what the primary index needs of it; :meth:`take` puts its
        files in place), else None."""
        old = self.before.get(name)
        if old is None or old.key != key:
            return None
        try:
            vocabulary = set(self.vocabulary_file(key).read_text("utf-8").split("\n"))
        except (OSError, UnicodeDecodeError):
            return None
        vocabulary.discard("")
        return old.pages, vocabulary

    def take(self, name: str, out: Path) -> bool:
        """Put the previous build's bundle of the shard ``name`` into ``out`` (hard links,
        copies where links fail) if its files are in the previous site with their sizes,
        and record it as this build's (the same key, files and documents; its vocabulary
        is kept under that key); whether it did (if not, ``out`` is left absent)."""
        old = self.before[name]
        try:
            source = os.path.join(self.previous, SHARDS_DIR, name)
            for path, size in old.files:
                if os.stat(at := os.path.join(source, path)).st_size != size:
                    raise OSError(f"{at} changed")
            failed = link_files(source, os.fspath(out), [path for path, _ in old.files])
            if failed:
                raise OSError(f"{failed[0][0]}: {failed[0][1]}")
        except OSError:
            shutil.rmtree(out, ignore_errors=True)
            return False
        self.kept.append(name)
        self.now[name] = old
        return True

    def known(self) -> dict[str, str]:
        """The previous build's closed shards' documents, by path: the hash of each one's
        indexed part."""
        return {path: h for r in self.before.values() for path, h in r.documents.items()}

    def remember(
        self,
        name: str,
        key: str,
        pages: int,
        files: Mapping[str, int],
        vocabulary: set[str],
        documents: Mapping[str, str],
    ) -> None:
        """Record this build's bundle of the shard ``name`` (``files``: its paths in the
        shard's folder and their sizes, made from ``documents``: path -> hash) and keep
        its vocabulary for the next build."""
        self.now[name] = Recorded(key, pages, tuple(sorted(files.items())), dict(documents))
        target = self.vocabulary_file(key)
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.write_text("\n".join(sorted(vocabulary)), "utf-8")
            os.replace(partial, target)

    def to_json(self) -> dict[str, list[object]]:
        return {
            n: [r.key, r.pages, [list(f) for f in r.files], r.documents]
            for n, r in sorted(self.now.items())
        }

    def read_json(self, data: object) -> None:
        """The previous build's shards, from what :meth:`to_json` wrote (nothing kept if
        it does not parse, or names a file outside a shard's folder)."""
        self.before = {}
        try:
            if not isinstance(data, dict):
                raise TypeError("not a mapping")
            for name, (key, pages, files, documents) in data.items():
                if not (
                    isinstance(documents, dict)
                    and _MONTH.fullmatch(str(name))
                    and _KEY.fullmatch(str(key))
                ):
                    raise ValueError(f"not a shard: {name!r}")
                for path, _ in files:
                    check_relpath(str(path))  # never a file outside the shard's folder
                self.before[str(name)] = Recorded(
                    str(key),
                    int(pages),
                    tuple((str(p), int(s)) for p, s in files),
                    {str(p): str(h) for p, h in documents.items()},
                )
        except (TypeError, ValueError):
            self.before = {}

    def prune(self) -> None:
        """Remove the vocabularies no recorded shard has any more."""
        wanted = {self.vocabulary_file(r.key).name for r in self.now.values()}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in wanted:
                    path.unlink(missing_ok=True)
