"""Lean pages: the same Material page with less repeated markup.

A paper's page was 21 KB of HTML, of which its own article is about 4 KB: the rest is the
theme around it, the same on every page, written again in each of 10,000 or 100,000 pages.
Two things in it are repeated for no reader's benefit, and :func:`Icons.lean` takes them
out of every page *outside its article* (the article, the page's own content, is never
touched):

- **Template indentation.** Jinja leaves each template line's indentation and the blank
  lines of its tags: about 3 KB a page. A run of white space that holds a line break
  becomes one line break. HTML renders both the same (no element of the theme around the
  article keeps white space as it is written: no ``<pre>``, no ``<textarea>``).
- **Inline SVG icons.** Material writes each icon's whole SVG into the page (the logo
  twice, the menu, palette, search, repository and back-to-top icons: about 4 KB). Each
  becomes a reference to a symbol of one shared sprite,
  ``<svg viewBox="0 0 24 24"><use href="../../assets/paperfeed/icons.svg#i…"/></svg>``,
  which the browser downloads once for the site. The outer ``<svg>`` keeps its
  attributes (its ``viewBox`` gives the icon its proportions), so Material's CSS sizes and
  colours it as before (``fill: currentcolor`` reaches the symbol's shapes). A symbol's id
  is a hash of the icon, so the same icon is one symbol, and the sprite (written once per
  build, symbols in id order) is the same bytes for the same icons.

Both are pure functions of the page's HTML and its address, so a page made from a
:mod:`generator.fastpages` shell and the same page rendered by the template are still the
same bytes: the shells are cut from lean renders.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SPRITE_PATH = "assets/paperfeed/icons.svg"
"""The shared icons, relative to the site."""

_SVG = re.compile(
    r'<svg xmlns="http://www\.w3\.org/2000/svg"((?: [a-zA-Z:-]+="[^"<>]*")*)>(.*?)</svg>', re.S
)
"""An inline icon as Material writes it: attributes, then the shapes (no nested ``<svg>``)."""
_VIEWBOX = re.compile(r' viewBox="([^"]*)"')
_BREAKS = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
"""White space that holds a line break."""
_SYMBOL = re.compile(r'<symbol id="(i[0-9a-f]{10})" viewBox="([^"]*)">(.*?)</symbol>\n', re.S)


def collapse(html: str) -> str:
    """Every run of white space holding a line break, as one line break."""
    return _BREAKS.sub("\n", html)


class Icons:
    """The icons the pages of one build refer to, by id: what goes into the sprite."""

    def __init__(self) -> None:
        self.symbols: dict[str, tuple[str, str]] = {}
        """``{id: (viewBox, shapes)}``"""

    def lean(self, html: str, sprite_href: str) -> str:
        """``html`` with the white space and the icons outside its ``<article>`` made lean;
        ``sprite_href``: the sprite's address relative to the page."""
        start = html.find("<article")
        end = html.rfind("</article>")
        if start < 0 or end < start:
            return self._lean_part(html, sprite_href)
        return (
            self._lean_part(html[:start], sprite_href)
            + html[start:end]
            + self._lean_part(html[end:], sprite_href)
        )

    def _lean_part(self, part: str, sprite_href: str) -> str:
        return _SVG.sub(lambda m: self._reference(m, sprite_href), collapse(part))

    def _reference(self, match: re.Match[str], sprite_href: str) -> str:
        attributes, shapes = match.group(1), match.group(2)
        box = _VIEWBOX.search(attributes)
        if box is None or "<use" in shapes:
            return match.group(0)
        shapes = shapes.strip()
        key = hashlib.sha256(f"{box.group(1)}\0{shapes}".encode()).hexdigest()[:10]
        symbol = "i" + key
        self.symbols.setdefault(symbol, (box.group(1), shapes))
        reference = f'<svg{attributes}><use href="{sprite_href}#{symbol}"/></svg>'
        return reference if len(reference) < len(match.group(0)) else match.group(0)

    def sprite(self) -> str:
        """The sprite: one ``<symbol>`` a line, in id order."""
        lines = ['<svg xmlns="http://www.w3.org/2000/svg">\n']
        for symbol, (box, shapes) in sorted(self.symbols.items()):
            lines.append(f'<symbol id="{symbol}" viewBox="{box}">{shapes}</symbol>\n')
        lines.append("</svg>\n")
        return "".join(lines)

    def read_sprite(self, text: str) -> None:
        """Add the symbols of a sprite this class wrote (a preview keeps pages that refer
        to the symbols of an earlier build)."""
        for m in _SYMBOL.finditer(text):
            self.symbols.setdefault(m.group(1), (m.group(2), m.group(3)))

    def write_sprite(self, site_dir: Path) -> None:
        """Write the sprite into the site, with the symbols of the one there, if any."""
        path = site_dir / SPRITE_PATH
        if path.is_file():
            self.read_sprite(path.read_text("utf-8"))
        if not self.symbols:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.sprite(), "utf-8")
