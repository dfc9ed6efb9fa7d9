"""Lean pages: the theme's indentation and inline icons out of every page, its article kept."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from project import REPO, make_project

from generator.lean import SHELL_PATH, SPRITE_PATH, Icons, Shared, article_edges, collapse

SAMPLE = REPO / "digests" / "2025-03-14-hf-papers.txt"
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z"/></svg>'
)


def test_collapse_keeps_one_line_break_for_each_run_of_white_space() -> None:
    assert collapse("<a>\n    \n  <b> x  y\t\n\n</b>") == "<a>\n<b> x  y\n</b>"


def test_only_the_white_space_at_the_article_s_ends_is_collapsed() -> None:
    content = "<h1>T</h1>\n\n<pre>a\n\n    b</pre>\n\n<p>x  y</p>"
    article = f'<article class="md-content__inner md-typeset">\n    \n  \n{content}\n\n  \n  '
    assert article_edges(article) == f'<article class="md-content__inner md-typeset">\n{content}\n'
    assert article_edges("<article>x") == "<article>x"


def test_icons_become_references_to_one_symbol_outside_the_article() -> None:
    icons = Icons()
    page = (
        f"<header>\n    {ICON}\n</header>\n"
        f'<article class="md-content__inner">\n  <pre>a\n    b</pre>{ICON}\n</article>\n'
        f'<footer>\n  <label class="md-icon">{ICON}</label>\n</footer>'
    )
    out = icons.lean(page, "../x/icons.svg")
    (symbol,) = icons.symbols
    reference = f'<svg viewBox="0 0 24 24"><use href="../x/icons.svg#{symbol}"/></svg>'
    assert out == (
        f"<header>\n{reference}\n</header>\n"
        f'<article class="md-content__inner">\n<pre>a\n    b</pre>{ICON}\n</article>\n'
        f'<footer>\n<label class="md-icon">{reference}</label>\n</footer>'
    )
    assert icons.symbols[symbol] == (
        "0 0 24 24",
        '<path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z"/>',
    )
    assert icons.lean(out, "../x/icons.svg") == out  # lean twice: the same


def test_icon_attributes_stay_on_the_page_and_an_icon_without_viewbox_stays_inline() -> None:
    icons = Icons()
    with_class = ICON.replace('viewBox="0 0 24 24"', 'class="big" viewBox="0 0 24 24"')
    no_box = '<svg xmlns="http://www.w3.org/2000/svg" width="4"><path d="M3 6h18v2H3z"/></svg>'
    out = icons.lean(with_class + no_box, "i.svg")
    assert out.startswith('<svg class="big" viewBox="0 0 24 24"><use href="i.svg#i')
    assert out.endswith(no_box)


def test_the_sprite_is_the_same_bytes_for_the_same_icons_in_any_order() -> None:
    other = ICON.replace("M3 6h18", "M4 6h18")
    first, second = Icons(), Icons()
    first.lean(ICON + other, "i.svg")
    second.lean(other + ICON, "i.svg")
    assert first.sprite() == second.sprite()
    assert first.sprite().startswith('<svg xmlns="http://www.w3.org/2000/svg">\n<symbol id="i')
    again = Icons()
    again.read_sprite(first.sprite())
    assert again.symbols == first.symbols


def _build(root: Path, lean: bool) -> Path:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    if not lean:
        config = config.replace(
            "      feed_size: 50\n", "      feed_size: 50\n      lean_pages: false\n"
        )
    project = make_project(root, config_text=config)
    shutil.copyfile(SAMPLE, project.digests / SAMPLE.name)
    assert project.build() == 0
    return project.site


def test_a_lean_site_has_no_inline_icon_outside_articles_and_every_symbol_it_uses(
    tmp_path: Path,
) -> None:
    lean = _build(tmp_path / "lean", lean=True)
    full = _build(tmp_path / "full", lean=False)
    sprite = (lean / SPRITE_PATH).read_text("utf-8")
    symbols = set(re.findall(r'<symbol id="(i[0-9a-f]{10})"', sprite))
    shared = Shared()
    shared.read_script((lean / SHELL_PATH).read_text("utf-8"))
    assert {key.split("-")[0] for key in shared.parts} == set(Shared.NAMES)
    assert len(shared.parts) < 20  # a few variants of the sidebars, one of each other part
    pages = sorted(p.relative_to(lean) for p in lean.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 100
    lean_bytes = full_bytes = 0
    for rel in pages:
        html = (lean / rel).read_text("utf-8")
        theme = html[: html.find("<article")] + html[html.rfind("</article>") :]
        assert 'xmlns="http://www.w3.org/2000/svg"' not in theme, rel
        assert "\n " not in theme, rel
        depth = len(rel.parts) - 1
        for href, symbol in re.findall(r'<use href="([^"#]*)#([^"]*)"', html):
            assert href == "../" * depth + SPRITE_PATH, rel
            assert symbol in symbols, rel
        original = (full / rel).read_text("utf-8")
        assert _article(html) == article_edges(_article(original)), rel
        # Every page shares the parts only scripts use, and is the theme's page with them.
        prefix = "../" * depth
        referred = [m.groups() for m in PART.finditer(html)]
        assert [(p, key.split("-")[0]) for p, key in referred] == [
            (prefix, name) for name in Shared.NAMES
        ], rel
        assert "__config" not in html and "md-search__input" not in html, rel
        assert "md-nav--primary" not in html, rel
        assert shared.unshare(html, prefix) == Icons().lean(original, prefix + SPRITE_PATH), rel
        lean_bytes += len(html) - len(_article(html))
        full_bytes += len(original) - len(_article(original))
    assert not (full / SPRITE_PATH).exists() and not (full / SHELL_PATH).exists()
    assert lean_bytes < 0.5 * full_bytes  # the theme around the articles: 14 -> 6 KB


def _article(html: str) -> str:
    return html[html.find("<article") : html.rfind("</article>")]


PART = re.compile(
    r'<script src="((?:\.\./)*)assets/paperfeed/shell\.js" data-part="([a-z]+-[0-9a-f]{6})">'
)


def _page(prefix: str, title: str, section: str = "topics/") -> str:
    """A lean page as the theme renders it, with the five parts :class:`Shared` shares;
    ``section``: the address of the page's section from the page."""
    base = prefix[:-1] or "."
    return (
        f'<head>\n<script>__md_scope=new URL("{base}",location),'
        "__md_get=(e,_=localStorage)=>JSON.parse(_.getItem(e<<1))</script>\n</head>\n"
        f'<header>\n<div class="md-header__title">{title}</div>\n'
        '<form class="md-header__option" data-md-component="palette">\n'
        f'<label for="__palette_1" hidden><svg><use href="{prefix}assets/i.svg#a"/></svg></label>'
        '\n</form>\n<script>var palette=__md_get("__palette")</script>\n'
        '<div class="md-search" role="dialog"\n'
        f'data-bundle="{prefix}pagefind/pagefind.js">\n</div>\n'
        f'<script src="{prefix}assets/search.js" defer></script>\n'
        "</nav>\n</header>\n"
        '<div class="md-sidebar md-sidebar--primary" data-md-component="sidebar">\n'
        f'<a href="{base}">Home</a>\n<a href="{section}">Topics</a>\n'
        f'<a href="{prefix}tags/">Tags</a>\n</div>\n'
        '<div class="md-content" data-md-component="content">\n'
        f'<article>\n<a href="{prefix}x/">{title}</a>\n</article>\n</div>\n'
        '<button type="button" class="md-top md-icon" data-md-component="top" hidden>\n'
        f'<svg><use href="{prefix}assets/i.svg#t"/></svg>\nBack to top\n</button>\n'
        '<div class="md-dialog" data-md-component="dialog">\n'
        '<div class="md-dialog__inner md-typeset"></div>\n</div>\n'
        f'<script id="__config" type="application/json">{{"base": "{base}", '
        f'"search": "{prefix}assets/w.js", "x": "<b>"}}</script>\n'
        f'<script src="{prefix}assets/bundle.js"></script>\n'
    )


