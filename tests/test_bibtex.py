"""BibTeX (issue 13): each topic's ``papers.bib`` lists its papers for reference managers,
read back by pybtex (a reimplementation of BibTeX's parser) exactly as written, whatever
the digest's text holds."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from project import FIXTURES, REPO, copy_digests, make_project
from pybtex.database import parse_string

from generator.escape import clean
from generator.model import Appearance, Paper
from generator.render.citation import bibtex, bibtex_file, bibtex_key
from generator.render.math import split

DAY = (Appearance(dt.date(2025, 3, 14), "d", 1),)


def paper(title: str, authors: tuple[str, ...] = (), **extra: str) -> Paper:
    return Paper(
        id=title, slug="x", title=title, abstract="", appearances=DAY, authors=authors, **extra
    )  # type: ignore[arg-type]


_ESCAPES = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\^{}": "^",
    r"\~{}": "~",
    **{f"\\{c}": c for c in "%&#_$"},
}
_ESCAPED = re.compile("|".join(re.escape(e) for e in _ESCAPES))


def unescape(value: str) -> str:
    """What a LaTeX reader shows for the escapes :func:`bibtex_text` writes."""
    return _ESCAPED.sub(lambda m: _ESCAPES[m.group()], value)


def test_an_entry_with_authors_and_an_arxiv_id() -> None:
    entry = bibtex(
        paper(
            "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), arxiv_id="1706.03762"
        )
    )
    assert entry == (
        "@misc{vaswani2025attention,\n"
        "  title         = {Attention Is All You Need},\n"
        "  author        = {Vaswani, Ashish and Shazeer, Noam},\n"
        "  year          = {2025},\n"
        "  eprint        = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  url           = {https://arxiv.org/abs/1706.03762}\n"
        "}"
    )
    parsed = parse_string(entry, "bibtex").entries["vaswani2025attention"]
    assert [str(p) for p in parsed.persons["author"]] == ["Vaswani, Ashish", "Shazeer, Noam"]


def test_a_name_with_commas_is_one_person() -> None:
    p = paper("Sparse attention", (",, 0", "Lovelace, Ada, Countess"))
    [(_, entry)] = parse_string(bibtex(p), "bibtex").entries.items()
    assert len(entry.persons["author"]) == 2


@settings(deadline=None)
@given(
    st.text(min_size=1, max_size=40).map(clean).filter(bool),  # model text is clean text
    st.lists(st.text(min_size=1, max_size=20).map(clean).filter(bool), max_size=3),
)
def test_hostile_text_is_read_back_as_written(title: str, authors: list[str]) -> None:
    """(A formula that may stay math is kept as written: the tests below.)"""
    assume(not any(formula for _, formula in split(title)))
    p = paper(title, tuple(authors))
    data = parse_string(bibtex(p), "bibtex")
    [(key, entry)] = data.entries.items()
    assert key == bibtex_key(p)
    assert unescape(entry.fields["title"]) == title
    assert len(entry.persons.get("author", [])) == len(authors)


@pytest.mark.parametrize(
    ("title", "written"),
    [
        (
            "Attention in $\\mathcal{O}(n \\log n)$ time, not \\(O(n^2)\\)",
            "Attention in $\\mathcal{O}(n \\log n)$ time, not \\(O(n^2)\\)",
        ),
        ("100% of $k$-of-$N$ & $50\\%$", "100\\% of $k$-of-$N$ \\& $50\\%$"),
        ("$\\frac{a}{b}_{i}^{\\{j\\}}$", "$\\frac{a}{b}_{i}^{\\{j\\}}$"),
    ],
)
def test_a_formula_in_a_title_stays_math(title: str, written: str) -> None:
    """As in arXiv's own BibTeX: ``$\\mathcal{O}(n \\log n)$`` was
    ``\\$\\textbackslash{}mathcal\\textbraceleft{}O…``, text a reader had to repair."""
    entry = bibtex(paper(title))
    [(_, parsed)] = parse_string(entry, "bibtex").entries.items()
    assert parsed.fields["title"] == written
    assert parsed.fields["year"] == "2025"


@pytest.mark.parametrize(
    "title",
    [
        "$a}$, year = {1999}, note = {$",  # a brace that would end the field
        "$\\{b$ x",  # BibTeX counts an escaped brace too
        "$a}{b$ x",  # balanced in number, not in order
        "$a % b$ x",  # a comment would swallow the rest of the entry in LaTeX
        "$\\\\% b$ x",  # a line break, then a comment
        "$#1$ x",  # a macro parameter, an error in LaTeX
        "$\\input{/etc/passwd}$ x",  # unknown to the converter
        "$\\immediate\\write18{rm -rf x}$",
        "$\\def\\x{y}\\x$",  # known to the converter, a definition
        "$\\newcommand{\\x}{y}$",
        "$\\verb|x|$",
        "$\\end{document}$",
        "$$\\sum_i x_i$$ displayed",
        "$\\frac{$ not a formula",
        # TeX reads a character by its code: ^^5c is a backslash, ^^25 a %, ^^7d a }.
        "$x^^5cinput{/etc/passwd}$ b",
        "$x^^25$ b",
        "$a^^7d^^7b$ x",
        "$\\{ }$ b",  # balanced to BibTeX; to TeX, } closes the field's group
        "$\\href{javascript:alert(1)}{x}$",  # a link in a PDF made with hyperref
        "$\\url{http://x}$",
    ],
)
def test_a_formula_that_could_break_the_entry_is_escaped(title: str) -> None:
    entry = bibtex(paper(title, ("Ada Lovelace",)))
    data = parse_string(entry, "bibtex")
    [(_, parsed)] = data.entries.items()
    assert set(parsed.fields) == {"title", "year"}
    assert unescape(parsed.fields["title"]) == title
    assert "$" not in parsed.fields["title"].replace("\\$", "")


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("$\\{}%#_^ab1()= ")), max_size=40).map(clean))
def test_any_title_with_formulas_is_one_field_read_back(title: str) -> None:
    entry = bibtex(paper(title or "x", ("Ada Lovelace",)))
    data = parse_string(entry, "bibtex")
    [(_, parsed)] = data.entries.items()
    assert set(parsed.fields) == {"title", "year"}
    assert [str(p) for p in parsed.persons["author"]] == ["Lovelace, Ada"]
    kept = parsed.fields["title"]
    for formula in re.findall(r"(?<!\\)\$(?:[^$\\]|\\.)+\$", kept):
        assert "%" not in re.sub(r"\\.", "", formula), formula


def test_keys_are_unique_in_a_file() -> None:
    papers = [paper("Sparse attention", ("Ada Lovelace",)) for _ in range(3)]
    papers.append(paper("Sparsea", ("Ada Lovelace",)))  # its own key ends in "a"
    data = parse_string(bibtex_file(papers), "bibtex")
    # "lovelace2025sparsea" is the fourth paper's own key: the three others skip it.
    assert list(data.entries) == [
        "lovelace2025sparseb",
        "lovelace2025sparsec",
        "lovelace2025sparsed",
        "lovelace2025sparsea",
    ]


@pytest.mark.slow
def test_each_topic_has_a_bibtex_file_of_its_papers(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    project = make_project(tmp_path)
    copy_digests(REPO / "digests", project)
    copy_digests(FIXTURES / "digests", project)
    assert project.build() == 0
    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    titles = {p["id"]: p["title"] for p in data["papers"]}
    for topic in data["topics"]:
        members = [p["id"] for p in data["papers"] if topic["slug"] in p["topics"]]
        text = (project.site / "topics" / topic["slug"] / "papers.bib").read_text("utf-8")
        entries = parse_string(text, "bibtex").entries
        shown = [unescape(e.fields["title"]) for e in entries.values()]
        assert shown == [titles[i] for i in members], topic["slug"]
        page = project.page(f"topics/{topic['slug']}/")
        assert 'href="../../topics/' + topic["slug"] + '/papers.bib">BibTeX</a>' in page
