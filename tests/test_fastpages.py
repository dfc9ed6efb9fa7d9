"""The fast path for generated pages changes nothing but the time a build takes.

Generated pages skip Markdown and are stamped into a shell rendered once per kind
of page (:mod:`generator.fastpages`). These tests build the same projects with
``fast_pages: false`` (every page through Python-Markdown and the theme template,
the way MkDocs renders any page) and compare the two sites byte for byte, and
check that every link of a built site lands on a file of it.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.utils.meta import get_data
from project import FIXTURES, REPO, Project, copy_digests, is_paper, make_project, tree_files

from generator.fastpages import quick_front_matter
from generator.render.common import front_matter

SAMPLE = REPO / "digests" / "2025-03-14-hf-papers.txt"
CONFIG = (REPO / "mkdocs.yml").read_text("utf-8")


def _config(
    *,
    fast: bool,
    directory_urls: bool = True,
    custom_dir: str | None = None,
    site_url: bool = True,
) -> str:
    text = CONFIG.replace(
        "      feed_size: 50\n",
        f"      feed_size: 50\n      page_size: 4\n      fast_pages: {str(fast).lower()}\n",
    )
    text = text.replace(
        "use_directory_urls: true", f"use_directory_urls: {str(directory_urls).lower()}"
    )
    if not site_url:  # no canonical URLs: the shells have no slot for one
        text = "".join(line for line in text.splitlines(True) if not line.startswith("site_url:"))
    if custom_dir:
        text = text.replace("  name: material\n", f"  name: material\n  custom_dir: {custom_dir}\n")
    return text


def _project(root: Path, config_text: str, overrides: dict[str, str] | None = None) -> Project:
    project = make_project(
        root, digests={SAMPLE.name: SAMPLE.read_bytes()}, config_text=config_text
    )
    copy_digests(FIXTURES / "hostile", project)
    copy_digests(FIXTURES / "digests", project, ["2025-03-15-noisy.txt"])
    for name, text in (overrides or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return project


def _stamped(err: str) -> tuple[int, int]:
    """The plugin's debug report (MkDocs' own handler prints it; its logger does not
    propagate to pytest's)."""
    m = re.search(r"(\d+) pages stamped, (\d+) rendered", err)
    assert m, f"the plugin did not report its shells: {err[-500:]}"
    return int(m.group(1)), int(m.group(2))


def _build_both(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    **options: object,
) -> tuple[dict[str, bytes], dict[str, bytes], tuple[int, int]]:
    overrides = options.pop("overrides", None)
    sites = []
    stats = (0, 0)
    for fast in (True, False):
        capsys.readouterr()
        project = _project(
            tmp_path / ("fast" if fast else "slow"),
            _config(fast=fast, **options),  # type: ignore[arg-type]
            overrides,  # type: ignore[arg-type]
        )
        with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.paperfeed"):
            assert project.build() == 0
        if fast:
            stats = _stamped(capsys.readouterr().err)
        sites.append(tree_files(project.site))
    return sites[0], sites[1], stats


@pytest.mark.parametrize(
    ("directory_urls", "site_url"), [(True, True), (False, True), (True, False)]
)
def test_fast_pages_are_byte_identical_to_rendering_through_mkdocs(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    directory_urls: bool,
    site_url: bool,
) -> None:
    fast, slow, (stamped, rendered) = _build_both(
        tmp_path, caplog, capsys, directory_urls=directory_urls, site_url=site_url
    )
    assert fast.keys() == slow.keys()
    different = [path for path in fast if fast[path] != slow[path]]
    assert not different, different[:10]
    built = [v for k, v in fast.items() if k.endswith(".html") and k != "404.html"]
    canonical = [b'rel="canonical"' in v for v in built]
    assert all(canonical) if site_url else not any(canonical)
    # The shells were used, not bypassed: most pages were stamped.
    pages = sum(1 for p in fast if p.endswith(".html"))
    assert stamped > pages * 0.8, (stamped, rendered, pages)


