"""Test-wide settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

# First, so that PAPERFEED_ENGINE=properdocs makes every later `import mkdocs` ProperDocs
# (generator/engine.py): the workflow's "properdocs" jobs run the whole suite on it.
import generator  # noqa: F401

# CI replays the same examples every run (a red CI must mean a change broke something);
# elsewhere hypothesis explores new examples each time, which is how it finds bugs.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


if TYPE_CHECKING:
    from project import Project


@pytest.fixture
def pagefind_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project of the fixture digests, built at a fixed ``SOURCE_DATE_EPOCH``, for
    builds with Pagefind search (skipped where Pagefind is not installed)."""
    from project import FIXTURES, copy_digests, make_project

    from generator.search import PagefindMissingError, pagefind_executable

    try:
        pagefind_executable()
    except PagefindMissingError:
        pytest.skip("pagefind is not installed")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741910400")
    project = make_project(tmp_path / "p")
    copy_digests(FIXTURES / "digests", project)
    return project
