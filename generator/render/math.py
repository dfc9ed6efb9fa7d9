"""Math and text-mode LaTeX in titles and abstracts, made into safe HTML at build time.

Abstracts copied from arXiv keep their LaTeX: ``$O(n^2)$``, ``\\(x\\)``, ``0.07\\%``,
``na\\"{\\i}ve``, ``Part I -- Optimal``, ``\\textbf{Lved}``. :func:`html` shows them as a
reader expects:

- a formula (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``, and a display environment
  written without them: ``\\begin{align}…\\end{align}``, ``equation``, ``gather``,
  ``multline``, ``eqnarray``, starred or not) becomes MathML, converted by
  `latex2mathml <https://pypi.org/project/latex2mathml/>`_ when the page is generated
  (the page loads no script and nothing from another host). Environments of rows it does
  not lay out (``aligned``, ``alignat``, ``gathered``, ``eqnarray``, ``dcases``…) are given
  to it as the nearest it does (``align*``, ``array``, ``cases``); operator names
  (``\\log``, ``\\sin``: :data:`FUNCTIONS`) are spaced as TeX spaces them. The
  converter's output is not trusted: it is parsed as XML and written again from an
  allowlist of MathML elements and attributes (``\\href``, ``\\style``, ``\\class`` and
  ``\\color`` lose their attributes; raw markup from ``\\text{<b>…</b>}`` makes the formula
  fail). A formula that does not convert, or is too long or too deeply nested, is shown
  as the text it is;
- text-mode LaTeX becomes the characters it means: ``\\%`` ``\\&`` ``\\$`` ``\\#``
  ``\\_``, accents (``\\"{\\i}`` → ï, ``\\'e`` → é, ``\\v{s}`` → š), ``\\ss`` ``\\o`` ``\\ae``…,
  ``--`` and ``---`` between words → – and —; ``\\textbf{}`` → bold, ``\\emph{}`` and
  ``\\textit{}`` → italics, ``\\texttt{}`` → code, ``\\url{u}`` and ``\\href{u}{t}`` → their
  text (never a link);
- everything else is HTML-escaped text (:func:`generator.escape.text`).

A dollar sign opens a formula only when a non-space follows it and closes one only when a
non-space precedes it and no digit follows it (Pandoc's rule): ``$5 and $10`` is text.

:func:`plain` is the same text for places that hold no markup (the page ``<title>``, meta
descriptions): text-mode LaTeX converted, formulas as written. The Atom feed and
``papers.json`` carry the abstract exactly as read.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import lru_cache

from generator.escape import HTML, NO_HTML, verbatim
from generator.text import clean_text

MAX_FORMULA = 600
"""Characters of one formula's source; a longer one is shown as text."""
MAX_NESTING = 16
"""Brace groups inside one another in a formula; deeper is shown as text."""
MAX_FORMULAS = 64
"""Formulas converted in one text; the rest are shown as text."""
MAX_ELEMENTS = 1500
"""MathML elements of one formula; more is shown as text."""
MAX_DEPTH = 64
"""Nesting of MathML elements of one formula; deeper is shown as text."""

# Formulas. Group 1: $$..$$, 2: \[..\], 3: \(..\), 4: $..$ (Pandoc's rule, see above),
# 5: a display environment outside any delimiters (\begin{align}..\end{align}; 6: its name).
_LONGEST = f"{{1,{MAX_FORMULA + 1}}}?"  # a formula is looked for this far, no further
_DISPLAY_ENVIRONMENTS = r"(?:equation|align|gather|multline|eqnarray)\*?"
_MATH = re.compile(
    (
        r"(?<!\\)\$\$(?=\S)(.LONGEST)(?<=\S)\$\$"
        r"|\\\[(.LONGEST)\\\]"
        r"|\\\((.LONGEST)\\\)"
        r"|(?<![\\$])\$(?=[^\s$])((?:\\.|[^$\\])LONGEST)(?<=[^\s\\])\$(?![\d$])"
        r"|(\\begin\{(DISPLAY)\}.LONGEST\\end\{\6\})"
    )
    .replace("LONGEST", _LONGEST)
    .replace("DISPLAY", _DISPLAY_ENVIRONMENTS)
)

