"""The GitHub workflows: deploy hygiene, the tested range, current actions, actionlint."""

from __future__ import annotations

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
}
"""The official actions' majors when this was written: a workflow may use newer, not older."""


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
    # The workflow's own group cancels older runs of the same pull request only: any other
    # run has a group of its own (its run id), so nothing cancels a run that deploys.
    top = site["concurrency"]
    assert top["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert "github.event_name == 'pull_request' && github.ref || github.run_id" in top["group"]
    assert site["permissions"] == {"contents": "read"}


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
