"""Issue #3: nothing is lost. Every paper read reaches the site or is reported by name.

``paperfeed check`` prints the accounting; ``build --markdown-only`` writes one
``papers/*.md`` per unique paper. Checked on every fixture digest, one at a time,
and on the same paper spelled differently in two digests.
"""

from __future__ import annotations

import html
import json
import unicodedata
from pathlib import Path

import pytest
from project import FIXTURES, make_project, run_cli

from generator.render.math import plain

ALL_FIXTURES = sorted(
    p
    for p in FIXTURES.rglob("*")
    if p.is_file() and p.suffix in (".txt", ".yml", ".yaml", ".json") and "bad" not in p.parts
)
BAD_FIXTURES = sorted(p for p in (FIXTURES / "bad").iterdir() if p.is_file())


def _accounting(out: str) -> dict[str, int]:
    values = {}
    for line in out.splitlines():
        name, sep, value = line.rpartition(":")
        if sep and value.strip().isdigit():
            values[name.strip()] = int(value)
    return values


def test_there_are_fixtures() -> None:
    assert len(ALL_FIXTURES) >= 7


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_every_paper_of_every_fixture_gets_a_page(
    fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p", {fixture.name: fixture.read_bytes()})
    code = project.check()
    out, err = capsys.readouterr()
    if code != 0:
        # Not valid with this taxonomy: every problem names the file, nothing is written.
        assert out == ""
        problems = err.splitlines()
        assert problems[-1].endswith("nothing was written")
        assert all(p.startswith(f"{project.digests / fixture.name}:") for p in problems[:-1])
        pytest.skip(f"{fixture.name} is not valid with this taxonomy: {problems[0]}")
    counts = _accounting(out)
    assert out.splitlines()[-1] == "ok: every paper read has a page"
    assert run_cli(["parse", "--json", str(project.digests / fixture.name)]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert counts["papers read"] == counts["unique papers"] + counts["duplicates merged"]
    assert counts["unique papers"] == counts["papers rendered"] == len(parsed)
    assert project.build("--markdown-only") == 0
    capsys.readouterr()
    pages = project.paper_pages()
    assert len(pages) == len(parsed)
    # The page title is the title as plain text, text-mode LaTeX (0.07\%) as what it means.
    assert sorted(plain(p["title"]) for p in parsed) == sorted(
        _title(project.source(f"papers/{slug}.md")) for slug in pages
    )


def _title(page: Path) -> str:
    data = json.loads(page.read_text("utf-8").splitlines()[1].removeprefix("title: "))
    return html.unescape(data)


@pytest.mark.parametrize("fixture", BAD_FIXTURES, ids=lambda p: p.name)
def test_a_bad_fixture_is_reported_by_name(
    fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p", {fixture.name: fixture.read_bytes()})
    assert project.check() == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0].startswith(f"{project.digests / fixture.name}:")


SAME_PAPER_A = """\
date: 2025-03-10
papers:
  - title: Attention Is All You Need
    abstract: Version one.
    arxiv: 1706.03762v1
  - title: Deep Residual Learning for Image Recognition
    abstract: Residual nets.
  - title: {cafe}
    abstract: Composed form.
  - title: Only In The First Digest
    abstract: Alone.
"""
SAME_PAPER_B = """\
date: 2025-03-11
papers:
  - title: attention is all you need (v2)
    abstract: Version two, longer than the first.
    arxiv: https://arxiv.org/abs/1706.03762v2
  - title: DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION
    abstract: Residual nets again.
  - title: {cafe}
    abstract: Decomposed form.
"""


def test_the_same_paper_in_two_digests_is_one_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nfc = unicodedata.normalize("NFC", "Café au Lait Models")
    nfd = unicodedata.normalize("NFD", "Café au Lait Models")
    assert nfc != nfd
    project = make_project(
        tmp_path / "p",
        {
            "2025-03-10-a.yml": SAME_PAPER_A.format(cafe=nfc),
            "2025-03-11-b.yml": SAME_PAPER_B.format(cafe=nfd),
        },
    )
    assert project.check() == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        "digests read:        2",
        "papers read:         7",
        "duplicates merged:   3",
        "unique papers:       4",
        "papers rendered:     4",
        f"papers with no topic: {_accounting(out)['papers with no topic']}",
        # check lists every merge made by title alone (no arXiv id), with where each entry is
        f"merged by title alone: 'Deep Residual Learning for Image Recognition': "
        f"{project.digests}/2025-03-10-a.yml:6, {project.digests}/2025-03-11-b.yml:6",
        f"merged by title alone: {nfc!r}: "
        f"{project.digests}/2025-03-10-a.yml:8, {project.digests}/2025-03-11-b.yml:8",
        "ok: every paper read has a page",
    ]
    assert project.build("--markdown-only") == 0
    capsys.readouterr()
    assert len(project.paper_pages()) == 4
    assert "arxiv-1706-03762" in project.paper_pages()


def test_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p", {"2025-03-10-a.yml": SAME_PAPER_A.format(cafe="x y")})
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    assert project.check() == 0
    capsys.readouterr()
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before
