"""The typed model every step passes along: small, frozen dataclasses.

parse   -> :class:`Digest` (with :class:`Entry` records, one per paper occurrence)
model   -> :class:`Feed` (unique :class:`Paper` records with their appearances)
classify-> :class:`Classification` (topics, tags and related papers per paper id)
render  -> (relative path, :data:`Content`) pairs: file text, bytes, or bytes in pieces

All text fields hold the curator's *untrusted* text, already decoded, NFC
normalised and whitespace-collapsed. Nothing here is escaped: escaping is the
renderer's job, done at the last moment for the format being written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from generator.errors import Problem


@dataclass(frozen=True)
class Known:
    """A generated file whose hash is known before its bytes are made.

    A page whose inputs are those of a page an earlier build rendered has that page's
    bytes (rendering is pure), so its hash is known from the build cache: a writer whose
    copy already holds a file with that hash need not ask for the bytes at all, and the
    page is never rendered (:func:`generator.render.common.page_content`)."""

    digest: str
    """SHA-256 of the bytes, in hex (:func:`generator.ids.file_digest`)."""
    make: Callable[[], bytes]
    """The bytes, rendered when called: at any time after (the preview calls it only when
    MkDocs reads the page), so a renderer must never change what its pages read once
    they are handed over."""


@dataclass(frozen=True)
class Stored(Known):
    """A generated file the writer has already written (:func:`generator.write.stage_tree`):
    its bytes are on disk and read back when asked, never held in memory. A build hands
    its pages to MkDocs this way, so the text of 100,000 pages (3 GB) is not in memory
    while MkDocs reads every page before rendering the first."""

    text: Callable[[], str]
    """The file's text, read back (the writer keeps the last few it read)."""


Content = str | bytes | Iterator[bytes] | Known
"""A generated file: its text (written as UTF-8), its bytes, its bytes a piece at a time
(``papers.json``: written as it is made, never held whole), or its hash and a way to make
its bytes (:class:`Known`, only with a build cache and a writer)."""

LinkKind = Literal["code", "project", "other"]


@dataclass(frozen=True, order=True)
class Link:
    """A cleaned URL found in an abstract (or given in a structured digest)."""

    url: str
    """Absolute ``http``/``https`` URL, trailing punctuation and ``.git`` removed."""
    kind: LinkKind
    """``code`` (a repository), ``project`` (a project page) or ``other``."""


@dataclass(frozen=True)
class Entry:
    """One paper as it stands in one digest, before deduplication."""

    title: str
    abstract: str
    line: int
    """Line of the title in the digest file (1-based), for error messages."""
    arxiv_id: str | None = None
    """arXiv identifier without version, e.g. ``"2503.01234"``, when known."""
    url: str | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    """Links from the abstract plus ``url``/``code_url`` of a structured digest, deduplicated."""
    topics: tuple[str, ...] = ()
    """Topic slugs the curator added by hand (structured digests only)."""
    tags: tuple[str, ...] = ()
    """Tag slugs the curator added by hand (structured digests only)."""
    note: str = ""
    """The curator's note (structured digests only)."""
    topic_lines: tuple[int, ...] = ()
    """The line of each of ``topics`` (same order), for error messages about one of them."""
    tag_lines: tuple[int, ...] = ()
    """The line of each of ``tags`` (same order)."""
    published: dt.date | None = None
    """When the paper was published (its first arXiv version), when known."""
    upvotes: int | None = None
    """Hugging Face upvotes, when known."""
    comments: int | None = None
    """Comments on the Hugging Face paper page, when known."""
    stars: int | None = None
    """Stars of the paper's code repository, when known."""
    category: str = ""
    """The arXiv primary category, e.g. ``cs.LG``."""
    pdf: str | None = None
    """The PDF's URL when given (else, with an arXiv id, the arXiv PDF)."""
    arxiv_comment: str = ""
    """The authors' comment on arXiv (``12 pages, accepted at ICML``)."""
    keywords: tuple[str, ...] = ()
    """Keywords the source gives (Hugging Face's ``ai_keywords``): data, not tags."""
    organization: str = ""
    """The organisation the source credits the paper to."""


@dataclass(frozen=True)
class Digest:
    """One day's list of papers, read from one file in ``digests/``."""

    source: str
    """The file as given on the command line or found in the digests folder."""
    date: dt.date
    slug: str
    """Unique name of the digest page: the file name's stem, e.g. ``2025-03-14-hf-papers``."""
    entries: tuple[Entry, ...]
    title: str = ""
    """Optional title from a structured digest; the renderer falls back to the date."""


