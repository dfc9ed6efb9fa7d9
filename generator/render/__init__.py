"""Feed -> ``{relative path: file text}``: every generated page and data file.

Pure: the same feed, taxonomy and classification give the same dict, byte for
byte. Paths are POSIX, relative to the docs folder the site is built from.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from generator.model import Classification, Content, Feed, Known, Taxonomy
from generator.render.common import SiteSettings, make_context
from generator.render.feeds import atom_feed, papers_json_chunks, topic_bibtex, topic_feeds
from generator.render.pages import all_pages

__all__ = ["Content", "SiteSettings", "iter_site", "render_site"]

GENERATED_ROOTS = ("index.md", "topics", "tags", "archive", "papers", "feed.xml", "papers.json")
"""The paths the generator owns in a site's docs; a hand-written file there is an error."""


def iter_site(
    feed: Feed,
    taxonomy: Taxonomy,
    classes: Classification,
    settings: SiteSettings,
    memo: MutableMapping[str, str] | None = None,
) -> Iterator[tuple[str, Content]]:
    """Every generated file as (path, content), one at a time (a large feed never has to be
    held in memory whole when the files go straight to disk). A content given in pieces
    must be consumed before the next file is asked for; a :class:`Known` one may be
    made at any time after.

    With a ``memo`` (page fingerprint -> hash, kept by the build cache), the pages whose
    inputs did not change since the build that filled it are given as :class:`Known`
    contents, rendered only when their bytes are asked for
    (:func:`generator.render.common.page_content`)."""
    ctx = make_context(feed, taxonomy, classes, settings, memo)
    yield from all_pages(ctx)
    ctx.items.clear()  # the pages are done: papers.json gets their memory
    ctx.fragments.clear()
    ctx.links.clear()
    yield "feed.xml", atom_feed(ctx)
    yield from topic_feeds(ctx)
    yield from topic_bibtex(ctx)
    yield "papers.json", papers_json_chunks(ctx)


def render_site(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> dict[str, str | bytes]:
    """Every generated file, as a dict sorted by path."""
    files: dict[str, str | bytes] = {}
    for path, content in iter_site(feed, taxonomy, classes, settings):
        if path in files:
            raise AssertionError(f"two generated pages want the path {path!r}")
        if isinstance(content, Known):
            content = content.make()
        files[path] = content if isinstance(content, str | bytes) else b"".join(content)
    return dict(sorted(files.items()))
