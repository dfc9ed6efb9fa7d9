"""``paperfeed build`` and ``paperfeed serve``: MkDocs driven with atomic output.

The inputs are read and the pages generated *before* MkDocs starts, so a bad
digest stops the build before anything is touched. MkDocs then builds into a
fresh folder beside ``site/``; only when that succeeds (strict: any warning is a
failure) does it replace ``site/``, and only then is the Markdown copy of the
pages updated. A failure at any step leaves the previous output as it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import ipaddress
import logging
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import engine
from generator.errors import BuildFailed, UsageError, signals_to
from generator.lock import exclusive
from generator.outputs import check_outputs, mark, project_inputs
from generator.pipeline import Generated, updated_published
from generator.render import Content
from generator.sitesize import SiteSize
from generator.write import (
    Staged,
    WriteStats,
    discard,
    new_sibling,
    recover,
    replace_text,
    stage_tree,
    swap_in,
    sync_tree,
)

if TYPE_CHECKING:
    from generator.preview import HeadStart, KeptSite

# Material's end-of-life banner: the README says it instead ("MkDocs, Material and what
# comes next"), so that paperfeed's own output stays readable.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


DETACHED_CLEANUP_PAGES = 2000
"""From this many pages, the previous ``site/`` is deleted by a detached process."""


@dataclass(frozen=True)
class BuildOptions:
    config_file: Path
    digests: Path | None = None
    taxonomy: Path | None = None
    curation: Path | None = None
    """The curation file (None: the plugin's ``curation`` option, or ``curation.yml``
    beside the taxonomy if there is one)."""
    site_dir: Path | None = None
    pages_dir: Path | None = None
    """Where the Markdown copy of the generated pages goes (None: ``build/pages``)."""
    search: str | None = None
    cache: bool = True
    """False: neither read nor write the build cache (``--no-cache``)."""
    strict: bool = True
    rebuild_all: bool = False
    """True: render every page (``--rebuild-all``); otherwise, with the build cache, only
    the generated pages whose Markdown changed since the last build of this site."""
    markdown_only: bool = False
    check_only: bool = False
    """``paperfeed check``: nothing is written, but every output is checked as a build would."""


@dataclass(frozen=True)
class BuildResult:
    generated: Generated
    pages: WriteStats
    site_dir: Path | None
    html_pages: int
    seconds: float
    generate_seconds: float
    from_cache: int | None = None
    """Digests read from the build cache instead of parsed (None: no cache)."""
    site_size: SiteSize | None = None
    """The built site's size against the host's limit (None: no site built)."""
    kept: int = 0
    """Generated files kept from the previous site, not rendered again (the build cache's
    :class:`generator.preview.KeptSite`)."""


def _overrides(options: BuildOptions) -> dict[str, Any]:
    """The plugin settings given on the command line, in place of mkdocs.yml's."""
    overrides: dict[str, Any] = {}
    if options.digests is not None:
        overrides["digests"] = os.fspath(options.digests.resolve())
    if options.taxonomy is not None:
        overrides["taxonomy"] = os.fspath(options.taxonomy.resolve())
    if options.curation is not None:
        overrides["curation"] = os.fspath(options.curation.resolve())
    if options.search is not None:
        overrides["search"] = options.search
    if not options.cache:
        overrides["cache"] = False
    return overrides


def _check_paths(options: BuildOptions) -> None:
    """The folders and files given on the command line exist (mkdocs.yml's own are checked
    by the plugin's config schema, :mod:`generator.config`)."""
    check_source_date_epoch()
    if not options.config_file.is_file():
        raise UsageError(f"{options.config_file}: no such MkDocs config file (see --config)")
    if options.digests is not None and not options.digests.resolve().is_dir():
        raise UsageError(f"{options.digests.resolve()}: no such digests folder (see --digests)")
    if options.taxonomy is not None and not options.taxonomy.resolve().is_file():
        raise UsageError(f"{options.taxonomy.resolve()}: no such taxonomy file (see --taxonomy)")


