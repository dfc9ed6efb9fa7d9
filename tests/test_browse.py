"""Browsing the site (issue 13): every listing shows each of its papers exactly once,
in order, and its pager walks them in order; the home page shows the recent papers of
several digests; ``papers/`` lists every paper; the archive has a page per month and
per ISO week. Full builds of the sample, the fixture digests and digests made here."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from project import FIXTURES, REPO, Project, copy_digests, make_project

pytestmark = pytest.mark.slow

PAGE_SIZE = 7

TITLE_LINK = re.compile(r'<div class="pf-item"[^>]*>\n<p><strong><a href="([^"]+)">')
NEXT = re.compile(r'<nav class="pf-pager"[^>]*>.*?<a href="([^"]+)" rel="next">', re.S)
PREV = re.compile(r'<nav class="pf-pager"[^>]*>.*?<a href="([^"]+)" rel="prev">', re.S)


def extra_digests() -> dict[str, str]:
    """Digests the sample does not have: across a month's end and an ISO week's, with a
    paper seen again in a later digest (of the same week and month, and of the next)."""
    out = {}
    days = [dt.date(2025, 2, 26), dt.date(2025, 3, 2), dt.date(2025, 3, 3), dt.date(2025, 4, 1)]
    for n, day in enumerate(days):
        papers = [
            f"  - title: Unseen paper {n}-{i} on retrieval and diffusion models\n"
            f"    abstract: Paper {i} of digest {n}, about language models and retrieval.\n"
            f"    authors: [Ada One, Bo Two, Cy Three, Di Four]\n"
            for i in range(9)
        ]
        papers.append(  # in every extra digest: one paper, four appearances
            "  - title: The paper that keeps coming back\n"
            "    abstract: Seen in several digests; a listing shows it once.\n"
        )
        out[f"{day.isoformat()}-extra.yml"] = f"date: {day.isoformat()}\npapers:\n" + "".join(
            papers
        )
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("browse")
    config = (
        (REPO / "mkdocs.yml").read_text("utf-8").replace("page_size: 30", f"page_size: {PAGE_SIZE}")
    )
    assert f"page_size: {PAGE_SIZE}" in config
    project = make_project(root, extra_digests(), config_text=config)
    copy_digests(REPO / "digests", project)
    copy_digests(FIXTURES / "digests", project)
    assert project.build() == 0
    return project


def records(project: Project) -> list[dict[str, object]]:
    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    papers: list[dict[str, object]] = data["papers"]
    return papers


def html_of(project: Project, url: str) -> str:
    return (project.site / url / "index.html").read_text("utf-8")


def walk(project: Project, first: str, pattern: re.Pattern[str] = NEXT) -> list[list[str]]:
    """The paper pages listed on each page, following the pager from ``first`` (a URL
    relative to the site root): the pages in the order the pager walks them."""
    base = "https://x.test/"
    url, pages, seen = base + first, [], set()
    while True:
        assert url not in seen, f"the pager goes round in circles at {url}"
        seen.add(url)
        html = html_of(project, url.removeprefix(base))
        pages.append([urljoin(url, href).removeprefix(base) for href in TITLE_LINK.findall(html)])
        found = pattern.search(html)
        if not found:
            return pages
        url = urljoin(url, found.group(1))


def listings(project: Project) -> dict[str, list[str]]:
    """Every listing's first page -> the paper pages it should list, in order."""
    papers = records(project)
    out: dict[str, list[str]] = {"papers/": [str(p["page"]) for p in papers]}
    for kind in ("topics", "tags"):
        for p in papers:
            for slug in p[kind]:  # type: ignore[attr-defined]
                out.setdefault(f"{kind}/{slug}/", []).append(str(p["page"]))
    by_digest: dict[str, list[tuple[int, str]]] = {}
    for p in papers:
        for a in p["appearances"]:  # type: ignore[attr-defined]
            by_digest.setdefault(f"archive/{a['digest']}/", []).append((a["position"], p["page"]))
    for first, items in by_digest.items():
        out[first] = [str(page) for _, page in sorted(items)]
    # A month's or an ISO week's papers: each once, by its last appearance in the period.
    periods: dict[str, dict[str, tuple[object, ...]]] = {}
    for p in papers:
        for a in p["appearances"]:  # type: ignore[attr-defined]
            day = dt.date.fromisoformat(a["date"])
            year, week, _ = day.isocalendar()
            order = (-day.toordinal(), a["digest"], a["position"], p["id"])
            for period in (f"{day:%Y-%m}", f"{year}-W{week:02d}"):
                last = periods.setdefault(f"archive/{period}/", {}).get(str(p["page"]))
                if last is None or order < last:
                    periods[f"archive/{period}/"][str(p["page"])] = order
    for first, pages in periods.items():
        out[first] = sorted(pages, key=lambda page: pages[page])  # type: ignore[arg-type,return-value]
    return out


