"""The build cache: results of the steps that depend on one input each, kept between builds.

Reading a digest depends only on its file (name and bytes), a paper's topics and tags
only on its text and the taxonomy, and the words it is cut into for related papers only
on its title and abstract, so a build that adds one digest to a large feed need not
parse, classify or cut up the others again. All three are memoised here, on disk,
in the folder Material's plugins use for theirs (``.cache/plugin/paperfeed``):

- ``<code>/digests/<key>.json``: one parsed digest and its warnings, keyed by a hash
  of the file's name, the name it is shown as, and its bytes (:mod:`generator.data`);
- ``<code>/classes-<taxonomy>.tsv``: paper key (a hash of everything classification
  reads, :func:`generator.classify.paper_key`) -> topics and tags, a line a paper;
- ``<code>/terms.npz``: the term counts of related papers
  (:class:`generator.related.TermCounts`), by a hash of each paper's title and abstract,
  as NumPy arrays of numbers and strings (read with ``allow_pickle=False``);
- ``<code>/pages.tsv``: page fingerprint (a hash of everything the page reads) -> hash
  of the page rendered from it (:func:`generator.render.common.page_content`), so a
  writer whose copy already holds that page is never handed it again.

``<code>`` is a hash of paperfeed's own source and the Python version, so a new
version never reads results of an old one. The results are those of pure functions,
so a build from the cache is byte-identical to a build without it (tested). The cache
holds data, never code: no pickles, so a cache restored from elsewhere (the deploy
workflow's) cannot run anything. An entry that does not parse, or does not fit the
model, is discarded with a warning (:attr:`BuildCache.discarded`) and rebuilt from the
inputs; files are replaced atomically; after a build, the entries it did not use and the
folders of other versions are deleted (nothing else in the cache folder is touched), so
the cache holds about one copy of the inputs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from generator.data import from_data, to_data
from generator.errors import Problem
from generator.ids import key
from generator.model import Digest, Taxonomy
from generator.related import TermCounts

DEFAULT_DIR = ".cache/plugin/paperfeed"
_VERSION = re.compile(r"[0-9a-f]{16}")
"""The name of a folder :func:`code_version` made."""
MARKER = "paperfeed-cache"
"""The file in every version folder paperfeed made: only such folders are ever deleted."""
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by paperfeed.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

V = TypeVar("V")


@functools.cache
def code_version() -> str:
    """A hash of paperfeed's source files (its templates included) and of what parsing and
    rendering also depend on: the exact Python (``urllib.parse`` changes in point releases),
    PyYAML and latex2mathml (the MathML of formulas)."""
    from importlib.metadata import version

    import yaml

    h = hashlib.blake2b(digest_size=8)
    h.update(f"{sys.version}\0{sys.implementation.cache_tag}\0{yaml.__version__}\0".encode())
    h.update(version("latex2mathml").encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yml", ".html") and path.is_file():
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def misplaced(folder: Path, others: dict[str, Path]) -> str | None:
    """Why ``folder`` cannot hold the cache: it is, holds or is inside one of ``others``
    (the docs, the site, the digests: MkDocs would publish the cache, or a build would
    wipe it, or serve would rebuild for it); else None."""
    folder = folder.resolve()
    for name, other in others.items():
        other = other.resolve()
        if folder == other or folder.is_relative_to(other) or other.is_relative_to(folder):
            return (
                f"cache_dir {folder} is, holds or is inside the {name} folder ({other}): "
                "give the cache a folder of its own (default .cache/plugin/paperfeed)"
            )
    return None


def _discarded(path: Path, why: object) -> Problem:
    """The warning for a cache entry that does not parse."""
    return Problem(str(path), 0, f"build cache entry discarded (it does not parse: {why})")


def _digest_entry(data: Any) -> tuple[Digest, list[Problem]]:
    """A parsed digest and its warnings from their JSON data; ValueError if they do not fit."""
    if not isinstance(data, dict) or set(data) != {"digest", "warnings"}:
        raise ValueError("expected an object with 'digest' and 'warnings'")
    return from_data(Digest, data["digest"]), from_data(list[Problem], data["warnings"])


def _digest_data(entry: tuple[Digest, list[Problem]]) -> Any:
    """What :func:`_digest_entry` reads back."""
    return {"digest": to_data(entry[0]), "warnings": to_data(entry[1])}


def _write(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write ``path`` atomically (``data``, or what the function writes to the file); a
    cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                if isinstance(data, bytes):
                    f.write(data)
                else:
                    data(f)
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
    """A memo kept as one JSON file per key in ``folder``, read when looked up."""

    def __init__(
        self,
        folder: Path,
        encode: Callable[[V], Any],
        decode: Callable[[Any], V],
        discarded: list[Problem],
    ) -> None:
        super().__init__()
        self.folder = folder
        self.encode = encode
        """A value as JSON data."""
        self.decode = decode
        """The value from a file's JSON data; ValueError when it does not fit (a miss)."""
        self.discarded = discarded

    def _missing(self, name: str) -> V:
        path = self.folder / f"{name}.json"
        try:
            data = path.read_bytes()
        except OSError:
            raise KeyError(name) from None
        try:
            value = self.decode(json.loads(data))
        except (ValueError, TypeError, RecursionError) as e:
            self.discarded.append(_discarded(path, e))
            raise KeyError(name) from None
        self.old[name] = value
        return value

    def save(self) -> None:
        """Write the entries set in this build; delete the files of those it did not use."""
        for name, value in sorted(self.used.items()):
            if name not in self.old:
                _write(self.folder / f"{name}.json", json.dumps(self.encode(value)).encode())
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.suffix == ".json" and path.stem not in self.used:
                    path.unlink()


