"""``paperfeed report``: the curator's numbers on the sample and one paper's evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from project import REPO, copy_digests, make_project, run_cli

from generator.model import Appearance, Feed, Paper
from generator.report import Section, markdown_lines, missing_examples, near_duplicates
from generator.taxonomy import parse_taxonomy


def paper(pid: str, title: str) -> Paper:
    return Paper(pid, pid, title, "", (Appearance(dt.date(2025, 3, 14), "d", 1),))


def test_the_sample_report_prints_the_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path)
    copy_digests(REPO / "digests", project)
    assert run_cli(["report", "--config", str(project.config)]) == 0
    out = capsys.readouterr().out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "papers 75" in lines
    assert "topics per paper (a sub-topic and its parent count as one) 1.47" in lines
    assert "largest topic's share 29.3%" in lines  # at most 30%
    assert "papers with a primary topic 75" in lines
    assert "papers in the catch-all 0" in lines
    assert "fine-tuning 22 29.3%" in lines  # the one topic above 25%
    crowded = out.split("Topics above 25% of the feed\n", 1)[1].split("\n\n", 1)[0]
    assert crowded.splitlines()[1:] == ["  fine-tuning  22  29.3%"]  # under the underline
    assert "tag diffusion denoising diffusion" in lines  # a rule that never matched

    assert run_cli(["report", "--config", str(project.config), "--markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# paperfeed report\n\n## Summary\n")
    assert "| fine-tuning | 22 | 29.3% |" in markdown


def test_one_papers_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path)
    copy_digests(REPO / "digests", project)
    argv = ["report", "--config", str(project.config), "--paper", "go wider instead of deeper"]
    assert run_cli(argv) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert any(
        line.startswith("architectures primary 12: 'wider' in the title (3), 'deeper' in the title")
        for line in lines
    )
    assert any(line.startswith("mixture-of-experts not given 3:") for line in lines)
    assert any(line.startswith("moe given 3: 'MoE' in the abstract x2 (2)") for line in lines)
    assert run_cli(["report", "--config", str(project.config), "--paper", "nope"]) == 2
    assert "--paper 'nope': no paper has this id, slug or title" in capsys.readouterr().err


def test_one_papers_evidence_names_the_curation_that_changed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tag the curation took away was reported 'not given' with its score alone (a
    score that meets min_score), a hidden paper as no paper at all."""
    project = make_project(tmp_path)
    copy_digests(REPO / "digests", project)
    curation = project.root / "curation.yml"
    hidden = "Natural GaLore: Accelerating GaLore for memory-efficient LLM Training and Fine-tuning"
    curation.write_text(
        "papers:\n  go wider instead of deeper:\n    remove_tags: [moe]\n"
        f"    add_tags: [survey]\n  {hidden!r}:\n    hide: true\n",
        "utf-8",
    )
    argv = ["report", "--config", str(project.config), "--paper", "go wider instead of deeper"]
    assert run_cli(argv) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert any(
        line.startswith(f"moe not given taken away by {curation}:3; 3: 'MoE' in the abstract")
        for line in lines
    ), lines
    assert f"survey given {curation}:4" in lines
    argv[-1] = hidden
    assert run_cli(argv) == 0
    assert f"hidden by {curation}:6: no page" in " ".join(capsys.readouterr().out.split())


def test_near_duplicates_and_missing_examples() -> None:
    papers = [
        paper("a", "Scaling Laws for Neural Language Models"),
        paper("b", "Scaling laws for neural language models!"),
        paper("c", "Scaling Laws for Data Filtering"),
    ]
    assert [(a, b) for a, b, _ in near_duplicates(papers)] == [("a", "b")]
    taxonomy = parse_taxonomy(
        "topics:\n  - {name: S, examples: [scaling laws for data filtering, '2401.00001']}\n"
        "  - {name: Other}\n",
        "t.yml",
    )
    feed = Feed((), tuple(papers), 3)
    assert missing_examples(feed, taxonomy) == [("s", "2401.00001")]


def test_markdown_cells_are_escaped() -> None:
    section = Section("T", (("a|b", "<script>"),), ("x", "y"))
    assert markdown_lines([section], "R")[4:] == [
        "| x | y |",
        "|---|---|",
        "| a\\|b | &lt;script> |",
        "",
    ]


def test_a_title_two_papers_share_is_not_taken_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--paper with such a title reported one of the two without a word."""
    digest = (
        "date: 2025-03-14\npapers:\n"
        "  - {title: Same Title Twice, abstract: One abstract about sparse experts.}\n"
        "  - {title: Same Title Twice, abstract: Another about diffusion models.}\n"
    )
    project = make_project(tmp_path, {"2025-03-14.yml": digest})
    argv = ["report", "--config", str(project.config), "--paper", "same title twice"]
    assert run_cli(argv) == 2
    err = capsys.readouterr().err
    assert "--paper 'same title twice': the title of 2 papers (" in err
    assert err.rstrip().endswith("name one by its id")
