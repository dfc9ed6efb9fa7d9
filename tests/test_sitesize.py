"""The site's size against the host's limit: reported on every build, a warning from 80%."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from project import REPO, make_project, run_cli

from generator.sitesize import SiteSize, folder_bytes, measure

SAMPLE = REPO / "digests" / "2025-03-14-hf-papers.txt"


def test_summary_gives_megabytes_per_paper_and_share() -> None:
    size = SiteSize(bytes=49_600_000, papers=1000, limit_mb=1000)
    assert size.summary() == "49.6 MB (49.6 KB a paper, 5% of the 1,000 MB limit)"
    assert size.warning() is None


def test_no_warning_below_four_fifths_of_the_limit() -> None:
    assert SiteSize(bytes=799_999_999, papers=10, limit_mb=1000).warning() is None


def test_warning_from_four_fifths_names_the_option_and_what_to_do() -> None:
    size = SiteSize(bytes=800_000_000, papers=20_000, limit_mb=1000)
    assert size.warning() == (
        "the site (800.0 MB, 80% of the limit) is near the host's limit of 1,000 MB "
        "(the plugin's size_limit_mb; GitHub Pages publishes at most 1 GB); at 40.0 KB a "
        "paper there is room for about 5,000 more papers. To stay under it, move the oldest "
        "digests out of the digests folder into a second site (an archive), or publish where "
        "sites may be larger and raise size_limit_mb"
    )


def test_warning_over_the_limit_says_so() -> None:
    size = SiteSize(bytes=1_200_000_000, papers=0, limit_mb=1000)
    assert size.summary() == "1,200.0 MB (120% of the 1,000 MB limit)"
    warning = size.warning()
    assert warning is not None
    assert warning.startswith("the site (1,200.0 MB, 120% of the limit) is over the host's")
    assert "room for" not in warning


def test_folder_bytes_counts_files_in_subfolders(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "x.html").write_bytes(b"12345")
    (tmp_path / "a" / "b" / "y.js").write_bytes(b"123")
    assert folder_bytes(tmp_path) == 8


def _project(tmp_path: Path, limit_mb: int | None) -> Path:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    if limit_mb is not None:
        config = config.replace(
            "      feed_size: 50\n", f"      feed_size: 50\n      size_limit_mb: {limit_mb}\n"
        )
        assert f"size_limit_mb: {limit_mb}" in config
    project = make_project(tmp_path, config_text=config)
    shutil.copyfile(SAMPLE, project.digests / SAMPLE.name)
    return project.root


def test_build_prints_the_size_and_no_warning_under_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, None)
    assert run_cli(["build", "--config", str(root / "mkdocs.yml")]) == 0
    out, err = capsys.readouterr()
    size = folder_bytes(root / "site")
    expected = SiteSize(size, 75, 1000).summary()
    assert f"paperfeed: the site is {expected}\n" in out
    assert "size_limit_mb" not in err


def test_build_near_the_limit_warns_and_still_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 1)  # 1 MB: the sample's site is larger
    assert run_cli(["build", "--config", str(root / "mkdocs.yml")]) == 0  # strict, yet built
    out, err = capsys.readouterr()
    assert "% of the 1 MB limit)" in out
    assert "warning: the site (" in err
    assert "the host's limit of 1 MB (the plugin's size_limit_mb;" in err
    assert (root / "site" / "index.html").is_file()


def test_plain_mkdocs_build_logs_the_size_and_the_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = _project(tmp_path, 1)
    config = load_config(str(root / "mkdocs.yml"))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.paperfeed"):
        mkdocs_build(config)
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert any(
        level == logging.INFO and m.startswith("paperfeed: the site is ") for level, m in messages
    )
    assert any(
        level == logging.WARNING and "the plugin's size_limit_mb" in m for level, m in messages
    )


def test_a_limit_below_one_megabyte_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 0)
    assert run_cli(["build", "--config", str(root / "mkdocs.yml")]) == 1
    assert "option 'size_limit_mb': must be at least 1, got 0" in capsys.readouterr().err


def test_a_measure_counts_the_html_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>x</p>", "utf-8")
    (tmp_path / "404.html").write_text("<p>y</p>", "utf-8")
    (tmp_path / "feed.xml").write_text("<feed/>", "utf-8")
    size = measure(tmp_path, 2)
    assert (size.bytes, size.html_pages) == (8 + 8 + 7, 2)
