"""Issue #3, "Trust": untrusted digest text never becomes markup.

One site is built from the hostile digests in ``tests/fixtures/hostile`` plus one
benign paper (the reference for what the theme itself puts on a paper page).
Every title, abstract, author name, note and URL is checked on the HTML pages,
in the search index, in the Atom feed and in ``papers.json``. A property test
then renders random hostile digests with the Markdown extensions of
``mkdocs.yml`` (and ``pymdownx.emoji`` on top) and checks the HTML it gives.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from project import (
    FIXTURES,
    REPO,
    Project,
    is_paper,
    make_project,
    shown,
    taxonomy_source,
)

from generator.classify import classify
from generator.feed import build_feed
from generator.ids import normalize_title
from generator.parse_structured import parse_yaml_digest
from generator.render import SiteSettings, render_site
from generator.render import math as texmath
from generator.taxonomy import load_taxonomy
from generator.text import clean_text

HOSTILE = FIXTURES / "hostile"
HOSTILE_YAML = HOSTILE / "2025-03-20-hostile.yml"
BENIGN_TITLE = "A Benign Baseline Paper on Sparse Attention"
BENIGN = f"""\
date: 2025-03-01
papers:
  - title: {BENIGN_TITLE}
    abstract: An ordinary abstract, the reference for what the theme itself puts on a page.
    authors: [Ada Lovelace]
    url: https://example.org/benign
    note: An ordinary note.
