"""The benchmark: synthetic feeds of N papers, generated and built; prints a table.

    python bench/run.py                       # 1,000, 10,000 and 100,000 papers
    python bench/run.py --sizes 1000 --runs 5

For each size: the digests are made by ``bench/synth.py`` (75 papers a digest), then

- generate: parse, feed, classify, related papers, render and write the Markdown, in a
  fresh process (median of --runs), as a first build: no build cache and no Markdown
  folder yet, so both are written; peak memory is that process's maximum RSS;
- incremental: one more 75-paper digest added to the feed, regenerated with the build
  cache the previous generate left (files rewritten: those whose content changed);
  median of --runs up to 10,000 papers, one run above;
- build: ``paperfeed build --no-cache`` (generate + MkDocs + search index), wall time,
  median; its peak memory: the largest process's (the build's or Pagefind's) and that of
  both at once (the build waits for Pagefind), sampled every 0.1 s; each run's seconds
  are printed above the table with the processor seconds (user, system) the build and
  its children used, as are the daily builds';
- daily build: ``paperfeed build`` with the build cache a previous build left, after one
  more 75-paper digest was added: the whole site (pages, search index, feeds), end to end;
  median of --daily-runs (3) up to 10,000 papers, one run above, each from the same feed
  and cache (the digest is taken out and the feed built again between runs);
- peers: the same generated pages built by plain MkDocs + Material, Zensical and Hugo
  (``bench/peers.py``), each one's time as a ratio to paperfeed's full build (up to
  --peers-max papers; a peer that is not installed is left out);
- the site: HTML pages, bytes, median page bytes, the navigation's share of page bytes,
  and the search bytes a visitor downloads before a first result (measured in headless
  Chromium when it is installed, else the sum of the files the search must load).

Before the first size and after the last, a fixed Python loop and 5,000 small files
written, linked and removed are timed (``bench/measure.py`` ``machine_reference``): the
same code's times differ by two between days of this "2-core" machine, and the reference
tells a day when everything runs slow (not every slow hour: the processor seconds each
build run prints say more).
Before each timed generate the disk is synced and left for 2 s (what the run before
wrote is flushed first, as it is long before a curator's next build).
MkDocs builds above --build-max papers are skipped (100,000 papers take about 10 minutes
of both cores).
Times are wall-clock seconds on this machine; tests never assert on them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import peers  # noqa: E402
from bench.measure import (  # noqa: E402
    first_search,
    machine_reference,
    nav_share,
    reference_line,
    site_stats,
)

CHILD = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from generator.pipeline import load_inputs, generate
from generator.render import SiteSettings
from generator.write import sync_tree
from generator.cache import BuildCache
t1 = time.perf_counter()
cache = BuildCache(Path(sys.argv[4])) if sys.argv[4] else None
digests, taxonomy, warnings = load_inputs(Path(sys.argv[1]), Path(sys.argv[2]), cache)
t2 = time.perf_counter()
written = []
sink = lambda files: written.append(sync_tree(files, Path(sys.argv[3])))
settings = SiteSettings(site_url="https://example.org/")
g = generate(digests, taxonomy, settings, warnings, sink, cache=cache)
t3 = time.perf_counter()  # rendering and writing are one streamed step
if cache:
    cache.save()
t4 = time.perf_counter()
stats = written[0]
print(json.dumps({
    "import": t1 - t0, "parse": t2 - t1, "generate": t3 - t2, "cache_save": t4 - t3,
    "total": t4 - t1, "timings": g.timings, "files": len(g.paths),
    "written": stats.written, "unchanged": stats.unchanged,
    "papers": len(g.feed.papers),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_child(project: Path, pages: Path, cache: Path | None) -> dict[str, float]:
    """One generate in a fresh process; ``cache``: the build cache folder, or None for none."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(project / "digests"),
            str(project / "taxonomy.yml"),
            str(pages),
            str(cache or ""),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def make_project(root: Path, papers: int, seed: int) -> Path:
    project = root / f"feed-{papers}"
    marker = project / ".complete"
    if not marker.exists():
        shutil.rmtree(project, ignore_errors=True)
        (project / "docs").mkdir(parents=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "synth.py"),
                "--papers",
                str(papers),
                "--seed",
                str(seed),
                "--out",
                str(project / "digests"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.touch()
    text = (
        (ROOT / "mkdocs.yml")
        .read_text("utf-8")
        .replace(
            "site_url: https://paperfeed.github.io/paperfeed/", "site_url: https://example.org/"
        )
    )
    (project / "mkdocs.yml").write_text(text, "utf-8")
    shutil.copy(ROOT / "taxonomy.yml", project / "taxonomy.yml")
    return project


def add_digest(project: Path, seed: int) -> Path:
    """One more 75-paper digest, dated the day after the newest one."""
    sys.path.insert(0, str(HERE))
    import synth

    newest = max(p.name[:10] for p in (project / "digests").glob("*.txt"))
    import datetime as dt

    day = dt.date.fromisoformat(newest) + dt.timedelta(days=1)
    ((_, papers),) = synth.generate_feed(75, seed + 7919)[:1]
    lines = [day.strftime("%b %-d"), ""]
    for i, (title, abstract) in enumerate(papers):
        lines += [f"{title} (update {i})", "", abstract, ""]
    path = project / "digests" / f"{day.isoformat()}-added.txt"
    path.write_text("\n".join(lines), "utf-8")
    return path


@contextlib.contextmanager
def added_digest(project: Path, seed: int) -> Iterator[Path]:
    """:func:`add_digest` while the block runs; then the digest is removed and
    ``published.txt`` put back as it was (a build records the added papers' URLs there,
    and every later build would make redirect pages for them)."""
    published = project / "published.txt"
    before = published.read_bytes() if published.exists() else None
    extra = add_digest(project, seed)
    try:
        yield extra
    finally:
        extra.unlink()
        if before is None:
            published.unlink(missing_ok=True)
        else:
            published.write_bytes(before)


def _tree_rss_kb(pid: int) -> int:
    """Resident KB of a process and all its descendants now (Linux ``/proc``; 0 elsewhere)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as f:
                total += next((int(x.split()[1]) for x in f if x.startswith("VmRSS:")), 0)
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as f:
                stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


class _Sampler(threading.Thread):
    """The largest :func:`_tree_rss_kb` of a process seen every 0.1 s until it ends: the
    build process and Pagefind (which it waits for) together."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


class Build(NamedTuple):
    """One ``paperfeed build``, measured (:func:`build`)."""

    seconds: float
    """Wall-clock seconds."""
    peak_mb: float
    """Peak resident MB of the largest process (the build's or a Pagefind's)."""
    together_mb: float
    """Peak resident MB of the build process and its children at once (sampled)."""
    user_s: float
    system_s: float
    """Processor seconds in user and system mode of the build and the children it
    waited for (Pagefind, the linking child; not the detached deletion of the previous
    site): on this shared machine wall time varies by a third between runs, and these
    tell whether a slower run did more work or had a slower machine."""


def build(project: Path, cache: bool = False) -> Build:
    """One ``paperfeed build`` (a separate process), without the build cache unless
    ``cache``, measured."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--config",
            str(project / "mkdocs.yml"),
            "--quiet",
            *([] if cache else ["--no-cache"]),
        ],
        cwd=ROOT,
    )
    sampler = _Sampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # waited for here, not by Popen
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"build of {project} failed ({status})")
    return Build(
        seconds,
        usage.ru_maxrss / 1024,
        sampler.peak_kb / 1024,
        usage.ru_utime,
        usage.ru_stime,
    )


REPEATED_UP_TO = 10000
"""Feeds up to this many papers are measured ``--runs`` (and ``--daily-runs``) times, the
median kept; larger ones once (a run of 100,000 papers takes minutes)."""


def daily_build(project: Path, seed: int, runs: int = 1) -> list[Build]:
    """``paperfeed build`` with the build cache after one digest is added, for each of
    ``runs`` runs: before each, the cache is filled by a build of the feed as it is
    (after a run, without the digest, which is removed)."""
    builds = []
    for _ in range(runs):
        build(project, cache=True)
        with added_digest(project, seed):
            settle(project)
            builds.append(build(project, cache=True))
    return builds


def runs_line(what: str, builds: list[Build]) -> str:
    """The seconds of each of ``builds``, with the processor seconds it used."""
    each = ", ".join(
        f"{b.seconds:.2f} s (user {b.user_s:.1f}, system {b.system_s:.1f})" for b in builds
    )
    return f"{what}: {each}"


def settle(project: Path | None = None) -> None:
    """Let the disk catch up before a timed run: what earlier runs wrote (hundreds of MB)
    is flushed and their deleted trees trimmed, as it is long before a curator's next
    build. Without it a run pays for the one before (seconds on this disk). With
    ``project``, first wait (up to 5 minutes) for the previous site a build replaced to be
    deleted: a large one is deleted by a detached process (``.site.trash-*``), which
    would otherwise still be unlinking 25,000 files while the timed build runs."""
    deadline = time.monotonic() + 300
    while project is not None and any(project.glob(".*.trash-*")):
        if time.monotonic() > deadline:  # a cleanup that was killed: the next build's
            print(f"{project}: a previous site is still being deleted", file=sys.stderr)
            break  # recover() deletes what is left
        time.sleep(0.2)
    os.sync()
    time.sleep(2)


def median(values: list[float]) -> float:
    return statistics.median(values)


def add_project_options(
    parser: argparse.ArgumentParser, *, projects: str = "projects and sites"
) -> None:
    """``--seed`` and ``--out``, the options of the synthetic projects :func:`make_project`
    makes (``projects``: what the help calls them)."""
    parser.add_argument(
        "--seed", type=int, default=1, help="seed of the synthetic feeds (same seed, same feed)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "out",
        help=f"folder for the {projects} made (default: bench/out)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="feed sizes in papers, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--build-runs",
        type=int,
        default=3,
        help="full builds up to 2,000 papers (median; one above)",
    )
    parser.add_argument(
        "--build-max",
        type=int,
        default=100000,
        help="skip the MkDocs builds above this many papers (100,000 take about 10 minutes)",
    )
    parser.add_argument(
        "--peers-max", type=int, default=10000, help="compare with the peers up to this size"
    )
    parser.add_argument("--peers", default=",".join(peers.TOOLS), help="peers to compare with")
    parser.add_argument(
        "--daily-runs",
        type=int,
        default=3,
        help="daily builds up to 10,000 papers (median; one above): single runs of this "
        "machine vary by a third",
    )
    add_project_options(parser)
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="measure the first search from the files it loads, not in headless Chromium",
    )
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    before = machine_reference(args.out)
    print(reference_line(before), file=sys.stderr)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        project = make_project(args.out, n, args.seed)
        for extra in (project / "digests").glob("*-added.txt"):
            extra.unlink()
        pages = project / "build" / "pages"
        cache = project / ".cache" / "plugin" / "paperfeed"
        gens = []
        for _ in range(args.runs):  # a first build: no cache, no pages yet; both written
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(pages, ignore_errors=True)
            settle()
            gens.append(run_child(project, pages, cache))
        gen = {
            k: median([g[k] for g in gens]) for k in ("parse", "generate", "cache_save", "total")
        }
        peak = max(g["peak_mb"] for g in gens)
        incs = []
        for _ in range(args.runs if n <= REPEATED_UP_TO else 1):
            with added_digest(project, args.seed):
                settle()
                incs.append(run_child(project, pages, cache))  # the cache of the last build
            run_child(project, pages, cache)  # back to the base feed
        inc = {
            "total": median([i["total"] for i in incs]),
            "written": median([i["written"] for i in incs]),
        }
        row = {
            "papers": gens[0]["papers"],
            "generate_s": gen["total"],
            "parse_s": gen["parse"],
            "classify_render_s": gen["generate"],
            "cache_save_s": gen["cache_save"],
            "generate_peak_mb": peak,
            "incremental_s": inc["total"],
            "incremental_written": inc["written"],
            "files": gens[0]["files"],
        }
        if n <= args.build_max:
            runs = args.build_runs if n <= 2000 else 1
            builds = []
            for _ in range(runs):
                settle(project)
                builds.append(build(project))
            site = project / "site"
            search_bytes, search_s = first_search(site, use_browser=not args.no_browser)
            print(runs_line(f"{n:,} papers, full builds", builds), file=sys.stderr)
            row.update(
                build_s=median([b.seconds for b in builds]),
                build_peak_mb=max(b.peak_mb for b in builds),
                build_together_mb=max(b.together_mb for b in builds),
                **site_stats(site),
                nav_share=nav_share(site),
                search_bytes=search_bytes,
            )
            row["kb_per_paper"] = row["site_mb"] * 1000 / row["papers"]
            if search_s is not None:
                row["search_s"] = search_s
            if n <= args.peers_max:
                for tool in (t for t in args.peers.split(",") if t):
                    settle(project)  # paperfeed's previous site deleted, not meanwhile
                    try:
                        seconds = peers.run_peer(tool, project)[0]
                    except RuntimeError as e:
                        print(f"{tool}: {e}", file=sys.stderr)
                        continue
                    row[f"{tool}_ratio"] = seconds / row["build_s"]
            daily = daily_build(project, args.seed, args.daily_runs if n <= REPEATED_UP_TO else 1)
            row["daily_s"] = median([b.seconds for b in daily])
            print(runs_line(f"{n:,} papers, daily builds", daily), file=sys.stderr)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    print_table(rows, reference_line(before, machine_reference(args.out)))


def print_table(rows: list[dict[str, float]], reference: str = "") -> None:
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    if reference:
        print(reference)
    cols = [
        ("papers", "papers", "{:,.0f}"),
        ("generate_s", "generate s", "{:.2f}"),
        ("generate_peak_mb", "gen peak MB", "{:.0f}"),
        ("incremental_s", "+1 digest s", "{:.2f}"),
        ("incremental_written", "files rewritten", "{:,.0f}"),
        ("build_s", "full build s", "{:.1f}"),
        ("build_peak_mb", "build peak MB", "{:,.0f}"),
        ("build_together_mb", "at once MB", "{:,.0f}"),
        ("daily_s", "daily build s", "{:.1f}"),
        ("pages", "HTML pages", "{:,.0f}"),
        ("site_mb", "site MB", "{:,.1f}"),
        ("kb_per_paper", "KB a paper", "{:.1f}"),
        ("median_page_kb", "median page KB", "{:.1f}"),
        ("nav_share", "nav share", "{:.0%}"),
        ("search_bytes", "first search KB", "{}"),
        ("search_s", "first search s", "{:.2f}"),
        ("mkdocs_ratio", "MkDocs x", "{:.1f}"),
        ("zensical_ratio", "Zensical x", "{:.1f}"),
        ("hugo_ratio", "Hugo x", "{:.2f}"),
    ]
    print("| " + " | ".join(c[1] for c in cols) + " |")
    print("|" + "|".join(" ---: " for _ in cols) + "|")
    for row in rows:
        cells = []
        for key, _, fmt in cols:
            value = row.get(key)
            if value is None:
                cells.append("n/a")
            elif key == "search_bytes":
                cells.append(f"{value / 1024:.0f}")
            else:
                cells.append(fmt.format(value))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
