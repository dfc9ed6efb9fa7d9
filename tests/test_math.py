"""Formulas and text-mode LaTeX in titles and abstracts (generator.render.math)."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sample_papers import sample_papers

from generator.render.common import teaser as plain_teaser
from generator.render.math import (
    ATTRIBUTES,
    ELEMENTS,
    MAX_FORMULA,
    MAX_FORMULAS,
    MAX_NESTING,
    plain,
    teaser,
)
from generator.render.math import html as to_html


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("merely 0.07\\% away", "merely 0.07% away"),
        ('an apparently na\\"{\\i}ve ensembling', "an apparently naïve ensembling"),
        ("Part I -- Optimal", "Part I – Optimal"),
        ("pages 10--20 and A---B", "pages 10–20 and A—B"),
        ("R\\&D, \\$5, \\#1, a\\_b, \\{x\\}", "R&amp;D, $5, #1, a_b, {x}"),
        ("\\'el\\`eve \\v{s} \\c{c} \\ss \\o \\ae \\l", "élève š ç ß ø æ ł"),
        ("Evo\\textbf{Lved Sign Momentum}", "Evo<strong>Lved Sign Momentum</strong>"),
        (
            "\\emph{\\textbf{x}} \\texttt{y} \\textsc{z}",
            "<em><strong>x</strong></em> <code>y</code> z",
        ),
        (
            "\\url{https://x.example/a} and \\href{javascript:alert(1)}{click}",
            "https://x.example/a and click",
        ),
        ('--8<-- "/etc/passwd" --help', "--8&lt;-- &quot;/etc/passwd&quot; --help"),
        ("costs $5 and $10", "costs $5 and $10"),
        ("We propose \\oni, a", "We propose \\oni, a"),
        ("<script>alert(1)</script> & co", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
    ],
)
def test_text_mode_latex_is_shown_as_what_it_means(source: str, shown: str) -> None:
    assert to_html(source) == shown


def test_text_without_latex_is_only_escaped() -> None:
    for paper in sample_papers():
        for text in (paper.title, paper.abstract):
            if "$" not in text and "\\" not in text and "--" not in text:
                assert to_html(text) == html.escape(text, quote=True)


def _math(text: str) -> ET.Element:
    start = text.index("<math")
    end = text.index("</math>", start) + len("</math>")
    return ET.fromstring(text[start:end])


def test_a_formula_becomes_mathml() -> None:
    out = to_html("costs $O(n^2)$ time")
    assert out.startswith('costs <math display="inline">') and out.endswith("</math> time")
    root = _math(out)
    assert [e.tag for e in root.iter()] == ["math", "mrow", "mi", "mo", "msup", "mi", "mn", "mo"]
    assert "".join(root.itertext()) == "O(n2)"


@pytest.mark.parametrize(
    ("source", "display"),
    [("$x$", "inline"), ("\\(x\\)", "inline"), ("$$x$$", "block"), ("\\[x\\]", "block")],
)
def test_every_delimiter(source: str, display: str) -> None:
    assert to_html(source) == f'<math display="{display}"><mrow><mi>x</mi></mrow></math>'


@pytest.mark.parametrize(
    "source",
    [
        "$$\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}$$",
        "$\\begin{align} a &= b \\\\ c &= d \\end{align}$",
        "$\\begin{align*} a &= b \\\\ c &= d \\end{align*}$",
        "$\\begin{alignat}{2} a &= b & c &= d \\\\ e &= f & g &= h \\end{alignat}$",
        "$\\begin{alignedat}{2} a &= b & c &= d \\\\ e &= f & g &= h \\end{alignedat}$",
        "$\\begin{eqnarray} a &=& b \\\\ c &=& d \\end{eqnarray}$",
        "$\\begin{gathered} a = b \\\\ c = d \\end{gathered}$",
        "$\\begin{gather*} a = b \\\\ c = d \\end{gather*}$",
        "$\\begin{multline} a + b \\\\ = c + d \\end{multline}$",
        "$x = \\begin{cases} a & b > 0 \\\\ c & d \\end{cases}$",
        "$x = \\begin{dcases} a & b > 0 \\\\ c & d \\end{dcases}$",
        "$\\begin{split} a &= b \\\\ c &= d \\end{split}$",
        "$\\begin{matrix} a & b \\\\ c & d \\end{matrix}$",
        "$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$",
        "$\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}$",
        "$\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix}$",
    ],
)
def test_environments_of_rows_become_tables(source: str) -> None:
    """latex2mathml wrote aligned's ``&`` as ``<mi>&</mi>`` (the formula failed, shown as
    its source) and gathered's rows on one line; each is a table of two rows now, with the
    ``=`` and the letters in it and no ``&``, and align's equation numbers left out."""
    out = to_html(source)
    root = _math(out)
    rows = list(root.iter("mtr"))
    assert len(rows) == 2, out
    shown = "".join(root.itertext())
    assert "&" not in shown and "(1)" not in shown and "\\" not in shown
    assert {"a", "b", "c", "d"} <= {e.text for e in root.iter("mi")}


