"""The markup builders of ``generator/escape.py``: what is not HTML already is escaped.

``HTML.format`` takes a faster road than ``markupsafe.Markup.format`` for fragments whose
fields are all ``{}``; it must give the same result (a property test). ``join``, ``replace``
and ``+`` escape text too, only :class:`HTML` is trusted (not another kind of Markup), and
:class:`Kept` gives back exactly the HTML put in.
"""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from generator.escape import HTML, XML, Kept, clean, text, verbatim, xml_attribute, xml_text

TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'{}\n\t\x00é")), max_size=20)
VALUES = st.one_of(TEXT, st.integers(), TEXT.map(text))
FRAGMENTS = ['<a href="{}">{}</a>', "<p>{} · {}</p>", '<li class="{}">{}</li>']


@given(st.sampled_from(FRAGMENTS), VALUES, VALUES)
def test_format_gives_what_markups_format_gives(fragment: str, a: object, b: object) -> None:
    fast = HTML(fragment).format(a, b)
    slow = Markup.format(HTML(fragment), a, b)  # string.Formatter, escaping with HTML.escape
    assert type(fast) is HTML
    assert str(fast) == str(slow)


@given(TEXT)
def test_text_is_shown_as_written_and_never_as_markup(value: str) -> None:
    inner = str(HTML("<p>{}</p>").format(value))[3:-4]
    assert not set(inner) & set("<>\"'\n\x00")
    assert html.unescape(inner) == clean(value)


def test_only_html_is_trusted() -> None:
    script = "<script>alert(1)</script>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert HTML("<p>{}</p>").format(script) == f"<p>{escaped}</p>"
    assert HTML("<p>{}</p>").format(Markup(script)) == f"<p>{escaped}</p>"  # not HTML
    assert HTML("<p>{}</p>").format(XML(script)) == f"<p>{escaped}</p>"
    assert HTML("<p>{}</p>").format(HTML("<b>x</b>")) == "<p><b>x</b></p>"
    assert HTML(" ").join(["<a>", HTML("<b>")]) == "&lt;a&gt; <b>"
    assert HTML("<p>x</p>").replace("x", "<i>") == "<p>&lt;i&gt;</p>"
    assert HTML("<p>x</p>").replace("x", HTML("<i>")) == "<p><i></p>"
    assert "<p>" + HTML("<b>") == "&lt;p&gt;<b>"
    assert HTML("<b>") + "<p>" == "<b>&lt;p&gt;"
    assert HTML("<p>{0}{0}</p>").format("<") == "<p>&lt;&lt;</p>"  # Markup's own road
    with pytest.raises(ValueError, match="format spec"):
        HTML("<p>{:>3}</p>").format("<")  # padding would count "&lt;" as four characters
    with pytest.raises(ValueError, match="format spec"):
        HTML("<p>{!r}</p>").format("<")


def test_verbatim_keeps_lines_but_no_blank_one() -> None:
    assert verbatim("@misc{a,\n  title = {<x>}\n}") == "@misc{a,\n  title = {&lt;x&gt;}\n}"
    assert verbatim("a\n\n  \nb") == "a\nb"


def test_xml_text_attributes_and_the_default() -> None:
    assert xml_text('a < b & "c"') == 'a &lt; b &amp; "c"'
    assert xml_attribute('say "hi"') == "'say \"hi\"'"
    assert XML("<t a={}>{}</t>").format(xml_attribute("x"), "'\"<") == (
        '<t a="x">&apos;&quot;&lt;</t>'
    )


def test_kept_gives_back_the_html_put_in() -> None:
    kept: Kept[str] = Kept()
    assert kept.get("a") is None
    value = text("<b> & c")
    kept.put("a", value)
    back = kept.get("a")
    assert type(back) is HTML and back == value
    source = "plain text, nothing to escape"
    kept.put("b", text(source), source)
    assert kept._kept["b"] is source  # the same string: no second copy
    with pytest.raises(TypeError):
        kept.put("c", "<script>")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kept.put("c", Markup("<script>"))  # type: ignore[arg-type]
    assert len(kept) == 2
    kept.clear()
    assert len(kept) == 0
