"""The search results' fragments a build takes from the previous build's Pagefind bundle
(generator/fragments.py): taken only for documents that did not change, and the bundle
always the one Pagefind makes without them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.fragments import Fragments, fragment_url, page_url
from generator.search import EXCLUDE_SELECTORS, _pagefind, pagefind_executable, run_pagefind
from generator.shards import Reuse, vocabulary_path

PAGES = {
    "papers/a/index.html": "Zephyrine kernels",
    "papers/b/index.html": "Pelagic caches",
    "papers/c/index.html": "Marmoset routing",
    "index.html": "Home",
}


MONTHS = {"papers/a/index.html": "2025-01", "papers/b/index.html": "2025-02"}


def _documents(root: Path, pages: dict[str, str], related: dict[str, str] | None = None) -> Path:
    """Search documents of ``pages`` (path -> title), each with a list of related papers
    left out of the index (``related``, by path; "related" by default)."""
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(
            '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            f"<article data-pagefind-body><h1>{text}</h1><p>{text} and more</p>"
            f"<ol data-search-exclude><li>{(related or {}).get(path, 'related')}</li></ol>"
            "</article></body></html>",
            "utf-8",
        )
    return root


def _index(
    tmp: Path, name: str, pages: dict[str, str], previous: Path | None, **options: object
) -> tuple[Path, Fragments]:
    """Index ``pages`` into a new site ``tmp/name``, taking what it can of ``previous``
    (a site such a run made, with its record)."""
    documents = _documents(tmp / f"{name}-documents", pages)
    site = tmp / name
    site.mkdir()
    fragments = Fragments((previous or tmp / "none") / "pagefind")
    if previous is not None:
        fragments.read_json(json.loads((previous / "record.json").read_text("utf-8")))
    run_pagefind(site, documents=documents, fragments=fragments, **options)  # type: ignore[arg-type]
    (site / "record.json").write_text(json.dumps(fragments.to_json()), "utf-8")
    return site, fragments


def _fresh(
    tmp: Path,
    name: str,
    pages: dict[str, str],
    related: dict[str, str] | None = None,
    **options: object,
) -> dict[str, bytes]:
    """The bundle Pagefind makes of ``pages`` alone (a new site ``tmp/name``)."""
    documents = _documents(tmp / f"{name}-documents", pages, related)
    site = tmp / name
    site.mkdir()
    run_pagefind(site, documents=documents, **options)  # type: ignore[arg-type]
    return _bundle(site)


def _bundle(site: Path) -> dict[str, bytes]:
    bundle = site / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def _fragment_inodes(site: Path) -> dict[str, int]:
    bundle = site / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.stat().st_ino for p in bundle.rglob("*.pf_fragment")
    }


def _same(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {p for p, inode in after.items() if before.get(p) == inode}


def test_pagefind_does_not_write_a_fragment_file_that_is_there(tmp_path: Path) -> None:
    """What taking fragments rests on (Pagefind's ``WriteBehavior::Immutable``): a
    fragment file already in the output folder is neither written nor replaced."""
    documents = _documents(tmp_path / "documents", PAGES)
    first = tmp_path / "first"
    first.mkdir()
    run_pagefind(first, documents=documents)
    names = sorted(p.name for p in (first / "pagefind" / "fragment").iterdir())
    assert len(names) == len(PAGES)
    second = tmp_path / "second"
    (second / "pagefind" / "fragment").mkdir(parents=True)
    planted = second / "pagefind" / "fragment" / names[0]
    planted.write_bytes(b"not Pagefind's")
    exe = pagefind_executable()
    source = ("--site", str(documents), "--output-path", str(second / "pagefind"))
    _pagefind(exe, source, EXCLUDE_SELECTORS, 60)
    assert planted.read_bytes() == b"not Pagefind's"
    assert sorted(p.name for p in planted.parent.iterdir()) == names


def test_the_fragments_of_unchanged_documents_are_taken_and_the_bundle_is_pagefinds(
    tmp_path: Path,
) -> None:
    """A paper's abstract changed: the other pages' fragment files are the previous site's
    (hard links), the changed one's is new, and the bundle is byte for byte the one
    Pagefind makes alone. The record names every document's fragment."""
    first, recorded = _index(tmp_path, "first", PAGES, None)
    assert recorded.taken == 0 and sorted(recorded.now) == sorted(PAGES)
    before = _fragment_inodes(first)
    changed = {**PAGES, "papers/b/index.html": "Pelagic caches, revised"}
    second, taken = _index(tmp_path, "second", changed, first)
    assert taken.taken == 3
    same = _same(before, _fragment_inodes(second))
    assert len(same) == 3 and len(_fragment_inodes(second)) == 4
    assert taken.now["papers/b/index.html"].file not in same
    assert {taken.now[p].file for p in PAGES if p != "papers/b/index.html"} == same
    assert _bundle(second) == _fresh(tmp_path, "fresh", changed)
    # A page added and one gone: the others' fragments taken.
    more = {**changed, "papers/d/index.html": "Zebu schedules"}
    del more["papers/a/index.html"]
    third, taken = _index(tmp_path, "third", more, second)
    assert taken.taken == 3 and sorted(taken.now) == sorted(more)
    assert _bundle(third) == _fresh(tmp_path, "fresh-again", more)


def test_a_fragment_file_changed_or_gone_or_another_pagefind_is_made_again(
    tmp_path: Path,
) -> None:
    first, _ = _index(tmp_path, "first", PAGES, None)
    record = json.loads((first / "record.json").read_text("utf-8"))
    files = [first / "pagefind" / row[1] for row in record["documents"].values()]
    files[0].write_bytes(files[0].read_bytes() + b"!")  # not the size recorded
    files[1].unlink()
    second, taken = _index(tmp_path, "second", PAGES, first)
    assert taken.taken == len(PAGES) - 2
    assert _bundle(second) == _fresh(tmp_path, "fresh", PAGES)
    # Other options (or another Pagefind binary): another salt, nothing taken.
    third, taken = _index(tmp_path, "third", PAGES, second, exclude_selectors=[".x"])
    assert taken.taken == 0
    assert _bundle(third) == _fresh(tmp_path, "fresh-x", PAGES, exclude_selectors=[".x"])


@pytest.mark.parametrize("sharded", [False, True])
def test_a_run_whose_fragments_pagefind_may_not_have_named_is_run_again_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sharded: bool
) -> None:
    """Where a fragment's name was lengthened (two of a run's fragments share the first 7
    digits of their hashes), a file taken could stand for another page's: the run is
    made again without any; the bundle (with its closed shards) is Pagefind's own, no
    file shared."""
    options: dict[str, object] = {"months": MONTHS, "shard_size": 1} if sharded else {}
    first, _ = _index(tmp_path, "first", PAGES, None, **options)
    before = _fragment_inodes(first)
    calls: list[Path] = []
    trusted = Fragments.trusted

    def collided(self: Fragments, out: Path, pages: int) -> bool:  # in the primary
        calls.append(out)
        return out.name != "pagefind" and trusted(self, out, pages)

    monkeypatch.setattr(Fragments, "trusted", collided)
    second, taken = _index(tmp_path, "second", PAGES, first, **options)
    assert [out.name for out in calls].count("pagefind") == 1
    shared = _same(before, _fragment_inodes(second))  # a closed shard's: it was trusted
    assert taken.taken == len(shared) == (1 if sharded else 0)
    assert all(p.startswith("shards/2025-01/") for p in shared)
    assert set(PAGES) <= set(taken.now)
    assert _bundle(second) == _fresh(tmp_path, "fresh", PAGES, **options)


