"""The whole path on the real sample: `paperfeed build` of the shipped project, strict."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from project import is_paper, shown

from generator.cli import main
from generator.ids import normalize_title

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "digests" / "2025-03-14-hf-papers.txt"

pytestmark = pytest.mark.slow


def copy_project(dest: Path) -> Path:
    """The repository's own site project (config, taxonomy, docs, default feed) in ``dest``."""
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("docs", "digests"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("sample"))
    assert main(["build", "--config", str(project / "mkdocs.yml"), "--quiet"]) == 0
    return project


def sample_titles() -> list[str]:
    out = json.loads(
        _run_json(["parse", str(SAMPLE), "--json"]),
    )
    return [p["title"] for p in out]


def _run_json(argv: list[str]) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(argv) == 0
    return buf.getvalue()


def test_the_sample_has_75_papers() -> None:
    titles = sample_titles()
    assert len(titles) == 75
    assert titles[0] == "Rich Feature Construction for the Optimization-Generalization Dilemma"
    assert titles[-1] == (
        "Intrinsic Dimensionality Explains the Effectiveness of Language Model Fine-Tuning"
    )


def test_check_reports_the_accounting(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(built / "mkdocs.yml")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^papers read: +75$", out, re.M)
    assert re.search(r"^papers rendered: +75$", out, re.M)
    no_topic = int(re.search(r"^papers with no topic: +(\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    assert no_topic <= 3


def test_every_paper_has_a_page(built: Path) -> None:
    data = json.loads((built / "site" / "papers.json").read_text("utf-8"))
    assert len(data["papers"]) == 75
    for paper in data["papers"]:
        page = built / "site" / paper["page"] / "index.html"
        assert page.is_file(), paper["title"]
        assert paper["topics"], f"{paper['title']!r} has no topic"


def test_search_index_holds_every_title(built: Path) -> None:
    index = json.loads((built / "site" / "search" / "search_index.json").read_text("utf-8"))
    indexed = {normalize_title(_text(doc["title"])) for doc in index["docs"]}
    missing = [t for t in sample_titles() if normalize_title(t) not in indexed]
    assert not missing


def _text(html_text: str) -> str:
    parser = _TextParser()
    parser.feed(html_text)
    return "".join(parser.text)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.nav_links: list[str] = []
        self._nav_depth = 0

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and "md-nav--primary" in (a.get("class") or ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        if tag == "a" and self._nav_depth and a.get("href"):
            self.nav_links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def test_atom_feed_parses(built: Path) -> None:
    feed = feedparser.parse((built / "site" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 50
    titles = set(sample_titles())
    assert {e.title for e in feed.entries} <= titles
    assert all(e.link.startswith("https://") and "/papers/" in e.link for e in feed.entries)


def test_navigation_lists_sections_not_papers(built: Path) -> None:
    parser = _TextParser()
    parser.feed(shown(built / "site", "index.html"))  # the drawer is a shared part
    assert parser.nav_links, "no primary navigation found"
    assert not [h for h in parser.nav_links if "papers/" in h]
    assert any("topics/" in h for h in parser.nav_links)
    assert any("tags/" in h for h in parser.nav_links)
    assert any("archive/" in h for h in parser.nav_links)


def test_paper_page_cross_links(built: Path) -> None:
    data = json.loads((built / "site" / "papers.json").read_text("utf-8"))
    paper = next(p for p in data["papers"] if "Diversity-Driven Synthesis" in p["title"])
    assert paper["links"] == [
        {"url": "https://github.com/AngusDujw/Diversity-Driven-Synthesis", "kind": "code"}
    ]
    html = (built / "site" / paper["page"] / "index.html").read_text("utf-8")
    assert 'href="https://github.com/AngusDujw/Diversity-Driven-Synthesis"' in html
    assert 'rel="nofollow ugc noopener"' in html
    assert len(paper["related"]) == 5
    assert "../../archive/2025-03-14-hf-papers/" in html
    for topic in paper["topics"]:
        assert f"../../topics/{topic}/" in html


def test_docs_and_generated_pages_stay_apart(built: Path) -> None:
    assert sorted(p.name for p in (built / "docs").iterdir()) == sorted(
        p.name for p in (ROOT / "docs").iterdir()
    )
    pages = built / "build" / "pages"
    assert (pages / "index.md").is_file()
    assert len([p for p in (pages / "papers").glob("*.md") if is_paper(p.name)]) == 75


def test_the_manual_is_not_on_the_site_nor_in_its_search(built: Path) -> None:
    """The project's manual (manual/*.md) stays in the repository: the paper site and its
    search hold the reader's pages only."""
    site = built / "site"
    manual = sorted((ROOT / "manual").glob("*.md"))
    stems = ["curation", "digest-formats", "security", "taxonomy", "templates"]
    assert [p.stem for p in manual] == stems
    headings = [p.read_text("utf-8").splitlines()[0].removeprefix("# ") for p in manual]
    assert headings == [
        "Curation and URLs that never break",
        "Digest formats",
        "Security and reliability",
        "The taxonomy file",
        "How papers look: template overrides",
    ]
    for path in site.rglob("*"):
        assert path.stem not in {p.stem for p in manual} or "topics" in path.parts, path
    pages = [p.read_text("utf-8") for p in site.rglob("*.html")]
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    for stem, heading in zip([p.stem for p in manual], headings, strict=True):
        assert not [d for d in index["docs"] if d["location"].startswith(stem)], stem
        assert not [d for d in index["docs"] if _text(d["title"]) == heading], heading
        assert not [p for p in pages if f"<h1>{heading}" in p or f'/{stem}/"' in p], stem
