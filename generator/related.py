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

The weights settle once a month: ``n`` and ``df`` count the *settled* papers, those
first seen before the month of the newest paper (:func:`settled_rows`), so a day's new
papers move no older paper's vector. A new digest then changes the related papers of
the papers it joins (and, rarely, of one a new paper pushes out of a posting list), not
of every paper whose order a shifted weight would swap: 400 paper pages a day at 10,000
papers instead of 1,400. Until the settled papers are half the feed (its first month
or two), every paper counts.

The result depends only on the set of papers: they are processed in id order,
and equal scores are broken by id (equal term weights by term: the term that sorts
first loses).

How it is fast: the papers are read a chunk at a time; ASCII text (nearly all of
it) is cut into words on its bytes with numpy (:func:`ascii_words`), equal words are
found by sorting their bytes, and only each chunk's distinct words go through Python to
their term (stop word, stem), once per run for a new word. Other text goes through the
regex. The counts are kept by the build cache (:class:`TermCounts`), so the next build
cuts up only the papers it has not seen. Everything after is done on numpy arrays: the
term weights, each paper's strongest terms and each term's posting list (a segmented
top-k: one stable sort of all the entries by segment, then score), and the candidate
scores of a block of papers at a time (each paper's candidate cells sorted by
candidate, summed along each run in query-term order, the best ``k`` taken by ``k``
passes of argmax), so memory stays linear in ``n``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .ids import key
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


def word_bytes(letters: str) -> npt.NDArray[np.uint8]:
    """Byte -> its lower-case form for the ASCII ``letters`` words are made of, else 0."""
    table = np.zeros(256, dtype=np.uint8)
    for c in letters:
        table[ord(c)] = ord(c.lower())
    return table


ALNUM = word_bytes(string.ascii_letters + string.digits)
"""Words are runs of ASCII letters and digits."""
_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
"""Length -> the mask keeping that many bytes of a little-endian 8-byte window."""
_PACKED = 16
"""ASCII words up to this long are told apart by their bytes (two 8-byte windows) in
numpy; longer ones (rare) as Python strings."""

_COUNT_CHUNK = 2048
"""Papers counted before their (term, count) lists are turned into arrays."""
_CELLS = 1 << 22
"""Size of the scratch matrices (rows times columns) the numpy steps work on."""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Words = npt.NDArray[np.uint64]
Int32s = npt.NDArray[np.int32]

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
    """The tokens of a paper with non-ASCII text, the title's :data:`TITLE_WEIGHT` times
    (ASCII text is cut by :func:`ascii_words` into runs of letters and digits, which
    :meth:`_Vocabulary.add` reduces to the same tokens)."""
    title, abstract = paper.title.casefold(), paper.abstract.casefold()
    return _TOKEN.findall(title) * TITLE_WEIGHT + _TOKEN.findall(abstract)


def _term_of(word: str) -> str | None:
    """The term a word counts for: its stem, or None for a stop word or a non-word (a
    word of :func:`ascii_words` is reduced to the first token the regex finds in it)."""
    token = next(iter(_TOKEN.findall(word)), "")
    if not token or token in STOP_WORDS:
        return None
    return stem(token)


