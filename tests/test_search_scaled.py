"""Scaled search on a real paperfeed site: ``search: auto`` picks Pagefind for a large feed.

A module fixture writes a synthetic feed of :data:`PAPERS` papers (``bench/synth.py``, fixed
seed) into a throw-away project holding the repository's ``mkdocs.yml`` (``search: auto``, its
``pagefind_threshold`` at most :data:`PAPERS`) and builds it with the real ``paperfeed build``.
The site must come out with a Pagefind bundle and no Material index, and in headless Chromium
the header search box must find a known paper by a word of its title, within the issue's
first-search budget (300 KB). Tests never assert on wall-clock time: the seconds to the first
result are printed (``pytest -s``) and measured by ``bench/``.

The site is served under ``/paperfeed/``, the sub-path of the repository's ``site_url``, as on
GitHub Pages. That a small feed keeps Material's search is checked in ``test_site_sample.py``
(``test_search_index_holds_every_title`` reads ``search/search_index.json``).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.synth import format_txt, generate_feed
from generator.search import EXCLUDE_SELECTORS

try:
    from tests.browser import chromium, require_browser, serve
    from tests.project import Project, make_project, shown
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from browser import chromium, require_browser, serve  # type: ignore[no-redef]
    from project import Project, make_project, shown  # type: ignore[no-redef]

pytestmark = pytest.mark.slow

PAPERS = int(os.environ.get("PAPERFEED_SCALED_PAPERS", "2000"))
"""Papers in the generated feed: at least the ``pagefind_threshold`` of ``mkdocs.yml``."""
SEED = 11
BASE = "/paperfeed/"
"""The path of the repository's ``site_url``; the site is served there."""
FIRST_SEARCH_BUDGET = 300_000
"""Bytes a visitor's first search may download from ``pagefind/`` (the issue's limit)."""
"""Seconds from focusing the search box to the first result shown (issue: 1 s; see above)."""
LISTINGS = ("topics/", "tags/", "archive/")
WORD = re.compile(r"[a-z0-9]+")

assert PAPERS >= 2000, "the scaled search test needs a feed of at least 2,000 papers"


@dataclass(frozen=True)
class Scaled:
    project: Project
    build_seconds: float
    title: str
    """A generated paper's title, found by :attr:`title_word` (its made-up method name)."""
    title_word: str
    abstract: str
    """Another generated paper's title, found by :attr:`abstract_words`."""
    abstract_words: tuple[str, str]
    """Two words of that paper's abstract, in no other paper and not in its own title."""

    @property
    def site(self) -> Path:
        return self.project.site


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _stem(word: str) -> str:
    """A prefix short enough to cover Pagefind's stemming and prefix matching."""
    return word[: max(5, len(word) - 4)]


