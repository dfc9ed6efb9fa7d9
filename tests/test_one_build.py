"""Issue 11: one build at a time per project. A second build waits for the first; each
exits 0 with a complete site; recovery never deletes the staging folder of a build that
is still running; output folders get the umask's mode."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from project import (
    FIXTURES,
    REPO,
    copy_digests,
    is_paper,
    make_project,
    module_command,
    subprocess_env,
    tree_hash,
)

from generator.write import new_sibling, recover, swap_in

pytestmark = pytest.mark.slow

WAITING = "paperfeed: another build of this project is running; waiting for it to finish\n"


def test_two_builds_a_second_apart_both_publish_a_complete_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "synth.py"),
            "--papers",
            "200",
            "--seed",
            "5",
            "--out",
            str(project.digests),
        ],
        check=True,
        capture_output=True,
    )
    env = subprocess_env(SOURCE_DATE_EPOCH="1741910400")
    command = module_command("build", "--config", str(project.config), "--quiet")
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    start = time.monotonic()
    while not list(project.root.glob(".site.new-*")) and first.poll() is None:
        assert time.monotonic() - start < 240, "the first build never started MkDocs"
        time.sleep(0.02)
    assert first.poll() is None, "the first build ended before the second could start"
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    after_first = tree_hash(project.site)
    papers = (project.site / "papers").glob("*/index.html")
    pages_after_first = len([p for p in papers if is_paper(p.parent.name)])
    _, err2 = second.communicate(timeout=300)
    assert second.returncode == 0, err2
    assert err2.decode() == WAITING  # it waited, it said so once, then built
    assert tree_hash(project.site) == after_first  # the same complete site, twice
    assert pages_after_first == len(project.paper_pages()) > 200
    assert not list(project.root.glob(".site.*"))


def test_recovery_keeps_the_staging_folder_of_a_running_build(tmp_path: Path) -> None:
    dest = tmp_path / "site"
    running = new_sibling(dest)  # this process's, locked until swapped in
    (running / "half.html").write_text("half", "utf-8")
    crashed = tmp_path / ".site.new-crashed"  # a build that died: nobody holds its lock
    crashed.mkdir()
    code = (
        "from pathlib import Path; from generator.write import recover; "
        f"recover(Path({str(dest)!r}))"
    )
    env = subprocess_env()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert running.is_dir() and not crashed.exists()
    recover(dest)  # the build's own process neither
    assert running.is_dir()
    swap_in(running, dest)
    assert (dest / "half.html").is_file()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert (dest / "half.html").is_file() and sorted(tmp_path.iterdir()) == [dest]


def test_output_folders_follow_the_umask(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project, ["2025-03-18-curated.yml"])
    old = os.umask(0o022)
    try:
        assert project.build() == 0
    finally:
        os.umask(old)
    for folder in (project.site, project.pages):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    old = os.umask(0o027)
    try:
        assert project.build("--no-cache", "-d", str(tmp_path / "other")) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "other").stat().st_mode) == 0o750
