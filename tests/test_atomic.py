"""Issue #3: a failed build changes nothing; the generator owns only its own folders.

* a strict-mode failure (a hand-written page with a broken link or anchor) leaves
  ``site/``, ``build/pages`` and ``docs/`` byte for byte as they were;
* ``kill -9`` of a build at several moments leaves ``site/`` as the previous tree
  (or, once MkDocs has finished, the complete new tree, never a mix), and the next
  build succeeds and cleans up;
* hand-written pages are never touched, stale generated pages disappear.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from project import (
    FIXTURES,
    REPO,
    Project,
    copy_digests,
    is_paper,
    make_project,
    module_command,
    subprocess_env,
    tree_files,
    tree_hash,
)

pytestmark = pytest.mark.slow

DIGESTS = FIXTURES / "digests"
FIRST = "2025-03-15-noisy.txt"
SECOND = "2025-03-17-inline-noise.txt"


def _hashes(project: Project) -> tuple[str, str, str]:
    return tree_hash(project.site), tree_hash(project.pages), tree_hash(project.docs)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project built from two fixture digests (copied by each test that changes it)."""
    project = make_project(tmp_path_factory.mktemp("atomic") / "p")
    copy_digests(DIGESTS, project, [FIRST, SECOND])
    assert project.build() == 0
    return project


def _copy(built: Project, tmp_path: Path) -> Project:
    target = tmp_path / "p"
    shutil.copytree(built.root, target, symlinks=True)
    return Project(target)


