"""paperfeed: turn a curated research-paper feed into a searchable MkDocs site.

The pipeline is parse -> model -> classify -> render -> write; every step but the
first read and the last write is a pure function (see ``generator.build``).
"""

__version__ = "0.1.0"

# Before anything imports ``mkdocs``: which implementation answers it (MkDocs or
# ProperDocs, see generator/engine.py).
from generator import engine as _engine  # noqa: F401