def test_shared_parts_are_written_once_and_come_back_with_each_page_s_addresses() -> None:
    shared = Shared()
    pages = {
        prefix: _page(prefix, f"Page {len(prefix)}", prefix + "topics/")
        for prefix in ("", "../", "../../")
    }
    lean = {prefix: shared.lean(html, prefix) for prefix, html in pages.items()}
    keys = set()
    for prefix, html in lean.items():
        referred = [m.groups() for m in PART.finditer(html)]
        assert [(p, key.split("-")[0]) for p, key in referred] == [
            (prefix, name) for name in Shared.NAMES
        ]
        keys.update(key for _, key in referred)
        assert "__md_scope" not in html and "__config" not in html and "palette" not in html
        assert "Home" not in html and "Tags" not in html and "Back to top" not in html
        assert f'<div class="md-header__title">Page {len(prefix)}</div>' in html
        assert f'<article>\n<a href="{prefix}x/">' in html  # the article is the page's
        assert shared.unshare(html, prefix) == pages[prefix]
    assert keys == set(shared.parts) and len(keys) == 5  # one variant of each part
    assert not any("../" in part for part in shared.parts.values())
    assert "pagefind/pagefind.js" in shared.script()
    again = Shared()
    again.read_script(shared.script())
    assert again.parts == shared.parts and again.script() == shared.script()


