"""The raw-text digest: a daily-papers page copied from the browser.

The file is cut into *blocks* (runs of non-blank lines, joined with a space). Known
page noise (vote counts, "Submitted by", "· 9 authors", "GitHub", ...) is dropped
first; each remaining block is then either a *date line* (only before the first
paper), *abstract-like* or *title-like* (:func:`is_abstract_like`).
A paper's title is the last title-like block before its abstract; one-word scraps
only count when nothing longer is there. See ``manual/digest-formats.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from generator.errors import InputError, Problem
from generator.limits import FIELD_CHARS, too_long
from generator.links import extract_links
from generator.model import Digest, Entry
from generator.text import clean_text


def normalize_text(text: str) -> str:
    """``text`` without a BOM, with LF line ends, in Unicode NFC."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --- noise -------------------------------------------------------------------------------

_NOISE_EXACT = frozenset(
    {
        "new",
        "subscribe",
        "get trending papers in your email inbox!",
        "byak and the research community",
        "daily papers",
        "github",
        "arxiv page",
        "arxiv",
        "pdf",
        "code",
        "project page",
        "paper page",
        "upvote",
        "add to collection",
        "submitted by",
        "submitted by:",
    }
)
_NOISE_PATTERNS = (
    re.compile(r"\d+(?:[.,]\d+)*\s*[km]?"),  # 214, 1.2k, 1,024
    re.compile(r"(?:submitted|posted) by:?\s+\S+(?:\s+\S+){0,2}"),
    re.compile(r"[·•]?\s*\d+\s+authors?"),
    re.compile(r"published on [a-z]+\.? \d{1,2}(?:, \d{4})?"),
    re.compile(r"(?:github|stars?|upvotes?|comments?)\s*[·:]?\s*\d+(?:[.,]\d+)*\s*[km]?"),
    re.compile(r"[·•|\-–—]+"),
)
_NOISE = re.compile("|".join(f"(?:{p.pattern})" for p in _NOISE_PATTERNS))
"""Any of :data:`_NOISE_PATTERNS`, in one pattern."""
_SUBMITTED_ALONE = frozenset({"submitted by", "submitted by:"})
_SUBMITTED_CHARS = max(map(len, _SUBMITTED_ALONE))


def _is_noise(line: str) -> bool:
    folded = line.casefold()
    return folded in _NOISE_EXACT or _NOISE.fullmatch(folded) is not None


def _is_submitted(line: str) -> bool:
    """``Submitted by`` alone (case-folding never makes a text shorter)."""
    return len(line) <= _SUBMITTED_CHARS and line.casefold() in _SUBMITTED_ALONE


def _is_user_name(line: str) -> bool:
    return 0 < len(line.split()) <= 3 and not line.endswith(".")


# --- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    line: int
    """Line number of the block's first kept line."""
    text: str


def _raw_blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_text(raw)
        if line:
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _blocks(text: str) -> list[_Block]:
    """The blocks of ``text`` with page noise dropped (whole blocks and their edge lines)."""
    out: list[_Block] = []
    expect_user = False
    for raw in _raw_blocks(text):
        lines = [line for _, line in raw]
        if expect_user and len(lines) == 1 and _is_user_name(lines[0]):
            expect_user = False
            continue
        start, end = _trim_noise(lines)
        expect_user = _is_submitted(lines[-1])
        if start < end:
            out.append(_Block(raw[start][0], " ".join(lines[start:end])))
    return out


def _trim_noise(lines: list[str]) -> tuple[int, int]:
    start, end = 0, len(lines)
    while start < end and _is_noise(lines[start]):
        submitted = _is_submitted(lines[start])
        start += 2 if submitted and start + 1 < end and _is_user_name(lines[start + 1]) else 1
    while start < end:
        if end - 1 > start and _is_noise(lines[end - 1]):  # lines[start] is no noise
            end -= 1
        elif end - 2 >= start and _is_submitted(lines[end - 2]):
            end -= 2
        else:
            break
    return start, end


# --- block kinds ---------------------------------------------------------------------------

