"""Which MkDocs paperfeed runs on: MkDocs itself or ProperDocs, its maintained 1.6 fork.

ProperDocs is a drop-in replacement: its package answers every ``mkdocs.*`` import once
``properdocs.replacement`` is imported (its own ``properdocs`` command does that first),
so paperfeed and Material run on it unchanged. The choice is made once, when the
``generator`` package is first imported, before anything imports ``mkdocs``:

- ``PAPERFEED_ENGINE=properdocs``: ProperDocs (it must be installed);
- ``PAPERFEED_ENGINE=mkdocs``: MkDocs;
- unset: MkDocs when it is installed, else ProperDocs; and ProperDocs whenever it already
  answers ``mkdocs`` (paperfeed loaded as a plugin by the ``properdocs`` command).

Each engine logs under its own name (``mkdocs.structure.pages`` or
``properdocs.structure.pages``, where a broken link is reported): :func:`setup_logging`
sends both to the terminal, and under ProperDocs hangs the ``mkdocs`` logger (Material's
and paperfeed's messages) under ``properdocs``, as the ``properdocs`` command does, so
that strict mode counts their warnings too.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys

NAMES = ("mkdocs", "properdocs")

PROBLEM: str | None = None
"""Why ``PAPERFEED_ENGINE`` could not be followed (the command reports it), or None."""


def _installed(name: str) -> bool:
    return name in sys.modules or importlib.util.find_spec(name) is not None


def _choose() -> str:
    global PROBLEM
    running = sys.modules.get("mkdocs")
    if running is not None and running.__name__ == "properdocs":
        return "properdocs"  # loaded by the properdocs command
    wanted = os.environ.get("PAPERFEED_ENGINE", "").strip().lower()
    if wanted and wanted not in NAMES:
        PROBLEM = f"PAPERFEED_ENGINE: expected 'mkdocs' or 'properdocs' but received {wanted!r}"
        wanted = ""
    if not wanted:
        wanted = "mkdocs" if _installed("mkdocs") or not _installed("properdocs") else "properdocs"
    if wanted == "properdocs":
        if not _installed("properdocs"):
            PROBLEM = "PAPERFEED_ENGINE: ProperDocs is not installed (pip install properdocs)"
            return "mkdocs"
        if running is not None:
            PROBLEM = "PAPERFEED_ENGINE: MkDocs was imported before paperfeed chose ProperDocs"
            return "mkdocs"
        import properdocs.replacement  # noqa: F401  (mkdocs.* now resolves to properdocs.*)
    return wanted


ENGINE = _choose()
"""``"mkdocs"`` or ``"properdocs"``: the package that ``import mkdocs`` gives."""


def logger_name(suffix: str = "") -> str:
    """The engine's logger for ``suffix`` (``commands.build`` -> ``properdocs.commands.build``)."""
    return ENGINE + ("." + suffix if suffix else "")


def setup_logging(handler: logging.Handler, level: int) -> None:
    """Send the engine's messages (and Material's and paperfeed's) to ``handler``."""
    for name in NAMES:
        logger = logging.getLogger(name)
        logger.handlers[:] = []
    root = logging.getLogger(ENGINE)
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    if ENGINE != "mkdocs":
        legacy = logging.getLogger("mkdocs")  # Material and plugins log under this name
        legacy.parent = root
        legacy.setLevel(logging.NOTSET)
        legacy.propagate = True