def _pick_queries(
    papers: list[tuple[str, str]],
) -> tuple[int, str, int, tuple[str, str]]:
    """A paper found by one title word, and another found by two words of its abstract only.

    A word counts as "in" a paper when any word of the paper starts with the word's
    :func:`_stem`, so that neither Pagefind's stemming nor its prefix matching can make a
    query match a second paper.
    """
    texts = [_words(t) | _words(a) for t, a in papers]
    stems: dict[str, set[int]] = {}
    for i, words in enumerate(texts):
        for w in words:
            for n in range(5, len(w) + 1):
                stems.setdefault(w[:n], set()).add(i)

    def papers_with(word: str) -> set[int]:
        return stems.get(_stem(word), set())

    order = list(range(len(papers) // 2, len(papers))) + list(range(len(papers) // 2))
    title_pick = None
    for i in order:
        name = papers[i][0].split(":", 1)[0].lower()
        if len(name) >= 6 and WORD.fullmatch(name) and papers_with(name) == {i}:
            title_pick = (i, name)
            break
    assert title_pick, "no paper with a method name found in no other paper"
    for i in order[len(order) // 3 :]:
        if i == title_pick[0]:
            continue
        title_words = _words(papers[i][0])
        candidates = sorted(
            w
            for w in _words(papers[i][1]) - title_words
            if len(w) >= 8
            and len(papers_with(w)) <= 30  # rare words: a small index chunk, a clear test
            and not any(t.startswith(_stem(w)) for t in title_words)
        )
        for a, w1 in enumerate(candidates):
            for w2 in candidates[a + 1 :]:
                if papers_with(w1) & papers_with(w2) == {i}:
                    return title_pick[0], title_pick[1], i, (w1, w2)
    raise AssertionError("no pair of abstract words unique to one paper")


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    mp = pytest.MonkeyPatch()
    mp.setenv("NO_MKDOCS_2_WARNING", "1")
    project = make_project(tmp_path_factory.mktemp("scaled"))
    config = project.config.read_text("utf-8")
    assert re.search(r"^\s+search: auto\b", config, re.M), "mkdocs.yml no longer says auto"
    threshold = re.search(r"^\s+pagefind_threshold: (\d+)", config, re.M)
    assert threshold and int(threshold.group(1)) <= PAPERS
    feed = generate_feed(PAPERS, seed=SEED)
    for day, papers in feed:
        project.write_digest(f"{day.isoformat()}.txt", format_txt(day, papers))
    papers = [p for _, day_papers in feed for p in day_papers]
    t, title_word, a, abstract_words = _pick_queries(papers)
    started = time.perf_counter()
    assert project.build() == 0
    build_seconds = time.perf_counter() - started
    print(f"\npaperfeed build of {PAPERS} papers: {build_seconds:.1f} s")
    yield Scaled(project, build_seconds, papers[t][0], title_word, papers[a][0], abstract_words)
    mp.undo()


def _served_root(scaled: Scaled) -> Path:
    """A folder whose ``paperfeed/`` is the built site, to serve it under :data:`BASE`."""
    www = scaled.project.root / "www"
    link = www / BASE.strip("/")
    if not link.exists():
        www.mkdir(exist_ok=True)
        link.symlink_to(scaled.site, target_is_directory=True)
    return www


def _page_url(scaled: Scaled, title: str) -> str:
    """The site path (``papers/slug/``) of the paper page whose heading is ``title``."""
    data = json.loads((scaled.site / "papers.json").read_text("utf-8"))
    pages = [p["page"] for p in data["papers"] if p["title"] == title]
    assert len(pages) == 1, (title, pages)
    return pages[0].strip("/") + "/"


# -- the built site --------------------------------------------------------------------------


def test_large_feed_is_searched_with_pagefind(scaled: Scaled) -> None:
    site = scaled.site
    assert not (site / "search" / "search_index.json").exists()
    assert not (site / "search").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert list((site / "pagefind" / "index").glob("*.pf_index"))
    assert list((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    paper = _page_url(scaled, scaled.title)
    for path, bundle in (
        ("", "pagefind/pagefind.js"),
        (paper, "../../pagefind/pagefind.js"),
        ("topics/", "../pagefind/pagefind.js"),
    ):
        html = shown(site, path + "index.html")  # the shared parts in place
        assert "data-paperfeed-search" in html, path  # the header search box
        assert 'class="md-search__input"' in html, path
        assert f'data-bundle="{bundle}"' in html, path
        assert "<article data-pagefind-body" in html, path
        assert "search/search_index.json" not in html, path


def test_listing_abstracts_are_left_out_of_the_index(scaled: Scaled) -> None:
    """Topic, tag and archive pages show abstracts; only the paper page indexes one."""
    html = (scaled.site / "topics" / "index.html").read_text("utf-8")
    assert "data-pagefind-body" in html
    topic = next(p for p in sorted((scaled.site / "topics").iterdir()) if p.is_dir())
    html = (topic / "index.html").read_text("utf-8")
    abstracts = html.count("<summary>Abstract</summary>")
    assert abstracts > 0
    # Each in an item left out of the index (Material's attribute, an exclude selector of
    # Pagefind's too), which holds nothing else than one paper.
    items = re.findall(r'<div class="pf-item" data-search-exclude>\n(.*?)\n</div>\n', html, re.S)
    assert sum(item.count("<summary>Abstract</summary>") for item in items) == abstracts
    assert "[data-search-exclude]" in EXCLUDE_SELECTORS


# -- in Chromium -----------------------------------------------------------------------------


def _result_items(page: object) -> list[tuple[str, str]]:
    """(title, href) of every search result shown."""
    pairs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".md-search-result__item a",
        "els => els.map(a => [a.querySelector('h1').textContent, a.getAttribute('href')])",
    )
    return [(title, href) for title, href in pairs]


@pytest.mark.browser
def test_first_search_finds_known_paper_in_chromium(scaled: Scaled) -> None:
    require_browser()
    www = _served_root(scaled)
    start = BASE + _page_url(scaled, scaled.abstract)
    with serve(www) as server, chromium() as browser:
        page = browser.new_page()
        page.goto(server.url.rstrip("/") + start)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # let deferred scripts settle before measuring
        server.clear()

        box = page.locator("input.md-search__input")
        started = time.monotonic()
        box.click()  # focusing the box starts loading Pagefind's bundle
        box.press_sequentially(scaled.title_word)
        typed = time.monotonic()
        known = page.locator(".md-search-result__item", has_text=scaled.title)
        known.first.wait_for(timeout=30_000)
        seconds = time.monotonic() - started
        first_search = server.requests(BASE + "pagefind/")
        downloaded = sum(n for _, n in first_search)
        print(
            f"\nfirst search ({PAPERS} papers, {scaled.title_word!r}): {downloaded} bytes in "
            f"{len(first_search)} requests under pagefind/, {seconds:.2f} s from focus "
            f"({seconds - (typed - started):.2f} s after the last key) to the first result"
        )
        for path, n in first_search:
            print(f"  {n:>8}  {path}")
        assert first_search, "nothing downloaded from pagefind/"
        assert downloaded <= FIRST_SEARCH_BUDGET, first_search

        results = _result_items(page)
        assert scaled.title in [t for t, _ in results], results
        href = next(h for t, h in results if t == scaled.title)
        assert href == BASE + _page_url(scaled, scaled.title), results
        known.first.locator("a").click()
        page.wait_for_url(f"**{href}")
        heading = page.locator("h1").first.evaluate(
            """h => [...h.childNodes]
                .filter(n => !(n.classList && n.classList.contains('headerlink')))
                .map(n => n.textContent).join('')"""
        )
        assert heading.strip() == scaled.title


@pytest.mark.browser
def test_pages_load_without_material_search(scaled: Scaled) -> None:
    """With Pagefind, no page asks for Material's index or fails on its absence."""
    require_browser()
    www = _served_root(scaled)
    paths = ["", _page_url(scaled, scaled.title), "topics/", "archive/"]
    with serve(www) as server, chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        missing: list[str] = []
        page.on("response", lambda r: r.status == 404 and missing.append(r.url))
        for path in paths:
            page.goto(server.url.rstrip("/") + BASE + path)
            page.wait_for_load_state("networkidle")
        assert (server.requests(BASE + "search/"), missing, errors) == ([], [], [])


@pytest.mark.browser
def test_abstract_words_find_only_the_paper_page(scaled: Scaled) -> None:
    """Abstracts are indexed once, on the paper page: not again on topic, tag, archive pages."""
    require_browser()
    www = _served_root(scaled)
    with serve(www) as server, chromium() as browser:
        page = browser.new_page()
        page.goto(server.url.rstrip("/") + BASE + "topics/")
        page.wait_for_load_state("load")
        box = page.locator("input.md-search__input")
        box.click()
        query = " ".join(scaled.abstract_words)
        box.press_sequentially(query)
        page.wait_for_function(
            """q => document.querySelector('[data-paperfeed-search]').dataset.query === q
                && document.querySelector('.md-search-result__item')""",
            arg=query,
            timeout=30_000,
        )
        page.wait_for_timeout(500)  # any further results of this query are rendered by now
        meta = page.locator(".md-search-result__meta").inner_text()
        results = _result_items(page)
        assert results == [(scaled.abstract, BASE + _page_url(scaled, scaled.abstract))], (
            query,
            meta,
            results,
        )
        assert not any(h.startswith(tuple(BASE + p for p in LISTINGS)) for _, h in results)