def test_a_theme_override_that_shows_the_page_url_falls_back_to_the_template(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shell cannot know about ``page.url``; its check against the template sees the
    difference and those pages are rendered the usual way."""
    override = (
        '{% extends "base.html" %}\n'
        '{% block content %}{{ super() }}<p class="where">{{ page.url }}</p>{% endblock %}\n'
    )
    fast, slow, (stamped, rendered) = _build_both(
        tmp_path,
        caplog,
        capsys,
        custom_dir="overrides",
        overrides={"overrides/main.html": override},
    )
    assert [p for p in fast if fast[p] != slow[p]] == []
    assert b'<p class="where">papers/' in next(
        v
        for k, v in fast.items()
        if k.startswith("papers/") and k.endswith(".html") and is_paper(k)
    )
    # Only the page a shell was made from (identical by construction) was stamped.
    assert stamped < 10 and rendered > 100, (stamped, rendered)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_python_markdown_converts_the_hand_written_pages_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated pages are HTML already: with ``fast_pages`` none goes through
    Python-Markdown, the navigation's four (home, topics, tags, archive) included, which
    the theme renders whole (the test above: the same bytes as through Markdown)."""
    import markdown

    converted: list[str] = []
    convert = markdown.Markdown.convert

    def counted(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counted)
    project = _project(tmp_path, _config(fast=True))
    (project.docs / "about.md").write_text("# About\n\nA *hand-written* page.\n", "utf-8")
    assert project.build() == 0
    assert converted == ["# About\n\nA *hand-written* page.\n"]
    for url, title in (("", "Home"), ("topics/", "Topics"), ("archive/", "Archive")):
        assert _active_tab(project.page(url)) == title, url  # the navigation's title


def test_a_nav_of_its_own_names_the_generated_pages_it_lists(tmp_path: Path) -> None:
    """With ``nav:`` in mkdocs.yml, MkDocs makes the pages it lists, with its titles."""
    nav = (
        "Start: index.md",
        "Subjects: topics/index.md",
        "about.md",
        "tags/index.md",
        "archive/index.md",
    )
    config = _config(fast=True) + "\nnav:\n" + "".join(f"  - {item}\n" for item in nav)
    project = _project(tmp_path, config)
    assert project.build() == 0
    for url, title in (("", "Start"), ("topics/", "Subjects")):
        assert _active_tab(project.page(url)) == title, url


_ACTIVE_TAB = re.compile(r'md-tabs__item--active">\s*<a [^>]*>\s*([^<]*?)\s*<')


def _active_tab(html: str) -> str | None:
    """The label of the navigation tab a page shows active."""
    found = _ACTIVE_TAB.search(html)
    return found.group(1) if found else None


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_link_of_the_built_site_lands_on_a_file_of_it(
    tmp_path: Path, directory_urls: bool
) -> None:
    project = _project(tmp_path, _config(fast=True, directory_urls=directory_urls))
    assert project.build() == 0
    site = project.site
    root = "http://127.0.0.1/site/"
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # MkDocs writes it with absolute URLs from site_url
            continue
        url = root + page.relative_to(site).as_posix()
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            target = urlsplit(urljoin(url, link))
            if target.scheme not in ("http", "https") or target.netloc != "127.0.0.1":
                continue
            assert target.path.startswith("/site/"), (page, link)
            path = site / unquote(target.path.removeprefix("/site/"))
            if target.path.endswith("/"):
                path = path / "index.html"
            if not path.is_file():
                broken.append((page.relative_to(site).as_posix(), link))
    assert not broken, broken[:10]


@given(st.text(max_size=80), st.booleans())
def test_quick_front_matter_reads_what_yaml_reads(title: str, searched: bool) -> None:
    source = front_matter(title, searched=searched) + "<h1>x</h1>\n\n<p>y</p>\n"
    quick = quick_front_matter(source)
    if quick is not None:
        assert quick == get_data(source)


def test_quick_front_matter_reads_the_pages_of_the_hostile_fixtures(tmp_path: Path) -> None:
    project = _project(tmp_path, _config(fast=True))
    assert project.build("--markdown-only") == 0
    pages = sorted(project.pages.rglob("*.md"))
    quick = 0
    for page in pages:
        source = page.read_text("utf-8")
        parsed = quick_front_matter(source)
        if parsed is not None:
            quick += 1
            assert parsed == get_data(source), page
    assert quick > len(pages) * 0.9, (quick, len(pages))
    assert quick_front_matter("---\ntitle: x\n---\n") is None
    assert quick_front_matter('---\ntitle: "x"\ntemplate: a.html\n---\n') is None


def test_a_generated_page_reads_its_body_from_its_file_and_keeps_no_copy(
    tmp_path: Path,
) -> None:
    """MkDocs reads every page before it renders the first: a generated page's Markdown
    and content are its file's text, not copies of it held until the build ends."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    from generator.mkdocs_boundary import GeneratedPage

    project = make_project(tmp_path / "p")
    config = load_config(str(project.config))
    config.plugins._current_plugin = "paperfeed"  # as while MkDocs runs an event
    body = '<p class="x">Body &amp; more</p>\n\n<p>two</p>'
    source = front_matter("A title", description="About it") + body + "\n\n"
    file = File.generated(config, "topics/x.md", content=source)
    page = GeneratedPage(None, file, config)
    assert page.markdown is None and page.content is None
    page.read_source(config)
    assert page.meta["title"] == "A title" and page.meta["description"] == "About it"
    assert page.markdown == get_data(source)[0]
    page.markdown = page.markdown  # what MkDocs does with on_page_markdown's result
    page.render(config, Files([file]))
    page.content = page.content  # and with on_page_content's
    assert page.content == body
    assert page.present_anchor_ids == set()
    # Neither is held beside the file's text.
    held = [v for v in vars(page).values() if isinstance(v, str) and body in v]
    assert held == []

    # A plugin's change is kept, and the content follows the Markdown it changed.
    page.markdown = "<p>changed</p>\n"
    page.render(config, Files([file]))
    assert (page.markdown, page.content) == ("<p>changed</p>\n", "<p>changed</p>")
    page.content = "<p>other</p>"
    assert page.content == "<p>other</p>"
    page.content = "<p>changed</p>"  # back to what the Markdown gives: not held
    assert page.content == "<p>changed</p>" and "<p>changed</p>" not in vars(page).values()

    # Read again (a new build of the preview): the file's text, not the plugin's change.
    page.read_source(config)
    page.render(config, Files([file]))
    assert page.content == body


def test_a_build_hands_mkdocs_its_pages_from_the_disk_not_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``paperfeed build`` writes the generated files before MkDocs runs and MkDocs reads
    them back: while it reads every page before rendering the first, no generated file
    holds its text (3 GB at 100,000 papers). The site and the copy are those of a build."""
    import generator.mkdocs_boundary as boundary
    from generator.mkdocs_boundary import PreviewFile
    from generator.plugin import PaperfeedPlugin
    from generator.site import BuildOptions, build

    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project)
    held: list[str] = []
    read: list[str] = []
    real_build, real_on_files = boundary.build, PaperfeedPlugin.on_files
    seen: list[Files] = []

    def on_files(self: PaperfeedPlugin, files: Files, config: MkDocsConfig) -> Files:
        seen.append(real_on_files(self, files, config))
        return seen[-1]

    def watched(config: MkDocsConfig, **options: bool) -> None:
        # Every page read and rendered: what is held now was held all along.
        real_build(config, **options)
        generated = [f for f in seen[0] if isinstance(f, PreviewFile)]
        held.extend(f.src_uri for f in generated if f._text is not None)
        read.extend(f.src_uri for f in generated if f.page is not None)

    monkeypatch.setattr(PaperfeedPlugin, "on_files", on_files)
    monkeypatch.setattr(boundary, "build", watched)
    result = build(BuildOptions(config_file=project.config))
    assert [p for p in held if p in result.generated.paths] == []
    assert held == ["assets/paperfeed.css"]  # paperfeed's style sheet: not generated
    papers = [p for p in read if p.startswith("papers/") and is_paper(p)]
    assert len(papers) == result.generated.accounting.papers_rendered > 0, read[:5]
    copy = tree_files(project.pages)
    for path in papers:
        page = (project.site / path.removesuffix(".md") / "index.html").read_text("utf-8")
        title = re.search(r"^title: (.*)$", copy[path].decode(), re.M)
        assert title and title.group(1).strip('"')[:20] in page, path


