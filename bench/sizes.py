"""What a built site's bytes are made of, by kind of file, per paper.

    python bench/sizes.py SITE_DIR --papers N       # e.g. bench/out/feed-10000/site

Prints one row per kind (paper pages, listings, search index, papers.json, feeds,
sitemap, assets, the rest): files, MB, KB per paper and share of the site; and for the
HTML pages, how much of them is the page's own article and how much the theme around it
(the "shell": header, navigation, search box, footer, scripts, icons).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path

_PART = re.compile(r"page-\d+/index\.html")
_DAY = re.compile(r"archive/\d{4}-\d\d-\d\d/")
_MONTH = re.compile(r"archive/\d{4}-\d\d/")
_WEEK = re.compile(r"archive/\d{4}-W\d\d/")


def _paper_page(p: str) -> bool:
    """``papers/<slug>/index.html``; ``papers/index.html`` and ``papers/page-N/`` are the
    all-papers listing."""
    return p.startswith("papers/") and p.count("/") == 2 and not _PART.fullmatch(p[7:])


KINDS = (
    ("paper pages", _paper_page),
    ("search index", lambda p: p.startswith(("pagefind/", "search/"))),
    ("papers.json", lambda p: p == "papers.json"),
    ("feeds", lambda p: p.endswith((".xml", ".atom", ".bib")) and "sitemap" not in p),
    ("sitemap", lambda p: p.startswith("sitemap")),
    ("assets", lambda p: p.startswith("assets/")),
    ("listings", lambda p: p.endswith(".html")),
    ("other", lambda p: True),
)
"""In order: the first that matches names a file's kind (paths relative to the site)."""

LISTINGS = (
    ("topics", lambda p: p.startswith("topics/")),
    ("tags", lambda p: p.startswith("tags/")),
    ("all papers (papers/)", lambda p: p.startswith("papers/")),
    ("digests", lambda p: _DAY.match(p) is not None),
    ("months", lambda p: _MONTH.match(p) is not None),
    ("weeks", lambda p: _WEEK.match(p) is not None),
    ("home, indexes, 404", lambda p: True),
)
"""The listings' pages by listing, in the same way."""


def kind_of(rel: str) -> str:
    return next(name for name, match in KINDS if match(rel))


def listing_of(rel: str) -> str:
    return next(name for name, match in LISTINGS if match(rel))


def article_bytes(html: bytes) -> int:
    """Bytes of the page's ``<article>`` (its content), 0 when it has none."""
    start = html.find(b"<article")
    end = html.rfind(b"</article>")
    return end + len(b"</article>") - start if 0 <= start < end else 0


Rows = dict[str, dict[str, int]]


def breakdown(site: Path) -> tuple[Rows, Rows, list[int]]:
    """``{kind: {"files", "bytes", "article"}}`` over every file of ``site``; the same for
    the listings' pages by listing; and the size of every HTML page (but 404.html)."""
    out: Rows = defaultdict(lambda: {"files": 0, "bytes": 0, "article": 0})
    listings: Rows = defaultdict(lambda: {"files": 0, "bytes": 0, "article": 0})
    pages: list[int] = []
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            rel = path.relative_to(site).as_posix()
            kind = kind_of(rel)
            rows = [out[kind]] + ([listings[listing_of(rel)]] if kind == "listings" else [])
            if name.endswith(".html"):
                data = path.read_bytes()
                size, article = len(data), article_bytes(data)
                if rel != "404.html":
                    pages.append(size)
            else:
                size, article = path.stat().st_size, 0
            for row in rows:
                row["files"] += 1
                row["bytes"] += size
                row["article"] += article
    return dict(out), dict(listings), pages


def _row(name: str, r: dict[str, int], papers: int, total: int) -> str:
    article = shell = ""
    if r["article"]:
        article = f"{r['article'] / papers / 1000:.2f}"
        shell = f"{(r['bytes'] - r['article']) / r['files'] / 1000:.2f}"
    return (
        f"| {name} | {r['files']:,} | {r['bytes'] / 1e6:.1f} | "
        f"{r['bytes'] / papers / 1000:.2f} | {r['bytes'] / total:.0%} | {article} | {shell} |"
    )


def print_breakdown(rows: Rows, listings: Rows, pages: list[int], papers: int) -> None:
    total = sum(r["bytes"] for r in rows.values())
    print(f"site: {total / 1e6:.1f} MB, {total / papers / 1000:.2f} KB a paper ({papers:,} papers)")
    if pages:
        print(
            f"HTML pages: {len(pages):,}, median {statistics.median(pages) / 1024:.1f} KB "
            f"({statistics.median(pages) / 1000:.1f} kB)"
        )
    print("| kind | files | MB | KB a paper | share | article KB a paper | shell KB a page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _ in KINDS:
        if name in rows:
            print(_row(name, rows[name], papers, total))
        if name == "listings":
            for sub, _ in LISTINGS:
                if sub in listings:
                    print(_row(f"... {sub}", listings[sub], papers, total))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument(
        "--papers", type=int, required=True, help="papers in its feed (for the bytes a paper)"
    )
    args = parser.parse_args()
    print_breakdown(*breakdown(args.site), args.papers)


if __name__ == "__main__":
    main()
