"""Lean pages: the same Material page with less repeated markup.

A paper's page was 21 KB of HTML, of which its own article is about 4 KB: the rest is the
theme around it, the same on every page, written again in each of 10,000 or 100,000 pages.
Three things in it are repeated for no reader's benefit, and :meth:`Icons.lean` and
:meth:`Shared.lean` take them out of every page *outside its article* (the article, the
page's own content, is never touched but for the template's blank lines at its ends):

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
- **What only scripts use** (:class:`Shared`): the palette switch, the search button and
  dialog, Material's ``__config`` and its small inline scripts: about 4 KB a page, of
  no use without JavaScript. They are written once, in ``assets/paperfeed/shell.js``, and
  each page refers to them with a ``<script src>`` that puts them back in place while the
  page is parsed: after it, the page is the theme's, element for element.

All are pure functions of the page's HTML and its address, so a page made from a
:mod:`generator.fastpages` shell and the same page rendered by the template are still the
same bytes: the shells are cut from lean renders.
"""

from __future__ import annotations

import hashlib
import json
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


_EDGES = re.compile(r"\A(<article\b[^>]*>)\s+|\s+\Z")


def article_edges(article: str) -> str:
    """``<article …>`` and what follows up to ``</article>``, with the template's white
    space at both ends (blank lines of its tags, about 100 bytes) as one line break each;
    the content between is left as it is."""
    return _EDGES.sub(lambda m: (m.group(1) or "") + "\n", article)


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
            + article_edges(html[start:end])
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


SHELL_PATH = "assets/paperfeed/shell.js"
"""The script with the shared parts of the theme's page, relative to the site."""

_PREFIX = "\x01"
"""In a shared part: the page's way to the site's root (``../../``, empty at the root)."""
_BASE = "\x02"
"""In a shared part: Material's ``base`` of the page (``../..``, ``.`` at the root)."""

_HEAD = re.compile(r"<script>__md_scope=new URL\(\"[^\"]*\",location\),.*?</script>")
_HEADER_STARTS = (
    '<form class="md-header__option" data-md-component="palette">',
    '<label class="md-header__button md-icon" for="__search">',
)
_HEADER_ENDS = ('<div class="md-header__source">', "</nav>\n</header>")
_SIDEBARS = (
    '<div class="md-sidebar md-sidebar--primary"',
    '<div class="md-content" data-md-component="content">',
)
_TOP = ('<button type="button" class="md-top md-icon" data-md-component="top" hidden>', "</button>")
_END = re.compile(
    r'<div class="md-dialog" data-md-component="dialog">\n'
    r'<div class="md-dialog__inner md-typeset"></div>\n</div>\n'
    r'<script id="__config" type="application/json">.*?</script>'
)
_ADDRESS = re.compile(r'(\s(?:href|src|data-bundle)="|"search": ")([^"]*)"')
_SCOPE = re.compile(r'(new URL\("|"base": ")([^"]*)"')
_ABSOLUTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/|#")