_URL_PARTS = st.sampled_from(
    ["a", "papers", "x-1", "p.html", ".", "..", ".h", "%20", "a:b", "?q", "#f", "", "~u"]
)
_BASES = st.sampled_from(
    [
        "https://example.org/feed/",
        "https://example.org/feed",
        "https://example.org",
        "HTTPS://example.org/",
        "http://Ex.org:8080/a/b/",
        "https://example.org/a/./b/",
        "https://example.org/a/../",
        "https://example.org/?q=1",
        "https://example.org/#top",
        "ftp://example.org/",
        "//example.org/",
        "example.org/",
        "",
    ]
)


@given(_BASES, st.lists(_URL_PARTS, max_size=4), st.booleans())
def test_a_generated_pages_canonical_url_is_mkdocs_own(
    base: str, parts: list[str], trailing: bool
) -> None:
    """GeneratedPage joins the strings where that is what ``urljoin`` gives, and asks
    MkDocs otherwise: the same canonical and absolute URLs either way."""
    from mkdocs.structure.pages import Page

    from generator.mkdocs_boundary import GeneratedPage

    url = "/".join(parts) + ("/" if trailing and parts else "")

    file = SimpleNamespace(url=url)  # all _set_canonical_url reads of a page
    ours, theirs = GeneratedPage.__new__(GeneratedPage), Page.__new__(Page)
    ours.file = theirs.file = file  # type: ignore[assignment]
    ours._set_canonical_url(base)
    theirs._set_canonical_url(base)
    assert vars(ours) == vars(theirs)


def test_the_canonical_url_of_a_plain_page_is_joined_not_parsed() -> None:
    from generator.mkdocs_boundary import _canonical

    assert _canonical("https://example.org/feed", "papers/x/") == (
        "https://example.org/feed/papers/x/",
        "/feed/papers/x/",
    )
    assert _canonical("https://example.org/", "") == ("https://example.org/", "/")
    assert _canonical("https://example.org/", "../x/") is None
    assert _canonical("HTTPS://example.org/", "x/") is None
