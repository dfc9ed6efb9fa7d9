"""The one normalisation every text field gets: the parsers apply it, the renderer re-applies it."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls, the BOM, the bidirectional embedding/override/isolate controls
# (invisible, and able to make the text after them display backwards) and the two
# non-characters U+FFFE/U+FFFF (which XML and YAML cannot hold).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """NFC, control characters and runs of white space turned into single spaces, stripped.

    Idempotent: ``clean_text(clean_text(s)) == clean_text(s)``.
    """
    if text.isascii() and text.isprintable():
        # NFC leaves ASCII alone, and printable ASCII has no control and no white space
        # but the space: only runs of spaces and the ends can change.
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return " ".join(text.split())
        return text
    return " ".join(unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).split())
