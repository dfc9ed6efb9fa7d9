"""The fast paths give what the plain code they stand in for gives."""

from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from generator.ids import normalize_title, slugify
from generator.related import ALNUM, _distinct, _neighbours, ascii_words, word_bytes
from generator.text import clean_text

ASCII = st.lists(
    st.sampled_from([*"aZ09_ -.,'\t\x00\x7f", "abcdefghij", "ABCDEFGHIJKLMNOPQR", "x1y2z3", "  "]),
    max_size=30,
).map("".join)
"""ASCII text with words of every length: up to 8 letters, 9 to 16, and longer."""
ANY = st.lists(
    st.sampled_from([*"aZ09_ -.,'\t\n\x0b\x1c\x85\u00a0\u2028\ufeff", "é", "ß", "ﬁ", "Ⅸ"]),
    max_size=40,
).map("".join)


@given(st.lists(ASCII, max_size=8))
def test_ascii_words_are_the_regex_words(texts: list[str]) -> None:
    for letters, pattern in ((ALNUM, r"[a-z0-9]+"), (word_bytes("azAZ_" + string.digits), None)):
        if pattern is None:  # a made-up alphabet: a, z, _ and digits
            pattern = r"[az_0-9]+"
        words, first, text, word = ascii_words(texts, letters)
        expected = [(i, w) for i, t in enumerate(texts) for w in re.findall(pattern, t.lower())]
        assert [(int(i), words[w]) for i, w in zip(text, word, strict=True)] == expected
        assert len(set(words)) == len(words)
        for w, i in zip(words, first.tolist(), strict=True):
            assert i == min(t for t, x in expected if x == w)


def test_distinct_survives_keys_that_mix_alike() -> None:
    lo = np.array([5, 6, 5], dtype=np.uint64)
    hi = np.array([7, 7 - 0x9E3779B97F4A7C15 + (1 << 64), 7], dtype=np.uint64)
    mixed = lo * np.uint64(0x9E3779B97F4A7C15) + hi  # what _distinct sorts by
    assert mixed[0] == mixed[1]
    group, first = _distinct([lo, hi])
    assert group[0] == group[2] != group[1]
    assert sorted(first.tolist()) == [0, 1]


@given(ANY)
def test_clean_text_fast_path(text: str) -> None:
    control = re.compile(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
    )
    assert clean_text(text) == " ".join(
        unicodedata.normalize("NFC", control.sub(" ", text)).split()
    )


@given(st.one_of(ANY, ASCII), st.integers(1, 90))
def test_slugs_and_title_keys_fast_paths(text: str, max_bytes: int) -> None:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for w in words:
        candidate = f"{slug}-{w}" if slug else w
        if len(candidate) > max_bytes:
            break
        slug = candidate
    assert slugify(text, max_bytes) == (slug or (words[0][:max_bytes] if words else ""))
    folded = unicodedata.normalize("NFKC", text).casefold()
    assert normalize_title(text) == " ".join(re.findall(r"\w+", folded))


@given(st.integers(0, 2**32), st.integers(2, 40), st.integers(1, 6))
def test_neighbours_sum_term_by_term(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    terms, postings, vocabulary = 4, 5, 7
    query_terms = rng.integers(-1, vocabulary, (n, terms))
    query_weights = np.where(query_terms >= 0, rng.random((n, terms)), 0.0)
    posting_docs = np.full((vocabulary + 1, postings), -1)
    for t in range(vocabulary):
        docs = rng.permutation(n)[: rng.integers(0, postings + 1)]
        posting_docs[t, : docs.size] = docs
    posting_weights = np.where(posting_docs >= 0, rng.random(posting_docs.shape), 0.0)
    got = _neighbours(query_terms, query_weights, posting_docs, posting_weights, k)
    for a in range(n):
        score: dict[int, float] = {}
        for j in range(terms):
            for p in range(postings):
                b = int(posting_docs[query_terms[a, j], p])
                if b >= 0 and b != a:
                    product = posting_weights[query_terms[a, j], p] * query_weights[a, j]
                    score[b] = score.get(b, 0.0) + product
        best = sorted(score, key=lambda b: (-score[b], b))[: min(k, terms * postings)]
        assert got[a].tolist() == best + [-1] * (got.shape[1] - len(best))
