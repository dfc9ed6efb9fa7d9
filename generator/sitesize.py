"""The size of the built site, against the host's limit (GitHub Pages publishes at most 1 GB).

A feed grows by one digest a day and its site with it; at some point the host refuses to
publish it. Every build reports the site's size and the bytes a paper costs, and warns once
the site passes :data:`WARN_SHARE` of the limit (the plugin's ``size_limit_mb``), naming
what to do before the host refuses it.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_LIMIT_MB = 1000
"""GitHub Pages' limit on a published site: 1 GB."""
WARN_SHARE = 0.8
"""Warn from this share of the limit on."""
MB = 1_000_000


@dataclass(frozen=True)
class SiteSize:
    """A built site's size and what it means against the limit."""

    bytes: int
    papers: int
    limit_mb: int
    html_pages: int = 0
    """HTML files in the site."""

    def plus(self, more: int) -> SiteSize:
        """The same site with ``more`` bytes (of files that are not HTML pages)."""
        return replace(self, bytes=self.bytes + more)

    @property
    def per_paper_kb(self) -> float | None:
        return self.bytes / self.papers / 1000 if self.papers else None

    @property
    def share(self) -> float:
        return self.bytes / (self.limit_mb * MB)

    def summary(self) -> str:
        """``49.6 MB (49.6 KB a paper, 5% of the 1,000 MB limit)``."""
        per = self.per_paper_kb
        per_text = f"{per:.1f} KB a paper, " if per is not None else ""
        return (
            f"{self.bytes / MB:,.1f} MB ({per_text}{self.share:.0%} of the "
            f"{self.limit_mb:,} MB limit)"
        )

    def warning(self) -> str | None:
        """What to do, once the site passes :data:`WARN_SHARE` of the limit; else None."""
        if self.share < WARN_SHARE:
            return None
        per = self.per_paper_kb
        room = ""
        if per:
            left = max(0, self.limit_mb * MB - self.bytes) / (per * 1000)
            room = f"; at {per:.1f} KB a paper there is room for about {left:,.0f} more papers"
        over = "is over" if self.share >= 1 else "is near"
        return (
            f"the site ({self.bytes / MB:,.1f} MB, {self.share:.0%} of the limit) {over} "
            f"the host's limit of {self.limit_mb:,} MB (the plugin's size_limit_mb; "
            f"GitHub Pages publishes at most 1 GB){room}. To stay under it, move the oldest "
            "digests out of the digests folder into a second site (an archive), or "
            "publish where sites may be larger and raise size_limit_mb"
        )


def folder_bytes(folder: Path) -> int:
    """Total size of the files under ``folder`` (symbolic links not followed)."""
    return _walk(folder)[0]


def _walk(folder: Path, skip: Collection[str] = ()) -> tuple[int, int]:
    """Total size of the files under ``folder`` (symbolic links not followed), and how
    many are HTML files; not counting the folders of ``folder`` named in ``skip``."""
    total = html = 0
    top = os.fspath(folder)
    stack = [top]
    while stack:
        at = stack.pop()
        with os.scandir(at) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if at != top or entry.name not in skip:
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    html += entry.name.endswith(".html")
    return total, html


def measure(
    site_dir: Path, papers: int, limit_mb: int = DEFAULT_LIMIT_MB, skip: Collection[str] = ()
) -> SiteSize:
    """The size of the site in ``site_dir``, but for its folders named in ``skip`` (whose
    size the caller knows: :meth:`SiteSize.plus`)."""
    total, html = _walk(site_dir, skip)
    return SiteSize(total, papers, limit_mb, html)
