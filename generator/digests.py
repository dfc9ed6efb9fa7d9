"""Digest files: find them, decode them, read each with the parser its extension names.

``.txt`` is a copied daily-papers page (:mod:`generator.parse_text`); ``.yml``,
``.yaml`` and ``.json`` are structured digests (:mod:`generator.parse_structured`).
Reading many files collects every problem of every file before anything stops.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path

from generator.errors import InputError, Problem, decode_utf8
from generator.ids import key, slugify
from generator.limits import MAX_DIGEST_MB
from generator.model import Digest
from generator.parse_structured import parse_json_digest, parse_yaml_digest
from generator.parse_text import normalize_text, parse_text_digest_with_warnings

FIRST_DATE = dt.date(1970, 1, 1)
LAST_DATE = dt.date(2106, 2, 6)
"""The digest dates a site can hold (the build date, the newest digest's, goes into
``sitemap.xml.gz`` as seconds since 1970 in 32 bits)."""
EXTENSIONS = (".txt", ".yml", ".yaml", ".json")
_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")

_Parser = Callable[[str, str, dt.date | None, str], tuple[Digest, list[Problem]]]
DigestMemo = MutableMapping[str, tuple[Digest, list[Problem]]]
"""Digest key (:func:`digest_key`) -> the digest and its warnings (:mod:`generator.cache`)."""


def decode(data: bytes, source: str) -> str:
    """The text of a digest file: UTF-8 (a BOM is dropped), LF line ends, NFC."""
    text = normalize_text(decode_utf8(data, source, refuse_nul=True))
    if not text.strip():
        raise InputError(Problem(source, 1, "empty digest (no papers)"))
    return text


def date_from_name(name: str, source: str | None = None) -> dt.date | None:
    """The date ``name`` starts with (``2025-03-14-hf.txt``), or None; raises if impossible."""
    base = Path(name).name
    match = _NAME_DATE.match(base)
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        message = f"the file name's date {match.group()!r} is not a valid date"
        raise InputError(Problem(source or name, 0, message)) from None


def find_digests(folder: Path) -> list[Path]:
    """The digest files directly in ``folder``, sorted; hidden files and other types are skipped."""
    return [p for p in _listing(folder) if p.suffix.lower() in EXTENSIONS]


def scan_digests(folder: Path, root: Path) -> tuple[list[Path], list[Problem], list[Problem]]:
    """The digest files directly in ``folder`` (sorted), the errors and the warnings.

    A digest is a regular file inside the project folder ``root``: a symbolic link to a
    file outside it is an error (its text would be published); a folder, a broken link
    or a loop of links where a digest could be is a warning, never skipped silently.
    Hidden files and files of other types are skipped."""
    if not folder.is_dir():
        reason = "not a folder" if folder.exists() else "no such folder"
        raise InputError(Problem(str(folder), 0, reason))
    root = root.resolve()
    found: list[Path] = []
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        problem = _not_a_digest(path, root)
        if problem is None:
            if path.suffix.lower() in EXTENSIONS:
                found.append(path)
        elif problem.startswith("error: "):
            errors.append(Problem(str(path), 0, problem.removeprefix("error: ")))
        else:
            warnings.append(Problem(str(path), 0, problem))
    return found, errors, warnings


def _not_a_digest(path: Path, root: Path) -> str | None:
    """Why ``path`` cannot be read as a digest (``error: ...`` when that stops a build),
    or None for a regular file inside ``root`` (reached through links or not)."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return "skipped: a loop of symbolic links"
        except OSError:
            return f"skipped: a broken symbolic link (to {os.readlink(path)!r})"
        if not target.is_relative_to(root):
            return (
                f"error: a symbolic link to {target}, outside the project folder {root}: "
                "a digest must be a file of the project (copy it in)"
            )
        if target.is_dir():
            return "skipped: a symbolic link to a folder (digests are files directly in digests/)"
        return None if target.is_file() else "skipped: not a regular file"
    if path.is_dir():
        return "skipped: a folder (digests are files directly in digests/, not in sub-folders)"
    return None if path.is_file() else "skipped: not a regular file"


def ignored_files(folder: Path) -> list[Path]:
    """Visible files in ``folder`` that :func:`find_digests` skips (for ``check`` to mention)."""
    return [p for p in _listing(folder) if p.suffix.lower() not in EXTENSIONS]


def _listing(folder: Path) -> list[Path]:
    if not folder.is_dir():
        reason = "not a folder" if folder.exists() else "no such folder"
        raise InputError(Problem(str(folder), 0, reason))
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def read_digest(path: Path, source: str | None = None) -> Digest:
    """The digest in ``path``, parsed by its extension; raises InputError."""
    return read_digest_with_warnings(path, source)[0]