_CLOSERS = ")]}\"'”’»"
_SENTENCE_END = re.compile(r"[.!?。！？](?=[\s\"'”’)]+\S)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
MAX_TITLE_WORDS = 40
MAX_TITLE_CHARS = 300
MAX_ABSTRACT = FIELD_CHARS["abstract"]


def is_abstract_like(text: str) -> bool:
    """Long, or ending like a sentence (``.``) or with a URL; ``?`` and ``!`` only for prose.

    Prose ending in ``?`` or ``!`` has at least 20 words, or 15 and two sentences.
    """
    if len(text) > MAX_TITLE_CHARS:
        return True
    words = text.split()
    if len(words) > MAX_TITLE_WORDS:
        return True
    if words[-1].lstrip("([{<\"'").lower().startswith(("http://", "https://")):
        return True
    end = text.rstrip(_CLOSERS)[-1:]
    if end in (".", "。", "．", "…"):
        return True
    if end not in ("?", "!", "？", "！"):
        return False
    return len(words) >= 20 or (len(words) >= 15 and bool(_SENTENCE_END.search(text)))


def _weight(text: str) -> int:
    """Roughly how many words: CJK text has no spaces, two characters count as one word."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _tier(text: str) -> int:
    """0: a one-word scrap; 1: a short line; 2: shaped like a real paper title."""
    weight = _weight(text)
    return 0 if weight < 2 else 1 if weight < 4 else 2


# --- date lines ----------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DATE_FORMS = (
    re.compile(r"(?P<month>[a-z]+)\.? (?P<day>\d{1,2})(?:,? (?P<year>\d{4}))?"),
    re.compile(r"(?P<day>\d{1,2}) (?P<month>[a-z]+)\.?(?:,? (?P<year>\d{4}))?"),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
)


@dataclass(frozen=True)
class _DateLine:
    year: int | None
    month: int
    day: int


def _date_line(text: str) -> _DateLine | None:
    folded = text.casefold()
    for form in _DATE_FORMS:
        m = form.fullmatch(folded)
        if not m:
            continue
        month = m["month"]
        number = int(month) if month.isdigit() else _MONTHS.get(month)
        if number is None:
            continue
        return _DateLine(int(m["year"]) if m["year"] else None, number, int(m["day"]))
    return None


def _resolve_date(
    found: _DateLine, block: _Block, file_date: dt.date | None, source: str
) -> dt.date:
    year = found.year if found.year is not None else file_date.year if file_date else None
    if year is None:
        message = (
            f"date line {block.text!r} has no year and the file name no date"
            " (name the file YYYY-MM-DD....txt or write the year)"
        )
        raise InputError(Problem(source, block.line, message))
    try:
        date = dt.date(year, found.month, found.day)
    except ValueError:
        raise InputError(
            Problem(source, block.line, f"date line {block.text!r} is not a valid date")
        ) from None
    if file_date is not None and date != file_date:
        message = f"date line {block.text!r} contradicts the date {file_date} in the file name"
        raise InputError(Problem(source, block.line, message))
    return date


# --- the parser ----------------------------------------------------------------------------


def parse_text_digest(text: str, source: str, file_date: dt.date | None, slug: str) -> Digest:
    """The digest in ``text``, a copied daily-papers page; raises InputError."""
    return parse_text_digest_with_warnings(text, source, file_date, slug)[0]


def parse_text_digest_with_warnings(
    text: str, source: str, file_date: dt.date | None, slug: str
) -> tuple[Digest, list[Problem]]:
    """The digest and the warnings: title-like lines that were skipped (no abstract followed).

    Raises :class:`InputError` with every error found in the file.
    """
    text = normalize_text(text)
    if not text.strip():
        raise InputError(Problem(source, 1, "empty digest (no papers)"))
    parser = _Parser(source, file_date)
    for block in _blocks(text):
        parser.feed(block)
    return parser.finish(slug)


class _Parser:
    """Walks the blocks once: a pending list of title-like blocks, closed by an abstract."""

    def __init__(self, source: str, file_date: dt.date | None) -> None:
        self.source = source
        self.file_date = file_date
        self.date: dt.date | None = None
        self.bad_date = False
        self.pending: list[_Block] = []
        self.entries: list[Entry] = []
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def _problem(self, block: _Block, message: str) -> Problem:
        return Problem(self.source, block.line, message)

    def feed(self, block: _Block) -> None:
        found = _date_line(block.text)
        if found is not None:
            self._date(block, found)
        elif is_abstract_like(block.text):
            self._abstract(block)
        else:
            self.pending.append(block)

    def _date(self, block: _Block, found: _DateLine) -> None:
        if self.entries:
            date = self.date or self.file_date
            if date is None or (found.month, found.day) != (date.month, date.day):
                message = f"date line {block.text!r} after the first paper (one day per digest)"
                self.errors.append(self._problem(block, message))
            return
        try:
            self.date = _resolve_date(found, block, self.file_date, self.source)
        except InputError as err:
            self.bad_date = True
            self.errors.extend(err.problems)
        self.pending.clear()  # page chrome before the date line

    def _abstract(self, block: _Block) -> None:
        if not self.pending:
            self.errors.append(self._problem(block, "abstract without a title"))
            return
        if len(block.text) > MAX_ABSTRACT:
            self.errors.append(self._problem(block, too_long("abstract", block.text, MAX_ABSTRACT)))
            self.pending.clear()
            return
        liked = [b for b in self.pending if _tier(b.text) >= 1]
        title = (liked or self.pending)[-1]
        self._skip([b for b in self.pending if b is not title], strict=bool(self.entries))
        self.pending.clear()
        self.entries.append(
            Entry(
                title=title.text,
                abstract=block.text,
                line=title.line,
                links=extract_links(block.text),
            )
        )

    def _skip(self, blocks: list[_Block], strict: bool) -> None:
        for block in blocks:
            tier = _tier(block.text)
            if tier == 2 and strict:
                message = f"title without an abstract: {block.text!r}"
                self.errors.append(self._problem(block, message))
            elif tier >= 1:
                message = f"skipped {block.text!r}: no abstract follows it"
                self.warnings.append(self._problem(block, message))

    def finish(self, slug: str) -> tuple[Digest, list[Problem]]:
        self._skip(self.pending, strict=True)
        if not self.entries and not self.errors:
            message = "no papers (expected a title line, a blank line, then its abstract)"
            self.errors.append(Problem(self.source, 1, message))
        date = self.date or self.file_date
        if date is None and not self.bad_date:
            message = "no date: name the file YYYY-MM-DD....txt or add a date line like 'Mar 14'"
            self.errors.append(Problem(self.source, 1, message))
        if self.errors or date is None:
            raise InputError(self.errors)
        digest = Digest(self.source, date, slug, tuple(self.entries))
        return digest, sorted(self.warnings)
