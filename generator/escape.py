"""Escaping untrusted text for every format paperfeed writes.

Digest text is data. In Markdown it becomes numeric character references for
every ASCII punctuation character, so no Markdown rule and no extension enabled
in ``mkdocs.yml`` (emphasis, math ``$``, carets ``^``, tildes ``~``, marks ``==``,
emoji ``:x:``, attribute lists ``{: }``, snippets ``--8<--``, HTML ``<``, block
starts ``#``, ``>``, ``|``, ``-``, ``1.``) can ever match: Python-Markdown passes
an entity through untouched and the browser shows the character. Page titles go
through front matter, which the theme prints without escaping, so they are
HTML-escaped there. URLs only become links when their scheme is http, https or
mailto, and external links carry ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import html
import json

from generator.links import safe_url
from generator.text import clean_text

_PUNCT = frozenset(r"""!"#$%&'()*+-./:;<=>?@[\]^_`{|}~""")
# Keep a few harmless, frequent characters readable in the generated Markdown.
_KEEP = frozenset(",?;%")
_ENTITY = str.maketrans({c: f"&#{ord(c)};" for c in _PUNCT - _KEEP})

EXTERNAL_REL = "nofollow ugc noopener"


clean = clean_text
"""NFC, control characters removed, white space collapsed (the parsers' own rule)."""


def md(text: str) -> str:
    """Untrusted text as inert inline Markdown that renders exactly as ``text``."""
    return clean(text).translate(_ENTITY)


def attr(text: str) -> str:
    """Text for an HTML attribute value or HTML text content."""
    return html.escape(clean(text), quote=True)


def front_matter_title(title: str) -> str:
    """A YAML front-matter line setting the page title.

    The theme prints ``page.meta.title`` unescaped into ``<title>``, the header
    and the search index, so the value is HTML-escaped, then JSON-quoted (a JSON
    string is a valid YAML double-quoted scalar); the two characters YAML cannot hold
    (U+FFFE, U+FFFF) become character references.
    """
    value = attr(title).replace("\ufffe", "&#xfffe;").replace("\uffff", "&#xffff;")
    return "title: " + json.dumps(value, ensure_ascii=False)


def external_link(url: str, label: str | None = None) -> str:
    """An external link as inline HTML, or the URL as inert text if its scheme is unsafe."""
    safe = safe_url(url)
    text = md(label if label is not None else url)
    if safe is None:
        return text
    return f'<a href="{attr(safe)}" rel="{EXTERNAL_REL}">{text}</a>'
