"""Feeds and page metadata (issue 13): an Atom feed per topic that feedparser reads, entry
ids that survive a new site_url or page slug, the feeds' autodiscovery links in every
page's head, a meta description per page and OpenGraph title, description and URL."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from project import FIXTURES, REPO, Project, copy_digests, make_project

from generator.model import Appearance, Paper
from generator.render.feeds import entry_id
from generator.render.meta import first_sentence

pytestmark = pytest.mark.slow

HOSTILE = """\
date: 2025-03-22
papers:
  - title: "Quotes \\" and <b>tags</b> & friends in a title"
    abstract: "First one, \\"quoted\\" and </title><script>alert(1)</script> inside. The second."
"""


class Head(HTMLParser):
    """The ``<link>`` and ``<meta>`` elements of a page's head, attributes unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.metas: list[dict[str, str]] = []
        self.in_head = False
        self.scripts_in_head = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag == "link":
            self.links.append(values)
        elif self.in_head and tag == "meta":
            self.metas.append(values)
        elif self.in_head and tag == "script" and "src" not in values:
            self.scripts_in_head += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False

    def meta(self, key: str) -> list[str]:
        return [m["content"] for m in self.metas if key in (m.get("name"), m.get("property"))]

    def feeds(self) -> list[str]:
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
        ]


