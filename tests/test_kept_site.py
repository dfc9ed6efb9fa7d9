"""``paperfeed build`` with the build cache renders only the generated pages whose Markdown
changed; the others are the previous site's files (hard links), and the site is the one a
full build makes, byte for byte (:class:`generator.preview.KeptSite`).

A kept page keeps its inode: the new site's file is a link to the previous site's, which
is how these tests tell a page kept from a page rendered again."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from project import Project, is_paper, tree_files

from generator import linkfiles, preview, search
from generator import plugin as plugin_module
from generator.cli import main
from generator.errors import BuildFailed
from generator.outputs import MARKER
from generator.plugin import PaperfeedPlugin
from generator.site import BuildOptions, BuildResult, build

SECOND = """\
date: 2025-03-26
papers:
  - title: A Second Paper On Reward Models
    abstract: Reward models for reinforcement learning from human feedback.
"""
NEW_PAGE = "papers/a-second-paper-on-reward-models/index.html"


@pytest.fixture
def project(pagefind_project: Project) -> Project:
    return pagefind_project


def _build(project: Project, site: Path | None = None, **options: object) -> BuildResult:
    return build(
        BuildOptions(
            config_file=project.config,
            site_dir=site,
            pages_dir=None if site is None else site.with_name(site.name + "-pages"),
            search="pagefind",
            **options,  # type: ignore[arg-type]
        )
    )


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}


def _kept(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) == inode}


def _full_build(project: Project, tmp_path: Path) -> dict[str, bytes]:
    """The site a build without the build cache makes (it leaves the record alone)."""
    other = tmp_path / "full"
    _build(project, other, cache=False)
    return tree_files(other)


def test_a_daily_build_keeps_the_unchanged_pages_and_equals_a_full_build(
    project: Project, tmp_path: Path
) -> None:
    _build(project)
    before = _inodes(project.site)
    papers = {p for p in before if p.startswith("papers/") and is_paper(p)}

    project.write_digest("2025-03-26-second.yml", SECOND)
    result = _build(project)
    after = _inodes(project.site)
    kept = _kept(before, after)
    assert NEW_PAGE in after and NEW_PAGE not in kept
    # Every page kept is a generated file kept; some generated files are not pages.
    assert len(kept) <= result.kept < len(result.generated.paths)
    assert len(kept & papers) > len(papers) / 2, "unchanged paper pages are not rendered again"
    assert len(kept) > len(after) / 2
    # A hand-written page is rendered every time: its links depend on the pages there are.
    assert "about/index.html" not in kept
    assert tree_files(project.site) == _full_build(project, tmp_path)

    # A digest removed: its papers' pages become redirects (their URLs were published),
    # the others are kept.
    (project.digests / "2025-03-26-second.yml").unlink()
    _build(project)
    third = _inodes(project.site)
    assert NEW_PAGE not in _kept(after, third)
    assert len(_kept(after, third) & papers) > len(papers) / 2
    assert tree_files(project.site) == _full_build(project, tmp_path)


def _bundle_inodes(site: Path, under: str = "", pattern: str = "*.*") -> dict[str, int]:
    """The files of the search bundle (``under`` a folder of it) named as ``pattern``
    says: their paths there and inodes."""
    folder = site / "pagefind" / under
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob(pattern)}


def _fragments(site: Path) -> dict[str, int]:
    return _bundle_inodes(site, pattern="*.pf_fragment")


def test_a_daily_build_takes_the_search_fragments_of_the_unchanged_pages(
    project: Project, tmp_path: Path
) -> None:
    """Pagefind's fragment files (a search result's text) of the pages whose search
    documents did not change are the previous site's (hard links, generator/fragments.py);
    the new paper's is made, and the site is byte for byte a full build's."""
    _build(project)
    before = _fragments(project.site)
    project.write_digest("2025-03-26-second.yml", SECOND)
    _build(project)
    after = _fragments(project.site)
    taken = _kept(before, after)
    assert len(taken) > len(before) / 2
    assert len(after) > len(taken)
    assert tree_files(project.site) == _full_build(project, tmp_path)
    # Without the build cache, nothing is taken.
    _build(project, cache=False)
    assert not _kept(after, _fragments(project.site))


def test_a_failed_build_leaves_the_previous_site_as_it_was_and_the_next_is_full(
    project: Project,
) -> None:
    _build(project)
    files = tree_files(project.site)
    before = _inodes(project.site)

    project.write_digest("2025-03-26-second.yml", SECOND)
    broken = project.write_doc("broken.md", "# Broken\n\n[a link to nowhere](nowhere.md)\n")
    with pytest.raises(BuildFailed):
        _build(project)
    # Kept pages were linked into the failed build's folder, never written through.
    assert tree_files(project.site) == files
    assert _inodes(project.site) == before

    broken.unlink()
    _build(project)
    assert not _kept(before, _inodes(project.site)), "after a failed build, every page is new"


def _linking_with(monkeypatch: pytest.MonkeyPatch, *extra: str) -> list[preview.Linking]:
    """Have each build's child linking process also link and keep ``extra`` (if any); the
    Linking objects, as they are started."""
    started: list[preview.Linking] = []
    start = preview.Linking.start.__func__  # type: ignore[attr-defined]
    keep_only = preview.Linking.keep_only

    def with_extra(cls: type, previous: Path, site_dir: str, paths: list[str], *more: Any) -> Any:
        started.append(start(cls, previous, site_dir, [*paths, *extra], *more))
        return started[-1]

    def keeping_extra(self: preview.Linking, keeping: list[str]) -> None:
        keep_only(self, [*keeping, *extra])

    monkeypatch.setattr(preview.Linking, "start", classmethod(with_extra))
    monkeypatch.setattr(preview.Linking, "keep_only", keeping_extra)
    return started


def _leftovers(project: Project) -> list[str]:
    return sorted(p.name for p in project.site.parent.iterdir() if ".new-" in p.name)


def test_a_kept_page_that_cannot_be_linked_fails_the_build_by_name(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept pages are linked by a child process while MkDocs renders the others: one
    it cannot put in place fails the build, naming it, before anything reads the new
    site; the previous site is as it was and the next build renders every page."""
    _build(project)
    files, before = tree_files(project.site), _inodes(project.site)
    started = _linking_with(monkeypatch, "papers/not-in-the-previous-site/index.html")
    project.write_digest("2025-03-26-second.yml", SECOND)
    with pytest.raises(BuildFailed, match=r"could not keep 1 of the \d+ unchanged pages") as e:
        _build(project)
    assert "papers/not-in-the-previous-site/index.html: No such file" in str(e.value)
    assert "the next build renders every page" in str(e.value)
    assert len(started) == 1 and started[0].process.returncode == 0
    assert tree_files(project.site) == files and _inodes(project.site) == before
    assert _leftovers(project) == []

    monkeypatch.undo()
    _build(project)
    assert not _kept(before, _inodes(project.site)), "after a failed build, every page is new"


