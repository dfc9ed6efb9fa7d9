"""The live preview's rebuilds (``generator.preview``): MkDocs' dirty builds, as
``paperfeed serve`` runs them, render only the generated pages whose Markdown changed, and
the site folder they leave is byte for byte the one a full build gives (Pagefind index
included).

Driven through MkDocs' own ``build(config, serve_url=..., dirty=True)`` with a fresh
config per build, as its ``serve`` does, without the HTTP server (``test_serve.py`` has
that).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from project import (
    FIXTURES,
    Project,
    assert_same_site,
    copy_digests,
    is_paper,
    make_project,
    tree_files,
)

import generator.render.pages as pages_module
from generator import preview

SERVE_URL = "http://127.0.0.1:8000/paperfeed/"
SECOND = """\
date: 2025-03-26
papers:
  - title: A Second Paper On Reward Models
    abstract: Reward models for reinforcement learning from human feedback.
"""


@pytest.fixture
def project(pagefind_project: Project) -> Project:
    return pagefind_project


def _build(project: Project, site: Path, *, incremental: bool, search: str = "pagefind") -> Any:
    """One build as ``paperfeed serve`` runs it (Pagefind in the foreground); the plugin."""
    config = load_config(str(project.config), site_dir=str(site))
    config.site_url = SERVE_URL
    plugin = config.plugins["paperfeed"]
    plugin.overrides["search"] = search
    plugin.incremental = incremental
    build(config, serve_url=SERVE_URL, dirty=incremental)
    return plugin


def _mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def _same_as_a_full_build(project: Project, site: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    _build(project, full, incremental=False)
    assert_same_site(tree_files(site), tree_files(full))


def test_a_rebuild_renders_only_what_changed_and_equals_a_full_build(
    project: Project, tmp_path: Path
) -> None:
    site = tmp_path / "preview"
    first = _build(project, site, incremental=True)
    assert first.preview.full
    before = _mtimes(site)
    papers = sorted(p for p in before if p.startswith("papers/") and is_paper(p))

    project.write_digest("2025-03-26-second.yml", SECOND)
    second = _build(project, site, incremental=True)
    assert not second.preview.full
    assert 0 < second.preview.rendered < second.preview.total / 2
    after = _mtimes(site)
    kept = [p for p in papers if after.get(p) == before[p]]
    assert len(kept) > len(papers) / 2, "unchanged paper pages must not be rendered again"
    # A hand-written page is rendered every time: its links depend on the pages there are.
    assert after["about/index.html"] != before["about/index.html"]
    assert "papers/a-second-paper-on-reward-models/index.html" in after
    _same_as_a_full_build(project, site, tmp_path)

    # The search documents are kept too: Pagefind read those of the kept pages.
    assert second.kept_documents
    documents = preview._DOCUMENTS[str(site)]
    assert all((documents / p).is_file() for p in kept)

    # A digest removed: its papers' pages (and their folders) leave the preview, and
    # their search documents.
    (project.digests / "2025-03-26-second.yml").unlink()
    third = _build(project, site, incremental=True)
    assert not third.preview.full
    assert not (site / "papers" / "a-second-paper-on-reward-models").exists()
    assert not (documents / "papers" / "a-second-paper-on-reward-models").exists()
    _same_as_a_full_build(project, site, tmp_path)


def test_a_rebuild_makes_the_markdown_of_changed_pages_only(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the build cache, a page whose inputs did not change is handed to the preview
    as its hash (:class:`generator.model.Known`): neither its Markdown nor its HTML is made."""
    site = tmp_path / "preview"
    _build(project, site, incremental=True)
    made: list[str] = []
    original = pages_module.paper_page

    def paper_page(ctx: Any, paper: Any) -> str:
        made.append(paper.slug)
        return original(ctx, paper)

    monkeypatch.setattr(pages_module, "paper_page", paper_page)
    project.write_digest("2025-03-26-second.yml", SECOND)
    second = _build(project, site, incremental=True)
    assert second.contents is not None
    assert 0 < len(made) < len(second.generated.feed.papers) / 2
    assert "a-second-paper-on-reward-models" in made
    _same_as_a_full_build(project, site, tmp_path)


