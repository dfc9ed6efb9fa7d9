"""Related papers: TF-IDF neighbours over a pruned inverted index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from sample_papers import sample_papers

from generator.feed import build_feed
from generator.model import Appearance, Digest, Entry, Paper
from generator.related import _select, _top, related_papers, settled_rows, stem, term_vectors

DAY = dt.date(2025, 3, 14)


def paper(pid: str, title: str, abstract: str = "") -> Paper:
    return Paper(
        id=pid, slug=pid, title=title, abstract=abstract, appearances=(Appearance(DAY, "d", 1),)
    )


def planted() -> tuple[list[Paper], Paper]:
    """The sample plus a near-duplicate of its "Tutorial on Bayesian Optimization"."""
    papers = sample_papers()
    original = next(p for p in papers if p.title == "A Tutorial on Bayesian Optimization")
    words = original.abstract.split()
    twin = paper(
        "zz-twin",
        "Bayesian Optimization: a tutorial",
        " ".join(words[: len(words) // 2]) + " This is our revised version.",
    )
    return [*papers, twin], original


def test_planted_near_duplicate_is_most_similar() -> None:
    papers, original = planted()
    related = related_papers(papers)
    assert related["zz-twin"][0] == original.id
    assert related[original.id][0] == "zz-twin"


def test_k_respected_never_itself_and_every_paper_present() -> None:
    papers = sample_papers()
    for k in (1, 3, 5, 8):
        related = related_papers(papers, k=k)
        assert set(related) == {p.id for p in papers}
        for pid, others in related.items():
            assert len(others) <= k
            assert pid not in others
            assert len(set(others)) == len(others)
    assert all(len(o) == 5 for o in related_papers(papers).values())
    assert related_papers(papers, k=0) == {p.id: () for p in papers}


def test_neighbours_make_sense_on_the_sample() -> None:
    papers = sample_papers()
    by_title = {p.title: p.id for p in papers}
    related = related_papers(papers)
    bo_tutorial = by_title["A Tutorial on Bayesian Optimization"]
    bo_papers = {
        by_title["Large Language Models to Enhance Bayesian Optimization"],
        by_title["A Study of Bayesian Neural Network Surrogates for Bayesian Optimization"],
    }
    assert bo_papers <= set(related[bo_tutorial][:3])
    moe = by_title[
        "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models"
    ]
    titles = {p.id: p.title for p in papers}
    assert sum("MoE" in titles[o] or "Expert" in titles[o] for o in related[moe][:3]) >= 2


def test_roughly_symmetric() -> None:
    related = related_papers(sample_papers())
    mutual = sum(a in related[b] for a, others in related.items() for b in others)
    total = sum(len(others) for others in related.values())
    assert mutual / total > 0.5


def test_deterministic_regardless_of_input_order() -> None:
    papers, _ = planted()
    shuffled = papers[:]
    random.Random(7).shuffle(shuffled)
    assert related_papers(papers) == related_papers(shuffled)


def test_ties_broken_by_id() -> None:
    base = paper("m", "graph neural networks for molecules", "message passing on molecular graphs")
    copies = [dataclasses.replace(base, id=pid, slug=pid) for pid in ("c", "a", "b")]
    others = [paper(f"z{i}", f"unrelated {i}", f"words{i} more{i}") for i in range(6)]
    related = related_papers([base, *copies, *others], k=3)
    assert related["m"] == ("a", "b", "c")
    assert related["b"] == ("a", "c", "m")


def test_zero_one_and_unrelated_papers() -> None:
    assert related_papers([]) == {}
    assert related_papers([paper("a", "Only one")]) == {"a": ()}
    unrelated = [paper("a", "apples oranges"), paper("b", "quantum chromodynamics"), paper("c", "")]
    assert related_papers(unrelated) == {"a": (), "b": (), "c": ()}


def test_stop_words_alone_do_not_relate() -> None:
    papers = [
        paper("a", "We propose a novel method", "The results show that this approach works."),
        paper("b", "A novel method is proposed", "Our results show the approach works well."),
        paper("c", "Kernel ridge regression", "Reproducing kernel Hilbert spaces."),
    ]
    related = related_papers(papers)
    assert "c" not in related["a"]


def test_light_stemmer() -> None:
    assert [stem(w) for w in ("models", "studies", "loss", "analysis", "corpus", "gas")] == [
        "model",
        "study",
        "loss",
        "analysis",
        "corpus",
        "gas",
    ]


def test_same_result_under_any_hash_seed() -> None:
    """Sets iterate in a per-process order: nothing may depend on it."""
    tests = Path(__file__).resolve().parent
    script = (
        "import hashlib\n"
        "from sample_papers import sample_papers\n"
        "from generator.related import related_papers\n"
        "print(hashlib.sha256(repr(related_papers(sample_papers())).encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)]),
        }
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(run.stdout)
    assert len(digests) == 1


def test_ascii_fast_path_cuts_words_like_the_regex() -> None:
    """ASCII text is split with str.translate; text with other characters uses the regex.
    Both must give the same terms: digits before letters dropped, one letter ignored, _ splits."""
    words = "3dx gpt4 x1 a _under_score_ 42 Models model's fine-tuning"
    ascii_papers = [paper("a", words), paper("b", words), paper("c", "zebra")]
    accented = [paper("a", words + " é"), paper("b", words + " é"), paper("c", "zebra")]
    assert related_papers(ascii_papers) == related_papers(accented)
    assert related_papers(ascii_papers)["a"] == ("b",)


def test_papers_with_no_indexable_word_have_no_related_papers() -> None:
    # Found by the property test: titles and abstracts of digits and punctuation only.
    entries = (Entry("0.07\\%", "0", 1), Entry("0", "0", 2))
    feed = build_feed([Digest("d.yml", dt.date(2025, 3, 14), "d", entries)])
    assert all(not r for r in related_papers(feed.papers).values())


def test_top_k_selections_match_a_full_sort() -> None:
    """Best first: highest score, then earliest entry (column); 0.0 and -0.0 are equal."""
    rng = np.random.default_rng(3)
    segment = rng.integers(0, 9, 400)  # segment 9 stays empty
    score = rng.choice([0.0, -0.0, 0.5, 1.0, 2.5], 400)
    valid = rng.random((10, 40)) < 0.5
    for k in (1, 4, 70):
        expected = np.full((10, k), -1)
        for s in range(10):
            best = sorted(np.flatnonzero(segment == s), key=lambda i: (-score[i], i))[:k]
            expected[s, : len(best)] = best
        assert (_select(segment, score, k, 10) == expected).all()
        rows = score.reshape(10, 40)
        expected = np.full((10, k), -1)
        for r in range(10):
            best = sorted(np.flatnonzero(valid[r]), key=lambda c: (-rows[r, c], c))[:k]
            expected[r, : len(best)] = best
        assert (_top(rows, valid, k) == expected).all()


def on(day: dt.date, p: Paper) -> Paper:
    return dataclasses.replace(p, appearances=(Appearance(day, "d", 1),))


def test_the_weights_settle_on_the_months_before_the_newest() -> None:
    """The term weights are counted over the papers first seen before the newest paper's
    month, once they are half the feed: a new day's papers move no older paper's weights,
    only the vectors of papers whose words were in no other paper before."""
    march, april = dt.date(2025, 3, 14), dt.date(2025, 4, 2)
    papers = sample_papers()
    older = [on(march, p) for p in papers[:30]]
    newer = [on(april, p) for p in papers[30:40]]
    assert settled_rows([*older, *newer]).tolist() == [True] * 30 + [False] * 10
    assert settled_rows(older) is None  # one month: all of them
    assert settled_rows([*older[:4], *newer]) is None  # less than half settled
    assert settled_rows([]) is None

    before = term_vectors([*older, *newer])
    # A new April paper with the text of another April paper: its words are all in the
    # feed, some of them (those only that paper had) in a second paper now.
    twin = dataclasses.replace(newer[0], id="zz-twin", slug="zz-twin")
    after = term_vectors([*older, *newer, twin])
    assert after.ids == [*before.ids, "zz-twin"]
    moved = [
        i
        for i in before.ids
        if after.vector(after.ids.index(i)) != before.vector(before.ids.index(i))
    ]
    assert moved == [newer[0].id]
    # Counted over every paper, the weights of most papers move.
    everything = [on(march, p) for p in (*older, *newer)]
    whole = term_vectors([*everything, on(march, twin)])
    unsettled = term_vectors(everything)
    assert (
        sum(whole.vector(r) != unsettled.vector(r) for r in range(len(unsettled.ids)))
        > len(unsettled.ids) // 2
    )
