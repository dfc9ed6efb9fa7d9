"""The build as a short list of steps: read -> feed -> classify -> render.

:func:`load_inputs` is the only step that reads files; :func:`generate` is pure.
Writing is left to the caller (:mod:`generator.write`, or MkDocs itself).
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from generator.cache import BuildCache
from generator.classify import check_overrides, topics_and_tags
from generator.curation import (
    NO_CURATION,
    Curation,
    Resolved,
    apply_to_classes,
    apply_to_feed,
    resolve,
    unused,
)
from generator.digests import read_digests_with_warnings, scan_digests
from generator.enrichment import apply_enrichment, enrichment_path, load_enrichment
from generator.errors import InputError, Problem
from generator.feed import build_feed
from generator.limits import MAX_DIGEST_MB, MAX_TAGS, MAX_TOPICS, excerpt
from generator.model import Classification, Digest, Feed, Paper, Taxonomy
from generator.related import Vectors, related_from, term_vectors
from generator.render import Content, SiteSettings, iter_site, render_site
from generator.render.common import paper_path
from generator.taxonomy import load_taxonomy
from generator.urls import Record, paper_slugs, published_text, records_of, redirects


@dataclass(frozen=True)
class Accounting:
    """Where every paper read went. ``balanced`` is the promise that nothing was lost."""

    digests: int
    entries_read: int
    """Paper entries in all digests, duplicates included."""
    unique_papers: int
    duplicates_merged: int
    papers_rendered: int
    """Unique papers that have a page in the output."""
    hidden: int = 0
    """Unique papers the curator hid (``hide: true`` in ``curation.yml``): no page."""
    no_topic: int = 0
    """Papers no topic rule matched (they are listed under the catch-all topic)."""
    missing: tuple[str, ...] = ()
    """Titles of papers that were read but have no page (always empty unless a bug)."""

    @property
    def balanced(self) -> bool:
        return (
            not self.missing
            and self.unique_papers + self.duplicates_merged == self.entries_read
            and self.papers_rendered + self.hidden == self.unique_papers
        )

    def lines(self) -> list[str]:
        out = [
            f"digests read:        {self.digests}",
            f"papers read:         {self.entries_read}",
            f"duplicates merged:   {self.duplicates_merged}",
            f"unique papers:       {self.unique_papers}",
            f"papers rendered:     {self.papers_rendered}",
            *([f"papers hidden:       {self.hidden}"] if self.hidden else []),
            f"papers with no topic: {self.no_topic}",
        ]
        out += [f"NOT RENDERED: {title}" for title in self.missing]
        return out


@dataclass(frozen=True)
class Generated:
    feed: Feed
    taxonomy: Taxonomy
    classes: Classification
    files: dict[str, str | bytes]
    """Every generated file by path; empty when they were streamed to a sink instead."""
    paths: frozenset[str]
    """The path of every generated file."""
    accounting: Accounting
    warnings: tuple[Problem, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    curation: Resolved = NO_CURATION
    """The curation applied (``paperfeed report`` says what it changed)."""
    hidden: tuple[Paper, ...] = ()
    """The papers it hid."""


def shown(path: Path) -> Path:
    """``path`` as the user would write it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: reading, merging, classifying and rendering make
    millions of small objects and no reference cycles, and the collector would walk the
    growing heap again and again for nothing (10-25% of reading, merging and classifying
    at 100,000 papers; 5-10% of rendering at 10,000)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load_inputs(
    digests_dir: Path,
    taxonomy_path: Path,
    cache: BuildCache | None = None,
    max_digest_bytes: int = MAX_DIGEST_MB * 1_000_000,
    root: Path | None = None,
) -> tuple[list[Digest], Taxonomy, list[Problem]]:
    """Read every digest, the taxonomy and the enrichment file beside it (applied to the
    digests' entries); raise one InputError listing every problem.

    With a ``cache``, a digest file read by an earlier build is not parsed again. A digest
    larger than ``max_digest_bytes`` is an error, and so is a digest that is a link to a
    file outside the project folder ``root`` (by default the digests folder's parent)."""
    root = root or digests_dir.resolve().parent
    digests_dir, taxonomy_path = shown(digests_dir), shown(taxonomy_path)
    problems: list[Problem] = []
    taxonomy = None
    try:
        taxonomy = load_taxonomy(taxonomy_path)
    except InputError as e:
        problems += e.problems
    digests: list[Digest] = []
    warnings: list[Problem] = []
    try:
        with _no_cycle_collection():
            paths, scan_errors, warnings = scan_digests(digests_dir, root)
            digests, file_problems, file_warnings = read_digests_with_warnings(
                paths, cache.digests if cache else None, max_digest_bytes
            )
        problems += scan_errors + file_problems
        warnings = sorted(warnings + file_warnings)
    except InputError as e:
        problems += e.problems
    try:
        digests = apply_enrichment(digests, load_enrichment(enrichment_path(taxonomy_path)))
    except InputError as e:
        problems += e.problems
    if taxonomy is not None:
        problems += check_overrides(digests, taxonomy)
    if problems or taxonomy is None:
        raise InputError(problems)
    return digests, taxonomy, warnings


