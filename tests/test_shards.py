"""The Pagefind index in shards (generator/shards.py): which papers go where, and the
words pages that keep a shard from answering a word it lacks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.shards import WORDS_FILTER, WORDS_VALUE, plan, words, words_page


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
