"""Give every paper its topics, tags and related papers.

Keywords are matched case-insensitively on whole words: the text is cut into
``\\w+`` tokens once, single-word keywords are looked up in the paper's token
set, and a phrase is only searched for (with a regex compiled once per
taxonomy) when all of its words occur in the paper. Rules, as documented in
``manual/taxonomy.md``:

* a space or hyphen inside a keyword matches any run of spaces and hyphens, or
  nothing: ``fine-tuning`` matches ``Fine-Tuning``, ``fine tuning`` and
  ``finetuning``;
* the last word may take a plural ``s``/``es`` (``y`` -> ``ies``): ``LLM``
  matches ``LLMs``;
* a keyword in the title scores ``title_weight``; in the abstract, 1 per
  occurrence, at most :data:`ABSTRACT_CAP` per keyword.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass

from .errors import InputError, Problem
from .ids import key
from .model import Classification, Digest, Feed, Paper, Taxonomy
from .related import related_papers
from .taxonomy import CODE_TAG, ancestors

ABSTRACT_CAP = 3
"""A keyword counts at most this many times in one abstract."""

_WORD = re.compile(r"\w+")
_SEPARATORS = r"[\s\-\u2010\u2011\u2012\u2013\u2014]+"
"""Between the words of a phrase (no separator at all is matched as one token)."""


_ASCII_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")}
    | {c: c.lower() for c in string.ascii_uppercase}
)
"""Lower-cases ASCII text and blanks every non-word character: ``split`` then gives the
``\\w+`` tokens of the case-folded text (which, for ASCII, is the lower-cased text)."""


class _Text:
    """A title or abstract, tokenised once for every matcher."""

    __slots__ = ("_lowered", "present", "text", "tokens")

    def __init__(self, text: str, words: frozenset[str]) -> None:
        self.text = text
        self._lowered: str | None = None
        if text.isascii():
            self.tokens: list[str] = text.translate(_ASCII_WORDS).split()
        else:
            self._lowered = text.casefold()
            self.tokens = _WORD.findall(self._lowered)
        self.present = words.intersection(self.tokens)
        """The tokens that are words of some keyword (``words``)."""

    @property
    def lowered(self) -> str:
        """The case-folded text (computed when a phrase needs it)."""
        if self._lowered is None:
            self._lowered = self.text.casefold()
        return self._lowered


@dataclass(frozen=True)
class _Phrase:
    """A keyword of several words: searched for only when all its words occur."""

    keyword: int
    required: frozenset[str]
    """Every word but the last."""
    last: frozenset[str]
    """The last word and its plural forms: one of them must occur."""
    pattern: re.Pattern[str]


def _plurals(word: str) -> tuple[str, ...]:
    if not word[-1:].isalpha():
        return (word,)
    forms = [word, word + "s", word + "es"]
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    return tuple(forms)


class _Matcher:
    """Counts the keywords of groups (topics or tags) in a text."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.owner: list[int] = []
        """Keyword id -> index of its group."""
        self.single: dict[str, list[int]] = {}
        self.phrases: dict[str, list[_Phrase]] = {}
        self.words: set[str] = set()
        """Every token a keyword can match or needs."""
        for group, keywords in enumerate(groups):
            seen: set[tuple[str, ...]] = set()
            for keyword in keywords:
                words = tuple(_WORD.findall(keyword.casefold()))
                if not words or words in seen:
                    continue
                seen.add(words)
                kid = len(self.owner)
                self.owner.append(group)
                self._add(kid, words)
        self.single_keys = frozenset(self.single)
        self.phrase_keys = frozenset(self.phrases)

    def _add(self, kid: int, words: tuple[str, ...]) -> None:
        group = self.owner[kid]
        for form in _plurals("".join(words)):
            kids = self.single.setdefault(form, [])
            if all(self.owner[other] != group for other in kids):  # "reward" and "rewards"
                kids.append(kid)
        self.words.update(_plurals("".join(words)))
        if len(words) == 1:
            return
        self.words.update(words[:-1])
        self.words.update(_plurals(words[-1]))
        last = _plurals(words[-1])
        tail = "|".join(re.escape(w) for w in sorted(last, key=len, reverse=True))
        # The first word comes first so that the regex engine can skip to it quickly; the
        # look-behind after it checks the character before it: (?<!\w) at its start.
        first = re.escape(words[0])
        rest = _SEPARATORS.join(re.escape(w) for w in words[1:-1])
        body = f"{first}(?<!\\w{first})" + (f"{_SEPARATORS}{rest}" if rest else "")
        pattern = re.compile(rf"{body}{_SEPARATORS}(?:{tail})(?!\w)")
        phrase = _Phrase(kid, frozenset(words[:-1]), frozenset(last), pattern)
        self.phrases.setdefault(words[0], []).append(phrase)

    def hits(self, text: _Text) -> dict[int, int]:
        """Keyword id -> number of occurrences in ``text``."""
        found: dict[int, int] = {}
        single = self.single
        for token in sorted(text.present & self.single_keys):
            count = text.tokens.count(token)
            for kid in single[token]:
                found[kid] = found.get(kid, 0) + count
        for token in sorted(text.present & self.phrase_keys):
            for phrase in self.phrases[token]:
                if text.present.issuperset(phrase.required) and not text.present.isdisjoint(
                    phrase.last
                ):
                    count = len(phrase.pattern.findall(text.lowered))
                    if count:
                        found[phrase.keyword] = found.get(phrase.keyword, 0) + count
        return found

    def scores(self, title: _Text, abstract: _Text, title_weight: float) -> dict[int, float]:
        """Group index -> score (only groups with a hit)."""
        result: dict[int, float] = {}
        for kid in self.hits(title):
            group = self.owner[kid]
            result[group] = result.get(group, 0.0) + title_weight
        for kid, count in self.hits(abstract).items():
            group = self.owner[kid]
            result[group] = result.get(group, 0.0) + min(count, ABSTRACT_CAP)
        return result


