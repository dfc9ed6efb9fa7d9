"""Issue 11: digests are regular files inside the project. A link to a file outside it is
an error; a folder, a broken link or a loop where a digest could be is a warning (build)
and listed (check), never skipped silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from project import FIXTURES, Project, make_project, run_cli, tree_files

CURATED = FIXTURES / "digests" / "2025-03-18-curated.yml"


def _project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "p")
    shutil.copy(CURATED, project.digests)
    return project


def test_a_link_to_a_digest_outside_the_project_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    outside = tmp_path / "elsewhere" / "2025-03-19-secret.yml"
    outside.parent.mkdir()
    outside.write_text(CURATED.read_text("utf-8").replace("2025-03-18", "2025-03-19"), "utf-8")
    (project.digests / "2025-03-19-secret.yml").symlink_to(outside)
    monkeypatch.chdir(project.root)
    before = tree_files(tmp_path)
    expected = (
        f"digests/2025-03-19-secret.yml: a symbolic link to {outside}, outside the project "
        f"folder {project.root}: a digest must be a file of the project (copy it in)\n"
        "paperfeed: 1 error; nothing was written\n"
    )
    for command in (["build", "--quiet"], ["check"]):
        assert run_cli(command) == 1
        assert capsys.readouterr().err == expected
    assert tree_files(tmp_path) == before


def test_a_link_to_a_file_inside_the_project_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    shared = project.root / "shared"
    shared.mkdir()
    (project.digests / CURATED.name).rename(shared / CURATED.name)
    (project.digests / CURATED.name).symlink_to(Path("..") / "shared" / CURATED.name)
    monkeypatch.chdir(project.root)
    assert run_cli(["check"]) == 0
    assert "papers read:         " in capsys.readouterr().out


def test_folders_broken_links_and_loops_are_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    (project.digests / "2025-03-20-folder.yml").mkdir()
    (project.digests / "2025-03-21-broken.yml").symlink_to("nowhere.yml")
    (project.digests / "2025-03-22-loop.yml").symlink_to("2025-03-22-loop.yml")
    (project.digests / "2025-03-23-dir-link").symlink_to(project.docs)
    (project.digests / ".hidden").mkdir()  # hidden: skipped, as hidden files are
    monkeypatch.chdir(project.root)
    warnings = (
        "warning: digests/2025-03-20-folder.yml: skipped: a folder (digests are files "
        "directly in digests/, not in sub-folders)\n"
        "warning: digests/2025-03-21-broken.yml: skipped: a broken symbolic link (to "
        "'nowhere.yml')\n"
        "warning: digests/2025-03-22-loop.yml: skipped: a loop of symbolic links\n"
        "warning: digests/2025-03-23-dir-link: skipped: a symbolic link to a folder (digests "
        "are files directly in digests/)\n"
    )
    assert run_cli(["check"]) == 0
    assert capsys.readouterr().err == warnings
    assert run_cli(["build"]) == 0
    assert capsys.readouterr().err.startswith(warnings)


def test_a_digest_named_index_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    shutil.copy(CURATED, project.digests / "index.yml")
    (project.digests / CURATED.name).unlink()
    monkeypatch.chdir(project.root)
    expected = (
        "digests/index.yml: a digest may not be named 'index' (archive/index is the "
        "archive's own page): rename the file, e.g. after its date\n"
        "paperfeed: 1 error; nothing was written\n"
    )
    for command in (["check"], ["build", "--quiet"]):
        assert run_cli(command) == 1
        assert capsys.readouterr().err == expected
