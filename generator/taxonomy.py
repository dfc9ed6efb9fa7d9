"""Load the curator's ``taxonomy.yml`` into a :class:`~generator.model.Taxonomy`.

The file is composed (not loaded) with PyYAML so that every value keeps its
line: each mistake becomes a :class:`~generator.errors.Problem` naming the
file and line, and all of them are raised at once in an
:class:`~generator.errors.InputError`. See ``manual/taxonomy.md`` for the schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError, Problem, ProblemLog, decode_utf8
from .ids import slug_problem, slugify
from .limits import excerpt
from .model import TagDef, Taxonomy, Topic

DEFAULT_CATCH_ALL = "other"
"""The catch-all topic's slug when the file does not name one."""

CODE_TAG = "code-available"
"""The tag that classify also gives every paper with a ``code`` link.

:class:`~generator.model.TagDef` has no field for a rule, so the rule is tied to
this slug; ``rule: has_code`` may be written on this tag (and only there) to say so.
"""

RULES = ("has_code",)
"""The values ``rule`` may take."""

_DEFAULTS = Taxonomy(topics=(), tags=(), catch_all="")

_TOP_FIELDS = ("settings", "catch_all", "topics", "tags")
_SETTINGS_FIELDS = ("title_weight", "min_score", "max_topics", "margin", "similarity")
_TOPIC_FIELDS = ("name", "slug", "description", "keywords", "parent", "examples", "renamed_from")
_TAG_FIELDS = ("name", "slug", "description", "keywords", "rule")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"


def load_taxonomy(path: Path, source: str | None = None) -> Taxonomy:
    """Read and check the taxonomy file at ``path``; ``source`` names it in errors."""
    name = source if source is not None else str(path)
    try:
        text = decode_utf8(path.read_bytes(), name)
    except OSError as exc:
        raise InputError(Problem(name, 0, f"cannot read taxonomy: {exc.strerror}")) from exc
    return parse_taxonomy(text, name)


def parse_taxonomy(text: str, source: str) -> Taxonomy:
    """Check ``text`` (the YAML of a taxonomy file) and build the :class:`Taxonomy`.

    Raises :class:`InputError` listing every problem found, each with its line.
    """
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
    reader = _Reader(source)
    taxonomy = reader.taxonomy(root)
    if reader.problems or taxonomy is None:
        raise InputError(reader.problems)
    return taxonomy


def ancestors(taxonomy: Taxonomy, slug: str) -> tuple[str, ...]:
    """The slugs of the parents of topic ``slug``, nearest first (checked acyclic)."""
    parents = {t.slug: t.parent for t in taxonomy.topics}
    chain: list[str] = []
    parent = parents.get(slug)
    while parent is not None and parent not in chain and parent != slug:
        chain.append(parent)
        parent = parents.get(parent)
    return tuple(chain)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = str(node.tag).rsplit(":", 1)[-1]
    return {"str": "a string", "null": "empty", "bool": "a boolean"}.get(tag, f"a {tag}")


@dataclass
class _Item:
    """A topic or tag as written, with the lines that errors point to."""

    line: int
    slug: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    parent: str | None = None
    parent_line: int = 0
    rule: str | None = None
    rule_line: int = 0
    examples: tuple[str, ...] = ()
    renamed_from: tuple[tuple[str, int], ...] = ()
    """Earlier slugs, each with its line."""