_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "d": "\u0323",
    "b": "\u0331",
    "r": "\u030a",
}
_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_STYLES = {
    "textbf": "strong",
    "textit": "em",
    "emph": "em",
    "textsl": "em",
    "texttt": "code",
    "textrm": "",
    "textsf": "",
    "textsc": "",
    "textup": "",
    "textnormal": "",
    "text": "",
    "mbox": "",
}
_GROUP = r"\{(?P<NAME>(?:[^{}]|\{[^{}]*\})*)\}"  # a brace group, one level of braces inside
_TEXT = re.compile(
    r"\\(?P<style>"
    + "|".join(sorted(_STYLES, key=len, reverse=True))
    + r")\s*"
    + _GROUP.replace("NAME", "arg")
    + r"|\\(?P<acc>[\"'`^~=.])\s*"
    + r"(?:\{\s*(?P<b1>\\[ij]|[A-Za-z])\s*\}|(?P<b2>\\[ij](?![A-Za-z])|[A-Za-z]))"
    + r"|\\(?P<lacc>[uvHckdbr])\s*\{\s*(?P<b3>\\[ij]|[A-Za-z])\s*\}"
    + r"|\\(?P<letter>ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\{\})?"
    + r"|\\(?P<esc>[%&$#_{}])"
    + r"|\\url\s*\{(?P<url>[^{}]*)\}"
    + r"|\\href\s*\{[^{}]*\}\s*"
    + _GROUP.replace("NAME", "href")
    + r"|(?<=\w)(?P<em>---)(?=\w)|(?<= )(?P<em2>---)(?= )"
    + r"|(?<=\w)(?P<en>--)(?=\w)|(?<= )(?P<en2>--)(?= )"
)


def html(value: str) -> HTML:
    """Untrusted text as HTML: formulas as sanitised MathML, text-mode LaTeX as what it
    means, the rest escaped (see the module docstring)."""
    value = clean_text(value)
    if "$" not in value and "\\" not in value and "--" not in value:
        return verbatim(value)  # the common case, fast (cleaned already: one line)
    out: list[HTML] = []
    done = 0
    for formulas, match in enumerate(_MATH.finditer(value), start=1):
        out.append(_text_html(value[done : match.start()]))
        done = match.end()
        display = match.group(4) is None and match.group(3) is None
        source = next(g for g in match.groups() if g is not None)
        mathml = _formula(source, display) if formulas <= MAX_FORMULAS else None
        out.append(mathml if mathml is not None else verbatim(match.group(0)))
    out.append(_text_html(value[done:]))
    return NO_HTML.join(out)


def split(value: str) -> list[tuple[str, bool]]:
    """``value`` (cleaned) cut into its text and its formulas, as written, in order:
    ``(piece, True)`` for an inline formula (``$…$``, ``\\(…\\)``, one of the first
    :data:`MAX_FORMULAS`) that converts to MathML naming only commands the converter
    knows (it shows an unknown one, ``\\input``, as its name), ``(piece, False)`` for the
    rest: text, and formulas that are shown as text or displayed."""
    value = clean_text(value)
    out: list[tuple[str, bool]] = []
    done = 0
    for formulas, match in enumerate(_MATH.finditer(value), start=1):
        if match.start() > done:
            out.append((value[done : match.start()], False))
        done = match.end()
        source = match.group(4) if match.group(4) is not None else match.group(3)
        mathml = _formula(source, False) if source and formulas <= MAX_FORMULAS else None
        out.append((match.group(0), mathml is not None and "\\" not in mathml))
    if done < len(value):
        out.append((value[done:], False))
    return out


def plain(value: str) -> str:
    """Untrusted text as plain text: text-mode LaTeX converted, formulas as written;
    cleaned (:func:`generator.text.clean_text`)."""
    value = clean_text(value)
    if "\\" not in value and "--" not in value:
        return value
    out: list[str] = []
    done = 0
    for match in _MATH.finditer(value):
        out.append(_text(value[done : match.start()], _plain_style))
        out.append(match.group(0))
        done = match.end()
    out.append(_text(value[done:], _plain_style))
    return clean_text("".join(out))


