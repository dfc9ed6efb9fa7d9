"""Lean pages: the theme's indentation and inline icons out of every page, its article kept."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from project import REPO, make_project

from generator.lean import SPRITE_PATH, Icons, collapse

SAMPLE = REPO / "digests" / "2025-03-14-hf-papers.txt"
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z"/></svg>'
)


def test_collapse_keeps_one_line_break_for_each_run_of_white_space() -> None:
    assert collapse("<a>\n    \n  <b> x  y\t\n\n</b>") == "<a>\n<b> x  y\n</b>"


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
        f'<article class="md-content__inner">\n  <pre>a\n    b</pre>{ICON}\n</article>\n'
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
        assert _article(html) == _article(original), rel
        lean_bytes += len(html) - len(_article(html))
        full_bytes += len(original) - len(_article(original))
    assert not (full / SPRITE_PATH).exists()
    assert lean_bytes < 0.75 * full_bytes  # the theme around the articles: 14 -> 10 KB


def _article(html: str) -> str:
    return html[html.find("<article") : html.rfind("</article>")]