def test_every_listing_shows_each_of_its_papers_once_in_order(site: Project) -> None:
    expected = listings(site)
    assert len(expected) > 20
    assert {"archive/2025-03/", "archive/2025-W09/", "archive/2025-02/"} <= set(expected)
    split = 0
    for first, papers in expected.items():
        pages = walk(site, first)
        listed = [p for page in pages for p in page]
        assert listed == papers, first
        assert all(0 < len(page) <= PAGE_SIZE for page in pages), first
        # Newer walks back the same pages.
        last = walk(site, first)[-1]
        assert last == pages[-1]
        split += len(pages) > 1
    assert split >= 5  # topics, tags, digests and papers/ are split at 7 papers a page


def test_the_pager_walks_back_from_the_oldest_page(site: Project) -> None:
    html = html_of(site, "papers/")
    oldest = re.findall(r'<a href="([^"]+)">1</a>', html)
    assert oldest, "papers/ links its oldest part"
    url = urljoin("https://x.test/papers/", oldest[0]).removeprefix("https://x.test/")
    back = walk(site, url, PREV)
    forward = walk(site, "papers/")
    assert [p for page in reversed(back) for p in page] == [p for page in forward for p in page]


def test_papers_lists_every_paper_once_newest_first(site: Project) -> None:
    listed = [p for page in walk(site, "papers/") for p in page]
    assert listed == [p["page"] for p in records(site)]
    assert len(listed) == len(set(listed)) > 75 + 37  # the sample, the extra and the fixtures


def test_digest_pages_are_split_by_page_size(site: Project) -> None:
    pages = walk(site, "archive/2025-03-14-hf-papers/")
    assert [len(p) for p in pages] == [7] * 10 + [5]
    assert (site.site / "archive" / "2025-03-14-hf-papers" / "page-11" / "index.html").is_file()
    html = html_of(site, "archive/2025-03-14-hf-papers/page-2/")
    assert "<title>Digest of 2025-03-14, page 2 - paperfeed</title>" in html


def test_home_shows_the_recent_papers_of_several_digests(site: Project) -> None:
    html = html_of(site, "")
    digests = re.findall(r'<h3><a href="archive/([^"/]+)/">', html)
    # The last seven days (2025-03-26 to 2025-04-01) hold one digest of 10 papers, more
    # than page_size: that digest alone.
    assert digests == ["2025-04-01-extra"]
    listed = TITLE_LINK.findall(html)
    assert len(listed) == 10 == len(set(listed))


