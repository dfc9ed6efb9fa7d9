"""Measurements of a built site: sizes, the navigation's share, first-search bytes."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

_NAV_TAG = re.compile(r"<(/?)nav\b([^>]*)>")
SITE_NAV_CLASSES = ("md-tabs", "md-nav--primary", "md-footer__inner")
"""The site navigation: the tabs, the navigation tree and the previous/next footer links
(not the header bar with the logo and the search box, nor the page's table of contents)."""


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def site_stats(site: Path) -> dict[str, float]:
    pages = html_pages(site)
    sizes = [p.stat().st_size for p in pages]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {
        "pages": len(pages),
        "site_mb": total / 1e6,
        "median_page_kb": statistics.median(sizes) / 1024 if sizes else 0.0,
    }


def nav_bytes(html: str) -> int:
    """Bytes of the page's site navigation ``<nav>`` elements (see SITE_NAV_CLASSES)."""
    depth = 0
    start = 0
    counting = False
    total = 0
    for m in _NAV_TAG.finditer(html):
        if not m.group(1):
            if depth == 0:
                start = m.start()
                counting = any(c in m.group(2) for c in SITE_NAV_CLASSES)
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0 and counting:
                total += m.end() - start
    return total


def nav_share(site: Path, sample: int = 400) -> float:
    """Navigation bytes over page bytes, over an even sample of the HTML pages."""
    pages = html_pages(site)
    step = max(1, len(pages) // sample)
    nav = size = 0
    for page in pages[::step]:
        text = page.read_text("utf-8")
        nav += nav_bytes(text)
        size += len(text)
    return nav / size if size else 0.0


def first_search_bytes(site: Path, use_browser: bool = True) -> int:
    """Bytes a visitor downloads for a first search (Chromium if available, else the files)."""
    return first_search(site, use_browser)[0]


def first_search(site: Path, use_browser: bool = True) -> tuple[int, float | None]:
    """Bytes a visitor downloads for a first search and the seconds from clicking the
    search box to the first result (Chromium if available; else the bytes of the files
    and no time)."""
    if use_browser:
        try:
            return _browser_first_search(site)
        except Exception as e:  # no Chromium or Playwright: fall back to the files
            print(f"(browser measurement unavailable: {e}; summing files)", file=sys.stderr)
    material = site / "search" / "search_index.json"
    if material.exists():
        workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.js"))
        return material.stat().st_size + sum(w.stat().st_size for w in workers), None
    bundle = site / "pagefind"
    fixed = sum(
        p.stat().st_size
        for p in bundle.glob("*")
        if p.is_file() and (p.suffix in (".js", ".json") or p.name.endswith(".pagefind"))
    )
    chunks = sorted(p.stat().st_size for p in (bundle / "index").glob("*"))
    fragments = sorted(p.stat().st_size for p in (bundle / "fragment").glob("*"))
    return fixed + int(statistics.median(chunks) if chunks else 0) + sum(fragments[:5]), None


def _browser_first_search(site: Path) -> tuple[int, float]:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from tests.browser import chromium, serve

    title_page = next(
        p
        for p in sorted((site / "papers").iterdir())
        if p.name != "index.html" and not p.name.startswith("page-")
    )
    word = _first_long_word((title_page / "index.html").read_text("utf-8"))
    with serve(site) as server, chromium() as browser:
        page = browser.new_page()
        # Material's search fetches its whole index when the page loads; Pagefind fetches
        # chunks when the visitor types. Either way: every search byte from the page load
        # to the first result.
        page.goto(server.url + f"papers/{title_page.name}/")
        page.wait_for_load_state("networkidle")
        box = page.locator(".md-search__input")
        start = time.perf_counter()
        box.click()
        box.fill(word)
        page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
        seconds = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        sent = sum(
            server.bytes_sent(prefix)
            for prefix in ("/search/", "/assets/javascripts/workers/", "/pagefind/")
        )
        return sent, seconds


def _first_long_word(html: str) -> str:
    h1 = re.search(r"<h1[^>]*>(.*?)<", html, re.S)
    words: list[str] = re.findall(r"[A-Za-z]{6,}", h1.group(1) if h1 else "")
    return (words or ["model"])[0].lower()


def machine_reference(
    where: Path | None = None, files: int = 5000, runs: int = 3
) -> dict[str, float]:
    """What this machine's hour is like, for comparing runs across days and machines
    (the same code's daily build took 7.2 s one day and 16 s another on "2 cores"):
    medians of ``runs`` of a fixed pure-Python loop (building, sorting and hashing
    strings, as generating does) and of ``files`` small files written, hard-linked into a
    second folder and removed, in a scratch folder in ``where`` (what a daily build does
    to the site), in seconds."""

    def python() -> None:
        rows = [f"{i:07d} {i * 7919 % 100003:06d} paper" for i in range(300_000)]
        rows.sort(key=lambda row: row[8:])
        digest = hashlib.blake2b()
        for row in rows:
            digest.update(row.encode())

    def disk() -> None:
        root = tempfile.mkdtemp(prefix="paperfeed-reference-", dir=where)
        try:
            made, linked = os.path.join(root, "made"), os.path.join(root, "linked")
            for folder in (made, linked):
                for part in range(-(-files // 100)):  # 100 files a folder
                    os.makedirs(os.path.join(folder, str(part)))
            for i in range(files):
                name = os.path.join(str(i // 100), f"{i}.html")
                with open(os.path.join(made, name), "wb") as f:
                    f.write(b"x" * 4096)
                os.link(os.path.join(made, name), os.path.join(linked, name))
        finally:
            shutil.rmtree(root)

    seconds: dict[str, float] = {}
    for name, step in (("python_s", python), ("files_s", disk)):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        seconds[name] = statistics.median(times)
    return seconds


def reference_line(before: dict[str, float], after: dict[str, float] | None = None) -> str:
    """The machine reference (:func:`machine_reference`) as the table prints it."""

    def one(r: dict[str, float]) -> str:
        return f"Python loop {r['python_s']:.2f} s, files {r['files_s']:.2f} s"

    text = f"Reference (bench/measure.py machine_reference): before the run {one(before)}"
    return text + (f"; after it {one(after)}" if after else "")
