"""Issue 11: distinct papers are never merged silently. Same title, clearly different
abstracts: two papers (distinct pages), and a warning; an entry without an arXiv id never
overrides the text of a paper with one."""

from __future__ import annotations

import datetime as dt

from generator.errors import Problem
from generator.feed import build_feed, same_text
from generator.model import Digest, Entry

CPP = "We port gradient boosting to C++ templates and measure compile times on ten compilers."
CS = "A survey of C# libraries for machine learning in enterprise .NET applications today."


def _digest(day: int, *entries: Entry) -> Digest:
    return Digest(f"digests/2025-03-{day:02d}.yml", dt.date(2025, 3, day), f"d{day}", entries)


def test_same_title_different_abstracts_are_two_papers_with_a_warning() -> None:
    feed = build_feed(
        [_digest(10, Entry("C++ for ML", CPP, 4)), _digest(11, Entry("C# for ML", CS, 7))]
    )
    assert sorted(p.abstract for p in feed.papers) == sorted([CPP, CS])
    assert len({p.slug for p in feed.papers}) == 2
    assert feed.warnings == (
        Problem(
            "digests/2025-03-11.yml",
            7,
            "'C# for ML' has the title of another paper (digests/2025-03-10.yml:4) but a "
            "different abstract: kept as a paper of its own",
        ),
    )
    assert feed.title_merges == ()


def test_same_title_and_agreeing_abstracts_merge_and_are_listed() -> None:
    noisy = CPP + " Code: https://github.com/x/y"
    feed = build_feed(
        [_digest(10, Entry("C++ for ML", CPP, 4)), _digest(11, Entry("C++ for ML.", noisy, 2))]
    )
    assert len(feed.papers) == 1 and feed.warnings == ()
    assert feed.title_merges == (
        "'C++ for ML': digests/2025-03-10.yml:4, digests/2025-03-11.yml:2",
    )


def test_an_entry_without_an_id_never_overrides_the_text_of_one_with_an_id() -> None:
    with_id = Entry("Attention Is All You Need", CPP, 3, arxiv_id="1706.03762")
    copy = Entry("attention is all you need", CPP + " Longer copy with more words.", 5)
    other = Entry("Attention is all you need", CS, 9)
    feed = build_feed([_digest(10, with_id), _digest(11, copy), _digest(12, other)])
    by_id = feed.by_id()
    paper = by_id["1706.03762"]
    assert paper.title == "Attention Is All You Need" and paper.abstract == CPP
    assert len(paper.appearances) == 2  # the copy joined it, without changing its text
    assert len(feed.papers) == 2  # the entry whose abstract differs is a paper of its own
    assert [w.line for w in feed.warnings] == [9]


def test_same_text_tolerates_noise_and_truncation() -> None:
    assert same_text(CPP, CPP[:40])
    assert same_text(CPP, "Abstract: " + CPP + " (9 authors)")
    assert not same_text(CPP, CS)
    assert same_text("", CS)
