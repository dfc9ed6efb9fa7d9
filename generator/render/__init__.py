"""Feed -> ``{relative path: file text}``: every generated page and data file.

Pure: the same feed, taxonomy and classification give the same dict, byte for
byte. Paths are POSIX, relative to the docs folder the site is built from.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.model import Classification, Feed, Taxonomy
from generator.render.common import SiteSettings, make_context
from generator.render.feeds import atom_feed, papers_json
from generator.render.pages import all_pages

__all__ = ["SiteSettings", "iter_site", "render_site"]

GENERATED_ROOTS = ("index.md", "topics", "tags", "archive", "papers", "feed.xml", "papers.json")
"""The paths the generator owns in a site's docs; a hand-written file there is an error."""


def iter_site(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> Iterator[tuple[str, str | bytes]]:
    """Every generated file as (path, text), one at a time (a large feed never has to be
    held in memory whole when the files go straight to disk)."""
    ctx = make_context(feed, taxonomy, classes, settings)
    yield from all_pages(ctx)
    ctx.items.clear()  # the pages are done: papers.json gets their memory
    ctx.fragments.clear()
    yield "feed.xml", atom_feed(ctx)
    yield "papers.json", papers_json(ctx)


def render_site(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> dict[str, str | bytes]:
    """Every generated file, as a dict sorted by path."""
    files: dict[str, str | bytes] = {}
    for path, text in iter_site(feed, taxonomy, classes, settings):
        if path in files:
            raise AssertionError(f"two generated pages want the path {path!r}")
        files[path] = text
    return dict(sorted(files.items()))
