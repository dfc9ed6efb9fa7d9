"""curation.yml on a real build: moved, hidden, annotated and featured papers (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from project import make_project

DIGEST = """\
date: 2025-03-14
papers:
  - title: Mixture of Experts at Scale
    arxiv: "2501.00001"
    abstract: A mixture of experts (MoE) model with expert parallelism. MoE routing.
  - title: A Secret Paper
    abstract: Reinforcement learning with a reward model. Reinforcement learning again.
  - title: Data Selection for Fine-Tuning
    abstract: Data selection and data curation for instruction tuning. Data selection.
"""

CURATION = """\
papers:
  "2501.00001":
    topics: [architectures]
    add_tags: [survey]
  A Secret Paper:
    hide: true
  data selection for fine-tuning:
    note: Read this <b>first</b>.
    feature: true
"""


def test_curation_changes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    (tmp_path / "curation.yml").write_text(CURATION, "utf-8")
    assert project.check() == 0
    out = capsys.readouterr().out
    assert "papers hidden:       1\n" in out
    assert "unique papers:       3\n" in out
    assert "papers rendered:     2\n" in out
    # (it said every paper read has a page, one of them hidden)
    hidden_by = tmp_path / "curation.yml"
    assert out.endswith(f"ok: every paper read has a page or is hidden by {hidden_by}\n")

    assert project.build() == 0
    moved = project.page("papers/arxiv-2501-00001/")
    topics = moved.split("<strong>Topics:</strong>", 1)[1].split("</p>", 1)[0]
    assert "Architectures" in topics and "Mixture of experts" not in topics
    assert "papers/arxiv-2501-00001/" in project.page("topics/architectures/")
    assert not (project.site / "topics" / "mixture-of-experts").exists()  # now empty
    assert "#Survey" in moved or "Survey" in moved.split("<strong>Tags:</strong>", 1)[1]

    assert not (project.site / "papers" / "a-secret-paper").exists()
    for name in ("feed.xml", "papers.json", "search/search_index.json", "index.html"):
        assert "Secret" not in (project.site / name).read_text("utf-8"), name
    assert "Secret" not in project.page("archive/2025-03-14/")

    noted = project.page("papers/data-selection-for-fine-tuning/")
    assert "Read this &lt;b&gt;first&lt;/b&gt;." in noted
    home = project.page("")
    featured = home.split('id="featured"', 1)[1].split('id="recent-papers"', 1)[0]
    assert "Data Selection for Fine-Tuning" in featured
    assert "Mixture of Experts at Scale" not in featured

    data = json.loads((project.site / "papers.json").read_text("utf-8"))
    by_id = {p["id"]: p for p in data["papers"]}
    assert sorted(by_id) == ["2501.00001", "data-selection-for-fine-tuning"]
    assert by_id["2501.00001"]["primary_topic"] == "architectures"
    assert by_id["2501.00001"]["topics"] == ["architectures"]


def test_an_unknown_paper_is_an_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    (tmp_path / "curation.yml").write_text(
        'papers:\n  "2501.00001": {hide: true}\n  No Such Paper: {hide: true}\n', "utf-8"
    )
    assert project.build() == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"{tmp_path / 'curation.yml'}:3: unknown paper 'No Such Paper' (no paper has this title)",
        "paperfeed: 1 error; nothing was written",
    ]
    assert not project.site.exists() and not project.pages.exists()


def test_a_curation_file_elsewhere_and_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    elsewhere = tmp_path / "mine.yml"
    elsewhere.write_text("papers:\n  A Secret Paper: {hide: true}\n", "utf-8")
    assert project.check("--curation", str(elsewhere)) == 0
    assert "papers hidden:       1\n" in capsys.readouterr().out
    assert project.check("--curation", str(tmp_path / "none.yml")) == 2
    assert "none.yml: no such curation file (see --curation)" in capsys.readouterr().err
    # A folder is named as one; one beside the taxonomy is not skipped as if absent (the
    # build applied no curation and check said ok).
    assert project.check("--curation", str(tmp_path)) == 2
    assert f"{tmp_path}: a folder, not a curation file" in capsys.readouterr().err
    (tmp_path / "curation.yml").mkdir()
    assert project.check() == 2
    assert "curation.yml: a folder, not a curation file" in capsys.readouterr().err
