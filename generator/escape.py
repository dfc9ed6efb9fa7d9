"""Escaping untrusted text for every format paperfeed writes.

Digest text is data. Generated pages are written as HTML blocks (inside Markdown
files, after their front matter), and every piece of digest text in them is
HTML-escaped: ``<``, ``>``, ``&`` and both quotes become character references, so
no tag, attribute or comment can start. Python-Markdown passes block-level raw
HTML through untouched, and the plugin skips Markdown for its pages altogether,
so no Markdown rule and no extension enabled in ``mkdocs.yml`` (emphasis, math
``$``, carets ``^``, tildes ``~``, marks ``==``, emoji ``:x:``, attribute lists
``{: }``, snippets ``--8<--``) ever sees digest text. Page titles go through
front matter, which the theme prints without escaping, so they are HTML-escaped
there too. URLs only become links when their scheme is http, https or mailto,
and external links carry ``rel="nofollow ugc noopener"``.

Safe by construction: HTML is made only as :class:`HTML` (a ``markupsafe.Markup``) from
literal fragments, ``HTML('<a href="{}">{}</a>').format(url, label)``, and from
:class:`HTML` joins, or by the autoescaped templates of :mod:`generator.templates`.
Anything put into a fragment that is not :class:`HTML` already (a ``str``, a number) is
escaped by :func:`text` on the way in, so an interpolation that forgets to escape cannot
be written (``tests/test_render_safe.py`` checks that ``generator/render/`` builds no
markup any other way). The Atom feed's XML is made the same way, as :class:`XML`.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from generator.links import safe_url
from generator.text import clean_text

EXTERNAL_REL = "nofollow ugc noopener"


clean = clean_text
"""NFC, control characters removed, white space collapsed (the parsers' own rule)."""

_new = str.__new__
_FORMATTER = string.Formatter()
_S = TypeVar("_S", bound="_Safe")
K = TypeVar("K")


class _Safe(Markup):
    """Text of a markup language, safe as it is; what :meth:`format` and :meth:`join` add to
    it is escaped by the class's :meth:`escape` unless it is of the same class already.

    :meth:`format` gives what ``markupsafe.Markup.format`` gives; for a fragment whose
    fields are all ``{}`` (every fragment paperfeed writes) it does so with ``str.format``
    and the arguments escaped first, not with ``string.Formatter``, which costs several
    microseconds a call (pages hold thousands of fragments)."""

    __slots__ = ()
    _simple: ClassVar[set[str]]
    """The fragments whose fields are all ``{}`` (per class; fragments are literals in the
    source, so there are few)."""

    @classmethod
    def escape(cls, s: Any, /) -> Any:
        raise NotImplementedError

    def format(self: _S, *args: Any, **kwargs: Any) -> _S:
        cls = type(self)
        if kwargs or self not in cls._simple:
            literal = str.replace(self, "{}", "")
            if kwargs or "{" in literal or "}" in literal or len(cls._simple) >= 4096:
                for _, _, spec, conversion in _FORMATTER.parse(self):
                    if spec or conversion:  # padding would count the escapes' characters
                        raise ValueError(f"a field of markup has a format spec: {self!r}")
                return super().format(*args, **kwargs)  # numbered or named fields
            cls._simple.add(str(self))
        escape = cls.escape
        return _new(cls, str.format(self, *[v if v.__class__ is cls else escape(v) for v in args]))

    def replace(self: _S, old: str, new: str, count: Any = -1, /) -> _S:
        """What ``markupsafe.Markup.replace`` gives (``new`` escaped unless it is of this
        class), without its cost when ``new`` is."""
        cls = type(self)
        if new.__class__ is not cls:
            new = cls.escape(new)
        return _new(cls, str.replace(self, old, new, count))

    def join(self: _S, iterable: Iterable[Any], /) -> _S:
        cls = type(self)
        escape = cls.escape
        return _new(cls, str.join(self, [v if v.__class__ is cls else escape(v) for v in iterable]))


class HTML(_Safe):
    """HTML, safe as it is: a literal fragment, a fragment filled in by :meth:`format`, a
    :meth:`join`, escaped text (:func:`text`) or the output of an autoescaped template.
    Only an :class:`HTML` is trusted: any other value (``str``, a number, another kind of
    ``Markup``) given to :meth:`format`, :meth:`join` or ``+`` is escaped by :func:`text`."""

    __slots__ = ()
    _simple: ClassVar[set[str]] = set()

    @classmethod
    def escape(cls, s: Any, /) -> HTML:
        if s.__class__ is HTML:
            return s
        return text(str(s))


NO_HTML = HTML()
"""The empty fragment."""
_SPECIAL = re.compile("[&<>\"']")
"""What :func:`html.escape` replaces."""


def text(value: str) -> HTML:
    """Untrusted text as HTML text content or an attribute value: shown exactly as ``value``
    (after :func:`clean`, so it holds no line break: an HTML block of a Markdown page can
    never end early), never parsed as markup."""
    if value.__class__ is not str:
        value = str(value)  # a subclass (Markup) would escape what escaping puts in
    if (
        value.isascii()
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
        and _SPECIAL.search(value) is None
    ):
        return _new(HTML, value)  # nothing to clean or escape (URLs, dates, most names)
    value = clean(value)
    if _SPECIAL.search(value) is None:
        return _new(HTML, value)
    return _new(HTML, html.escape(value, quote=True))


def verbatim(value: str) -> HTML:
    """Text escaped as it is, not cleaned (:func:`text` cleans): a BibTeX entry in ``<pre>``
    (its line breaks and indentation matter), a formula's characters, a piece of text
    cleaned already. Blank lines are dropped (a blank line would end the HTML block it is
    in, in a Markdown page)."""
    value = str(value)
    if "\n" in value:
        value = "\n".join(line for line in value.split("\n") if line.strip())
    if _SPECIAL.search(value) is None:
        return _new(HTML, value)
    return _new(HTML, html.escape(value, quote=True))


class Kept(Generic[K]):
    """HTML kept for later, by key, in the least memory: as plain strings, made
    :class:`HTML` again when asked for (an instance of a ``str`` subclass takes a second
    block of memory; a large feed keeps hundreds of thousands of fragments while its pages
    are rendered). Only :class:`HTML` goes in, so what comes out is the HTML that went in.
    Text that escaping left as it was is kept as the very string it was made from."""

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: dict[K, str] = {}

    def get(self, key: K) -> HTML | None:
        kept = self._kept.get(key)
        return None if kept is None else _new(HTML, kept)

    def put(self, key: K, value: HTML, source: str = "") -> HTML:
        """Keep ``value``; ``source``: the text it was made from (kept instead when they are
        the same string)."""
        if value.__class__ is not HTML:
            raise TypeError(f"only HTML is kept, not {type(value).__name__}")
        kept = str(value)
        self._kept[key] = source if kept == source else kept
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()


def front_matter_title(title: str) -> str:
    """A YAML front-matter line setting the page title.

    The theme prints ``page.meta.title`` unescaped into ``<title>``, the header
    and the search index, so the value is HTML-escaped, then JSON-quoted (a JSON
    string is a valid YAML double-quoted scalar); the two characters YAML cannot hold
    (U+FFFE, U+FFFF) become character references.
    """
    return front_matter_text("title", title)


def front_matter_text(key: str, value: str) -> str:
    """A YAML front-matter line ``key: "value"``, the value escaped as
    :func:`front_matter_title` escapes a title (themes print ``page.meta`` values
    unescaped: the description into ``<meta>``, say)."""
    escaped = str(text(value)).replace("\ufffe", "&#xfffe;").replace("\uffff", "&#xffff;")
    return f"{key}: " + json.dumps(escaped, ensure_ascii=False)


_EXTERNAL_LINK = HTML('<a href="{}" rel="nofollow ugc noopener">{}</a>')


def external_link(url: str, label: str | None = None) -> HTML:
    """An external link as HTML, or the URL as inert text if its scheme is unsafe."""
    safe = safe_url(url)
    shown = text(label if label is not None else url)
    if safe is None:
        return shown
    return _EXTERNAL_LINK.format(safe, shown)


class XML(_Safe):
    """XML (the Atom feed), safe as it is. Any other value given to :meth:`format`,
    :meth:`join` or ``+`` is escaped for any place in a document: ``&``, ``<``, ``>`` and
    both quotes (:func:`xml_text` and :func:`xml_attribute` escape as the place needs)."""

    __slots__ = ()
    _simple: ClassVar[set[str]] = set()

    @classmethod
    def escape(cls, s: Any, /) -> XML:
        if s.__class__ is XML:
            return s
        return _new(XML, xml_escape(str(s), {'"': "&quot;", "'": "&apos;"}))


def xml_text(value: str) -> XML:
    """Text as the content of an XML element: ``&``, ``<`` and ``>`` escaped."""
    return _new(XML, xml_escape(str(value)))


def xml_attribute(value: str) -> XML:
    """Text as an XML attribute value, quotes included (``"…"``, or ``'…'`` when the value
    holds a double quote and no single one)."""
    return _new(XML, quoteattr(str(value)))
