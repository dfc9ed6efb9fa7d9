"""paperfeed on MkDocs and on ProperDocs (the maintained MkDocs 1.6 fork): the same site,
and a broken link reported under either name (generator/engine.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project import Project, make_project, run_module, subprocess_env, tree_files

DIGEST = {
    "2025-03-14.yml": "date: 2025-03-14\npapers:\n"
    "  - title: A Paper On Reward Models\n    abstract: We study reward models.\n"
    "  - title: A Paper On Diffusion\n    abstract: We study diffusion models.\n"
}
BROKEN = {"about.md": "# About\n\nSee [the missing page](missing.md).\n"}
BROKEN_LINK = (
    "WARNING -  Doc file 'about.md' contains a link 'missing.md', but the target is not "
    "found among documentation files."
)
ENGINES = ["mkdocs", "properdocs"]
_GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def _build(project: Project, engine: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_module(
        "build",
        "--config",
        str(project.config),
        *args,
        env=subprocess_env(PAPERFEED_ENGINE=engine),
    )


def test_the_engine_is_the_one_asked_for() -> None:
    for engine in ENGINES:
        out = subprocess.run(
            [sys.executable, "-c", "import generator, mkdocs; print(mkdocs.__name__)"],
            env=subprocess_env(PAPERFEED_ENGINE=engine),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out == f"{engine}\n"


def test_an_unknown_engine_is_a_usage_error() -> None:
    result = run_module("check", env=subprocess_env(PAPERFEED_ENGINE="zensical"))
    assert (result.returncode, result.stderr) == (
        2,
        "paperfeed: error: PAPERFEED_ENGINE: expected 'mkdocs' or 'properdocs' but "
        "received 'zensical'\n",
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_link_is_reported_under_each_engine(tmp_path: Path, engine: str) -> None:
    project = make_project(tmp_path, DIGEST, BROKEN)
    result = _build(project, engine)
    assert result.returncode == 1
    assert BROKEN_LINK + "\n" in result.stderr
    assert not project.site.exists()


def test_both_engines_build_the_same_site(tmp_path: Path) -> None:
    """Byte for byte, but for the ``generator`` meta tag that names the engine."""
    sites = {}
    # MkDocs 1.6.0 (the lower bound) still wrote <changefreq> into the sitemap; 1.6.1 and
    # ProperDocs do not.
    changefreq = re.compile(rb"\n *<changefreq>daily</changefreq>")
    for engine in ENGINES:
        project = make_project(tmp_path / engine, DIGEST)
        result = _build(project, engine, "-q")
        assert (result.returncode, result.stderr) == (0, "")
        sites[engine] = {
            path: changefreq.sub(b"", _GENERATOR_META.sub(b"", data))
            for path, data in tree_files(project.site).items()
            if path != "sitemap.xml.gz"  # the compressed copy of sitemap.xml
        }
    assert any(path.startswith("papers/") for path in sites["mkdocs"])
    assert sites["mkdocs"] == sites["properdocs"]


def test_the_properdocs_command_runs_the_plugin(tmp_path: Path) -> None:
    """``properdocs build``: the plugin is found, and its strict mode fails on a broken link."""
    command = shutil.which("properdocs", path=str(Path(sys.executable).parent))
    assert command is not None, "properdocs is a test dependency"
    project = make_project(tmp_path, DIGEST)
    ok = subprocess.run(
        [command, "build", "--strict", "-q"],
        cwd=project.root,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, ok.stderr) == (0, "")
    assert (project.site / "papers" / "a-paper-on-reward-models" / "index.html").is_file()
    project.write_doc("about.md", BROKEN["about.md"])
    broken = subprocess.run(
        [command, "build", "--strict"],
        cwd=project.root,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1
    assert BROKEN_LINK + "\n" in broken.stderr