@pytest.mark.parametrize("change", ["mkdocs.yml", "docs", "failed build"])
def test_anything_but_the_pages_changed_renders_everything(
    project: Project, tmp_path: Path, change: str
) -> None:
    site = tmp_path / "preview"
    _build(project, site, incremental=True)
    if change == "mkdocs.yml":
        text = project.config.read_text("utf-8")
        project.config.write_text(text.replace("site_name: ", "site_name: Renamed ", 1), "utf-8")
    elif change == "docs":
        project.write_doc("about.md", "# About\n\nA new page.\n")
    else:
        preview._LAST.pop(str(site))  # what a build that fails after planning leaves
    again = _build(project, site, incremental=True)
    assert again.preview.full
    if change == "mkdocs.yml":
        page = next(p for p in sorted((site / "papers").iterdir()) if is_paper(p.name))
        page = page / "index.html"
        assert "Renamed " in page.read_text("utf-8")
    _same_as_a_full_build(project, site, tmp_path)


@pytest.mark.parametrize("setting", ["own nav", "another plugin"])
def test_with_an_own_nav_or_another_plugin_every_build_is_full(
    project: Project, tmp_path: Path, setting: str
) -> None:
    text = project.config.read_text("utf-8")
    if setting == "own nav":
        text += "\nnav:\n  - index.md\n  - about.md\n  - topics/index.md\n"
    else:
        text = text.replace("plugins:\n", "plugins:\n  - tags\n", 1)
    project.config.write_text(text, "utf-8")
    site = tmp_path / "preview"
    _build(project, site, incremental=True)
    project.write_digest("2025-03-26-second.yml", SECOND)
    assert _build(project, site, incremental=True).preview.full
    _same_as_a_full_build(project, site, tmp_path)


def test_a_failed_build_is_forgotten(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "preview"
    plugin = _build(project, site, incremental=True)
    assert str(site) in preview._LAST
    plugin.on_build_error(error=RuntimeError("a later plugin failed"))
    assert str(site) not in preview._LAST


def test_with_materials_search_every_build_is_full(project: Project, tmp_path: Path) -> None:
    """Material's index is made from the pages rendered: a partial build would lose pages."""
    site = tmp_path / "preview"
    for _ in range(2):
        assert _build(project, site, incremental=True, search="material").preview.full


def test_the_files_mkdocs_yml_inherits_from_are_part_of_the_surroundings(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "common.yml").write_text("INHERIT: ../root.yml  # shared\n")
    (tmp_path / "root.yml").write_text("theme: material\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nINHERIT: 'base/common.yml'\n")
    found = preview._config_files(str(config))
    assert [Path(p).resolve() for p in found] == [
        config.resolve(),
        (tmp_path / "base" / "common.yml").resolve(),
        (tmp_path / "root.yml").resolve(),
    ]
    (tmp_path / "root.yml").write_text("INHERIT: mkdocs.yml\n")  # a loop ends
    assert len(preview._config_files(str(config))) == 3


@pytest.mark.parametrize("directory_urls", [True, False])
def test_generated_files_have_the_addresses_mkdocs_gives(
    tmp_path: Path, directory_urls: bool
) -> None:
    from mkdocs.structure.files import File

    project = make_project(tmp_path / "p")
    config = load_config(str(project.config))
    config.use_directory_urls = directory_urls
    config.plugins._current_plugin = "paperfeed"  # as while MkDocs runs an event
    paths = [
        "index.md",
        "topics/index.md",
        "topics/peft/page-3.md",
        "papers/arxiv-2503-01234.md",
        "archive/2025-03-14-hf-papers.md",
        "feed.xml",
        "papers.json",
        "assets/paperfeed/paperfeed.css",
        "README.md",
        "sub/README.md",
        "a b.md",
        "é.md",
        "tags/c++.md",
        "x.markdown",
        "index.html",
        "sub/index.html",
        ".md",
        "sub/.md",
        "v1.2.md",
    ]
    for path in paths:
        fast = preview.PreviewFile.of(config, path, "text")
        slow = File.generated(config, path, content="text")
        where = (fast.dest_uri, fast.url, fast.abs_dest_path)
        assert where == (slow.dest_uri, slow.url, slow.abs_dest_path), path


def test_compiled_templates_are_kept_from_one_build_to_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import jinja2

    cache = preview.TemplateCache()
    sources = {"page.html": "Hello {{ name }}"}
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)

    def render(name: str, **options: Any) -> str:
        env = jinja2.Environment(
            loader=jinja2.DictLoader(sources), bytecode_cache=cache, **options
        )  # a new environment each time, as MkDocs makes for every build
        return env.get_template("page.html").render(name=name)

    assert render("a") == "Hello a"
    assert render("b") == "Hello b"
    assert len(compiled) == 1
    sources["page.html"] = "Bye {{ name }}"
    assert render("c") == "Bye c"  # a changed template is compiled again
    assert len(compiled) == 2
    assert render("d", variable_start_string="[[", variable_end_string="]]") == "Bye {{ name }}"
    assert len(compiled) == 3  # other options, other code


