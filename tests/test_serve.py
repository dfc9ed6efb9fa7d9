"""``paperfeed serve``: the live preview serves the site and rebuilds when the inputs change.

A real server in a subprocess on 127.0.0.1 (a free port), polled over HTTP: the first
build is served; a digest added to the folder shows up as its paper's page, a digest
edited changes the page, and the build cache is what the rebuilds read.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from project import REPO, Project, make_project

from generator.search import SCRATCH_PREFIX, _scratch, stop_process

FIRST = """\
date: 2025-03-25
papers:
  - title: A First Paper On Diffusion Models
    abstract: Diffusion models for image generation.
"""
SECOND = """\
date: 2025-03-26
papers:
  - title: A Second Paper On Reward Models
    abstract: Reward models for reinforcement learning from human feedback.
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _wait_for(check: Callable[[], bool], what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    raise AssertionError(f"timed out waiting for {what}; the server said:\n{out}")


@pytest.fixture(params=[[]])
def served(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Project, str, subprocess.Popen[str]]]:
    project = make_project(tmp_path / "p", {"2025-03-25-first.yml": FIRST})
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--config",
            str(project.config),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *request.param,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield project, f"http://127.0.0.1:{port}", proc
    finally:
        stop_process(proc, timeout=20)
        if proc.stdout:
            proc.stdout.close()


def _base(url: str) -> str:
    """The served root: MkDocs serves under site_url's path (``/paperfeed/`` here)."""
    for path in ("/paperfeed/", "/"):
        status, html = _get(url + path)
        if status == 200 and "A First Paper On Diffusion Models" in html:
            return url + path
    return ""


def test_serve_rebuilds_when_a_digest_is_added_or_edited(
    served: tuple[Project, str, subprocess.Popen[str]],
) -> None:
    project, url, proc = served
    _wait_for(lambda: bool(_base(url)), "the first build", proc)
    base = _base(url)
    assert (project.root / ".cache" / "plugin" / "paperfeed").is_dir()

    project.write_digest("2025-03-26-second.yml", SECOND)
    second = base + "papers/a-second-paper-on-reward-models/"
    _wait_for(lambda: _get(second)[0] == 200, "the added digest's paper", proc)
    assert "Reward models for reinforcement learning" in _get(second)[1]
    assert "A Second Paper On Reward Models" in _get(base)[1]  # the latest digest

    project.write_digest("2025-03-26-second.yml", SECOND.replace("human feedback", "AI feedback"))
    _wait_for(lambda: "from AI feedback" in _get(second)[1], "the edited abstract", proc)
    assert proc.poll() is None, "the server stopped"


def _page_count(entry: str) -> int:
    """The pages in a Pagefind index (its ``pagefind-entry.json``); 0 when unreadable."""
    try:
        return int(json.loads(entry)["languages"]["en"]["page_count"])
    except (ValueError, KeyError, TypeError):
        return 0


@pytest.mark.parametrize("served", [["--search", "pagefind"]], indirect=True)
def test_serve_builds_the_pagefind_index_in_the_background(
    served: tuple[Project, str, subprocess.Popen[str]],
) -> None:
    """Pages are served before the index is done; the index follows every rebuild; the
    search documents the preview keeps between builds are removed when it stops."""
    project, url, proc = served
    scratch = Path(_scratch() or tempfile.gettempdir())
    before = set(scratch.glob(f"{SCRATCH_PREFIX}*"))
    previews = {scratch, Path(tempfile.gettempdir())}
    sites = {p for folder in previews for p in folder.glob("mkdocs_*")}
    _wait_for(lambda: bool(_base(url)), "the first build", proc)
    base = _base(url)
    bundle = base + "pagefind/pagefind.js"
    _wait_for(lambda: _get(bundle)[0] == 200, "the search index", proc)
    entry = base + "pagefind/pagefind-entry.json"
    first = _page_count(_get(entry)[1])
    project.write_digest("2025-03-26-second.yml", SECOND)
    second = base + "papers/a-second-paper-on-reward-models/"
    _wait_for(lambda: _get(second)[0] == 200, "the added digest's paper", proc)
    _wait_for(lambda: _get(bundle)[0] == 200, "the search index after the rebuild", proc)
    # The second paper's page (and its topics' and tags') join the index.
    _wait_for(lambda: _page_count(_get(entry)[1]) > first, "both papers in the index", proc)
    # The preview keeps one folder of search documents for its next build, no more, once
    # the indexer is done (Pagefind writes the entry before the indexer removes the
    # folder it read the documents from, in their order: a moment later).
    _wait_for(
        lambda: len(set(scratch.glob(f"{SCRATCH_PREFIX}*")) - before) <= 1,
        "one folder of search documents kept",
        proc,
    )
    assert proc.poll() is None, "the server stopped"
    stop_process(proc, timeout=20)  # SIGTERM: serve exits as on Ctrl-C
    assert set(scratch.glob(f"{SCRATCH_PREFIX}*")) <= before, "the documents were left"
    left = {p for folder in previews for p in folder.glob("mkdocs_*")} - sites
    assert not left, "the preview's site was left behind"


