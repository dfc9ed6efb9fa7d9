"""Locks: one build at a time per project, and staging folders that show whether the build
that made them still runs.

Both are ``flock`` locks on a folder itself (no lock file to leave behind or to publish):
the kernel drops them when the process ends, however it ends (``kill -9`` included), so
a lock held always means a build that is running. Where ``fcntl`` is missing (Windows)
nothing is locked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

_HELD: dict[str, int] = {}
"""Folder -> the open descriptor that holds its lock (:func:`hold`)."""


def _open(folder: Path | str) -> int | None:
    try:
        return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


@contextlib.contextmanager
def exclusive(folder: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``folder`` for the duration; when another process holds it, call
    ``waiting`` once and wait for it (Ctrl-C still interrupts the wait)."""
    fd = _open(folder) if fcntl is not None else None
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def hold(folder: Path) -> None:
    """Lock ``folder`` (a staging folder this process just made) until :func:`release`."""
    fd = _open(folder) if fcntl is not None else None
    if fd is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return
    _HELD[os.fspath(folder)] = fd


def release(folder: Path) -> None:
    """Drop the lock :func:`hold` took on ``folder`` (gone or renamed: no matter)."""
    fd = _HELD.pop(os.fspath(folder), None)
    if fd is not None:
        os.close(fd)


def in_use(folder: Path) -> bool:
    """True when a running process holds the lock of ``folder`` (its build is not over)."""
    if fcntl is None or os.fspath(folder) in _HELD:
        return os.fspath(folder) in _HELD
    fd = _open(folder)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False
