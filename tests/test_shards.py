"""The Pagefind index in shards (generator/shards.py): which papers go where, the
vocabulary pages that tell search which shards hold a word, and the closed shards a
build keeps from the previous one."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import search
from generator.search import PagefindError, run_pagefind
from generator.shards import (
    WORDS_FILTER,
    WORDS_VALUE,
    Reuse,
    indexed_part,
    plan,
    vocabulary_page,
    vocabulary_path,
    words,
)


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
    newest = max(months.values(), default=None)
    assert {months[d] for d in shards[-1].documents if d in months} <= {newest}
    for shard in shards[:-1]:
        assert len(shard.documents) > 0 and (
            len(shard.documents) <= size or len({months[d] for d in shard.documents}) == 1
        )
        assert newest not in {months[d] for d in shard.documents}
    # A day of the same month changes only the primary; a newer month leaves every
    # closed shard as it was but the last, which may take in the month that ended.
    if newest is not None:
        same = plan({**months, "zz-new": newest}, ["index.html"], size)
        assert same[:-1] == shards[:-1]
    later = {**months, **{f"new{i}": "2025-03" for i in range(size)}}
    again = plan(later, ["index.html"], size)
    unchanged = max(0, len(shards) - 2)  # the closed shards before the last
    assert again[:unchanged] == shards[:unchanged]
    if len(shards) > 1:  # the last closed shard only takes papers in
        assert set(shards[-2].documents) <= set(again[len(shards) - 2].documents)


def test_words_are_the_texts_lowercased_with_tags_taken_out_or_read_as_spaces() -> None:
    found = words("<p>Zephyrine <b>ker</b>nels &amp; <i>x</i></p><p>End</p>")
    assert {"zephyrine", "kernels", "ker", "nels", "&", "x", "end"} <= found


def test_a_vocabulary_page_is_escaped_and_in_the_filters_search_reads() -> None:
    page = vocabulary_page({"<script>alert(1)</script>", "a&b", "zephyrine"}, 'en"><x')
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
    page counted once (the vocabulary pages are not pages of the site), and the documents
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
    assert [s["bundle"] for s in listed] == ["shards/2025-01/", "shards/2025-02/"]
    # Each one's vocabulary page is a page of the primary, in the filter search leaves out.
    for shard in listed:
        fragment = site / "pagefind" / "fragment" / f"{shard['words']}.pf_fragment"
        data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])
        assert data["url"] == f"/paperfeed-words/{shard['bundle'].split('/')[1]}/"
        assert data["filters"] == {WORDS_FILTER: [WORDS_VALUE]}
    assert {p: (documents / p).read_bytes() for p in pages} == before
    # One index when the papers fit in one shard: the list is empty.
    stats = run_pagefind(site, documents=documents, months=months, shard_size=3)
    assert (stats["pages"], stats["shards"]) == (4, 1)
    assert (site / "pagefind" / "paperfeed-shards.json").read_text("utf-8") == "[]\n"
    assert not (site / "pagefind" / "shards").exists()


def test_a_page_where_a_vocabulary_page_goes_is_an_error_not_overwritten(
    tmp_path: Path,
) -> None:
    pages = {"papers/a/index.html": "Zephyrine", "papers/b/index.html": "Pelagic"}
    pages[vocabulary_path("2025-01")] = "A page of the site's own"
    documents = _documents(tmp_path / "documents", pages)
    site = tmp_path / "site"
    site.mkdir()
    months = {"papers/a/index.html": "2025-01", "papers/b/index.html": "2025-02"}
    with pytest.raises(PagefindError, match="pagefind_shard_size: 0"):
        run_pagefind(site, documents=documents, months=months, shard_size=1)
    assert "A page of the site's own" in (documents / vocabulary_path("2025-01")).read_text("utf-8")


def test_papers_of_one_month_are_one_index_without_a_vocabulary_page(tmp_path: Path) -> None:
    """More papers than a shard holds, but all of one month (months stay whole): one
    index, as without shards, and no vocabulary page to be found by its title."""
    pages = {"papers/a/index.html": "Zephyrine", "papers/b/index.html": "Pelagic"}
    documents = _documents(tmp_path / "documents", pages)
    site = tmp_path / "site"
    site.mkdir()
    months = dict.fromkeys(pages, "2025-01")
    stats = run_pagefind(site, documents=documents, months=months, shard_size=1)
    assert (stats["pages"], stats["shards"]) == (2, 1)
    assert (site / "pagefind" / "paperfeed-shards.json").read_text("utf-8") == "[]\n"
    assert len(list((site / "pagefind" / "fragment").iterdir())) == 2  # the two papers


def test_the_indexed_part_leaves_out_only_blocks_whose_end_is_certain() -> None:
    page = (
        b"<article><p>Abstract</p>"
        b'<ol data-search-exclude>\n<li><a href="../x/">X</a><ol><li>y</li></ol></li>\n</ol>'
        b"<p data-search-exclude>Topics</p><div class=pf>kept</div></article>"
    )
    assert indexed_part(page) == b"<article><p>Abstract</p><div class=pf>kept</div></article>"
    # Other related papers: the same indexed part. Another abstract: another.
    other = page.replace(b"X</a>", b"Z</a>")
    assert indexed_part(other) == indexed_part(page)
    assert indexed_part(page.replace(b"Abstract", b"Other")) != indexed_part(page)
    unclosed = b"<p>a</p><ul data-search-exclude><li>b</li>"
    assert indexed_part(unclosed) == unclosed
    # A block in a paragraph ends it (so the end tag counted would not): left in.
    ended = b"<p data-search-exclude>a<ul><li>b</li></ul></p>"
    assert indexed_part(ended) == ended
    # An element with an id is one of Pagefind's anchors, left out or not: left in.
    heading = b'<h2 id="related-papers" data-search-exclude>Related papers</h2>'
    assert indexed_part(heading) == heading


def _paper(title: str, related: str) -> str:
    return f"{title}</p><ol data-search-exclude><li>{related}</li></ol><p>"


MONTHS = {
    "papers/a/index.html": "2025-01",
    "papers/b/index.html": "2025-01",
    "papers/c/index.html": "2025-02",
    "papers/d/index.html": "2025-03",
}


def _bundle(site: Path) -> dict[str, bytes]:
    bundle = site / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def _build(
    tmp: Path, name: str, pages: dict[str, str], previous: Path | None
) -> tuple[Path, Reuse]:
    """Index ``pages`` into a new site ``tmp/name`` in shards of two papers, keeping what
    it can of ``previous`` (a site such a build made, with its record)."""
    documents = _documents(tmp / f"{name}-documents", pages)
    site = tmp / name
    site.mkdir()
    reuse = Reuse((previous or tmp / "none") / "pagefind", tmp / "vocabularies")
    if previous is not None:
        reuse.read_json(json.loads((previous / "record.json").read_text("utf-8")))
    run_pagefind(site, documents=documents, months=MONTHS, shard_size=2, reuse=reuse)
    (site / "record.json").write_text(json.dumps(reuse.to_json()), "utf-8")
    return site, reuse


def test_a_closed_shard_whose_indexed_text_did_not_change_is_kept(tmp_path: Path) -> None:
    """A new day in the newest month, and a January paper's related papers changed: the
    two closed shards are the previous site's files (hard links), and the bundle is byte
    for byte the one a build without them makes. A changed abstract in January: that
    shard is indexed again, February's is kept."""
    pages = {
        "papers/a/index.html": _paper("Zephyrine kernels", "Pelagic caches"),
        "papers/b/index.html": _paper("Marmoset routing", "Zephyrine kernels"),
        "papers/c/index.html": _paper("Pelagic caches", "Marmoset routing"),
        "papers/d/index.html": _paper("Zebu schedules", "Pelagic caches"),
        "index.html": "Home",
    }
    first, reuse = _build(tmp_path, "first", pages, None)
    assert reuse.kept == [] and sorted(reuse.now) == ["2025-01", "2025-02"]
    listed = json.loads((first / "pagefind" / "paperfeed-shards.json").read_text("utf-8"))
    assert [s["bundle"] for s in listed] == ["shards/2025-01/", "shards/2025-02/"]
    pages["papers/a/index.html"] = _paper("Zephyrine kernels", "Zebu schedules")
    pages["papers/d/index.html"] = _paper("Zebu schedules, a new day", "Pelagic caches")
    second, reuse = _build(tmp_path, "second", pages, first)
    assert reuse.kept == ["2025-01", "2025-02"]
    shard = "pagefind/shards/2025-01/pagefind-entry.json"
    assert (second / shard).stat().st_ino == (first / shard).stat().st_ino
    fresh, _ = _build(tmp_path, "fresh", pages, None)
    assert _bundle(second) == _bundle(fresh)
    assert _bundle(second) != _bundle(first)  # the primary has the new day
    pages["papers/b/index.html"] = _paper("Marmoset routing, revised", "Zephyrine kernels")
    third, reuse = _build(tmp_path, "third", pages, second)
    assert reuse.kept == ["2025-02"]
    fresh, _ = _build(tmp_path, "fresh-again", pages, None)
    assert _bundle(third) == _bundle(fresh)
    # Only the vocabularies of the shards recorded last are left.
    reuse.prune()
    assert len(list((tmp_path / "vocabularies").iterdir())) == 2


