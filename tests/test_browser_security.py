"""Issue #3 in a real browser: hostile digest text stays text in Chromium.

A site is built from ``tests/fixtures/hostile`` plus one benign paper, served on
127.0.0.1 and opened with Debian's Chromium through Playwright. On the page of
the paper whose abstract holds every payload, a topic page, the digest page and
the home page, and in Material's search results for payload words: no dialog
opens, no element the theme does not put there itself exists (the benign
paper's page is the reference), no ``on*`` attribute, no ``javascript:`` link,
and the payload text is visible as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from browser import chromium, require_browser, serve
from project import FIXTURES, Project, make_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BENIGN = """\
date: 2025-03-01
papers:
  - title: A Benign Baseline Paper on Sparse Attention
    abstract: An ordinary abstract, the reference for what the theme itself puts on a page.
"""
GALLERY = "Payload gallery: <script>alert('gallery')</script>"
FORMULAS = "Formula gallery: $<script>alert('f')</script>$ and \\href{javascript:alert(1)}{click}"
VISIBLE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[x](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "&lt;script&gt;",
    "$5 and $10",
    "MoE^2",
    "a_b_c",
    "*x*",
    "==y==",
    "~z~",
    ":smile:",
    '--8<-- "/etc/passwd"',
    "{{ config }}",
    "<!-- material/tags -->",
]

# What a page holds that could run code or load something, counted in the browser.
PROBE = """() => {
  const all = [...document.querySelectorAll('*')];
  const onAttrs = [];
  for (const el of all) for (const a of el.attributes)
    if (a.name.toLowerCase().startsWith('on')) onAttrs.push(el.tagName + ' ' + a.name);
  const bad = sel => document.querySelectorAll(sel).length;
  const article = document.querySelector('article');
  return {
    inlineScripts: [...document.querySelectorAll('script:not([src]):not([id="__config"])')]
      .map(s => s.textContent),
    scriptSrcs: [...document.querySelectorAll('script[src]')].map(s => s.getAttribute('src')),
    onAttrs,
    jsLinks: bad('[href^="javascript:" i], [src^="javascript:" i], [href^="data:" i], '
      + '[src^="data:" i], [action^="javascript:" i], [formaction]'),
    iframes: bad('iframe, frame, object, embed'),
    styles: bad('style'),
    articleActive: article ? article.querySelectorAll(
      'script, style, img, svg, iframe, object, embed, form, input, template, link, meta'
    ).length : -1,
    // Formulas are MathML: no link, style, class or handler in them, nothing but MathML.
    mathBad: [...document.querySelectorAll('math, math *')].filter(el =>
      el.namespaceURI !== 'http://www.w3.org/1998/Math/MathML'
      || ['href', 'style', 'class', 'mathcolor', 'xlink:href'].some(a => el.hasAttribute(a))
    ).map(el => el.tagName),
    formulas: document.querySelectorAll('article math').length,
    pwned: typeof window.__pwned !== 'undefined',
    text: article ? article.innerText : '',
    title: document.title,
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    require_browser()
    digests: dict[str, str | bytes] = {
        p.name: p.read_bytes() for p in (FIXTURES / "hostile").iterdir()
    }
    digests["2025-03-01-benign.yml"] = BENIGN
    project = make_project(tmp_path_factory.mktemp("browser") / "p", digests)
    assert project.build("--search", "material") == 0
    return project


@pytest.fixture(scope="module")
def browser_page(site: Project) -> Iterator[tuple[Any, str, list[str]]]:
    with serve(site.site) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        yield page, server.url, dialogs
        page.close()


def _records(site: Project) -> dict[str, dict[str, Any]]:
    data = json.loads((site.site / "papers.json").read_text("utf-8"))
    return {p["title"]: p for p in data["papers"]}


def _probe(page: Any, url: str) -> dict[str, Any]:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let the theme's scripts and any payload run
    result: dict[str, Any] = page.evaluate(PROBE)
    return result


def _assert_clean(found: dict[str, Any], reference: dict[str, Any], where: str) -> None:
    assert found["inlineScripts"] == reference["inlineScripts"], where
    assert found["scriptSrcs"] == reference["scriptSrcs"], where
    assert found["onAttrs"] == [], where
    assert found["jsLinks"] == 0, where
    assert found["iframes"] == 0, where
    assert found["styles"] == reference["styles"], where
    assert found["articleActive"] == 0, where
    assert found["mathBad"] == [], where
    assert not found["pwned"], where


def test_pages_with_payloads_run_nothing(
    site: Project, browser_page: tuple[Any, str, list[str]]
) -> None:
    page, root, dialogs = browser_page
    records = _records(site)
    benign = records["A Benign Baseline Paper on Sparse Attention"]
    reference = _probe(page, root + benign["page"])
    assert reference["inlineScripts"], "the theme's own inline scripts were not seen"
    gallery = records[GALLERY]
    found = _probe(page, root + gallery["page"])
    _assert_clean(found, reference, "gallery page")
    for text in VISIBLE:
        assert text in found["text"], f"not shown as text: {text!r}"
    assert found["formulas"] >= 1  # $O(n^2)$, rendered

    formulas = _probe(page, root + records[FORMULAS]["page"])
    _assert_clean(formulas, reference, "formula gallery page")
    assert formulas["formulas"] >= 10
    assert found["title"] == f"{GALLERY} - paperfeed"

    topic = gallery["topics"][0]
    listings = [f"topics/{topic}/", "topics/other/", "", "archive/2025-03-20-hostile/"]
    for path in listings:
        found = _probe(page, root + path)
        # Listing pages sit at other depths: compare scripts as a set of theme scripts.
        assert found["onAttrs"] == [], path
        assert found["jsLinks"] == 0, path
        assert found["iframes"] == 0, path
        assert found["articleActive"] == 0, path
        assert len(found["inlineScripts"]) == len(reference["inlineScripts"]), path
        assert not found["pwned"], path
    home = _probe(page, root)  # lists the newest digest, the text one
    for title in ("# Heading-looking title with MoE^2 and a_b_c", '--8<-- "/etc/passwd"'):
        assert title in home["text"]
    archive = _probe(page, root + "archive/2025-03-20-hostile/")
    assert GALLERY in archive["text"]
    assert dialogs == []


@pytest.mark.parametrize("word", ["onerror", "onload", "script"])
def test_search_results_with_payloads_run_nothing(
    site: Project, browser_page: tuple[Any, str, list[str]], word: str
) -> None:
    page, root, dialogs = browser_page
    page.goto(root, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()  # visible in the header at desktop width
    box.press_sequentially(word, delay=30)  # Material listens to key events, not fill()
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="attached", timeout=20_000)
    page.wait_for_timeout(500)
    found = page.evaluate(
        """() => {
          const out = document.querySelector('.md-search-result');
          const onAttrs = [];
          for (const el of out.querySelectorAll('*')) for (const a of el.attributes)
            if (a.name.toLowerCase().startsWith('on')) onAttrs.push(el.tagName + ' ' + a.name);
          return {
            active: out.querySelectorAll(
              'script, style, img, svg:not(.md-search-result__icon svg), iframe, object, embed'
            ).length,
            jsLinks: out.querySelectorAll('[href^="javascript:" i], [href^="data:" i]').length,
            onAttrs,
            text: out.innerText,
            pwned: typeof window.__pwned !== 'undefined',
          };
        }"""
    )
    assert found["onAttrs"] == []
    assert found["jsLinks"] == 0
    assert found["active"] == 0
    assert not found["pwned"]
    assert word in found["text"].lower()
    assert dialogs == []
