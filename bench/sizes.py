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
from collections import defaultdict
from pathlib import Path

KINDS = (
    ("paper pages", lambda p: p.startswith("papers/") and p.count("/") == 2),
    ("search index", lambda p: p.startswith(("pagefind/", "search/"))),
    ("papers.json", lambda p: p == "papers.json"),
    ("feeds", lambda p: p.endswith((".xml", ".atom", ".bib")) and "sitemap" not in p),
    ("sitemap", lambda p: p.startswith("sitemap")),
    ("assets", lambda p: p.startswith("assets/")),
    ("listings", lambda p: p.endswith(".html")),
    ("other", lambda p: True),
)
"""In order: the first that matches names a file's kind (paths relative to the site)."""


def kind_of(rel: str) -> str:
    return next(name for name, match in KINDS if match(rel))


def article_bytes(html: bytes) -> int:
    """Bytes of the page's ``<article>`` (its content), 0 when it has none."""
    start = html.find(b"<article")
    end = html.rfind(b"</article>")
    return end + len(b"</article>") - start if 0 <= start < end else 0


def breakdown(site: Path) -> dict[str, dict[str, int]]:
    """``{kind: {"files", "bytes", "article"}}`` over every file of ``site``."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"files": 0, "bytes": 0, "article": 0})
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            rel = path.relative_to(site).as_posix()
            row = out[kind_of(rel)]
            row["files"] += 1
            if name.endswith(".html"):
                data = path.read_bytes()
                row["bytes"] += len(data)
                row["article"] += article_bytes(data)
            else:
                row["bytes"] += path.stat().st_size
    return dict(out)


def print_breakdown(rows: dict[str, dict[str, int]], papers: int) -> None:
    total = sum(r["bytes"] for r in rows.values())
    print(f"site: {total / 1e6:.1f} MB, {total / papers / 1000:.2f} KB a paper ({papers:,} papers)")
    print("| kind | files | MB | KB a paper | share | article KB a paper | shell KB a page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _ in KINDS:
        r = rows.get(name)
        if not r:
            continue
        article = shell = ""
        if r["article"]:
            article = f"{r['article'] / papers / 1000:.2f}"
            shell = f"{(r['bytes'] - r['article']) / r['files'] / 1000:.2f}"
        print(
            f"| {name} | {r['files']:,} | {r['bytes'] / 1e6:.1f} | "
            f"{r['bytes'] / papers / 1000:.2f} | {r['bytes'] / total:.0%} | {article} | {shell} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--papers", type=int, required=True)
    args = parser.parse_args()
    print_breakdown(breakdown(args.site), args.papers)


if __name__ == "__main__":
    main()