def digest_key(name: str, source: str, data: bytes) -> str:
    """What reading a digest depends on: its file name, the name it is shown as, its bytes."""
    return key(name, source, data)


def read_digest_with_warnings(
    path: Path,
    source: str | None = None,
    memo: DigestMemo | None = None,
    max_bytes: int = MAX_DIGEST_MB * 1_000_000,
) -> tuple[Digest, list[Problem]]:
    """The digest in ``path`` and the parser's warnings (problems that do not stop a build).

    With a ``memo``, a file read before (same name, same bytes) is not parsed again. A
    file larger than ``max_bytes`` is an error."""
    source = source if source is not None else str(path)
    parser = _parser(path.suffix.lower(), source)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # a larger file is never read whole
    except OSError as err:
        raise InputError(Problem(source, 0, f"cannot read: {err.strerror or err}")) from None
    if len(data) > max_bytes:
        message = (
            f"digest is too large: more than {max_bytes:,} bytes (see the plugin's "
            "max_digest_mb; split the digest or raise the limit)"
        )
        raise InputError(Problem(source, 0, message))
    if memo is None:
        return _parse(path, source, parser, data)
    name = digest_key(path.name, source, data)
    try:
        digest, warnings = memo[name]
    except KeyError:
        digest, warnings = memo[name] = _parse(path, source, parser, data)
    return digest, list(warnings)


def digest_name(path: Path) -> str:
    """The name a digest file gives its digest (its page ``archive/<name>/``): the slug
    of its file name without the suffix ("" when it has no letters or digits: then the
    digest's date)."""
    return slugify(path.stem)


def _parse(path: Path, source: str, parser: _Parser, data: bytes) -> tuple[Digest, list[Problem]]:
    text = decode(data, source)
    file_date = date_from_name(path.name, source)
    slug = digest_name(path)
    digest, warnings = parser(text, source, file_date, slug or "digest")
    if not slug:
        digest = dataclasses.replace(digest, slug=digest.date.isoformat())
    return digest, warnings


def _parser(suffix: str, source: str) -> _Parser:
    if suffix == ".txt":
        return parse_text_digest_with_warnings
    if suffix in (".yml", ".yaml"):
        return _no_warnings(parse_yaml_digest)
    if suffix == ".json":
        return _no_warnings(parse_json_digest)
    message = (
        f"unsupported digest type {suffix or '(none)'!r} (expected .txt, .yml, .yaml or .json)"
    )
    raise InputError(Problem(source, 0, message))


def _no_warnings(
    parse: Callable[[str, str, dt.date | None, str], Digest],
) -> _Parser:
    def parser(
        text: str, source: str, file_date: dt.date | None, slug: str
    ) -> tuple[Digest, list[Problem]]:
        return parse(text, source, file_date, slug), []

    return parser


def read_digests(paths: Iterable[Path]) -> tuple[list[Digest], list[Problem]]:
    """Every digest that reads cleanly, and every problem of every file (sorted)."""
    digests, problems, _ = read_digests_with_warnings(paths)
    return digests, problems


def read_digests_with_warnings(
    paths: Iterable[Path],
    memo: DigestMemo | None = None,
    max_bytes: int = MAX_DIGEST_MB * 1_000_000,
) -> tuple[list[Digest], list[Problem], list[Problem]]:
    """Like :func:`read_digests`, plus the warnings of every file (``memo``: see
    :func:`read_digest_with_warnings`)."""
    digests: list[Digest] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    by_slug: dict[str, Digest] = {}
    for path in paths:
        try:
            digest, found = read_digest_with_warnings(path, memo=memo, max_bytes=max_bytes)
        except InputError as err:
            problems.extend(err.problems)
            continue
        warnings.extend(found)
        if not FIRST_DATE <= digest.date <= LAST_DATE:
            message = (
                f"the date {digest.date} is outside what the site can hold ({FIRST_DATE} to "
                f"{LAST_DATE}: the sitemap's gzip header counts seconds from 1970 in 32 bits)"
            )
            problems.append(Problem(digest.source, 0, message))
            continue
        if digest.slug == "index":
            message = (
                "a digest may not be named 'index' (archive/index is the archive's own page): "
                "rename the file, e.g. after its date"
            )
            problems.append(Problem(digest.source, 0, message))
            continue
        first = by_slug.setdefault(digest.slug, digest)
        if first is not digest:
            message = (
                f"digest name {digest.slug!r} is also used by {first.source}"
                " (rename one of the two files)"
            )
            problems.append(Problem(digest.source, 0, message))
            continue
        digests.append(digest)
    return digests, sorted(problems), sorted(warnings)
