"""What a page says about itself in ``<head>``: its meta description (also OpenGraph's) and
the Atom feed of its own, set in its front matter and printed by the theme override in
``generator/theme_head/main.html``."""

from __future__ import annotations

import re

from generator.escape import clean
from generator.render.common import teaser

DESCRIPTION_CHARS = 300
"""At most this much text in a meta description (cut at a word)."""

_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
"""The end of a sentence: ``.``, ``!`` or ``?`` before white space and a capital or a
digit (so "e.g. a" and "3.5 times" do not end one)."""


def first_sentence(abstract: str, *, cleaned: bool = False) -> str:
    """The abstract's first sentence (plain text), at most :data:`DESCRIPTION_CHARS`.
    ``cleaned``: ``abstract`` is cleaned already."""
    if not cleaned:
        abstract = clean(abstract)
    for match in _SENTENCE_END.finditer(abstract):
        if match.end() >= 20:  # not "Fig. 1." or an abbreviation at the start
            return teaser(abstract[: match.end()], DESCRIPTION_CHARS, cleaned=True)
    return teaser(abstract, DESCRIPTION_CHARS, cleaned=True)


def description(value: str) -> str:
    """Any text as a description: cleaned and cut to :data:`DESCRIPTION_CHARS`."""
    return teaser(value, DESCRIPTION_CHARS)