"""
# The text digest's papers, as the curator wrote them (title, abstract).
TEXT_PAPERS = [
    (
        "# Heading-looking title with MoE^2 and a_b_c",
        "> Quoted-looking abstract with $O(n^2)$, 0.07\\% and $5 and $10, plus *x*, ==y== and "
        "~z~ and :smile:.",
    ),
    (
        "| Table | looking | title |",
        "<!-- material/tags --> This abstract starts with the tags marker and holds "
        "<script>alert(1)</script>.",
    ),
    (
        '--8<-- "/etc/passwd"',
        "This abstract follows a snippet-looking title and links to "
        "https://example.com/a'onmouseover='alert(1) and javascript:alert(1).",
    ),
    (
        "{{ config }} {% raw %} Jinja-looking title",
        "<img src=x onerror=alert(1)> in an abstract next to [x](javascript:alert(1)) and "
        "data:text/html,<b>x</b> and {: .cls }.",
    ),
]

# MathML a formula may become (MathML Core's presentation elements), and the attributes
# they may keep: written out here, not taken from the module under test.
MATH_TAGS = {
    *[
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "munder",
    ],
    *["mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose"],
    *["mmultiscripts", "mprescripts", "none"],
}
MATH_ATTRIBUTES = {
    *[
        "display",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "largeop",
        "movablelimits",
        "accent",
    ],
    *[
        "accentunder",
        "symmetric",
        "displaystyle",
        "form",
        "lspace",
        "rspace",
        "width",
        "height",
        "depth",
        "voffset",
    ],
    *[
        "minsize",
        "maxsize",
        "linethickness",
        "scriptlevel",
        "columnalign",
        "rowalign",
        "columnspacing",
    ],
    *["rowspacing", "columnlines", "rowlines", "frame", "notation"],
}
MATH_NAMES = "|".join(sorted(MATH_TAGS))
MATH_ATTRIBUTE_NAMES = "|".join(sorted(MATH_ATTRIBUTES))
# Elements the generated Markdown may produce inside a page's <article>: the generator's
# own, text-mode LaTeX's (bold, italics, code) and MathML inside <math>.
ARTICLE_TAGS = {
    *MATH_TAGS,
    "em",
    "a",
    "br",
    "bdi",  # an author's name written right to left, isolated
    "button",  # the paper page's "Copy BibTeX" (type="button", no form, no script)
    "code",  # the paper page's BibTeX entry, in <pre><code>
    "details",
    "div",
    "h1",
    "h2",
    "h3",
    "hr",
    "li",
    "ol",
    "nav",
    "p",
    "pre",
    "span",
    "strong",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
# Elements that must never appear more often on a hostile page than on the benign one.
DANGEROUS = [
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "img",
    "svg",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "template",
    "video",
    "audio",
    "source",
]
SAFE_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = {"nofollow", "ugc", "noopener"}


def collapse(text: str) -> str:
    """What the generator promises to keep of a text: NFC, white space collapsed, and no
    control characters (C0, C1, BOM, bidirectional overrides), which would be invisible."""
    return clean_text(text)


def visible(text: str) -> str:
    """What a reader sees of a title or an abstract: its text, with formulas and text-mode
    LaTeX rendered (:mod:`generator.render.math`; exactly the text when it has none,
    tested in test_math.py)."""
    root, _ = parse_html(texmath.html(text))
    return collapse(root.text())


# --- a tiny DOM ----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Any:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in (n.attrs.get("class") or "").split())
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}> found"
        return found[0]

    def text(self, skip_cls: str = "headerlink") -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif skip_cls not in (child.attrs.get("class") or "").split():
                parts.append(child.text(skip_cls))
        return "".join(parts)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse_html(text: str) -> tuple[Node, list[str]]:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root, builder.comments


def assert_inert(root: Node, where: str) -> None:
    """No event handler, no script-capable URL, anywhere under ``root``."""
    for node in root.iter():
        for name, value in node.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: <{node.tag} {name}={value!r}>"
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", *SAFE_SCHEMES), f"{where}: <{node.tag} {name}={value!r}>"


def check_math(root: Node, where: str) -> None:
    """MathML only inside <math>, and only allowlisted elements and attributes there."""
    for node in root.iter():
        inside = node.tag == "math" or any(a.tag == "math" for a in _ancestors(node))
        if node.tag in MATH_TAGS - {"none"} or inside:
            assert inside, f"{where}: <{node.tag}> outside <math>"
            assert node.tag in MATH_TAGS, f"{where}: <{node.tag}> in <math>"
            extra = set(node.attrs) - MATH_ATTRIBUTES
            assert not extra, f"{where}: <{node.tag}> with {sorted(extra)}"


def _ancestors(node: Node) -> list[Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def check_article(article: Node, where: str) -> None:
    assert_inert(article, where)
    check_math(article, where)
    tags = {n.tag for n in article.iter()} - {"article", "#root"}
    assert tags <= ARTICLE_TAGS, f"{where}: unexpected elements {sorted(tags - ARTICLE_TAGS)}"
    for a in article.find_all("a"):
        href = a.attrs.get("href") or ""
        if urlsplit(href).scheme:
            rel = set((a.attrs.get("rel") or "").split())
            assert rel >= EXTERNAL_REL, f"{where}: external link without rel: {href!r}"


# --- the hostile site ----------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    project: Project
    records: dict[str, dict[str, Any]]
    """papers.json records by title."""
    expected: dict[str, dict[str, Any]]
    """What the digests say, by collapsed title."""


def _expected() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(HOSTILE_YAML.read_text("utf-8"))
    out = {}
    for paper in data["papers"]:
        out[collapse(paper["title"])] = {
            "abstract": collapse(paper["abstract"]),
            "authors": [collapse(a) for a in paper.get("authors", [])],
            "note": collapse(paper.get("note", "")),
            "url": paper.get("url"),
        }
    for title, abstract in TEXT_PAPERS:
        out[title] = {"abstract": abstract, "authors": [], "note": "", "url": None}
    out[BENIGN_TITLE] = {
        "abstract": "An ordinary abstract, the reference for what the theme itself puts on a page.",
        "authors": ["Ada Lovelace"],
        "note": "An ordinary note.",
        "url": "https://example.org/benign",
    }
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("hostile")
    digests: dict[str, str | bytes] = {p.name: p.read_bytes() for p in HOSTILE.iterdir()}
    digests["2025-03-01-benign.yml"] = BENIGN
    project = make_project(root, digests)
    assert project.build() == 0
    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    records = {p["title"]: p for p in data["papers"]}
    return Site(project, records, _expected())


def paper_html(site: Site, title: str) -> str:
    """The paper's page as the browser builds it (the parts a lean page shares in place)."""
    return site.project.shown(site.records[title]["page"])


def benign_counts(site: Site) -> Counter[str]:
    root, _ = parse_html(paper_html(site, BENIGN_TITLE))
    return Counter(n.tag for n in root.iter())


def _inline_scripts(root: Node) -> list[str]:
    return [
        n.text()
        for n in root.find_all("script")
        if "src" not in n.attrs and n.attrs.get("id") != "__config"
    ]