@pytest.mark.parametrize("when", ["generating", "rendering"])
def test_a_build_that_fails_stops_the_linking_first(
    project: Project, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """A build that fails while the kept pages are linked (here: an error raised while
    the pages are generated, or while MkDocs renders the new paper) stops the child
    process before the new site's folder is deleted: no folder is left beside the site,
    and no link is made after it is gone."""
    _build(project)
    files = tree_files(project.site)
    started = _linking_with(monkeypatch)
    if when == "generating":
        generate = plugin_module.generate

        def failing_generate(*args: Any, **kwargs: Any) -> Any:
            assert len(started) == 1  # the pages are being linked
            generate(*args, **kwargs)
            raise RuntimeError("a page that does not render")

        monkeypatch.setattr(plugin_module, "generate", failing_generate)
    else:
        render = PaperfeedPlugin.on_page_markdown

        def failing(self: PaperfeedPlugin, markdown: str, **kwargs: Any) -> str:
            if kwargs["page"].file.dest_path == NEW_PAGE:
                raise RuntimeError("a page that does not render")
            return render(self, markdown, **kwargs)

        monkeypatch.setattr(PaperfeedPlugin, "on_page_markdown", failing)
    project.write_digest("2025-03-26-second.yml", SECOND)
    with pytest.raises(RuntimeError, match="a page that does not render"):
        _build(project)
    assert len(started) == 1 and started[0].process is not None
    assert started[0].process.returncode is not None
    assert _leftovers(project) == []
    assert tree_files(project.site) == files
    monkeypatch.undo()
    kept = _build(project).kept
    # The record is taken out once the pages are generated: a build that failed before
    # leaves it for the next (pages kept); one that failed after, not.
    assert (kept > 0) is (when == "generating")


def test_where_no_process_can_be_started_the_kept_pages_are_linked_at_once(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(project)
    before = _inodes(project.site)

    def no_processes(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(preview, "_start_linking", no_processes)
    project.write_digest("2025-03-26-second.yml", SECOND)
    result = _build(project)
    kept = _kept(before, _inodes(project.site))
    assert len(kept) > len(before) / 2 and len(kept) <= result.kept


def test_the_linking_process_links_makes_folders_and_never_writes_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "previous", tmp_path / "new"
    for path in ("index.html", "papers/a/index.html", "papers/b/index.html"):
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text(f"<p>{path}</p>", "utf-8")
    (target / "papers" / "b").mkdir(parents=True)
    (target / "papers" / "b" / "index.html").write_text("rendered", "utf-8")

    linking = preview.Linking.start(
        source, str(target), ["index.html", "papers/a/index.html", "papers/b/index.html"]
    )
    with pytest.raises(
        OSError, match=r"could not keep 1 of the 3 .*papers/b/index.html: File exists"
    ):
        linking.finish()
    for path in ("index.html", "papers/a/index.html"):
        assert (target / path).stat().st_ino == (source / path).stat().st_ino
    assert (target / "papers/b/index.html").read_text("utf-8") == "rendered"
    assert (source / "papers/b/index.html").read_text("utf-8") == "<p>papers/b/index.html</p>"

    # Where a hard link is not possible (another file system), a copy.
    def no_links(src: str, dst: str) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(linkfiles.os, "link", no_links)
    copied = tmp_path / "copied"
    assert linkfiles.link_files(str(source), str(copied), ["papers/a/index.html"]) == []
    assert (copied / "papers/a/index.html").read_bytes() == (
        source / "papers/a/index.html"
    ).read_bytes()
    assert (copied / "papers/a/index.html").stat().st_ino != (
        source / "papers/a/index.html"
    ).stat().st_ino
    assert linkfiles.link_files(str(source), str(copied), ["papers/a/index.html"]) == [
        ("papers/a/index.html", "Invalid cross-device link, and copying: File exists")
    ]


@pytest.mark.parametrize("child", [True, False])
def test_the_linking_process_writes_the_search_documents_it_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    """The kept pages' search documents are made where they are linked (in the child
    process, or in the build's own where none can be started), as the stand-in makes a
    rendered page's: only for the pages asked for, none for a page without an article to
    index; a document that cannot be written is named."""
    source, target, documents = tmp_path / "previous", tmp_path / "new", tmp_path / "docs"
    documents.mkdir()
    indexed = (
        '<html lang="fr"><head><title>Un &amp; deux</title></head><body>'
        "<article data-pagefind-body>\r\n<p>caf\u00e9 \udcff</p></article></body></html>"
    )
    pages = {
        "papers/a/index.html": indexed,
        "papers/b/index.html": indexed.replace("deux", "trois"),
        "tags/x/index.html": "<html><body><article><p>left out</p></article></body></html>",
    }
    for path, html in pages.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(html.encode("utf-8", errors="surrogateescape"))
    if not child:
        monkeypatch.setattr(preview, "_start_linking", lambda *a: _raise(PermissionError()))
    asked = ["papers/a/index.html", "tags/x/index.html"]
    linking = preview.Linking.start(source, str(target), sorted(pages), documents, asked)
    assert (linking.process is not None) is child
    linking.finish()
    assert linking.documented == frozenset(asked)
    made = {p.relative_to(documents).as_posix(): p.read_bytes() for p in documents.rglob("*.*")}
    expected = search.search_document(pages["papers/a/index.html"])
    assert expected is not None and "\r\n<p>caf" in expected
    assert made == {"papers/a/index.html": expected.encode("utf-8", errors="surrogateescape")}
    assert b"<title>Un &amp; deux</title>" in made["papers/a/index.html"]
    for path in pages:
        assert (target / path).stat().st_ino == (source / path).stat().st_ino

    (tmp_path / "blocked").write_text("a file where a folder should be", "utf-8")
    again = preview.Linking.start(
        source, str(tmp_path / "new2"), sorted(pages), tmp_path / "blocked", asked
    )
    with pytest.raises(
        OSError, match=r"could not keep 1 of the 3 .*papers/a/index.html: its search document"
    ):
        again.finish()


def _raise(error: BaseException) -> Any:
    raise error


def test_the_search_documents_are_ready_before_the_pages_are_linked(tmp_path: Path) -> None:
    """The child writes the kept pages' search documents first and says so: the build
    waits for them, not for the links, which it waits for (and reads) only when they are
    done (:meth:`~generator.preview.Linking.finish`)."""
    source, documents = tmp_path / "previous", tmp_path / "docs"
    documents.mkdir()
    html = "<html><head><title>T</title></head><body><article data-pagefind-body><p>x</p>"
    pages = [f"papers/p{i}/index.html" for i in range(3)]
    for path in pages:
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text(html + "</article></body></html>", "utf-8")
    linking = preview.Linking.start(source, str(tmp_path / "new"), pages, documents, pages[:2])
    linking.documents_written()
    assert sorted(p.relative_to(documents).as_posix() for p in documents.rglob("*.*")) == pages[:2]
    assert not linking.done
    linking.finish()
    assert linking.done and linking.failed == []
    assert all((tmp_path / "new" / path).is_file() for path in pages)


def test_waiting_for_the_documents_does_not_wait_for_the_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that has written its documents and goes on linking: the wait for the
    documents returns while it runs; a child that stops before its documents are written
    is an error that says how it stopped."""
    linking_forever = (
        "import sys, time; sys.stdout.buffer.write(b'\\0'); sys.stdout.flush(); time.sleep(60)"
    )
    monkeypatch.setattr(
        preview,
        "_start_linking",
        lambda script: subprocess.Popen(
            [sys.executable, "-c", linking_forever],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ),
    )
    linking = preview.Linking.start(tmp_path, str(tmp_path / "new"), ["index.html"])
    assert linking.process is not None
    linking.documents_written()
    assert linking.process.poll() is None  # still linking
    linking.cancel()

    monkeypatch.setattr(
        preview,
        "_start_linking",
        lambda script: subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stderr.write('no room'); sys.exit(3)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ),
    )
    stopped = preview.Linking.start(tmp_path, str(tmp_path / "new2"), ["index.html"])
    with pytest.raises(OSError, match=r"exited with 3: no room"):
        stopped.documents_written()


def test_the_pages_are_linked_while_generating_and_those_that_changed_removed_first(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A daily build starts linking the previous site's pages into the new one before it
    generates the pages (most of them are kept), and removes the ones that changed again
    before MkDocs renders any page: no rendered page is written through a link into the
    previous site, and the site is a full build's, folders included."""
    _build(project)
    previous_home = tmp_path / "home-before.html"
    os.link(project.site / "index.html", previous_home)  # the previous site's own file
    home = previous_home.read_bytes()
    started = _linking_with(monkeypatch)
    seen: dict[str, object] = {}
    generate, render = plugin_module.generate, PaperfeedPlugin.on_page_markdown

    def generating(*args: Any, **kwargs: Any) -> Any:
        seen["linking while generating"] = len(started)
        return generate(*args, **kwargs)

    def rendering(self: PaperfeedPlugin, markdown: str, **kwargs: Any) -> str:
        seen.setdefault("linked before rendering", started[0].done)
        return render(self, markdown, **kwargs)

    monkeypatch.setattr(plugin_module, "generate", generating)
    monkeypatch.setattr(PaperfeedPlugin, "on_page_markdown", rendering)
    project.write_digest("2025-03-26-second.yml", SECOND)
    result = _build(project)
    assert seen == {"linking while generating": 1, "linked before rendering": True}
    assert 0 < result.kept < len(started[0].paths) + 1
    assert previous_home.read_bytes() == home
    assert (project.site / "index.html").read_bytes() != home  # rendered again
    assert tree_files(project.site) == _full_build(project, tmp_path)
    assert _folders(project.site) == _folders(tmp_path / "full")


def _folders(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}


def test_a_build_that_keeps_nothing_after_all_empties_its_folder_first(
    project: Project, tmp_path: Path
) -> None:
    """The pages linked while generating are of no use when something every page
    depends on changed (here: a docs page): the new site's folder is emptied before
    MkDocs renders every page, and is a full build's."""
    page = project.write_doc("about.md", "# About\n\nA reading group.\n")
    _build(project)
    page.write_text("# About\n\nA reading group, weekly.\n", "utf-8")
    project.write_digest("2025-03-26-second.yml", SECOND)
    result = _build(project)
    assert result.kept == 0
    assert tree_files(project.site) == _full_build(project, tmp_path)
    assert _folders(project.site) == _folders(tmp_path / "full")


@pytest.mark.parametrize("child", [True, False])
def test_a_linked_page_that_cannot_be_removed_again_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    """A page linked while generating that changed is removed again (with its search
    document and the folders left empty) before MkDocs writes it: one that cannot be
    removed is named, else MkDocs would write through it into the previous site."""
    source, target, documents = tmp_path / "previous", tmp_path / "new", tmp_path / "docs"
    html = "<html><head><title>T</title></head><body><article data-pagefind-body><p>x</p>"
    pages = ["index.html", "papers/a/index.html", "papers/b/index.html"]
    for path in pages:
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text(html + "</article></body></html>", "utf-8")
    documents.mkdir()
    if not child:
        monkeypatch.setattr(preview, "_start_linking", lambda *a: _raise(PermissionError()))
    linking = preview.Linking.start(source, str(target), pages, documents, pages)
    linking.keep_only(["index.html", "papers/b/index.html"])
    assert linking.failed == [] and linking.documented == {"index.html", "papers/b/index.html"}
    for folder in (target, documents):
        assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
            "index.html",
            "papers",
            "papers/b",
            "papers/b/index.html",
        ]

    blocked = tmp_path / "blocked"
    (blocked / "papers" / "a" / "index.html").mkdir(parents=True)  # a folder: not a link
    (blocked / "papers" / "a" / "index.html" / "x").write_text("x", "utf-8")
    again = preview.Linking.start(source, str(blocked), pages)
    with pytest.raises(OSError, match=r"papers/a/index.html: removing it again: Is a directory"):
        again.keep_only(["index.html"])


def test_a_daily_build_makes_no_kept_pages_search_document_in_its_own_process(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept pages' search documents are written by the process that links them, on
    the other core while MkDocs renders: none by the build's process after rendering; the
    search index is a full build's all the same."""
    _build(project)
    started = _linking_with(monkeypatch)
    made: list[str] = []
    make = search.make_documents
    monkeypatch.setattr(
        search, "make_documents", lambda s, d, paths: made.extend(paths) or make(s, d, paths)
    )
    project.write_digest("2025-03-26-second.yml", SECOND)
    result = _build(project)
    assert len(started) == 1 and len(started[0].documented) > result.kept / 2
    assert made == []
    assert tree_files(project.site) == _full_build(project, tmp_path)


def test_a_kept_page_changed_or_lost_in_the_site_is_rendered_again(
    project: Project, tmp_path: Path
) -> None:
    _build(project)
    papers = sorted(p for p in _inodes(project.site) if p.startswith("papers/") and is_paper(p))
    lost, edited = project.site / papers[0], project.site / papers[1]
    lost.unlink()
    edited.write_bytes(edited.read_bytes() + b"<!-- edited by hand -->\n")

    project.write_digest("2025-03-26-second.yml", SECOND)
    _build(project)
    assert tree_files(project.site) == _full_build(project, tmp_path)


def test_what_every_page_depends_on_is_compared_by_content(project: Project) -> None:
    page = project.write_doc("about.md", "# About\n\nA reading group.\n")
    _build(project)
    before = _inodes(project.site)

    page.touch()  # a fresh checkout: new mtimes, the same bytes
    _build(project)
    touched = _inodes(project.site)
    assert len(_kept(before, touched)) > len(before) / 2

    page.write_text("# About\n\nA reading group, weekly.\n", "utf-8")
    _build(project)
    assert not _kept(touched, _inodes(project.site)), "a docs page changed: every page again"


def test_rebuild_all_renders_every_page_and_no_cache_keeps_nothing(project: Project) -> None:
    _build(project)
    before = _inodes(project.site)
    _build(project, rebuild_all=True)
    after = _inodes(project.site)
    assert not _kept(before, after)
    _build(project)  # --rebuild-all recorded its site: this build keeps its pages
    assert len(_kept(after, _inodes(project.site))) > len(after) / 2

    before = _inodes(project.site)
    _build(project, cache=False)
    assert not _kept(before, _inodes(project.site))


def test_pages_are_kept_only_from_the_site_folder_the_record_is_of(
    project: Project, tmp_path: Path
) -> None:
    _build(project)
    before = _inodes(project.site)
    other = tmp_path / "other"
    _build(project, other)
    assert not set(_inodes(other).values()) & set(before.values())
    _build(project)  # the record is now the other folder's
    assert not _kept(before, _inodes(project.site))


def test_a_record_that_does_not_parse_means_a_full_build(project: Project) -> None:
    _build(project)
    before = _inodes(project.site)
    (record,) = (project.root / ".cache").rglob("record.json")
    data = json.loads(record.read_text("utf-8"))
    assert data["site"] == str(project.site.resolve())
    assert len(data["pages"]) > 20
    record.write_text('{"format": 1, "pages": [', "utf-8")
    _build(project)
    assert not _kept(before, _inodes(project.site))


def test_the_build_says_how_many_files_it_kept(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["build", "--config", str(project.config), "--search", "pagefind"]
    assert main(command) == 0
    assert "kept from the previous site" not in capsys.readouterr().out
    project.write_digest("2025-03-26-second.yml", SECOND)
    assert main(command) == 0
    out = capsys.readouterr().out
    assert re.search(r"HTML pages \(\d+ generated files kept from the previous site\) in", out)


def test_build_help_names_rebuild_all(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--rebuild-all render every page" in out
    assert "only the generated pages whose Markdown changed" in out


JANUARY = """\
date: 2025-01-20
papers:
  - title: Zephyrine Kernels for Sparse Attention
    abstract: Zephyrine kernels route attention through a handful of learned blocks.
  - title: Pelagic Caches for Serving Language Models
    abstract: We keep the keys and values of long prompts in a pelagic cache.
"""
FEBRUARY = """\
date: 2025-02-10
papers:
  - title: Marmoset Routing for Mixture-of-Experts Layers
    abstract: Marmoset routing spreads the tokens of a zero-shot task over experts.
"""


def _shard_inodes(site: Path) -> dict[str, int]:
    return _bundle_inodes(site, "shards")


def test_the_closed_shards_of_the_search_index_are_kept_while_their_papers_are(
    project: Project, tmp_path: Path
) -> None:
    """January's and February's papers are closed shards of the index (the newest month,
    March, is the primary): a day of March added keeps both shards' files (hard links,
    vocabularies from the cache) and the site is byte for byte a full build's; an
    abstract of January changed indexes January again (but for the fragment of its other
    paper) and keeps February; ``--rebuild-all`` indexes both again."""
    config = project.config.read_text("utf-8")
    anchor = "      pagefind_threshold: 500\n"
    assert anchor in config
    project.config.write_text(
        config.replace(anchor, anchor + "      pagefind_shard_size: 2\n"), "utf-8"
    )
    project.write_digest("2025-01-20-january.yml", JANUARY)
    project.write_digest("2025-02-10-february.yml", FEBRUARY)
    _build(project)
    listed = json.loads((project.site / "pagefind" / "paperfeed-shards.json").read_bytes())
    assert [s["bundle"] for s in listed] == ["shards/2025-01/", "shards/2025-02/"]
    before = _shard_inodes(project.site)
    assert any(p.startswith("2025-01/fragment/") for p in before)

    project.write_digest("2025-03-26-second.yml", SECOND)
    _build(project)
    assert _shard_inodes(project.site) == before
    assert tree_files(project.site) == _full_build(project, tmp_path)

    project.write_digest("2025-01-20-january.yml", JANUARY.replace("handful", "dozen"))
    _build(project)
    after = _shard_inodes(project.site)
    same = {p for p in after if after[p] == before.get(p)}
    assert {p for p in same if p.startswith("2025-02/")} == {
        p for p in before if p.startswith("2025-02/")
    }
    # January's shard is indexed again, with the fragment file of its paper whose indexed
    # text did not change taken from the previous site (generator/fragments.py).
    assert [p.split("/")[1] for p in same if p.startswith("2025-01/")] == ["fragment"]
    assert tree_files(project.site) == _full_build(project, tmp_path / "again")

    before = after
    _build(project, rebuild_all=True)
    after = _shard_inodes(project.site)
    assert not {p for p in after if after[p] == before.get(p)}
    assert tree_files(project.site) == _full_build(project, tmp_path / "once-more")


def test_an_interrupted_wait_for_the_linking_process_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "previous"
    paths = [f"papers/p{n}/index.html" for n in range(200)]
    for path in paths:
        (source / path).parent.mkdir(parents=True)
        (source / path).write_text(path, "utf-8")
    linking = preview.Linking.start(source, str(tmp_path / "new"), paths)
    assert linking.process is not None
    wait = linking.process.communicate
    calls: list[int] = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return wait(*args, **kwargs)

    monkeypatch.setattr(linking.process, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        linking.finish()
    assert linking.done and linking.process.returncode is not None  # waited for
    linking.cancel()  # and again: nothing
    assert len(calls) == 2


def test_a_page_neither_linked_nor_copied_says_both_whys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "previous").mkdir()
    (tmp_path / "previous" / "index.html").write_text("home", "utf-8")

    def no_links(src: str, dst: str) -> None:
        raise OSError(18, "Invalid cross-device link")

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(linkfiles.os, "link", no_links)
    monkeypatch.setattr(linkfiles, "_copy", no_space)
    failed = linkfiles.link_files(str(tmp_path / "previous"), str(tmp_path / "new"), ["index.html"])
    assert failed == [
        ("index.html", "Invalid cross-device link, and copying: No space left on device")
    ]


def _while_pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A list that is not empty while a Pagefind process runs (and this one waits)."""
    indexing: list[bool] = []
    pagefind = search._pagefind

    def tracked(*args: Any, **kwargs: Any) -> int:
        indexing.append(True)
        try:
            return pagefind(*args, **kwargs)
        finally:
            indexing.pop()

    monkeypatch.setattr(search, "_pagefind", tracked)
    return indexing


def test_the_sites_size_is_measured_while_pagefind_indexes_and_is_the_whole_sites(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site but for its search bundle is measured while Pagefind indexes (once the kept
    pages are linked), the bundle from what Pagefind wrote: the size the build reports is
    the finished site's, HTML pages and all."""
    from generator import sitesize

    indexing = _while_pagefind_runs(monkeypatch)
    walked_while_indexing: list[bool] = []
    walk = sitesize._walk
    monkeypatch.setattr(
        sitesize, "_walk", lambda *a: walked_while_indexing.append(bool(indexing)) or walk(*a)
    )
    for digest in (None, SECOND):  # a full build, then a daily one that keeps pages
        if digest:
            project.write_digest("2025-03-26-second.yml", digest)
        walked_while_indexing.clear()
        result = _build(project)
        assert walked_while_indexing == [True]
        assert result.site_size is not None
        html = sum(1 for _ in project.site.rglob("*.html"))
        marker = (project.site / MARKER).stat().st_size  # put there after the measure
        assert (result.site_size.bytes, result.site_size.html_pages) == (
            sitesize.folder_bytes(project.site) - marker,
            html,
        )
    assert result.kept > 0


def test_the_published_urls_are_made_while_pagefind_indexes_and_written_after(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The published-URLs file's new text is made while this process waits for Pagefind;
    it is written once the site is in place, and is the text a build makes without
    Pagefind to wait for (Material's search)."""
    from generator import site as site_module

    indexing = _while_pagefind_runs(monkeypatch)
    made_while_indexing: list[bool] = []
    made = site_module._published_text

    def published_text(*args: Any) -> str:
        made_while_indexing.append(bool(indexing))
        return made(*args)

    monkeypatch.setattr(site_module, "_published_text", published_text)
    published = project.config.parent / "published.txt"
    _build(project)
    assert made_while_indexing == [True]
    text = published.read_text("utf-8")
    assert NEW_PAGE.removesuffix("index.html") not in text
    project.write_digest("2025-03-26-second.yml", SECOND)
    made_while_indexing.clear()
    _build(project)
    assert made_while_indexing == [True]
    with_pagefind = published.read_text("utf-8")
    assert NEW_PAGE.removesuffix("index.html") in with_pagefind
    published.write_text(text, "utf-8")
    made_while_indexing.clear()
    build(BuildOptions(config_file=project.config, search="material"))
    assert made_while_indexing == [False]
    assert published.read_text("utf-8") == with_pagefind


def test_a_site_mkdocs_built_itself_is_kept_from_by_no_later_build(
    project: Project, tmp_path: Path
) -> None:
    """`mkdocs build` with another setting wrote the site folder; paperfeed's next build
    kept its pages by path and size (199 of another colour in the review's site)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _build(project)
    text = project.config.read_text("utf-8")
    project.config.write_text(text.replace("primary: indigo", "primary: purple", 1), "utf-8")
    mkdocs_build(load_config(str(project.config)))
    assert any(b'data-md-color-primary="purple"' in v for v in tree_files(project.site).values())
    project.config.write_text(text, "utf-8")
    result = _build(project)
    assert result.kept == 0
    assert tree_files(project.site) == _full_build(project, tmp_path)
