"""The only module that writes to disk: atomic, incremental folder updates.

A build never leaves a folder half-written by a failure. :func:`sync_tree` writes the
files that are new or changed to a staging folder beside the old one, and touches the
old folder only once everything is rendered. The first time, the staging folder is
swapped in whole with renames (:func:`swap_in`); after that, only the difference is
moved in, so the unchanged files (most of them, when one digest is added to a large
feed) are not even opened, and keep their inode and mtime. A manifest of content
hashes, removed while the difference is applied and written last, tells the next build
what it can trust; without one it writes everything afresh.

:func:`recover` (run at the start of every build) puts the old folder back if a crash fell
between the two renames of a swap, and deletes leftover staging folders. A large
previous tree can be deleted by a detached process once the new one is in place
(``swap_in(..., detach_cleanup=True)``): on a slow disk, unlinking twenty thousand
files takes longer than building them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from generator.ids import file_digest
from generator.linkfiles import remove_file
from generator.lock import hold, in_use, release
from generator.model import Content, Known, Stored
from generator.outputs import MARKER as OWNED
from generator.outputs import MARKER_TEXT

MANIFEST = ".paperfeed-manifest.json"
PIECES = ".paperfeed-pieces"
"""The side file a content given in pieces is written to before its hash is known."""
RESERVED = frozenset({MANIFEST, PIECES, OWNED})
"""Names the writer uses itself: never a generated file's path."""


@dataclass(frozen=True)
class WriteStats:
    written: int
    """Files whose content is new or changed."""
    unchanged: int
    """Files kept as they were (not opened, same inode and mtime)."""
    removed: int
    """Files of the previous tree that are gone: stale ones, and anything else the build
    did not write (a symlink, say)."""


def safe_relpath(path: str) -> PurePosixPath:
    """``path`` as a relative path that cannot leave its folder, or ValueError."""
    check_relpath(path)
    return PurePosixPath(path)


def has_size(path: str, size: int) -> bool:
    """Whether the file at ``path`` is there with ``size`` bytes."""
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


def check_relpath(path: str) -> None:
    """Raise ValueError unless ``path`` is a relative POSIX path that stays in its folder:
    no leading ``/``, no empty, ``.`` or ``..`` part, no backslash or NUL, each part at
    most 255 bytes."""
    parts = path.split("/")
    if path.startswith("/") or "" in parts or "." in parts or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    portable = "\\" not in path and "\x00" not in path
    if portable and not path.isascii():
        try:
            path.encode()
        except UnicodeEncodeError:  # a lone surrogate
            portable = False
    # A part of at most 63 characters is at most 252 bytes of UTF-8.
    if not portable or any(len(part) > 63 and len(part.encode()) > 255 for part in parts):
        raise ValueError(f"not a portable file name: {path!r}")


