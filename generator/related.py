"""Related papers: TF-IDF cosine similarity over a pruned inverted index.

Comparing every pair of papers is quadratic, so each paper is indexed under its
:data:`INDEXED_TERMS` strongest terms only, and each term's posting list keeps
only the :data:`POSTINGS_PER_TERM` papers it weighs most in. A paper's
candidates are the papers in the posting lists of its :data:`TERMS_PER_PAPER`
strongest terms; a candidate's score is the sum of weight products over those
shared terms, an approximation of the cosine that favours what two papers are
most about. Terms found in a single paper or in more than half of them link
nothing and are never indexed (they still count in the vector's length). Time is
about ``n * TERMS_PER_PAPER * POSTINGS_PER_TERM`` and memory ``n * INDEXED_TERMS``.

Text: case-folded words of two or more letters or digits (starting with a
letter), English and boilerplate stop words dropped, a light plural stemmer
(``models`` -> ``model``, ``studies`` -> ``study``); the title counts
:data:`TITLE_WEIGHT` times; weights are ``(1 + log tf) * log(n / df)``.

The result depends only on the set of papers: they are processed in id order,
and equal scores are broken by id.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from operator import mul

from .model import Paper

TITLE_WEIGHT = 3
"""A word of the title counts as this many words of the abstract."""
TERMS_PER_PAPER = 12
"""How many of its strongest terms a paper looks for neighbours with."""
INDEXED_TERMS = 32
"""How many of its strongest terms a paper is found by (in the posting lists)."""
POSTINGS_PER_TERM = 48
"""How many papers (those where it weighs most) a term's posting list keeps."""

_TOKEN = re.compile(r"[^\W\d_][^\W_]+")

STOP_WORDS = frozenset(
    """
    a about above across after again against all almost along also although always am among
    an and another any are around as at be because been before being below between both but
    by can cannot could did do does doing done down during each either else enough etc even
    ever every few for from further had has have having he her here hers herself him himself
    his how however i if in into is it its itself just least less like made make makes many
    may me might more most much must my myself neither no nor not now of off often on once
    one only onto or other others otherwise our ours ourselves out over own per perhaps quite
    rather same several she should since so some such than that the their theirs them
    themselves then there therefore these they this those though through thus to too toward
    towards under until up upon us very via was we well were what whatever when where whether
    which while who whom whose why will with within without would yet you your yours
    yourself yourselves
    approach approaches based demonstrate demonstrates existing experiment experiments
    furthermore introduce method methods moreover novel paper present propose proposed
    result results show shows significantly state study art use used uses using work
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that say nothing about what a paper is about (the last lines: abstract boilerplate)."""


def stem(word: str) -> str:
    """A light plural stemmer: ``studies`` -> ``study``, ``models`` -> ``model``; ``loss`` stays."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class _Vocabulary:
    """Token -> term id (``-1`` for stop words), shared by stems."""

    def __init__(self) -> None:
        self.of_token: dict[str, int] = {}
        self.of_stem: dict[str, int] = {}

    def ids(self, tokens: list[str]) -> dict[int, int]:
        """Term id -> count, stop words left out."""
        raw = Counter(tokens)
        of_token = self.of_token
        if None in map(of_token.get, raw):  # words not seen before
            for token in sorted(set(raw).difference(of_token)):  # ids stable across runs
                if token in STOP_WORDS:
                    of_token[token] = -1
                else:
                    of_token[token] = self.of_stem.setdefault(stem(token), len(self.of_stem))
        ids = list(map(of_token.__getitem__, raw))
        counts = dict(zip(ids, raw.values(), strict=True))
        stops = ids.count(-1)
        if len(counts) != len(ids) - stops + (stops > 0):  # two words with one stem
            counts = {}
            for term, count in zip(ids, raw.values(), strict=True):
                counts[term] = counts.get(term, 0) + count
        counts.pop(-1, None)
        return counts


def related_papers(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Paper id -> ids of up to ``k`` most similar other papers, most similar first."""
    ids = sorted(p.id for p in papers)
    result: dict[str, tuple[str, ...]] = dict.fromkeys(ids, ())
    if k <= 0 or len(ids) < 2:
        return result
    by_id = {p.id: p for p in papers}
    vectors = _vectors([by_id[i] for i in ids])
    postings = _postings(vectors)
    for a, terms in enumerate(vectors):
        scores: dict[int, float] = {}
        get = scores.get
        for term, weight in terms[:TERMS_PER_PAPER]:
            docs, weights = postings[term]
            for b, w in zip(docs, weights, strict=True):
                scores[b] = get(b, 0.0) + weight * w
        scores.pop(a, None)
        if scores:
            best = heapq.nlargest(k, scores.items(), key=lambda item: (item[1], -item[0]))
            result[ids[a]] = tuple(ids[b] for b, _ in best)
    return result


def _vectors(papers: Sequence[Paper]) -> list[list[tuple[int, float]]]:
    """Each paper's strongest (indexable) terms, strongest first, with their weight
    in its unit-length TF-IDF vector."""
    vocabulary = _Vocabulary()
    counted: list[tuple[array[int], array[int]]] = []
    df: Counter[int] = Counter()
    longest = 1
    for paper in papers:
        title = _TOKEN.findall(paper.title.casefold())
        counts = vocabulary.ids(title * TITLE_WEIGHT + _TOKEN.findall(paper.abstract.casefold()))
        df.update(counts.keys())
        values = array("i", counts.values())
        if values:
            longest = max(longest, max(values))
        counted.append((array("i", counts.keys()), values))
    n = len(papers)
    size = len(vocabulary.of_stem)
    idf = [0.0] * size
    useful = [0.0] * size
    """The idf of a term that can link two papers: in more than one, not in most."""
    for term, count in df.items():
        idf[term] = math.log(n / count) if count < n else 0.0
        if 1 < count <= max(2, n // 2):
            useful[term] = idf[term]
    tf = [0.0] + [1.0 + math.log(c) for c in range(1, longest + 1)]
    vectors: list[list[tuple[int, float]]] = []
    for terms, values in counted:
        tfs = list(map(tf.__getitem__, values))
        norm = math.hypot(*map(mul, tfs, map(idf.__getitem__, terms)))
        strong = sorted(
            zip(map(mul, tfs, map(useful.__getitem__, terms)), terms, strict=True),
            reverse=True,
        )[:INDEXED_TERMS]
        vectors.append([(term, w / norm) for w, term in strong if w > 0.0])
    return vectors


def _postings(vectors: list[list[tuple[int, float]]]) -> dict[int, tuple[list[int], list[float]]]:
    """Term -> (papers, weights) of the papers it weighs most in (at most POSTINGS_PER_TERM)."""
    lists: dict[int, list[tuple[float, int]]] = {}
    for doc, terms in enumerate(vectors):
        for term, weight in terms:
            lists.setdefault(term, []).append((weight, -doc))
    postings: dict[int, tuple[list[int], list[float]]] = {}
    for term, entries in lists.items():
        if len(entries) > POSTINGS_PER_TERM:
            entries = heapq.nlargest(POSTINGS_PER_TERM, entries)
        postings[term] = ([-doc for _, doc in entries], [w for w, _ in entries])
    return postings
