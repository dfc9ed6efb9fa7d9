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
and equal scores are broken by id (equal term weights by term: the term first
seen in id order loses).

How it is fast: each text is cut into words once (ASCII text with
``str.translate`` and ``str.split``, other text with the regex) and counted with
:class:`~collections.Counter`; a word is mapped to its term (stop word, stem) once
per run, not once per occurrence. Everything after counting is done on numpy
arrays: the term weights, each paper's strongest terms and each term's posting
list (a segmented top-k: an ``argpartition`` per row of a padded matrix), and the
candidate scores of a block of papers at a time (one ``np.add.at`` into a scratch
array indexed by ``paper * n + candidate``, reset after each block, so memory stays
linear in ``n``).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt

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
_ASCII_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if c not in string.ascii_letters + string.digits}
    | {c: c.lower() for c in string.ascii_uppercase}
)
"""Lower-cases ASCII text and blanks everything but letters and digits: ``split``
then gives runs of letters and digits, each holding at most one :data:`_TOKEN`."""

_COUNT_CHUNK = 2048
"""Papers counted before their (term, count) lists are turned into arrays."""
_CELLS = 1 << 22
"""Size of the scratch matrices (rows times columns) the numpy steps work on."""

_NEW = -2
"""Term id of a word not in the vocabulary yet."""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

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


def _words(paper: Paper) -> list[str]:
    """The words of a paper, the title's :data:`TITLE_WEIGHT` times: tokens, or (for ASCII
    text) runs of letters and digits that :meth:`_Vocabulary.add` reduces to tokens."""
    title, abstract = paper.title, paper.abstract
    if title.isascii() and abstract.isascii():
        text = " ".join([title] * TITLE_WEIGHT + [abstract])
        return text.translate(_ASCII_WORDS).split()
    return _TOKEN.findall(title.casefold()) * TITLE_WEIGHT + _TOKEN.findall(abstract.casefold())


class _Vocabulary:
    """Word -> term id (``-1`` for stop words and non-words), shared by stems.

    Term ids are given in order of first appearance (papers in id order, the new
    tokens of a paper sorted), so they are the same in every run.
    """

    def __init__(self) -> None:
        self.of_word: dict[str, int] = {}
        self.of_stem: dict[str, int] = {}

    def add(self, words: Iterable[str]) -> None:
        """Give term ids to new words (those of one paper)."""
        tokens = sorted((next(iter(_TOKEN.findall(word)), ""), word) for word in words)
        of_stem = self.of_stem
        for token, word in tokens:
            if not token or token in STOP_WORDS:
                self.of_word[word] = -1
            else:
                self.of_word[word] = of_stem.setdefault(stem(token), len(of_stem))


