"""The only module that writes to disk: atomic, incremental folder updates.

A folder is never modified in place. :func:`sync_tree` builds the new version
next to it (hard-linking every file whose bytes did not change, so unchanged
files keep their inode and mtime and are not rewritten), then
:func:`swap_in` exchanges the two with renames. A crash at any point leaves
either the old or the new folder complete; :func:`recover` (run at the start of
every build) puts the old one back if a crash fell between the two renames.
A large previous tree can be deleted by a detached process once the new one is
in place (``swap_in(..., detach_cleanup=True)``): on a slow disk, unlinking
twenty thousand files takes longer than building them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.model import Content

MANIFEST = ".paperfeed-manifest.json"


@dataclass(frozen=True)
class WriteStats:
    written: int
    """Files whose content is new or changed."""
    unchanged: int
    """Files kept as they were (hard-linked into the new tree)."""
    removed: int
    """Stale files of the previous tree that are gone."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_relpath(path: str) -> PurePosixPath:
    """``path`` as a relative path that cannot leave its folder, or ValueError."""
    check_relpath(path)
    return PurePosixPath(path)


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
    leftovers = [*parent.glob(f".{dest.name}.new-*"), *parent.glob(f".{dest.name}.trash-*")]
    for leftover in [*backups, *leftovers]:
        shutil.rmtree(leftover, ignore_errors=True)


def new_sibling(dest: Path) -> Path:
    """An empty temporary folder next to ``dest`` (same file system, so renames are atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))


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


def _link(old: str, target: str) -> bool:
    """Hard-link the previous build's file ``old`` at ``target``; False when it cannot be
    (the old file is gone or is not a file)."""
    try:
        os.link(old, target)
    except OSError:
        return False
    return True


def _write_pieces(pieces: Iterator[bytes], target: str) -> str:
    """Write ``pieces`` to a new file ``target``; the content's hash (as :func:`_digest`)."""
    h = hashlib.sha256()
    with open(target, "xb") as f:
        for piece in pieces:
            h.update(piece)
            f.write(piece)
    return h.hexdigest()


def sync_tree(
    files: Mapping[str, Content] | Iterable[tuple[str, Content]], dest: Path
) -> WriteStats:
    """Make ``dest`` hold exactly ``files`` (relative POSIX path -> content), atomically.

    ``files`` is a mapping or an iterable of pairs (consumed once, so a large site can be
    written as it is rendered); a content given in pieces is written as they come, never
    held whole. A file whose content hash matches the previous build's
    manifest is hard-linked from the old tree instead of written. Files not in ``files``
    disappear. Two files with the same path are refused.
    """
    recover(dest)
    previous = _old_manifest(dest)
    new = new_sibling(dest)
    manifest: dict[str, str] = {}
    # Plain strings, not Path objects: this loop runs once per page of a large site.
    new_s, dest_s = os.fspath(new), os.fspath(dest)
    folders = {""}
    pieces = f"{new_s}/.paperfeed-pieces"
    written = unchanged = 0
    try:
        pairs = files.items() if isinstance(files, Mapping) else files
        for path, content in pairs:
            if path in manifest:
                raise ValueError(f"two files want the path {path!r}")
            check_relpath(path)
            folder = path.rpartition("/")[0]
            if folder not in folders:
                os.makedirs(f"{new_s}/{folder}", exist_ok=True)
                while folder not in folders:
                    folders.add(folder)
                    folder = folder.rpartition("/")[0]
            target = f"{new_s}/{path}"
            data = None
            if isinstance(content, str | bytes):
                data = content.encode("utf-8") if isinstance(content, str) else content
                digest = _digest(data)
            else:  # written as it comes, to a side file, before its hash is known
                digest = _write_pieces(content, pieces)
            manifest[path] = digest
            if previous.get(path) == digest and _link(f"{dest_s}/{path}", target):
                unchanged += 1  # the old file, its inode and mtime
                if data is None:
                    os.unlink(pieces)
                continue
            if data is None:
                os.replace(pieces, target)
            else:
                with open(target, "xb") as f:
                    f.write(data)
            written += 1
        (new / MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True), "utf-8")
        swap_in(new, dest)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    removed = len(set(previous) - set(manifest))
    return WriteStats(written=written, unchanged=unchanged, removed=removed)
