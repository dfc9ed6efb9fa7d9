"""Issue 11: every failure is a message, never a traceback, and check fails wherever build
would: huge integers, dates the output cannot hold, a full or read-only disk."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from project import FIXTURES, Project, make_project, tree_files

import generator.site as site_module
import generator.write as write_module

CURATED = FIXTURES / "digests" / "2025-03-18-curated.yml"
HUGE = "9" * 5000
SHOWN = f"'{'9' * 40}'... (5,000 characters)"


def _project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "p")
    shutil.copy(CURATED, project.digests)
    return project


def _both(project: Project, capsys: pytest.CaptureFixture[str], expected: str) -> None:
    """check and build both fail with exactly ``expected`` on stderr."""
    assert project.check() == 1
    assert capsys.readouterr().err == expected
    assert project.build() == 1
    assert capsys.readouterr().err == expected


def test_a_huge_integer_in_a_json_digest_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    project.write_digest("2025-03-19-x.json", f'{{"date": {HUGE}, "papers": []}}')
    monkeypatch.chdir(project.root)
    _both(
        project,
        capsys,
        f"digests/2025-03-19-x.json:1: 'date' must be a date like 2025-03-14, got {SHOWN}\n"
        "digests/2025-03-19-x.json:1: empty digest (no papers)\n"
        "paperfeed: 2 errors; nothing was written\n",
    )


def test_a_huge_integer_in_the_taxonomy_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    taxonomy = project.root / "taxonomy.yml"
    text = taxonomy.read_text("utf-8")
    assert "title_weight: 3" in text
    taxonomy.write_text(text.replace("title_weight: 3", f"title_weight: {HUGE}"), "utf-8")
    line = text[: text.index("title_weight: 3")].count("\n") + 1
    monkeypatch.chdir(project.root)
    _both(
        project,
        capsys,
        f"taxonomy.yml:{line}: 'title_weight' is too large: {SHOWN}\n"
        "paperfeed: 1 error; nothing was written\n",
    )


@pytest.mark.parametrize("date", ["2107-01-01", "1969-12-31"])
def test_a_date_the_site_cannot_hold_is_an_input_error(
    tmp_path: Path, date: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    text = CURATED.read_text("utf-8").replace("2025-03-18", date)
    project.write_digest(f"{date}.yml", text)
    monkeypatch.chdir(project.root)
    _both(
        project,
        capsys,
        f"digests/{date}.yml: the date {date} is outside what the site can hold (1970-01-01 "
        "to 2106-02-06: the sitemap's gzip header counts seconds from 1970 in 32 bits)\n"
        "paperfeed: 1 error; nothing was written\n",
    )


def test_a_full_disk_says_the_previous_site_was_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    assert project.build() == 0
    before = tree_files(project.site), tree_files(project.pages)

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", str(project.root))

    monkeypatch.setattr(write_module.tempfile, "mkdtemp", full)
    capsys.readouterr()
    assert project.build() == 1
    assert capsys.readouterr().err == (
        "paperfeed: the site did not build: cannot write the output (No space left on "
        f"device): {project.root}\npaperfeed: the previous site was left as it was\n"
    )
    assert (tree_files(project.site), tree_files(project.pages)) == before


def test_a_first_build_that_fails_says_nothing_was_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no site before, a failed build does not speak of a previous site (it did); a
    build failing before its config is read cannot know of one either."""
    project = _project(tmp_path)

    def read_only(new: Path, dest: Path, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(dest))

    monkeypatch.setattr(site_module, "swap_in", read_only)
    assert project.build() == 1
    assert capsys.readouterr().err == (
        "paperfeed: the site did not build: cannot write the output (Permission denied): "
        f"{project.site}\npaperfeed: nothing was published\n"
    )
    assert not project.site.exists() and not list(project.root.glob(".site.*"))
    monkeypatch.undo()
    assert project.build() == 0
    project.config.write_text(project.config.read_text() + "site_dir: 5\n[", "utf-8")
    capsys.readouterr()
    assert project.build() == 1
    assert capsys.readouterr().err.endswith("paperfeed: nothing was published\n")


def test_a_read_only_output_says_the_previous_site_was_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    assert project.build() == 0
    before = tree_files(project.site), tree_files(project.pages)

    def read_only(new: Path, dest: Path, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(dest))

    monkeypatch.setattr(site_module, "swap_in", read_only)
    capsys.readouterr()
    assert project.build() == 1
    assert capsys.readouterr().err == (
        "paperfeed: the site did not build: cannot write the output (Permission denied): "
        f"{project.site}\npaperfeed: the previous site was left as it was\n"
    )
    assert (tree_files(project.site), tree_files(project.pages)) == before
    assert not list(project.root.glob(".site.*")), "the staging folder is removed"
