"""The plugin's settings (generator/config.py): validated by MkDocs' config_options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from project import make_project, run_cli

from generator.config import Session, session

ROOT = Path(__file__).resolve().parent.parent
CONFIG = (ROOT / "mkdocs.yml").read_text("utf-8")
DIGEST = {
    "2025-03-14.yml": "date: 2025-03-14\npapers:\n"
    "  - title: A Paper On Reward Models\n    abstract: We study reward models.\n"
    "  - title: A Paper On Diffusion\n    abstract: We study diffusion models.\n"
}


def with_options(*lines: str) -> str:
    """The repository's mkdocs.yml with more plugin options after ``feed_size``."""
    extra = "".join(f"      {line}\n" for line in lines)
    assert "      feed_size: 50\n" in CONFIG
    return CONFIG.replace("      feed_size: 50\n", "      feed_size: 50\n" + extra)


def config_errors(tmp_path: Path, *lines: str, capsys: pytest.CaptureFixture[str]) -> str:
    project = make_project(tmp_path, config_text=with_options(*lines))
    assert project.build() == 1
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("taxonomy: nowhere.yml", "option 'taxonomy': The path '{root}/nowhere.yml' isn't an "
         "existing file."),
        ("digests: nowhere", "option 'digests': The path '{root}/nowhere' isn't an existing "
         "directory."),
        ("max_digest_mb: 0", "option 'max_digest_mb': must be at least 1, got 0"),
        ("size_limit_mb: 0", "option 'size_limit_mb': must be at least 1, got 0"),
        ("page_size: true", "option 'page_size': must be a whole number, got True"),
        ("pagefind_threshold: -1", "option 'pagefind_threshold': must be at least 0, got -1"),
        ("enabled: maybe", "option 'enabled': Expected type: <class 'bool'> but received: "
         "<class 'str'>"),
    ],
)  # fmt: skip
def test_bad_settings_are_reported_the_mkdocs_way(
    tmp_path: Path, line: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = config_errors(tmp_path, line, capsys=capsys)
    expected = "Config value 'plugins': Plugin 'paperfeed' " + message.format(root=tmp_path)
    assert f"ERROR   -  {expected}\n" in err
    assert not (tmp_path / "site").exists()


def test_paths_are_read_relative_to_mkdocs_yml(tmp_path: Path) -> None:
    project = make_project(tmp_path, config_text=with_options())
    config = load_config(os.fspath(project.config))
    options = config.plugins["paperfeed"].config
    assert options.digests == os.fspath(project.digests)
    assert options.taxonomy == os.fspath(tmp_path / "taxonomy.yml")


def test_disabled_the_plugin_adds_nothing(tmp_path: Path) -> None:
    """``enabled: false``: plain ``mkdocs build`` makes the hand-written pages only."""
    project = make_project(tmp_path, DIGEST, config_text=with_options("enabled: false"))
    config = load_config(os.fspath(project.config), site_dir=os.fspath(project.site))
    build(config)
    built = sorted(p.relative_to(project.site).as_posix() for p in project.site.rglob("*.html"))
    assert "about/index.html" in built
    assert not any(p.startswith(("papers/", "topics/", "tags/", "archive/")) for p in built)
    assert not (project.site / "assets" / "paperfeed.css").exists()


def test_disabled_paperfeed_build_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, config_text=with_options("enabled: false"))
    assert project.build() == 2
    assert capsys.readouterr().err == (
        f"paperfeed: error: {project.config}: the paperfeed plugin is turned off (enabled: false)\n"
    )


def test_command_line_paths_replace_the_configured_ones_before_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """mkdocs.yml names folders that do not exist; the command line's are used instead."""
    project = make_project(tmp_path / "p", DIGEST, config_text=with_options())
    project.digests.rename(tmp_path / "elsewhere")
    (tmp_path / "p" / "taxonomy.yml").rename(tmp_path / "tax.yml")
    code = run_cli(
        [
            "build",
            "--config",
            str(project.config),
            "--digests",
            str(tmp_path / "elsewhere"),
            "--taxonomy",
            str(tmp_path / "tax.yml"),
            "-q",
        ]
    )
    assert (code, capsys.readouterr().err) == (0, "")
    assert (project.site / "papers").is_dir()


def test_a_session_applies_to_every_config_loaded_inside_it(tmp_path: Path) -> None:
    """``paperfeed serve`` loads the config again on every rebuild: each load gets the
    command line's settings, and none outside the session."""
    project = make_project(tmp_path, config_text=with_options())
    with session(Session(overrides={"search": "pagefind", "cache": False})):
        for _ in range(2):
            options = load_config(os.fspath(project.config)).plugins["paperfeed"].config
            assert (options.search, options.cache) == ("pagefind", False)
    options = load_config(os.fspath(project.config)).plugins["paperfeed"].config
    assert (options.search, options.cache) == ("auto", True)