@pytest.mark.parametrize("serving", [True, False])
def test_only_the_preview_keeps_compiled_templates(tmp_path: Path, serving: bool) -> None:
    project = make_project(tmp_path / "p")
    config = load_config(str(project.config))
    plugin = config.plugins["paperfeed"]
    plugin.serving = serving
    env = plugin.on_env(config.theme.get_env(), config=config, files=None)
    assert (env.bytecode_cache is preview.TEMPLATES) is serving


def test_a_changed_entry_template_is_previewed(project: Project, tmp_path: Path) -> None:
    """An owner's ``paperfeed/paper_entry.html`` in the theme's ``custom_dir``, edited while
    the preview runs: MkDocs' server watches the folder (the plugin asks it to), and the
    next build shows the new entries, as a full build does (the build cache does not hand
    back the listings made with the old template)."""
    text = project.config.read_text("utf-8")
    project.config.write_text(
        text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"), "utf-8"
    )
    template = project.root / "overrides" / "paperfeed" / "paper_entry.html"
    template.parent.mkdir(parents=True)
    template.write_text('<div class="entry-1">{{ title }}</div>', "utf-8")
    site = tmp_path / "preview"
    first = _build(project, site, incremental=True)
    watched: list[str] = []

    class Observer:  # where the curation and enrichment files would be
        def schedule(self, handler: object, path: str, *, recursive: bool) -> None:
            pass

    class Server:
        observer = Observer()

        def watch(self, path: str, *, recursive: bool = True) -> None:
            watched.append(path)

    config = load_config(str(project.config))
    first.on_serve(Server(), config, None)
    assert str(template.parent.parent) in watched
    assert 'class="entry-1"' in (site / "index.html").read_text("utf-8")

    template.write_text('<div class="entry-2">{{ title }}</div>', "utf-8")
    second = _build(project, site, incremental=True)
    assert second.preview.full  # the custom_dir is part of what every page depends on
    for page in ("index.html", "papers/index.html"):
        html = (site / page).read_text("utf-8")
        assert 'class="entry-2"' in html and 'class="entry-1"' not in html, page
    _same_as_a_full_build(project, site, tmp_path)


def _search_docs(site: Path) -> list[str]:
    """Material's search index of ``site``: its documents, sorted (their order is not
    part of what the index says)."""
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    return sorted(json.dumps(doc, sort_keys=True) for doc in index["docs"])


def test_materials_search_index_is_a_full_builds_after_every_rebuild(tmp_path: Path) -> None:
    """MkDocs' server tells Material's search plugin that its builds are dirty (one page
    each, it assumes), and the plugin merges its previous index into the next: a copy of
    every page each rebuild, and the pages of a removed digest kept. paperfeed renders
    every page with Material's search, so the preview's index is a full build's."""
    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project)
    config = load_config(str(project.config))
    config.plugins.on_startup(command="serve", dirty=True)  # as MkDocs' serve does
    site = tmp_path / "preview"
    try:
        _build(project, site, incremental=True, search="material")
        project.write_digest("2025-03-26-second.yml", SECOND)
        _build(project, site, incremental=True, search="material")
        assert "papers/a-second-paper-on-reward-models/" in "".join(_search_docs(site))
        (project.digests / "2025-03-26-second.yml").unlink()
        _build(project, site, incremental=True, search="material")
    finally:  # Material's plugin is kept by MkDocs for the whole process
        config.plugins.on_startup(command="build", dirty=False)
        for plugin in load_config(str(project.config)).plugins.values():
            if hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None
    full = tmp_path / "full"
    _build(project, full, incremental=False, search="material")
    assert _search_docs(site) == _search_docs(full)