def teaser(value: str, limit: int) -> HTML:
    """The start of ``value`` as HTML, about ``limit`` characters of its :func:`plain` text
    (formulas counted as written): all of it when short, else cut before the word that
    would pass ``limit``, with an ellipsis, as :func:`generator.render.common.teaser` cuts
    plain text. Formulas are MathML, inline (a teaser is a line or two), and never cut: one
    the limit falls in is left out with the rest, or kept whole when less than half the
    limit comes before it. Text-mode LaTeX is plain (no bold or italics to cut through)."""
    value = clean_text(value)
    pieces: list[str | HTML] = []  # plain text, or a formula as MathML
    used = 0
    done = 0
    cut = False
    for formulas, match in enumerate(_MATH.finditer(value), start=1):
        shown = _text(value[done : match.start()], _plain_style)
        done = match.end()
        if used + len(shown) > limit:
            break  # cut in the text before the formula, below
        pieces.append(shown)
        used += len(shown)
        written = match.group(0)
        if used + len(written) > limit:
            if used >= limit // 2:  # left out, with the rest
                cut = True
                break
            cut = done < len(value)  # kept whole, the rest left out
        source = next(g for g in match.groups() if g is not None)
        mathml = _formula(source, False) if formulas <= MAX_FORMULAS else None
        pieces.append(mathml if mathml is not None else verbatim(written))
        used += len(written)
        if cut:
            break
    else:
        shown = _text(value[done:], _plain_style)
    if not cut:
        if used + len(shown) <= limit:
            pieces.append(shown)
        else:  # cut before the word that would pass the limit
            at = shown.rfind(" ", 0, limit - used + 1)
            pieces.append(shown[: at if at > 0 else 0 if pieces else limit - used])
            cut = True
    if cut:
        while pieces and pieces[-1].__class__ is str:
            pieces[-1] = pieces[-1].rstrip(" ,;:.")
            if pieces[-1]:
                break
            pieces.pop()
        pieces.append(_ELLIPSIS)
    return NO_HTML.join(verbatim(p) if p.__class__ is str else p for p in pieces)


_ELLIPSIS = HTML("…")


def _text_html(value: str) -> HTML:
    return _text(value, _html_style)  # type: ignore[return-value]


_STYLE_TAGS = {
    "strong": HTML("<strong>{}</strong>"),
    "em": HTML("<em>{}</em>"),
    "code": HTML("<code>{}</code>"),
}


def _html_style(tag: str, inner: str) -> str:
    return _STYLE_TAGS[tag].format(inner) if tag else inner


def _plain_style(tag: str, inner: str) -> str:
    return inner


def _text(value: str, style: Callable[[str, str], str]) -> str:
    """Text-mode LaTeX in ``value`` converted; the rest escaped (for HTML: an :class:`HTML`
    is returned) or kept."""
    as_html = style is _html_style
    escape: Callable[[str], str] = verbatim if as_html else _keep
    out: list[str] = []
    done = 0
    for m in _TEXT.finditer(value):
        out.append(escape(value[done : m.start()]))
        done = m.end()
        out.append(_token(m, style, escape))
    out.append(escape(value[done:]))
    return NO_HTML.join(out) if as_html else "".join(out)


def _keep(value: str) -> str:
    return value


def _token(m: re.Match[str], style: Callable[[str, str], str], escape: Callable[[str], str]) -> str:
    if m.group("style"):
        return style(_STYLES[m.group("style")], _text(m.group("arg"), style))
    if m.group("acc") or m.group("lacc"):
        mark = _ACCENTS[m.group("acc") or m.group("lacc")]
        base = m.group("b1") or m.group("b2") or m.group("b3") or ""
        base = base[-1] if base.startswith("\\") else base  # \i, \j: the dotted letter
        return escape(unicodedata.normalize("NFC", base + mark))
    if m.group("letter"):
        return escape(_LETTERS[m.group("letter")])
    if m.group("esc"):
        return escape(m.group("esc"))
    if m.group("url") is not None:
        return escape(m.group("url"))
    if m.group("href") is not None:
        return _text(m.group("href"), style)
    if m.group("em") or m.group("em2"):
        return escape("—")
    return escape("–")


# A LaTeX command whose backslash was lost in copying (``$textbf{specialist}$``).
_BARE_COMMAND = re.compile(
    r"(?<![\\A-Za-z])(textbf|textit|text|emph|mathbf|mathrm|mathit|mathcal|mathbb|frac|sqrt)"
    r"(?=\{)"
)
# A word of three letters or more in a formula (``$x and y$``, ``$softmax(x)$``): upright
# text, with the spaces around it kept (math mode drops spaces).
_WORD = re.compile(r"(\s*)(?<![\\A-Za-z{])([A-Za-z]{3,})(?![A-Za-z{_^])(\s*)")