def _load_config(options: BuildOptions) -> Any:
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from generator.config import Session
    from generator.config import session as config_session

    _check_paths(options)
    warned = _Warnings()
    log = logging.getLogger(engine.logger_name("config"))
    level = log.level
    log.addFilter(warned)
    log.setLevel(logging.WARNING)  # seen with --quiet too: they fail a strict build
    try:
        with config_session(Session(overrides=_overrides(options))):
            config = load_config(os.fspath(options.config_file))
    except MkDocsException as e:
        raise BuildFailed(f"{options.config_file}: {'; '.join([*warned.messages, str(e)])}") from e
    finally:
        log.removeFilter(warned)
        log.setLevel(level)
    if warned.messages and options.strict:
        raise BuildFailed(
            f"{options.config_file}: {'; '.join(warned.messages)} (a warning fails a strict "
            "build: fix the setting, or build with --no-strict)"
        )
    for message in warned.messages:
        log.warning(message)
    if "paperfeed" not in config.plugins:
        raise UsageError(f"{options.config_file}: 'paperfeed' is not listed under plugins")
    if not config.plugins["paperfeed"].config.enabled:
        raise UsageError(
            f"{options.config_file}: the paperfeed plugin is turned off (enabled: false)"
        )
    return config


class _Warnings(logging.Filter):
    """Takes the warnings MkDocs logs while it reads the config (an unknown setting, say)
    out of its log, to report them with the build's result; its errors pass."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        self.messages.append(record.getMessage())
        return False


def prepare(
    options: BuildOptions,
    sink: Callable[[Iterable[tuple[str, Content]]], object] | None = None,
    *,
    loaded: Callable[[Any], object] | None = None,
    checked: Callable[[Any, Any], object] | None = None,
) -> tuple[Any, Any, Generated]:
    """Load the MkDocs config (handed to ``loaded`` if given; with the plugin, to
    ``checked`` once the outputs are checked) and generate every page (handed to
    ``sink`` if given)."""
    config = _load_config(options)
    if loaded is not None:
        loaded(config)
    plugin = config.plugins["paperfeed"]
    from mkdocs.exceptions import PluginError

    curation = plugin.curation_path(config)
    if curation is not None and not curation.is_file():
        what = "a folder, not a curation file" if curation.is_dir() else "no such curation file"
        raise UsageError(f"{curation}: {what} (see --curation)")
    outputs = _check_outputs(options, config, plugin)
    if checked is not None:
        checked(config, plugin)
    try:
        generated = plugin.generate_pages(config, sink, outputs)
    except PluginError as e:  # a misplaced cache_dir
        raise UsageError(str(e).removeprefix("paperfeed: ")) from None
    if options.check_only:  # what MkDocs would refuse in build
        _check_docs(config, generated)
    return config, plugin, generated


def _check_docs(config: Any, generated: Generated) -> None:
    """Raise BuildFailed when a hand-written page is in the way of a generated one (the
    check the plugin makes when MkDocs lists the files)."""
    from generator.plugin import shadowed

    docs = Path(config.docs_dir)
    files = [
        p.relative_to(docs).as_posix()
        for p in sorted(docs.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(docs).parts)
    ]
    problem = shadowed(files, generated.paths, config.use_directory_urls)
    if problem:
        raise BuildFailed(problem)


def _check_outputs(options: BuildOptions, config: Any, plugin: Any) -> dict[str, Path]:
    """The site folder and the Markdown copy; UsageError (before anything is touched) when
    they or the cache overlap an input or each other, or are folders paperfeed did not make."""
    outputs = {"site": Path(options.site_dir or config.site_dir), "pages": _pages_dir(options)}
    root = options.config_file.resolve().parent
    inputs = project_inputs(
        root,
        options.config_file,
        Path(config.docs_dir),
        plugin.path(config, "digests"),
        plugin.path(config, "taxonomy"),
    )
    inputs["published-URLs file"] = plugin.published_path(config)  # read, then updated
    curation = plugin.curation_path(config)
    if curation is not None:
        inputs["curation file"] = curation
    with_cache = plugin.option("cache") or (options.check_only and plugin.config["cache"])
    cache = {"cache": plugin.path(config, "cache_dir")} if with_cache else {}
    check_outputs({**outputs, **cache}, inputs)
    _check_published(plugin, config, outputs)
    return outputs


def _check_published(plugin: Any, config: Any, outputs: dict[str, Path]) -> None:
    """The published-URLs file is read and then updated by the build: it must lie outside
    every folder the build reads whole (docs, digests) or replaces (site, pages)."""
    path = plugin.published_path(config).resolve()
    folders = {
        "docs": Path(config.docs_dir),
        "digests": plugin.path(config, "digests"),
        **outputs,
    }
    for name, folder in folders.items():
        if path.is_relative_to(folder.resolve()):
            raise UsageError(
                f"{path}: the published-URLs file is inside the {name} folder ({folder}); "
                "keep it beside the taxonomy (the plugin's 'published' option)"
            )


def _pages_dir(options: BuildOptions) -> Path:
    return options.pages_dir or options.config_file.resolve().parent / "build" / "pages"


@contextmanager
def _source_date_epoch(generated: Generated) -> Iterator[None]:
    """Make MkDocs' build date (sitemap) a function of the inputs, not of the clock.

    A ``SOURCE_DATE_EPOCH`` set by the caller wins; otherwise the newest digest's date
    is used for the duration of the build.
    """
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given or not generated.feed.digests:  # (an empty one, as CI often sets, is none)
        yield
        return
    last = generated.feed.digests[-1].date
    stamp = dt.datetime(last.year, last.month, last.day, tzinfo=dt.timezone.utc)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    try:
        yield
    finally:
        if given is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = given


def check_source_date_epoch() -> None:
    """A ``SOURCE_DATE_EPOCH`` that is set is a whole number of seconds from 1970 to 2106
    (the sitemap's gzip header holds 32 bits): MkDocs ended in a traceback on anything
    else. Empty is as unset."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "")
    if given and not (given.isascii() and given.isdigit() and int(given) < 2**32):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (at most "
            f"{2**32 - 1}), got {given!r}"
        )


def build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None = None,
    waiting: Callable[[], None] | None = None,
) -> BuildResult:
    """Generate the pages and build the site, one build of a project at a time: while
    another holds the project's lock (:mod:`generator.lock`), ``waiting`` is called once
    and this build waits for it, so no two builds replace the same folders at once."""
    with exclusive(options.config_file.resolve().parent, waiting):
        return _build(options, progress)


