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
"""

from __future__ import annotations

import html
import json

from generator.links import safe_url
from generator.text import clean_text

EXTERNAL_REL = "nofollow ugc noopener"


clean = clean_text
"""NFC, control characters removed, white space collapsed (the parsers' own rule)."""


def text(value: str) -> str:
    """Untrusted text as HTML text content or an attribute value: shown exactly as ``value``
    (after :func:`clean`), never parsed as markup."""
    return html.escape(clean(value), quote=True)


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
    escaped = text(value).replace("\ufffe", "&#xfffe;").replace("\uffff", "&#xffff;")
    return f"{key}: " + json.dumps(escaped, ensure_ascii=False)


def external_link(url: str, label: str | None = None) -> str:
    """An external link as HTML, or the URL as inert text if its scheme is unsafe."""
    safe = safe_url(url)
    shown = text(label if label is not None else url)
    if safe is None:
        return shown
    return f'<a href="{text(safe)}" rel="{EXTERNAL_REL}">{shown}</a>'