def _old_manifest(dest: Path) -> dict[str, str]:
    try:
        data = json.loads((dest / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recover(dest: Path) -> None:
    """Undo a swap interrupted between its two renames; drop leftovers of crashed builds."""
    parent = dest.parent
    if not parent.is_dir():
        return
    backups = sorted(parent.glob(f".{dest.name}.old-*"))
    if not dest.exists() and backups:
        os.replace(backups[-1], dest)
        backups = backups[:-1]
    # A staging folder whose build still runs (it holds the folder's lock) is not a leftover.
    staging = [p for p in parent.glob(f".{dest.name}.new-*") if not in_use(p)]
    for leftover in [*backups, *staging, *parent.glob(f".{dest.name}.trash-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def new_sibling(dest: Path) -> Path:
    """An empty temporary folder next to ``dest`` (same file system, so renames are atomic),
    locked by this process until it is swapped in or discarded (:func:`discard`), and with
    the mode a folder made by hand would have (the umask's, not ``mkdtemp``'s 0700)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    os.chmod(folder, 0o777 & ~_umask())
    hold(folder)
    return folder


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def discard(staging: Path) -> None:
    """Delete a staging folder :func:`new_sibling` made and drop its lock."""
    shutil.rmtree(staging, ignore_errors=True)
    release(staging)


def swap_in(new: Path, dest: Path, *, detach_cleanup: bool = False) -> None:
    """Make ``new`` become ``dest``; the previous ``dest`` is removed afterwards.

    With ``detach_cleanup`` the previous tree is renamed to ``.<name>.trash-*`` (never
    mistaken for a backup by :func:`recover`) and deleted by a detached process, so the
    caller does not wait for it; :func:`recover` removes any trash a crash left behind.
    """
    old = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.rmdir(old)
        os.replace(dest, old)
    os.replace(new, dest)
    release(new)
    if old is None:
        return
    if detach_cleanup:
        trash = old.with_name(old.name.replace(".old-", ".trash-", 1))
        os.replace(old, trash)
        try:
            cleaner = subprocess.Popen(
                [sys.executable, "-c", _DELETE, os.fspath(trash)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            _DETACHED.append(cleaner)  # not collected (and warned about) while it runs
            return
        except OSError:
            old = trash
    shutil.rmtree(old, ignore_errors=True)


_DETACHED: list[subprocess.Popen[bytes]] = []
_DELETE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def _write_pieces(pieces: Iterator[bytes], target: str) -> str:
    """Write ``pieces`` to a new file ``target``; the content's hash (as :func:`file_digest`)."""
    h = hashlib.sha256()
    with open(target, "xb") as f:
        for piece in pieces:
            h.update(piece)
            f.write(piece)
    return h.hexdigest()


def _scan(dest: str, since: int | None = None) -> tuple[set[str], list[str], set[str]]:
    """The regular files under ``dest`` (relative POSIX paths), everything else in it
    that is not a folder (symlinks, sockets...), which no build writes, and the files
    changed after ``since`` (nanoseconds: the manifest's time, written after every file
    of its build), which no build wrote as they are."""
    files: set[str] = set()
    others: list[str] = []
    touched: set[str] = set()
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(f"{dest}/{folder}" if folder else dest))
        except OSError:
            continue
        for entry in entries:
            path = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                files.add(path)
                if since is not None and entry.stat(follow_symlinks=False).st_mtime_ns > since:
                    touched.add(path)
            else:
                others.append(path)
    return files, others, touched


def sync_tree(
    files: Mapping[str, Content] | Iterable[tuple[str, Content]], dest: Path
) -> WriteStats:
    """Make ``dest`` hold exactly ``files`` (relative POSIX path -> content).

    ``files`` is a mapping or an iterable of pairs (consumed once, so a large site can be
    written as it is rendered); a content given in pieces is written as they come, never
    held whole. Two files with the same path are refused.

    Every new or changed file is written to a staging folder beside ``dest``; ``dest`` is
    not touched until all of ``files`` has been rendered and written, so a failure (a
    refused path, an error while rendering) leaves it as it was. Then:

    - on a first build, or after one that did not finish (no manifest), the staging
      folder is swapped in whole (:func:`swap_in`);
    - otherwise only the difference is applied: the manifest is removed, stale files go,
      the changed files are renamed into place, and the new manifest is written last. A
      file whose hash matches the previous manifest is not touched at all (same inode
      and mtime), so a small change to a large feed costs little. A crash while the
      difference is applied leaves no manifest: the next build writes everything afresh.

    This is :func:`stage_tree` and :meth:`Staged.apply` at once.
    """
    staged = stage_tree(files, dest)
    try:
        return staged.apply()
    finally:
        staged.discard()


def stage_tree(files: Mapping[str, Content] | Iterable[tuple[str, Content]], dest: Path) -> Staged:
    """The first half of :func:`sync_tree`: write the new and changed files to a staging
    folder beside ``dest`` and leave ``dest`` as it is until :meth:`Staged.apply`.

    Meanwhile :meth:`Staged.contents` reads every file back from where it is (the staging
    folder or, unchanged, ``dest``): a build writes its pages first and hands them to
    MkDocs from the disk, so it never holds them all in memory. The caller must call
    :meth:`Staged.discard` in the end, applied or not (a ``finally``)."""
    recover(dest)
    dest_s = os.fspath(dest)
    previous = _old_manifest(dest)
    present: set[str] = set()
    others: list[str] = []
    if previous:
        try:
            since: int | None = os.stat(f"{dest_s}/{MANIFEST}").st_mtime_ns
        except OSError:
            since = None
        present, others, touched = _scan(dest_s, since)
        # A file edited or cut short since its build is no copy of what the manifest says:
        # made again (and then handed to MkDocs) like a changed one.
        previous = {k: v for k, v in previous.items() if k not in touched}
    new = new_sibling(dest)
    manifest: dict[str, str] = {}
    changed: list[str] = []
    # Plain strings, not Path objects: this loop runs once per page of a large site.
    new_s = os.fspath(new)
    folders = {""}
    pieces = f"{new_s}/{PIECES}"
    try:
        pairs = files.items() if isinstance(files, Mapping) else files
        for path, content in pairs:
            if path in manifest:
                raise ValueError(f"two files want the path {path!r}")
            if path in RESERVED:
                raise ValueError(f"{path!r} is a name the writer keeps for itself")
            check_relpath(path)
            data = None
            if isinstance(content, Known):
                digest = content.digest
                if previous.get(path) == digest and path in present:
                    manifest[path] = digest
                    continue  # the file in dest is already right: never made
                data = content.make()
            elif isinstance(content, str | bytes):
                data = content.encode("utf-8") if isinstance(content, str) else content
                digest = file_digest(data)
            else:  # written as it comes, to a side file, before its hash is known
                digest = _write_pieces(content, pieces)
            manifest[path] = digest
            if previous.get(path) == digest and path in present:
                if data is None:
                    os.unlink(pieces)
                continue  # the file in dest is already right
            folder = path.rpartition("/")[0]
            if folder not in folders:
                os.makedirs(f"{new_s}/{folder}", exist_ok=True)
                while folder not in folders:
                    folders.add(folder)
                    folder = folder.rpartition("/")[0]
            target = f"{new_s}/{path}"
            if data is None:
                os.replace(pieces, target)
            else:
                with open(target, "xb") as f:
                    f.write(data)
            changed.append(path)
        _check_files_and_folders(manifest)
        (new / OWNED).write_text(MARKER_TEXT, "utf-8")
    except BaseException:
        discard(new)
        raise
    stale = [*sorted(present - manifest.keys() - {MANIFEST, OWNED}), *others] if previous else []
    return Staged(dest, new, manifest, changed, stale, bool(previous))


class Staged:
    """A tree :func:`stage_tree` wrote beside ``dest``, not yet applied."""

    KEPT = 4
    """How many texts :meth:`text` keeps: MkDocs reads one page's text a few times in a
    row (its source, its Markdown, its content), then the next page's."""

    def __init__(
        self,
        dest: Path,
        new: Path,
        manifest: dict[str, str],
        changed: list[str],
        stale: list[str],
        incremental: bool,
    ) -> None:
        self.dest, self.new = dest, new
        self.manifest, self.changed, self.stale = manifest, changed, stale
        self.incremental = incremental
        self.applied = False
        self._changed = frozenset(changed)
        self._kept: dict[str, str] = {}

    def where(self, path: str) -> str:
        """Where the bytes of ``path`` are now: the staging folder or ``dest``."""
        staged = not self.applied and (not self.incremental or path in self._changed)
        return f"{self.new if staged else self.dest}/{path}"

    def read(self, path: str) -> bytes:
        with open(self.where(path), "rb") as f:
            return f.read()

    def text(self, path: str) -> str:
        """The text of ``path`` (UTF-8), from the last few read or from the disk."""
        text = self._kept.pop(path, None)
        if text is None:
            text = self.read(path).decode("utf-8")
            if len(self._kept) >= self.KEPT:
                del self._kept[next(iter(self._kept))]
        self._kept[path] = text  # the newest last
        return text

    def contents(self) -> dict[str, Stored]:
        """Every file by path (sorted), as :class:`Stored` contents read from the disk."""
        return {
            path: Stored(digest, partial(self.read, path), partial(self.text, path))
            for path, digest in sorted(self.manifest.items())
        }

    def apply(self) -> WriteStats:
        """Bring ``dest`` to the staged tree (see :func:`sync_tree`)."""
        assert not self.applied, "a staged tree is applied once"
        if not self.incremental:
            (self.new / MANIFEST).write_text(_manifest_text(self.manifest), "utf-8")
            swap_in(self.new, self.dest)
            self.applied = True
            return WriteStats(written=len(self.changed), unchanged=0, removed=0)
        _apply(
            os.fspath(self.new),
            os.fspath(self.dest),
            self.changed,
            self.stale,
            _manifest_text(self.manifest),
        )
        self.applied = True
        return WriteStats(
            written=len(self.changed),
            unchanged=len(self.manifest) - len(self.changed),
            removed=len(self.stale),
        )

    def discard(self) -> None:
        """Delete the staging folder (what :meth:`apply` did not move in) and its lock."""
        self._kept.clear()
        discard(self.new)


def _check_files_and_folders(paths: Iterable[str]) -> None:
    """Raise ValueError when a path is also a folder of another one (``a`` and ``a/b``):
    found before the folder is touched, not half-way through moving files in."""
    files = set(paths)
    for path in files:
        folder = path.rpartition("/")[0]
        while folder:
            if folder in files:
                raise ValueError(f"{folder!r} would be both a file and a folder")
            folder = folder.rpartition("/")[0]


def _manifest_text(manifest: dict[str, str]) -> str:
    return json.dumps(manifest, indent=0, sort_keys=True)


def _apply(new: str, dest: str, changed: list[str], stale: list[str], manifest: str) -> None:
    """Bring ``dest`` to the new tree: remove ``stale`` paths (and the folders they leave
    empty), move the ``changed`` files in from the staging folder ``new``, write
    ``manifest`` last. The old manifest goes first: until the new one is written, the
    next build will not trust what it finds."""
    os.unlink(f"{dest}/{MANIFEST}")
    os.replace(f"{new}/{OWNED}", f"{dest}/{OWNED}")  # a copy from before the marker gets one
    for path in stale:
        remove_file(dest, path)
    made: set[str] = {""}
    for path in changed:
        folder = path.rpartition("/")[0]
        if folder not in made:
            os.makedirs(f"{dest}/{folder}", exist_ok=True)
            made.add(folder)
        os.replace(f"{new}/{path}", f"{dest}/{path}")
    with open(f"{new}/{MANIFEST}", "w", encoding="utf-8") as f:
        f.write(manifest)
    os.replace(f"{new}/{MANIFEST}", f"{dest}/{MANIFEST}")


def replace_text(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically (a sibling file renamed over it) unless the
    file holds it already; True when it was written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True