def check_classes(
    feed: Feed, topics: Mapping[str, Sequence[str]], tags: Mapping[str, Sequence[str]]
) -> None:
    """Raise InputError naming each paper the taxonomy gives more than :data:`MAX_TOPICS`
    topics or :data:`MAX_TAGS` tags (a paper is listed on the page of each: the site would
    grow with their product)."""
    problems = []
    for paper in feed.papers:
        for kind, given, most in (
            ("topics", topics.get(paper.id, ()), MAX_TOPICS),
            ("tags", tags.get(paper.id, ()), MAX_TAGS),
        ):
            if len(given) > most:
                file, line = paper.sources[0]
                message = (
                    f"the taxonomy gives {excerpt(paper.title)} {len(given):,} {kind} (at most "
                    f"{most} a paper): make the {kind[:-1]} rules narrower"
                )
                problems.append(Problem(file, line, message))
    if problems:
        raise InputError(problems)


def account(
    feed: Feed, classes: Classification, files: Collection[str], catch_all: str, hidden: int = 0
) -> Accounting:
    """Count where the papers went; a paper without a page is named in ``missing``.

    ``feed`` holds the papers shown; ``hidden`` more were read and hidden by the curator."""
    missing = tuple(p.title for p in feed.papers if paper_path(p) not in files)
    no_topic = sum(1 for p in feed.papers if classes.topics.get(p.id, ()) in ((), (catch_all,)))
    unique = len(feed.papers) + hidden
    return Accounting(
        digests=len(feed.digests),
        entries_read=feed.entries_read,
        unique_papers=unique,
        duplicates_merged=feed.entries_read - unique,
        papers_rendered=len(feed.papers) - len(missing),
        hidden=hidden,
        no_topic=no_topic,
        missing=missing,
    )


def _recording(
    pages: Iterable[tuple[str, Content]], seen: list[str]
) -> Iterator[tuple[str, Content]]:
    for path, text in pages:
        seen.append(path)
        yield path, text


def _then(
    pages: Iterable[tuple[str, Content]],
    seen: list[str],
    more: Callable[[list[str]], Iterable[tuple[str, Content]]],
) -> Iterator[tuple[str, Content]]:
    """``pages``, then ``more(seen)``: the files that depend on which pages were made."""
    yield from pages
    yield from more(list(seen))


def _redirects(
    published: Mapping[str, Record],
    feed: Feed,
    taxonomy: Taxonomy,
    settings: SiteSettings,
    paths: list[str],
) -> list[tuple[str, str]]:
    """The redirect pages of the published URLs that ``paths`` no longer have."""
    current = records_of(paths, feed, settings.directory_urls)
    pages = redirects(
        published, current, feed, taxonomy, settings.directory_urls, settings.site_url
    )
    return list(pages)


def updated_published(
    published: Mapping[str, Record], generated: Generated, directory_urls: bool
) -> str:
    """The published-URLs file after ``generated``: the URLs of earlier builds and its own."""
    current = records_of(generated.paths, generated.feed, directory_urls)
    return published_text({**published, **current}.values())


