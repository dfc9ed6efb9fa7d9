"""Deduplication and identity: digests -> Feed."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

from generator.feed import build_feed
from generator.ids import arxiv_id, normalize_title, slugify
from generator.model import Digest, Entry


def digest(day: int, *entries: Entry, slug: str | None = None) -> Digest:
    date = dt.date(2025, 3, day)
    return Digest(
        source=f"digests/{date}.yml", date=date, slug=slug or date.isoformat(), entries=entries
    )


def entry(title: str, abstract: str = "An abstract.", **kw: object) -> Entry:
    return Entry(title=title, abstract=abstract, line=1, **kw)  # type: ignore[arg-type]


def test_arxiv_ids_lose_their_version() -> None:
    assert arxiv_id("2503.01234v2") == "2503.01234"
    assert arxiv_id("https://arxiv.org/pdf/2503.01234v1.pdf") == "2503.01234"
    assert arxiv_id("arXiv:hep-th/9901001v3") == "hep-th/9901001"
    assert arxiv_id("version 1.2.3") is None


def test_same_paper_in_two_digests_is_one_paper_with_history() -> None:
    title = "Café Attention Is All You Need"
    nfd = unicodedata.normalize("NFD", title).upper()
    feed = build_feed([digest(14, entry(title)), digest(15, entry("x"), entry(nfd))])
    assert feed.entries_read == 3
    assert len(feed.papers) == 2
    paper = next(p for p in feed.papers if normalize_title(p.title) == normalize_title(title))
    assert [(a.digest, a.position) for a in paper.appearances] == [
        ("2025-03-14", 1),
        ("2025-03-15", 2),
    ]
    assert paper.title == nfd  # the newest spelling wins


def test_arxiv_versions_merge_and_title_only_entries_join_them() -> None:
    feed = build_feed(
        [
            digest(14, entry("Paper A", arxiv_id="2503.00001")),
            digest(15, entry("Paper A (revised)", arxiv_id="2503.00001")),
            digest(16, entry("paper a")),
        ]
    )
    assert len(feed.papers) == 1
    (paper,) = feed.papers
    assert paper.id == "2503.00001"
    assert len(paper.appearances) == 3


def test_a_paper_listed_twice_in_a_digest_appears_there_once_with_a_warning() -> None:
    def at(line: int, title: str, abstract: str, **kw: object) -> Entry:
        return Entry(title=title, abstract=abstract, line=line, **kw)  # type: ignore[arg-type]

    day = digest(
        15,
        at(3, "Sparse experts", "Routers pick experts.", arxiv_id="2503.10622"),
        at(6, "Other", "Something else."),
        at(9, "Sparse experts", "Routers pick experts."),
        at(12, "Sparse experts", "Routers pick experts.", arxiv_id="2503.10622"),
    )
    feed = build_feed([day])
    paper = next(p for p in feed.papers if p.id == "2503.10622")
    assert [(a.digest, a.position) for a in paper.appearances] == [("2025-03-15", 1)]
    assert [(w.line, w.message) for w in feed.warnings] == [
        (9, "'Sparse experts' is listed again in this digest (line 3): listed once"),
        (12, "'Sparse experts' is listed again in this digest (line 3): listed once"),
    ]


def test_an_arxiv_id_given_to_two_different_papers_is_said() -> None:
    feed = build_feed(
        [
            digest(
                14,
                entry(
                    "Sparse experts at scale", "Routers pick k of N experts.", arxiv_id="2503.10622"
                ),
            ),
            digest(
                15,
                entry(
                    "Diffusion from noise",
                    "Images come out of noise in steps.",
                    arxiv_id="2503.10622",
                ),
            ),
        ]
    )
    assert len(feed.papers) == 1
    assert [w.message for w in feed.warnings] == [
        "'Diffusion from noise' has the arXiv id of another paper (digests/2025-03-14.yml:1), "
        "whose title and abstract differ: one paper all the same (check 2503.10622)"
    ]


def test_different_titles_with_the_same_slug_get_distinct_stable_slugs() -> None:
    # Accents make different titles (different papers) but the same ASCII slug.
    a, b, c = entry("Café Bar"), entry("Cafe Bar"), entry("Cafè Bar")
    assert slugify(a.title) == slugify(b.title) == slugify(c.title) == "cafe-bar"
    results = set()
    for order in itertools.permutations([a, b, c]):
        feed = build_feed([digest(14, *order)])
        assert len({p.slug for p in feed.papers}) == 3
        results.add(tuple(sorted((p.title, p.slug) for p in feed.papers)))
    assert len(results) == 1, "slugs depend on the input order"


def test_an_earlier_paper_keeps_its_slug_when_a_namesake_arrives() -> None:
    first = build_feed([digest(14, entry("Cafe Bar"))])
    later = build_feed([digest(20, entry("Café Bar")), digest(14, entry("Cafe Bar"))])
    assert first.papers[0].slug == "cafe-bar"
    slugs = {p.title: p.slug for p in later.papers}
    assert slugs["Cafe Bar"] == "cafe-bar"
    assert slugs["Café Bar"].startswith("cafe-bar-")


def test_punctuation_and_case_do_not_make_a_new_paper() -> None:
    feed = build_feed([digest(14, entry("Foo: Bar!")), digest(15, entry("foo bar"))])
    assert len(feed.papers) == 1


def test_non_latin_titles_get_a_non_empty_ascii_slug() -> None:
    feed = build_feed([digest(14, entry("注意力就是你所需要的"), entry("🚀🚀🚀"))])
    slugs = [p.slug for p in feed.papers]
    assert all(s and s.isascii() for s in slugs)
    assert len(set(slugs)) == 2


def test_long_titles_give_short_file_names() -> None:
    feed = build_feed([digest(14, entry("word " * 400))])
    assert 0 < len(feed.papers[0].slug.encode()) <= 100


def test_feed_is_newest_first_and_independent_of_digest_order() -> None:
    d1 = digest(14, entry("Old one"), entry("Old two"))
    d2 = digest(15, entry("New one"))
    assert build_feed([d1, d2]) == build_feed([d2, d1])
    assert [p.title for p in build_feed([d1, d2]).papers] == ["New one", "Old one", "Old two"]