def test_serve_prints_the_address_that_answers_and_the_readme_gives_it(tmp_path: Path) -> None:
    """The address ``paperfeed serve`` prints is the home page (not a redirect to it), and
    it is the one the README sends people to (with the repository's mkdocs.yml)."""
    import queue
    import threading

    project = make_project(tmp_path / "p", {"2025-03-25-first.yml": FIRST})
    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--config", str(project.config)]
    proc = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()])
    reader.start()
    try:
        said: list[str] = []
        deadline = time.monotonic() + 90
        address = ""
        while not address and time.monotonic() < deadline:
            try:
                said.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if "Serving on " in said[-1]:
                address = said[-1].split("Serving on ", 1)[1].strip()
        assert address, "".join(said)
        assert address == f"http://127.0.0.1:{port}/paperfeed/"
        status, html = _get(address)
        assert status == 200 and "A First Paper On Diffusion Models" in html
        readme = (REPO / "README.md").read_text("utf-8")
        assert f"<{address.replace(str(port), '8000')}>" in readme
        assert "<http://127.0.0.1:8000/>" not in readme
    finally:
        stop_process(proc, timeout=20)
        reader.join(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def _previews() -> set[Path]:
    """MkDocs' preview folders (``mkdocs_*``) in the places serve makes them."""
    places = {Path(_scratch() or tempfile.gettempdir()), Path(tempfile.gettempdir())}
    return {p for folder in places for p in folder.glob("mkdocs_*")}


def _serve(project: Project, address: str, *, script: str = "") -> subprocess.CompletedProcess[str]:
    """``paperfeed serve`` on ``address``, expected to stop by itself; ``script``: Python
    run in its process first."""
    command = [sys.executable, "-c", f"{script}\nfrom generator.cli import run\nrun()"]
    return subprocess.run(
        [*command, "serve", "--config", str(project.config), "--dev-addr", address],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("where", ["in use", "not this machine's"])
def test_an_address_serve_cannot_have_is_a_usage_error_before_the_build(
    tmp_path: Path, where: str
) -> None:
    """A port another program listens on, or an address of another machine (TEST-NET-1,
    never assigned): one line and exit 2, before anything is built (a traceback from
    MkDocs' server after the build, before)."""
    project = make_project(tmp_path / "p", {"2025-03-25-first.yml": FIRST})
    before = _previews()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        address = f"127.0.0.1:{port}" if where == "in use" else "192.0.2.1:8796"
        done = _serve(project, address)
    why = "the address is in use" if where == "in use" else "the address is not one of this"
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert lines[-1].startswith(f"paperfeed: error: cannot serve on {address}: {why}")
    assert lines[-1].endswith("(choose another with -a)")
    assert "Traceback" not in done.stderr and "Building documentation" not in done.stderr
    assert _previews() <= before


def test_an_address_taken_during_the_first_build_is_reported_as_well(tmp_path: Path) -> None:
    """The address is checked before the build, and bound by MkDocs' server after it:
    another program may take it in between (here: the check is skipped)."""
    project = make_project(tmp_path / "p", {"2025-03-25-first.yml": FIRST})
    before = _previews()
    skip_check = "import generator.site\ngenerator.site.check_address = lambda address: None"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        done = _serve(project, address, script=skip_check)
    assert done.returncode == 2, done.stderr
    assert "Building documentation" in done.stderr  # the check was skipped
    assert done.stderr.splitlines()[-1] == (
        f"paperfeed: error: cannot serve on {address}: the address is in use "
        "(choose another with -a)"
    )
    assert "Traceback" not in done.stderr
    assert _previews() <= before


CURATION = """\
papers:
  "A First Paper On Diffusion Models":
    note: Curated while the preview ran.
"""


def test_serve_follows_a_curation_file_and_a_custom_dir_made_after_it_started(
    served: tuple[Project, str, subprocess.Popen[str]],
) -> None:
    """MkDocs' server watches only paths that exist: the preview watched curation.yml,
    enrichment.yml and the theme's custom_dir only if they were there when it started.
    Now a curation file made later rebuilds it, and so does a template of a custom_dir
    set in mkdocs.yml meanwhile (manual/templates.md promises it)."""
    project, url, proc = served
    _wait_for(lambda: bool(_base(url)), "the first build", proc)
    base = _base(url)
    first = base + "papers/a-first-paper-on-diffusion-models/"
    assert _get(first)[0] == 200

    (project.root / "curation.yml").write_text(CURATION, "utf-8")
    _wait_for(lambda: "Curated while the preview ran." in _get(first)[1], "the curation", proc)
    (project.root / "curation.yml").unlink()
    _wait_for(lambda: "Curated while" not in _get(first)[1], "the curation gone", proc)

    template = project.root / "overrides" / "paperfeed" / "paper_entry.html"
    template.parent.mkdir(parents=True)
    template.write_text('<div class="entry-1">{{ title }}</div>', "utf-8")
    text = project.config.read_text("utf-8")
    project.config.write_text(
        text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"), "utf-8"
    )
    _wait_for(lambda: 'class="entry-1"' in _get(base)[1], "the custom_dir's template", proc)
    template.write_text('<div class="entry-2">{{ title }}</div>', "utf-8")
    _wait_for(lambda: 'class="entry-2"' in _get(base)[1], "the template changed", proc)
    assert proc.poll() is None, "the server stopped"


def test_serve_watches_where_the_curation_and_enrichment_files_would_be(tmp_path: Path) -> None:
    """Not there: their folder, not recursively, for those two files alone (any file
    saved there rebuilt the preview: `paperfeed serve > serve.log` in the project rebuilt
    it forever); there: the files themselves."""
    import threading
    from types import SimpleNamespace

    from mkdocs.config import load_config

    project = make_project(tmp_path / "p", {"2025-03-25-first.yml": FIRST})
    watched: list[tuple[str, bool]] = []
    handlers: list[tuple[object, str, bool]] = []

    class Observer:
        def schedule(self, handler: object, path: str, *, recursive: bool) -> None:
            handlers.append((handler, path, recursive))

    class Server:
        observer = Observer()
        _rebuild_cond = threading.Condition()
        _want_rebuild = False

        def watch(self, path: str, *, recursive: bool = True) -> None:
            watched.append((path, recursive))

    server = Server()
    config = load_config(str(project.config))
    config.plugins["paperfeed"].on_serve(server, config=config, builder=None)
    root = str(project.root.resolve())
    assert (str(project.digests.resolve()), True) in watched
    assert len(watched) == 2 and root not in [w[0] for w in watched]
    [(handler, folder, recursive)] = handlers  # the folder once, for both files
    assert (folder, recursive) == (root, False)

    def saved(name: str) -> bool:
        server._want_rebuild = False
        event = SimpleNamespace(is_directory=False, src_path=f"{root}/{name}", dest_path="")
        handler.dispatch(event)  # type: ignore[attr-defined]  (what watchdog calls)
        return server._want_rebuild

    assert not saved("serve.log") and not saved("README.md")
    assert saved("curation.yml") and saved("enrichment.yml")

    (project.root / "curation.yml").write_text(CURATION, "utf-8")
    (project.root / "enrichment.yml").write_text("{}\n", "utf-8")
    watched.clear()
    handlers.clear()
    config = load_config(str(project.config))
    config.plugins["paperfeed"].on_serve(server, config=config, builder=None)
    assert handlers == []
    assert (str(project.root.resolve() / "curation.yml"), True) in watched
    assert (str(project.root.resolve() / "enrichment.yml"), True) in watched
