"""The reader's site in Chromium: nothing leaks to another host; axe-core finds no serious
or critical violation.

The repository's own project (its ``mkdocs.yml``, taxonomy, ``docs/`` and the sample
digest) is built and served on 127.0.0.1 under the path of its ``site_url``
(``/paperfeed/``), as GitHub Pages serves it. Debian's Chromium opens the home page, a
topic, a paper, the tags and the archive, in the light and the dark scheme, and types in
the search box; every request the pages make is recorded, and any that would leave
127.0.0.1 fails the test (the test answers it itself: nothing is sent, tests stay offline).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import Server, chromium, require_browser, serve
from project import REPO, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCHEMES = ("light", "dark")
BASE = "paperfeed/"
"""The path of the repository's ``site_url``, where the site is served."""


def build_sample(
    root: Path,
    *args: str,
    digests: dict[str, str] | None = None,
    options: dict[str, int] | None = None,
) -> Path:
    """The repository's project (plus ``digests``, and the plugin's ``options`` set in its
    mkdocs.yml) built into ``root/www/paperfeed``; returns ``root/www``."""
    project = root / "project"
    project.mkdir(parents=True)
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(REPO / name, project / name)
    if options:
        config = (project / "mkdocs.yml").read_text("utf-8")
        anchor = "      pagefind_threshold: 500\n"
        assert anchor in config
        settings = "".join(f"      {key}: {value}\n" for key, value in options.items())
        (project / "mkdocs.yml").write_text(config.replace(anchor, anchor + settings), "utf-8")
    for folder in ("docs", "digests"):
        shutil.copytree(REPO / folder, project / folder)
    for name, text in (digests or {}).items():
        (project / "digests" / name).write_text(text, "utf-8")
    www = root / "www"
    site = www / BASE
    config = str(project / "mkdocs.yml")
    assert run_cli(["build", "--config", config, "--quiet", "--site-dir", str(site), *args]) == 0
    return www


def reader_pages(www: Path) -> dict[str, str]:
    """The kinds of page a reader opens, by name: their paths under the site's root."""
    feed = json.loads((www / BASE / "papers.json").read_text("utf-8"))
    counts = {t["slug"]: 0 for t in feed["topics"]}
    for paper in feed["papers"]:
        for slug in paper["topics"]:
            counts[slug] += 1
    topic = max(sorted(counts), key=lambda slug: counts[slug])  # a topic with pages
    return {
        "home": "",
        "topic": f"topics/{topic}/",
        "paper": feed["papers"][0]["page"],
        "tags": "tags/",
        "archive": "archive/",
        "every paper": "papers/",  # a listing with its pager
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_browser()
    return build_sample(tmp_path_factory.mktemp("reader"))


@pytest.fixture(scope="module")
def served(sample: Path) -> Iterator[tuple[Server, Any]]:
    with serve(sample) as server, chromium() as browser:
        yield server, browser


class Requests:
    """Every request a browser context makes; those leaving 127.0.0.1 are answered here."""

    def __init__(self, context: Any) -> None:
        self.inside: list[str] = []
        self.outside: list[str] = []
        context.route("**/*", self._route)
        context.on("websocket", lambda ws: self.outside.append(ws.url))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            self.inside.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.fulfill(status=204, body="")


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url, wait_until="networkidle")
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reader_pages_make_no_request_to_another_host(
    sample: Path, served: tuple[Server, Any], scheme: str
) -> None:
    server, browser = served
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    requests = Requests(context)
    try:
        for name, path in reader_pages(sample).items():
            page = open_page(context, server.url + BASE + path)
            assert page.locator("article h1").count() == 1, name
            assert page.locator(".md-source").count() == 0, f"{name}: a repository widget"
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially("diffusion", delay=20)  # search loads its index
            page.locator(".md-search-result__item").first.wait_for(state="attached")
            page.wait_for_load_state("networkidle")
            page.close()
    finally:
        context.close()
    assert requests.outside == []
    fetched = {urlsplit(url).path for url in requests.inside}
    assert f"/{BASE}" in fetched  # the home page itself: the recording works
    assert f"/{BASE}search/search_index.json" in fetched
    assert any(p.endswith(".css") for p in fetched) and any(p.endswith(".js") for p in fetched)
    # Material's script fetched the sitemap.xml beside each feed link: the whole site's
    # sitemap on every page, and a missing one (404) on a topic's.
    assert [p for p in fetched if p.endswith("sitemap.xml")] == []


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each."""
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core's own build, from npm

    page.evaluate(AXE_SCRIPT)
    result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}: "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        + ")"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation(
    sample: Path, served: tuple[Server, Any], scheme: str
) -> None:
    server, browser = served
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    Requests(context)  # offline: anything leaving 127.0.0.1 is answered here
    found: dict[str, list[str]] = {}
    try:
        for name, path in {**reader_pages(sample), "not found": "404.html"}.items():
            page = open_page(context, server.url + BASE + path)
            found[name] = axe_violations(page)
            page.close()
    finally:
        context.close()
    assert found == {name: [] for name in found}


def test_copy_bibtex_copies_the_entry(sample: Path, served: tuple[Server, Any]) -> None:
    """Material gives the code block an id of its own as the page loads (it took the
    block's own, #bibtex): the button copied nothing and threw an error."""
    server, browser = served
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    Requests(context)
    errors: list[str] = []
    try:
        page = open_page(context, server.url + BASE + reader_pages(sample)["paper"])
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.get_by_role("button", name="Copy BibTeX").click()
        page.wait_for_timeout(300)
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    assert errors == []
    assert copied.startswith("@") and copied.rstrip().endswith("}")


def test_bold_text_in_a_formula_is_bold(sample: Path, served: tuple[Server, Any]) -> None:
    """\\textbf{...} in a formula is MathML's bold text, which Chromium drew in the normal
    weight."""
    server, browser = served
    context = browser.new_context()
    Requests(context)
    path = (
        "papers/only-if-revealing-the-decisive-effect-of-instruction-diversity-on-generalization/"
    )
    try:
        page = open_page(context, server.url + BASE + path)
        bold = page.locator('mtext[mathvariant="bold"]').first
        weight = bold.evaluate("e => getComputedStyle(e).fontWeight")
    finally:
        context.close()
    assert int(weight) >= 700


def test_the_first_tab_offers_to_skip_to_the_content(
    sample: Path, served: tuple[Server, Any]
) -> None:
    """Material writes its "Skip to content" link to a page's first heading in the table of
    contents; generated pages had none, so a keyboard reader tabbed through the header,
    the tabs and the navigation on every page."""
    server, browser = served
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    Requests(context)
    found = {}
    try:
        for name, path in {**reader_pages(sample), "hand-written": "about/"}.items():
            page = open_page(context, server.url + BASE + path)
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "[document.activeElement.textContent.trim(),"
                " document.activeElement.getBoundingClientRect().height > 0]"
            )
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")  # the first link after the target: the article's
            inside = page.evaluate("!!document.activeElement.closest('article')")
            found[name] = (*focused, inside)
            page.close()
    finally:
        context.close()
    assert found == {name: ("Skip to content", True, True) for name in found}