def test_only_pagefinds_own_fragment_names_are_trusted(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    (out / "fragment").mkdir(parents=True)
    fragments = Fragments(tmp_path / "previous")
    for name in ("en_0123abc.pf_fragment", "pt-br_89abcde.pf_fragment"):
        (out / "fragment" / name).write_bytes(b"x")
    assert fragments.trusted(out, 2)
    assert not fragments.trusted(out, 3)  # a page without its own fragment file
    (out / "fragment" / "en_0123abcd.pf_fragment").write_bytes(b"x")  # lengthened
    assert not fragments.trusted(out, 3)


def test_a_record_naming_anything_but_a_fragment_file_in_the_bundle_takes_nothing(
    tmp_path: Path,
) -> None:
    digest = "0" * 64
    good = {"salt": "s", "documents": {"a.html": [digest, "fragment/en_0123abc.pf_fragment", 3]}}
    fragments = Fragments(tmp_path / "previous")
    fragments.read_json(good)
    assert list(fragments.before) == ["a.html"] and fragments.before_salt == "s"
    for bad in (
        {"salt": "s", "documents": {"a.html": [digest, "../../secret/en_0123abc.pf_fragment", 3]}},
        {"salt": "s", "documents": {"a.html": [digest, "/fragment/en_0123abc.pf_fragment", 3]}},
        {"salt": "s", "documents": {"a.html": [digest, "fragment/../../etc/passwd", 3]}},
        {"salt": "s", "documents": {"a.html": [digest, "index/en_0123abc.pf_fragment", 3]}},
        {"salt": "s", "documents": {"a.html": [digest, "fragment/en_0123abc.pf_fragment"]}},
        {"documents": {}},
        ["a.html"],
        None,
    ):
        fragments.read_json(bad)
        assert (fragments.before, fragments.before_salt) == ({}, ""), bad


def test_page_urls_are_pagefinds() -> None:
    assert page_url("papers/a/index.html") == "/papers/a/"
    assert page_url("index.html") == "/"
    assert page_url("a/b.html") == "/a/b.html"
    assert page_url("a/myindex.html") == "/a/myindex.html"


def test_the_fragments_of_the_sharded_index_are_taken_by_indexed_part(tmp_path: Path) -> None:
    """In shards, a closed shard indexed again (a paper's abstract changed) takes the
    fragment of its other paper, whose related papers alone changed (not indexed); a kept
    shard's fragments stay recorded for the build after."""
    months = {
        "papers/a/index.html": "2025-01",
        "papers/b/index.html": "2025-01",
        "papers/c/index.html": "2025-02",
    }

    def index(
        name: str, pages: dict[str, str], previous: Path | None, related: dict[str, str]
    ) -> tuple[Path, Fragments]:
        documents = _documents(tmp_path / f"{name}-documents", pages, related)
        site = tmp_path / name
        site.mkdir()
        fragments = Fragments((previous or tmp_path / "none") / "pagefind")
        reuse = Reuse((previous or tmp_path / "none") / "pagefind", tmp_path / "words")
        if previous is not None:
            record = json.loads((previous / "record.json").read_text("utf-8"))
            fragments.read_json(record["fragments"])
            reuse.read_json(record["shards"])
        run_pagefind(
            site,
            documents=documents,
            months=months,
            shard_size=2,
            fragments=fragments,
            reuse=reuse,
        )
        record = {"fragments": fragments.to_json(), "shards": reuse.to_json()}
        (site / "record.json").write_text(json.dumps(record), "utf-8")
        return site, fragments

    first, _ = index("first", PAGES, None, {})
    # The same pages: January's shard kept whole, its fragments recorded again.
    second, taken = index("second", PAGES, first, {})
    # The primary's three fragments taken: paper c, the home page, January's vocabulary.
    assert taken.taken == 3
    assert sorted(taken.now) == sorted([*PAGES, vocabulary_path("2025-01")])
    before = _fragment_inodes(second)
    pages = {**PAGES, "papers/b/index.html": "Pelagic caches, revised"}
    third, taken = index("third", pages, second, {"papers/a/index.html": "other"})
    a, b = taken.now["papers/a/index.html"].file, taken.now["papers/b/index.html"].file
    assert a.startswith("shards/2025-01/fragment/")
    same = _same(before, _fragment_inodes(third))
    assert a in same and b not in same
    related = {"papers/a/index.html": "other"}
    fresh = _fresh(tmp_path, "fresh", pages, related, months=months, shard_size=2)
    assert _bundle(third) == fresh


def test_a_fragments_url_is_read_from_its_head(tmp_path: Path) -> None:
    documents = _documents(tmp_path / "documents", {"papers/a/index.html": "A"})
    site = tmp_path / "site"
    site.mkdir()
    run_pagefind(site, documents=documents)
    (fragment,) = (site / "pagefind" / "fragment").iterdir()
    assert fragment_url(fragment) == "/papers/a/"