# Environments latex2mathml does not lay out, as the nearest one it does: it writes the
# ``&`` of aligned, alignat, eqnarray and dcases as ``<mi>&</mi>`` (not XML: the formula
# failed) and the ``\\`` of gathered, gather and multline as a line break no browser draws
# (one line). align's equation numbers refer to nothing in an abstract: align*.
_ENVIRONMENTS = {
    **dict.fromkeys(["aligned", "align", "alignat", "alignat*", "alignedat"], "align*"),
    **dict.fromkeys(["eqnarray", "eqnarray*"], "array}{rcl"),
    **dict.fromkeys(["gathered", "gather", "gather*", "multline", "multline*"], "array}{c"),
    "dcases": "cases",
}
_ENVIRONMENT = re.compile(
    r"\\(?P<end>begin|end)\s*\{(?P<name>"
    + "|".join(re.escape(name) for name in sorted(_ENVIRONMENTS, key=len, reverse=True))
    + r")\}(?P<columns>\s*\{\d+\})?"  # alignat's number of columns
)


_COLUMN_COUNT = frozenset(("alignat", "alignat*", "alignedat"))
"""The environments whose ``\\begin`` takes a number of columns (dropped: align* has none);
after any other, ``{2}`` is the formula's."""


def _environment(m: re.Match[str]) -> str:
    name = _ENVIRONMENTS[m.group("name")]
    after = m.group("columns") or ""
    if m.group("end") == "begin":  # array's columns given
        return f"\\begin{{{name}}}" + ("" if m.group("name") in _COLUMN_COUNT else after)
    return f"\\end{{{name.partition('}')[0]}}}{after}"


def _words_as_text(source: str) -> str:
    """:data:`_WORD` outside every brace group (a command's arguments stay as written)."""
    depth = 0
    depths = []
    for n, char in enumerate(source):
        depths.append(depth)
        if char in "{}" and (n == 0 or source[n - 1] != "\\"):
            depth += 1 if char == "{" else -1

    def word(m: re.Match[str]) -> str:
        if depths[m.start(2)]:
            return m.group(0)
        before = "\\ " if m.group(1) else ""
        after = "\\ " if m.group(3) else ""
        return f"{before}\\text{{{m.group(2)}}}{after}"

    return _WORD.sub(word, source)


@lru_cache(maxsize=4096)
def _formula(source: str, display: bool) -> HTML | None:
    """A formula's source as sanitised MathML, or None when it does not convert."""
    if len(source) > MAX_FORMULA or _nesting(source) > MAX_NESTING:
        return None
    source = _words_as_text(_BARE_COMMAND.sub(r"\\\1", source))
    if "\\begin" in source:
        source = _ENVIRONMENT.sub(_environment, source)
    try:
        from latex2mathml.converter import convert

        converted = convert(source, display="block" if display else "inline")
        root = ET.fromstring(converted)
    except Exception:  # any failure of the converter or of its output: shown as text
        return None
    budget = [MAX_ELEMENTS]
    try:
        return _element(root, budget, 0)
    except _Unsafe:
        return None


def _nesting(source: str) -> int:
    depth = deepest = 0
    for char in source:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


class _Unsafe(Exception):
    """The converter's output has something the allowlist does not."""


