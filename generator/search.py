"""Site search: Material's built-in search for small feeds, Pagefind for large ones.

Material's search ships one JSON index of every page (about 17 MB at 10,000 papers) that each
visitor downloads before the first result. Pagefind instead writes a chunked index next to the
site; a first search fetches a few small chunks (well under 300 KB). The build:

1. loads the MkDocs config (``mkdocs.config.load_config``), with the ``search`` plugin listed
   as usual;
2. picks a backend: ``backend = choose_backend(setting, len(feed.papers))``;
3. calls ``apply_backend(config, backend)`` *before* pages are rendered: between
   ``load_config`` and ``mkdocs.commands.build.build(config)``, or from a plugin's
   ``on_config`` (the replaced plugin collection takes effect for every later event);
4. after the build, when ``backend == "pagefind"``, calls ``run_pagefind(site_dir)``
   (``on_post_build`` or after ``build()`` returns).

For Pagefind, :func:`apply_backend` swaps Material's search plugin (so its index is never
built) for :class:`PagefindSearchPlugin`, and puts ``theme_pagefind/`` first in the theme's
template folders. That folder overrides only ``partials/search.html``: the same search box
in the Material header, with Material's own classes, driven by a small script that loads
``pagefind/pagefind.js`` relative to the page, so the site works under a sub-path.

Which text is indexed: each page's ``<article>`` (the page content, not the navigation),
minus elements with ``data-pagefind-ignore`` or Material's ``data-search-exclude``; pages
whose front matter says ``search: {exclude: true}`` are left out, as Material's search does.

Pagefind spends most of its time reading and parsing HTML, and of a built page only the
language, the title and the ``data-pagefind-body`` article matter to it. So while MkDocs
writes the site, :class:`PagefindSearchPlugin` also writes each indexed page as a *search
document* holding just those, at the same relative path, in a scratch folder (in memory
when ``/dev/shm`` is there); Pagefind indexes that folder into the site's ``pagefind/``.
The bundle is byte for byte the one Pagefind makes from the site itself (tested), a third
faster. The folder is a build's own, deleted once indexed; the live preview keeps one
from build to build instead, as it keeps its pages (:mod:`generator.preview`).

Above ``pagefind_split_above`` papers (or ``pagefind_shard_size``, if fewer), ``paperfeed
build`` has the documents indexed in shards, one Pagefind run each, merged by the search
box, and keeps the older months' shards from build to build (:mod:`generator.shards`).
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority

from generator import shards
from generator.fragments import FRAGMENT_DIR, Fragments, digests
from generator.linkfiles import HTML_LANG, link_files, make_documents, search_document
from generator.lock import hold, in_use, release
from generator.mkdocs_boundary import (
    SEARCH_PLUGIN_KEY as SEARCH_PLUGIN_KEY,
)
from generator.mkdocs_boundary import (
    Page,
    is_search_plugin,
    material_search_plugin,
    prepend_theme_dir,
    without_search,
)

Backend = Literal["material", "pagefind"]
SETTINGS = ("auto", "material", "pagefind")
DEFAULT_THRESHOLD = 500
"""``auto`` switches to Pagefind from this many papers on."""

THEME_DIR = Path(__file__).parent / "theme_pagefind"
"""Template overrides and assets for the Pagefind search box."""
BUNDLE_DIR = "pagefind"
"""Folder of the Pagefind bundle inside the site."""
"""The key Material's ``partials/header.html`` looks up to decide whether to show search."""
EXCLUDE_SELECTORS = ("[data-search-exclude]", ".headerlink")
"""Left out of the index besides ``data-pagefind-ignore``: Material's own exclusion
attribute (so one markup works for both backends) and the heading permalinks."""

_ARTICLE = re.compile(r'<article class="md-content__inner\b')


class PagefindMissingError(RuntimeError):
    """The ``pagefind`` binary could not be found."""


class PagefindError(RuntimeError):
    """Pagefind ran but failed."""


