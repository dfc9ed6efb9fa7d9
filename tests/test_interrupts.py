"""Issue 11: Ctrl-C gives exit status 130 everywhere (serve included), scratch folders are
removed on interrupt, and stale ones (no running process holds them) at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from project import (
    FIXTURES,
    REPO,
    copy_digests,
    make_project,
    module_command,
    subprocess_env,
    tree_files,
)

from generator import search

pytestmark = pytest.mark.slow


def _kill_later(proc: subprocess.Popen[str], seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, proc.kill)  # a hung test ends, and fails
    timer.start()
    return timer


def test_ctrl_c_on_serve_exits_130(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project, ["2025-03-18-curated.yml"])
    proc = subprocess.Popen(
        module_command("serve", "--config", str(project.config), "--dev-addr", "127.0.0.1:0"),
        cwd=REPO,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    timer = _kill_later(proc, 240)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "Serving on" in line:
            break
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    timer.cancel()
    assert proc.returncode == 130, "".join(lines) + rest
    assert "paperfeed: interrupted" in rest


@pytest.mark.parametrize(
    ("previous", "signum"),
    [(False, signal.SIGINT), (True, signal.SIGINT), (True, signal.SIGTERM)],
)
def test_ctrl_c_during_a_build_exits_130_and_leaves_no_staging_folder(
    tmp_path: Path, previous: bool, signum: signal.Signals
) -> None:
    """Ctrl-C as soon as the new site's folder is made: a first build, or one that keeps
    pages of the previous site (their linking starts then, before the pages are made).
    SIGTERM (a cancelled CI job, ``timeout``) the same."""
    project = make_project(tmp_path / "p")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "synth.py"),
            "--papers",
            "200",
            "--seed",
            "7",
            "--out",
            str(project.digests),
        ],
        check=True,
        capture_output=True,
    )
    command = module_command("build", "--config", str(project.config), "--quiet")
    if previous:
        subprocess.run(command, env=subprocess_env(), check=True, capture_output=True)
        before = tree_files(project.site)
    proc = subprocess.Popen(
        command, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    timer = _kill_later(proc, 240)
    while not list(project.root.glob(".site.new-*")) and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    timer.cancel()
    assert proc.returncode == 130, err
    assert err.endswith("paperfeed: interrupted\n")
    time.sleep(0.5)  # a linking process left running would go on making folders
    assert not list(project.root.glob(".site.*"))
    if previous:
        assert tree_files(project.site) == before
    else:
        assert not project.site.exists()


def test_stale_scratch_folders_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    mine = search.new_scratch()  # held by this process
    where = mine.parent
    dead = where / f"{search.SCRATCH_PREFIX}killed-test"
    dead.mkdir()
    old = time.time() - search.STALE_SECONDS - 60
    os.utime(dead, (old, old))
    os.utime(mine, (old, old))
    fresh = search.new_scratch()
    try:
        assert not dead.exists(), "a killed process's leftover is removed at the next start"
        assert mine.is_dir(), "a folder a running process holds is kept, however old"
    finally:
        search.remove_scratch(mine)
        search.remove_scratch(fresh)
    assert not mine.exists() and not fresh.exists()