def test_a_display_environment_without_dollars_is_display_math() -> None:
    """arXiv abstracts sometimes hold ``\\begin{align}…\\end{align}`` outside any ``$``."""
    out = to_html("We have \\begin{align} a &= b \\\\ c &= d \\end{align} for all $n$.")
    assert out.startswith('We have <math display="block">')
    assert out.endswith('</math> for all <math display="inline"><mrow><mi>n</mi></mrow></math>.')
    assert len(list(_math(out).iter("mtr"))) == 2
    for source in (
        "We have \\begin{equation*} E = mc^2 \\end{equation*}",
        "\\begin{gather} a = b \\end{gather}",
    ):
        assert '<math display="block">' in to_html(source)
    for source in (  # not closed, closed by another, not a display environment
        "We have \\begin{align} a &= b",
        "\\begin{align} a &= b \\end{gather}",
        "\\begin{itemize} a \\end{itemize}",
        "\\begin{align}" + "x+" * MAX_FORMULA + "x\\end{align}",
    ):
        assert to_html(source) == html.escape(source, quote=True)
    assert (
        plain("so \\begin{align} a &= b \\end{align}.") == "so \\begin{align} a &= b \\end{align}."
    )


@pytest.mark.parametrize(
    ("source", "row"),
    [
        ("$n \\log n$", "n _ log \u2061_ n"),
        ("$\\log p_\\theta(x)$", "log \u2061_ p θ ( x )"),
        ("$\\sin x + \\exp(y)$", "sin \u2061_ x + exp \u2061 ( y )"),
        ("$\\mathcal{O}(n \\log n)$", "𝒪 ( n _ log \u2061_ n )"),
        ("$\\log_2 n = \\ln^2 x$", "log 2 \u2061_ n = ln 2 \u2061_ x"),
        ("$\\arg\\max_x f$", "arg \u2061 max x f"),
        ("$\\log$", "log"),
    ],
)
def test_operator_names_are_spaced(source: str, row: str) -> None:
    """``\\log`` was ``<mi>log</mi>`` against its neighbours (``nlogn``, ``logp``), ``\\arg``
    showed its backslash. Each is followed by a function application (U+2061), with a thin
    space (``_``) before and after it where TeX puts one: not beside an operator or a
    bracket."""
    root = _math(to_html(source))
    shown = []
    for element in root.iter():
        if element.tag == "mspace" or element.get("rspace") == "0.1667em":
            assert element.get("width", element.get("rspace")) == "0.1667em"
            shown.append((element.text or "") + "_")
        elif element.text:
            shown.append(element.text)
    assert " ".join(shown) == row


def test_the_sample_formula_lost_its_backslashes_and_still_renders() -> None:
    """HF's page drops the backslashes of ``$\\textbf{specialist}$ and ...``."""
    out = to_html("of $textbf{specialist} and textbf{generalist}$ models")
    root = _math(out)
    bold = [e.text for e in root.iter("mtext") if e.get("mathvariant") == "bold"]
    assert bold == ["specialist", "generalist"]
    assert "".join(root.itertext()) == "specialist\u00a0and\u00a0generalist"


@pytest.mark.parametrize(
    "source",
    [
        "$\\href{javascript:alert(1)}{x}$",
        "$\\style{color:red}{x}$",
        "$\\class{evil}{x}$",
        "$\\color{red}{x}$",
        "$\\toggle{a}{b}\\endtoggle$",
    ],
)
def test_dangerous_attributes_are_dropped(source: str) -> None:
    out = to_html(source)
    assert "javascript" not in out and "style=" not in out and "class=" not in out
    assert "color" not in out
    for element in _math(out).iter():
        assert element.tag in ELEMENTS
        assert set(element.attrib) <= set(ATTRIBUTES)


@pytest.mark.parametrize(
    "source",
    [
        "$\\text{<b>x</b>}$",  # the converter copies markup through: refused
        "$\\unicode{xD800}$",  # not a character
        "$\\frac{$",
        "$" + "{" * (MAX_NESTING + 1) + "x" + "}" * (MAX_NESTING + 1) + "$",
        "$" + "x+" * MAX_FORMULA + "x$",
    ],
)
def test_a_formula_that_does_not_convert_is_shown_as_text(source: str) -> None:
    assert to_html(source) == html.escape(source, quote=True)