def _build(options: BuildOptions, progress: Callable[[int, int], None] | None) -> BuildResult:
    start = time.perf_counter()
    pages_dir = _pages_dir(options)
    if options.markdown_only:  # written as rendered: a large feed is never held in memory
        # A complete project, which MkDocs or ProperDocs builds without paperfeed.
        from generator.neutral import project_files

        written: list[WriteStats] = []
        loaded: list[Any] = []

        def write_project(files: Iterable[tuple[str, Content]]) -> None:
            project = project_files(files, options.config_file, loaded[0])
            written.append(sync_tree(project, pages_dir))

        try:
            config, plugin, generated = prepare(options, write_project, loaded=loaded.append)
        except OSError as e:
            raise BuildFailed(
                f"{_cannot_write(e)}; the previous Markdown copy was left as it was",
                site_published=True,  # no site in this mode: nothing more to say
            ) from None
        _remember_urls(config, plugin, generated)
        seconds = time.perf_counter() - start
        return BuildResult(generated, written[0], None, 0, seconds, seconds, _from_cache(plugin))
    # The pages are written (staged beside the Markdown copy) as they are made, and MkDocs
    # reads them back from the disk: a large feed's pages are never all in memory.
    staged: list[Staged] = []
    site_dir: list[Path] = []  # known once the config is checked
    try:
        with _freezing() as freeze:
            return _build_site(options, progress, start, staged, freeze, site_dir.append)
    except BuildFailed as e:
        if not e.site_published and site_dir and site_dir[0].exists():
            e.previous_site = site_dir[0]
        raise
    finally:
        for pages in staged:
            pages.discard()  # what was not applied: a failed build leaves the copy as it was


