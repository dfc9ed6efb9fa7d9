"""The live preview, and ``paperfeed build`` with the build cache, render only the pages
whose Markdown changed (the build keeps the rest from the previous site: :class:`KeptSite`).

MkDocs' ``serve`` empties its site folder and renders every page on every change: at
10,000 papers, about 12,000 pages each time a digest is added, although most of them come
out the same. ``paperfeed serve`` runs MkDocs' "dirty" builds instead (the site folder is
kept; a page whose file is not modified is neither read nor rendered) and decides what
"modified" means, so that the preview is the one a full rebuild would give:

- a generated page is kept when its Markdown is the same as the last good build's (a
  content hash) and its HTML is still in the site folder; the HTML of generated pages that
  are gone is deleted; hand-written pages are rendered in every build (MkDocs resolves
  their links against the pages that exist). With the build cache, a page whose inputs
  did not change comes with the hash of its Markdown (:class:`generator.model.Known`), so
  a kept page's Markdown is not even made;
- every page is rendered again (the site folder emptied first) when anything else a page's
  HTML depends on may have changed: ``mkdocs.yml`` and the files it inherits from, the
  command-line options, a file in the docs folder, the theme's ``custom_dir`` or a
  ``watch`` entry (name, size or mtime), the search backend; after a build that failed;
  and always with Material's search (its index is made from the pages rendered, and the
  previous build's is dropped: MkDocs tells the plugin the builds are dirty), with a
  ``nav`` written in ``mkdocs.yml`` (a page not read has no title to show there), or with
  any other plugin than paperfeed's and the search stand-in (it may read every page).

A generated page's HTML depends only on its own Markdown and on those surroundings: it
carries every link and title it shows, and the navigation paperfeed writes is four fixed
entries. The search documents Pagefind reads (:mod:`generator.search`) are kept from
build to build the same way: those of the pages rendered are written again, those of the
pages that are gone deleted, all of them dropped for a full build.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig

from generator import linkfiles
from generator.fragments import Fragments
from generator.ids import file_digest
from generator.mkdocs_boundary import PreviewFile as PreviewFile
from generator.mkdocs_boundary import always_render as always_render
from generator.mkdocs_boundary import clean_directory
from generator.model import Content, Known
from generator.search import new_scratch, remove_scratch
from generator.shards import Reuse
from generator.write import has_size


@dataclass(frozen=True)
class Built:
    """What a good build left in a site folder."""

    surroundings: str
    pages: dict[str, tuple[str, str]]
    """Generated file -> (content hash, its path in the site folder)."""


SAFE_PLUGINS = frozenset({"paperfeed", "material/search"})
"""The plugins a partial build is known to be right with (``material/search`` is
Pagefind's stand-in then); with any other, every build is full."""

_LAST: dict[str, Built] = {}
"""Site folder -> its last good build. Kept by the module: MkDocs makes new plugins for
every rebuild of a preview."""


def surroundings(config: MkDocsConfig, options: object, *, by_content: bool = False) -> str:
    """A hash of what every page's HTML depends on besides its own Markdown (see the
    module docstring); ``options``: the plugin's options and overrides, the backend.

    A file is known by its name, size and mtime, or, ``by_content``, by its bytes: what
    ``paperfeed build`` compares with a build made in another process, maybe after a
    fresh checkout (new mtimes). Both include the values of the environment variables
    the config files read (``!ENV``) and the versions of the installed packages (MkDocs,
    the theme, the Markdown extensions)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(options).encode())
    for path in _config_files(config.config_file_path):
        text = Path(path).read_bytes()
        h.update(b"\0config\0" + text)
        for name in sorted(set(_ENV_NAME.findall(b" ".join(_ENV.findall(text))))):
            value = os.environ.get(name.decode("ascii"))
            h.update(b"\0env\0" + name + b"=" + (b"\0" if value is None else os.fsencode(value)))
    h.update(b"\0packages\0" + _packages().encode())
    places = [config.docs_dir, *config.watch]
    if config.theme.custom_dir:
        places.append(config.theme.custom_dir)
    for place in places:
        h.update(b"\0place\0" + os.fsencode(place))
        for root, dirs, names in (
            os.walk(place, followlinks=True)
            if os.path.isdir(place)
            else [(os.path.dirname(place), [], [os.path.basename(place)])]
        ):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                h.update(f"{path}\0{st.st_size}\0".encode("utf-8", "replace"))
                if not by_content:
                    h.update(f"{st.st_mtime_ns}\0".encode())
                    continue
                try:
                    h.update(file_digest(Path(path).read_bytes()).encode())
                except OSError:
                    continue
    return h.hexdigest()


_ENV = re.compile(rb"!ENV\s+(\[[^\]\r\n]*\]|[^\s\]\[,#]+)")
_ENV_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


@functools.cache
def _packages() -> str:
    """The installed distributions and their versions, one a line (once a process)."""
    found = {
        f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()
    }
    return "\n".join(sorted(found))


_INHERIT = re.compile(rb"^INHERIT:[ \t]*['\"]?([^'\"\r\n#]+?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def _config_files(path: str | None) -> list[str]:
    """``mkdocs.yml`` and the files it inherits from (``INHERIT:``), the nearest first."""
    found: list[str] = []
    path = os.path.realpath(path) if path else None
    while path and path not in found and len(found) < 20 and os.path.isfile(path):
        found.append(path)
        with open(path, "rb") as f:
            m = _INHERIT.search(f.read())
        path = (
            os.path.realpath(os.path.join(os.path.dirname(path), os.fsdecode(m.group(1))))
            if m
            else None
        )
    return found


def content_hash(content: Content) -> str:
    """The hash the writer's manifest would record (:func:`generator.ids.file_digest`):
    a :class:`Known` content's own, so that a page not rendered need not be."""
    if isinstance(content, Known):
        return content.digest
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    if not isinstance(content, bytes):
        raise TypeError("a preview needs the whole content of a generated file")
    return file_digest(content)


@dataclass
class Plan:
    """One preview build: whether it renders everything, how many of the generated
    files it renders, and what it will leave (:func:`done` records it)."""

    full: bool
    rendered: int
    built: Built
    gone: tuple[str, ...] = ()
    """Paths in the site folder of the generated pages that are gone (deleted)."""
    linking: Linking | None = None
    """The kept pages being linked into the site folder (``paperfeed build``)."""

    @property
    def total(self) -> int:
        """How many generated files the build has."""
        return len(self.built.pages)


def plan(
    site_dir: str, surroundings: str, files: list[tuple[PreviewFile, Content]], partial_ok: bool
) -> Plan:
    """Decide what a preview build renders; sets ``kept`` on the files it keeps, deletes
    the HTML of generated files that are gone, and empties ``site_dir`` for a full build.

    The last build's record is taken out now: should this build fail, the next is full."""
    last = _LAST.pop(site_dir, None)
    built = _built(surroundings, files)
    if last is None or last.surroundings != surroundings or not partial_ok:
        if os.path.isdir(site_dir):
            clean_directory(site_dir)
        return Plan(True, len(files), built)
    rendered = _keep(files, built, last, lambda f: os.path.isfile(f.abs_dest_path))
    gone = tuple(dest for src_uri, (_, dest) in last.pages.items() if src_uri not in built.pages)
    for dest_path in gone:
        _delete(site_dir, dest_path)
    return Plan(False, rendered, built, gone)


def _built(surroundings: str, files: list[tuple[PreviewFile, Content]]) -> Built:
    return Built(surroundings, {f.src_uri: (content_hash(c), f.dest_path) for f, c in files})


def _keep(
    files: list[tuple[PreviewFile, Content]],
    built: Built,
    last: Built,
    there: Callable[[PreviewFile], bool],
) -> int:
    """Set ``kept`` on each file whose Markdown has the hash it had in ``last`` and whose
    HTML ``there`` finds (or puts) in place; how many files are rendered."""
    rendered = 0
    for f, _ in files:
        f.kept = last.pages.get(f.src_uri, ("",))[0] == built.pages[f.src_uri][0] and there(f)
        rendered += f.is_modified()
    return rendered


def documents(site_dir: str, plan: Plan) -> Path | None:
    """The Pagefind search documents of the preview of ``site_dir``, kept from build to
    build like its pages (:class:`generator.search.PagefindSearchPlugin` writes those of
    the pages rendered): emptied for a full build; a partial one loses those of the
    pages that are gone. None when a partial build finds none to keep (Pagefind reads
    the site's pages then). Removed when the process ends."""
    from generator.search import new_scratch, remove_scratch

    folder = _DOCUMENTS.pop(site_dir, None)
    if plan.full:
        if folder is not None:
            remove_scratch(folder)
        folder = new_scratch()
    elif folder is None or not folder.is_dir():
        return None
    for dest_path in plan.gone:
        _delete(os.fspath(folder), dest_path)
    os.utime(folder)  # in use (and locked): not a killed process's leftover
    _DOCUMENTS[site_dir] = folder
    return folder


_DOCUMENTS: dict[str, Path] = {}


@atexit.register
def _remove_documents() -> None:
    for folder in _DOCUMENTS.values():
        shutil.rmtree(folder, ignore_errors=True)
    _DOCUMENTS.clear()


def done(site_dir: str, plan: Plan) -> None:
    """Record a build that went through: the next one may keep what it wrote."""
    _LAST[site_dir] = plan.built


class TemplateCache(jinja2.BytecodeCache):
    """The theme's templates, compiled, kept from one preview build to the next.

    MkDocs makes a new Jinja environment for every build, which compiles the theme's
    templates again (Material: about 47, half a second). Jinja's own bytecode cache
    avoids that: a template whose source changed is compiled again (the cache checks a
    hash of the source), and the code is kept apart for environments whose options
    would compile it differently."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], bytes] = {}

    @staticmethod
    def _options(env: jinja2.Environment) -> str:
        return repr(
            (
                sorted(env.extensions),
                env.autoescape if isinstance(env.autoescape, bool) else "function",
                env.finalize is None,
                env.optimized,
                (env.block_start_string, env.block_end_string),
                (env.variable_start_string, env.variable_end_string),
                (env.comment_start_string, env.comment_end_string),
                (env.line_statement_prefix, env.line_comment_prefix),
                (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline),
                env.newline_sequence,
            )
        )

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get((self._options(bucket.environment), bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored if the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[(self._options(bucket.environment), bucket.key)] = bucket.bytecode_to_string()


TEMPLATES = TemplateCache()
"""The preview's compiled templates (``paperfeed serve`` only)."""


def forget(site_dir: str) -> None:
    """A build failed: the next one renders everything."""
    _LAST.pop(site_dir, None)


def _delete(site_dir: str, dest_path: str) -> None:
    """Delete a file of the site and the folders it leaves empty (never ``site_dir``)."""
    with contextlib.suppress(OSError):
        linkfiles.remove_file(site_dir, dest_path)


# ``paperfeed build`` with the build cache ------------------------------------------------

RECORD_FORMAT = 2


@dataclass(frozen=True)
class KeptSite:
    """What ``paperfeed build`` keeps of its last good build, so that the next one renders
    only the generated pages whose Markdown changed (the rest are hard links to the
    previous site's files, never written through: MkDocs writes only the files it
    renders, and the new site is built in a folder of its own, so the previous site is
    untouched until the new one replaces it):

    ``record.json``, in the build cache (``folder``: a folder of this paperfeed version's):
    the build's surroundings (:func:`surroundings`, by content), the site folder it was
    published to, and each generated file's content hash, path in the site and size
    there. The record is taken out when a build starts and written again only once its
    site is in place, so a build that fails leaves none, and the next build is full. The
    search documents of the kept pages are made from their HTML, by the process that
    links them (:class:`Linking`), or by :func:`generator.search.add_documents` for a
    closed shard's pages when that shard is indexed again. The record also holds the
    closed shards of the Pagefind index (:class:`generator.shards.Reuse`), so that a shard
    whose documents did not change is kept too, and the fragment file Pagefind made of
    each search document (:class:`generator.fragments.Fragments`), so that those of the
    documents that did not change are not made again."""

    folder: Path
    previous: Path
    """The site folder the build replaces (and reads kept pages from)."""
    everything: bool = False
    """Render every page (``--rebuild-all``), and record this build for the next one."""
    shards: Reuse = dataclasses.field(init=False)
    """The search index's closed shards, the previous build's and this one's."""
    fragments: Fragments = dataclasses.field(init=False)
    """The search index's fragment files, the previous build's and this one's."""

    def __post_init__(self) -> None:
        reuse = Reuse(self.previous / "pagefind", self.folder / "shards")
        object.__setattr__(self, "shards", reuse)
        object.__setattr__(self, "fragments", Fragments(self.previous / "pagefind"))

    @property
    def record(self) -> Path:
        return self.folder / "record.json"


def forget_kept_site(cache_folder: Path) -> None:
    """Another builder (MkDocs' or ProperDocs' own command) writes the site: the record of
    paperfeed's last build no longer tells what the site folder holds (its pages may be
    of another configuration), so the next ``paperfeed build`` keeps none of them."""
    with contextlib.suppress(OSError):
        (cache_folder / "site" / "record.json").unlink()


def _drop_record(kept: KeptSite) -> None:
    """Remove the last good build's record from the disk (this build replaces its site)."""
    with contextlib.suppress(OSError):
        kept.record.unlink()


def _read_record(kept: KeptSite) -> tuple[Built, dict[str, int]] | None:
    """The last good build's record; None when there is none, it does not parse, or it
    is of another site folder."""
    try:
        data = json.loads(kept.record.read_bytes())
    except (OSError, ValueError):
        return None
    try:
        if data["format"] != RECORD_FORMAT or data["site"] != os.fspath(kept.previous):
            return None
        if not kept.everything:
            kept.shards.read_json(data.get("shards"))
            kept.fragments.read_json(data.get("fragments"))
        pages = {str(src): (str(h), str(dest)) for src, h, dest, _ in data["pages"]}
        sizes = {str(dest): int(size) for _, _, dest, size in data["pages"]}
        return Built(str(data["surroundings"]), pages), sizes
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class HeadStart:
    """What ``paperfeed build`` does of its kept site before it generates the pages
    (:func:`head_start`): the previous build's record, read, and the pages it lists
    being linked into the new site on the other core (with the search documents of those
    not in a closed shard, into :attr:`documents`, when the previous site has a Pagefind
    bundle). :func:`plan_kept` keeps the pages that did not change, and removes the others
    again before MkDocs writes any."""

    last: tuple[Built, dict[str, int]] | None
    linking: Linking | None = None
    documents: Path | None = None

    def cancel(self) -> None:
        """The build failed: stop the linking, drop the documents."""
        if self.linking is not None:
            self.linking.cancel()
        if self.documents is not None:
            remove_scratch(self.documents)
            self.documents = None

    def undo(self, site_dir: str) -> None:
        """The build keeps nothing after all: stop the linking, empty ``site_dir`` and the
        documents' folder (the Pagefind stand-in writes there)."""
        if self.linking is not None:
            self.linking.cancel()
            clean_directory(site_dir)
            if self.documents is not None:
                clean_directory(os.fspath(self.documents))


def head_start(kept: KeptSite, site_dir: str) -> HeadStart:
    """Read the previous build's record and start linking the pages it lists into
    ``site_dir`` (a new, empty folder), while this build generates its pages: most of
    them are kept (:class:`HeadStart`). The record is taken out by :func:`plan_kept`: a
    build whose inputs do not parse leaves it for the next."""
    if kept.everything:
        return HeadStart(None)
    last = _read_record(kept)
    if last is None or not kept.previous.is_dir():
        return HeadStart(last)
    paths = sorted({dest for _, dest in last[0].pages.values()})
    documents = None
    if (kept.previous / "pagefind").is_dir():
        documents = new_scratch()
    closed = kept.shards.known()
    documented = [p for p in paths if p.endswith(".html") and p not in closed]
    linking = Linking.start(kept.previous, site_dir, paths, documents, documented)
    return HeadStart(last, linking, documents)


def plan_kept(
    kept: KeptSite,
    site_dir: str,
    surroundings: str,
    files: list[tuple[PreviewFile, Content]],
    partial_ok: bool,
    documents: Path | None = None,
    head: HeadStart | None = None,
) -> Plan:
    """Decide what ``paperfeed build`` renders into ``site_dir``, an empty folder: a
    generated file whose Markdown has the last good build's hash, and whose HTML is in
    the previous site with the size it had, is kept and not rendered. The kept files are
    hard-linked into ``site_dir`` (copied where links are not possible) by a child
    process (:class:`Linking`): with a ``head`` start (:func:`head_start`), every page of
    the previous build was linked while the pages were generated, and those not kept are
    removed again now, before MkDocs writes any (nothing is kept: ``site_dir`` is emptied);
    else the kept ones are linked while MkDocs renders the others. They are in place once
    :meth:`Plan.linking`'s :meth:`~Linking.finish` returns. With ``documents`` (the
    Pagefind stand-in's folder), the same process writes there the search documents of
    the kept pages but those of the previous build's closed shards
    (:attr:`Linking.documented`)."""
    last = _read_record(kept) if head is None else head.last  # (read when it started)
    _drop_record(kept)
    built = _built(surroundings, files)
    if (
        last is None
        or last[0].surroundings != surroundings
        or not partial_ok
        or not kept.previous.is_dir()
    ):
        if head is not None:
            head.undo(site_dir)
        return Plan(True, len(files), built)
    old, sizes = last
    keeping: list[str] = []
    previous = os.fspath(kept.previous)

    def there(f: PreviewFile) -> bool:
        if not has_size(os.path.join(previous, f.dest_path), sizes.get(f.dest_path, -1)):
            return False
        keeping.append(f.dest_path)
        return True

    rendered = _keep(files, built, old, there)
    linking = None
    if head is not None and head.linking is not None:
        linking = head.linking
        linking.keep_only(keeping)
    elif keeping:
        # Their search documents too, but for a closed shard's pages: made only if that
        # shard is indexed again (generator.search.run_pagefind).
        documented = []
        if documents is not None:
            closed = kept.shards.known()
            documented = [p for p in keeping if p.endswith(".html") and p not in closed]
        linking = Linking.start(kept.previous, site_dir, keeping, documents, documented)
    return Plan(False, rendered, built, linking=linking)


@dataclass
class Linking:
    """The child process (:mod:`generator.linkfiles`) that hard-links the kept pages of
    the previous site into the new one, on the machine's other core while the build
    generates its pages (:func:`head_start`; those that changed are removed again,
    :meth:`keep_only`) or MkDocs renders. Nothing reads the new site before :meth:`finish`;
    a build that fails calls :meth:`cancel` before it deletes the new site's folder.
    Where no process can be started, the pages are linked at once, in this one.

    A target that exists is never written through (it is refused), and MkDocs writes
    only the pages it renders, none of which is kept (nor linked any more)."""

    process: subprocess.Popen[bytes] | None
    previous: Path
    paths: tuple[str, ...]
    """The paths it links (those it keeps: :meth:`keep_only`)."""
    documented: frozenset[str] = frozenset()
    """The kept pages whose search documents it writes (those it can: not a page without
    an article to index)."""
    failed: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """The paths that could not be linked (or their documents written), and why (once
    known)."""
    done: bool = False
    """Whether the child has been waited for."""
    site_dir: str = ""
    documents: str = ""
    """The folders it links into and writes the search documents into ("": none)."""
    _read: bytes = b""
    """What :meth:`documents_written` read of the child's output."""
    _removals: bytes | None = None
    """The paths the child removes again (:meth:`keep_only`), NUL-terminated."""

    @classmethod
    def start(
        cls,
        previous: Path,
        site_dir: str,
        paths: list[str],
        documents: Path | None = None,
        documented: list[str] | None = None,
    ) -> Linking:
        """Link ``paths`` from ``previous`` into ``site_dir``, and write the search
        documents of ``documented`` (some of ``paths``) into ``documents``."""
        wanted = (documented or []) if documents is not None else []
        folder = os.fspath(documents) if documents is not None and wanted else ""
        linking = cls(
            None, previous, tuple(paths), frozenset(wanted), site_dir=site_dir, documents=folder
        )
        script = linkfiles.__file__
        frozen = getattr(sys, "frozen", False)  # sys.executable is the application
        if sys.executable and not frozen and script and os.path.isfile(script):
            fields = [os.fspath(previous), site_dir, folder, *paths, "", *wanted]
            listing = os.fsencode("\0".join(fields))
            try:
                linking.process = _start_linking(script)
            except OSError:
                pass
            else:
                assert linking.process.stdin is not None
                with contextlib.suppress(OSError):  # it stopped: finish() says how
                    linking.process.stdin.write(b"%d\n" % len(listing) + listing)
                    linking.process.stdin.flush()
                return linking
        # No interpreter to start, or no file to give it (an embedded or zipped Python):
        # here, now.
        linking.failed = linkfiles.link_files(os.fspath(previous), site_dir, paths)
        if folder:
            linking.failed += linkfiles.make_documents(os.fspath(previous), folder, wanted)
        linking.done = True
        return linking

    @property
    def count(self) -> int:
        """How many pages it links."""
        return len(self.paths)

    def keep_only(self, keeping: list[str]) -> None:
        """Of the pages it links, keep ``keeping`` only: the others (and their search
        documents) are removed again from the new site, which MkDocs may then write. Waits
        for the child (:meth:`finish`)."""
        keep = set(keeping)
        removals = [p for p in self.paths if p not in keep]
        self.paths = tuple(keeping)
        self.documented = frozenset(p for p in self.documented if p in keep)
        if self.process is None or self.done:
            self.failed = [f for f in self.failed if f[0] in keep]
            self.failed += linkfiles.remove_files(self.site_dir, self.documents, removals)
        else:
            self._removals = os.fsencode("".join(p + "\0" for p in removals))
        self.finish()

    def documents_written(self) -> None:
        """Wait for the search documents of :attr:`documented` to be written (the child
        writes them before it links the pages: Pagefind may read them while it links);
        OSError if the child stopped before (:meth:`finish`'s). A document that could not
        be written is named by :meth:`finish`."""
        if self.process is None or self.done:
            return
        assert self.process.stdout is not None
        try:
            while not _documents_end(self._read):
                chunk = os.read(self.process.stdout.fileno(), 1 << 16)
                if not chunk:
                    self.finish()  # it stopped: why
                    return
                self._read += chunk
        except BaseException:  # interrupted: the child must not outlive the build
            self.cancel()
            raise

    def finish(self) -> None:
        """Wait for the kept pages to be in place; OSError naming the first that is not."""
        if self.process is not None and not self.done:
            try:
                out, err = self.process.communicate(self._removals or None)
            except BaseException:  # interrupted: the child must not outlive the build
                self.cancel()
                raise
            self.done = True
            if self.process.returncode != 0:
                last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
                raise OSError(
                    f"could not keep the {self.count} unchanged pages from the previous site "
                    f"(the process linking them exited with {self.process.returncode}: "
                    f"{last[0]})"
                )
            kept = set(self.paths)
            self.failed = [
                (path, why)
                for path, why in _failures(self._read + out)
                if path in kept or why.startswith(linkfiles.REMOVING)
            ]
        if self.failed:
            path, why = self.failed[0]
            raise OSError(
                f"could not keep {len(self.failed)} of the {self.count} unchanged pages from "
                f"the previous site ({self.previous}), the first {path}: {why}"
            )

    def cancel(self) -> None:
        """Stop the child (the build failed) and wait for it."""
        if self.process is None or self.done:
            return
        self.done = True
        if self.process.returncode is None:
            self.process.kill()
        self.process.communicate()


def _failures(output: bytes) -> list[tuple[str, str]]:
    """The paths the child (:mod:`generator.linkfiles`) could not put in place or
    document, and why: NUL-separated pairs, with one empty field between the documents'
    and the links'."""
    fields = os.fsdecode(output).split("\0")[:-1]  # (what follows the last NUL: nothing)
    failed, at = [], 0
    while at < len(fields):
        if not fields[at]:  # where a path would be: the end of the documents' part
            at += 1
            continue
        failed.append((fields[at], fields[at + 1] if at + 1 < len(fields) else ""))
        at += 2
    return failed


def _documents_end(output: bytes) -> bool:
    """Whether ``output``, the start of the child's, has the field that ends the part of
    the search documents (an empty one where a path would be)."""
    fields = output.split(b"\0")[:-1]  # the whole fields
    return any(not field for field in fields[0::2])


def _start_linking(script: str) -> subprocess.Popen[bytes]:
    """Run ``script`` (:mod:`generator.linkfiles`) in a child process, its standard input
    a pipe."""
    return subprocess.Popen(
        [sys.executable, "-I", "-S", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def save_record(kept: KeptSite, plan: Plan) -> None:
    """Record a build whose site is now in place at ``kept.previous`` (see
    :class:`KeptSite`); the files' sizes are read there. Written atomically."""
    rows = []
    site = os.fspath(kept.previous)  # strings: a Path a file costs more than its stat
    for src_uri, (digest, dest_path) in sorted(plan.built.pages.items()):
        try:
            size = os.stat(os.path.join(site, dest_path)).st_size
        except OSError:
            continue  # not in the site (a page left out): rendered again next time
        rows.append([src_uri, digest, dest_path, size])
    data = {
        "format": RECORD_FORMAT,
        "site": os.fspath(kept.previous),
        "surroundings": plan.built.surroundings,
        "pages": rows,
        "shards": kept.shards.to_json(),
        "fragments": kept.fragments.to_json(),
    }
    kept.folder.mkdir(parents=True, exist_ok=True)
    partial = kept.record.with_name(f".{kept.record.name}.{os.getpid()}")
    partial.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
    os.replace(partial, kept.record)
    kept.shards.prune()