@dataclass(frozen=True)
class TermCounts:
    """The term counts of papers' texts (title and abstract): ``count[start[i]:start[i+1]]``
    times each term ``terms[term[...]]`` for row ``i``, in increasing term order. ``terms``
    is sorted, so term ids order as the terms do whatever papers are counted.

    Kept between builds (:mod:`generator.cache`): ``rows`` maps a text's key
    (:func:`text_key`) to its row, so a paper read before is not cut into words again.
    """

    terms: list[str]
    rows: dict[str, int]
    start: Ints
    term: Int32s
    count: Int32s

    def valid(self) -> bool:
        """Whether the fields fit together as :func:`count_terms` makes them (a cache
        file read back is checked; one that does not is a miss)."""
        arrays = (self.start, self.term, self.count)
        if not (
            isinstance(self.terms, list)
            and isinstance(self.rows, dict)
            and all(isinstance(a, np.ndarray) and a.ndim == 1 for a in arrays)
            and (self.start.dtype, self.term.dtype, self.count.dtype)
            == (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.int32))
            and self.start.size >= 1
        ):
            return False
        n, size = self.start.size - 1, self.term.size
        if int(self.start[0]) != 0 or int(self.start[-1]) != size or self.count.size != size:
            return False
        if np.any(np.diff(self.start) < 0) or (size and int(self.count.min()) < 1):
            return False
        if size and not 0 <= int(self.term.min()) <= int(self.term.max()) < len(self.terms):
            return False
        # Terms sorted and distinct; within a row, term ids increasing.
        if any(a >= b for a, b in zip(self.terms, self.terms[1:], strict=False)):
            return False
        rising = np.ones(size, dtype=np.bool_)
        rising[1:] = self.term[1:] > self.term[:-1]
        rising[self.start[:-1][self.start[:-1] < size]] = True
        return bool(rising.all()) and all(0 <= row < n for row in self.rows.values())


def text_key(paper: Paper) -> str:
    """What a paper's term counts depend on: its title and abstract."""
    return key(paper.title, paper.abstract)


class TermMemo(Protocol):
    """Where :func:`related_papers` finds the term counts of an earlier build and keeps
    this build's (:mod:`generator.cache`)."""

    def load(self) -> TermCounts | None: ...

    def keep(self, counts: TermCounts) -> None: ...


def related_papers(
    papers: Sequence[Paper], k: int = 5, memo: TermMemo | None = None
) -> dict[str, tuple[str, ...]]:
    """Paper id -> ids of up to ``k`` most similar other papers, most similar first.

    With a ``memo``, a paper whose title and abstract an earlier build counted is not
    cut into words again (same result)."""
    if k <= 0 or len(papers) < 2:
        return dict.fromkeys(sorted(p.id for p in papers), ())
    return related_from(term_vectors(papers, memo), k)


@dataclass(frozen=True)
class Vectors:
    """Each paper's strongest terms and their weights in its unit-length TF-IDF vector
    (row ``i``: paper ``ids[i]``; term ``-1``: none), as :func:`term_vectors` makes them."""

    ids: list[str]
    """The papers' ids, sorted."""
    terms: Ints
    weights: Floats

    def vector(self, row: int) -> dict[int, float]:
        """Row ``row`` as term id -> weight."""
        return {
            int(t): float(w)
            for t, w in zip(self.terms[row], self.weights[row], strict=True)
            if t >= 0
        }


def term_vectors(papers: Sequence[Paper], memo: TermMemo | None = None) -> Vectors:
    """The TF-IDF vectors of ``papers`` (in id order; see :class:`Vectors`).

    With a ``memo``, a paper whose title and abstract an earlier build counted is not
    cut into words again (same result)."""
    ids = sorted(p.id for p in papers)
    if not ids:
        empty = np.zeros((0, INDEXED_TERMS))
        return Vectors(ids, empty.astype(np.int64), empty)
    by_id = {p.id: p for p in papers}
    ordered = [by_id[i] for i in ids]
    known = memo.load() if memo else None
    counts = count_terms(ordered, known, keyed=memo is not None)
    if memo is not None and counts is not known:
        memo.keep(counts)
    del known  # its arrays are as large as the counts'
    terms, weights = _vectors(counts, settled_rows(ordered))
    return Vectors(ids, terms, weights)


def settled_rows(papers: Sequence[Paper]) -> npt.NDArray[np.bool_] | None:
    """Which of ``papers`` the term weights are counted over: those first seen before the
    month of the newest one, if they are at least half of them; None: all of them."""
    if not papers:
        return None
    month = max(p.first_seen for p in papers).replace(day=1)
    settled = np.fromiter((p.first_seen < month for p in papers), np.bool_, len(papers))
    return settled if 2 * int(settled.sum()) >= len(papers) else None


