"""YAML and JSON digests: the same schema, checked field by field with line numbers.

Both formats are first read into :class:`_Value` trees that remember the line of
every value (YAML through PyYAML's node tree, JSON through a small walker over the
standard decoder), then one checker turns a tree into a :class:`Digest`, collecting
every problem. The schema is documented in ``manual/digest-formats.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import InputError, Problem, ProblemLog
from generator.ids import arxiv_id, normalize_title, slugify
from generator.limits import (
    FIELD_CHARS,
    MAX_AUTHORS,
    MAX_KEYWORDS,
    MAX_TAGS,
    MAX_TOPICS,
    excerpt,
    too_long,
)
from generator.links import classify_url, clean_url, extract_links, safe_url
from generator.model import Digest, Entry, Link
from generator.text import clean_text

TOP_FIELDS = ("date", "title", "papers")
METADATA_FIELDS = (
    "arxiv",
    "url",
    "authors",
    "code",
    "project",
    "pdf",
    "published",
    "category",
    "arxiv_comment",
    "upvotes",
    "comments",
    "stars",
    "keywords",
    "organization",
)
"""What a source (Hugging Face, arXiv, ``enrichment.yml``) tells about a paper."""
PAPER_FIELDS = (
    "title",
    "abstract",
    *METADATA_FIELDS[:4],
    "topics",
    "tags",
    "note",
    *METADATA_FIELDS[4:],
)


@dataclass(frozen=True)
class _Value:
    """A value and its line: a scalar's ``text``, a list's ``items``, a mapping's ``fields``."""

    line: int
    kind: str
    """``string``, ``number``, ``boolean``, ``null``, ``date``, ``list`` or ``mapping``."""
    text: str = ""
    items: tuple[_Value, ...] = ()
    fields: tuple[tuple[str, _Value], ...] = ()
    key_lines: tuple[int, ...] = ()
    """The line of each field's name (its value may start on a later one)."""

    def named(self) -> Iterator[tuple[str, _Value, int]]:
        """Each field: its name, its value and the line of its name."""
        for (name, value), line in zip(self.fields, self.key_lines, strict=True):
            yield name, value, line