pytestmark = pytest.mark.slow


def test_every_paper_reaches_papers_json_with_its_exact_text(site: Site) -> None:
    assert set(site.records) == set(site.expected)
    for title, want in site.expected.items():
        record = site.records[title]
        assert record["abstract"] == want["abstract"], title
        assert record["authors"] == want["authors"], title
        assert (record["note"] or "") == want["note"], title
        assert record["url"] in (want["url"], None), title
        for link in record["links"]:
            assert urlsplit(link["url"]).scheme in ("http", "https"), link
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", record["slug"]), record["slug"]


def test_paper_pages_show_the_text_as_text(site: Site) -> None:
    for title, want in site.expected.items():
        root, _ = parse_html(paper_html(site, title))
        where = f"page of {title!r}"
        article = root.find("article")
        check_article(article, where)
        assert root.find("title").text() == f"{texmath.plain(title)} - paperfeed", where
        assert collapse(article.find("h1").text()) == visible(title), where
        assert collapse(article.find("div", "pf-abstract-text").text()) == visible(
            want["abstract"]
        ), where
        if want["note"]:
            assert collapse(article.find("div", "pf-note").text()) == want["note"], where
        if want["authors"]:
            authors = next(p for p in article.find_all("p") if p.text().startswith("Authors:"))
            assert authors.text() == "Authors: " + ", ".join(want["authors"]), where


def _element_counts(root: Node) -> Counter[str]:
    """Elements by tag; a paper page's ``citation_*`` meta tags (one per author, the arXiv
    ones only with an arXiv id: they differ from paper to paper) are counted apart."""
    return Counter(
        "citation meta" if (n.attrs.get("name") or "").startswith("citation_") else n.tag
        for n in root.iter()
    )


def test_hostile_pages_have_no_more_active_elements_than_a_benign_page(site: Site) -> None:
    reference_root, reference_comments = parse_html(paper_html(site, BENIGN_TITLE))
    reference = _element_counts(reference_root)
    scripts = _inline_scripts(reference_root)
    assert scripts, "the theme's inline scripts were not found: the reference is wrong"
    for title in site.expected:
        root, comments = parse_html(paper_html(site, title))
        counts = _element_counts(root)
        for tag in DANGEROUS:
            assert counts[tag] == reference[tag], f"{title!r}: {counts[tag]} <{tag}>"
        check_math(root, f"page of {title!r}")
        assert _inline_scripts(root) == scripts, title
        assert len(comments) == len(reference_comments), f"{title!r}: an HTML comment got in"
        assert_inert(root, f"page of {title!r}")
        assert set(_config_json(root)) == set(_config_json(reference_root)), title


def _config(root: Node) -> str:
    return next(n.text() for n in root.find_all("script") if n.attrs.get("id") == "__config")


def _config_json(root: Node) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_config(root))
    return data


def test_every_html_page_is_inert(site: Site) -> None:
    """Listings (home, topics, tags, archive) too: paper titles link text equals the title."""
    titles_by_slug = {r["slug"]: t for t, r in site.records.items()}
    pages = sorted(site.project.site.rglob("*.html"))
    assert len(pages) > len(site.records)
    reference = benign_counts(site)
    for path in pages:
        where = path.relative_to(site.project.site).as_posix()
        root, _ = parse_html(shown(site.project.site, where))
        assert_inert(root, where)
        counts = Counter(n.tag for n in root.iter())
        for tag in ("script", "iframe", "img", "object", "embed", "style", "form"):
            assert counts[tag] <= reference[tag] + (tag == "img"), f"{where}: <{tag}>"
        for article in root.find_all("article"):
            check_article(article, where)
            for a in article.find_all("a"):
                match = re.search(r"papers/([^/]+)/$", a.attrs.get("href") or "")
                if match and match.group(1) in titles_by_slug:
                    assert collapse(a.text()) == visible(titles_by_slug[match.group(1)]), where
            abstracts = {visible(w["abstract"]) for w in site.expected.values()}
            for details in article.find_all("details", "pf-abstract"):
                assert collapse(details.find("p").text()) in abstracts, where