def related_from(vectors: Vectors, k: int = 5) -> dict[str, tuple[str, ...]]:
    """:func:`related_papers` from the papers' vectors."""
    ids, terms, weights = vectors.ids, vectors.terms, vectors.weights
    result: dict[str, tuple[str, ...]] = dict.fromkeys(ids, ())
    if k <= 0 or len(ids) < 2:
        return result
    posting_docs, posting_weights = _postings(terms, weights)
    best = _neighbours(
        terms[:, :TERMS_PER_PAPER], weights[:, :TERMS_PER_PAPER], posting_docs, posting_weights, k
    )
    for a, row in enumerate(best.tolist()):
        result[ids[a]] = tuple(ids[b] for b in row if b >= 0)
    return result


def count_terms(
    papers: Sequence[Paper], known: TermCounts | None = None, *, keyed: bool = True
) -> TermCounts:
    """The term counts of ``papers`` (row ``i``: ``papers[i]``). Those whose text ``known``
    holds are copied from it, the others counted; ``keyed=False`` (nothing known, nothing
    kept) skips hashing the texts and leaves ``rows`` empty."""
    if known is None and not keyed:
        return _count(papers)
    keys = [text_key(p) for p in papers]
    rows = known.rows if known is not None else {}
    found = [rows.get(name, -1) for name in keys]
    missing = [i for i, row in enumerate(found) if row < 0]
    if known is not None and not missing and found == list(range(len(known.start) - 1)):
        return known  # the same texts in the same order
    fresh = _count([papers[i] for i in missing])
    if known is None:
        counts = fresh
    else:
        counts = _join(
            known, fresh, np.array(found, dtype=np.int64), np.array(missing, dtype=np.int64)
        )
    rows_now: dict[str, int] = {}
    for row, name in enumerate(keys):
        rows_now.setdefault(name, row)
    return TermCounts(counts.terms, rows_now, counts.start, counts.term, counts.count)


def _join(known: TermCounts, fresh: TermCounts, found: Ints, missing: Ints) -> TermCounts:
    """The counts of papers found in ``known`` (``found``: row there, or -1) and counted
    in ``fresh`` (row ``j`` for paper ``missing[j]``), with the terms of both renumbered
    in sorted order and the terms no paper has dropped."""
    terms = sorted(set(known.terms).union(fresh.terms))
    number = {t: i for i, t in enumerate(terms)}
    known_id = np.fromiter(map(number.__getitem__, known.terms), np.int32, len(known.terms))
    fresh_id = np.fromiter(map(number.__getitem__, fresh.terms), np.int32, len(fresh.terms))
    # Every row of both, one after the other: paper i takes row found[i] or that of its
    # fresh count. Renumbering keeps each row's terms in increasing order.
    pool_term = np.concatenate((known_id[known.term], fresh_id[fresh.term]))
    pool_count = np.concatenate((known.count, fresh.count))
    pool_start = np.concatenate((known.start[:-1], fresh.start[:-1] + known.term.size))
    pool_size = np.concatenate((np.diff(known.start), np.diff(fresh.start)))
    row = found.copy()
    row[missing] = len(known.start) - 1 + np.arange(missing.size)
    size = pool_size[row]
    start = np.zeros(row.size + 1, dtype=np.int64)
    np.cumsum(size, out=start[1:])
    at = np.arange(int(start[-1]), dtype=np.int64) + np.repeat(pool_start[row] - start[:-1], size)
    term, count = pool_term[at], pool_count[at]
    del at, pool_term, pool_count
    used = np.bincount(term, minlength=len(terms)) > 0
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    kept = [t for t, use in zip(terms, used.tolist(), strict=True) if use]
    return TermCounts(kept, {}, start, renumber[term], count)