class Shared:
    """The parts of Material's page that only its scripts use or that are the same on
    many pages, written once for the site in :data:`SHELL_PATH` and put in place by that
    script where the page refers to them.

    Five parts, each the same on many pages but for the page's relative addresses:

    - ``head``: the inline script that sets ``__md_scope`` (Material's local storage);
    - ``header``: the palette switch and its inline script, the search button and the
      search dialog (and, with Pagefind, the tag of its script);
    - ``sidebars``: the navigation drawer (on a phone, behind the menu button; on a wide
      screen the tabs show the same links, and they stay in the page) and the empty
      table of contents of a generated page;
    - ``top``: the "Back to top" button (``hidden`` until Material's script shows it);
    - ``end``: Material's dialog (the "Copied" notice) and its ``__config`` JSON.

    The palette switch is ``hidden`` until Material's script shows it, the search box
    answers only through a script, the configuration is read only by Material's bundle;
    without JavaScript, only the drawer's links are missing (the logo leads home, the tabs
    and the home page link every section). Each part becomes
    ``<script src="…/shell.js" data-part="header-1a2b3c"></script>``, which puts the part
    before itself while the page is parsed, with the page's own addresses, and runs its
    scripts: the page Material's bundle meets is the one the theme rendered, element for
    element.

    A part's addresses under the page's way to the root become markers; what is left is
    one *variant* of the part, named by its hash (pages of one section share one; the
    section's own link differs from section to section). A page refers to a variant only
    when the variant, with the page's addresses, is exactly the page's part; after
    :data:`MAX_VARIANTS` variants of a part, a new one stays in its page. Like
    :class:`Icons`, a pure function of the page's HTML and its address.
    """

    NAMES = ("head", "header", "sidebars", "top", "end")
    MAX_VARIANTS = 16

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        """``{variant: the part with the page's addresses as markers}``; a variant is
        named ``<part>-<hash of the part>``."""
        self.counts: dict[str, int] = {}
        """Variants of each part (:data:`MAX_VARIANTS` at most)."""

    def lean(self, html: str, prefix: str) -> str:
        """``html`` with each shared part replaced by a reference to :data:`SHELL_PATH`;
        ``prefix``: the page's way to the site's root (``../../``, or empty)."""
        base = prefix[:-1] if prefix else "."
        for name in self.NAMES:
            span = _find(name, html)
            if span is None:
                continue
            part = html[span[0] : span[1]]
            template = _template(part, prefix, base)
            if template is None or _fill(template, prefix, base) != part:
                continue
            key = f"{name}-{hashlib.sha256(template.encode()).hexdigest()[:6]}"
            known = self.parts.get(key)
            if known is None:
                if self.counts.get(name, 0) >= self.MAX_VARIANTS:
                    continue
                self.counts[name] = self.counts.get(name, 0) + 1
                known = self.parts[key] = template
            if known != template:
                continue  # two variants of one hash: leave the page as it is
            tag = f'<script src="{prefix}{SHELL_PATH}" data-part="{key}"></script>'
            html = html[: span[0]] + tag + html[span[1] :]
        return html

    def unshare(self, html: str, prefix: str) -> str:
        """``html`` with its references to shared parts replaced by the parts, as the
        shared script puts them in (the page before :meth:`lean`)."""
        base = prefix[:-1] if prefix else "."
        reference = re.compile(
            re.escape(f'<script src="{prefix}{SHELL_PATH}" data-part="')
            + r'([a-z]+-[0-9a-f]{6})"></script>'
        )
        return reference.sub(lambda m: _fill(self.parts[m.group(1)], prefix, base), html)

    def script(self) -> str:
        """The shared script: the parts, and what puts one in place."""
        parts = json.dumps(self.parts, sort_keys=True, ensure_ascii=True)
        return (
            "/* paperfeed (lean_pages): the parts of Material's page that only its scripts\n"
            "   use or that many pages have, written once for the site. <script\n"
            '   src=".../shell.js" data-part="P"> puts part P before itself, with the\n'
            "   page's addresses, and runs its scripts (generator/lean.py). */\n"
            "(function () {\n"
            f"  var parts = {parts};\n"
            '  var me = document.currentScript, src = me.getAttribute("src");\n'
            f"  var prefix = src.slice(0, src.length - {len(SHELL_PATH)});\n"
            '  var base = prefix ? prefix.slice(0, -1) : ".";\n'
            '  var box = document.createElement("template");\n'
            '  box.innerHTML = parts[me.getAttribute("data-part")]\n'
            f'    .split("\\u000{ord(_PREFIX)}").join(prefix)\n'
            f'    .split("\\u000{ord(_BASE)}").join(base);\n'
            '  box.content.querySelectorAll("script").forEach(function (old) {\n'
            '    var run = document.createElement("script");\n'
            "    for (var i = 0; i < old.attributes.length; i++)\n"
            "      run.setAttribute(old.attributes[i].name, old.attributes[i].value);\n"
            "    run.text = old.text;\n"
            "    old.replaceWith(run);\n"
            "  });\n"
            "  me.before(box.content);\n"
            "})();\n"
        )

    def read_script(self, text: str) -> None:
        """Add the parts of a script this class wrote (a preview keeps pages that refer to
        an earlier build's)."""
        start = text.find("var parts = ")
        if start < 0:
            return
        parts, _ = json.JSONDecoder().raw_decode(text, start + len("var parts = "))
        for key, part in parts.items():
            if key not in self.parts:
                self.parts[key] = part
                name = key.rsplit("-", 1)[0]
                self.counts[name] = self.counts.get(name, 0) + 1

    def write_script(self, site_dir: Path) -> None:
        """Write the script into the site, with the parts of the one there, if any (and
        leave the file alone when it has these bytes already)."""
        path = site_dir / SHELL_PATH
        if path.is_file():
            self.read_script(path.read_text("utf-8"))
        if not self.parts:
            return
        script = self.script()
        if path.is_file() and path.read_text("utf-8") == script:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script, "utf-8")


def _find(name: str, html: str) -> tuple[int, int] | None:
    """Where part ``name`` is in a lean page, if it is there."""
    if name == "sidebars" or name == "top":
        first, last = _SIDEBARS if name == "sidebars" else _TOP
        start = html.find(first)
        end = html.find(last, start)
        if name == "top" and end >= 0:
            end += len(last)
        return (start, end) if 0 <= start < end else None
    if name == "head" or name == "end":
        match = (_HEAD if name == "head" else _END).search(html)
        return match.span() if match else None
    starts = [i for i in (html.find(s) for s in _HEADER_STARTS) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    ends = [i for i in (html.find(e, start) for e in _HEADER_ENDS) if i >= 0]
    return (start, min(ends)) if ends else None


def _template(part: str, prefix: str, base: str) -> str | None:
    """``part`` with the addresses relative to the page that go through the site's root
    (``prefix`` and more, or the root itself: Material's ``base``) as markers; None when
    the part holds a marker already. Other addresses stay as they are."""
    if _PREFIX in part or _BASE in part:
        return None

    def address(m: re.Match[str]) -> str:
        value = m.group(2)
        if _ABSOLUTE.match(value):
            return m.group(0)
        if value == base:
            return f'{m.group(1)}{_BASE}"'
        if value.startswith(prefix):
            return f'{m.group(1)}{_PREFIX}{value[len(prefix) :]}"'
        return m.group(0)

    def scope(m: re.Match[str]) -> str:
        return f'{m.group(1)}{_BASE}"' if m.group(2) == base else m.group(0)

    return _SCOPE.sub(scope, _ADDRESS.sub(address, part))


def _fill(template: str, prefix: str, base: str) -> str:
    return template.replace(_PREFIX, prefix).replace(_BASE, base)
