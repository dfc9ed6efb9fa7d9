"""Search that finds papers, in Chromium, with Material's search and with Pagefind.

The sample (plus one structured digest with authors and an arXiv id) is built twice, once
per backend, served on 127.0.0.1 and searched through the search box in the header, as a
reader does. A distinctive word of a paper's title lists that paper first; an author's
name and an arXiv id find their paper; a topic is found by its name; and a query finds
exactly the papers whose own title, authors or abstract hold it: not the listings that
show those papers (topic, tag, digest, month pages, the home page, the Topics overview),
not the papers whose "Related papers" block names them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import chromium, require_browser, serve
from project import REPO
from test_browser_reader import BASE, build_sample

from generator.taxonomy import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXTRA = """\
date: 2025-03-13
papers:
  - title: Quasar Routing for Sparse Attention over Long Documents
    abstract: We route the tokens of long documents through a small set of blocks.
    arxiv: 2503.01234
    authors: [Xiomara Quenby, Tobias Lindqvist]
"""
QUASAR = "Quasar Routing for Sparse Attention over Long Documents"
TITLE_WORDS = {
    "GaLore": "Natural GaLore: Accelerating GaLore for memory-efficient LLM Training and "
    "Fine-tuning",
    "OptMATH": "OptMATH: A Scalable Bidirectional Data Synthesis Framework for Optimization "
    "Modeling",
    "FRUGAL": "FRUGAL: Memory-Efficient Optimization by Reducing State Overhead for Scalable "
    "Training",
    "COSMOS": "COSMOS: A Hybrid Adaptive Optimizer for Memory-Efficient Training of LLMs",
    "Hecate": "Hecate: Unlocking Efficient Sparse Model Training via Fully Sharded Sparse Data "
    "Parallelism",
    "FineQuant": "FineQuant: Unlocking Efficiency with Fine-Grained Weight-Only Quantization for "
    "LLMs",
    "DeepSeekMoE": "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts "
    "Language Models",
    "InstaTune": "InstaTune: Instantaneous Neural Architecture Search During Fine-Tuning",
    "AutoPEFT": "AutoPEFT: Automatic Configuration Search for Parameter-Efficient Fine-Tuning",
    "DMoERM": "DMoERM: Recipes of Mixture-of-Experts for Effective Reward Modeling",
    "UltraGen": "UltraGen: Extremely Fine-grained Controllable Generation via Attribute "
    "Reconstruction and Global Preference Optimization",
    "Kilobytes": "Federated Full-Parameter Tuning of Billion-Sized Language Models with "
    "Communication Cost under 18 Kilobytes",
    "Quasar": QUASAR,
    "Quenby": QUASAR,  # an author
    "2503.01234": QUASAR,  # an arXiv id
}
BACKENDS = ("material", "pagefind")


@pytest.fixture(scope="module", params=BACKENDS)
def searched(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(backend, papers.json, a Chromium page on the home page of the served site)."""
    require_browser()
    backend = request.param
    www = build_sample(
        tmp_path_factory.mktemp(backend),
        "--search",
        backend,
        digests={"2025-03-13-extra.yml": EXTRA},
    )
    feed = json.loads((www / BASE / "papers.json").read_text("utf-8"))
    with serve(www) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.goto(server.url + BASE, wait_until="networkidle")
        yield backend, feed, page
        page.close()


def search(page: Any, query: str) -> list[str]:
    """The pages the search box lists for ``query``, in order, as paths under the site."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(query, delay=15)  # Material listens to key events
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        """() => {
          const meta = document.querySelector('.md-search-result__meta');
          return meta && /\\d|No matching/i.test(meta.textContent || '');
        }"""
    )
    page.wait_for_timeout(400)  # the last keystroke's results replace the earlier ones
    assert meta.count() == 1
    hrefs: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__list > li')]
             .map(li => li.querySelector('a.md-search-result__link, a'))
             .filter(a => a).map(a => a.href)"""
    )
    paths = [urlsplit(href).path.split(f"/{BASE}", 1)[-1] for href in hrefs]
    return [p for n, p in enumerate(paths) if p not in paths[:n]]


def _page(feed: dict[str, Any], title: str) -> str:
    (paper,) = [p for p in feed["papers"] if p["title"] == title]
    page: str = paper["page"]
    return page


@pytest.mark.parametrize("query", sorted(TITLE_WORDS))
def test_a_distinctive_word_lists_its_paper_first(
    searched: tuple[str, dict[str, Any], Any], query: str
) -> None:
    backend, feed, page = searched
    found = search(page, query)
    assert found, f"{backend}: nothing found for {query!r}"
    assert found[0] == _page(feed, TITLE_WORDS[query]), (backend, query, found)


LISTINGS = re.compile(r"^(|topics/.*|tags/.*|archive/.*|papers/(page-\d+/)?)$")


@pytest.mark.parametrize("word", ["GaLore", "Bayesian", "GFlowNets", "Pareto"])
def test_a_word_finds_the_papers_that_hold_it_not_the_pages_that_list_them(
    searched: tuple[str, dict[str, Any], Any], word: str
) -> None:
    """No listing and no "Related papers" block: the papers found are those whose own
    title, authors or abstract has the word."""
    backend, feed, page = searched
    found = search(page, word)
    holding = {
        p["page"]
        for p in feed["papers"]
        if re.search(rf"\b{word}", " ".join([p["title"], p["abstract"], *p["authors"]]), re.I)
    }
    assert holding, word
    # A topic or tag may be found by its name or description; no other listing at all.
    taxonomy = load_taxonomy(REPO / "taxonomy.yml")
    named = {
        f"{kind}/{t.slug}/"
        for kind, items in (("topics", taxonomy.topics), ("tags", taxonomy.tags))
        for t in items
        if re.search(rf"\b{word}", f"{t.name} {t.description}", re.I)
    }
    listings = [p for p in found if LISTINGS.match(p) and p not in named]
    assert listings == [], (backend, word, found)
    papers = {p for p in found if p.startswith("papers/")}
    assert papers == holding or (len(found) >= 10 and papers <= holding), (backend, word, found)


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("Multi-objective optimization", "multi-objective"),
        ("Mixture of experts", "mixture-of-experts"),
    ],
)
def test_a_topic_is_one_result_found_by_its_name(
    searched: tuple[str, dict[str, Any], Any], query: str, topic: str
) -> None:
    backend, _, page = searched
    found = search(page, query)
    assert f"topics/{topic}/" in found[:5], (backend, query, found)
    assert not [p for p in found if p.startswith(f"topics/{topic}/page-")], found