def _count(papers: Sequence[Paper]) -> TermCounts:
    """Cut ``papers`` into words and count their terms, :data:`_COUNT_CHUNK` papers at a
    time (the word arrays of one chunk are the largest of the computation)."""
    of_word: dict[str, int] = {}  # word -> term number in order of appearance, -1: none
    number: dict[str, int] = {}  # term -> that number
    docs: list[Int32s] = []
    terms: list[Int32s] = []
    counts: list[Int32s] = []
    for first in range(0, len(papers), _COUNT_CHUNK):
        words, _, doc, word = _occurrences(papers[first : first + _COUNT_CHUNK])
        new = [w for w in words if w not in of_word]
        for w, t in zip(new, map(_term_of, new), strict=True):
            of_word[w] = -1 if t is None else number.setdefault(t, len(number))
        term = np.fromiter(map(of_word.__getitem__, words), np.int64, len(words))[word]
        keep = term >= 0
        key = np.sort((doc[keep] + first) << 32 | term[keep])
        run = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))[: key.size])
        docs.append((key[run] >> 32).astype(np.int32))
        terms.append((key[run] & 0xFFFFFFFF).astype(np.int32))
        counts.append(np.diff(np.append(run, key.size)).astype(np.int32))
    ordered = sorted(number)
    rank = np.zeros(len(number), dtype=np.int32)
    rank[[number[t] for t in ordered]] = np.arange(len(ordered), dtype=np.int32)
    for i in range(len(docs)):
        # Each paper's terms in sorted order, as the rows of a TermCounts are.
        sorted_term = rank[terms[i]]
        order = np.argsort(docs[i].astype(np.int64) << 32 | sorted_term)
        docs[i], terms[i], counts[i] = docs[i][order], sorted_term[order], counts[i][order]
    every_doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
    start = np.zeros(len(papers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(every_doc, minlength=len(papers)), out=start[1:])
    return TermCounts(
        ordered,
        {},
        start,
        np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32),
        np.concatenate(counts) if counts else np.zeros(0, dtype=np.int32),
    )


def _occurrences(papers: Sequence[Paper]) -> tuple[list[str], Ints, Ints, Ints]:
    """The words of ``papers`` (see :func:`_words`): the distinct words, the first paper
    each occurs in, and for every occurrence its paper and the index of its word."""
    plain = [i for i, p in enumerate(papers) if p.title.isascii() and p.abstract.isascii()]
    texts = [" ".join([papers[i].title] * TITLE_WEIGHT + [papers[i].abstract]) for i in plain]
    words, first, text, word = ascii_words(texts, ALNUM)
    paper_of = np.array(plain, dtype=np.int64)
    first, doc = paper_of[first], paper_of[text]
    others = [i for i, p in enumerate(papers) if not (p.title.isascii() and p.abstract.isascii())]
    if not others:
        return words, first, doc, word
    # Text with other characters: the regex, word by word (rare).
    more: dict[str, int] = {}
    more_first: list[int] = []
    more_doc: list[int] = []
    more_word: list[int] = []
    for i in others:
        for token in _words(papers[i]):
            index = more.setdefault(token, len(more))
            if index == len(more_first):
                more_first.append(i)
            more_doc.append(i)
            more_word.append(len(words) + index)
    return (
        [*words, *more],
        np.concatenate((first, np.array(more_first, dtype=np.int64))),
        np.concatenate((doc, np.array(more_doc, dtype=np.int64))),
        np.concatenate((word, np.array(more_word, dtype=np.int64))),
    )