_TERM_ARRAYS = ("terms", "row_keys", "row_values", "start", "term", "count")


class _TermFile:
    """The term counts of the previous build, as NumPy arrays (see :class:`TermMemo`)."""

    def __init__(self, path: Path, mark: Callable[[], None], discarded: list[Problem]) -> None:
        self.path = path
        self.mark = mark
        self.discarded = discarded

    def load(self) -> TermCounts | None:
        import numpy as np

        try:
            # The file opened here: NumPy leaves its own handle open when the file is bad.
            with open(self.path, "rb") as f, np.load(f, allow_pickle=False) as arrays:
                if sorted(arrays.files) != sorted(_TERM_ARRAYS):
                    raise ValueError(f"arrays {sorted(arrays.files)}")
                terms, keys, values = arrays["terms"], arrays["row_keys"], arrays["row_values"]
                if (terms.size and terms.dtype.kind != "U") or (
                    keys.size and keys.dtype.kind != "U"
                ):
                    raise ValueError("terms that are not text")
                counts = TermCounts(
                    terms=terms.tolist(),
                    rows=dict(zip(keys.tolist(), values.tolist(), strict=True)),
                    start=arrays["start"],
                    term=arrays["term"],
                    count=arrays["count"],
                )
            if not all(isinstance(v, int) for v in counts.rows.values()) or not counts.valid():
                raise ValueError("arrays that do not fit together")
            return counts
        except FileNotFoundError:
            return None
        except Exception as e:  # any malformed file (NumPy raises many kinds): discarded
            self.discarded.append(_discarded(self.path, e))
            return None

    def keep(self, counts: TermCounts) -> None:
        import numpy as np

        self.mark()
        arrays = {
            "terms": np.array(counts.terms, dtype=str),
            "row_keys": np.array(list(counts.rows), dtype=str),
            "row_values": np.array(list(counts.rows.values()), dtype=np.int64),
            "start": counts.start,
            "term": counts.term,
            "count": counts.count,
        }
        _write(self.path, lambda f: np.savez(f, allow_pickle=False, **arrays))


