"""Search over an index in shards, in Chromium (``pagefind_shard_size``,
:mod:`generator.shards`): the papers of every shard are found, and nothing from the
shards that lack the query's word.

Its own module: the sample searched with each backend (test_browser_search.py) holds a
browser for that module's tests, and Playwright runs one at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import chromium, require_browser, serve
from test_browser_reader import BASE, build_sample
from test_browser_search import TITLE_WORDS, _page, search

pytestmark = [pytest.mark.browser, pytest.mark.slow]


OLDER = {
    "2025-01-20-older.yml": """\
date: 2025-01-20
papers:
  - title: Zephyrine Kernels for Sparse Attention
    abstract: Zephyrine kernels route attention through a handful of learned blocks.
  - title: Pelagic Caches for Serving Language Models
    abstract: We keep the keys and values of long prompts in a pelagic cache.
""",
    "2025-02-10-older.yml": """\
date: 2025-02-10
papers:
  - title: Marmoset Routing for Mixture-of-Experts Layers
    abstract: Marmoset routing spreads the tokens of a zero-shot task over experts (ZeRO).
  - title: Zebu Schedules for Learning Rates
    abstract: Zebu schedules warm the learning rate up in zephyr-like steps.
""",
}


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any, list[str]]]:
    """The sample plus papers of January and February, its Pagefind index in shards of
    one paper: January's and February's (two papers each, so a shard each) and the
    primary, March's papers and every other page. (Chromium page, served site, requests.)"""
    require_browser()
    www = build_sample(
        tmp_path_factory.mktemp("shards"),
        "--search",
        "pagefind",
        digests=OLDER,
        options={"pagefind_shard_size": 1},
    )
    requests: list[str] = []
    with serve(www) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.url + BASE, wait_until="networkidle")
        yield page, www / BASE, requests
        page.close()


def test_an_index_in_shards_lists_data_only_bundles(sharded: tuple[Any, Any, list[str]]) -> None:
    _, site, _ = sharded
    bundle = site / "pagefind"
    listed = [s["bundle"] for s in json.loads((bundle / "paperfeed-shards.json").read_bytes())]
    assert listed == ["shards/2025-01/", "shards/2025-02/"]
    for shard in listed:
        names = sorted(p.name for p in (bundle / shard).iterdir() if p.is_file())
        # Data only: Pagefind's scripts and WebAssembly are the primary's.
        assert [n for n in names if not n.endswith(".pf_meta")] == ["pagefind-entry.json"]
    assert (bundle / "pagefind.js").is_file()


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Zephyrine", "Zephyrine Kernels for Sparse Attention"),  # the oldest shard
        ("pelagic", "Pelagic Caches for Serving Language Models"),
        ("Marmoset", "Marmoset Routing for Mixture-of-Experts Layers"),  # the middle one
        ("GaLore", TITLE_WORDS["GaLore"]),  # the primary
    ],
)
def test_the_papers_of_every_shard_are_found_and_only_they(
    sharded: tuple[Any, Any, list[str]], query: str, title: str
) -> None:
    """A word of one shard lists the papers that hold it, and nothing from the shards
    that lack it: Pagefind would answer those with words of the same first letters
    ("Zephyrine" as "Zebu", "zero-shot" or "ZeRO") but for the vocabulary pages."""
    page, site, requests = sharded
    feed = json.loads((site / "papers.json").read_text("utf-8"))
    holding = {
        p["page"]
        for p in feed["papers"]
        if re.search(rf"\b{query}", " ".join([p["title"], p["abstract"]]), re.I)
    }
    found = search(page, query)
    assert found and found[0] == _page(feed, title), (query, found)
    assert {p for p in found if p.startswith("papers/")} == holding, (query, found)
    assert not [p for p in found if "paperfeed-words" in p], found
    # Every request stays on the site; the shards were merged.
    origin = urlsplit(page.url).netloc
    assert {urlsplit(u).netloc for u in requests if u.startswith("http")} == {origin}
    assert any("/pagefind/shards/2025-02/" in u for u in requests), requests