def related_papers(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Paper id -> ids of up to ``k`` most similar other papers, most similar first."""
    ids = sorted(p.id for p in papers)
    result: dict[str, tuple[str, ...]] = dict.fromkeys(ids, ())
    if k <= 0 or len(ids) < 2:
        return result
    by_id = {p.id: p for p in papers}
    terms, weights = _vectors([by_id[i] for i in ids])
    posting_docs, posting_weights = _postings(terms, weights)
    best = _neighbours(
        terms[:, :TERMS_PER_PAPER], weights[:, :TERMS_PER_PAPER], posting_docs, posting_weights, k
    )
    for a, row in enumerate(best.tolist()):
        result[ids[a]] = tuple(ids[b] for b in row if b >= 0)
    return result


def _counts(papers: Sequence[Paper]) -> tuple[Ints, Ints, Ints, int]:
    """(doc, term, count) of every term of every paper, sorted by doc then term; and the
    number of terms."""
    vocabulary = _Vocabulary()
    of_word = vocabulary.of_word
    chunks: list[tuple[Ints, Ints, Ints]] = []
    for start in range(0, len(papers), _COUNT_CHUNK):
        terms: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for paper in papers[start : start + _COUNT_CHUNK]:
            counted = Counter(_words(paper))
            found = list(map(of_word.get, counted, repeat(_NEW)))
            if _NEW in found:  # words not seen before
                vocabulary.add(set(counted).difference(of_word))
                found = list(map(of_word.__getitem__, counted))
            terms += found
            counts += counted.values()
            lengths.append(len(counted))
        term = np.array(terms, dtype=np.int64)
        doc = np.repeat(np.arange(start, start + len(lengths), dtype=np.int64), lengths)
        keep = term >= 0
        key = doc[keep] << 32 | term[keep]
        order = np.argsort(key, kind="stable")
        key = key[order]
        count = np.array(counts, dtype=np.int64)[keep][order]
        # Where each (paper, term) run starts; none at all when no word was indexable.
        first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))[: key.size])
        chunks.append(
            (
                key[first] >> 32,
                key[first] & 0xFFFFFFFF,
                np.add.reduceat(count, first) if first.size else count[:0],
            )
        )
    doc, term, count = (np.concatenate(parts) for parts in zip(*chunks, strict=True))
    return doc, term, count, len(vocabulary.of_stem)


def _vectors(papers: Sequence[Paper]) -> tuple[Ints, Floats]:
    """Each paper's strongest (indexable) terms, strongest first, with their weight in its
    unit-length TF-IDF vector: two ``(n, INDEXED_TERMS)`` arrays, term ``-1`` for none."""
    n = len(papers)
    doc, term, count = _counts(papers)[:3]
    size = int(term.max()) + 1 if term.size else 0
    df = np.bincount(term, minlength=size)
    with np.errstate(divide="ignore"):
        idf = np.where(df < n, np.log(n / np.maximum(df, 1)), 0.0)
    useful = np.where((df > 1) & (df <= max(2, n // 2)), idf, 0.0)
    tf = 1.0 + np.log(count)
    norm = np.sqrt(np.bincount(doc, weights=np.square(tf * idf[term]), minlength=n))
    strength = tf * useful[term]
    keep = strength > 0.0
    doc, term, strength = doc[keep], term[keep], strength[keep]
    if not term.size:
        return np.full((n, INDEXED_TERMS), -1, dtype=np.int64), np.zeros((n, INDEXED_TERMS))
    # Within a paper terms are in increasing id order; equal weights go to the larger id.
    rows = _select(np.bincount(doc, minlength=n), strength, -term, INDEXED_TERMS)
    valid = rows >= 0
    terms = np.where(valid, term[rows], -1)
    # A paper with no weighted term has norm 0 and no valid row: divide by 1 there.
    safe_norm = np.where(norm > 0.0, norm, 1.0)
    weights = np.where(valid, strength[rows] / safe_norm[:, None], 0.0)
    return terms, weights


def _postings(terms: Ints, weights: Floats) -> tuple[Ints, Floats]:
    """Term -> the papers it weighs most in (at most POSTINGS_PER_TERM; ties: lower paper
    first) and its weight there: two ``(terms + 1, POSTINGS_PER_TERM)`` arrays padded with
    paper ``-1``; the last row, for term ``-1``, is empty."""
    n, width = terms.shape
    doc = np.repeat(np.arange(n, dtype=np.int64), width)
    term, weight = terms.ravel(), weights.ravel()
    keep = term >= 0
    doc, term, weight = doc[keep], term[keep], weight[keep]
    if not term.size:
        return np.full((1, POSTINGS_PER_TERM), -1, dtype=np.int64), np.zeros((1, POSTINGS_PER_TERM))
    order = np.argsort(term, kind="stable")  # papers stay in order within a term
    doc, term, weight = doc[order], term[order], weight[order]
    size = int(term.max()) + 2
    rows = _select(np.bincount(term, minlength=size), weight, doc, POSTINGS_PER_TERM)
    valid = rows >= 0
    return np.where(valid, doc[rows], -1), np.where(valid, weight[rows], 0.0)


def _neighbours(
    query_terms: Ints, query_weights: Floats, posting_docs: Ints, posting_weights: Floats, k: int
) -> Ints:
    """Each paper's ``k`` best-scoring candidates (ties: lower paper first), ``-1`` padded."""
    n = len(query_terms)
    width = query_terms.shape[1] * posting_docs.shape[1]
    k = min(k, width)
    block = max(1, min(n, _CELLS // max(n, width)))
    scores = np.zeros(block * n + 1)
    first = np.full(block * n + 1, np.iinfo(np.int64).max, dtype=np.int64)
    result = np.full((n, k), -1, dtype=np.int64)
    for start in range(0, n, block):
        stop = min(n, start + block)
        rows = np.arange(stop - start, dtype=np.int64)[:, None]
        docs = posting_docs[query_terms[start:stop]].reshape(stop - start, width)
        contribution = (
            posting_weights[query_terms[start:stop]] * query_weights[start:stop, :, None]
        ).reshape(stop - start, width)
        valid = (docs >= 0) & (docs != rows + start)
        cell = np.where(valid, rows * n + docs, block * n)  # the last cell takes the padding
        flat = cell.ravel()
        np.add.at(scores, flat, contribution.ravel())  # in query-term order: same sums as before
        total = scores[cell]
        scores[flat] = 0.0
        position = np.arange(flat.size, dtype=np.int64)
        np.minimum.at(first, flat, position)
        valid &= (first[flat] == position).reshape(cell.shape)  # each candidate once
        first[flat] = np.iinfo(np.int64).max
        result[start:stop] = np.where(
            (best := _top(total, docs, valid, k)) >= 0,
            np.take_along_axis(docs, np.maximum(best, 0), 1),
            -1,
        )
    return result


def _top(score: Floats, tie: Ints, valid: npt.NDArray[np.bool_], k: int) -> Ints:
    """Per row, the columns of the ``k`` valid cells with the highest score (ties: lower
    ``tie`` first), best first; ``-1`` where a row has fewer."""
    m, width = score.shape
    score = np.where(valid, score, -np.inf)
    chosen = valid
    if width > k:
        part = np.argpartition(score, width - k, axis=1)[:, width - k :]
        kth = np.take_along_axis(score, part, 1).min(axis=1)
        chosen = valid & (score >= kth[:, None])
    row, col = np.nonzero(chosen)
    order = np.lexsort((tie[row, col], -score[row, col], row))
    row, col = row[order], col[order]
    rank = np.arange(row.size) - np.searchsorted(row, row)
    keep = rank < k
    result = np.full((m, k), -1, dtype=np.int64)
    result[row[keep], rank[keep]] = col[keep]
    return result


def _select(lengths: Ints, score: Floats, tie: Ints, k: int) -> Ints:
    """Segmented top-k: entries ``score``/``tie`` come in consecutive segments of
    ``lengths``; per segment, the indices of its ``k`` best entries (highest score, then
    lowest ``tie``), best first: a ``(len(lengths), k)`` array padded with ``-1``."""
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    result = np.full((len(lengths), k), -1, dtype=np.int64)
    by_length = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[by_length]
    begin = int(np.searchsorted(sorted_lengths, 1))  # empty segments select nothing
    while begin < len(by_length):
        stop = min(len(by_length), begin + max(1, _CELLS // int(sorted_lengths[begin])))
        while stop - begin > 1 and (stop - begin) * int(sorted_lengths[stop - 1]) > _CELLS:
            stop = begin + (stop - begin) // 2
        width = int(sorted_lengths[stop - 1])
        segments = by_length[begin:stop]
        column = np.arange(width, dtype=np.int64)
        valid = column < lengths[segments, None]
        cell = np.where(valid, starts[segments, None] + column, 0)
        best = _top(score[cell], tie[cell], valid, k)
        result[segments] = np.where(best >= 0, np.take_along_axis(cell, np.maximum(best, 0), 1), -1)
        begin = stop
    return result