def test_pages_whose_parts_differ_share_one_variant_each() -> None:
    """A topic's page links its section as ``../``: another variant of the sidebars,
    shared by the pages of the section at that depth (and only by them)."""
    shared = Shared()
    paper = _page("../../", "A", "../../topics/")
    topic = _page("../../", "B", "../")
    deeper = _page("../../../", "C", "../../")
    out = {
        html: shared.lean(html, prefix)
        for html, prefix in ((paper, "../../"), (topic, "../../"), (deeper, "../../../"))
    }
    sidebars = {
        html: [key for _, key in PART.findall(lean) if key.startswith("sidebars-")]
        for html, lean in out.items()
    }
    assert len({key for keys in sidebars.values() for key in keys}) == 3
    assert shared.unshare(out[topic], "../../") == topic
    assert shared.unshare(out[deeper], "../../../") == deeper
    again = shared.lean(_page("../../", "D", "../"), "../../")
    assert PART.findall(again) == PART.findall(out[topic])  # the topic's variant


def test_after_max_variants_a_new_variant_stays_in_its_page() -> None:
    shared = Shared()
    for n in range(Shared.MAX_VARIANTS):
        html = _page("../", "A").replace('"x": "<b>"', f'"x": "{n}"')
        assert "__config" not in shared.lean(html, "../")
    one_more = _page("../", "A").replace('"x": "<b>"', '"x": "new"')
    out = shared.lean(one_more, "../")
    assert "__config" in out and '"x": "new"' in out
    assert [key.split("-")[0] for _, key in PART.findall(out)] == list(Shared.NAMES[:-1])
    assert sum(key.startswith("end-") for key in shared.parts) == Shared.MAX_VARIANTS


def test_the_script_is_rewritten_only_when_its_bytes_change(tmp_path: Path) -> None:
    shared = Shared()
    shared.lean(_page("", "A"), "")
    shared.write_script(tmp_path)
    path = tmp_path / SHELL_PATH
    path.touch()
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    Shared().write_script(tmp_path)  # a build that shared nothing keeps the file as it is
    shared.write_script(tmp_path)
    assert path.stat().st_mtime_ns == before - 10**9
    assert path.read_text("utf-8") == shared.script()


@pytest.mark.browser
@pytest.mark.parametrize("search", ["material", "pagefind"])
def test_in_chromium_a_lean_page_is_the_theme_s_page(tmp_path: Path, search: str) -> None:
    """After the shared script ran, the page's elements (but its scripts) are those of the
    same page with the parts written in it, in both schemes; the palette switch works."""
    from browser import chromium, require_browser, serve

    require_browser()
    project = make_project(tmp_path / "p")
    shutil.copyfile(SAMPLE, project.digests / SAMPLE.name)
    assert project.build("--search", search) == 0
    inline = tmp_path / "inline"
    shutil.copytree(project.site, inline)
    shared = Shared()
    shared.read_script((project.site / SHELL_PATH).read_text("utf-8"))
    paths = ["", "topics/fine-tuning/", "papers/a-tutorial-on-bayesian-optimization/", "tags/"]
    for path in paths:
        page = inline / path / "index.html"
        prefix = "../" * path.count("/")
        html = page.read_text("utf-8")
        page.write_text(shared.unshare(html, prefix), "utf-8")
        assert "shell.js" in html and "shell.js" not in page.read_text("utf-8")
    dom = (
        "() => { const d = document.documentElement.cloneNode(true);"
        " d.querySelectorAll('script').forEach(s => s.remove()); return d.outerHTML }"
    )
    with serve(tmp_path) as server, chromium() as browser:
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            for path in paths:
                shown = {}
                for site in ("p/site", "inline"):
                    page.goto(f"{server.url}{site}/{path}")
                    page.wait_for_load_state("networkidle")
                    shown[site] = page.evaluate(dom)
                assert shown["p/site"] == shown["inline"], (scheme, path)
            page.goto(f"{server.url}p/site/")
            body = page.locator("body")
            before = body.get_attribute("data-md-color-scheme")
            page.locator("form[data-md-component=palette] label:visible").click()
            assert body.get_attribute("data-md-color-scheme") != before
            context.close()


def test_with_instant_navigation_the_script_only_parts_stay_in_the_pages(tmp_path: Path) -> None:
    """Material's instant navigation swaps pages in without parsing them as a page: the
    shared script would not run, so nothing is shared (icons and white space still are)."""
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    config = config.replace(
        "    - navigation.tabs\n", "    - navigation.tabs\n    - navigation.instant\n"
    )
    project = make_project(tmp_path, config_text=config)
    shutil.copyfile(SAMPLE, project.digests / SAMPLE.name)
    assert project.build() == 0
    assert not (project.site / SHELL_PATH).exists()
    html = project.page("topics/fine-tuning/")
    assert "shell.js" not in html and "__config" in html and "navigation.instant" in html
    assert (project.site / SPRITE_PATH).exists() and "xmlns" not in html[: html.find("<article")]
