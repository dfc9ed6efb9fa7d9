"""How a paper is cited and reached: its arXiv, PDF and Hugging Face links, its author
line, the ``citation_*`` meta tags reference managers read, and a BibTeX entry.

Pure functions of a :class:`~generator.model.Paper`. The meta tags are HTML (escaped
here); :func:`bibtex` is BibTeX text (escaped for BibTeX here, for HTML by the caller; a
title's formulas kept as LaTeX where that is safe, :func:`bibtex_title`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from generator.escape import HTML
from generator.ids import slugify
from generator.links import safe_url
from generator.model import Paper
from generator.render.math import split as math_split

_NEW_STYLE_ID = re.compile(r"\d{4}\.\d{4,5}")


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(paper: Paper) -> str | None:
    """The PDF: the one the source named, else arXiv's."""
    if paper.pdf and safe_url(paper.pdf):
        return paper.pdf
    return f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None


def hf_url(arxiv_id: str) -> str | None:
    """The paper's Hugging Face page (Hugging Face files papers under new-style ids)."""
    return (
        f"https://huggingface.co/papers/{arxiv_id}" if _NEW_STYLE_ID.fullmatch(arxiv_id) else None
    )


def author_line(authors: Sequence[str], shown: int | None = None) -> HTML:
    """``A, B, C et al.`` as HTML: the first ``shown`` authors (all: None), then "et al.".
    A name written right to left (Arabic, Hebrew) is isolated (``<bdi>``): two such names
    side by side were shown in the other order, the comma between them misplaced."""
    listed = authors if shown is None else authors[:shown]
    line = _COMMA.join(_ISOLATED.format(a) if _right_to_left(a) else a for a in listed)
    return line + _ET_AL if len(listed) < len(authors) else line


_COMMA = HTML(", ")
_ET_AL = HTML(" et al.")
_ISOLATED = HTML("<bdi>{}</bdi>")


def _right_to_left(name: str) -> bool:
    return not name.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in name)


def _date(paper: Paper) -> str:
    """Google Scholar's date form, ``2025/03/13``: published, else first seen."""
    return (paper.published or paper.first_seen).strftime("%Y/%m/%d")


_META = HTML('<meta name="{}" content="{}">\n')
_NOTHING = HTML()


def citation_meta(paper: Paper) -> HTML:
    """The ``citation_*`` meta tags of the paper's page (Google Scholar, Zotero)."""
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", name) for name in paper.authors]
    date = _date(paper)
    tags += [("citation_publication_date", date), ("citation_date", date)]
    if paper.arxiv_id:
        tags += [
            ("citation_arxiv_id", paper.arxiv_id),
            ("citation_abstract_html_url", abs_url(paper.arxiv_id)),
        ]
    pdf = pdf_url(paper)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    return _NOTHING.join(_META.format(name, value) for name, value in tags)


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts every brace, escaped or not
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_ESCAPE = str.maketrans(_BIBTEX_SPECIAL)


def bibtex_text(value: str) -> str:
    """Text as a BibTeX field value: every character BibTeX or LaTeX treats specially is
    escaped, so braces always balance and nothing is a command."""
    return value.translate(_BIBTEX_ESCAPE)


# Commands that define, read, write or end something: a formula naming one stays text.
_NOT_IN_A_TITLE = re.compile(
    r"\\(?:[egx]?def|let|(?:re)?newcommand|providecommand|DeclareMathOperator"
    r"|(?:re)?newenvironment|verb|catcode|csname|input|include|write|immediate|openout"
    r"|openin|read|special|end(?:input|csname)?|href|url|hyperref|hyperlink|hypertarget"
    r"|includegraphics)(?![A-Za-z])"
    # TeX reads ^^5c as a backslash, ^^25 as %, ^^7d as }: what no check here would see.
    r"|\^\^"
)
_PAIR = re.compile(r"\\.")
_BRACES = re.compile(r"\\.|[{}]")