class _Related(Mapping[str, tuple[str, ...]]):
    """:func:`~generator.related.related_from` computed on a thread of its own, started
    when made: the pages render meanwhile, and the first to look a paper up (the paper
    pages, after every listing) waits for the result. Its numpy work leaves the
    interpreter free, so it runs on the machine's other core: generating a daily build of
    10,000 papers takes 0.4-0.6 s less (medians of four runs by hand), where it takes
    0.5 s alone. The result is the same: computed from the vectors only."""

    def __init__(self, vectors: Vectors, k: int) -> None:
        self._future: Future[dict[str, tuple[str, ...]]] = Future()
        self._value: dict[str, tuple[str, ...]] | None = None
        """The result once asked for: a lookup then costs no lock (20,000 of a build)."""
        threading.Thread(
            target=self._run, args=(vectors, k), name="paperfeed-related", daemon=True
        ).start()

    def _run(self, vectors: Vectors, k: int) -> None:
        try:
            self._future.set_result(related_from(vectors, k))
        except BaseException as e:  # raised by value(), on the thread that asks
            self._future.set_exception(e)

    def value(self) -> dict[str, tuple[str, ...]]:
        """The related papers, once computed (the error that stopped it, raised)."""
        if self._value is None:
            self._value = self._future.result()
        return self._value

    def __getitem__(self, paper_id: str) -> tuple[str, ...]:
        return self.value()[paper_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.value())

    def __len__(self) -> int:
        return len(self.value())


def generate(
    digests: list[Digest],
    taxonomy: Taxonomy,
    settings: SiteSettings,
    warnings: list[Problem] | None = None,
    sink: Callable[[Iterable[tuple[str, Content]]], object] | None = None,
    cache: BuildCache | None = None,
    curation: Curation | None = None,
    published: Mapping[str, Record] | None = None,
) -> Generated:
    """Everything between reading and writing: pure, deterministic.

    With a ``sink`` (e.g. a writer), the files are handed to it one at a time as they
    are rendered instead of being collected in ``Generated.files``. With a ``cache``,
    papers classified by an earlier build are not matched again (same result), and,
    with a sink too, pages whose inputs an earlier build rendered are handed over as
    :class:`~generator.model.Known` contents (rendered if the sink asks for them).
    A ``curation`` (``curation.yml``) is applied to the feed and its classification;
    its unknown papers, topics or tags raise :class:`InputError` before anything is made.
    Every ``published`` URL (:mod:`generator.urls`) the pages lack gets a redirect page,
    made after them.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with _no_cycle_collection():
        everything = build_feed(digests)
        resolved = (
            resolve(curation, everything, taxonomy, paper_slugs(published or {}))
            if curation
            else NO_CURATION
        )
        feed, curated = apply_to_feed(everything, resolved)
        hidden = (
            tuple(p for p in everything.papers if p.id in resolved.hidden)
            if resolved.hidden
            else ()
        )
        del everything
        t1 = time.perf_counter()
        vectors = term_vectors(feed.papers, cache.terms if cache else None)
        memo = cache.classes(taxonomy) if cache else None
        topics, tags = topics_and_tags(feed, taxonomy, memo, vectors)
        check_classes(feed, topics, tags)
        if cache:
            cache.save_classes()  # now: its memory goes to related papers and rendering
        related = _Related(vectors, settings.related_k)  # while the listings render
        del vectors
        topics, tags, more = apply_to_classes(topics, tags, resolved, taxonomy)
        curated += more
        curated += unused(resolved)
        classes = Classification(
            topics=topics, tags=tags, related=related, featured=resolved.featured
        )
        t2 = time.perf_counter()
        files: dict[str, str | bytes] = {}
        moved = partial(_redirects, published or {}, feed, taxonomy, settings)
        if sink is None:
            files = render_site(feed, taxonomy, classes, settings)
            files = dict(sorted({**files, **dict(moved(list(files)))}.items()))
            paths = frozenset(files)
        else:
            seen: list[str] = []
            memo = cache.pages if cache else None
            pages = iter_site(feed, taxonomy, classes, settings, memo)
            sink(_recording(_then(pages, seen, moved), seen))
            paths = frozenset(seen)
        classes = replace(classes, related=related.value())  # its error, if any, now
        t3 = time.perf_counter()
    timings.update(feed=t1 - t0, classify=t2 - t1, render=t3 - t2)
    accounting = account(feed, classes, paths, taxonomy.catch_all, len(resolved.hidden))
    return Generated(
        feed=feed,
        taxonomy=taxonomy,
        classes=classes,
        files=files,
        paths=paths,
        accounting=accounting,
        warnings=(*(warnings or ()), *feed.warnings, *sorted(curated)),
        timings=timings,
        curation=resolved,
        hidden=hidden,
    )
