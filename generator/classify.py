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

import numpy as np

from .errors import InputError, Problem
from .ids import arxiv_id, key, normalize_title
from .model import Classification, Digest, Feed, Paper, Taxonomy
from .related import Vectors, related_from, term_vectors
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
        self.keywords: list[str] = []
        """Keyword id -> the keyword as written."""
        self.kid_words: list[tuple[str, ...]] = []
        for group, keywords in enumerate(groups):
            written: dict[tuple[str, ...], str] = {}
            for keyword in keywords:
                written.setdefault(tuple(_WORD.findall(keyword.casefold())), keyword)
            for words, keyword in written.items():
                if not words or _plural_of_another(words, written):
                    continue
                kid = len(self.owner)
                self.owner.append(group)
                self.keywords.append(keyword)
                self.kid_words.append(words)
                self._add(kid, words)
        self.single_keys = frozenset(self.single)
        self.phrase_keys = frozenset(self.phrases)
        self.covers: list[tuple[int, ...]] = [
            tuple(
                other
                for other, longer in enumerate(self.kid_words)
                if self.owner[other] == self.owner[kid] and _inside(words, longer)
            )
            for kid, words in enumerate(self.kid_words)
        ]
        """Keyword id -> the longer keywords of its group that contain it (``reward`` ->
        ``reward model``): where one of them matched, it matched too, at the same place."""
        self.longest_first = sorted(
            range(len(self.kid_words)), key=lambda kid: (-len(self.kid_words[kid]), kid)
        )

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

    def mentions(self, text: _Text) -> dict[int, int]:
        """Keyword id -> its occurrences in ``text`` that are not part of a longer keyword
        of its group that matched there (``diffusion`` in ``diffusion models`` is one
        mention, of ``diffusion model``)."""
        found = self.hits(text)
        if len(found) < 2:
            return found
        own: dict[int, int] = {}
        for kid in self.longest_first:
            count = found.get(kid, 0)
            if count:
                count -= sum(own.get(other, 0) for other in self.covers[kid])
                if count > 0:
                    own[kid] = count
        return {kid: own[kid] for kid in sorted(own)}

    def scores(
        self, title: _Text, abstract: _Text, title_weight: float
    ) -> tuple[dict[int, float], list[tuple[int, str, int, float]]]:
        """Group index -> score (only groups with a hit), and the evidence: (keyword id,
        ``title`` or ``abstract``, mentions, score) for every keyword that counted."""
        result: dict[int, float] = {}
        evidence: list[tuple[int, str, int, float]] = []
        for kid, count in self.mentions(title).items():
            group = self.owner[kid]
            result[group] = result.get(group, 0.0) + title_weight
            evidence.append((kid, "title", count, title_weight))
        for kid, count in self.mentions(abstract).items():
            group = self.owner[kid]
            score = float(min(count, ABSTRACT_CAP))
            result[group] = result.get(group, 0.0) + score
            evidence.append((kid, "abstract", count, score))
        return result, evidence


def _plural_of_another(words: tuple[str, ...], others: Iterable[tuple[str, ...]]) -> bool:
    """Whether ``words`` is another keyword with its last word in a plural form (that
    keyword matches it already: ``diffusion models`` and ``diffusion model``)."""
    return any(
        len(other) == len(words)
        and other != words
        and other[:-1] == words[:-1]
        and words[-1] in _plurals(other[-1])
        for other in others
    )