class BuildCache:
    """The memos of one build (see the module docstring).

    :meth:`save_classes` may be called as soon as the papers are classified (it frees
    the memo's memory for the steps after); :meth:`save` after the build.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / code_version()
        self.discarded: list[Problem] = []
        """A warning for each cache entry that did not parse (it was rebuilt)."""
        self.digests: _Files[Any] = _Files(
            self.folder / "digests", _digest_data, _digest_entry, self.discarded
        )
        """Digest key (:func:`generator.digests.digest_key`) -> (Digest, warnings)."""
        self._classes: dict[str, Memo[Any]] = {}
        self.terms = _TermFile(self.folder / "terms.npz", self._mark, self.discarded)
        """The term counts of related papers (:class:`generator.related.TermMemo`)."""
        self._pages: Memo[str] | None = None

    @property
    def pages(self) -> Memo[str]:
        """Page fingerprint -> SHA-256 of the page (read when first used)."""
        if self._pages is None:
            self._pages = Memo(_read_pages(self.folder / "pages.tsv"))
        return self._pages

    @property
    def digests_from_files(self) -> int:
        """How many digests this build read from the cache instead of parsing them."""
        return len(self.digests.old)

    def classes(self, taxonomy: Taxonomy) -> Memo[Any]:
        """Paper key -> (topics, tags) under ``taxonomy`` (the same memo on every call)."""
        name = f"classes-{key(repr(taxonomy))}"
        if name not in self._classes:
            self._classes[name] = Memo(_read_classes(self.folder / f"{name}.tsv"))
        return self._classes[name]

    def _mark(self) -> None:
        """Tag the cache folder (backup tools skip it) and mark this version's folder."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            if not (self.root / "CACHEDIR.TAG").exists():
                (self.root / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, "ascii")
            if not (self.folder / MARKER).exists():
                (self.folder / MARKER).write_text("paperfeed build cache\n", "ascii")

    def save_classes(self) -> None:
        """Write the classifications this build used, delete the others, forget them all."""
        self._mark()
        for name, memo in sorted(self._classes.items()):
            if memo.changed:
                _write(self.folder / f"{name}.tsv", _classes_text(memo.used))
            memo.old, memo.used = {}, {}
        with contextlib.suppress(OSError):
            for path in self.folder.glob("classes-*"):
                if path.stem not in self._classes:
                    path.unlink()

    def save(self) -> None:
        """Write what this build computed and delete what it did not use."""
        self._mark()
        self.digests.save()
        self.save_classes()  # nothing to write if generate already did
        if self._pages is not None and self._pages.changed:
            _write(self.folder / "pages.tsv", _pages_text(self._pages.used))
        with contextlib.suppress(OSError):
            for path in self.root.iterdir():  # older paperfeeds' caches, nothing else
                if (
                    path != self.folder
                    and _VERSION.fullmatch(path.name)
                    and (path / MARKER).is_file()
                ):
                    shutil.rmtree(path, ignore_errors=True)


def _classes_text(memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> bytes:
    """One line a paper: key, topics, tags, tab-separated (slugs have no spaces)."""
    lines = (f"{k}\t{' '.join(topics)}\t{' '.join(tags)}\n" for k, (topics, tags) in memo.items())
    return "".join(lines).encode("ascii")


def _read_classes(path: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """What :func:`_classes_text` wrote; lines that are not three fields are skipped."""
    try:
        text = path.read_bytes().decode("ascii")
    except (OSError, UnicodeDecodeError):
        return {}
    memo = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) == 3:
            memo[fields[0]] = (tuple(fields[1].split()), tuple(fields[2].split()))
    return memo


_HASH = re.compile(r"[0-9a-f]{32}\t[0-9a-f]{64}")


def _pages_text(memo: dict[str, str]) -> bytes:
    """One line a page: fingerprint, tab, hash of the page."""
    return "".join(f"{k}\t{v}\n" for k, v in memo.items()).encode("ascii")


def _read_pages(path: Path) -> dict[str, str]:
    """What :func:`_pages_text` wrote; a line of any other shape is skipped."""
    try:
        text = path.read_bytes().decode("ascii")
    except (OSError, UnicodeDecodeError):
        return {}
    return dict(line.split("\t") for line in text.splitlines() if _HASH.fullmatch(line))
