"""The search results' fragments a build takes from the previous build's Pagefind bundle.

Pagefind writes one file a page indexed, its *fragment* (the page's URL, title and text,
the excerpt a search result shows), compressed at zlib's best level: at 10,000 papers
about 0.8 of the 2 s Pagefind takes on a daily build's newest month, and 4 of the 11 s
it takes on a closed shard of 8,950 papers (writing its word index's chunks 3.4 more). A
fragment file is named by a hash of its content, and Pagefind does not write a fragment
file that is already there (``WriteBehavior::Immutable``, checked by a test). A fragment depends on
nothing but the page's search document, the page's path and Pagefind (its binary and
options: the *salt*), and of the document only on what Pagefind indexes (not on the
elements it leaves out, :func:`generator.shards.indexed_part`). So ``paperfeed build`` with
the build cache records, for each search document it indexed, a hash of it (of its bytes;
of its indexed part in a closed shard, where the related papers change on the first day
of a month) and its fragment file (:class:`Fragments`); the next build puts the previous
bundle's fragment file (a hard link; a copy where links fail) into the new bundle, before
Pagefind runs, for each document whose hash did not change, and Pagefind compresses only
the others'.

What could go wrong is a name: Pagefind names a fragment by the first 7 hex digits of its
hash, and when two of a run's fragments share them, one name gets longer; the file put in
place under a name Pagefind gives another fragment would then be kept in its stead. Every
fragment put in place is of a page indexed again, whose fragment has that name unless such
a collision moved it; so after a run where a fragment name is longer than 7 digits, or
the bundle holds another number of fragments than pages (:meth:`Fragments.trusted`), the
fragments are removed and Pagefind runs again with none taken: the bundle is byte for byte
the one Pagefind makes alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.linkfiles import link_files
from generator.write import check_relpath, has_size

FRAGMENT_DIR = "fragment"
"""The folder of an index's fragments, in its bundle."""
_SHORT = re.compile(r"[^/]+_[0-9a-f]{7}\.pf_fragment")
"""A fragment file Pagefind named without lengthening its hash (a collision does)."""
_URL = re.compile(rb'^pagefind_dcd\{"url":"([^"]*)"')


@dataclass(frozen=True)
class Fragment:
    """A search document and the fragment file Pagefind made of it."""

    document: str
    """SHA-256 (hex) of the search document's bytes, or of its indexed part for a closed
    shard's (:func:`generator.shards.shard_key`, which hashes them anyway): a document's
    bytes the same as another's indexed part make the same fragment too."""
    file: str
    """The fragment file, by path in the bundle (``fragment/en_0123abc.pf_fragment``,
    ``shards/2025-01/fragment/...``)."""
    size: int
    """Its size in bytes."""


def fragment_url(path: Path) -> str:
    """The URL a fragment file says its page has (``""`` if it says none)."""
    head = zlib.decompressobj(wbits=31).decompress(path.read_bytes(), 512)
    found = _URL.search(head)
    return found.group(1).decode("utf-8", "replace") if found else ""


def page_url(document: str) -> str:
    """The URL Pagefind gives the page of the search document at ``document`` (a path
    in the folder it indexes): ``index.html`` taken off.

    >>> page_url("papers/a/index.html"), page_url("index.html"), page_url("a/b.html")
    ('/papers/a/', '/', '/a/b.html')
    """
    if document == "index.html" or document.endswith("/index.html"):
        document = document[: -len("index.html")]
    return "/" + document


def digests(folder: Path, documents: Iterable[str]) -> dict[str, str]:
    """The SHA-256 of each of ``documents``, files in ``folder``."""
    found: dict[str, str] = {}
    for path in documents:
        with open(os.path.join(folder, path), "rb") as document:
            found[path] = hashlib.sha256(document.read()).hexdigest()
    return found