def test_digest_title_is_text(site: Site) -> None:
    root, _ = parse_html(site.project.page("archive/2025-03-20-hostile"))
    title = "<script>alert('digest')</script> & friends"
    assert collapse(root.find("article").find("h1").text()) == title
    assert root.find("title").text() == f"{title} - paperfeed"


def test_search_index_holds_inert_text(site: Site) -> None:
    index = json.loads((site.project.site / "search" / "search_index.json").read_text("utf-8"))
    allowed = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "hr", "br"}
    by_location = {}
    for doc in index["docs"]:
        for name in ("title", "text"):
            root, comments = parse_html(doc[name])
            tags = {n.tag for n in root.iter()} - {"#root"}
            assert tags <= allowed, (doc["location"], name, tags - allowed)
            assert all(not n.attrs for n in root.iter()), (doc["location"], name)
            assert not comments, (doc["location"], name)
        by_location[doc["location"]] = doc
    for title, want in site.expected.items():
        page = site.records[title]["page"]
        title_root, _ = parse_html(by_location[page]["title"])
        assert title_root.text() == texmath.plain(title)
        abstract_root, _ = parse_html(by_location[page + "#abstract"]["text"])
        assert collapse(abstract_root.text()) == visible(want["abstract"])


def test_formulas_become_inert_mathml(site: Site) -> None:
    """The formula gallery: MathML for what converts, the source as text for what does not
    (markup inside ``\\text``, a formula too long or too deeply nested), never a link, a
    style, a class, a script or a bidirectional control."""
    title = next(t for t in site.expected if t.startswith("Formula gallery"))
    page = paper_html(site, title)
    root, _ = parse_html(page)
    article = root.find("article")
    check_article(article, "formula gallery")
    abstract = article.find("div", "pf-abstract-text")
    formulas = abstract.find_all("math")
    assert len(formulas) >= 10
    assert {f.attrs.get("display") for f in formulas} == {"inline", "block"}
    for node in list(abstract.iter())[1:]:
        assert not set(node.attrs) & {"href", "style", "class", "mathcolor", "id"}, node.tag
    shown = collapse(abstract.text())
    assert "\u202e" not in shown
    for text in ("<script>alert(1)</script>", "<img src=x onerror=alert(4)>", "click"):
        assert text in shown, text
    for text in ("\\text{<img src=x onerror=alert(5)>}", "\\sqrt{\\sqrt{", "x+x+x+x+"):
        assert text in shown, text  # shown as the source it is
    assert "naïve 0.07% bold <i>em</i> end." in shown
    heading = collapse(article.find("h1").text())  # in math, ' is a prime: ′
    assert heading == "Formula gallery: <script>alert(′f′)</script> and click"
    assert "javascript:alert(3)" in shown  # \\url{…}: its text, not a link
    assert not [a for a in article.find_all("a") if ":" in (a.attrs.get("href") or "")[:12]]


def test_atom_feed_is_well_formed_and_literal(site: Site) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    tree = ET.parse(site.project.site / "feed.xml")
    entries = tree.getroot().findall("a:entry", ns)
    assert entries
    by_url = {r["page"]: t for t, r in site.records.items()}
    seen = set()
    for entry in entries:
        href = entry.find("a:link", ns).attrib["href"]  # type: ignore[union-attr]
        assert urlsplit(href).scheme == "https"
        title = by_url[href.split("/paperfeed/", 1)[1]]
        seen.add(title)
        assert entry.find("a:title", ns).attrib["type"] == "text"  # type: ignore[union-attr]
        assert entry.findtext("a:title", namespaces=ns) == title
        assert entry.findtext("a:summary", namespaces=ns) == site.expected[title]["abstract"]
        authors = [a.text for a in entry.findall("a:author/a:name", ns)]
        assert authors == (site.expected[title]["authors"] or ["paperfeed"])
    gallery = next(t for t in site.expected if t.startswith("Payload gallery"))
    assert gallery in seen