def _build_site(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    start: float,
    staged: list[Staged],
    freeze: Callable[[], None],
    site_dir_known: Callable[[Path], None],
) -> BuildResult:
    from mkdocs.exceptions import Abort, MkDocsException

    from generator.mkdocs_boundary import build as mkdocs_build
    from generator.mkdocs_boundary import dirty_builds_unannounced
    from generator.preview import save_record

    pages_dir = _pages_dir(options)

    def stage(files: Iterable[tuple[str, Content]]) -> None:
        try:
            staged.append(stage_tree(files, pages_dir))
        except OSError as e:  # a full or read-only disk (an input that cannot be read is
            raise BuildFailed(_cannot_write(e)) from None  # an error of its own)

    begun: list[_Begun] = []

    def begin(config: Any, plugin: Any) -> None:
        site_dir_known(_site_dir(options, config))
        _begin(options, config, plugin, begun.append)

    try:
        config, plugin, generated = prepare(options, stage, checked=begin)
    except BaseException:
        if begun:
            begun[0].discard()
        raise
    freeze()  # the feed, its classes, the cache's records: alive until the build ends
    plugin.read_pages_from(staged[0].contents())
    generate_seconds = time.perf_counter() - start
    site_dir, staging, kept = begun[0].site_dir, begun[0].staging, begun[0].kept
    config.site_dir = os.fspath(staging)
    config.strict = options.strict
    plugin.by_paperfeed = True
    plugin.keep_site = kept
    plugin.head_start = begun[0].head
    total = sum(1 for p in generated.paths if p.endswith(".md"))
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            planned = plugin.preview
            progress(done, total if planned is None or planned.full else planned.rendered)

    plugin.page_tick = tick
    published: list[str] = []  # the published-URLs file's text, made while Pagefind runs
    plugin.while_indexing = lambda: published.append(_published_text(config, plugin, generated))
    plugin.log_size = False  # reported after the build: a warning must not fail it
    try:
        with _source_date_epoch(generated), dirty_builds_unannounced():
            # "dirty": MkDocs renders only the files it is told were modified (all of
            # them, but for the pages kept); the folder it builds in starts empty.
            mkdocs_build(config, dirty=kept is not None)
    except BaseException as e:
        plugin.stop_linking()  # the kept pages' links: before their folder is deleted
        begun[0].discard()
        if isinstance(e, Abort | MkDocsException):
            raise BuildFailed(str(e)) from e
        if isinstance(e, OSError):  # a full or read-only disk
            raise BuildFailed(_cannot_write(e)) from None
        raise
    measured = plugin.site_size
    html_pages = (
        measured.html_pages
        if measured is not None
        else sum(1 for _ in staging.rglob("*.html"))  # the plugin measured nothing
    )
    # From the new site in place to the published URLs recorded, Ctrl-C and SIGTERM wait:
    # the site, its record, the Markdown copy and published.txt change together.
    with _interrupts_deferred():
        try:
            mark(staging)
            # A large previous site is deleted in the background: the new one is live.
            swap_in(staging, site_dir, detach_cleanup=html_pages >= DETACHED_CLEANUP_PAGES)
        except OSError as e:
            discard(staging)
            raise BuildFailed(_cannot_write(e)) from None
        if kept is not None and plugin.preview is not None:
            try:
                save_record(kept, plugin.preview)
            except OSError as e:  # the next build renders every page, nothing worse
                logging.getLogger(engine.logger_name("plugins.paperfeed")).warning(
                    f"paperfeed: could not record this build for the next one: {e}"
                )
        try:
            pages = staged[0].apply()
        except OSError as e:
            left = f"the previous Markdown copy ({pages_dir}) was left as it was"
            raise _published_but(e, left) from None
        try:
            _remember_urls(config, plugin, generated, published[0] if published else None)
        except OSError as e:
            where = plugin.published_path(config)
            left = f"the published URLs ({where}) were left as they were: the next build adds"
            left += " this one's"
            raise _published_but(e, left) from None
    planned = plugin.preview
    return BuildResult(
        generated=generated,
        pages=pages,
        site_dir=site_dir,
        html_pages=html_pages,
        seconds=time.perf_counter() - start,
        generate_seconds=generate_seconds,
        from_cache=_from_cache(plugin),
        site_size=plugin.site_size,
        kept=0 if planned is None or planned.full else planned.total - planned.rendered,
    )


@dataclass
class _Begun:
    """What a build makes once its config is read, before it generates the pages: the
    new site's (empty) folder beside the site's, and with the build cache, the kept site
    and its head start (:func:`generator.preview.head_start`)."""

    site_dir: Path
    staging: Path
    kept: KeptSite | None = None
    head: HeadStart | None = None

    def discard(self) -> None:
        """The build failed: stop the linking, delete the new folder and the documents."""
        if self.head is not None:
            self.head.cancel()
        discard(self.staging)