def choose_backend(setting: str, paper_count: int, threshold: int = DEFAULT_THRESHOLD) -> Backend:
    """The search backend for a feed: ``setting`` unless it is ``auto``, then by size.

    >>> choose_backend("auto", 499), choose_backend("auto", 500)
    ('material', 'pagefind')
    >>> choose_backend("material", 10_000)
    'material'
    """
    if setting == "material":
        return "material"
    if setting == "pagefind":
        return "pagefind"
    if setting == "auto":
        return "pagefind" if paper_count >= threshold else "material"
    raise ValueError(
        f"search backend: expected one of {', '.join(SETTINGS)} but received {setting!r}"
    )


class _PagefindSearchConfig(Config):
    enabled = c.Type(bool, default=True)
    """Read by Material's ``partials/header.html``: show the search button and box."""


class PagefindSearchPlugin(BasePlugin[_PagefindSearchConfig]):
    """Stands in for Material's search plugin when Pagefind searches the site.

    Material's header shows its search box only when ``config.plugins["material/search"]``
    exists and is enabled, and then includes ``partials/search.html``, which
    ``theme_pagefind/`` overrides. This plugin takes that key so the header renders, builds
    no index of its own, and marks each page's article ``data-pagefind-body`` so that
    Pagefind indexes the content only (pages with ``search: {exclude: true}`` stay unmarked,
    hence unindexed; so do theme templates such as ``404.html``).
    """

    documents: Path | None = None
    """The scratch folder of search documents for this build (see the module docstring)."""

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.discard_documents()
        self.documents = new_scratch()

    @event_priority(-100)  # after paperfeed's on_post_build has given them to Pagefind
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.discard_documents()

    def discard_documents(self) -> None:
        if self.documents is not None:
            remove_scratch(self.documents)
            self.documents = None

    def use_documents(self, folder: Path) -> None:
        """Write this build's documents into ``folder``, which holds those of the pages it
        will not render (the live preview's, :mod:`generator.preview`), not a new one."""
        self.discard_documents()
        self.documents = folder

    def on_build_error(self, *, error: Exception) -> None:
        self.discard_documents()

    @event_priority(-100)  # last: the article as it is written
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        search = page.meta.get("search")
        if isinstance(search, dict) and search.get("exclude"):
            if self.documents is not None:  # an earlier build's document of this page goes
                (self.documents / page.file.dest_path).unlink(missing_ok=True)
            return output
        output = _ARTICLE.sub(
            lambda m: m.group(0).replace("<article", "<article data-pagefind-body", 1),
            output,
            count=1,
        )
        if self.documents is not None:
            target = self.documents / page.file.dest_path
            document = search_document(output)
            if document is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(document.encode("utf-8", errors="xmlcharrefreplace"))
            else:  # an earlier build's document of this page, if any, goes
                target.unlink(missing_ok=True)
        return output


SCRATCH_PREFIX = "paperfeed-search-"
STALE_SECONDS = 600
"""An unlocked scratch folder untouched this long was left by a process that was killed
(one made by a paperfeed from before the locks): removed at the next start."""
_MADE: set[Path] = set()
"""The scratch folders this process made and has not removed (removed at exit)."""


def new_scratch(near: Path | None = None) -> Path:
    """A new scratch folder for search documents (in ``/dev/shm`` when there is one, or
    beside ``near``: on its file system, so that its files can be hard-linked in),
    locked by this process (:mod:`generator.lock`) and removed at its exit at the latest,
    Ctrl-C included. Leftovers of processes that were killed are removed first."""
    scratch = _scratch() if near is None else os.fspath(near.parent)
    _remove_stale(Path(scratch or tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=scratch))
    hold(folder)
    _MADE.add(folder)
    return folder


def remove_scratch(folder: Path) -> None:
    """Delete a folder :func:`new_scratch` made."""
    shutil.rmtree(folder, ignore_errors=True)
    release(folder)
    _MADE.discard(folder)


@atexit.register
def _remove_made() -> None:
    for folder in list(_MADE):
        remove_scratch(folder)


