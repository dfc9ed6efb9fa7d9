"""The GitHub workflows: deploy hygiene, the tested range, current actions, actionlint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"

CURRENT_MAJORS = {
    "actions/checkout": 6,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
    "actions/upload-artifact": 7,
    "actions/download-artifact": 7,
    # v8 runs on Node 24; v7's Node 20 runtime is being removed from the runners.
    "peter-evans/create-pull-request": 8,
}
"""The actions' majors when this was written: a workflow may use newer, not older."""


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_name, step) for job_name, job in workflow["jobs"].items() for step in job["steps"]]


def test_the_deploy_is_never_cancelled_in_flight() -> None:
    site = load("site.yml")
    deploy = site["jobs"]["deploy"]
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    # The workflow's own group cancels older runs of the same pull request only; runs on
    # main share one group, never cancelled in flight, so they deploy in commit order (each
    # had its own group: an older run's deploy could land after a newer one's).
    top = site["concurrency"]
    assert top["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert "github.event_name == 'pull_request' && github.ref || 'main'" in top["group"]
    assert site["permissions"] == {"contents": "read"}


def test_only_the_remember_urls_job_writes_to_the_repository() -> None:
    site = load("site.yml")
    writers = {
        name
        for name, job in site["jobs"].items()
        if (job.get("permissions") or {}).get("contents") == "write"
    }
    assert writers == {"remember-urls"}
    job = site["jobs"]["remember-urls"]
    assert job["needs"] == "deploy"
    assert "refs/heads/main" in job["if"] and "pull_request" in job["if"]
    uploads = [
        step
        for name, step in steps(site)
        if name == "build" and step.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert [u["with"]["path"] for u in uploads] == ["published.txt"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_remember_urls_commits_published_txt_only_when_it_changed(tmp_path: Path) -> None:
    """The job's shell step, run for real against a local bare repository."""
    site = load("site.yml")
    (script,) = [s["run"] for s in site["jobs"]["remember-urls"]["steps"] if "run" in s]
    remote, clone, temp = tmp_path / "remote.git", tmp_path / "clone", tmp_path / "temp"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    _git(tmp_path, "clone", "-q", str(remote), str(clone))
    _git(clone, "config", "user.email", "t@example.org")
    _git(clone, "config", "user.name", "t")
    (clone / "published.txt").write_text("papers/a/ paper a\n", "utf-8")
    _git(clone, "add", "published.txt")
    _git(clone, "commit", "-q", "-m", "start")
    _git(clone, "push", "-q", "origin", "main")
    (temp / "published").mkdir(parents=True)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RUNNER_TEMP": str(temp)}

    def run() -> str:
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=clone, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "no published.txt" in run()
    (temp / "published" / "published.txt").write_text("papers/a/ paper a\n", "utf-8")
    assert "up to date" in run()
    assert _git(remote, "rev-list", "--count", "main").strip() == "1"
    grown = "papers/a/ paper a\npapers/b/ paper b\n"
    (temp / "published" / "published.txt").write_text(grown, "utf-8")
    run()
    assert _git(remote, "rev-list", "--count", "main").strip() == "2"
    assert _git(remote, "show", "main:published.txt") == grown


def test_configure_pages_runs_where_pages_can_be_read() -> None:
    site = load("site.yml")
    jobs = {
        job_name
        for job_name, step in steps(site)
        if step.get("uses", "").startswith("actions/configure-pages@")
    }
    assert jobs == {"build"}
    for job_name in jobs:
        assert site["jobs"][job_name]["permissions"]["pages"] in ("read", "write")


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_official_actions_are_current_majors(name: str) -> None:
    old = []
    for job_name, step in steps(load(name)):
        uses = step.get("uses")
        if uses is None or not uses.startswith("actions/"):
            continue
        action, _, ref = uses.partition("@")
        major = re.fullmatch(r"v(\d+)(?:\.\d+)*", ref)
        assert major, f"{name}: {job_name}: {uses}: not a version tag"
        if action in CURRENT_MAJORS and int(major.group(1)) < CURRENT_MAJORS[action]:
            old.append(f"{job_name}: {uses} (current: v{CURRENT_MAJORS[action]})")
    assert old == []


def test_the_deploy_installs_the_pinned_versions() -> None:
    build = load("site.yml")["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert any("-c .github/constraints/requirements.txt" in run for run in runs)
    assert (ROOT / ".github" / "constraints" / "requirements.txt").is_file()


def test_the_matrix_covers_lowest_latest_and_properdocs_on_the_oldest_and_newest_python() -> None:
    matrix = load("site.yml")["jobs"]["test"]["strategy"]["matrix"]["include"]
    combos = {(entry["deps"], entry["python"]) for entry in matrix}
    assert combos >= {
        ("lowest", "3.10"),
        ("latest", "3.10"),
        ("latest", "3.13"),
        ("properdocs", "3.10"),
        ("properdocs", "3.13"),
    }
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'requires-python = ">=3.10"' in pyproject  # the oldest Python tested


def test_a_weekly_canary_runs_the_newest_releases() -> None:
    canary = load("canary.yml")
    (cron,) = [entry["cron"] for entry in canary["on"]["schedule"]]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", cron)  # once a week
    (job,) = canary["jobs"].values()
    (run,) = [step for step in job["steps"] if step.get("run") == "bash .ci/run"]
    assert run["env"]["PIP_PRE"] == "1"
    assert set(job["strategy"]["matrix"]["engine"]) == {"mkdocs", "properdocs"}


def test_dependabot_updates_the_pins_and_the_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text("utf-8"))
    updates = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert updates == {("pip", "/.github/constraints"), ("github-actions", "/")}


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_actionlint_finds_nothing() -> None:  # pragma: no cover - where actionlint is installed
    result = subprocess.run(
        ["actionlint", "-no-color"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "")