def _site_dir(options: BuildOptions, config: Any) -> Path:
    return Path(options.site_dir or config.site_dir).resolve()


def _begin(
    options: BuildOptions, config: Any, plugin: Any, made: Callable[[_Begun], object]
) -> None:
    """Make the new site's folder and, with the build cache, start keeping the previous
    site's pages; ``made`` is given what there is to undo as soon as there is any."""
    from mkdocs.exceptions import PluginError

    from generator.preview import KeptSite, head_start

    site_dir = _site_dir(options, config)
    try:
        recover(site_dir)
        staging = new_sibling(site_dir)
    except OSError as e:
        raise BuildFailed(_cannot_write(e)) from None
    begun = _Begun(site_dir, staging)
    made(begun)
    try:
        cache = plugin.build_cache(config)
    except PluginError:  # a misplaced cache_dir: generating says so
        return
    if cache is not None:
        # The pages whose Markdown did not change are the previous site's (hard links),
        # linked while the pages are generated.
        begun.kept = KeptSite(cache.folder / "site", site_dir, everything=options.rebuild_all)
        with _interrupts_held():  # the child is known before Ctrl-C can stop the build
            begun.head = head_start(begun.kept, os.fspath(staging))


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block ends (where signals can be held)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM, while the block runs, are remembered and raised as Ctrl-C once
    it has ended (not if it raised). Python's handlers, not the signal mask: a signal is
    held back whichever thread the system gives it to."""
    seen: list[int] = []
    with signals_to(lambda got, frame: seen.append(got), signal.SIGINT, signal.SIGTERM):
        yield
    if seen:
        raise KeyboardInterrupt


@contextmanager
def _freezing() -> Iterator[Callable[[], None]]:
    """A ``freeze()`` that leaves the objects alive when it is called out of the cycle
    collections that follow, until the block ends (:func:`gc.freeze`). After generating,
    the feed, its classes and the build cache's records are millions of objects that live
    until the build ends: every collection MkDocs's objects set off would walk all of them
    again (0.3 s of a daily build of 10,000 papers). Nothing is frozen in a process that
    froze objects of its own (the block would thaw them)."""
    if gc.get_freeze_count():
        yield _nothing
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _nothing() -> None:
    return None


def _published_but(error: OSError, left: str) -> BuildFailed:
    """A write that failed after the new site was in place; ``left``: what was not done."""
    message = f"{_cannot_write(error)}; the new site was published, {left}"
    return BuildFailed(message, site_published=True)


def _cannot_write(error: OSError) -> str:
    """The message for a failed write (a full or read-only disk): what and where."""
    target = error.filename2 or error.filename  # a copy's target, else the file
    where = f": {target}" if target else ""
    return f"cannot write the output ({error.strerror or error}){where}"


def _remember_urls(config: Any, plugin: Any, generated: Generated, text: str | None = None) -> None:
    """Add the URLs of this build to the published-URLs file (:mod:`generator.urls`), once
    its output is in place: the next build redirects the ones it no longer has. ``text``:
    the file's new text, if it was made already (:func:`_published_text`)."""
    if text is None:
        text = _published_text(config, plugin, generated)
    replace_text(plugin.published_path(config), text)


def _published_text(config: Any, plugin: Any, generated: Generated) -> str:
    """The published-URLs file's text after this build."""
    return updated_published(plugin.published, generated, config.use_directory_urls)


def _from_cache(plugin: Any) -> int | None:
    cache = plugin.cache
    return None if cache is None else cache.digests_from_files


