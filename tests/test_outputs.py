"""Issue 11: an output folder never overlaps an input, and only paperfeed's own folders are
replaced. Each command that used to destroy an input exits 2 with one message and leaves
every file (the project's parent folder included) as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from project import FIXTURES, Project, make_project, run_cli, tree_files

from generator.outputs import MARKER, check_outputs, owned, project_inputs

NOTHING = " (nothing was touched)\n"
NEVER = ": paperfeed never writes where its inputs are; choose another folder"


def _project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "parent" / "p")
    shutil.copy(FIXTURES / "digests" / "2025-03-18-curated.yml", project.digests)
    git = project.root / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    (tmp_path / "parent" / "neighbour.txt").write_text("not the project's\n", "utf-8")
    return project


CASES = {
    "-d docs": (["-d", "docs"], "the site folder docs is the docs folder"),
    "-d digests": (["-d", "digests"], "the site folder digests is the digests folder"),
    "--pages-dir docs": (
        ["--pages-dir", "docs"],
        "the Markdown copy folder docs is the docs folder",
    ),
    "-d . --no-cache": (["-d", ".", "--no-cache"], "the site folder . is the project folder"),
    "-d .. --no-cache": (
        ["-d", "..", "--no-cache"],
        "the site folder {parent} holds the project folder .",
    ),
    "-d ..": (["-d", ".."], "the site folder {parent} holds the project folder ."),
    "-d .git": (["-d", ".git"], "the site folder .git is the .git folder"),
    "-d .git/x": (["-d", ".git/x"], "the site folder .git/x is inside the .git folder .git"),
    "-d taxonomy.yml": (
        ["-d", "taxonomy.yml"],
        "the site folder taxonomy.yml is the taxonomy file",
    ),
    "-d docs/site": (
        ["-d", "docs/site"],
        "the site folder docs/site is inside the docs folder docs",
    ),
    "--pages-dir digests/x": (
        ["--pages-dir", "digests/x"],
        "the Markdown copy folder digests/x is inside the digests folder digests",
    ),
    "-d build (holds the Markdown copy)": (
        ["-d", "build"],
        "the site folder build holds the Markdown copy folder build/pages",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_output_over_an_input_is_refused_and_nothing_is_touched(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project.root)
    args, message = CASES[case]
    parent = tmp_path / "parent"
    before = tree_files(parent)
    for markdown_only in ([], ["--markdown-only"]):
        assert run_cli(["build", "--quiet", *args, *markdown_only]) == 2
        err = capsys.readouterr().err
        assert err == f"paperfeed: error: {message.format(parent=parent)}{NEVER}{NOTHING}"
        assert tree_files(parent) == before


def test_check_refuses_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    config = project.config.read_text("utf-8")
    project.config.write_text(config.replace("site_dir: site", "site_dir: digests"), "utf-8")
    monkeypatch.chdir(project.root)
    before = tree_files(tmp_path)
    assert run_cli(["check"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"paperfeed: error: the site folder digests is the digests folder{NEVER}{NOTHING}"
    )
    assert tree_files(tmp_path) == before


def test_a_folder_paperfeed_did_not_make_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    (project.root / "notes").mkdir()
    (project.root / "notes" / "todo.md").write_text("mine\n", "utf-8")
    monkeypatch.chdir(project.root)
    before = tree_files(tmp_path)
    for args, name in ((["-d", "notes"], "site"), (["--pages-dir", "notes"], "Markdown copy")):
        assert run_cli(["build", "--quiet", *args]) == 2
        assert capsys.readouterr().err == (
            f"paperfeed: error: the {name} folder notes was not made by paperfeed (it has no "
            f"{MARKER} file): a build would replace it; move it away or choose another "
            f"folder{NOTHING}"
        )
        assert tree_files(tmp_path) == before
    # A file where the output should go is not replaced either.
    assert run_cli(["build", "--quiet", "-d", "notes/todo.md"]) == 2
    assert "the site folder notes/todo.md is not a folder: a build would replace it" in (
        capsys.readouterr().err
    )
    assert tree_files(tmp_path) == before


def test_paperfeeds_own_folders_are_marked_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project.root)
    assert run_cli(["build", "--quiet", "-d", "out", "--pages-dir", "md"]) == 0
    assert (project.root / "out" / MARKER).is_file()
    assert (project.root / "md" / MARKER).is_file()
    assert owned(project.root / "out", "site") and owned(project.root / "md", "pages")
    assert run_cli(["build", "--quiet", "-d", "out", "--pages-dir", "md"]) == 0
    # An empty folder, or one an earlier paperfeed made (no marker yet), is taken over.
    (project.root / "empty").mkdir()
    assert owned(project.root / "empty", "site")
    (project.root / "out" / MARKER).unlink()
    assert owned(project.root / "out", "site")  # papers.json and sitemap.xml
    assert not owned(project.root / "docs", "site")


def test_check_outputs_compares_resolved_paths(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "docs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(root / "docs")
    inputs = project_inputs(
        root, root / "mkdocs.yml", root / "docs", root / "digests", root / "taxonomy.yml"
    )
    with pytest.raises(Exception, match="is the docs folder"):
        check_outputs({"site": tmp_path / "link"}, inputs)
    check_outputs({"site": root / "site", "pages": tmp_path / "elsewhere"}, inputs)


@pytest.mark.parametrize("page", ["tags.md", "topics.md", "archive.md", "papers/x.md"])
def test_a_hand_written_page_at_a_generated_address_is_an_error_in_build_and_check(
    tmp_path: Path, page: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    project.write_doc(page, "# Mine\n")
    message = (
        "these files in the docs folder are in the way of generated pages (the generator "
        f"owns index.md, topics, tags, archive, papers, feed.xml, papers.json): {page}\n"
    )
    assert project.check() == 1
    assert capsys.readouterr().err.endswith(f"paperfeed: {message}")
    assert project.build() == 1
    assert message in capsys.readouterr().err
    assert not project.site.exists()