def test_a_kept_shard_changed_in_the_site_or_gone_is_indexed_again(tmp_path: Path) -> None:
    pages = {p: _paper(p.split("/")[1] * 3, "x") for p in MONTHS}
    first, _ = _build(tmp_path, "first", pages, None)
    meta = next((first / "pagefind" / "shards" / "2025-01").glob("*.pf_meta"))
    meta.write_bytes(meta.read_bytes() + b"!")  # not the size recorded
    shutil.rmtree(first / "pagefind" / "shards" / "2025-02" / "index")
    second, reuse = _build(tmp_path, "second", pages, first)
    assert reuse.kept == []
    fresh, _ = _build(tmp_path, "fresh", pages, None)
    assert _bundle(second) == _bundle(fresh)


def test_a_kept_shard_is_put_in_place_while_the_primary_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only its vocabulary is needed before the primary is indexed: its files (thousands
    of links at 10,000 papers) are linked while Pagefind runs on the primary, which then
    does not wait for them. The record and the bundle are those of linking them first."""
    pages = {p: _paper(p.split("/")[1] * 3, "x") for p in MONTHS}
    first, _ = _build(tmp_path, "first", pages, None)
    seen: list[tuple[str, bool, bool]] = []
    pagefind = search._pagefind

    def spy(exe: Path, source: tuple[str, ...], *args: object, **kwargs: object) -> int:
        out = Path(source[-1])
        shard = out / "shards" / "2025-01" / "pagefind-entry.json"
        before = shard.exists()
        pages = pagefind(exe, source, *args, **kwargs)  # type: ignore[arg-type]
        seen.append((out.name, before, shard.exists()))
        return pages

    monkeypatch.setattr(search, "_pagefind", spy)
    second, reuse = _build(tmp_path, "second", pages, first)
    assert reuse.kept == ["2025-01", "2025-02"]
    assert seen == [("pagefind", False, True)]  # the primary's run, and no other
    monkeypatch.undo()
    fresh, again = _build(tmp_path, "fresh", pages, None)
    assert _bundle(second) == _bundle(fresh)
    assert reuse.to_json() == again.to_json()


def test_the_index_is_split_above_split_above_papers(tmp_path: Path) -> None:
    documents = _documents(tmp_path / "documents", {p: "paper" for p in MONTHS})
    site = tmp_path / "site"
    site.mkdir()
    one = run_pagefind(site, documents=documents, months=MONTHS, shard_size=10, split_above=4)
    split = run_pagefind(site, documents=documents, months=MONTHS, shard_size=10, split_above=3)
    assert (one["shards"], split["shards"]) == (1, 2)  # January and February; March
    assert one["pages"] == split["pages"] == 4


def test_a_record_naming_a_file_outside_a_shard_keeps_nothing(tmp_path: Path) -> None:
    """The record is read from the build cache: a shard's file, name or key that would
    lead out of its folder is not followed (nothing is kept, every shard is indexed)."""
    key = "0" * 64
    good = {"2025-01": [key, 1, [["pagefind-entry.json", 10]], {}]}
    reuse = Reuse(tmp_path / "previous", tmp_path / "vocabularies")
    reuse.read_json(good)
    assert list(reuse.before) == ["2025-01"]
    for bad in (
        {"2025-01": [key, 1, [["../../secret", 10]], {}]},
        {"2025-01": [key, 1, [["/etc/passwd", 10]], {}]},
        {"../2025-01": [key, 1, [["pagefind-entry.json", 10]], {}]},
        {"2025-01": ["../../secret", 1, [["pagefind-entry.json", 10]], {}]},
        {"2025-01": [key, 1, [["pagefind-entry.json", 10]]]},
        ["2025-01"],
    ):
        reuse.read_json(bad)
        assert reuse.before == {}, bad


def test_a_shard_whose_excluded_heading_came_is_indexed_again(tmp_path: Path) -> None:
    """A paper's first related paper brings a "Related papers" heading: left out of the
    index, but Pagefind lists its id among the page's anchors, so the shard is indexed
    again and the bundle is the one a build without the record makes."""
    pages = {p: _paper(p.split("/")[1] * 3, "x") for p in MONTHS}
    first, _ = _build(tmp_path, "first", pages, None)
    heading = '<h2 id="related-papers" data-search-exclude>Related papers</h2>'
    pages["papers/c/index.html"] = "ccc</p>" + heading + _paper("", "a")[4:]
    second, reuse = _build(tmp_path, "second", pages, first)
    assert reuse.kept == ["2025-01"]
    fresh, _ = _build(tmp_path, "fresh", pages, None)
    assert _bundle(second) == _bundle(fresh)