def test_home_falls_back_to_the_newest_page_size_papers(tmp_path: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    project = make_project(tmp_path, config_text=config)
    copy_digests(FIXTURES / "digests", project)
    project.write_digest(
        "2025-05-01-tiny.yml",
        extra_digests()["2025-03-02-extra.yml"].replace("2025-03-02", "2025-05-01"),
    )
    assert project.build() == 0
    html = html_of(project, "")
    digests = re.findall(r'<h3><a href="archive/([^"/]+)/">', html)
    assert digests[0] == "2025-05-01-tiny"
    assert len(digests) > 1  # 10 papers in the last seven days: the rest from older digests
    listed = TITLE_LINK.findall(html)
    assert len(listed) == len(set(listed)) == min(30, len(records(project))) > 10


def test_home_shows_every_digest_of_the_last_seven_days(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    copy_digests(REPO / "digests", project)
    copy_digests(FIXTURES / "digests", project)
    assert project.build() == 0
    html = html_of(project, "")
    digests = re.findall(r'<h3><a href="archive/([^"/]+)/">', html)
    # 2025-03-14 to 2025-03-18: every digest; a paper under the last digest it is in (the
    # two curated digests hold the same papers: all under the JSON one, read last).
    assert digests == [
        "2025-03-18-curated-json",
        "2025-03-17-inline-noise",
        "2025-03-16-crlf-bom",
        "2025-03-15-noisy",
        "2025-03-14-hf-papers",
    ]
    listed = TITLE_LINK.findall(html)
    assert len(listed) == len(set(listed)) == len(records(project))
    assert 'href="papers/"' in html


def test_archive_has_years_months_weeks_and_digests(site: Project) -> None:
    html = html_of(site, "archive/")
    assert re.findall(r'<h2 id="year-(\d+)"', html) == ["2025"]
    months = re.findall(r'<h3 id="month-([\d-]+)"', html)
    assert months == ["2025-04", "2025-03", "2025-02"]
    for month in months:
        assert (site.site / "archive" / month / "index.html").is_file()
    # 2025-03-02 is a Sunday (week 9, with 2025-02-26); 2025-03-03 a Monday (week 10).
    for week in ("2025-W09", "2025-W10", "2025-W11", "2025-W12", "2025-W14"):
        assert f'/archive/{week}/"' in html, week
    march = [p for page in walk(site, "archive/2025-03/") for p in page]
    week9 = [p for page in walk(site, "archive/2025-W09/") for p in page]
    assert len(march) == len(set(march))
    assert len(week9) == len(set(week9)) == 19  # 9 + 9 + the paper seen in both
    back = "papers/the-paper-that-keeps-coming-back/"
    assert Counter(march)[back] == 1 and Counter(week9)[back] == 1
    assert "<title>February 2025 - paperfeed</title>" in html_of(site, "archive/2025-02/")
    assert "Week 9 of 2025 (2025-02-24 to 2025-03-02)" in html_of(site, "archive/2025-W09/")


@pytest.mark.browser
def test_the_abstract_expander_shows_a_chevron_and_opens_from_the_keyboard(
    site: Project,
) -> None:
    """In Chromium: a visible chevron that turns, a two-line teaser that is the start of
    the abstract itself (written once), Enter and Space open and close it, and screen
    readers get a disclosure button named "Abstract" that says whether it is expanded."""
    from browser import chromium, require_browser, serve

    require_browser()
    with serve(site.site) as server, chromium() as browser:
        page = browser.new_page()
        page.goto(server.url + "topics/fine-tuning/")
        details = page.locator("details.pf-abstract").first
        summary = details.locator("summary")
        abstract = details.locator("p")
        assert details.evaluate("d => d.children.length") == 2  # the summary, the abstract
        chevron = summary.evaluate(
            "s => { const c = getComputedStyle(s, '::before');"
            " return [c.display, c.maskImage || c.webkitMaskImage, c.width, c.transform] }"
        )
        assert chevron[0] != "none" and chevron[1].startswith("url(") and chevron[2] != "0px"
        line = abstract.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)")
        shown, whole = abstract.evaluate("p => [p.clientHeight, p.scrollHeight]")
        assert details.evaluate("d => d.open") is False
        assert abstract.is_visible()
        assert line < shown <= 2 * line + 1 < whole  # two lines of a longer abstract
        assert _disclosure(page, "details.pf-abstract > summary") == ("Abstract", False)
        summary.focus()
        page.keyboard.press("Enter")
        assert details.evaluate("d => d.open") is True
        assert abstract.evaluate("p => p.clientHeight") >= whole - 1  # the whole of it
        turned = summary.evaluate("s => getComputedStyle(s, '::before').transform")
        assert turned not in ("none", chevron[3])
        assert _disclosure(page, "details.pf-abstract > summary") == ("Abstract", True)
        page.keyboard.press("Space")
        assert details.evaluate("d => d.open") is False
        assert abstract.evaluate("p => p.clientHeight") == shown


def _disclosure(page: Any, selector: str) -> tuple[str, bool]:
    """Name and expanded state of the first ``selector`` as Chromium's accessibility tree
    has it (what a screen reader is told), checking it is a disclosure button."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    (ax, *_) = cdp.send(
        "Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False}
    )["nodes"]
    assert ax["role"]["value"] == "DisclosureTriangle", ax
    expanded = {p["name"]: p["value"]["value"] for p in ax.get("properties", [])}["expanded"]
    return ax["name"]["value"], expanded
