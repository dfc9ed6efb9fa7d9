"""The build cache: results of the steps that depend on one input each, kept between builds.

Reading a digest depends only on its file (name and bytes), and a paper's topics and
tags only on its text and the taxonomy, so a build that adds one digest to a large
feed need not parse or classify the others again. Both are memoised here, on disk,
in the folder Material's plugins use for theirs (``.cache/plugin/paperfeed``):

- ``<code>/digests/<key>.pickle``: one parsed digest and its warnings, keyed by a hash
  of the file's name, the name it is shown as, and its bytes;
- ``<code>/classes-<taxonomy>.pickle``: paper key -> (topics, tags), keyed by a hash
  of everything classification reads (:func:`generator.classify.paper_key`).

``<code>`` is a hash of paperfeed's own source and the Python version, so a new
version never reads results of an old one. The results are those of pure functions,
so a build from the cache is byte-identical to a build without it (tested). A cache
file that cannot be read is ignored and rewritten; files are replaced atomically;
after a build, the entries it did not use and the folders of other versions are
deleted (nothing else in the cache folder is touched), so the cache holds about one
copy of the inputs. Pickles are trusted: the cache belongs to the project,
like ``__pycache__``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, TypeVar

from generator.model import Taxonomy

DEFAULT_DIR = ".cache/plugin/paperfeed"
_VERSION = re.compile(r"[0-9a-f]{16}")
"""The name of a folder :func:`code_version` made."""

V = TypeVar("V")


@functools.cache
def code_version() -> str:
    """A hash of paperfeed's source files and the Python version."""
    h = hashlib.blake2b(digest_size=8)
    h.update(repr(sys.version_info[:2]).encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yml") and path.is_file():
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def key(*parts: str | bytes) -> str:
    """A short hex hash of ``parts`` (each length-prefixed, so no two lists collide)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _load(path: Path) -> Any:
    """The object pickled in ``path``, or None when it is missing or unreadable."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: rebuilt, never fatal
        return None


def _save(path: Path, value: object) -> None:
    """Pickle ``value`` into ``path`` atomically; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


class Memo(MutableMapping[str, V]):
    """Results by key: those found in ``old`` (the previous build's) or set in this build.

    Only the entries this build looked up or set are kept (:attr:`used`): what it did
    not need is forgotten when the cache is saved.
    """

    def __init__(self, old: dict[str, V] | None = None) -> None:
        self.old: dict[str, V] = old or {}
        self.used: dict[str, V] = {}

    def _missing(self, name: str) -> V:
        return self.old[name]

    def __getitem__(self, name: str) -> V:
        try:
            return self.used[name]
        except KeyError:
            value = self.used[name] = self._missing(name)
            return value

    def __setitem__(self, name: str, value: V) -> None:
        self.used[name] = value

    def __delitem__(self, name: str) -> None:
        del self.used[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)

    @property
    def changed(self) -> bool:
        """True when the entries used differ from the previous build's."""
        return self.used.keys() != self.old.keys()


class _Files(Memo[V]):
    """A memo kept as one pickle file per key in ``folder``, read when looked up."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def _missing(self, name: str) -> V:
        value = _load(self.folder / f"{name}.pickle")
        if value is None:
            raise KeyError(name)
        self.old[name] = value
        return value  # type: ignore[no-any-return]

    def save(self) -> None:
        """Write the entries set in this build; delete the files of those it did not use."""
        for name, value in sorted(self.used.items()):
            if name not in self.old:
                _save(self.folder / f"{name}.pickle", value)
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.stem not in self.used:
                    path.unlink()


class BuildCache:
    """The memos of one build (see the module docstring); call :meth:`save` after it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / code_version()
        self.digests: _Files[Any] = _Files(self.folder / "digests")
        """Digest key (:func:`generator.digests.digest_key`) -> (Digest, warnings)."""
        self._classes: dict[str, Memo[Any]] = {}

    def classes(self, taxonomy: Taxonomy) -> Memo[Any]:
        """Paper key -> (topics, tags) under ``taxonomy`` (the same memo on every call)."""
        name = f"classes-{key(repr(taxonomy))}"
        if name not in self._classes:
            loaded = _load(self.folder / f"{name}.pickle")
            self._classes[name] = Memo(loaded if isinstance(loaded, dict) else None)
        return self._classes[name]

    def save(self) -> None:
        """Write what this build computed and delete what it did not use."""
        self.digests.save()
        for name, memo in sorted(self._classes.items()):
            if memo.changed:
                _save(self.folder / f"{name}.pickle", memo.used)
        with contextlib.suppress(OSError):
            for path in self.folder.glob("classes-*.pickle"):
                if path.stem not in self._classes:
                    path.unlink()
            for path in self.root.iterdir():  # older paperfeeds' caches, nothing else
                if path != self.folder and _VERSION.fullmatch(path.name) and path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
