"""``curation.yml``: the curator's word as data, applied to the feed and its classification.

The file sits beside ``taxonomy.yml`` (the plugin's ``curation`` option points elsewhere)
and is optional. It names papers by arXiv id or title, whatever the digest's format, and
says what to change::

    papers:
      "2503.01234":
        primary: alignment            # this topic first; the others stay
      "Go Wider Instead of Deeper":
        topics: [architectures]       # exactly these topics (the first is the primary)
        add_tags: [moe]
        note: A classic.
        feature: true                 # on the home page, in this file's order
      "A paper nobody should see":
        hide: true

Reading checks the shape (:func:`parse_curation`); :func:`resolve` checks the papers,
topics, tags and slugs against the feed and the taxonomy (every problem with its line);
:func:`apply_to_feed` and :func:`apply_to_classes` make the changes and warn, with the
entry's line, about every entry that changes nothing. All pure: reading the file is
:func:`load_curation`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from generator.classify import with_parents
from generator.errors import InputError, Problem, decode_utf8
from generator.feed import RESERVED_SLUGS
from generator.ids import arxiv_id, normalize_title, slug_problem
from generator.limits import excerpt
from generator.model import Feed, Paper, Taxonomy
from generator.taxonomy import Reader, ancestors, line_of

FILE_NAME = "curation.yml"
"""The file's name beside the taxonomy when the plugin's ``curation`` option is not set."""

_FIELDS = (
    "primary",
    "topics",
    "add_topics",
    "remove_topics",
    "add_tags",
    "remove_tags",
    "hide",
    "feature",
    "note",
    "slug",
)
_BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Edit:
    """What the curator says about one paper (``None`` or empty: nothing)."""

    paper: str
    """The paper as named: an arXiv id or a title."""
    line: int
    primary: str | None = None
    topics: tuple[str, ...] | None = None
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    hide: bool = False
    feature: bool = False
    note: str | None = None
    slug: str | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Field -> its line, for the messages."""


@dataclass(frozen=True)
class Curation:
    """The entries of one ``curation.yml``, in the file's order."""

    source: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Resolved:
    """A curation whose papers were found in a feed: paper id -> its edit."""

    source: str
    edits: dict[str, Edit]
    hidden: frozenset[str] = frozenset()
    featured: tuple[str, ...] = ()
    """Ids of the featured papers, in the file's order."""


NO_CURATION = Resolved(source="", edits={})


def load_curation(path: Path, source: str | None = None) -> Curation:
    """Read and check the curation file at ``path``; ``source`` names it in errors."""
    name = source if source is not None else str(path)
    try:
        text = decode_utf8(path.read_bytes(), name)
    except OSError as exc:
        raise InputError(
            Problem(name, 0, f"cannot read the curation file: {exc.strerror}")
        ) from exc
    return parse_curation(text, name)