def serve(options: BuildOptions, dev_addr: str, *, incremental: bool = True) -> None:
    """Live preview: MkDocs' own server, rebuilding when a digest or the taxonomy changes.

    ``incremental``: render again only the generated pages whose Markdown changed
    (:mod:`generator.preview`); else every page, as ``mkdocs serve`` does."""
    from generator.config import Session
    from generator.config import session as config_session
    from generator.mkdocs_boundary import dirty_builds_unannounced
    from generator.mkdocs_boundary import serve as mkdocs_serve

    check_address(dev_addr)  # before anything is built
    _load_config(options)  # reports a bad config or path before the server starts
    logging.getLogger(engine.logger_name()).setLevel(logging.INFO)
    state = Session(overrides=_overrides(options), serving=True, incremental=incremental)
    # SIGTERM ends serve as Ctrl-C does, so that what it keeps in /dev/shm is removed.
    interrupted: list[int] = []
    signal.signal(signal.SIGTERM, partial(_interrupt, interrupted))
    signal.signal(signal.SIGINT, partial(_interrupt, interrupted))
    try:
        with config_session(state), dirty_builds_unannounced(), _preview_in_memory():
            mkdocs_serve(
                os.fspath(options.config_file),
                dev_addr=dev_addr,
                livereload=True,
                build_type="dirty" if incremental else None,
            )
    except OSError as e:
        # MkDocs' server binds the address after the first build: another program may
        # have taken it since it was checked. Only binding a socket fails so.
        if e.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
            raise
        raise UsageError(_cannot_serve(dev_addr, e)) from None
    if interrupted:  # MkDocs' server says "Shutting down" and returns: exit 130 all the same
        raise KeyboardInterrupt


def parse_address(text: str) -> tuple[str, int]:
    """``IP:PORT`` (``--dev-addr``) as MkDocs' server takes it: an IPv4 or IPv6 address
    (in brackets or not) or ``localhost``, and a port from 0 to 65535 (0: any free one);
    the address (normalized) and the port. ValueError says what is wrong."""
    host, colon, port = text.rpartition(":")
    if not colon or not host:
        raise ValueError(f"expected IP:PORT, such as 127.0.0.1:8000, but received {text!r}")
    if host != "localhost":
        bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        try:
            host = str(ipaddress.ip_address(bare))
        except ValueError:
            raise ValueError(
                f"{host!r} is not an IP address (or localhost), in {text!r}: expected "
                "IP:PORT, such as 127.0.0.1:8000"
            ) from None
    if not (port.isascii() and port.isdigit() and int(port) < 65536):
        raise ValueError(f"the port must be a number from 0 to 65535, not {port!r}, in {text!r}")
    return host, int(port)


def only_this_machine(host: str) -> bool:
    """Whether an address :func:`parse_address` gave is reached from this machine only."""
    return host == "localhost" or ipaddress.ip_address(host).is_loopback


_CANNOT_BIND = {
    errno.EADDRINUSE: "the address is in use",
    errno.EADDRNOTAVAIL: "the address is not one of this machine's",
    errno.EACCES: "permission denied (a port below 1024 needs privileges)",
}


def check_address(dev_addr: str) -> None:
    """The preview's address is one this process can serve on (UsageError otherwise):
    a socket is bound to it, then closed, before the first build, which may take minutes.
    MkDocs' server binds it again after the build (:func:`serve` reports a failure then
    in the same words)."""
    try:
        host, port = parse_address(dev_addr)
    except ValueError as e:
        raise UsageError(f"--dev-addr: {e}") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as MkDocs' server
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server
            probe.bind((host, port))
    except OSError as e:
        raise UsageError(_cannot_serve(dev_addr, e)) from None


def _cannot_serve(dev_addr: str, error: OSError) -> str:
    why = _CANNOT_BIND.get(error.errno or 0) or error.strerror or str(error)
    return f"cannot serve on {dev_addr}: {why} (choose another with -a)"


def _interrupt(seen: list[int], signum: int, frame: Any) -> None:
    """Ctrl-C or SIGTERM: remembered (MkDocs' server swallows the interruption), then
    raised as Ctrl-C is."""
    seen.append(signum)
    raise KeyboardInterrupt


PREVIEW_MIN_FREE = 2 << 30
"""Free bytes ``/dev/shm`` needs for the preview to be built there (a 10,000-paper site
takes about 400 MB)."""


@contextmanager
def _preview_in_memory() -> Iterator[None]:
    """Have MkDocs' preview (a fresh temporary folder, emptied and refilled on every
    rebuild) live in ``/dev/shm`` when it is writable and has room: on a disk, making and
    deleting a folder per page costs seconds at 10,000 papers, and more each rebuild."""
    from generator.search import _scratch

    shm = _scratch()
    try:
        room = shm is not None and shutil.disk_usage(shm).free >= PREVIEW_MIN_FREE
    except OSError:
        room = False
    from generator.mkdocs_boundary import temporary_folders_in

    with temporary_folders_in(shm if room else None):
        yield