@dataclass
class Fragments:
    """The fragments of the previous build's bundle (``before``) and of this build's
    (``now``), by search document path (see the module's text)."""

    previous: Path
    """The previous site's bundle (``site/pagefind``)."""
    salt: str = ""
    """What this build's fragments depend on besides their documents (Pagefind's binary and
    options), set before indexing; the previous build's must be the same for any to be
    taken."""
    before: dict[str, Fragment] = field(default_factory=dict)
    before_salt: str = ""
    now: dict[str, Fragment] = field(default_factory=dict)
    taken: int = 0
    """Fragment files this build took from the previous bundle."""

    def place(self, hashes: Mapping[str, str], out: Path) -> dict[str, str]:
        """Put into ``out`` (an index's folder in the new bundle) the previous bundle's
        fragment file of each document of ``hashes`` (path -> SHA-256) that did not change,
        if it is still there with its size; the names put in place, and their documents."""
        if not self.salt or self.salt != self.before_salt:
            return {}
        names: dict[str, list[str]] = {}  # a fragment folder of the previous bundle -> names
        placed: dict[str, str] = {}
        for path, digest in hashes.items():
            old = self.before.get(path)
            if old is None or old.document != digest:
                continue
            if not has_size(os.path.join(self.previous, old.file), old.size):
                continue
            folder, name = os.path.split(old.file)
            if name in placed:  # two documents, one name (not from Pagefind): none taken
                return {}
            placed[name] = path
            names.setdefault(folder, []).append(name)
        target = os.fspath(out / FRAGMENT_DIR)
        for folder, taken in names.items():
            for name, _ in link_files(os.path.join(self.previous, folder), target, taken):
                del placed[name]
                with contextlib.suppress(OSError):  # a copy cut short: Pagefind writes it
                    os.unlink(os.path.join(target, name))
        return placed

    def trusted(self, out: Path, pages: int) -> bool:
        """Whether the fragments in ``out`` are Pagefind's own after a run with some put in
        place: as many as the pages it indexed, and no name lengthened by a collision."""
        try:
            names = os.listdir(out / FRAGMENT_DIR)
        except OSError:
            return pages == 0
        return len(names) == pages and all(_SHORT.fullmatch(n) for n in names)

    def remember(
        self, hashes: Mapping[str, str], out: Path, bundle: Path, placed: Mapping[str, str]
    ) -> None:
        """Record the fragment files of the index in ``out`` (part of the new ``bundle``),
        made from the documents of ``hashes``: those put in place (``placed``, which count
        as taken) by their documents, the others by the URL each one names."""
        self.taken += len(placed)
        by_url = {page_url(path): path for path in hashes}
        prefix = out.relative_to(bundle).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        with os.scandir(out / FRAGMENT_DIR) as entries:
            for entry in entries:
                path = placed.get(entry.name) or by_url.get(fragment_url(Path(entry.path)))
                if path is None:
                    continue  # a page of another name: its fragment is made again
                size = entry.stat(follow_symlinks=False).st_size
                file = f"{prefix}{FRAGMENT_DIR}/{entry.name}"
                self.now[path] = Fragment(hashes[path], file, size)

    def carry(self, prefix: str) -> None:
        """Record again the previous bundle's fragments under ``prefix`` (a closed shard's
        folder, kept whole from the previous build)."""
        for path, fragment in self.before.items():
            if fragment.file.startswith(prefix):
                self.now[path] = fragment

    def to_json(self) -> dict[str, object]:
        rows = {p: [f.document, f.file, f.size] for p, f in sorted(self.now.items())}
        return {"salt": self.salt, "documents": rows}

    def read_json(self, data: object) -> None:
        """The previous build's fragments, from what :meth:`to_json` wrote (none if it does
        not parse, or names a file that is not a fragment in the bundle)."""
        self.before, self.before_salt = {}, ""
        try:
            if not isinstance(data, dict) or not isinstance(data["documents"], dict):
                raise TypeError("not a mapping")
            before = {}
            for path, (document, file, size) in data["documents"].items():
                check_relpath(str(file))  # never a file outside the bundle
                parts = str(file).split("/")
                if len(parts) < 2 or parts[-2] != FRAGMENT_DIR or not _SHORT.fullmatch(parts[-1]):
                    raise ValueError(f"not a fragment file: {file!r}")
                before[str(path)] = Fragment(str(document), str(file), int(size))
            self.before, self.before_salt = before, str(data["salt"])
        except (KeyError, TypeError, ValueError):
            self.before, self.before_salt = {}, ""