@dataclass(frozen=True, order=True)
class Appearance:
    """A paper appearing in a digest: where and when."""

    date: dt.date
    digest: str
    """The digest's slug."""
    position: int
    """1-based position of the paper in that digest."""


@dataclass(frozen=True)
class Paper:
    """A unique paper, merged from all its entries across digests."""

    id: str
    """The arXiv id when known (no version), else the page slug."""
    slug: str
    """File-name-safe, unique, stable page name (``papers/<slug>.md``); ASCII, <= 100 bytes."""
    title: str
    abstract: str
    appearances: tuple[Appearance, ...]
    """Sorted oldest first; never empty."""
    arxiv_id: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    extra_topics: tuple[str, ...] = ()
    extra_tags: tuple[str, ...] = ()
    note: str = ""
    published: dt.date | None = None
    upvotes: int | None = None
    comments: int | None = None
    stars: int | None = None
    category: str = ""
    pdf: str | None = None
    arxiv_comment: str = ""
    keywords: tuple[str, ...] = ()
    organization: str = ""
    """Metadata from the source (see :class:`Entry`), from the newest entry that has it."""
    key: str = ""
    """What the feed merged the paper's entries by: ``arxiv:<id>``, ``title:<normalised
    title>``, or ``title:<normalised title>#<n>`` for the n-th paper of one title kept
    apart from the others (their abstracts clearly differ). Stable across slug and
    ``site_url`` changes: the Atom entry ids are made from it."""
    sources: tuple[tuple[str, int], ...] = ()
    """Every (file, line) the paper was read from, for error messages and accounting."""

    @property
    def first_seen(self) -> dt.date:
        return self.appearances[0].date

    @property
    def last_seen(self) -> dt.date:
        return self.appearances[-1].date


@dataclass(frozen=True)
class Feed:
    """Every digest and every unique paper."""

    digests: tuple[Digest, ...]
    """Sorted by (date, slug), oldest first."""
    papers: tuple[Paper, ...]
    """Sorted newest first: by last appearance descending, then title, then id."""
    entries_read: int
    """How many entries the digests held, duplicates included (the accounting's first line)."""
    warnings: tuple[Problem, ...] = ()
    """Entries with the title of another paper but a different abstract (kept apart)."""
    title_merges: tuple[str, ...] = ()
    """Each merge made by title alone (no arXiv id): the title and where each entry is."""

    def by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}


@dataclass(frozen=True)
class Topic:
    """A topic of the curator's taxonomy."""

    slug: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    """Words or phrases, matched case-insensitively on word boundaries."""
    parent: str | None = None
    """Slug of the parent topic, if any."""
    examples: tuple[str, ...] = ()
    """arXiv ids or titles of papers that anchor the topic (its centroid, for papers no
    rule decides)."""
    renamed_from: tuple[str, ...] = ()
    """Earlier slugs of the topic: their URLs redirect to its page."""


@dataclass(frozen=True)
class TagDef:
    """A tag of the vocabulary: a name and the phrases that assign it."""

    slug: str
    name: str
    keywords: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """The curator's topics and tags (``taxonomy.yml``)."""

    topics: tuple[Topic, ...]
    tags: tuple[TagDef, ...]
    catch_all: str
    """Slug of the topic that takes papers no rule matched (one of ``topics``)."""
    source: str = ""
    title_weight: float = 3.0
    """How much a keyword hit in the title counts against one in the abstract."""
    min_score: float = 2.0
    """A topic or tag whose score is below this is not assigned (one passing mention in the
    abstract scores 1)."""
    max_topics: int = 3
    """At most this many topics per paper: the primary one and up to ``max_topics - 1`` more
    (sub-topics' parents are added and do not count)."""
    margin: float = 0.5
    """A topic besides the primary one needs at least this share of the primary's score."""
    similarity: float = 0.1
    """A paper no rule decides goes to the topic whose centroid is nearest if their cosine
    similarity is at least this, else to the catch-all."""

    def topic(self, slug: str) -> Topic:
        for t in self.topics:
            if t.slug == slug:
                return t
        raise KeyError(slug)


@dataclass(frozen=True)
class Classification:
    """What classify derived from a feed and a taxonomy, keyed by paper id."""

    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Paper id -> topic slugs, the primary topic first, then the others by score, then the
    parents of these; never empty (the catch-all at worst)."""
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Paper id -> tag slugs, sorted."""
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Paper id -> ids of the most similar papers, most similar first (at most 5). While
    :func:`generator.pipeline.generate` renders, a mapping still being computed (its
    first lookup waits); the classification it returns holds a dict."""
    featured: tuple[str, ...] = ()
    """Ids of the papers the curator features on the home page, in the curator's order."""
