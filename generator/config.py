"""The ``paperfeed`` plugin's settings (``plugins: - paperfeed: ...`` in mkdocs.yml).

Validated by MkDocs' own ``config_options``, so a mistake is reported the MkDocs way
(``Plugin 'paperfeed' option 'page_size': must be at least 1, got 0``) before anything
is read: the digests folder and the taxonomy file must exist, ``page_size``,
``feed_size`` and ``max_digest_mb`` are at least 1, and ``enabled: false`` turns the
plugin off (it then adds nothing to the site).

The ``paperfeed`` command's options (``--digests``, ``--taxonomy``, ``--search``,
``--no-cache``) take the place of the same settings in mkdocs.yml for every config MkDocs
loads while a :func:`session` is open (``paperfeed serve`` loads it again on each
rebuild), and are validated by the same schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from generator import sitesize
from generator.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from generator.limits import MAX_DIGEST_MB


class AtLeast(c.Type[int]):
    """An integer no smaller than ``minimum``."""

    def __init__(self, minimum: int, default: int) -> None:
        super().__init__(int, default=default)
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):  # YAML's `true` is no number of papers
            raise ValidationError(f"must be a whole number, got {value!r}")
        number = super().run_validation(value)
        if number < self.minimum:
            raise ValidationError(f"must be at least {self.minimum}, got {number!r}")
        return number


class PaperfeedConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """``false``: the plugin does nothing (the site is the hand-written pages alone)."""
    digests = c.Dir(exists=True, default="digests")
    """Folder of digest files, relative to mkdocs.yml; must exist."""
    taxonomy = c.File(exists=True, default="taxonomy.yml")
    """Topic and tag taxonomy, relative to mkdocs.yml; must exist."""
    curation = c.Type(str, default="")
    """The curator's changes (``curation.yml``), relative to mkdocs.yml; empty: the file
    ``curation.yml`` beside the taxonomy, if there is one (see :mod:`generator.curation`)."""
    published = c.Type(str, default="")
    """The URLs the site has published (redirected when gone; ``paperfeed build`` updates
    it), relative to mkdocs.yml; empty: ``published.txt`` beside the taxonomy."""
    search = c.Choice(("auto", "material", "pagefind"), default="auto")
    """Search backend; ``auto`` switches to Pagefind at ``pagefind_threshold`` papers."""
    pagefind_threshold = AtLeast(0, default=500)
    pagefind_shard_size = AtLeast(0, default=10_000)
    """Pagefind indexes the papers of the months before the newest in shards of at most
    this many (its memory grows with the pages of one index; see :mod:`generator.shards`);
    0: one index."""
    pagefind_split_above = AtLeast(0, default=5_000)
    """Above this many papers (or ``pagefind_shard_size``, if fewer), the newest month's
    papers are indexed apart from the older months' shards, which a build with the cache
    keeps as long as their papers do not change."""
    page_size = AtLeast(1, default=30)
    """Papers per topic, tag or digest listing page."""
    feed_size = AtLeast(1, default=50)
    """Papers in the Atom feed."""
    cache = c.Type(bool, default=True)
    """Keep parsed digests and classified papers between builds (see :mod:`generator.cache`)."""
    cache_dir = c.Type(str, default=DEFAULT_CACHE_DIR)
    """Where, relative to mkdocs.yml (Material's plugins keep theirs in ``.cache/plugin``)."""
    max_digest_mb = AtLeast(1, default=MAX_DIGEST_MB)
    """The largest digest file, in MB (a larger one is an error; see :mod:`generator.limits`)."""
    lean_pages = c.Type(bool, default=True)
    """Pages without the template's indentation and with the theme's icons in one shared
    sprite (see :mod:`generator.lean`); ``false`` writes them as the theme renders them."""
    fast_pages = c.Type(bool, default=True)
    """Skip Markdown for generated pages and render the theme once per kind of page
    (see :mod:`generator.fastpages`); ``false`` renders every page the usual way."""
    size_limit_mb = AtLeast(1, default=sitesize.DEFAULT_LIMIT_MB)
    """The host's limit on the site's size, in MB (GitHub Pages: 1 GB); the build warns
    from 80% of it (see :mod:`generator.sitesize`)."""

    def load_dict(self, patch: dict[str, Any]) -> None:
        """mkdocs.yml's settings, then the command line's in their place (validated alike)."""
        super().load_dict(patch)
        if _session is not None and _session.overrides:
            super().load_dict(dict(_session.overrides))


@dataclass
class Session:
    """What the ``paperfeed`` command asks of every config MkDocs loads while it runs."""

    overrides: dict[str, Any] = field(default_factory=dict)
    """Plugin settings given on the command line (``digests``, ``taxonomy``, ``curation``,
    ``search``, ``cache``): they replace mkdocs.yml's."""
    serving: bool = False
    """``paperfeed serve``: the Pagefind index is built in the background."""
    incremental: bool = False
    """``paperfeed serve`` without ``--rebuild-all``: only the generated pages whose
    Markdown changed are rendered again (:mod:`generator.preview`)."""
    server: Any = None
    """MkDocs' preview server, once the plugin's ``on_serve`` has it: every later build
    has it watch what that build reads and it does not watch yet (a ``custom_dir`` set in
    ``mkdocs.yml`` while the preview runs)."""
    watched: set[Any] = field(default_factory=set)
    """What :attr:`server` watches for the plugin (:data:`generator.plugin.Watched`)."""


_session: Session | None = None


@contextmanager
def session(value: Session) -> Iterator[Session]:
    """Apply ``value`` to every config loaded inside the ``with`` block."""
    global _session
    saved, _session = _session, value
    try:
        yield value
    finally:
        _session = saved


def current_session() -> Session | None:
    return _session