def bibtex_title(title: str) -> str:
    """A title as a BibTeX field value: its inline formulas (``$O(n^2)$``) kept as they
    are written, as arXiv's own BibTeX keeps them, the rest escaped (:func:`bibtex_text`).
    A formula is kept only when it converts to MathML with commands the converter knows
    (:func:`generator.render.math.split`), its braces balance (BibTeX counts every brace,
    escaped or not: an unbalanced one would end the field), it has no ``%`` or ``#`` but
    ``\\%`` and ``\\#`` (a comment would swallow the rest of the entry in LaTeX),
    names no command that defines, reads, writes or links anything (``\\def``,
    ``\\input``, ``\\write``, ``\\href``), no character by its code (``^^5c`` is a
    backslash to TeX); its escaped braces (``\\{``: glyphs to TeX, braces to BibTeX)
    balance too, on their own: otherwise it is escaped as text."""
    return "".join(
        piece if formula and _bibtex_formula(piece) else bibtex_text(piece)
        for piece, formula in math_split(title)
    )


def _bibtex_formula(formula: str) -> bool:
    # Braces balance in order twice over: the bare ones (TeX's groups) and the escaped
    # ones (\{ \}: glyphs to TeX, braces to BibTeX, which counts both kinds).
    depth = {"{": 0, "\\{": 0}
    for token in _BRACES.findall(formula):
        kind = token.replace("}", "{")
        if kind in depth:
            depth[kind] += 1 if token.endswith("{") else -1
            if depth[kind] < 0:
                return False
    if any(depth.values()):
        return False
    bare = _PAIR.sub("", formula)
    return "%" not in bare and "#" not in bare and not _NOT_IN_A_TITLE.search(formula)


def bibtex_name(name: str) -> str:
    """``Ada Lovelace`` -> ``Lovelace, Ada``; a name holding the word ``and`` or a comma is
    braced whole (BibTeX would split the list there, or the name at each comma: a name of
    more than three parts does not parse)."""
    escaped = bibtex_text(name)
    if "," in name or re.search(r"(?i)(?:^|\s)and(?:\s|$)", name):
        return "{" + escaped + "}"
    first, _, last = escaped.rpartition(" ")
    return f"{last}, {first}" if first else last


_STOP = {"a", "an", "the", "on", "of", "for", "and", "in", "to", "with", "is", "are", "from"}


def bibtex_key(paper: Paper) -> str:
    """``lovelace2025sparse``: first author's last name (or ``paper``), year, first real
    title word (ASCII letters and digits only)."""
    year = str((paper.published or paper.first_seen).year)
    last = slugify(paper.authors[0].rpartition(" ")[2]).replace("-", "") if paper.authors else ""
    words = [w for w in slugify(paper.title).split("-") if w not in _STOP]
    word = words[0] if words else ""
    return f"{last or 'paper'}{year}{word}"


def bibtex(paper: Paper, key: str | None = None) -> str:
    """A BibTeX ``@misc`` entry (arXiv's own form for preprints), under ``key`` (default:
    :func:`bibtex_key`)."""
    fields = [("title", bibtex_title(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(bibtex_name(a) for a in paper.authors)))
    fields.append(("year", str((paper.published or paper.first_seen).year)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        if paper.category:
            fields.append(("primaryClass", bibtex_text(paper.category)))
        fields.append(("url", abs_url(paper.arxiv_id)))
    elif paper.url and safe_url(paper.url) and paper.url == bibtex_text(paper.url):
        fields.append(("url", paper.url))  # a URL BibTeX would need escaped is left out
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or bibtex_key(paper)},\n{body}\n}}"


def bibtex_file(papers: Sequence[Paper]) -> str:
    """The entries of ``papers`` (a topic's ``papers.bib``), in their order. A key several
    papers want gets ``a``, ``b``, … (skipping any key another paper has), so every key of
    the file is unique, as reference managers need."""
    keys = [bibtex_key(p) for p in papers]
    wanted = Counter(keys)
    taken = set(wanted)
    seen: Counter[str] = Counter()
    entries = []
    for paper, key in zip(papers, keys, strict=True):
        if wanted[key] > 1:
            while True:
                seen[key] += 1
                candidate = key + _letters(seen[key])
                if candidate not in taken:
                    break
            taken.add(candidate)
            key = candidate
        entries.append(bibtex(paper, key) + "\n")
    return "\n".join(entries)


def _letters(n: int) -> str:
    """1 -> ``a``, 26 -> ``z``, 27 -> ``aa``, …"""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def insert_head(page_html: str, tags: HTML) -> str:
    """``tags`` at the end of the page's ``<head>`` (the theme's own ``</head>``: digest
    text on the page is escaped, so the first one is the theme's)."""
    at = page_html.find("</head>")
    return page_html if at < 0 else page_html[:at] + str(tags) + page_html[at:]
