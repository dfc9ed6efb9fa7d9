"""The renderer's building blocks: links, parts of long listings, the Atom feed."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from project import make_project

from generator.feed import build_feed
from generator.model import Classification, Digest, Entry, Taxonomy, Topic
from generator.render import SiteSettings, feeds, iter_site, render_site
from generator.render.browse import number, plural
from generator.render.common import listing_path, page_url, rel
from generator.render.listing import Where, pager, parts_of

ROOT = Path(__file__).resolve().parent.parent
segment = st.text("abc", min_size=1, max_size=3)
page_path = st.lists(segment, min_size=1, max_size=4).map(lambda p: "/".join(p) + ".md")


@given(page_path, page_path | st.sampled_from(["index.md", "feed.xml"]), st.booleans())
def test_rel_reaches_the_page_built_from_the_target(src: str, dst: str, dirs: bool) -> None:
    """Followed from the URL of the page built from ``src``, the link lands on the URL of
    the page built from ``dst`` (``papers/x/`` or ``papers/x.html``)."""
    link = rel(src, dst, dirs)
    assert link and not link.startswith("/")
    root = "https://x.example/site/"
    assert urljoin(root + page_url(src, dirs), link) == root + page_url(dst, dirs)


def test_page_urls_are_the_ones_mkdocs_gives() -> None:
    assert page_url("index.md") == ""
    assert page_url("topics/index.md") == "topics/"
    assert page_url("papers/x.md") == "papers/x/"
    assert page_url("papers/x.md", directory_urls=False) == "papers/x.html"
    assert page_url("topics/index.md", directory_urls=False) == "topics/index.html"
    assert page_url("feed.xml") == "feed.xml"
    assert rel("index.md", "index.md") == "./"


def feed_of(n: int) -> tuple[object, Taxonomy, Classification]:
    entries = tuple(Entry(f"Paper number {i}", "An abstract.", i + 1) for i in range(n))
    digest = Digest("d.yml", dt.date(2025, 3, 14), "d", entries)
    feed = build_feed([digest])
    taxonomy = Taxonomy((Topic("all", "All"),), (), "all")
    classes = Classification(topics={p.id: ("all",) for p in feed.papers})
    return feed, taxonomy, classes


def test_long_listings_are_split_into_parts_that_never_change() -> None:
    titles = [f"p{i}" for i in range(100)]
    newest_first = list(reversed(titles))
    parts = parts_of(newest_first, 30)  # type: ignore[arg-type]
    assert [n for n, _ in parts] == [0, 3, 2, 1]  # in reading order: newest first
    assert list(parts[0][1]) == newest_first[:30]
    assert list(parts[3][1]) == list(reversed(titles[:30]))  # part 1: the oldest thirty
    assert list(parts[1][1]) == list(reversed(titles[60:70]))  # part 3: what is left
    assert [p for _, chunk in parts for p in chunk] == newest_first  # each once, in order
    more = parts_of(list(reversed([*titles, "p100", "p101"])), 30)  # type: ignore[arg-type]
    assert more[2:] == parts[2:], "full parts changed when papers were added"


@given(st.integers(0, 200), st.integers(1, 40))
def test_every_paper_is_on_one_page_in_order(n: int, size: int) -> None:
    newest_first = list(range(n, 0, -1))
    parts = parts_of(newest_first, size)  # type: ignore[arg-type]
    assert [p for _, chunk in parts for p in chunk] == newest_first
    assert all(len(chunk) <= size for _, chunk in parts)
    assert len(parts[0][1]) == min(n, size)
    assert [part for part, _ in parts] == [0, *range(len(parts) - 1, 0, -1)]


def test_full_parts_of_a_growing_listing_are_rendered_the_same() -> None:
    """Papers added to a topic change its index and newest parts, never an older part's
    page (content or pager): a new digest rewrites few files."""

    def site(days: int) -> dict[str, str | bytes]:
        digests = [
            Digest(
                f"d{day}.yml",
                dt.date(2025, 3, 1 + day),
                f"d{day}",
                tuple(Entry(f"Paper {day}-{i}", "An abstract.", i + 1) for i in range(25)),
            )
            for day in range(days)
        ]
        feed = build_feed(digests)
        taxonomy = Taxonomy((Topic("all", "All"),), (), "all")
        classes = Classification(topics={p.id: ("all",) for p in feed.papers})
        return render_site(feed, taxonomy, classes, SiteSettings(page_size=10))

    before, after = site(4), site(6)  # 100 papers: the first page and 9 parts; then 14
    parts = [listing_path("topics", "all", n) for n in range(1, 16)]
    assert [p in before for p in parts] == [True] * 9 + [False] * 6
    assert [p in after for p in parts] == [True] * 14 + [False]
    # The three newest parts' pagers link to newer parts now; their papers are the same.
    assert [after[p] == before[p] for p in parts[:9]] == [True] * 6 + [False] * 3
    assert "All, part 1 (oldest)" in str(after[parts[0]])


def test_pager_links_neighbours_not_every_part() -> None:
    text = pager(Where.of("topics", "x"), 50, 100)
    assert text.count("<a ") < 12
    assert all(f'/topics/x/page-{n}/"' in text for n in (1, 48, 49, 51, 52))
    assert '<a href="../../../topics/x/page-51/" rel="prev">← Newer</a>' in text
    assert '<a href="../../../topics/x/page-49/" rel="next">Older →</a>' in text
    assert '<a href="../../../topics/x/">Newest</a>' in text
    first = pager(Where.of("topics", "x"), 0, 100)
    assert '<strong aria-current="page">Newest</strong>' in first
    assert '<a href="../../topics/x/page-100/" rel="next">Older →</a>' in first
    assert 'rel="prev"' not in first
    last = pager(Where.of("topics", "x"), 100, 100)
    assert '<a href="../../../topics/x/page-1/" rel="next">' not in last
    assert '<a href="../../../topics/x/" rel="prev">← Newer</a>' in last


def test_a_big_topic_is_split_and_every_paper_is_listed_once_in_the_parts() -> None:
    feed, taxonomy, classes = feed_of(95)
    files = render_site(feed, taxonomy, classes, SiteSettings(page_size=30))  # type: ignore[arg-type]
    parts = [p for p in files if p.startswith("topics/all/") and p.endswith(".md")]
    assert sorted(parts) == [listing_path("topics", "all", n) for n in (0, 1, 2, 3)]
    order = [listing_path("topics", "all", n) for n in (0, 3, 2, 1)]  # as Older → walks them
    listed = [t for p in order for t in re.findall(r'/papers/([^/"]+)/">', str(files[p]))]
    assert listed == [p.slug for p in feed.papers]  # type: ignore[attr-defined]


def test_atom_feed_is_well_formed_with_hostile_and_odd_characters() -> None:
    entries = (Entry("A \ufffe <b>&amp;</b> \x01 title", "]]> <![CDATA[ x", 1),)
    feed = build_feed([Digest("d.yml", dt.date(2025, 3, 14), "d", entries)])
    taxonomy = Taxonomy((Topic("all", "All"),), (), "all")
    files = render_site(feed, taxonomy, Classification(), SiteSettings())
    root = ET.fromstring(files["feed.xml"].encode("utf-8"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:entry/a:summary", ns).text == "]]> <![CDATA[ x"  # type: ignore[union-attr]


def test_a_hand_written_page_in_the_way_of_a_generated_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = ROOT / "digests" / "2025-03-14-hf-papers.txt"
    project = make_project(
        tmp_path, digests={sample.name: sample.read_bytes()}, docs={"papers/mine.md": "# Mine\n"}
    )
    assert project.build() == 1
    err = capsys.readouterr().err
    assert "these files in the docs folder are in the way of generated pages" in err
    assert "papers/mine.md" in err
    assert not (tmp_path / "site").exists()


def test_papers_json_is_one_json_document_written_a_paper_at_a_time() -> None:
    feed, taxonomy, classes = feed_of(5)
    files = render_site(feed, taxonomy, classes, SiteSettings())  # type: ignore[arg-type]
    data = json.loads(files["papers.json"])
    assert [p["title"] for p in data["papers"]] == [p.title for p in feed.papers]  # type: ignore[attr-defined]
    whole = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert files["papers.json"] == whole.encode("utf-8")


def test_papers_json_comes_in_pieces_that_make_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a writer gets: pieces of about ``CHUNK`` bytes, never the whole file at once."""
    feed, taxonomy, classes = feed_of(40)
    whole = render_site(feed, taxonomy, classes, SiteSettings())["papers.json"]  # type: ignore[arg-type]
    monkeypatch.setattr(feeds, "CHUNK", 1000)
    pieces = dict(iter_site(feed, taxonomy, classes, SiteSettings()))["papers.json"]  # type: ignore[arg-type]
    assert not isinstance(pieces, str | bytes)
    parts = list(pieces)
    assert len(parts) > 5
    assert all(len(part) < 1000 + 4000 for part in parts)
    assert b"".join(parts) == whole


