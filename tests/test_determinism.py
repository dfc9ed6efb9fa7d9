"""Issue #3: the same inputs give the same bytes; slugs are unique, stable and short.

Two projects in different folders are built from the same digests, without
``SOURCE_DATE_EPOCH`` (the build then takes the newest digest's date) and with
it; their ``site/`` trees must be byte-identical. Slug rules are checked on the
pure ``build_feed`` step, with every input order.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import os
import re
from pathlib import Path

import pytest
from project import FIXTURES, Project, copy_digests, make_project, tree_files

from generator.feed import build_feed
from generator.ids import normalize_title
from generator.model import Digest, Entry
from generator.render.common import paper_path

LONG_TITLE = "Scaling " + " ".join(f"word{i}" for i in range(300))  # ~2,300 characters
SLUGS_YAML = f"""\
date: 2025-03-22
papers:
  - title: Café Models for Tabular Data
    abstract: One of two titles with the same slug.
  - title: Cafe Models for Tabular Data
    abstract: The other title with the same slug.
  - title: 深度学习的新方法
    abstract: A Chinese-only title.
  - title: 🔥🔥🔥
    abstract: An emoji-only title.
  - title: {LONG_TITLE}
    abstract: A title of more than two thousand characters.
"""
DIGESTS = ["2025-03-15-noisy.txt", "2025-03-16-crlf-bom.txt", "2025-03-17-inline-noise.txt"]


def _project(root: Path) -> Project:
    project = make_project(root, {"2025-03-22-slugs.yml": SLUGS_YAML})
    copy_digests(FIXTURES / "digests", project, DIGESTS)
    copy_digests(FIXTURES / "hostile", project)
    return project


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        out = {}
        for name in ("a", "b"):
            out[name] = _project(tmp_path_factory.mktemp(name) / "project")
            assert out[name].build() == 0
            assert "SOURCE_DATE_EPOCH" not in os.environ
        os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
        out["epoch"] = _project(tmp_path_factory.mktemp("epoch") / "project")
        assert out["epoch"].build() == 0
        return out
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


@pytest.mark.slow
def test_two_builds_are_byte_identical(builds: dict[str, Project]) -> None:
    a, b = tree_files(builds["a"].site), tree_files(builds["b"].site)
    assert sorted(a) == sorted(b)
    different = [path for path in a if a[path] != b[path]]
    assert not different
    assert tree_files(builds["a"].pages) == tree_files(builds["b"].pages)


@pytest.mark.slow
def test_no_absolute_path_or_clock_leaks_into_the_site(builds: dict[str, Project]) -> None:
    root = str(builds["a"].root).encode()
    today = dt.datetime.now(dt.timezone.utc).date().isoformat().encode()
    for path, data in tree_files(builds["a"].site).items():
        assert root not in data, path
        if path.endswith((".html", ".xml", ".json")):
            assert today not in data or today.startswith(b"2025-03-2"), path


@pytest.mark.slow
def test_build_date_comes_from_the_inputs_or_source_date_epoch(
    builds: dict[str, Project],
) -> None:
    sitemap = (builds["a"].site / "sitemap.xml").read_text("utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {"2025-03-22"}
    epoch = (builds["epoch"].site / "sitemap.xml").read_text("utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", epoch)) == {"2023-11-14"}
    with gzip.open(builds["epoch"].site / "sitemap.xml.gz") as f:
        assert f.read().decode() == epoch
    raw = (builds["epoch"].site / "sitemap.xml.gz").read_bytes()
    midnight = dt.datetime(2023, 11, 14, tzinfo=dt.timezone.utc).timestamp()
    assert int.from_bytes(raw[4:8], "little") in (1700000000, int(midnight))
    # Only the dates differ between the two.
    a, e = tree_files(builds["a"].site), tree_files(builds["epoch"].site)
    assert sorted(a) == sorted(e)
    assert {p for p in a if a[p] != e[p]} == {"sitemap.xml", "sitemap.xml.gz"}


@pytest.mark.slow
def test_file_names_stay_short(builds: dict[str, Project]) -> None:
    for tree in (builds["a"].site, builds["a"].pages):
        for path in tree.rglob("*"):
            assert len(path.name.encode()) < 255, path
    slugs = builds["a"].paper_pages()
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s) for s in slugs), slugs
    assert max(len(s) for s in slugs) <= 100


# --- slugs on the pure feed step -------------------------------------------------------------


def _digest(slug: str, day: int, titles: list[str]) -> Digest:
    entries = tuple(
        Entry(title=t, abstract=f"Abstract of {t}.", line=i) for i, t in enumerate(titles)
    )
    return Digest(f"{slug}.yml", dt.date(2025, 3, day), slug, entries)


def _slugs(digests: list[Digest]) -> dict[str, str]:
    """Normalised title -> slug."""
    return {normalize_title(p.title): p.slug for p in build_feed(digests).papers}


def test_colliding_slugs_are_distinct_and_independent_of_order() -> None:
    titles = ["Café Models", "Cafe Models", "Cafè Models", "café models!"]
    # "Café Models" and "café models!" are one paper; three papers want "cafe-models".
    results = [_slugs([_digest("d", 10, list(order))]) for order in itertools.permutations(titles)]
    first = results[0]
    assert len(set(first.values())) == len(first) == 3
    assert "cafe-models" in first.values()
    assert all(r == first for r in results)


def test_slugs_do_not_depend_on_digest_order() -> None:
    d1 = _digest("2025-03-10", 10, ["Cafe Models", "Shared Paper"])
    d2 = _digest("2025-03-11", 11, ["Café Models", "Another One"])
    d3 = _digest("2025-03-12", 12, ["CAFE models?", "Shared paper"])
    results = [_slugs(list(p)) for p in itertools.permutations([d1, d2, d3])]
    assert all(r == results[0] for r in results)
    # The paper seen first keeps the plain slug; adding later digests never renames it.
    assert _slugs([d1])["cafe models"] == results[0]["cafe models"] == "cafe-models"


@pytest.mark.parametrize("title", ["深度学习的新方法", "🔥🔥🔥", "ـــ", "!!!", "Ω"])
def test_titles_without_latin_letters_get_a_slug(title: str) -> None:
    (paper,) = build_feed([_digest("d", 10, [title])]).papers
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", paper.slug), paper.slug
    again = build_feed([_digest("other", 11, [title])]).papers[0]
    assert again.slug == paper.slug


def test_two_thousand_character_title() -> None:
    title = "A" * 2000
    long_words = LONG_TITLE
    feed = build_feed([_digest("d", 10, [title, long_words, title + "B"])])
    names = [paper_path(p).split("/")[-1] for p in feed.papers]
    assert len(set(names)) == 3
    for name in names:
        assert 0 < len(name.encode()) < 255, name