@pytest.mark.parametrize(
    "link",
    ["[a paper](papers/nope.md)", "[an anchor](#missing-anchor)", "[x](about.md#nope)"],
)
def test_strict_failure_leaves_everything_as_it_was(
    built: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    project = _copy(built, tmp_path)
    # The plugin keeps hand-written pages out of the navigation: only the link can fail the build.
    project.write_doc("about.md", f"# About\n\nSee {link}.\n")
    before = _hashes(project)
    assert project.build() == 1
    _, err = capsys.readouterr()
    target = link.split("(", 1)[1].rstrip(")")
    assert err.splitlines() == [
        f"WARNING -  Doc file 'about.md' contains a link '{target}', but "
        + (
            "the target is not found among documentation files."
            if "#" not in target
            else "there is no such anchor on this page."
        ),
        "paperfeed: the site did not build: Aborted with 1 warnings in strict mode!",
        "paperfeed: the previous site was left as it was",
    ]
    assert _hashes(project) == before
    assert sorted(p.name for p in project.root.iterdir()) == sorted(
        p.name for p in built.root.iterdir()
    ), "a staging folder was left behind"
    assert sorted(p.name for p in (project.root / "build").iterdir()) == ["pages"]


def test_broken_link_fails_strict_but_not_no_strict(
    built: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(built, tmp_path)
    project.write_doc("about.md", "# Broken\n\n[nope](papers/nope.md)\n")
    assert project.build() == 1
    assert project.build("--no-strict") == 0
    assert "Broken" in (project.site / "about" / "index.html").read_text("utf-8")
    capsys.readouterr()


def test_hand_written_pages_are_never_touched(
    built: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(built, tmp_path)
    # A hand-written page: the plugin keeps it out of the generated navigation.
    project.write_doc("taxonomy.md", "# Taxonomy\n\nBack to [about](about.md).\n")
    before = tree_files(project.docs)
    mtimes = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*")}
    assert project.build() == 0
    assert tree_files(project.docs) == before
    assert {p: p.stat().st_mtime_ns for p in project.docs.rglob("*")} == mtimes
    assert (project.site / "taxonomy" / "index.html").is_file()
    assert not (project.docs / "papers").exists()
    capsys.readouterr()


def _only_a_redirect(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but a redirect page."""
    files = sorted(p.name for p in folder.iterdir())
    page = (folder / "index.html").read_text("utf-8") if files == ["index.html"] else ""
    return 'http-equiv="refresh"' in page and "<article" not in page


def test_stale_generated_pages_are_removed(
    built: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(built, tmp_path)
    with_both = set(project.paper_pages())
    (project.digests / SECOND).unlink()
    assert project.build() == 0
    with_first = set(project.paper_pages())
    gone = with_both - with_first
    assert gone, "the second digest had papers of its own"
    archive = project.pages / "archive"
    assert not (archive / (Path(SECOND).stem + ".md")).exists()
    # What stays at a gone page's URL is a redirect (published URLs never break, see
    # test_urls.py), nothing of the page itself.
    assert _only_a_redirect(project.site / "archive" / Path(SECOND).stem)
    for slug in gone:
        assert not (project.pages / "papers" / f"{slug}.md").exists()
        assert _only_a_redirect(project.site / "papers" / slug)
    for slug in with_first:
        assert (project.site / "papers" / slug / "index.html").is_file()
        assert not _only_a_redirect(project.site / "papers" / slug)
    html_papers = {p.name for p in (project.site / "papers").iterdir() if is_paper(p.name)}
    assert html_papers == with_first | gone
    capsys.readouterr()


# --- kill -9 ---------------------------------------------------------------------------------


def _staging(project: Project) -> list[Path]:
    return sorted(project.root.glob(".site.new-*"))


def _after(seconds: float) -> Callable[[Project, float], bool]:
    return lambda project, elapsed: elapsed >= seconds


def _mkdocs_started(project: Project, elapsed: float) -> bool:
    return any((s / "assets").exists() for s in _staging(project))


def _mkdocs_half_done(project: Project, elapsed: float) -> bool:
    return any(len(list((s / "papers").glob("*"))) >= 60 for s in _staging(project))


def _mkdocs_finished(project: Project, elapsed: float) -> bool:
    return any((s / "sitemap.xml").exists() for s in _staging(project))


MOMENTS: list[tuple[str, Callable[[Project, float], bool]]] = [
    ("after 0.3 s (starting up)", _after(0.3)),
    ("after 1.5 s (reading, generating)", _after(1.5)),
    ("when MkDocs has started writing", _mkdocs_started),
    ("half way through the pages", _mkdocs_half_done),
    ("when MkDocs has written everything", _mkdocs_finished),
]


def test_kill_9_never_leaves_a_partial_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    copy_digests(DIGESTS, project, [FIRST])
    env = subprocess_env(SOURCE_DATE_EPOCH="1741910400")
    command = module_command("build", "--config", str(project.config), "--quiet")
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    old = tree_hash(project.site), tree_hash(project.pages)

    # A bigger feed (200 papers): long enough to be killed in the middle.
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "synth.py"),
            "--papers",
            "200",
            "--seed",
            "3",
            "--out",
            str(project.digests),
        ],
        check=True,
        capture_output=True,
    )
    outcomes = []
    for label, when in MOMENTS:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        start = time.monotonic()
        finished = False
        while True:
            if proc.poll() is not None:
                finished = True
                break
            if when(project, time.monotonic() - start):
                break
            if time.monotonic() - start > 240:
                proc.kill()
                pytest.fail(f"the build never reached the moment {label!r}")
            time.sleep(0.02)
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        # A build that exited between the last look and the signal won the race too.
        finished = finished or proc.returncode == 0
        now = tree_hash(project.site), tree_hash(project.pages)
        if finished:
            assert proc.returncode == 0
            old = now  # the build won the race: the new tree is the reference now
            outcomes.append((label, "finished", now[0]))
            continue
        assert proc.returncode == -signal.SIGKILL
        if now[0] != old[0]:
            # Killed after the swap of site/ (on an idle machine a 200-paper build gets
            # there within the timed moments too): it must then be the complete new tree,
            # checked against the recovery build below.
            outcomes.append((label, "swapped", now[0]))
        else:
            assert now == old, f"killed {label}: site/ or build/pages changed"
            outcomes.append((label, "old", now[0]))

    recovery = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert recovery.returncode == 0, recovery.stderr
    assert not _staging(project), "recovery left a staging folder"
    leftovers = [p.name for p in project.root.glob(".site.*")]
    leftovers += [p.name for p in (project.root / "build").glob(".pages.*")]
    assert not leftovers
    assert len(project.paper_pages()) == 205
    new = tree_hash(project.site)
    for label, outcome, site_hash in outcomes:
        if outcome == "swapped":
            assert site_hash == new, f"killed {label}: site/ was neither old nor complete"
    assert (project.site / "sitemap.xml").is_file()
    papers = {p.name for p in (project.site / "papers").iterdir() if is_paper(p.name)}
    assert papers == set(project.paper_pages())


def test_a_markdown_copy_edited_or_cut_short_is_made_again(built: Project, tmp_path: Path) -> None:
    """The copy in build/pages was trusted by its manifest alone: a page edited there, or
    emptied as a power loss can leave it, was published by every later build, even one
    without the cache."""
    project = _copy(built, tmp_path)
    before = tree_files(project.site)
    copies = sorted((project.pages / "papers").glob("*.md"))
    edited, emptied = copies[2], copies[4]
    kept = {p: p.read_bytes() for p in (edited, emptied)}
    edited.write_text(edited.read_text("utf-8").replace("</h1>", "</h1><p>TAMPERED</p>", 1))
    emptied.write_bytes(b"")
    assert project.build() == 0
    assert {p: p.read_bytes() for p in kept} == kept
    assert tree_files(project.site) == before