def test_atom_feed_through_feedparser(site: Site) -> None:
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse((site.project.site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = {e.title for e in parsed.entries}
    assert titles <= set(site.expected)


def test_generated_markdown_never_carries_a_raw_payload(site: Site) -> None:
    """The Markdown copy: no '<' of the input survives outside the generator's own tags,
    and every link the generator writes goes to a page of the site or an http(s) URL."""
    href = r'(?:(?:\.\./)*[a-z0-9][^":<>]*|\./|#[a-z0-9-]+|https?://[^"<>]*|mailto:[^"<>]*)'
    own = re.compile(
        r"</?(?:h1|h2|h3|p|a|div|span|strong|bdi|br|hr|ul|ol|li|table|thead|tbody|tr|th|td"
        r"|details|summary|pre|code|button|nav)>"
        r'|<strong aria-current="page">'
        r'|<nav class="pf-pager" aria-label="Pages" data-search-exclude>'
        rf'|<a href="{href}" rel="(?:prev|next)">'
        rf'|<a href="{href}"(?: rel="nofollow ugc noopener")?>'
        r'|<a class="headerlink" href="#[a-z0-9-]+" title="Permanent link">'
        r'|<h[23] id="[a-z0-9-]+"(?: data-search-exclude)?>'
        r'|<(?:div|span|p) class="pf-[a-z-]+"(?: data-search-exclude)?>'
        r"|<(?:p|ul|ol|div|table) data-search-exclude>"  # navigation, not searched
        r'|<details class="pf-abstract">'
        r'|<div id="__skip">'  # where "Skip to content" leads
        r'|<h1 data-pagefind-meta="title\[data-title\]" data-title="[^"<>]*">'  # search title
        r'|<t[hd] style="text-align: right">'
        r'|<div class="pf-bibtex" id="bibtex" data-search-exclude><pre><code>'
        r'|<button type="button" class="md-button pf-copy" data-clipboard-target="#bibtex code"'
        r' title="Copy the BibTeX entry">'
        r"|</?(?:strong|em|code)>"  # text-mode LaTeX: \textbf, \emph, \texttt
        + rf"|</?(?:{MATH_NAMES})(?: (?:{MATH_ATTRIBUTE_NAMES})=\"[^\"<>]*\")*>"  # MathML
    )
    for path in sorted(site.project.pages.rglob("*.md")):
        text = own.sub("", path.read_text("utf-8"))
        assert "<" not in text, (path, text[text.index("<") - 40 : text.index("<") + 40])


# --- property: random hostile digests through the Markdown of mkdocs.yml ---------------------

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "MoE^2",
    "0.07\\%",
    "$O(n^2)$",
    "$5 and $10",
    "a_b_c",
    "*x*",
    "**b**",
    "==y==",
    "~z~",
    "~~s~~",
    "^^i^^",
    ":smile:",
    ":material-alert:",
    '--8<-- "/etc/passwd"',
    "{: .cls onclick=alert(1) }",
    "# ",
    "> ",
    "| a | b |",
    "<!-- material/tags -->",
    "<!--",
    "-->",
    "</title><script>",
    '"><svg onload=alert(1)>',
    "&lt;script&gt;",
    "&amp;",
    "]]>",
    "\u202e",
    "\u200b",
    "{{ config }}",
    "{% raw %}",
    "[[wikilink]]",
    "```",
    "    ",
    "\n",
    "\n\n",
    "\n---\n",
    "!!! note",
    "/// details",
    "[^1]",
    "*[HTML]: x",
    "<https://x.example>",
    "https://example.com/?q=<b>",
    "mailto:x@example.com",
    "\\",
    "`",
    "&#x6a;avascript:",
]
INVISIBLE = "\ufeff\u2028\u2029"
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(
            st.characters(exclude_categories=("Cs",)),
            max_size=12,
        ),
    ),
    min_size=1,
    max_size=8,
).map("".join)


def _has_letters(text: str) -> bool:
    """Valid digest text: something is left once control characters and spaces go."""
    return bool(clean_text(text))


papers_strategy = st.lists(
    st.fixed_dictionaries(
        {"title": hostile_text.filter(_has_letters), "abstract": hostile_text.filter(_has_letters)},
        optional={
            "authors": st.lists(hostile_text.filter(_has_letters), min_size=1, max_size=3),
            "note": hostile_text.filter(_has_letters),
        },
    ),
    min_size=1,
    max_size=4,
)