@dataclass(frozen=True)
class _Compiled:
    topics: _Matcher
    tags: _Matcher
    topic_slugs: tuple[str, ...]
    tag_slugs: tuple[str, ...]
    ancestors: dict[str, tuple[str, ...]]
    words: frozenset[str]
    """The tokens any keyword of a topic or tag can match or needs."""


@functools.lru_cache(maxsize=8)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    topics = _Matcher([t.keywords for t in taxonomy.topics])
    tags = _Matcher([t.keywords for t in taxonomy.tags])
    return _Compiled(
        topics=topics,
        tags=tags,
        words=frozenset(topics.words | tags.words),
        topic_slugs=tuple(t.slug for t in taxonomy.topics),
        tag_slugs=tuple(t.slug for t in taxonomy.tags),
        ancestors={t.slug: ancestors(taxonomy, t.slug) for t in taxonomy.topics},
    )


def _check_known(paper: Paper, slugs: Iterable[str], known: Sequence[str], kind: str) -> None:
    for slug in slugs:
        if slug not in known:
            raise ValueError(
                f"paper {paper.id!r}: unknown {kind} {slug!r} (run check_overrides first)"
            )


def _topics_of(
    paper: Paper, scores: dict[int, float], compiled: _Compiled, taxonomy: Taxonomy
) -> tuple[str, ...]:
    """Overrides, then the best ``max_topics`` matched topics, then their ancestors; never empty."""
    _check_known(paper, paper.extra_topics, compiled.topic_slugs, "topic")
    ranked = sorted(
        (group for group, score in scores.items() if score >= taxonomy.min_score),
        key=lambda group: (-scores[group], group),
    )
    chosen = list(paper.extra_topics)
    chosen += [compiled.topic_slugs[group] for group in ranked[: taxonomy.max_topics]]
    chosen += [a for slug in chosen for a in compiled.ancestors[slug]]
    return tuple(dict.fromkeys(chosen)) or (taxonomy.catch_all,)


def _tags_of(
    paper: Paper, scores: dict[int, float], compiled: _Compiled, taxonomy: Taxonomy
) -> tuple[str, ...]:
    """Overrides, matched tags and the code rule, sorted."""
    _check_known(paper, paper.extra_tags, compiled.tag_slugs, "tag")
    tags = set(paper.extra_tags)
    tags.update(
        compiled.tag_slugs[group] for group, score in scores.items() if score >= taxonomy.min_score
    )
    if CODE_TAG in compiled.tag_slugs and any(link.kind == "code" for link in paper.links):
        tags.add(CODE_TAG)
    return tuple(sorted(tags))


