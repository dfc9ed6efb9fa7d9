"""Errors that name the file, the line and what is wrong.

Every problem with the curator's input is a :class:`Problem`; a step that finds
any raises :class:`InputError` carrying all of them, so the person sees every
mistake at once (MkDocs' config validation does the same), formatted as
``file:line: message``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file."""

    file: str
    """The file as the user named it (relative to the working directory when possible)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file or folder."""
    message: str
    """What is wrong, starting in lower case, with the bad value quoted with ``!r``."""

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class ProblemLog:
    """Collects the problems of one file, so that a reader can report all of them at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))


def decode_utf8(data: bytes, source: str, *, refuse_nul: bool = False) -> str:
    """The UTF-8 text of an input file, a BOM dropped, line ends LF (as ``read_text``); raises
    InputError naming the line of the first byte that is not UTF-8 (or NUL: ``refuse_nul``)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    bad = data.find(b"\0") if refuse_nul else -1
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = err.start if bad < 0 else min(bad, err.start)
    if bad >= 0:
        line = data.count(b"\n", 0, bad) + 1
        raise InputError(Problem(source, line, f"not UTF-8 text (invalid byte 0x{data[bad]:02x})"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


class InputError(Exception):
    """The inputs cannot be built; ``problems`` lists every reason (sorted)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


class BuildFailed(Exception):
    """MkDocs refused the config or the site (a strict-mode warning, a broken link), or
    the output could not be written."""

    def __init__(self, message: str, *, site_published: bool = False) -> None:
        super().__init__(message)
        self.site_published = site_published
        """True when the failure came after the new site was in place (or there is none)."""
        self.previous_site: Path | None = None
        """The site a failure before that left as it was, when there is one."""


@contextmanager
def signals_to(handler: Callable[[int, FrameType | None], Any], *signums: int) -> Iterator[None]:
    """``handler`` for ``signums`` while the block runs, the handlers before it after. In
    the main thread only (elsewhere Python cannot set handlers): in another, nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, previous in before.items():
            signal.signal(signum, previous)
