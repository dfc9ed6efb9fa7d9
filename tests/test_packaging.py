"""A wheel of paperfeed carries every file of the package: the templates an owner's
override falls back to, the theme parts, the default taxonomy (an editable install, as in
CI, reads them from the source tree and would never notice one left out)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from project import REPO


@pytest.mark.slow
def test_the_wheel_holds_every_file_of_the_package(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, src / name)
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "generator", src / "generator", ignore=ignored)
    dist = tmp_path / "dist"
    # As pip builds it for a user: in an isolated environment with the build-system's
    # setuptools (from the package registry, or pip's cache).
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = dist.glob("paperfeed-*.whl")
    with zipfile.ZipFile(wheel) as z:
        packed = {n for n in z.namelist() if n.startswith("generator/")}
    source = {p.relative_to(src).as_posix() for p in (src / "generator").rglob("*") if p.is_file()}
    assert "generator/templates/paperfeed/paper_entry.html" in source
    assert "generator/templates/paperfeed/paper_page.html" in source
    assert source - packed == set()