_NS = "{http://www.w3.org/1998/Math/MathML}"
ELEMENTS = frozenset(
    [
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "munder",
        "mover",
        "munderover",
        "mtable",
        "mtr",
        "mtd",
        "mstyle",
        "mpadded",
        "mphantom",
        "menclose",
        "mmultiscripts",
        "mprescripts",
        "none",
    ]
)
"""The MathML elements a formula may hold (MathML Core's presentation elements)."""
_BOOLEAN = re.compile(r"true|false")
_LENGTH = re.compile(
    r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:em|ex|px|pt|mu|%)?|(?:very)*(?:thin|thick)(?:mathspace)?"
    r"|medium(?:mathspace)?|0"
)
_WORDS = re.compile(r"[a-z0-9.% -]{1,64}")
ATTRIBUTES: dict[str, re.Pattern[str]] = {
    "display": re.compile(r"inline|block"),
    "mathvariant": re.compile(
        r"normal|bold|italic|bold-italic|double-struck|bold-fraktur|script|bold-script|"
        r"fraktur|sans-serif|bold-sans-serif|sans-serif-italic|sans-serif-bold-italic|monospace"
    ),
    "stretchy": _BOOLEAN,
    "fence": _BOOLEAN,
    "separator": _BOOLEAN,
    "largeop": _BOOLEAN,
    "movablelimits": _BOOLEAN,
    "accent": _BOOLEAN,
    "accentunder": _BOOLEAN,
    "symmetric": _BOOLEAN,
    "displaystyle": _BOOLEAN,
    "form": re.compile(r"prefix|infix|postfix"),
    "lspace": _LENGTH,
    "rspace": _LENGTH,
    "width": _LENGTH,
    "height": _LENGTH,
    "depth": _LENGTH,
    "voffset": _LENGTH,
    "minsize": _LENGTH,
    "maxsize": _LENGTH,
    "linethickness": _LENGTH,
    "scriptlevel": re.compile(r"[+-]?\d"),
    "columnalign": _WORDS,
    "rowalign": _WORDS,
    "columnspacing": _WORDS,
    "rowspacing": _WORDS,
    "columnlines": _WORDS,
    "rowlines": _WORDS,
    "frame": _WORDS,
    "notation": _WORDS,
}
"""The attributes a formula's elements may keep, each with the values it may have; any
other attribute (``href``, ``style``, ``class``, ``mathcolor``, ``on…``) is dropped."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_ELEMENT = HTML("<{}{}>{}</{}>")
_ATTRIBUTE = HTML(' {}="{}"')

FUNCTIONS = frozenset(
    [
        "arccos",
        "arcctg",
        "arcsin",
        "arctan",
        "arctg",
        "arg",
        "ch",
        "cos",
        "cosec",
        "cosh",
        "cot",
        "cotg",
        "coth",
        "csc",
        "ctg",
        "cth",
        "deg",
        "dim",
        "exp",
        "hom",
        "ker",
        "lg",
        "ln",
        "log",
        "sec",
        "sh",
        "sin",
        "sinh",
        "tan",
        "tanh",
        "tg",
        "th",
    ]
)
"""Operator names latex2mathml writes as a bare ``<mi>log</mi>`` (``\\arg`` as
``<mi>\\arg</mi>``), drawn against their neighbours (``nlogn``). Each is followed by an
invisible function application (U+2061) and spaced as TeX spaces it: a thin space
(0.1667em) before it after a letter, a number or a group, and after it before one
(``n log n``, ``log p``), none beside an operator or a bracket (``log(x)``, ``= log x``).
Operators with limits (``\\max``, ``\\lim``, ``\\det``) are ``<mo>`` already, spaced by
the browser."""
_ROWS = frozenset(["math", "mrow", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "msqrt"])
"""Elements whose children are a row (of any length): where a function name gets spaced."""
_SCRIPTED = frozenset(["msub", "msup", "msubsup"])
_THIN_SPACE = HTML('<mspace width="0.1667em"></mspace>')
_APPLY = HTML("<mo>&#x2061;</mo>")
_APPLY_SPACED = HTML('<mo rspace="0.1667em">&#x2061;</mo>')


def _base(node: ET.Element) -> ET.Element:
    """``node``, or the base of ``node`` when it is a scripted one (``\\log_2``, ``x^2``)."""
    return node[0] if node.tag.removeprefix(_NS) in _SCRIPTED and len(node) else node


def _function_name(node: ET.Element) -> str | None:
    """The operator name ``node`` is (see :data:`FUNCTIONS`), else None."""
    if node.tag != _NS + "mi" or len(node) or not node.text:
        return None
    name = node.text.strip().removeprefix("\\")
    return name if name in FUNCTIONS else None


def _element(node: ET.Element, budget: list[int], depth: int) -> HTML:
    tag = node.tag.removeprefix(_NS)
    budget[0] -= 1
    if tag not in ELEMENTS or budget[0] < 0 or depth > MAX_DEPTH:
        raise _Unsafe(tag)
    if (tag == "math") != (depth == 0):
        raise _Unsafe(tag)
    attributes = NO_HTML.join(
        _ATTRIBUTE.format(name, verbatim(value))
        for name, value in sorted(node.attrib.items())
        if name in ATTRIBUTES and ATTRIBUTES[name].fullmatch(value)
    )
    inner = [_chars(_function_name(node) or node.text)]
    children = list(node) if tag in _ROWS else ()
    for n, child in enumerate(node):
        function = bool(children) and _function_name(_base(child)) is not None
        if function and n and _base(children[n - 1]).tag != _NS + "mo":
            inner.append(_THIN_SPACE)
        inner.append(_element(child, budget, depth + 1))
        inner.append(_chars(child.tail))
        if function and n + 1 < len(children):
            after = _base(children[n + 1]).tag
            inner.append(_APPLY if after == _NS + "mo" else _APPLY_SPACED)
    return _ELEMENT.format(tag, attributes, NO_HTML.join(inner), tag)


def _chars(value: str | None) -> HTML:
    if not value:
        return NO_HTML
    return verbatim(_CONTROL.sub("", value))