def _remove_stale(folder: Path) -> None:
    """Remove the scratch folders no running process holds (see :data:`STALE_SECONDS`)."""
    now = time.time()
    for path in folder.glob(SCRATCH_PREFIX + "*"):
        try:
            if not in_use(path) and now - path.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def _scratch() -> str | None:
    """``/dev/shm`` when it is a writable folder (memory: quick to fill and to empty)."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def apply_backend(config: MkDocsConfig, backend: Backend) -> None:
    """Switch a loaded, not yet built MkDocs config to ``backend``'s search.

    Call after ``load_config`` and before ``build``. ``material`` leaves the config as it is
    (with Material's search plugin, added if the config has none); ``pagefind`` removes
    every search plugin, adds :class:`PagefindSearchPlugin` and puts ``theme_pagefind/``
    first in the theme's template folders. Calling it twice is harmless.
    """
    if config.theme.name != "material":
        raise ValueError(f"search: the theme must be 'material' but is {config.theme.name!r}")
    if backend == "material":
        if not any(is_search_plugin(n, p) for n, p in config.plugins.items()):
            config.plugins[SEARCH_PLUGIN_KEY] = material_search_plugin()
        return
    if backend != "pagefind":
        raise ValueError(
            f"search backend: expected 'material' or 'pagefind' but received {backend!r}"
        )
    plugins = without_search(config.plugins)
    stand_in = PagefindSearchPlugin()
    errors, _ = stand_in.load_config({})
    assert not errors, errors
    plugins[SEARCH_PLUGIN_KEY] = stand_in
    config.plugins = plugins
    prepend_theme_dir(config, str(THEME_DIR))


def pagefind_executable() -> Path:
    """The Pagefind binary: ``PAGEFIND_BINARY_PATH``, the ``pagefind_bin`` package, or PATH."""
    try:
        from pagefind.service import get_executable

        found: Path | None = get_executable()
    except ImportError:
        found = None
        try:
            from pagefind_bin import get_executable as bin_executable

            found = bin_executable()
        except (ImportError, FileNotFoundError):
            which = shutil.which("pagefind_extended") or shutil.which("pagefind")
            found = Path(which) if which else None
    except FileNotFoundError:
        found = None
    if found is None or not found.is_file():
        raise PagefindMissingError(
            "search: Pagefind is not installed; install it with: pip install 'pagefind[bin]' "
            "(or set search to 'material')"
        )
    return found


def run_pagefind(
    site_dir: Path,
    *,
    documents: Path | None = None,
    months: Mapping[str, str] | None = None,
    shard_size: int = 0,
    split_above: int | None = None,
    exclude_selectors: Sequence[str] = EXCLUDE_SELECTORS,
    timeout: float = 600,
    reuse: shards.Reuse | None = None,
    fragments: Fragments | None = None,
    unwritten: Iterable[str] = (),
    site_ready: Callable[[], None] = lambda: None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Index the built site in ``site_dir`` in place; the bundle goes to ``site_dir/pagefind``.

    With ``documents``, Pagefind reads the search documents there (same relative paths as
    the site's pages) instead of the site's own HTML; those of the pages ``unwritten``
    (paths in the site: the pages a build kept from the previous site) are made from
    their HTML as they are needed (:func:`add_documents`). With ``months`` too (the paper
    documents' paths -> the month each paper was first seen) and more papers than
    ``split_above`` or ``shard_size`` (``split_above`` is ``shard_size`` unless given),
    the newest month's papers are indexed apart from the older months', which are in
    shards of at most ``shard_size`` papers (:mod:`generator.shards`). The bundle always
    lists its shards, if any, in ``paperfeed-shards.json``. With ``reuse``, a closed shard
    whose documents did not change is kept from the previous build
    (:class:`generator.shards.Reuse`); an unwritten page of such a shard needs no
    document then. With ``fragments`` (and ``documents``), the previous build's fragment
    files of the documents that did not change are taken, and this build's recorded
    (:mod:`generator.fragments`). ``site_ready`` is called before the site's pages are
    first read (a build's kept pages may still be being put in place while Pagefind reads
    the documents), and ``meanwhile`` while Pagefind indexes the last (or only) index (on the
    other core: it reads nothing Pagefind writes, nothing of ``site_dir/pagefind``).

    Runs the Pagefind binary offline, in an empty working folder and without ``PAGEFIND_*``
    variables (so no stray ``pagefind.yml`` or environment changes the index), replacing any
    earlier bundle. Returns ``{"pages": pages indexed, "files": files in the bundle,
    "bytes": total size of the bundle, "shards": indexes made}``.
    """
    site_dir = Path(site_dir).resolve()
    if not site_dir.is_dir():
        raise FileNotFoundError(f"search: no built site at {str(site_dir)!r}")
    exe = pagefind_executable()
    bundle = site_dir / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    if reuse is not None and reuse.previous.resolve() == bundle:
        reuse = None  # indexed in place: the previous bundle is gone
    if fragments is not None and (documents is None or fragments.previous.resolve() == bundle):
        fragments = None
    if split_above is None:
        split_above = shard_size
    sharded = bool(
        documents is not None
        and months
        and shard_size > 0
        and len(months) > min(split_above, shard_size)
    )
    known = reuse.known() if reuse is not None and sharded else {}
    with_salt = fragments is not None or (reuse is not None and sharded)
    salt = _salt(exe, exclude_selectors) if with_salt else b""
    if fragments is not None:
        fragments.salt = salt.hex()
    pending = _Pending(documents, site_dir, {p for p in unwritten if p in known}, site_ready)
    if documents is not None:
        pending.add(sorted(set(unwritten) - pending.paths))
    planned: list[shards.Shard] = []
    listed: list[dict[str, str]]
    if sharded:
        assert documents is not None and months is not None
        planned = _plan(documents, months, shard_size, pending.paths)
    if len(planned) > 1:  # not when the papers indexed are all of one month
        assert documents is not None
        pages, listed = _run_shards(
            exe,
            documents,
            bundle,
            planned,
            exclude_selectors,
            timeout,
            reuse,
            fragments,
            salt,
            pending,
            known,
            meanwhile,
        )
    elif documents is not None:
        pending.make(pending.paths)
        # Pagefind numbers pages in the order the file system lists them: in an order of
        # their paths, whichever order a build wrote them in (a build that kept pages).
        ordered = _in_order(documents, sorted(_files_under(documents)))
        try:
            indexing = _Indexing(exe, bundle, exclude_selectors, timeout, fragments)
            pages, listed = indexing.run(ordered, bundle, meanwhile), []
        finally:
            remove_scratch(ordered)
    else:
        site_ready()
        source = ("--site", str(site_dir), "--output-subdir", BUNDLE_DIR)
        pages, listed = _pagefind(exe, source, exclude_selectors, timeout, meanwhile), []
    (bundle / shards.LIST).write_text(json.dumps(listed) + "\n", "utf-8")
    files = _sizes_under(bundle)
    return {
        "pages": pages,
        "files": len(files),
        "bytes": sum(files.values()),
        "shards": 1 + len(listed),
    }


class _Pending:
    """Pages of the site whose search documents are not made yet: those of a closed
    shard's papers that a build kept, which the previous build's record hashed. Made
    (:func:`add_documents`) only if their shard is indexed again."""

    def __init__(
        self,
        documents: Path | None,
        site_dir: Path,
        paths: set[str],
        site_ready: Callable[[], None],
    ) -> None:
        self.documents, self.site_dir, self.paths = documents, site_dir, paths
        self.site_ready = site_ready
        """Called before a page of the site is read (:func:`run_pagefind`)."""

    def make(self, paths: Iterable[str]) -> None:
        """Make the documents of those of ``paths`` that are pending."""
        wanted = sorted(p for p in paths if p in self.paths)
        self.add(wanted)
        self.paths.difference_update(wanted)

    def add(self, paths: Sequence[str]) -> None:
        """Make the documents of ``paths``, pages of the site, now."""
        if paths and self.documents is not None:
            self.site_ready()
            add_documents(self.documents, self.site_dir, paths)


@dataclass(frozen=True)
class _Indexing:
    """Pagefind runs into ``bundle`` (or a shard's folder in it), taking what they can of
    the previous bundle's ``fragments`` (:mod:`generator.fragments`)."""

    exe: Path
    bundle: Path
    exclude_selectors: Sequence[str]
    timeout: float
    fragments: Fragments | None

    def run(
        self,
        folder: Path,
        out: Path,
        meanwhile: Callable[[], None] | None,
        hashes: Mapping[str, str] | None = None,
    ) -> int:
        """Index the search documents in ``folder`` into ``out``, and ``meanwhile`` while
        Pagefind runs; the pages indexed. ``hashes``: each document's hash, if known (of
        its indexed part, :func:`generator.shards.shard_key`: equal hashes, the same
        fragment); by default the SHA-256 of its bytes."""
        source = ("--site", str(folder), "--output-path", str(out))
        run = partial(_pagefind, self.exe, source, self.exclude_selectors, self.timeout)
        if self.fragments is None:
            return run(meanwhile)
        if hashes is None:
            hashes = digests(folder, sorted(_files_under(folder)))
        placed = self.fragments.place(hashes, out)
        pages = run(meanwhile)
        if placed and not self.fragments.trusted(out, _pages_in(out)):
            # A name Pagefind may have given another fragment: the fragments made again
            # (the rest of the bundle does not depend on them; ``out`` may hold shards).
            shutil.rmtree(out / FRAGMENT_DIR)
            placed = {}
            pages = run(None)
        self.fragments.remember(hashes, out, self.bundle, placed)
        return pages


def _pages_in(bundle: Path) -> int:
    """The pages a Pagefind bundle says it indexed, in all its languages."""
    entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def _pagefind(
    exe: Path,
    source: Sequence[str],
    exclude_selectors: Sequence[str],
    timeout: float,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """Run Pagefind on ``source`` (its ``--site`` and output options), and ``meanwhile``
    while it runs (on the other core); the pages indexed."""
    args = [str(exe), *source]
    if exclude_selectors:
        args += ["--exclude-selectors", ", ".join(exclude_selectors)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    with (
        tempfile.TemporaryDirectory(prefix="pagefind-") as cwd,
        subprocess.Popen(  # its pipes closed however the block ends
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc,
    ):
        try:
            if meanwhile is not None:
                meanwhile()
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException:
            stop_process(proc, timeout=1)
            raise
    if proc.returncode != 0:
        raise PagefindError(f"search: pagefind exited with {proc.returncode}:\n{stdout}{stderr}")
    m = re.search(r"Indexed (\d+) pages?", stdout)
    return int(m.group(1)) if m else -1


_DATA = re.compile(r"(pagefind-entry\.json|.*\.pf_meta)")
"""What a shard's bundle keeps besides its folders: Pagefind's ``mergeIndex`` reads its
entry and metadata, never its scripts, nor its WebAssembly (the primary's runs every index
of the one language the site is in)."""


def _files_under(folder: Path) -> set[str]:
    """The files under ``folder``, by relative POSIX path."""
    return set(_sizes_under(folder))


def _sizes_under(folder: Path) -> dict[str, int]:
    """The files under ``folder``, by relative POSIX path, and their sizes (``os.scandir``:
    a few times quicker than ``Path.rglob`` over the tens of thousands of a large site)."""
    found: dict[str, int] = {}
    stack = [("", os.fspath(folder))]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found[prefix + entry.name] = entry.stat(follow_symlinks=False).st_size
    return found


def _in_order(documents: Path, paths: Sequence[str]) -> Path:
    """A new scratch folder with ``paths`` of ``documents`` in it, hard-linked (copied
    where links fail) in that order (:func:`generator.linkfiles.link_files`)."""
    folder = new_scratch(near=documents)
    try:
        failed = link_files(os.fspath(documents), os.fspath(folder), list(paths))
        if failed:
            path, why = failed[0]
            raise OSError(f"search: could not put {path} where Pagefind reads it: {why}")
    except BaseException:
        remove_scratch(folder)
        raise
    return folder


def add_documents(documents: Path, site_dir: Path, pages: Iterable[str]) -> None:
    """Write into ``documents`` the search documents of ``pages`` (paths in
    ``site_dir``) as their built HTML gives them (:func:`search_document`): those of the
    pages a build kept from the previous site, which the stand-in did not see. A page
    whose article the stand-in did not mark (left out of search) has none."""
    failed = make_documents(os.fspath(site_dir), os.fspath(documents), list(pages))
    if failed:
        path, why = failed[0]
        raise OSError(f"search: could not write the search document of {path}: {why}")


def _plan(
    documents: Path, months: Mapping[str, str], size: int, pending: Iterable[str] = ()
) -> list[shards.Shard]:
    """The shards of the documents in ``documents`` and those ``pending``
    (:func:`generator.shards.plan`)."""
    present = _files_under(documents) | set(pending)
    papers = {path: month for path, month in months.items() if path in present}
    return shards.plan(papers, present - papers.keys(), size)


def _salt(exe: Path, exclude_selectors: Sequence[str]) -> bytes:
    """What a closed shard's bundle depends on besides its documents: the Pagefind binary
    (its bytes) and the selectors it leaves out."""
    digest = hashlib.sha256(f"paperfeed-shard 2\0{exclude_selectors!r}\0".encode())
    with open(exe, "rb") as binary:
        for block in iter(lambda: binary.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def _run_shards(
    exe: Path,
    documents: Path,
    bundle: Path,
    planned: Sequence[shards.Shard],
    exclude_selectors: Sequence[str],
    timeout: float,
    reuse: shards.Reuse | None,
    fragments: Fragments | None,
    salt: bytes,
    pending: _Pending,
    known: Mapping[str, str],
    meanwhile: Callable[[], None] | None = None,
) -> tuple[int, list[dict[str, str]]]:
    """Index ``documents`` in the ``planned`` shards, the closed ones into
    ``bundle/shards/<name>`` (or kept from the previous build: ``reuse``) and the primary,
    with a vocabulary page of each closed shard, into ``bundle``; the pages indexed
    (vocabulary pages not counted) and what ``paperfeed-shards.json`` lists of the closed
    shards (:func:`generator.shards.listing`). A closed shard kept from the previous
    build needs only its vocabulary before the primary is indexed: its files are put in
    place while Pagefind indexes the primary (a shard whose files turn out changed or gone
    in the previous site is indexed after it), then ``meanwhile`` runs;
    ``fragments``: :mod:`generator.fragments`; ``salt``: :func:`_salt`."""
    *closed, primary = planned
    taken = [p for p in primary.documents if p.startswith(shards.WORDS_DIR + "/")]
    if taken:
        raise PagefindError(
            f"search: a page of the site is at {taken[0]}, where the index in shards puts "
            f"its vocabulary pages; rename that page, or set pagefind_shard_size: 0"
        )
    pending.make(primary.documents)  # none, unless the shards were planned otherwise
    lang = None
    for path in primary.documents[:1]:
        found = HTML_LANG.search((documents / path).read_text("utf-8", errors="replace"))
        lang = found.group(1) if found else ""
    indexing = _Indexing(exe, bundle, exclude_selectors, timeout, fragments)
    closing = _Closing(indexing, documents, pending, reuse)
    pages: dict[str, int] = {}
    vocabularies: dict[str, set[str]] = {}
    kept: list[tuple[shards.Shard, str, dict[str, str]]] = []
    for shard in closed:
        key, hashes = "", dict[str, str]()
        if reuse is not None:
            key, hashes = shards.shard_key(documents, shard, salt, known)
        previous = reuse.vocabulary(shard.name, key) if reuse is not None else None
        if previous is not None:  # its files are put in place while the primary is indexed
            pages[shard.name], vocabularies[shard.name] = previous
            kept.append((shard, key, hashes))
        else:
            pages[shard.name], vocabularies[shard.name] = closing.index(shard, key, hashes)
    again: list[tuple[shards.Shard, str, dict[str, str]]] = []

    def put_in_place() -> None:
        for shard, key, hashes in kept:
            assert reuse is not None  # what it kept
            if not reuse.take(shard.name, bundle / shards.SHARDS_DIR / shard.name):
                again.append((shard, key, hashes))  # changed in the previous site, or gone
                continue
            if fragments is not None:
                fragments.carry(f"{shards.SHARDS_DIR}/{shard.name}/")
        if meanwhile is not None:
            meanwhile()

    folder = _in_order(documents, primary.documents)
    try:
        for name, vocabulary in vocabularies.items():
            page = folder / shards.vocabulary_path(name)
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(shards.vocabulary_page(vocabulary, lang), "utf-8")
        indexed = indexing.run(folder, bundle, put_in_place) - len(vocabularies)
    finally:
        remove_scratch(folder)
    for shard, key, hashes in again:  # the same documents: the same vocabulary
        pages[shard.name], _ = closing.index(shard, key, hashes)
    return indexed + sum(pages.values()), shards.listing(bundle, [s.name for s in closed])


@dataclass(frozen=True)
class _Closing:
    """What indexing a closed shard takes (:func:`_run_shards`)."""

    indexing: _Indexing
    documents: Path
    pending: _Pending
    reuse: shards.Reuse | None

    def index(self, shard: shards.Shard, key: str, hashes: dict[str, str]) -> tuple[int, set[str]]:
        """Index ``shard`` (its pending documents made first) into its folder of the
        bundle, keeping what a shard's bundle keeps (:data:`_DATA`), and record it for
        the next build (``key``, ``hashes``: :func:`generator.shards.shard_key`); its
        pages and its vocabulary (read while Pagefind runs)."""
        documents = self.documents
        out = self.indexing.bundle / shards.SHARDS_DIR / shard.name
        self.pending.make(shard.documents)
        vocabulary: set[str] = set()

        def read_vocabulary() -> None:
            for path in shard.documents:
                indexed = shards.indexed_part((documents / path).read_bytes())
                vocabulary.update(shards.words(indexed.decode("utf-8", errors="replace")))

        folder = _in_order(documents, shard.documents)
        try:
            count = self.indexing.run(folder, out, read_vocabulary, hashes or None)
        finally:
            remove_scratch(folder)
        for entry in out.iterdir():
            if entry.is_file() and not _DATA.fullmatch(entry.name):
                entry.unlink()
        if self.reuse is not None:
            self.reuse.remember(shard.name, key, count, _sizes_under(out), vocabulary, hashes)
        return count, vocabulary


_BACKGROUND: list[tuple[subprocess.Popen[bytes], Path | None]] = []
"""The live preview's search indexer, if one was started, and its documents folder."""


def index_in_background(
    site_dir: Path, documents: Path | None, *, keep_documents: bool = False
) -> None:
    """Start :func:`run_pagefind` on a built site without waiting for it (``paperfeed
    serve``: the pages are served at once, search works a little later). The indexer
    owns ``documents`` and removes it when done, unless ``keep_documents`` (the preview
    keeps them for its next build). One at a time: a newer build stops an older indexer
    first (:func:`stop_background_index`), as does leaving the process."""
    stop_background_index()
    args = [sys.executable, "-m", "generator.search", os.fspath(site_dir)]
    if documents is not None:
        args += ["--documents", os.fspath(documents)]
        if keep_documents:
            args.append("--keep-documents")
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _BACKGROUND.append((proc, None if keep_documents else documents))


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Ask ``proc`` to stop (SIGTERM); kill it if it has not after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_background_index() -> None:
    """Stop a background indexer still running and remove its documents folder."""
    while _BACKGROUND:
        proc, documents = _BACKGROUND.pop()
        stop_process(proc)
        if documents is not None:
            shutil.rmtree(documents, ignore_errors=True)


atexit.register(stop_background_index)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m generator.search SITE [--documents DIR [--keep-documents]]``: what
    :func:`index_in_background` runs. Removes DIR when done (unless told to keep it);
    reports on stderr."""
    parser = argparse.ArgumentParser(
        prog="python -m generator.search",
        description="Build the Pagefind search index of a built site, in place (what "
        "paperfeed serve runs in the background).",
    )
    parser.add_argument("site", type=Path, help="the built site")
    parser.add_argument("--documents", type=Path, help="search documents (removed when done)")
    parser.add_argument(
        "--keep-documents", action="store_true", help="do not remove the documents when done"
    )
    args = parser.parse_args(argv)
    if hasattr(os, "nice"):
        os.nice(10)  # the preview's own rebuilds come first (Pagefind inherits this)
    try:
        stats = run_pagefind(args.site, documents=args.documents)
    except (PagefindMissingError, PagefindError, OSError, subprocess.SubprocessError) as e:
        print(f"paperfeed: the search index failed: {e}", file=sys.stderr)
        return 1
    finally:
        if args.documents is not None and not args.keep_documents:
            shutil.rmtree(args.documents, ignore_errors=True)
    print(f"paperfeed: search index ready ({stats['pages']} pages)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