def test_script_in_a_formula_is_characters() -> None:
    out = to_html("$<script>alert(1)</script>$")
    assert "<script" not in out
    assert "&lt;" in out and "".join(_math(out).itertext()) == "<script>alert(1)</script>"


def test_unicode_in_a_formula_cannot_make_markup_or_controls() -> None:
    out = to_html("$\\unicode{x3c}img src=x onerror=alert(1)\\unicode{x3e}$ $\\unicode{x202E}y$")
    assert "<img" not in out and "\u202e" not in out
    assert "&lt;" in out


def test_the_number_of_formulas_is_bounded() -> None:
    text = " ".join(["$x$"] * (MAX_FORMULAS + 10))
    out = to_html(text)
    assert out.count("<math") == MAX_FORMULAS
    assert out.endswith(" $x$" * 10)


def test_plain_keeps_formulas_as_written() -> None:
    assert plain("Part I -- $O(n^2)$, 0.07\\% \\textbf{x}") == "Part I – $O(n^2)$, 0.07% x"


@given(st.text(alphabet=st.sampled_from(list("$\\{}()[]^_ax<>&\"' -%")), max_size=60))
def test_any_text_gives_well_formed_inert_markup(source: str) -> None:
    out = to_html(source)
    root = ET.fromstring(f"<r>{out.replace('&nbsp;', ' ')}</r>")  # well-formed
    for element in root.iter():
        assert element.tag in ELEMENTS | {"r", "strong", "em", "code"}, (source, out)
        if element.tag in ELEMENTS:
            assert set(element.attrib) <= set(ATTRIBUTES)


def test_the_sample_shows_no_raw_latex() -> None:
    """The 9 sample abstracts and titles with LaTeX: none shows a backslash command or
    a dollar formula as text once rendered."""
    papers = sample_papers()
    with_latex = [p for p in papers if "\\" in p.abstract or "$" in p.abstract]
    assert len(with_latex) >= 7
    shown = json.dumps([to_html(p.abstract) for p in papers])
    for raw in ("\\\\%", '\\\\\\"{\\\\i}', "$textbf", "\\\\textbf"):
        assert raw not in shown, raw
    assert shown.count("<math") == 1


def _shown(out: str) -> str:
    """A teaser's text, its formulas as ``[…]``."""
    for m in reversed(list(re.finditer(r"<math.*?</math>", out))):
        out = out[: m.start()] + "[" + "".join(_math(m.group(0)).itertext()) + "]" + out[m.end() :]
    return html.unescape(out)


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        (200, "We show that costs [O(n2)] in general but [x+y] with our method."),
        (40, "We show that costs [O(n2)] in general…"),  # cut in text, before a word
        (30, "We show that costs [O(n2)] in…"),
        (25, "We show that costs…"),  # the limit in a formula, half of it before: left out
        (55, "We show that costs [O(n2)] in general but [x+y] with…"),
        (50, "We show that costs [O(n2)] in general but [x+y]…"),
        (45, "We show that costs [O(n2)] in general but…"),
    ],
)
def test_a_teaser_is_cut_between_formulas_never_in_one(limit: int, shown: str) -> None:
    out = teaser("We show that costs $O(n^2)$ in general but $x+y$ with our method.", limit)
    assert _shown(out) == shown
    ET.fromstring(f"<p>{out}</p>")


def test_a_teaser_keeps_a_formula_that_starts_it_whole() -> None:
    """Less than half the limit before it: kept whole (else the teaser would be empty)."""
    out = teaser("A $\\sum_{i=1}^{n} x_i^2 + y_i^2 + z_i^2$ is the cost of everything here", 20)
    assert _shown(out) == "A [∑i=1nxi2+yi2+zi2]…"
    assert '<math display="inline">' in out
    assert _shown(teaser("$$x$$ is all", 3)) == "[x]…"  # display math inline in a teaser


@given(st.text(alphabet=st.sampled_from(list("$\\{}^_ax<>&\"' ,.")), max_size=80))
def test_a_teaser_is_well_formed_and_the_start_of_the_text(source: str) -> None:
    out = teaser(source, 20)
    root = ET.fromstring(f"<r>{out}</r>")
    assert all(e.tag in ELEMENTS | {"r"} for e in root.iter())
    if "$" not in source and "\\" not in source:
        assert out == html.escape(plain_teaser(source, 20), quote=True)


def test_a_teaser_without_formulas_is_the_plain_teaser() -> None:
    for paper in sample_papers():
        if "$" not in paper.abstract:
            assert teaser(paper.abstract, 200) == html.escape(
                plain_teaser(plain(paper.abstract), cleaned=True), quote=True
            )
