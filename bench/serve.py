"""Time the live preview: ``paperfeed serve`` on a synthetic feed, rebuilt as a curator would.

    python bench/serve.py                   # the 10,000-paper feed of bench/run.py
    python bench/serve.py --papers 1000
    python bench/serve.py --rebuild-all     # every page rendered on every change

Starts ``paperfeed serve`` on a free port of 127.0.0.1 over the feed ``bench/run.py``
made (made here if missing), then: waits for the first build; adds one 75-paper digest;
removes it again. Prints, for each build, the seconds MkDocs reports ("Documentation
built in"), the seconds from the change until the new home page is served, and until
the search index is ready (Pagefind runs in the background; its "ready" line).
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.run import add_digest, add_project_options, make_project  # noqa: E402

TIMEOUT = 600


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return bytes(response.read())
    except OSError:
        return b""


def _until(check: Callable[[], bool], what: str) -> float:
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > TIMEOUT:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)
    return time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--papers", type=int, default=10000, help="papers in the synthetic feed (default: 10000)"
    )
    add_project_options(parser, projects="project")
    parser.add_argument(
        "--rebuild-all", action="store_true", help="pass --rebuild-all to paperfeed serve"
    )
    args = parser.parse_args()
    project = make_project(args.out, args.papers, args.seed)
    for extra in (project / "digests").glob("*-added.txt"):
        extra.unlink()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = project / "serve.log"
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "generator", "serve", "--config", str(project / "mkdocs.yml")]
    if args.rebuild_all:
        command.append("--rebuild-all")
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [*command, "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )

    def built() -> list[str]:
        return re.findall(r"built in ([\d.]+) seconds", log.read_text("utf-8"))

    def ready() -> int:
        return log.read_text("utf-8").count("search index ready")

    def rebuild(step: str, change: Callable[[], object], present: bool) -> tuple[str, ...]:
        builds, indexes = len(built()), ready()
        start = time.monotonic()
        change()
        served = _until(
            lambda: len(built()) > builds and (b"(update 0)" in _get(url)) == present, step
        )
        indexed = _until(lambda: ready() > indexes, f"the search index ({step})")
        return (step, built()[-1], f"{served - start:.1f}", f"{indexed - start:.1f}")

    rows = []
    try:
        rows.append(rebuild("first build", lambda: None, False))
        added = project / "digests"
        rows.append(rebuild("one digest added", lambda: add_digest(project, args.seed), True))
        rows.append(
            rebuild(
                "the digest removed", lambda: [p.unlink() for p in added.glob("*-added.txt")], False
            )
        )
    finally:
        proc.terminate()
        proc.wait()
    mode = "--rebuild-all" if args.rebuild_all else "only changed pages rendered"
    print(f"paperfeed serve, {args.papers:,} papers, {mode} (log: {log})")
    print("| build | MkDocs says s | pages served s | search ready s |")
    print("| --- | ---: | ---: | ---: |")
    for name, mkdocs_s, served_s, indexed_s in rows:
        print(f"| {name} | {float(mkdocs_s):.1f} | {served_s} | {indexed_s} |")


if __name__ == "__main__":
    main()
