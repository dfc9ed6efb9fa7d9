"""``.github/workflows/fetch.yml``: the daily loop's triggers, its choice between a pull
request and a direct commit, and its fetch step run for real (bash, git, ``paperfeed``)
against a local stand-in for the Hugging Face API."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from apiserver import ApiServer, json_reply
from project import REPO

WORKFLOW = REPO / ".github" / "workflows" / "fetch.yml"


def _workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _steps() -> dict[str, dict[str, Any]]:
    steps = _workflow()["jobs"]["fetch"]["steps"]
    return {s.get("name") or s.get("uses") or s.get("run"): s for s in steps}


def test_daily_and_on_demand_with_a_date() -> None:
    triggers = _workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"] == "7 5 * * *"
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"date", "force"}


def test_a_pull_request_unless_the_repository_says_commit() -> None:
    steps = _steps()
    pr = steps["Open a pull request"]
    assert pr["uses"].startswith("peter-evans/create-pull-request@")
    assert "vars.PAPERFEED_AUTO_COMMIT != 'true'" in pr["if"]
    commit = steps["Commit to the default branch"]
    assert "vars.PAPERFEED_AUTO_COMMIT == 'true'" in commit["if"]
    assert "git push" in commit["run"]
    readme = (REPO / "README.md").read_text("utf-8")
    assert "PAPERFEED_AUTO_COMMIT" in readme and "fetch.yml" in readme


def _step_env(server: ApiServer, output: Path, day: str) -> dict[str, str]:
    """The fetch step's environment: this Python's paperfeed, the API stand-in."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PAPERFEED_HF_API": server.url,
        "GITHUB_OUTPUT": str(output),
        "DAY": day,
        "FORCE": "false",
    }


def _run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_fetch_step_writes_the_digest_and_says_it_changed(tmp_path: Path) -> None:
    script = _steps()["Fetch the day's papers"]["run"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    output = tmp_path / "github-output"
    server = ApiServer()
    server.route(
        "/api/daily_papers?date=2025-03-14&limit=100&p=0", json_reply("hf-2025-03-14.json")
    )
    with server.running():
        env = _step_env(server, output, "2025-03-14")
        run = _run_step(script, tmp_path, env)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "digests" / "2025-03-14-hf.yml").is_file()
        assert output.read_text() == "day=2025-03-14\nchanged=true\n"
        # Again, the same day: the digest is there, nothing is asked or written.
        subprocess.run(["git", "-C", str(tmp_path), "add", "digests"], check=True)
        subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "d",
            ],
            check=True,
        )
        output.write_text("")
        requests = len(server.requests)
        run = _run_step(script, tmp_path, env)
        assert run.returncode == 0, run.stderr
        assert "is there already: nothing to do" in run.stdout
        assert output.read_text() == "day=2025-03-14\n"
        assert len(server.requests) == requests


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_daily_run_fetches_yesterday_and_stops_where_it_cannot_commit(
    tmp_path: Path,
) -> None:
    """At 05:07 UTC today's list is still growing: the run took today's, and never came
    back for the rest. A digest written where mkdocs.yml says, not in digests/, was left
    uncommitted without a word."""
    import datetime as dt

    script = _steps()["Fetch the day's papers"]["run"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    output = tmp_path / "github-output"
    yesterday = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()
    server = ApiServer()
    server.route("/api/daily_papers", json_reply("hf-2025-03-14.json"))
    with server.running():
        env = _step_env(server, output, "")
        run = _run_step(script, tmp_path, env)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "digests" / f"{yesterday}-hf.yml").is_file()
        assert server.requests[0].query["date"] == yesterday
        (tmp_path / "mkdocs.yml").write_text(
            "site_name: x\nplugins:\n  - paperfeed:\n      digests: papers-in\n", "utf-8"
        )
        run = _run_step(script, tmp_path, {**env, "DAY": "2025-03-14"})
        assert run.returncode == 1
        assert "::error::paperfeed wrote papers-in/2025-03-14-hf.yml" in run.stdout