class _Reader(ProblemLog):
    """Walks the composed YAML, collecting problems instead of stopping at the first."""

    # -- generic shapes --------------------------------------------------

    def fields(self, node: Node, allowed: tuple[str, ...], what: str) -> dict[str, Node]:
        """The fields of mapping ``node``; unknown, repeated or non-string keys are reported."""
        if not isinstance(node, MappingNode):
            self.add(_line(node), f"{what} must be a mapping, not {_kind(node)}")
            return {}
        result: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag != _STR:
                self.add(_line(key), f"{what}: field names must be strings")
                continue
            name = str(key.value)
            if name not in allowed:
                expected = ", ".join(allowed)
                self.add(
                    _line(key), f"unknown field {name!r} in {what} (expected one of: {expected})"
                )
            elif name in result:
                self.add(_line(key), f"duplicate field {name!r} in {what}")
            else:
                result[name] = value
        return result

    def text(self, node: Node, what: str) -> str | None:
        """A string scalar (numbers are taken as written); ``None`` after reporting."""
        if isinstance(node, ScalarNode) and node.tag in (_STR, _INT, _FLOAT):
            return str(node.value).strip()
        self.add(_line(node), f"{what} must be a string, not {_kind(node)}")
        return None

    def number(self, node: Node, what: str, *, integer: bool, minimum: float) -> float | None:
        allowed = (_INT,) if integer else (_INT, _FLOAT)
        if not isinstance(node, ScalarNode) or node.tag not in allowed:
            kind = "an integer" if integer else "a number"
            self.add(_line(node), f"{what} must be {kind}, not {_kind(node)}")
            return None
        try:
            value = float(yaml.safe_load(node.value))
        except (ValueError, OverflowError):  # a 5,000-digit integer: Python refuses it
            self.add(_line(node), f"{what} is too large: {excerpt(node.value)}")
            return None
        if not value >= minimum:  # also rejects nan
            self.add(_line(node), f"{what} must be at least {minimum:g}, not {excerpt(node.value)}")
            return None
        return value

    def share(self, node: Node, what: str) -> float | None:
        """A number from 0 to 1."""
        value = self.number(node, what, integer=False, minimum=0)
        if value is not None and value > 1:
            self.add(_line(node), f"{what} must be at most 1, not {node.value!r}")
            return None
        return value

    def sequence(self, node: Node, what: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, SequenceNode):
            self.add(_line(node), f"{what} must be a list, not {_kind(node)}")
            return []
        return list(node.value)

    def keywords(self, node: Node, what: str) -> tuple[str, ...]:
        words: list[str] = []
        for item in self.sequence(node, f"'keywords' of {what}"):
            word = self.text(item, f"keyword of {what}")
            if word is None:
                continue
            if not word.strip():
                self.add(_line(item), f"empty keyword in {what}")
                continue
            if not any(ch.isalnum() for ch in word):
                message = f"keyword {excerpt(word)} of {what} has no letters or digits"
                self.add(_line(item), f"{message} (it would match nothing)")
                continue
            words.append(" ".join(word.split()))
        return tuple(dict.fromkeys(words))

    # -- the document ----------------------------------------------------

    def taxonomy(self, root: Node | None) -> Taxonomy | None:
        if root is None:
            self.add(0, "the taxonomy is empty (it needs at least 'topics')")
            return None
        top = self.fields(root, _TOP_FIELDS, "the taxonomy")
        if not top:
            if isinstance(root, MappingNode):
                self.add(_line(root), "the taxonomy needs 'topics'")
            return None
        settings = self.settings(top.get("settings"))
        if "topics" not in top:
            self.add(_line(root), "missing field 'topics'")
        topics = self.items(top.get("topics"), "topic", _TOPIC_FIELDS)
        if "topics" in top and not topics and not self.problems:
            self.add(_line(top["topics"]), "'topics' must list at least one topic")
        tags = self.items(top.get("tags"), "tag", _TAG_FIELDS)
        self.check_parents(topics)
        self.check_renames(topics)
        self.check_rules(tags)
        catch_all = DEFAULT_CATCH_ALL
        catch_line = _line(root)
        if "catch_all" in top:
            catch_line = _line(top["catch_all"])
            catch_all = self.text(top["catch_all"], "'catch_all'") or ""
        known = {t.slug for t in topics}
        if topics and catch_all not in known:
            names = ", ".join(sorted(known))
            how = "" if "catch_all" in top else " (the default catch_all)"
            self.add(catch_line, f"catch_all {catch_all!r}{how} is not a topic (known: {names})")
        if self.problems:
            return None
        return Taxonomy(
            topics=tuple(
                Topic(
                    slug=t.slug,
                    name=t.name,
                    description=t.description,
                    keywords=t.keywords,
                    parent=t.parent,
                    examples=t.examples,
                    renamed_from=tuple(old for old, _ in t.renamed_from),
                )
                for t in topics
            ),
            tags=tuple(
                TagDef(slug=t.slug, name=t.name, keywords=t.keywords, description=t.description)
                for t in tags
            ),
            catch_all=catch_all,
            source=self.source,
            title_weight=settings.title_weight,
            min_score=settings.min_score,
            max_topics=settings.max_topics,
            margin=settings.margin,
            similarity=settings.similarity,
        )

    def settings(self, node: Node | None) -> Taxonomy:
        """The settings as a topic-less :class:`Taxonomy` (absent ones keep the defaults)."""
        result = _DEFAULTS
        if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL):
            return result  # (an empty 'settings:', its lines commented out, as 'tags:')
        fields = self.fields(node, _SETTINGS_FIELDS, "'settings'")
        if "title_weight" in fields:
            value = self.number(fields["title_weight"], "'title_weight'", integer=False, minimum=0)
            if value is not None:
                result = replace(result, title_weight=value)
        if "min_score" in fields:
            value = self.number(fields["min_score"], "'min_score'", integer=False, minimum=0)
            if value is not None:
                result = replace(result, min_score=value)
        if "margin" in fields and (value := self.share(fields["margin"], "'margin'")) is not None:
            result = replace(result, margin=value)
        if "similarity" in fields:
            value = self.share(fields["similarity"], "'similarity'")
            if value is not None:
                result = replace(result, similarity=value)
        if "max_topics" in fields:
            value = self.number(fields["max_topics"], "'max_topics'", integer=True, minimum=1)
            if value is not None:
                result = replace(result, max_topics=int(value))
        return result

    def items(self, node: Node | None, kind: str, allowed: tuple[str, ...]) -> list[_Item]:
        """The topics or tags (``kind``) listed in ``node``, duplicates reported."""
        if node is None:
            return []
        result: list[_Item] = []
        first_line: dict[str, int] = {}
        for entry in self.sequence(node, f"'{kind}s'"):
            item = self.item(entry, kind, allowed)
            if item is None:
                continue
            if item.slug in first_line:
                self.add(
                    item.line,
                    f"duplicate {kind} slug {item.slug!r} (first at line {first_line[item.slug]})",
                )
                continue
            first_line[item.slug] = item.line
            result.append(item)
        return result

    def item(self, node: Node, kind: str, allowed: tuple[str, ...]) -> _Item | None:
        line = _line(node)
        fields = self.fields(node, allowed, kind)
        if not fields and not isinstance(node, MappingNode):
            return None
        if "name" not in fields:
            self.add(line, f"{kind} without a 'name'")
            return None
        name = self.text(fields["name"], f"'name' of {kind}")
        if not name:
            if name is not None:
                self.add(_line(fields["name"]), f"empty 'name' of {kind}")
            return None
        what = f"{kind} {name!r}"
        if "slug" in fields:
            slug = self.text(fields["slug"], f"'slug' of {what}")
            if slug is None:
                return None
            wrong = slug_problem(slug, "my-" + kind)
            if wrong is not None:
                self.add(_line(fields["slug"]), f"slug {excerpt(slug)} of {what} {wrong}")
                return None
        else:
            slug = slugify(name)
            if not slug:
                self.add(line, f"{what} needs a 'slug' (its name has no ASCII letters)")
                return None
        result = _Item(line=line, slug=slug, name=name)
        if "description" in fields and not _is_null(fields["description"]):
            result.description = self.text(fields["description"], f"'description' of {what}") or ""
        if "keywords" in fields:
            result.keywords = self.keywords(fields["keywords"], what)
        if "parent" in fields and not _is_null(fields["parent"]):
            result.parent = self.text(fields["parent"], f"'parent' of {what}")
            result.parent_line = _line(fields["parent"])
        if "examples" in fields:
            result.examples = self.texts(fields["examples"], f"example of {what}")
        if "renamed_from" in fields:
            result.renamed_from = self.slugs(fields["renamed_from"], f"'renamed_from' of {what}")
        if "rule" in fields and not _is_null(fields["rule"]):
            result.rule = self.text(fields["rule"], f"'rule' of {what}")
            result.rule_line = _line(fields["rule"])
        return result

    def check_parents(self, topics: list[_Item]) -> None:
        by_slug = {t.slug: t for t in topics}
        for topic in topics:
            if topic.parent is not None and topic.parent not in by_slug:
                known = ", ".join(sorted(by_slug))
                self.add(
                    topic.parent_line,
                    f"parent {topic.parent!r} of topic {topic.slug!r} is not a topic"
                    f" (known: {known})",
                )
        reported: set[str] = set()
        for topic in topics:
            chain = list(_walk_parents(topic.slug, by_slug))
            if chain and chain[-1] in chain[:-1] and chain[-1] not in reported:
                cycle = chain[chain.index(chain[-1]) :]
                reported.update(cycle)
                start = min((by_slug[s] for s in cycle[:-1]), key=lambda t: t.line)
                i = cycle.index(start.slug)
                ordered = [*cycle[i:-1], *cycle[:i], start.slug]
                self.add(start.parent_line, f"parent cycle: {' -> '.join(ordered)}")

    def texts(self, node: Node, what: str) -> tuple[str, ...]:
        """A list of non-empty strings, whitespace collapsed, repeats dropped."""
        found: list[str] = []
        for item in self.sequence(node, what):
            value = self.text(item, what)
            if value is not None and not value:
                self.add(_line(item), f"empty {what}")
            elif value:
                found.append(" ".join(value.split()))
        return tuple(dict.fromkeys(found))

    def slugs(self, node: Node, what: str) -> tuple[tuple[str, int], ...]:
        """A slug or a list of slugs, each with its line."""
        items = [node] if isinstance(node, ScalarNode) and node.tag != _NULL else None
        found: list[tuple[str, int]] = []
        for item in items if items is not None else self.sequence(node, what):
            value = self.text(item, what)
            if value is None:
                continue
            if not value or slugify(value) != value:
                self.add(_line(item), f"{what}: {value!r} is not a slug (e.g. {slugify(value)!r})")
                continue
            found.append((value, _line(item)))
        return tuple(found)

    def check_renames(self, topics: list[_Item]) -> None:
        """An earlier slug is no topic's current slug and belongs to one topic only."""
        current = {t.slug for t in topics}
        owner: dict[str, str] = {}
        for topic in topics:
            for old, line in topic.renamed_from:
                if old in current:
                    self.add(
                        line, f"topic {topic.slug!r} renamed_from {old!r}, which is still a topic"
                    )
                elif old in owner and owner[old] != topic.slug:
                    self.add(
                        line,
                        f"topics {owner[old]!r} and {topic.slug!r} are both renamed_from {old!r}",
                    )
                else:
                    owner[old] = topic.slug

    def check_rules(self, tags: Iterable[_Item]) -> None:
        for tag in tags:
            if tag.rule is None:
                continue
            line = tag.rule_line
            if tag.rule not in RULES:
                self.add(
                    line,
                    f"unknown rule {tag.rule!r} of tag {tag.slug!r} (known: {', '.join(RULES)})",
                )
            elif tag.slug != CODE_TAG:
                self.add(
                    line,
                    f"rule {tag.rule!r} only applies to the tag with slug {CODE_TAG!r},"
                    f" not {tag.slug!r}",
                )


def renamed_topics(taxonomy: Taxonomy) -> dict[str, str]:
    """Earlier topic slug -> the slug of the topic it is now (``renamed_from``)."""
    return {old: t.slug for t in taxonomy.topics for old in t.renamed_from}


def _walk_parents(slug: str, by_slug: dict[str, _Item]) -> Iterator[str]:
    """``slug``, its parent, grandparent...; stops after the first repeated slug."""
    seen: set[str] = set()
    current: str | None = slug
    while current is not None and current in by_slug:
        yield current
        if current in seen:
            return
        seen.add(current)
        current = by_slug[current].parent


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


Reader = _Reader
"""The YAML reader that collects problems with their lines (also reads ``curation.yml``)."""
line_of = _line
