"""Feed -> ``{relative path: file text}``: every generated page and data file.

Pure: the same feed, taxonomy and classification give the same dict, byte for
byte. Paths are POSIX, relative to the docs folder the site is built from.
"""

from __future__ import annotations

from generator.model import Classification, Feed, Taxonomy
from generator.render.common import SiteSettings, make_context
from generator.render.feeds import atom_feed, papers_json
from generator.render.pages import all_pages

__all__ = ["SiteSettings", "render_site"]

GENERATED_ROOTS = ("index.md", "topics", "tags", "archive", "papers", "feed.xml", "papers.json")
"""The paths the generator owns in a site's docs; a hand-written file there is an error."""


def render_site(
    feed: Feed, taxonomy: Taxonomy, classes: Classification, settings: SiteSettings
) -> dict[str, str]:
    ctx = make_context(feed, taxonomy, classes, settings)
    files: dict[str, str] = {}
    for path, text in all_pages(ctx):
        if path in files:
            raise AssertionError(f"two generated pages want the path {path!r}")
        files[path] = text
    files["feed.xml"] = atom_feed(ctx)
    files["papers.json"] = papers_json(ctx)
    return dict(sorted(files.items()))
