"""A site owner changes how a paper looks the MkDocs way: a template in the theme's custom_dir.

``overrides/paperfeed/paper_entry.html`` replaces the entry of every listing (home, topics,
tags, archive, all papers) and ``overrides/paperfeed/paper_page.html`` the body of every
paper's page, in ``paperfeed build`` and in the ``--markdown-only`` project alike; what
they print is escaped as paperfeed's own templates print it; a template that does not
compile or fails names its file and line and nothing is published; a changed template is
never served from the build cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project import REPO, Project, make_project, run_module, subprocess_env, tree_hash

DIGEST = """\
date: 2025-03-18
papers:
  - title: "LoRA: Low-Rank Adaptation of Large Language Models"
    abstract: "We propose Low-Rank Adaptation, which freezes the pre-trained model weights."
    arxiv: 2106.09685
    authors: [Edward Hu, Yelong Shen]
    tags: [lora]
  - title: "<script>alert('entry')</script> Sparse mixture of experts"
    abstract: "A mixture of experts (MoE) layer routes each token; <b>bold</b> & more."
    authors: ["Ada <img src=x onerror=alert(1)> Lovelace"]
  - title: Diffusion models beat GANs on image synthesis
    abstract: "Diffusion models for image generation, with a denoising objective."
"""

ENTRY = """\
{# The owner's entry: one line a paper. #}
<div class="owner-entry" data-search-exclude><a href="{{ url }}">{{ paper.title }}</a>
by {{ paper.authors|join(", ") or "nobody" }}, {{ date }}</div>
"""

PAGE = """\
<h1 class="owner-page">{{ title }}</h1>

<p>{{ paper.abstract }}</p>
"""

ENTRY_MARK = 'class="owner-entry"'
PAGE_MARK = 'class="owner-page"'


def _config(custom_dir: str | None) -> str:
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    if custom_dir is None:
        return text
    themed = text.replace("  name: material\n", f"  name: material\n  custom_dir: {custom_dir}\n")
    assert themed != text
    return themed


def _project(
    root: Path, templates: dict[str, str] | None, *, custom_dir: str | None = "overrides"
) -> Project:
    project = make_project(root, {"2025-03-18.yml": DIGEST}, config_text=_config(custom_dir))
    if custom_dir is not None:
        folder = project.root / custom_dir
        folder.mkdir()
        for name, text in (templates or {}).items():
            (folder / "paperfeed").mkdir(exist_ok=True)
            (folder / "paperfeed" / name).write_text(text, "utf-8")
    return project


def _html_pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}


def _listings(pages: dict[str, str]) -> dict[str, str]:
    """The pages that list papers (home, topics, tags, archive, all papers)."""
    return {
        path: text
        for path, text in pages.items()
        if path == "index.html"
        or re.match(r"(topics|tags|archive)/[^/]+/(page-\d+/)?index\.html$", path)
        or re.match(r"papers/(page-\d+/)?index\.html$", path)
    }


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = _project(tmp_path_factory.mktemp("plain") / "p", None, custom_dir=None)
    assert project.build() == 0
    return project


@pytest.mark.slow
def test_an_entry_override_changes_every_paper_entry_and_nothing_else(
    tmp_path: Path, plain: Project
) -> None:
    project = _project(tmp_path / "p", {"paper_entry.html": ENTRY})
    assert project.build() == 0
    pages = _html_pages(project.site)
    before = _html_pages(plain.site)
    listings = _listings(pages)
    assert {"index.html", "papers/index.html", "tags/lora/index.html"} <= set(listings)
    for path, text in listings.items():
        assert 'class="pf-item"' not in text, path
        assert text.count(ENTRY_MARK) == before[path].count('class="pf-item"') > 0, path
    assert pages["index.html"].count(ENTRY_MARK) == 3
    # What the owner's template prints is escaped (Jinja's autoescape): the title and
    # the author are text.
    home = pages["index.html"]
    assert "&lt;script&gt;alert(&#39;entry&#39;)&lt;/script&gt; Sparse" in home
    assert "Ada &lt;img src=x onerror=alert(1)&gt; Lovelace" in home
    assert "<script>alert" not in home and "<img src=x" not in home
    # A paper's page shows no entry: it is the same as without the override.
    papers = [p for p in pages if re.match(r"papers/[a-z0-9-]+/index\.html$", p)]
    assert len(papers) == 3
    for path in papers:
        assert pages[path] == before[path], path


@pytest.mark.slow
def test_a_page_override_changes_every_paper_page(tmp_path: Path, plain: Project) -> None:
    project = _project(tmp_path / "p", {"paper_page.html": PAGE})
    assert project.build() == 0
    pages = _html_pages(project.site)
    papers = sorted(p for p in pages if re.match(r"papers/[a-z0-9-]+/index\.html$", p))
    assert len(papers) == 3
    for path in papers:
        assert pages[path].count(PAGE_MARK) == 1, path
        assert 'id="appearances"' not in pages[path]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in "".join(pages[p] for p in papers)
    listings = _listings(pages)
    for path, text in listings.items():
        assert text == _html_pages(plain.site)[path], path  # entries as they were


@pytest.mark.slow
def test_a_custom_dir_without_paperfeed_templates_changes_nothing(
    tmp_path: Path, plain: Project
) -> None:
    project = _project(tmp_path / "p", None)
    assert project.build() == 0
    assert tree_hash(project.pages) == tree_hash(plain.pages)
    assert _html_pages(project.site) == _html_pages(plain.site)


def _outputs(project: Project) -> dict[str, str]:
    """A hash of each thing a build writes: site, Markdown copy, project, published.txt."""
    return {
        name: tree_hash(folder)
        for name, folder in (
            ("site", project.site),
            ("pages", project.pages),
            ("out", project.root / "out"),
            ("published", project.root / "published.txt"),
        )
    }


BROKEN = [
    pytest.param("<div>\n{{ title }\n</div>\n", 2, "unexpected '}'", id="syntax"),
    pytest.param(
        "<div>\n{% if url %}\n{{ paper.titel }}\n{% endif %}\n</div>\n",
        3,
        "has no attribute 'titel'",
        id="undefined",
    ),
    pytest.param(
        '<div>{% include "paperfeed/missing.html" %}</div>\n',
        1,
        "'paperfeed/missing.html' not found",
        id="missing-include",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("template", "line", "message"), BROKEN)
@pytest.mark.parametrize("markdown_only", [False, True], ids=["site", "markdown-only"])
def test_a_broken_override_names_its_file_and_line_and_publishes_nothing(
    tmp_path: Path, template: str, line: int, message: str, markdown_only: bool
) -> None:
    project = _project(tmp_path / "p", {"paper_entry.html": ENTRY})
    assert project.build() == 0
    assert project.build("--markdown-only", "--pages-dir", str(project.root / "out")) == 0
    kept = _outputs(project)
    published = (project.root / "published.txt").read_bytes()
    (project.root / "overrides" / "paperfeed" / "paper_entry.html").write_text(template, "utf-8")
    args = ["build", "--config", str(project.config), "--quiet"]
    if markdown_only:
        args += ["--markdown-only", "--pages-dir", str(project.root / "out")]
    result = run_module(*args, cwd=project.root)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"overrides/paperfeed/paper_entry.html:{line}: template error: ")
    assert message in first
    assert result.stderr.splitlines()[-1] == "paperfeed: 1 error; nothing was written"
    after = _outputs(project)
    assert after == kept
    assert (project.root / "published.txt").read_bytes() == published


@pytest.mark.slow
def test_a_changed_override_is_never_served_from_the_build_cache(tmp_path: Path) -> None:
    """The pages the build cache remembers (``--markdown-only`` and ``serve`` use it) are made
    again when a template of the custom_dir changes."""
    project = _project(tmp_path / "p", {"paper_entry.html": ENTRY})
    out = project.root / "out"
    assert project.build("--markdown-only", "--pages-dir", str(out)) == 0
    docs = out / "docs"
    first = {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in docs.rglob("*.md")}
    listed = {path for path, text in first.items() if ENTRY_MARK in text}
    assert {"index.md", "papers/index.md", "tags/lora/index.md"} <= listed
    template = project.root / "overrides" / "paperfeed" / "paper_entry.html"
    template.write_text(ENTRY.replace("owner-entry", "owner-entry-2"), "utf-8")
    assert project.build("--markdown-only", "--pages-dir", str(out)) == 0
    for path in sorted(listed):
        text = (docs / path).read_text("utf-8")
        assert 'class="owner-entry-2"' in text and ENTRY_MARK not in text, path


@pytest.mark.slow
def test_the_markdown_only_project_builds_with_the_override(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"paper_entry.html": ENTRY})
    out = project.root / "out"
    assert project.build("--markdown-only", "--pages-dir", str(out)) == 0
    assert (out / "overrides" / "paperfeed" / "paper_entry.html").read_text("utf-8") == ENTRY
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    assert mkdocs is not None
    result = subprocess.run(
        [mkdocs, "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
        env=subprocess_env(),
    )
    assert (result.returncode, result.stderr) == (0, "")
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert home.count(ENTRY_MARK) == 3
    assert 'class="pf-item"' not in home