def head(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


def build(root: Path, site_url: str = "https://example.org/feed/", fast: bool = True) -> Project:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", config)
    if not fast:
        config = config.replace(
            "      page_size: 30\n", "      page_size: 30\n      fast_pages: false\n"
        )
        assert "fast_pages: false" in config
    project = make_project(root, {"2025-03-22-hostile.yml": HOSTILE}, config_text=config)
    copy_digests(REPO / "digests", project)
    copy_digests(FIXTURES / "digests", project)
    assert project.build() == 0
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build(tmp_path_factory.mktemp("meta"))


def records(project: Project) -> list[dict[str, object]]:
    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    papers: list[dict[str, object]] = data["papers"]
    return papers


def topics(project: Project) -> list[dict[str, str]]:
    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    found: list[dict[str, str]] = data["topics"]
    return found


def test_every_topic_has_an_atom_feed_feedparser_reads(site: Project) -> None:
    papers = records(site)
    for topic in topics(site):
        path = site.site / "topics" / topic["slug"] / "feed.xml"
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (topic["slug"], parsed.get("bozo_exception"))
        members = [p for p in papers if topic["slug"] in p["topics"]][:50]  # type: ignore[operator]
        assert [e.title for e in parsed.entries] == [p["title"] for p in members], topic
        assert parsed.feed.title == f"paperfeed: {topic['name']}"
        assert parsed.feed.link == f"https://example.org/feed/topics/{topic['slug']}/"
        assert [e.link for e in parsed.entries] == [
            f"https://example.org/feed/{p['page']}" for p in members
        ]


def test_the_site_feed_and_the_topic_feeds_give_a_paper_the_same_entry_id(site: Project) -> None:
    ids = {e.link: e.id for e in feedparser.parse(site.site / "feed.xml").entries}
    assert len(ids) == 50 and all(i.startswith("urn:uuid:") for i in ids.values())
    assert len(set(ids.values())) == 50
    for topic in topics(site):
        for e in feedparser.parse(site.site / "topics" / topic["slug"] / "feed.xml").entries:
            assert ids.get(e.link, e.id) == e.id


def test_entry_ids_survive_a_new_site_url(site: Project, tmp_path: Path) -> None:
    moved = build(tmp_path, site_url="https://papers.example.com/")
    before = [e.id for e in feedparser.parse(site.site / "feed.xml").entries]
    after = [e.id for e in feedparser.parse(moved.site / "feed.xml").entries]
    assert before == after
    links = [e.link for e in feedparser.parse(moved.site / "feed.xml").entries]
    assert all(link.startswith("https://papers.example.com/papers/") for link in links)


def test_entry_ids_survive_a_new_slug() -> None:
    day = (Appearance(dt.date(2025, 3, 14), "d", 1),)
    a = Paper(id="2503.00001", slug="arxiv-2503-00001", title="A", abstract="", appearances=day)
    b = Paper(id="2503.00001", slug="renamed", title="A (v2)", abstract="", appearances=day)
    a = Paper(**{**a.__dict__, "arxiv_id": "2503.00001"})
    b = Paper(**{**b.__dict__, "arxiv_id": "2503.00001"})
    assert entry_id(a) == entry_id(b)
    c = Paper(id="x", slug="x", title="Some Title!", abstract="", appearances=day)
    d = Paper(id="x-2", slug="x-2", title="some  title", abstract="", appearances=day)
    assert entry_id(c) == entry_id(d)  # the same paper to the feed's merge rules
    assert entry_id(a) != entry_id(c)
    assert re.fullmatch(
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", entry_id(a)
    )


def test_every_page_links_the_site_feed_and_a_topic_page_its_own(site: Project) -> None:
    pages = sorted(site.site.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        if path.name == "404.html":
            continue
        where = path.relative_to(site.site).as_posix()
        feeds = head(path.read_text("utf-8")).feeds()
        depth = where.count("/")
        assert feeds[0] == "../" * depth + "feed.xml", where
        if re.fullmatch(r"topics/[^/]+/(?:page-\d+/)?index\.html", where):
            slug = where.split("/")[1]
            assert feeds[1:] == ["../" * depth + f"topics/{slug}/feed.xml"], where
        else:
            assert feeds[1:] == [], where
    home = head((site.site / "index.html").read_text("utf-8"))
    assert home.feeds() == ["feed.xml"]


def test_meta_description_and_opengraph(site: Project) -> None:
    papers = {p["title"]: p for p in records(site)}
    paper = papers["Rich Feature Construction for the Optimization-Generalization Dilemma"]
    page = head(site.page(str(paper["page"])))
    [description] = page.meta("description")
    assert description == first_sentence(str(paper["abstract"]))
    assert description.endswith(".") and description in str(paper["abstract"])
    assert page.meta("og:description") == [description]
    assert page.meta("og:title") == [paper["title"]]
    assert page.meta("og:url") == [f"https://example.org/feed/{paper['page']}"]
    topic = next(t for t in topics(site) if t["slug"] == "fine-tuning")
    page = head(site.page("topics/fine-tuning/"))
    assert page.meta("description") == [
        "Adapting pre-trained models to tasks and domains, instruction tuning, forgetting."
    ]
    assert page.meta("og:title") == [topic["name"]]
    home = head(site.page(""))
    assert home.meta("description") == [
        "Research papers, collected day by day and sorted by topic."
    ]
    assert home.meta("og:url") == ["https://example.org/feed/"]
    descriptions = {
        head(p.read_text("utf-8")).meta("description")[0]
        for p in (site.site / "papers").glob("*/index.html")
    }
    assert len(descriptions) > 70  # a description per paper, not the site's


def test_hostile_text_in_the_head_stays_text(site: Project) -> None:
    paper = next(p for p in records(site) if str(p["title"]).startswith("Quotes"))
    html = site.page(str(paper["page"]))
    page = head(html)
    assert page.scripts_in_head == head(site.page("")).scripts_in_head
    assert page.meta("description") == [
        'First one, "quoted" and </title><script>alert(1)</script> inside.'
    ]
    assert page.meta("og:title") == [paper["title"]]
    assert "<script>alert(1)" not in html


def test_first_sentence() -> None:
    assert first_sentence("We study X, e.g. in 3.5 settings. Then Y.") == (
        "We study X, e.g. in 3.5 settings."
    )
    assert first_sentence("Fig. 1. Too short. The rest follows here.") == (
        "Fig. 1. Too short. The rest follows here."
    )
    assert first_sentence("Table 2 shows much more. The rest.") == "Table 2 shows much more."
    assert first_sentence("No full stop at all") == "No full stop at all"
    long = "word " * 100
    assert first_sentence(long).endswith("…") and len(first_sentence(long)) <= 301


def test_fast_pages_give_the_same_head(site: Project, tmp_path: Path) -> None:
    slow = build(tmp_path, fast=False)
    for url in ("", "topics/fine-tuning/", "papers/", "archive/2025-03/"):
        assert slow.page(url) == site.page(url), url
    paper = next(iter(sorted((site.site / "papers").glob("arxiv-*/index.html"))))
    rel = paper.relative_to(site.site)
    assert (slow.site / rel).read_text("utf-8") == paper.read_text("utf-8")
