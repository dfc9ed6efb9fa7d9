"""How a paper is cited: ``citation_*`` meta tags and BibTeX, with hostile text (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Appearance, Paper
from generator.render.citation import (
    author_line,
    bibtex,
    bibtex_key,
    bibtex_name,
    bibtex_text,
    citation_meta,
    hf_url,
    insert_head,
    pdf_url,
)

HOSTILE = 'Evil" onload="alert(1)"><script>alert(\'x\')</script> {\\input{/etc/passwd}} 50% & $x^2$'


def _paper(**fields: object) -> Paper:
    values: dict[str, object] = {
        "id": "2503.10622",
        "slug": "arxiv-2503-10622",
        "title": "Sparse Experts at Scale",
        "abstract": "An abstract.",
        "appearances": (Appearance(dt.date(2025, 3, 14), "2025-03-14-hf", 1),),
        "arxiv_id": "2503.10622",
        "authors": ("Ada Lovelace", "Émile Borel"),
        "published": dt.date(2025, 3, 13),
        "category": "cs.LG",
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or [name for name, _ in attrs] != ["name", "content"]:
            self.other.append(tag)
            return
        self.tags.append((attrs[0][1] or "", attrs[1][1] or ""))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.other.append(data)


def _meta(html: str) -> list[tuple[str, str]]:
    parser = _Meta()
    parser.feed(html)
    parser.close()
    assert parser.other == []
    return parser.tags


def test_citation_meta_tags() -> None:
    assert _meta(citation_meta(_paper())) == [
        ("citation_title", "Sparse Experts at Scale"),
        ("citation_author", "Ada Lovelace"),
        ("citation_author", "Émile Borel"),
        ("citation_publication_date", "2025/03/13"),
        ("citation_date", "2025/03/13"),
        ("citation_arxiv_id", "2503.10622"),
        ("citation_abstract_html_url", "https://arxiv.org/abs/2503.10622"),
        ("citation_pdf_url", "https://arxiv.org/pdf/2503.10622"),
    ]


def test_citation_meta_without_arxiv_id_or_date_uses_the_first_appearance() -> None:
    paper = _paper(arxiv_id=None, published=None, authors=())
    assert _meta(citation_meta(paper)) == [
        ("citation_title", "Sparse Experts at Scale"),
        ("citation_publication_date", "2025/03/14"),
        ("citation_date", "2025/03/14"),
    ]


def test_hostile_text_stays_inside_its_attribute() -> None:
    paper = _paper(title=HOSTILE, authors=(HOSTILE,), pdf='https://x.org/a.pdf?"><b>')
    tags = _meta(citation_meta(paper))
    assert tags[0] == ("citation_title", HOSTILE)
    assert tags[1] == ("citation_author", HOSTILE)
    assert tags[-1] == ("citation_pdf_url", 'https://x.org/a.pdf?"><b>')


def test_a_pdf_that_is_no_web_url_is_replaced_by_arxivs() -> None:
    assert pdf_url(_paper(pdf="javascript:alert(1)")) == "https://arxiv.org/pdf/2503.10622"
    assert pdf_url(_paper(arxiv_id=None)) is None


def test_the_bibtex_entry() -> None:
    assert bibtex(_paper(title="Sparse Experts: 100% $k$-of-$N$ & more")) == (
        "@misc{lovelace2025sparse,\n"
        "  title         = {Sparse Experts: 100\\% $k$-of-$N$ \\& more},\n"
        "  author        = {Lovelace, Ada and Borel, Émile},\n"
        "  year          = {2025},\n"
        "  eprint        = {2503.10622},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass  = {cs.LG},\n"
        "  url           = {https://arxiv.org/abs/2503.10622}\n"
        "}"
    )


def test_bibtex_without_arxiv() -> None:
    paper = _paper(arxiv_id=None, authors=(), url="https://example.org/paper", published=None)
    assert bibtex(paper) == (
        "@misc{paper2025sparse,\n"
        "  title = {Sparse Experts at Scale},\n"
        "  year  = {2025},\n"
        "  url   = {https://example.org/paper}\n"
        "}"
    )


def test_bibtex_names() -> None:
    assert bibtex_name("Ada Lovelace") == "Lovelace, Ada"
    assert bibtex_name("Plato") == "Plato"
    assert bibtex_name("Johnson and Johnson Lab") == "{Johnson and Johnson Lab}"
    assert bibtex_name("A {B} C\\") == "C\\textbackslash{}, A \\textbraceleft{}B\\textbraceright{}"


def _balanced(value: str) -> bool:
    """BibTeX counts every brace, escaped with a backslash or not."""
    depth = 0
    for brace in value:
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@settings(deadline=None)  # no wall-clock limits: the test machine is shared
@given(st.text(max_size=60))
def test_any_text_keeps_bibtex_braces_balanced_and_commands_out(value: str) -> None:
    escaped = bibtex_text(value)
    assert _balanced("{" + escaped + "}")
    # Every backslash starts one of the escapes: no command of the input survives.
    assert re.fullmatch(
        r"(?:[^\\]|\\(?:textbackslash\{\}|textbrace(?:left|right)\{\}|[%&#_$]|\^\{\}|~\{\}))*",
        escaped,
    )


@settings(deadline=None)
@given(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=4))
def test_any_paper_gives_a_well_formed_entry(title: str, authors: list[str]) -> None:
    entry = bibtex(_paper(title=title or "x", authors=tuple(a for a in authors if a)))
    assert _balanced(entry)
    assert re.fullmatch(r"[a-z0-9]+", bibtex_key(_paper(title=title or "x")))


def test_listing_authors_and_hf_pages() -> None:
    assert author_line(["A", "B", "C"], 3) == "A, B, C"
    assert author_line(["A", "B", "C", "D"], 3) == "A, B, C et al."
    assert author_line(["A", "B", "C", "D"]) == "A, B, C, D"
    assert author_line(["<b>A</b> & B"]) == "&lt;b&gt;A&lt;/b&gt; &amp; B"
    # Names written right to left are isolated: side by side they were shown swapped.
    assert author_line(["김민준", "محمد عبد الله", "דוד כהן", "Zoë"]) == (
        "김민준, <bdi>محمد عبد الله</bdi>, <bdi>דוד כהן</bdi>, Zoë"
    )
    assert author_line(["<script>שלום"]) == "<bdi>&lt;script&gt;שלום</bdi>"
    assert hf_url("2503.10622") == "https://huggingface.co/papers/2503.10622"
    assert hf_url("hep-th/9901001") is None


def test_insert_head() -> None:
    assert insert_head("<head><title>t</title></head><body></body>", "<meta>") == (
        "<head><title>t</title><meta></head><body></body>"
    )
    assert insert_head("no head", "<meta>") == "no head"