class _Fail(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# --- YAML --------------------------------------------------------------------------------

_YAML_KINDS = {
    "tag:yaml.org,2002:str": "string",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:seq": "list",
    "tag:yaml.org,2002:map": "mapping",
}


def _read_yaml(text: str) -> _Value | None:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = str(err.problem)
        if problem.startswith("but ") and err.context:
            problem = f"{err.context}, {problem}"
        raise _Fail(mark.line + 1 if mark else 1, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise _Fail(1, f"invalid YAML: {err}") from None
    return None if node is None else _from_node(node, set())


def _from_node(node: yaml.Node, seen: set[int]) -> _Value:
    line = node.start_mark.line + 1
    if id(node) in seen:
        message = "YAML anchors and aliases (&name, *name) are not supported: repeat the value"
        raise _Fail(line, message)
    seen.add(id(node))
    kind = _YAML_KINDS.get(node.tag)
    if kind is None:
        raise _Fail(line, f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, yaml.ScalarNode):
        return _Value(line, kind, text=node.value)
    if isinstance(node, yaml.SequenceNode):
        return _Value(line, "list", items=tuple(_from_node(n, seen) for n in node.value))
    fields, key_lines = [], []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _Fail(key.start_mark.line + 1, "a field name must be a plain word")
        fields.append((str(key.value), _from_node(value, seen)))
        key_lines.append(key.start_mark.line + 1)
    return _Value(line, "mapping", fields=tuple(fields), key_lines=tuple(key_lines))


# --- JSON --------------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonWalker:
    """Re-reads valid JSON, recording the line where each value starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Numbers stay text: a 5,000-digit integer is no error here (it may be in no field
        # that wants a number), and Python would refuse to convert it.
        self.decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def skip(self, pos: int) -> int:
        match = _JSON_SPACE.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int) -> tuple[_Value, int]:
        pos = self.skip(pos)
        line, char = self.line(pos), self.text[pos]
        if char == "[":
            items: list[_Value] = []
            pos = self.skip(pos + 1)
            while self.text[pos] != "]":
                item, pos = self.value(pos)
                items.append(item)
                pos = self.skip(pos)
                pos = self.skip(pos + 1) if self.text[pos] == "," else pos
            return _Value(line, "list", items=tuple(items)), pos + 1
        if char == "{":
            fields: list[tuple[str, _Value]] = []
            key_lines: list[int] = []
            pos = self.skip(pos + 1)
            while self.text[pos] != "}":
                key_lines.append(self.line(pos))
                key, pos = self.decoder.raw_decode(self.text, pos)
                pos = self.skip(pos) + 1  # the colon
                item, pos = self.value(pos)
                fields.append((key, item))
                pos = self.skip(pos)
                pos = self.skip(pos + 1) if self.text[pos] == "," else pos
            mapping = _Value(line, "mapping", fields=tuple(fields), key_lines=tuple(key_lines))
            return mapping, pos + 1
        scalar, end = self.decoder.raw_decode(self.text, pos)
        if char == '"':
            return _Value(line, "string", text=scalar), end
        # Numbers (and NaN, Infinity) come back as their text, so the kind is the first
        # character's.
        kind = "null" if scalar is None else "boolean" if isinstance(scalar, bool) else "number"
        return _Value(line, kind, text=self.text[pos:end]), end


def _read_json(text: str) -> _Value:
    try:
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as err:
        raise _Fail(err.lineno, f"invalid JSON: {err.msg}") from None
    return _JsonWalker(text).value(0)[0]


# --- the checker -------------------------------------------------------------------------


def parse_yaml_digest(text: str, source: str, file_date: dt.date | None, slug: str) -> Digest:
    """The digest in the YAML ``text``; raises InputError naming every problem."""
    return _parse(_read_yaml, text, source, file_date, slug)


def parse_json_digest(text: str, source: str, file_date: dt.date | None, slug: str) -> Digest:
    """The digest in the JSON ``text``; raises InputError naming every problem."""
    return _parse(_read_json, text, source, file_date, slug)


def _parse(
    reader: Callable[[str], _Value | None],
    text: str,
    source: str,
    file_date: dt.date | None,
    slug: str,
) -> Digest:
    if not text.strip():
        raise InputError(Problem(source, 1, "empty digest (no papers)"))
    try:
        tree = reader(text)
        if tree is None:
            raise _Fail(1, "empty digest (no papers)")
    except _Fail as fail:
        raise InputError(Problem(source, fail.line, fail.message)) from None
    except RecursionError:
        raise InputError(Problem(source, 1, "nested too deeply")) from None
    return _Checker(source).digest(tree, file_date, slug)


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class _Checker(ProblemLog):
    def digest(self, tree: _Value, file_date: dt.date | None, slug: str) -> Digest:
        if tree.kind != "mapping":
            message = f"a digest must be a mapping with 'date' and 'papers', got {tree.kind}"
            raise InputError(Problem(self.source, tree.line, message))
        fields = self.fields(tree, TOP_FIELDS)
        date = self.date(fields.get("date"), file_date)
        title = self.string("title", fields["title"]) if "title" in fields else None
        entries = self.papers(fields.get("papers"), tree.line)
        if self.problems or date is None:
            raise InputError(self.problems)
        return Digest(self.source, date, slug, entries, title=title or "")

    def fields(self, value: _Value, allowed: tuple[str, ...]) -> dict[str, _Value]:
        found: dict[str, _Value] = {}
        for name, item, line in value.named():
            if name not in allowed:
                expected = ", ".join(allowed)
                self.add(line, f"unknown field {excerpt(name)} (expected one of {expected})")
            elif name in found:
                self.add(line, f"duplicate field {name!r}")
            else:
                found[name] = item
        return found

    def string(self, name: str, value: _Value, wanted: str = "a string") -> str | None:
        """The text of a string field; ``wanted`` says what the field may be."""
        if value.kind in ("list", "mapping", "null"):
            self.add(value.line, f"{name!r} must be {wanted}, got {value.kind}")
            return None
        limit = FIELD_CHARS.get(name, FIELD_CHARS["title"])
        if len(value.text) > limit:
            self.add(value.line, too_long(name, value.text, limit))
            return None
        text = clean_text(value.text)
        if not text:
            self.add(value.line, f"{name!r} must not be empty")
            return None
        bad = next((c for c in text if 0xD800 <= ord(c) <= 0xDFFF), None)
        if bad is not None:
            self.add(value.line, f"{name!r} holds a lone surrogate {bad!r}, not a character")
            return None
        return text

    def date(self, value: _Value | None, file_date: dt.date | None) -> dt.date | None:
        if value is None:
            if file_date is None:
                self.add(1, "no date: add 'date: YYYY-MM-DD' or name the file YYYY-MM-DD....yml")
            return file_date
        match = _DATE.fullmatch(value.text.strip()) if value.kind in ("date", "string") else None
        if match is None:
            shown = value.text if value.kind not in ("list", "mapping") else value.kind
            self.add(value.line, f"'date' must be a date like 2025-03-14, got {excerpt(shown)}")
            return None
        try:
            date = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            self.add(value.line, f"'date' is not a valid date: {excerpt(value.text)}")
            return None
        if file_date is not None and date != file_date:
            self.add(value.line, f"date {date} contradicts the date {file_date} in the file name")
        return date

    def papers(self, value: _Value | None, line: int) -> tuple[Entry, ...]:
        if value is None:
            self.add(line, "missing required field 'papers'")
            return ()
        if value.kind != "list":
            self.add(value.line, f"'papers' must be a list, got {value.kind}")
            return ()
        if not value.items:
            self.add(value.line, "empty digest (no papers)")
        entries = (self.paper(item) for item in value.items)
        return tuple(e for e in entries if e is not None)

    def paper(self, value: _Value) -> Entry | None:
        if value.kind != "mapping":
            message = f"a paper must be a mapping with 'title' and 'abstract', got {value.kind}"
            self.add(value.line, message)
            return None
        before = len(self.problems)
        f = self.fields(value, PAPER_FIELDS)
        for name in ("title", "abstract"):
            if name not in f:
                self.add(value.line, f"missing required field {name!r}")
        title = self.string("title", f["title"]) if "title" in f else None
        abstract = self.string("abstract", f["abstract"]) if "abstract" in f else None
        topics, topic_lines = self.slugs("topics", f["topics"]) if "topics" in f else ((), ())
        tags, tag_lines = self.slugs("tags", f["tags"]) if "tags" in f else ((), ())
        note = self.string("note", f["note"]) if "note" in f else ""
        meta = self.metadata(f)
        if len(self.problems) > before or title is None or abstract is None:
            return None
        return Entry(
            title=title,
            abstract=abstract,
            line=f["title"].line,
            links=_links(abstract, meta.url, meta.code, meta.project),
            topics=topics,
            tags=tags,
            note=note or "",
            topic_lines=topic_lines,
            tag_lines=tag_lines,
            **meta.entry_fields(),
        )

    def metadata(self, f: dict[str, _Value]) -> Metadata:
        """The metadata fields of a paper (or of an ``enrichment.yml`` record), checked."""

        def get(name: str, check: Callable[[str, _Value], Any], default: Any = None) -> Any:
            return check(name, f[name]) if name in f else default

        return Metadata(
            arxiv_id=get("arxiv", lambda _, v: self.arxiv(v)),
            url=get("url", self.url),
            code=get("code", self.url),
            project=get("project", self.url),
            pdf=get("pdf", self.url),
            authors=get("authors", lambda _, v: self.authors(v), ()),
            published=get("published", self.day),
            category=get("category", self.string) or "",
            arxiv_comment=get("arxiv_comment", self.string) or "",
            upvotes=get("upvotes", self.count),
            comments=get("comments", self.count),
            stars=get("stars", self.count),
            keywords=get("keywords", self.strings, ()),
            organization=get("organization", self.string) or "",
        )

    def day(self, name: str, value: _Value) -> dt.date | None:
        match = _DATE.fullmatch(value.text.strip()) if value.kind in ("date", "string") else None
        try:
            if match is not None:
                return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
        shown = value.text if value.kind not in ("list", "mapping") else value.kind
        self.add(value.line, f"{name!r} must be a date like 2025-03-14, got {excerpt(shown)}")
        return None

    def count(self, name: str, value: _Value) -> int | None:
        text = value.text.strip()
        if value.kind not in ("number", "string") or not text.isdigit() or len(text) > 15:
            shown = value.text if value.kind not in ("list", "mapping") else value.kind
            self.add(value.line, f"{name!r} must be a whole number, got {excerpt(shown)}")
            return None
        return int(text)

    def strings(self, name: str, value: _Value) -> tuple[str, ...]:
        items, wanted = _list_or_one(value)
        if len(items) > MAX_KEYWORDS:
            self.add(value.line, f"{name!r} lists {len(items):,} (at most {MAX_KEYWORDS:,})")
            return ()
        found = (self.string(name, item, wanted) for item in items)
        return tuple(dict.fromkeys(s for s in found if s))

    def arxiv(self, value: _Value) -> str | None:
        text = self.string("arxiv", value)
        if text is None:
            return None
        found = arxiv_id(text)
        if found is None:
            self.add(value.line, f"'arxiv' must be an arXiv id or URL, got {excerpt(text)}")
        return found

    def url(self, name: str, value: _Value) -> str | None:
        text = self.string(name, value)
        if text is None:
            return None
        if safe_url(text) is None or not text.lower().startswith(("http://", "https://")):
            self.add(value.line, f"{name!r} must be an http(s) URL, got {excerpt(text)}")
            return None
        return text

    def authors(self, value: _Value) -> tuple[str, ...]:
        if value.kind == "list":
            if len(value.items) > MAX_AUTHORS:
                self.add(
                    value.line,
                    f"'authors' lists {len(value.items):,} names (at most {MAX_AUTHORS:,})",
                )
                return ()
            names = [self.string("authors", item, _LIST) for item in value.items]
            return tuple(n for n in names if n)
        text = self.string("authors", value, _LIST_OR_ONE)
        found = tuple(n for n in (clean_text(p) for p in (text or "").split(",")) if n)
        if len(found) > MAX_AUTHORS:
            self.add(value.line, f"'authors' lists {len(found):,} names (at most {MAX_AUTHORS:,})")
            return ()
        return found

    def slugs(self, name: str, value: _Value) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The slugs of a ``topics`` or ``tags`` field, and the line of each."""
        items, wanted = _list_or_one(value)
        most = MAX_TOPICS if name == "topics" else MAX_TAGS
        if len(items) > most:
            self.add(value.line, f"{name!r} lists {len(items):,} names (at most {most} a paper)")
            return (), ()
        slugs: dict[str, int] = {}
        for item in items:
            text = self.string(name, item, wanted)
            if text is None:
                continue
            slug = slugify(text)
            if not slug:
                message = f"{name!r} holds {excerpt(text)}, which has no letters or digits"
                self.add(item.line, message)
            else:
                slugs.setdefault(slug, item.line)
        return tuple(slugs), tuple(slugs.values())


_LIST = "a list of strings"
_LIST_OR_ONE = "a list of strings or one string"


def _list_or_one(value: _Value) -> tuple[tuple[_Value, ...], str]:
    """The items of a field that is a list of strings or one string, and what each must be."""
    return (value.items, _LIST) if value.kind == "list" else ((value,), _LIST_OR_ONE)


@dataclass(frozen=True)
class Metadata:
    """The checked metadata fields of a paper; ``None`` or empty where not given."""

    arxiv_id: str | None = None
    url: str | None = None
    code: str | None = None
    project: str | None = None
    pdf: str | None = None
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    category: str = ""
    arxiv_comment: str = ""
    upvotes: int | None = None
    comments: int | None = None
    stars: int | None = None
    keywords: tuple[str, ...] = ()
    organization: str = ""

    def entry_fields(self) -> dict[str, Any]:
        """The :class:`Entry` fields these give (``code`` and ``project`` become links)."""
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("code", "project")
        }


def _links(
    abstract: str, url: str | None, code: str | None, project: str | None = None
) -> tuple[Link, ...]:
    """The code link first, then the project page, the abstract's links, then ``url``;
    deduplicated."""
    links: dict[str, Link] = {}
    if code is not None:
        cleaned = clean_url(code) or code
        links[cleaned] = Link(cleaned, "code")
    if project is not None:
        cleaned = clean_url(project) or project
        links.setdefault(cleaned, Link(cleaned, "project"))
    for link in extract_links(abstract):
        links.setdefault(link.url, link)
    if url is not None:
        cleaned = clean_url(url) or url
        links.setdefault(cleaned, Link(cleaned, classify_url(cleaned)))
    return tuple(links.values())


# --- enrichment.yml ----------------------------------------------------------------------

ENRICHMENT_FIELDS = ("title", *METADATA_FIELDS)


def parse_enrichment(text: str, source: str) -> dict[str, tuple[str, Metadata]]:
    """The records of an ``enrichment.yml`` (see ``manual/digest-formats.md``): title key ->
    (the title as found, what was found); raises InputError naming every problem."""
    if not text.strip():
        return {}
    try:
        tree = _read_yaml(text)
    except _Fail as fail:
        raise InputError(Problem(source, fail.line, fail.message)) from None
    except RecursionError:
        raise InputError(Problem(source, 1, "nested too deeply")) from None
    if tree is None:
        return {}
    checker = _Checker(source)
    if tree.kind != "mapping":
        raise InputError(
            Problem(source, tree.line, f"expected a mapping 'papers', got {tree.kind}")
        )
    top = checker.fields(tree, ("papers",))
    papers = top.get("papers")
    records: dict[str, tuple[str, Metadata]] = {}
    if papers is not None and papers.kind not in ("mapping", "null"):
        checker.add(papers.line, f"'papers' must be a mapping of title keys, got {papers.kind}")
    elif papers is not None:
        for key, value, line in papers.named():
            if key in records:
                checker.add(line, f"duplicate paper {excerpt(key)}")
                continue
            if value.kind != "mapping":
                checker.add(value.line, f"paper {excerpt(key)} must be a mapping, got {value.kind}")
                continue
            if normalize_title(key) != key:
                message = (
                    f"{excerpt(key)} is not a title key "
                    f"(lower case words: {excerpt(normalize_title(key))})"
                )
                if unicodedata.normalize("NFC", key) != key:  # looks the same, is not
                    message += (
                        ": its accented letters are each a letter and a combining accent;"
                        " write each as one character"
                    )
                checker.add(line, message)
                continue
            f = checker.fields(value, ENRICHMENT_FIELDS)
            title = checker.string("title", f["title"]) if "title" in f else key
            meta = checker.metadata(f)
            if meta.arxiv_id is None and "arxiv" not in f:
                checker.add(value.line, f"paper {key!r} has no 'arxiv' id")
            records[key] = (title or key, meta)
    if checker.problems:
        raise InputError(checker.problems)
    return records