def ascii_words(
    texts: Sequence[str], letters: npt.NDArray[np.uint8]
) -> tuple[list[str], Ints, Ints, Ints]:
    """The words of ASCII ``texts``, lower-cased: runs of the bytes that ``letters`` (from
    :func:`word_bytes`) maps to non-zero. Returns the distinct words, the first text each
    occurs in, and for every occurrence (in text order) its text and word index.

    Done on the bytes with numpy: a word is read as two little-endian 8-byte windows (the
    bytes past its end masked off), which tell words of up to :data:`_PACKED` letters
    apart; the longer ones are compared as strings.
    """
    joined = " ".join(texts)
    size = len(joined)
    # The word bytes with a 0 before them and 16 after: windows never run past the end.
    padded = np.zeros(size + 17, dtype=np.uint8)
    np.take(
        letters, np.frombuffer(joined.encode("ascii"), dtype=np.uint8), out=padded[1 : size + 1]
    )
    in_word = padded != 0
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])  # alternately starts and ends
    starts, ends = edges[0::2], edges[1::2]
    text_start = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]], dtype=np.int64)
    first_word = np.searchsorted(starts, text_start)
    text = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(first_word, append=starts.size))
    length = ends - starts
    # Every byte offset's 8-byte window (unaligned, not copied), from the first real byte.
    window: Words = np.ndarray((size + 9,), dtype="<u8", buffer=padded.data, offset=1, strides=(1,))
    word = np.empty(starts.size, dtype=np.int64)
    first_rows: list[Ints] = []
    words: list[str] = []
    short = np.flatnonzero(length <= 8)
    medium = np.flatnonzero((length > 8) & (length <= _PACKED))
    for rows, keys in (
        (short, [window[starts[short]] & _MASKS[length[short]]]),
        (
            medium,
            [window[starts[medium]], window[starts[medium] + 8] & _MASKS[length[medium] - 8]],
        ),
    ):
        inverse, first = _distinct(keys)
        word[rows] = inverse + len(words)
        first_rows.append(rows[first])
        words += [
            joined[a:b].lower()
            for a, b in zip(starts[rows[first]].tolist(), ends[rows[first]].tolist(), strict=True)
        ]
    long = np.flatnonzero(length > _PACKED)
    if long.size:
        known: dict[str, int] = {}
        index: list[int] = []
        first_long: list[int] = []
        for row, a, b in zip(
            long.tolist(), starts[long].tolist(), ends[long].tolist(), strict=True
        ):
            found = known.setdefault(joined[a:b].lower(), len(known))
            if found == len(first_long):
                first_long.append(row)
            index.append(found)
        word[long] = np.array(index, dtype=np.int64) + len(words)
        first_rows.append(np.array(first_long, dtype=np.int64))
        words += known
    first_row = np.concatenate(first_rows)
    return words, text[first_row], text, word


def _distinct(keys: list[Words]) -> tuple[Ints, Ints]:
    """Rows of equal ``keys`` (columns): each row's group, and each group's first row.

    Rows are sorted by one mix of the keys; should two different rows mix alike (which
    is most unlikely), they are sorted by all the keys instead.
    """
    n = keys[0].size
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    mixed = keys[0]
    for column in keys[1:]:
        mixed = mixed * np.uint64(0x9E3779B97F4A7C15) + column  # wraps around
    order = np.argsort(mixed)
    ordered = mixed[order]
    new = np.ones(n, dtype=np.bool_)
    new[1:] = ordered[1:] != ordered[:-1]
    if len(keys) > 1 and any((c[order][1:] != c[order][:-1])[~new[1:]].any() for c in keys):
        order = np.lexsort(keys)
        new[1:] = False
        for column in keys:
            ordered = column[order]
            new[1:] |= ordered[1:] != ordered[:-1]
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    return group, np.minimum.reduceat(order, np.flatnonzero(new))