ClassMemo = MutableMapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
"""Paper key (:func:`paper_key`) -> (topics, tags) under one taxonomy (:mod:`generator.cache`)."""


def paper_key(paper: Paper) -> str:
    """What a paper's topics and tags depend on besides the taxonomy."""
    code = any(link.kind == "code" for link in paper.links)
    return key(paper.title, paper.abstract, repr((paper.extra_topics, paper.extra_tags, code)))


def _classify(
    papers: Iterable[Paper], taxonomy: Taxonomy, *, topics: bool, tags: bool
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    compiled = _compile(taxonomy)
    topic_result: dict[str, tuple[str, ...]] = {}
    tag_result: dict[str, tuple[str, ...]] = {}
    weight = taxonomy.title_weight
    words = compiled.words
    for paper in papers:
        title, abstract = _Text(paper.title, words), _Text(paper.abstract, words)
        if topics:
            scores = compiled.topics.scores(title, abstract, weight)
            topic_result[paper.id] = _topics_of(paper, scores, compiled, taxonomy)
        if tags:
            scores = compiled.tags.scores(title, abstract, weight)
            tag_result[paper.id] = _tags_of(paper, scores, compiled, taxonomy)
    return topic_result, tag_result


def classify_topics(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    """Paper id -> topic slugs, best first, ancestors last; the catch-all when nothing matched.

    Raises :class:`ValueError` for an override naming an unknown topic: check the
    digests with :func:`check_overrides` first.
    """
    return _classify(papers, taxonomy, topics=True, tags=False)[0]


def classify_tags(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    """Paper id -> tag slugs, sorted (possibly empty)."""
    return _classify(papers, taxonomy, topics=False, tags=True)[1]


def check_overrides(digests: Iterable[Digest], taxonomy: Taxonomy) -> list[Problem]:
    """Every topic or tag a digest entry names that the taxonomy does not define."""
    kinds = (
        ("topic", tuple(t.slug for t in taxonomy.topics)),
        ("tag", tuple(t.slug for t in taxonomy.tags)),
    )
    problems: list[Problem] = []
    for digest in digests:
        for entry in digest.entries:
            given = ((entry.topics, entry.topic_lines), (entry.tags, entry.tag_lines))
            for (kind, known), (slugs, lines) in zip(kinds, given, strict=True):
                for n, slug in enumerate(slugs):
                    if slug not in known:
                        # The slug's own line; the paper's when the parser gave none.
                        line = lines[n] if n < len(lines) else entry.line
                        listed = ", ".join(sorted(known)) or "none"
                        problems.append(
                            Problem(
                                digest.source, line, f"unknown {kind} {slug!r} (known: {listed})"
                            )
                        )
    return problems


def topics_and_tags(
    feed: Feed, taxonomy: Taxonomy, memo: ClassMemo | None = None
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Paper id -> topics and paper id -> tags (see :func:`classify_topics`, :func:`classify_tags`).

    With a ``memo`` (for this taxonomy), a paper classified before is not matched again.
    Raises :class:`InputError` when a digest names a topic or tag the taxonomy lacks.
    """
    problems = check_overrides(feed.digests, taxonomy)
    if problems:
        raise InputError(problems)
    if memo is None:
        return _classify(feed.papers, taxonomy, topics=True, tags=True)
    names = [paper_key(paper) for paper in feed.papers]
    missed = [p for p, name in zip(feed.papers, names, strict=True) if name not in memo]
    found_topics, found_tags = _classify(missed, taxonomy, topics=True, tags=True)
    topics: dict[str, tuple[str, ...]] = {}
    tags: dict[str, tuple[str, ...]] = {}
    for paper, name in zip(feed.papers, names, strict=True):  # in the papers' order
        if paper.id in found_topics:
            memo[name] = found_topics[paper.id], found_tags[paper.id]
        topics[paper.id], tags[paper.id] = memo[name]
    return topics, tags


def classify(
    feed: Feed, taxonomy: Taxonomy, related_k: int = 5, memo: ClassMemo | None = None
) -> Classification:
    """Topics, tags and related papers of every paper of ``feed`` (see :func:`topics_and_tags`)."""
    topics, tags = topics_and_tags(feed, taxonomy, memo)
    return Classification(
        topics=topics, tags=tags, related=related_papers(feed.papers, k=related_k)
    )