def _markdown_config(emoji: bool) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    extensions: list[Any] = []
    configs: dict[str, dict[str, Any]] = {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        extensions.append(name)
        if options:
            configs[name] = dict(options)
    if emoji:
        extensions.append("pymdownx.emoji")
    return extensions, configs


class _Converter:
    def __init__(self, emoji: bool) -> None:
        extensions, configs = _markdown_config(emoji)
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)

    def __call__(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)


CONVERTERS = {False: _Converter(False), True: _Converter(True)}
TAXONOMY = load_taxonomy(taxonomy_source())


def _render(papers: list[dict[str, Any]]) -> tuple[Any, dict[str, str]]:
    text = yaml.safe_dump({"date": "2025-03-20", "papers": papers}, allow_unicode=False)
    text = text.replace("date: '2025-03-20'", "date: 2025-03-20")
    digest = parse_yaml_digest(text, "d.yml", dt.date(2025, 3, 20), "2025-03-20")
    feed = build_feed([digest])
    classes = classify(feed, TAXONOMY)
    files = render_site(feed, TAXONOMY, classes, SiteSettings(site_url="https://x.example/"))
    return feed, files


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(papers=papers_strategy, emoji=st.booleans())
def test_random_hostile_digests_render_inert(papers: list[dict[str, Any]], emoji: bool) -> None:
    feed, files = _render(papers)
    # Papers in == papers out (titles equal up to case and Unicode form are one paper,
    # unless their abstracts clearly differ: then each one kept apart is a warning; one
    # listed again in the digest is a warning too, and no paper more).
    pages = [p for p in files if p.startswith("papers/") and is_paper(p)]
    assert len(pages) == len(feed.papers)
    keys = {normalize_title(clean_text(p["title"])) or clean_text(p["title"]) for p in papers}
    apart = [w for w in feed.warnings if w.message.endswith("kept as a paper of its own")]
    assert len(feed.papers) == len(keys) + len(apart)
    convert = CONVERTERS[emoji]
    for paper in feed.papers:
        source = files[f"papers/{paper.slug}.md"]
        body, meta = get_data(source)
        assert meta.get("title"), f"front matter lost: {source[:200]!r}"
        title_root, _ = parse_html(meta["title"])
        assert title_root.text() == texmath.plain(paper.title)
        root, comments = parse_html(convert(body))
        assert not comments
        check_article(root, f"papers/{paper.slug}.md")
        assert not (root.find_all("script") or root.find_all("img")), source
        assert collapse(root.find("h1").text()) == visible(paper.title)
        assert collapse(root.find("div", "pf-abstract-text").text()) == visible(paper.abstract)
        if paper.note:
            assert collapse(root.find("div", "pf-note").text()) == collapse(paper.note)
    # Every input title is on a page (the newest spelling wins when two merge).
    shown = {normalize_title(p.title) or p.title for p in feed.papers}
    assert keys == shown
    for path, text in files.items():
        if path.endswith(".md") and not (path.startswith("papers/") and is_paper(path)):
            body, _ = get_data(text)
            check_article(parse_html(convert(body))[0], path)


def test_listing_markdown_with_emoji_enabled_is_inert() -> None:
    """The fixture digests through the listing pages with the emoji extension on."""
    data = yaml.safe_load(HOSTILE_YAML.read_text("utf-8"))
    _, files = _render(data["papers"])
    for emoji in (False, True):
        for path, text in files.items():
            if path.endswith(".md"):
                body, meta = get_data(text)
                assert meta.get("title"), path
                root, comments = parse_html(CONVERTERS[emoji](body))
                check_article(root, path)
                assert not comments, path


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_noncharacter_in_a_title_keeps_the_front_matter(char: str) -> None:
    _, files = _render([{"title": f"Non {char} character", "abstract": "An abstract."}])
    page = next(
        text for path, text in files.items() if path.startswith("papers/") and is_paper(path)
    )
    body, meta = get_data(page)
    assert meta.get("title"), page
    assert not body.startswith("---")


@pytest.mark.parametrize("char", list(INVISIBLE))
def test_parser_and_renderer_agree_on_invisible_characters(char: str) -> None:
    feed, files = _render([{"title": f"Title{char}", "abstract": f"Abstract{char}."}])
    (paper,) = feed.papers
    body, _ = get_data(files[f"papers/{paper.slug}.md"])
    root, _ = parse_html(CONVERTERS[False](body))
    assert collapse(root.find("h1").text()) == paper.title