def _vectors(
    counts: TermCounts, settled: npt.NDArray[np.bool_] | None = None
) -> tuple[Ints, Floats]:
    """Each paper's strongest (indexable) terms, strongest first, with their weight in its
    unit-length TF-IDF vector: two ``(n, INDEXED_TERMS)`` arrays, term ``-1`` for none.

    The inverse document frequencies, and which terms are in too many papers to link
    any, are those of the ``settled`` rows (:func:`settled_rows`; None: all); a term in
    a single paper of all of them links nothing.

    Weighed :data:`_COUNT_CHUNK` papers at a time, after the document frequencies: the
    float arrays of all the (paper, term) pairs would be the largest memory of the build
    at 100,000 papers. Every paper's numbers are the same as in one pass: its pairs are
    summed and selected in the same order."""
    n = len(counts.start) - 1
    df = np.bincount(counts.term, minlength=len(counts.terms))
    base, base_df = n, df
    if settled is not None:
        base = int(settled.sum())
        mine = np.repeat(settled, np.diff(counts.start))
        base_df = np.bincount(counts.term[mine], minlength=len(counts.terms))
        del mine
    with np.errstate(divide="ignore"):
        idf = np.where(base_df < base, np.log(base / np.maximum(base_df, 1)), 0.0)
    useful = np.where((df > 1) & (base_df <= max(2, base // 2)), idf, 0.0)
    terms = np.full((n, INDEXED_TERMS), -1, dtype=np.int64)
    weights = np.zeros((n, INDEXED_TERMS))
    for first in range(0, n, _COUNT_CHUNK):
        m = min(n, first + _COUNT_CHUNK) - first
        lo, hi = int(counts.start[first]), int(counts.start[first + m])
        doc = np.repeat(np.arange(m, dtype=np.int32), np.diff(counts.start[first : first + m + 1]))
        terms[first : first + m], weights[first : first + m] = _weigh(
            doc, counts.term[lo:hi], counts.count[lo:hi], m, idf, useful
        )
    return terms, weights


def _weigh(
    doc: Int32s, term: Int32s, count: Int32s, n: int, idf: Floats, useful: Floats
) -> tuple[Ints, Floats]:
    """:func:`_vectors` for ``n`` papers whose (paper, term, count) are given."""
    # In place, to hold few arrays as long as all the (paper, term) pairs at a time.
    tf = np.log(count, dtype=np.float64)
    tf += 1.0
    square = idf[term]
    square *= tf
    np.square(square, out=square)
    norm = np.sqrt(np.bincount(doc, weights=square, minlength=n))
    del square
    strength = useful[term]
    strength *= tf
    del tf
    keep = strength > 0.0
    doc, term, strength = doc[keep], term[keep], strength[keep]
    if not term.size:
        return np.full((n, INDEXED_TERMS), -1, dtype=np.int64), np.zeros((n, INDEXED_TERMS))
    # Within a paper terms are in increasing id order; equal weights go to the larger id,
    # which comes first once reversed.
    doc, term, strength = doc[::-1], term[::-1], strength[::-1]
    rows = _select(doc, strength, INDEXED_TERMS, n)
    valid = rows >= 0
    terms = np.where(valid, term[rows], -1).astype(np.int64)
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
    # Papers come in increasing order: of equal weights the lower paper comes first.
    rows = _select(term, weight, POSTINGS_PER_TERM, int(term.max()) + 2)
    valid = rows >= 0
    return np.where(valid, doc[rows], -1), np.where(valid, weight[rows], 0.0)


def _neighbours(
    query_terms: Ints, query_weights: Floats, posting_docs: Ints, posting_weights: Floats, k: int
) -> Ints:
    """Each paper's ``k`` best-scoring candidates (ties: lower paper first), ``-1`` padded.

    A block of papers at a time: each paper's cells (query term, posting) are sorted by
    candidate, then query term, so that a candidate's score is summed along its run of
    cells in query-term order, the order a sum term by term would take.
    """
    n, terms = query_terms.shape
    width = terms * posting_docs.shape[1]
    k = min(k, width)
    block = max(1, _CELLS // 8 // width)
    column = np.arange(width, dtype=np.int64)
    result = np.full((n, k), -1, dtype=np.int64)
    for start in range(0, n, block):
        stop = min(n, start + block)
        size = (stop - start) * width
        docs = posting_docs[query_terms[start:stop]].reshape(stop - start, width)
        contribution = (
            posting_weights[query_terms[start:stop]] * query_weights[start:stop, :, None]
        ).reshape(stop - start, width)
        own = np.arange(start, stop, dtype=np.int64)[:, None]
        docs = np.where((docs >= 0) & (docs != own), docs, n)  # n: no candidate
        docs, cell = np.divmod(np.sort(docs * width + column, axis=1), width)
        value = np.take_along_axis(contribution, cell, 1).ravel()
        flat = docs.ravel()
        same = np.zeros(size, dtype=np.bool_)  # the cell continues the previous one's run
        same[1:] = (flat[1:] == flat[:-1]) & (flat[1:] < n)
        same[::width] = False
        position = np.arange(size, dtype=np.int64)
        rank = position - np.maximum.accumulate(np.where(same, 0, position))
        total = value.copy()
        for step in range(1, int(rank.max(initial=0)) + 1):
            at = np.flatnonzero(rank == step)
            total[at] = total[at - 1] + value[at]
        last = np.append(~same[1:], True).reshape(docs.shape)  # a run's last cell: its sum
        # Candidates ascend along a row: lower column first is lower paper first.
        best = _top(total.reshape(docs.shape), last & (docs < n), k)
        result[start:stop] = np.where(
            best >= 0, np.take_along_axis(docs, np.maximum(best, 0), 1), -1
        )
    return result


def _top(score: Floats, valid: npt.NDArray[np.bool_], k: int) -> Ints:
    """Per row, the columns of the ``k`` valid cells with the highest score (ties: lower
    column first), best first; ``-1`` where a row has fewer. Valid scores are finite.

    ``k`` rounds of taking each row's first maximum: ``k`` is a handful, and a few passes
    over the matrix cost less than a partition and a sort of every row."""
    score = np.where(valid, score, -np.inf)
    row = np.arange(score.shape[0])
    result = np.full((score.shape[0], k), -1, dtype=np.int64)
    for rank in range(k):
        column = score.argmax(axis=1)
        result[:, rank] = np.where(score[row, column] > -np.inf, column, -1)
        score[row, column] = -np.inf
    return result


def _select(segment: Ints | Int32s, score: Floats, k: int, segments: int) -> Ints:
    """Segmented top-k: per segment (``segment`` of every entry, below ``segments``), the
    indices of its ``k`` entries with the highest ``score`` (ties: earlier entry first),
    best first: a ``(segments, k)`` array padded with ``-1``. ``score`` is not empty.

    One stable sort of all the entries by segment, then score (as an integer rank, so that
    both fit one int64 key), whatever the segments' lengths; an entry's place in its
    segment is then its distance from the segment's start."""
    rank = _descending_rank(score)
    key = segment.astype(np.int64) * (int(rank.max()) + 1)  # segments * entries < 2**63
    key += rank
    order = np.argsort(key, kind="stable")
    ordered = segment[order]
    sizes = np.bincount(segment, minlength=segments)
    place = np.arange(order.size) - (np.cumsum(sizes) - sizes)[ordered]
    keep = place < k
    result = np.full((segments, k), -1, dtype=np.int64)
    result[ordered[keep], place[keep]] = order[keep]
    return result


def _descending_rank(score: Floats) -> Ints:
    """Each score's place among the distinct values of ``score`` (not empty), the highest
    0: integers that sort as ``-score`` does, equal scores (``0.0`` and ``-0.0`` too)
    alike."""
    order = np.argsort(score)
    ordered = score[order]
    ascending = np.zeros(score.size, dtype=np.int64)
    np.cumsum(ordered[1:] != ordered[:-1], out=ascending[1:])
    rank = np.empty(score.size, dtype=np.int64)
    rank[order] = ascending[-1] - ascending
    return rank
