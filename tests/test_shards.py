"""The Pagefind index in shards (generator/shards.py): which papers go where, and the
words pages that keep a shard from answering a word it lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.search import PagefindError, run_pagefind
from generator.shards import WORDS_FILTER, WORDS_PAGE, WORDS_VALUE, plan, words, words_page


def test_months_are_packed_oldest_first_and_the_newest_shard_holds_the_other_pages() -> None:
    months = {f"p{i}": m for i, m in enumerate(["2025-01"] * 3 + ["2025-02"] * 2 + ["2025-03"])}
    shards = plan(months, ["index.html", "topics/a/index.html"], 5)
    assert [(s.name, s.documents) for s in shards] == [
        ("2025-01", ("p0", "p1", "p2", "p3", "p4")),
        ("", ("p5", "index.html", "topics/a/index.html")),
    ]
    # A month larger than a shard is a shard of its own; the months stay whole.
    shards = plan(months, [], 2)
    assert [(s.name, len(s.documents)) for s in shards] == [("2025-01", 3), ("2025-02", 2), ("", 1)]
    assert plan({}, ["index.html"], 3)[0].documents == ("index.html",)
    with pytest.raises(ValueError, match="at least one"):
        plan(months, [], 0)


@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=4),
        st.sampled_from(["2024-11", "2024-12", "2025-01", "2025-02"]),
        max_size=40,
    ),
    st.integers(1, 12),
)
def test_every_document_is_in_exactly_one_shard_and_old_shards_do_not_change(
    months: dict[str, str], size: int
) -> None:
    shards = plan(months, ["index.html"], size)
    placed = [d for s in shards for d in s.documents]
    assert sorted(placed) == sorted([*months, "index.html"])
    for shard in shards[:-1]:
        assert len(shard.documents) > 0 and (
            len(shard.documents) <= size or len({months[d] for d in shard.documents}) == 1
        )
    # A newer month added later leaves every closed shard as it was.
    later = {**months, **{f"new{i}": "2025-03" for i in range(size)}}
    again = plan(later, ["index.html"], size)
    assert again[: len(shards) - 1] == shards[:-1]


def test_words_are_the_texts_lowercased_with_tags_taken_out_or_read_as_spaces() -> None:
    found = words("<p>Zephyrine <b>ker</b>nels &amp; <i>x</i></p><p>End</p>")
    assert {"zephyrine", "kernels", "ker", "nels", "&", "x", "end"} <= found


def test_a_words_page_is_escaped_and_in_the_filter_search_leaves_out() -> None:
    page = words_page({"<script>alert(1)</script>", "a&b", "zephyrine"}, 'en"><x')
    assert "<script>" not in page and "&lt;script&gt;" in page and "a&amp;b" in page
    assert 'lang="en&quot;&gt;&lt;x"' in page
    assert f'data-pagefind-filter="{WORDS_FILTER}:{WORDS_VALUE}"' in page
    assert re.findall(r"<[a-z]+", page) == [
        "<html",
        "<head",
        "<meta",
        "<title",
        "<body",
        "<article",
        "<p",
    ]


def _documents(root: Path, pages: dict[str, str]) -> Path:
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(
            '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            f"<article data-pagefind-body><h1>{text}</h1><p>{text}</p></article></body></html>",
            "utf-8",
        )
    return root


def test_pagefind_runs_once_a_shard_and_lists_them(tmp_path: Path) -> None:
    """Three papers of two months in shards of one: two indexes besides the primary, every
    page counted once (the words pages are not pages of the site), and the documents
    folder as it was."""
    pages = {
        "papers/a/index.html": "Zephyrine kernels",
        "papers/b/index.html": "Pelagic caches",
        "papers/c/index.html": "Marmoset routing",
        "index.html": "Home",
    }
    documents = _documents(tmp_path / "documents", pages)
    before = {p: (documents / p).read_bytes() for p in pages}
    site = tmp_path / "site"
    site.mkdir()
    months = {"papers/a/index.html": "2025-01", "papers/b/index.html": "2025-02"}
    months["papers/c/index.html"] = "2025-03"
    stats = run_pagefind(site, documents=documents, months=months, shard_size=1)
    assert (stats["pages"], stats["shards"]) == (4, 3)
    listed = json.loads((site / "pagefind" / "paperfeed-shards.json").read_text("utf-8"))
    assert listed == ["shards/2025-01/", "shards/2025-02/"]
    assert {p: (documents / p).read_bytes() for p in pages} == before
    # One index when the papers fit in one shard: the list is empty.
    stats = run_pagefind(site, documents=documents, months=months, shard_size=3)
    assert (stats["pages"], stats["shards"]) == (4, 1)
    assert (site / "pagefind" / "paperfeed-shards.json").read_text("utf-8") == "[]\n"
    assert not (site / "pagefind" / "shards").exists()


def test_a_page_where_the_words_page_goes_is_an_error_not_overwritten(tmp_path: Path) -> None:
    pages = {"papers/a/index.html": "Zephyrine", "papers/b/index.html": "Pelagic"}
    pages[WORDS_PAGE] = "A page of the site's own"
    documents = _documents(tmp_path / "documents", pages)
    site = tmp_path / "site"
    site.mkdir()
    months = {"papers/a/index.html": "2025-01", "papers/b/index.html": "2025-02"}
    with pytest.raises(PagefindError, match="pagefind_shard_size: 0"):
        run_pagefind(site, documents=documents, months=months, shard_size=1)
    assert "A page of the site's own" in (documents / WORDS_PAGE).read_text("utf-8")


def test_papers_of_one_month_are_one_index_without_a_words_page(tmp_path: Path) -> None:
    """More papers than a shard holds, but all of one month (months stay whole): one
    index, as without shards, and no words page to be found by its title."""
    pages = {"papers/a/index.html": "Zephyrine", "papers/b/index.html": "Pelagic"}
    documents = _documents(tmp_path / "documents", pages)
    site = tmp_path / "site"
    site.mkdir()
    months = dict.fromkeys(pages, "2025-01")
    stats = run_pagefind(site, documents=documents, months=months, shard_size=1)
    assert (stats["pages"], stats["shards"]) == (2, 1)
    assert (site / "pagefind" / "paperfeed-shards.json").read_text("utf-8") == "[]\n"
    assert len(list((site / "pagefind" / "fragment").iterdir())) == 2  # the two papers