def _inside(words: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    """Whether keyword ``words`` matches inside every match of the longer ``longer``."""
    n = len(words)
    if n >= len(longer):
        return False
    last = _plurals(words[-1])
    return any(
        longer[i : i + n - 1] == words[:-1] and longer[i + n - 1] in last
        for i in range(len(longer) - n + 1)
    )


@dataclass(frozen=True)
class _Compiled:
    topics: _Matcher
    tags: _Matcher
    topic_slugs: tuple[str, ...]
    tag_slugs: tuple[str, ...]
    ancestors: dict[str, tuple[str, ...]]
    words: frozenset[str]
    """The tokens any keyword of a topic or tag can match or needs."""
    examples: dict[str, tuple[str, ...]]
    """:func:`example_key` of an example -> the topics it is an example of, in file order."""


def example_key(text: str) -> str:
    """What an ``examples:`` entry (an arXiv id or a title) is matched on."""
    found = arxiv_id(text)
    return f"arxiv:{found}" if found else f"title:{normalize_title(text)}"


def paper_example_keys(paper: Paper) -> tuple[str, ...]:
    """The :func:`example_key` values a paper answers to: its arXiv id and its title."""
    keys = [f"title:{normalize_title(paper.title)}"]
    if paper.arxiv_id:
        keys.insert(0, f"arxiv:{paper.arxiv_id}")
    return tuple(keys)


@functools.lru_cache(maxsize=8)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    topics = _Matcher([t.keywords for t in taxonomy.topics])
    tags = _Matcher([t.keywords for t in taxonomy.tags])
    examples: dict[str, list[str]] = {}
    for topic in taxonomy.topics:
        for example in topic.examples:
            examples.setdefault(example_key(example), []).append(topic.slug)
    return _Compiled(
        topics=topics,
        tags=tags,
        words=frozenset(topics.words | tags.words),
        topic_slugs=tuple(t.slug for t in taxonomy.topics),
        tag_slugs=tuple(t.slug for t in taxonomy.tags),
        ancestors={t.slug: ancestors(taxonomy, t.slug) for t in taxonomy.topics},
        examples={k: tuple(dict.fromkeys(v)) for k, v in examples.items()},
    )


def _check_known(paper: Paper, slugs: Iterable[str], known: Sequence[str], kind: str) -> None:
    for slug in slugs:
        if slug not in known:
            raise ValueError(
                f"paper {paper.id!r}: unknown {kind} {slug!r} (run check_overrides first)"
            )


def _examples_of(paper: Paper, compiled: _Compiled) -> tuple[str, ...]:
    """The topics the taxonomy names ``paper`` an example of."""
    found: list[str] = []
    for name in paper_example_keys(paper):
        found += compiled.examples.get(name, ())
    return tuple(dict.fromkeys(found))


def _by_margin(
    scores: dict[int, float], compiled: _Compiled, taxonomy: Taxonomy, room: int
) -> list[str]:
    """The topics the rules give: the best-scoring one (the primary) and, up to ``room``
    in all, those scoring at least ``margin`` times as much. A sub-topic of a topic kept
    takes its place (its parent is listed anyway); a parent of one kept adds nothing."""
    ranked = sorted(
        (group for group, score in scores.items() if score >= taxonomy.min_score),
        key=lambda group: (-scores[group], group),
    )
    if not ranked or room <= 0:
        return []
    bar = taxonomy.margin * scores[ranked[0]]
    chosen: list[str] = []
    for group in ranked:
        if scores[group] < bar:
            break
        slug = compiled.topic_slugs[group]
        if any(slug in compiled.ancestors[kept] for kept in chosen):
            continue
        below = [i for i, kept in enumerate(chosen) if kept in compiled.ancestors[slug]]
        if below:
            chosen[below[0]] = slug
        elif len(chosen) < room:
            chosen.append(slug)
    return list(dict.fromkeys(chosen))


def _rule_topics(
    paper: Paper, scores: dict[int, float], compiled: _Compiled, taxonomy: Taxonomy
) -> tuple[str, ...]:
    """The digest's topics, then the rules' topics (:func:`_by_margin`), without parents;
    empty when nothing decided."""
    _check_known(paper, paper.extra_topics, compiled.topic_slugs, "topic")
    chosen = list(dict.fromkeys(paper.extra_topics))
    chosen += _by_margin(scores, compiled, taxonomy, taxonomy.max_topics - len(chosen))
    return tuple(dict.fromkeys(chosen))


def _with_examples(
    paper: Paper, found: tuple[str, ...], taxonomy: Taxonomy, compiled: _Compiled
) -> tuple[str, ...]:
    """``found`` with the topics the taxonomy names ``paper`` an example of after the
    digest's own, still at most ``max_topics`` unless those two alone are more."""
    examples = _examples_of(paper, compiled)
    if not examples:
        return found
    first = list(dict.fromkeys([*paper.extra_topics, *examples]))
    room = max(taxonomy.max_topics, len(first))
    return tuple(dict.fromkeys([*first, *found]))[:room]


def with_parents(topics: Iterable[str], taxonomy: Taxonomy) -> tuple[str, ...]:
    """``topics`` followed by their parents (and theirs), each once."""
    return _with_parents(topics, _compile(taxonomy))


def _with_parents(topics: Iterable[str], compiled: _Compiled) -> tuple[str, ...]:
    """:func:`with_parents` with the taxonomy compiled (looking it up hashes all of it)."""
    chosen = list(topics)
    chosen += [a for slug in chosen for a in compiled.ancestors.get(slug, ())]
    return tuple(dict.fromkeys(chosen))


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
"""Paper key (:func:`paper_key`) -> (topics the rules gave, possibly none, without parents;
tags) under one taxonomy (:mod:`generator.cache`)."""


def paper_key(paper: Paper) -> str:
    """What a paper's topics and tags depend on besides the taxonomy."""
    code = any(link.kind == "code" for link in paper.links)
    return key(
        paper.title,
        paper.abstract,
        repr((paper.extra_topics, paper.extra_tags, code)),
        evidence_text(paper),
    )


def evidence_text(paper: Paper) -> str:
    """The paper's metadata that counts like its title: the keywords its source gives
    (Hugging Face's ``ai_keywords``) and its arXiv category (``cs.LG`` as ``cs-LG``, so a
    keyword ``cs.LG`` matches it), ``;``-separated so no phrase spans two of them."""
    parts = list(paper.keywords)
    if paper.category:
        parts.append(paper.category.replace(".", "-"))
    return " ; ".join(parts)


def _classify(
    papers: Iterable[Paper], taxonomy: Taxonomy, *, topics: bool, tags: bool
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Paper id -> the rules' topics (maybe none, no parents) and paper id -> tags."""
    compiled = _compile(taxonomy)
    topic_result: dict[str, tuple[str, ...]] = {}
    tag_result: dict[str, tuple[str, ...]] = {}
    weight = taxonomy.title_weight
    words = compiled.words
    for paper in papers:
        title = _Text(_join(paper.title, evidence_text(paper)), words)
        abstract = _Text(paper.abstract, words)
        if topics:
            scores, _ = compiled.topics.scores(title, abstract, weight)
            topic_result[paper.id] = _rule_topics(paper, scores, compiled, taxonomy)
        if tags:
            scores, _ = compiled.tags.scores(title, abstract, weight)
            tag_result[paper.id] = _tags_of(paper, scores, compiled, taxonomy)
    return topic_result, tag_result


def _join(title: str, metadata: str) -> str:
    return f"{title} ; {metadata}" if metadata else title


def nearest_topics(
    papers: Sequence[Paper],
    decided: dict[str, tuple[str, ...]],
    taxonomy: Taxonomy,
    vectors: Vectors,
) -> dict[str, tuple[str, float]]:
    """Paper id -> (topic, cosine similarity) for the papers ``decided`` gives no topic:
    the topic whose centroid is nearest, if at least ``similarity``; missing otherwise.

    A topic's centroid is the mean TF-IDF vector (:mod:`generator.related`) of its
    examples and of the papers whose primary topic the rules decided."""
    undecided = [p.id for p in papers if not decided.get(p.id)]
    if not undecided or not vectors.ids:
        return {}
    compiled = _compile(taxonomy)
    slugs = [s for s in compiled.topic_slugs if s != taxonomy.catch_all]
    index = {slug: i for i, slug in enumerate(slugs)}
    row_of = {paper_id: row for row, paper_id in enumerate(vectors.ids)}
    members: list[tuple[int, int]] = []  # (topic index, vector row)
    for paper in papers:
        row = row_of.get(paper.id)
        if row is None:
            continue
        anchors = [*decided.get(paper.id, ())[:1], *_examples_of(paper, compiled)]
        members += [(index[s], row) for s in dict.fromkeys(anchors) if s in index]
    if not members:
        return {}
    size = int(max(int(vectors.terms.max()), 0)) + 1
    centroids = np.zeros((len(slugs), size))
    topic_of = np.array([t for t, _ in members], dtype=np.int64)
    rows = np.array([r for _, r in members], dtype=np.int64)
    terms, weights = vectors.terms[rows], vectors.weights[rows]
    valid = terms >= 0
    np.add.at(
        centroids,
        (np.broadcast_to(topic_of[:, None], terms.shape)[valid], terms[valid]),
        weights[valid],
    )
    norms = np.linalg.norm(centroids, axis=1)
    centroids /= np.where(norms > 0, norms, 1.0)[:, None]
    result: dict[str, tuple[str, float]] = {}
    for paper_id in undecided:
        row = row_of.get(paper_id)
        if row is None:
            continue
        t, w = vectors.terms[row], vectors.weights[row]
        keep = t >= 0
        if not keep.any():
            continue
        similarity = centroids[:, t[keep]] @ w[keep]
        best = int(np.argmax(similarity))  # ties: the first in the file
        score = round(float(similarity[best]), 6)
        if score >= taxonomy.similarity and score > 0:
            result[paper_id] = (slugs[best], score)
    return result


def classify_topics(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    """Paper id -> topic slugs, primary first, parents last; the catch-all when no rule
    or example decided (no nearest-centroid step: see :func:`topics_and_tags`).

    Raises :class:`ValueError` for an override naming an unknown topic: check the
    digests with :func:`check_overrides` first.
    """
    papers = list(papers)
    found = _classify(papers, taxonomy, topics=True, tags=False)[0]
    compiled = _compile(taxonomy)
    return {
        p.id: _with_parents(_with_examples(p, found[p.id], taxonomy, compiled), compiled)
        or (taxonomy.catch_all,)
        for p in papers
    }


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


def _rules(
    papers: Sequence[Paper], taxonomy: Taxonomy, memo: ClassMemo | None
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    if memo is None:
        return _classify(papers, taxonomy, topics=True, tags=True)
    names = [paper_key(paper) for paper in papers]
    missed = [p for p, name in zip(papers, names, strict=True) if name not in memo]
    found_topics, found_tags = _classify(missed, taxonomy, topics=True, tags=True)
    topics: dict[str, tuple[str, ...]] = {}
    tags: dict[str, tuple[str, ...]] = {}
    for paper, name in zip(papers, names, strict=True):  # in the papers' order
        if paper.id in found_topics:
            memo[name] = found_topics[paper.id], found_tags[paper.id]
        topics[paper.id], tags[paper.id] = memo[name]
    return topics, tags


def topics_and_tags(
    feed: Feed,
    taxonomy: Taxonomy,
    memo: ClassMemo | None = None,
    vectors: Vectors | None = None,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Paper id -> topics (primary first, parents last; never empty) and paper id -> tags.

    A paper's topics are those its digest gives, those the taxonomy names it an example
    of, and those its rules decide (:func:`_by_margin`); a paper with none of these goes
    to the topic whose centroid is nearest (:func:`nearest_topics`, over ``vectors``,
    computed here when needed and not given), else to the catch-all.

    With a ``memo`` (for this taxonomy), a paper classified before is not matched again.
    Raises :class:`InputError` when a digest names a topic or tag the taxonomy lacks.
    """
    problems = check_overrides(feed.digests, taxonomy)
    if problems:
        raise InputError(problems)
    decided, tags = _rules(feed.papers, taxonomy, memo)
    compiled = _compile(taxonomy)  # once: looking it up hashes the whole taxonomy
    if any(t.examples for t in taxonomy.topics):
        decided = {p.id: _with_examples(p, decided[p.id], taxonomy, compiled) for p in feed.papers}
    nearest: dict[str, tuple[str, float]] = {}
    if any(not t for t in decided.values()):
        if vectors is None:
            vectors = term_vectors(feed.papers)
        nearest = nearest_topics(feed.papers, decided, taxonomy, vectors)
    topics = {
        paper_id: _with_parents(
            found or ((nearest[paper_id][0],) if paper_id in nearest else ()), compiled
        )
        or (taxonomy.catch_all,)
        for paper_id, found in decided.items()
    }
    return topics, tags


def classify(
    feed: Feed, taxonomy: Taxonomy, related_k: int = 5, memo: ClassMemo | None = None
) -> Classification:
    """Topics, tags and related papers of every paper of ``feed`` (see :func:`topics_and_tags`)."""
    vectors = term_vectors(feed.papers)
    topics, tags = topics_and_tags(feed, taxonomy, memo, vectors)
    return Classification(topics=topics, tags=tags, related=related_from(vectors, related_k))


# -- Evidence, for the curator's report -----------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One piece of evidence for a topic or a tag."""

    rule: str
    """The keyword as written in the taxonomy, or what else decided (``example``, ...)."""
    where: str
    """``title`` (the title and the paper's metadata), ``abstract``, ``taxonomy``..."""
    mentions: int
    score: float


@dataclass(frozen=True)
class Scored:
    """A topic or tag with its score and the evidence that made it."""

    slug: str
    score: float
    hits: tuple[Hit, ...]


def explain(paper: Paper, taxonomy: Taxonomy) -> tuple[tuple[Scored, ...], tuple[Scored, ...]]:
    """Every topic and every tag some rule or example speaks for, best first, with the
    keywords that matched where, how often and for how much."""
    compiled = _compile(taxonomy)
    title = _Text(_join(paper.title, evidence_text(paper)), compiled.words)
    abstract = _Text(paper.abstract, compiled.words)
    result: list[tuple[Scored, ...]] = []
    for matcher, slugs in (
        (compiled.topics, compiled.topic_slugs),
        (compiled.tags, compiled.tag_slugs),
    ):
        scores, evidence = matcher.scores(title, abstract, taxonomy.title_weight)
        hits: dict[int, list[Hit]] = {}
        for kid, where, count, score in evidence:
            hits.setdefault(matcher.owner[kid], []).append(
                Hit(matcher.keywords[kid], where, count, score)
            )
        scored = [Scored(slugs[g], scores[g], tuple(h)) for g, h in hits.items()]
        if matcher is compiled.topics:
            for slug in _examples_of(paper, compiled):
                scored.append(
                    Scored(slug, 0.0, (Hit("example in the taxonomy", "taxonomy", 1, 0.0),))
                )
        scored.sort(key=lambda s: (-s.score, slugs.index(s.slug)))
        result.append(tuple(scored))
    return result[0], result[1]