def test_counts_read_as_english_with_thousands_separated() -> None:
    assert plural(1, "paper") == "1 paper"
    assert plural(0, "paper") == "0 papers"
    assert plural(75, "digest") == "75 digests"
    assert plural(10075, "paper") == "10,075 papers"
    assert plural(1234567, "paper") == "1,234,567 papers"
    assert number(4320) == "4,320" and number(62) == "62"  # the topics' and tags' counts


def test_teasers_in_listings_show_formulas_as_mathml() -> None:
    """Tag, month and week listings show a teaser of the abstract: its formulas were shown
    as TeX (``$O(n^2)$``) under a title of MathML. They are MathML now, never cut."""
    abstract = (
        "We show that attention costs $O(n^2)$ in general but $\\mathcal{O}(n \\log n)$ with"
        " our method. " + "More words follow here. " * 10
    )
    entries = (Entry("Fast $O(n)$ attention", abstract, 1),)
    feed = build_feed([Digest("d.yml", dt.date(2025, 1, 15), "d", entries)])
    taxonomy = Taxonomy((Topic("all", "All"),), (), "all")
    paper = feed.papers[0]
    classes = Classification(topics={paper.id: ("all",)}, tags={paper.id: ("speed",)})
    files = render_site(feed, taxonomy, classes, SiteSettings())
    listings = ["archive/2025-01/index.md", "archive/2025-W03/index.md", "tags/speed/index.md"]
    for path in listings:
        page = str(files[path])
        teaser = re.search(r'<p class="pf-teaser">(.*?)</p>', page)
        assert teaser, (path, page)
        shown = teaser.group(1)
        assert "$" not in shown and "\\" not in shown, shown
        assert shown.startswith('We show that attention costs <math display="inline">')
        assert shown.count("<math") == shown.count("</math>") == 2
        assert "<mi>log</mi>" in shown and shown.endswith("…")
        ET.fromstring(f"<p>{shown.replace('…', '')}</p>")  # well-formed: no formula cut


def test_a_paper_pages_heading_names_its_search_title_only_with_a_formula() -> None:
    """The result title Pagefind shows (formulas as written), where its reading of the
    heading would differ (MathML's text); no byte more for a title without a formula."""
    entries = (Entry('Fast $O(n)$ "attention"', "An abstract.", 1), Entry("Plain", "A.", 2))
    feed = build_feed([Digest("d.yml", dt.date(2025, 1, 15), "d", entries)])
    taxonomy = Taxonomy((Topic("all", "All"),), (), "all")
    classes = Classification(topics={p.id: ("all",) for p in feed.papers})
    files = render_site(feed, taxonomy, classes, SiteSettings())
    fast, plain = (str(files[f"papers/{p.id}.md"]) for p in feed.papers)
    assert '<h1 data-pagefind-meta="title[data-title]" data-title="Fast $O(n)$ &#34;attention' in (
        fast
    )
    assert "\n<h1>Plain</h1>\n" in plain