def parse_curation(text: str, source: str) -> Curation:
    """Check the YAML of a curation file; raise :class:`InputError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise InputError(Problem(source, line, f"invalid YAML: {exc.problem}")) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its errors
        raise InputError(Problem(source, 0, f"invalid YAML: {exc}")) from exc
    except RecursionError:  # PyYAML's composer recurses into nested lists and mappings
        raise InputError(Problem(source, 1, "nested too deeply")) from None
    if root is None:
        return Curation(source)
    reader = Reader(source)
    top = reader.fields(root, ("papers",), "the curation file")
    edits: list[Edit] = []
    node = top.get("papers")
    if node is not None and not (isinstance(node, ScalarNode) and node.value in ("", "~")):
        if not isinstance(node, MappingNode):
            reader.add(line_of(node), "'papers' must be a mapping of arXiv ids or titles")
        else:
            seen: dict[str, int] = {}
            for key_node, value in node.value:
                name = reader.text(key_node, "a paper's arXiv id or title")
                if not name:
                    continue
                name = " ".join(name.split())
                line = line_of(key_node)
                identity = _identity(name)
                if identity in seen:
                    reader.add(line, f"{name!r} is named twice (first at line {seen[identity]})")
                    continue
                seen[identity] = line
                edit = _edit(reader, name, line, value)
                if edit is not None:
                    edits.append(edit)
    if reader.problems:
        raise InputError(reader.problems)
    return Curation(source, tuple(edits))


def _edit(reader: Reader, name: str, line: int, node: Node) -> Edit | None:
    what = f"paper {name!r}"
    fields = reader.fields(node, _FIELDS, what)
    if not fields:
        if isinstance(node, MappingNode) or not reader.problems:
            reader.add(line, f"{what} says nothing (give it one of: {', '.join(_FIELDS)})")
        return None
    values: dict[str, object] = {}
    for name_ in ("primary", "slug"):
        if name_ in fields:
            value = reader.text(fields[name_], f"{name_!r} of {what}")
            if value is not None:
                values[name_] = value
    for name_ in ("topics", "add_topics", "remove_topics", "add_tags", "remove_tags"):
        if name_ in fields:
            values[name_] = tuple(
                dict.fromkeys(
                    v
                    for item in reader.sequence(fields[name_], f"{name_!r} of {what}")
                    if (v := reader.text(item, f"a slug in {name_!r} of {what}"))
                )
            )
    for name_ in ("hide", "feature"):
        if name_ in fields:
            flag = fields[name_]
            if not isinstance(flag, ScalarNode) or flag.tag != _BOOL:
                reader.add(line_of(flag), f"{name_!r} of {what} must be true or false")
            else:
                values[name_] = flag.value.lower() in ("true", "yes", "on")
    if "note" in fields:
        note = reader.text(fields["note"], f"'note' of {what}")
        if note is not None and not note.strip():
            reader.add(line_of(fields["note"]), f"'note' of {what} is empty (leave it out)")
        elif note is not None:
            values["note"] = note
    lines = {k: line_of(v) for k, v in fields.items()}
    return Edit(paper=name, line=line, lines=lines, **values)  # type: ignore[arg-type]


def _identity(name: str) -> str:
    found = arxiv_id(name)
    return f"arxiv:{found}" if found else f"title:{normalize_title(name)}"


def resolve(
    curation: Curation,
    feed: Feed,
    taxonomy: Taxonomy,
    published: Mapping[str, str] | None = None,
) -> Resolved:
    """Find every entry's paper in ``feed`` and check its topics, tags and slug.

    Raises :class:`InputError` with every unknown paper, topic or tag and every bad slug
    (``published``: the slugs of the paper pages the site published, and their papers'
    ids: a slug may not give another paper's published page to this one)."""
    source = curation.source
    claimed: Mapping[str, str] = published or {}
    by_arxiv = {p.arxiv_id: p for p in feed.papers if p.arxiv_id}
    by_id = {p.id: p for p in feed.papers if not p.arxiv_id}  # (the id is its page's name)
    by_title: dict[str, list[Paper]] = {}
    for each in feed.papers:
        by_title.setdefault(normalize_title(each.title), []).append(each)
    topics = {t.slug for t in taxonomy.topics}
    tags = {t.slug for t in taxonomy.tags}
    problems: list[Problem] = []
    edits: dict[str, Edit] = {}
    slugs = {p.slug: p.id for p in feed.papers}
    for edit in curation.edits:
        found = arxiv_id(edit.paper)
        same = [] if found or edit.paper in by_id else by_title.get(normalize_title(edit.paper))
        if same and len(same) > 1:
            ids = ", ".join(p.id for p in same)
            message = (
                f"{edit.paper!r} is the title of {len(same)} papers ({ids}): name one by its id"
            )
            problems.append(Problem(source, edit.line, message))
            continue
        paper: Paper | None = (
            by_arxiv.get(found) if found else by_id.get(edit.paper, same[0] if same else None)
        )
        if paper is None:
            how = "arXiv id" if found else "title"
            problems.append(
                Problem(
                    source, edit.line, f"unknown paper {edit.paper!r} (no paper has this {how})"
                )
            )
            continue
        if paper.id in edits:
            first = edits[paper.id].line
            problems.append(
                Problem(source, edit.line, f"{edit.paper!r} is the paper of line {first} again")
            )
            continue
        edits[paper.id] = edit
        given = {*(edit.topics or ()), *edit.add_topics, *([edit.primary] if edit.primary else [])}
        for name, taken, added in (
            ("remove_topics", edit.remove_topics, given),
            ("remove_tags", edit.remove_tags, set(edit.add_tags)),
        ):
            both = [slug for slug in taken if slug in added]
            if both:
                message = f"{both[0]!r} is both given and taken away in the entry of {edit.paper!r}"
                problems.append(Problem(source, edit.lines[name], message))
        for name, known, kind in (
            ("primary", topics, "topic"),
            ("topics", topics, "topic"),
            ("add_topics", topics, "topic"),
            ("remove_topics", topics, "topic"),
            ("add_tags", tags, "tag"),
            ("remove_tags", tags, "tag"),
        ):
            value = getattr(edit, name)
            for slug in (value,) if isinstance(value, str) else value or ():
                if slug not in known:
                    listed = ", ".join(sorted(known)) or "none"
                    problems.append(
                        Problem(
                            source, edit.lines[name], f"unknown {kind} {slug!r} (known: {listed})"
                        )
                    )
        if edit.topics == ():
            problems.append(Problem(source, edit.lines["topics"], "'topics' must name a topic"))
        if edit.slug is not None:
            line = edit.lines["slug"]
            wrong = slug_problem(edit.slug, "my-paper")
            if wrong is not None:
                problems.append(Problem(source, line, f"slug {excerpt(edit.slug)} {wrong}"))
            elif RESERVED_SLUGS.fullmatch(edit.slug):
                problems.append(
                    Problem(
                        source,
                        line,
                        f"slug {edit.slug!r} is reserved: papers/{edit.slug}/ is a page of "
                        "the list of every paper ('index' and 'page-N' are)",
                    )
                )
            elif slugs.get(edit.slug, paper.id) != paper.id:
                problems.append(
                    Problem(source, line, f"slug {edit.slug!r} is another paper's page already")
                )
            elif claimed.get(edit.slug, paper.id) != paper.id:
                message = (
                    f"slug {edit.slug!r} was published for another paper "
                    f"({claimed[edit.slug]!r}, published.txt): a reader who saved it would "
                    "find this one; choose another"
                )
                problems.append(Problem(source, line, message))
            else:
                slugs[edit.slug] = paper.id
        if edit.hide and edit.feature:
            problems.append(
                Problem(
                    source, edit.line, f"paper {edit.paper!r} cannot be both hidden and featured"
                )
            )
    if problems:
        raise InputError(problems)
    return Resolved(
        source=source,
        edits=edits,
        hidden=frozenset(pid for pid, e in edits.items() if e.hide),
        featured=tuple(pid for pid, e in edits.items() if e.feature),
    )


def apply_to_feed(feed: Feed, resolved: Resolved) -> tuple[Feed, list[Problem]]:
    """The feed without the hidden papers, with the curator's slugs and notes; and a
    warning for every note or slug that is already the paper's."""
    if not resolved.edits:
        return feed, []
    warnings: list[Problem] = []
    papers: list[Paper] = []
    for paper in feed.papers:
        edit = resolved.edits.get(paper.id)
        if edit is None:
            papers.append(paper)
            continue
        if edit.hide:
            continue
        if edit.slug is not None:
            if edit.slug == paper.slug:
                warnings.append(_unchanged(resolved, edit, "slug", "is the paper's slug already"))
            paper = replace(paper, slug=edit.slug)
        if edit.note is not None:
            notes = [n for n in paper.note.split("\n\n") if n]
            if edit.note in notes:
                warnings.append(_unchanged(resolved, edit, "note", "is the paper's note already"))
            else:
                paper = replace(paper, note="\n\n".join([*notes, edit.note]))
        papers.append(paper)
    return replace(feed, papers=tuple(papers)), warnings


def apply_to_classes(
    topics: dict[str, tuple[str, ...]],
    tags: dict[str, tuple[str, ...]],
    resolved: Resolved,
    taxonomy: Taxonomy,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], list[Problem]]:
    """The topics and tags with the curator's changes (for the papers in ``topics``), and a
    warning for every entry whose topics or tags it leaves as they were."""
    warnings: list[Problem] = []
    if not resolved.edits:
        return topics, tags, warnings
    topics, tags = dict(topics), dict(tags)
    for paper_id, edit in resolved.edits.items():
        if paper_id not in topics:
            continue  # hidden
        before = topics[paper_id]
        if edit.topics is not None or edit.primary or edit.add_topics or edit.remove_topics:
            chosen = list(edit.topics) if edit.topics is not None else list(before)
            if edit.primary:
                chosen = [edit.primary, *(t for t in chosen if t != edit.primary)]
            chosen += edit.add_topics
            kept = [t for t in dict.fromkeys(chosen) if t not in edit.remove_topics]
            after = with_parents(kept, taxonomy) or (taxonomy.catch_all,)
            for slug in edit.remove_topics:
                under = next((t for t in kept if slug in ancestors(taxonomy, t)), None)
                if under is not None:  # parents of the topics kept are added, as always
                    message = (
                        f"{edit.paper!r} keeps {under!r}, which is under {slug!r}: "
                        f"{slug!r} stays (take {under!r} away too)"
                    )
                    warnings.append(Problem(resolved.source, edit.lines["remove_topics"], message))
            topics[paper_id] = after
            if after == before:
                warnings.append(_unchanged(resolved, edit, "", "leaves its topics as they are"))
        if edit.add_tags or edit.remove_tags:
            old = tags.get(paper_id, ())
            new = tuple(sorted((set(old) | set(edit.add_tags)) - set(edit.remove_tags)))
            tags[paper_id] = new
            if new == old:
                warnings.append(_unchanged(resolved, edit, "", "leaves its tags as they are"))
    return topics, tags, warnings


def _unchanged(resolved: Resolved, edit: Edit, name: str, what: str) -> Problem:
    line = edit.lines.get(name, edit.line)
    subject = f"the {name} of {edit.paper!r}" if name else repr(edit.paper)
    return Problem(resolved.source, line, f"{subject} {what}: the entry changes nothing")


def unused(resolved: Resolved) -> Iterable[Problem]:
    """Entries that say only ``hide: false`` / ``feature: false``: nothing to do."""
    for edit in resolved.edits.values():
        does = (
            edit.primary,
            edit.topics is not None,
            edit.add_topics,
            edit.remove_topics,
            edit.add_tags,
            edit.remove_tags,
            edit.hide,
            edit.feature,
            edit.note is not None,
            edit.slug is not None,
        )
        if not any(does):
            yield Problem(resolved.source, edit.line, f"{edit.paper!r}: the entry changes nothing")
