"""The ``paperfeed`` command: build, serve, parse, check.

Exit status: 0 success, 1 the inputs or the site have errors (each printed as
``file:line: message`` on stderr), 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import gc
import io
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from generator import __version__, engine
from generator.errors import BuildFailed, InputError, UsageError, signals_to

DESCRIPTION = """\
paperfeed turns the daily paper digests in a folder into a searchable MkDocs
site: a page per topic, per tag, per digest and per paper, an Atom feed and
papers.json. Settings live in mkdocs.yml (under `plugins: - paperfeed`); the
topics and tags in taxonomy.yml.
"""

EPILOG = """\
examples:
  paperfeed build                      build site/ from digests/ and taxonomy.yml
  paperfeed serve                      live preview on 127.0.0.1:8000, under the path of
                                       site_url: http://127.0.0.1:8000/paperfeed/ for the
                                       sample's https://paperfeed.github.io/paperfeed/
  paperfeed check                      validate every input, print the accounting
  paperfeed report --paper 'A Tutorial on Bayesian Optimization'
                                       why a paper (arXiv id, page name or title) has
                                       its topics and tags
  paperfeed parse digests/*.txt --json
                                       the papers of some digests, as JSON
  paperfeed fetch hf                   write today's Hugging Face papers to digests/
  paperfeed enrich                     find arXiv ids for pasted papers (enrichment.yml)

exit status: 0 ok, 1 errors in the inputs or the site, 2 wrong usage
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, like us
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _dev_addr(text: str) -> str:
    """``serve --dev-addr``, checked as the command line is read: a wrong one is a usage
    error before anything is done (MkDocs would say so after a note and a folder made)."""
    from generator.site import parse_address

    try:
        parse_address(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _common(p: argparse.ArgumentParser, *, site: bool = False) -> None:
    p.add_argument(
        "-f",
        "--config",
        type=Path,
        default=Path("mkdocs.yml"),
        metavar="FILE",
        help="MkDocs config file (default: mkdocs.yml)",
    )
    p.add_argument(
        "--digests",
        type=Path,
        metavar="DIR",
        help="folder of digests (default: the plugin's 'digests' option, 'digests')",
    )
    p.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="topic and tag taxonomy (default: the plugin's 'taxonomy' option, 'taxonomy.yml')",
    )
    p.add_argument(
        "--curation",
        type=Path,
        metavar="FILE",
        help="the curator's changes: topics, tags, hidden and featured papers, notes, slugs "
        "(default: the plugin's 'curation' option, else curation.yml beside the taxonomy if "
        "there is one)",
    )
    if site:
        p.add_argument(
            "--search",
            choices=("auto", "material", "pagefind"),
            help="search backend (default: the plugin's 'search' option, 'auto': "
            "Pagefind from 500 papers)",
        )
        p.add_argument(
            "--no-cache",
            action="store_true",
            help="parse and classify every digest afresh, without reading or writing the "
            "build cache (the plugin's 'cache_dir', by default .cache/plugin/paperfeed)",
        )


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paperfeed",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"paperfeed {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    b = sub.add_parser(
        "build",
        help="generate the pages and build the site",
        description="Read every digest, generate the Markdown pages (written as they are "
        "made, beside the Markdown copy in build/pages/, and read back by MkDocs) and build "
        "the site with MkDocs in strict mode. With the build cache, only the generated pages "
        "whose Markdown changed since the last build are rendered; the others are the "
        "previous site's. The previous site and copy are replaced only when the whole build "
        "succeeds.",
    )
    _common(b, site=True)
    b.add_argument(
        "-d", "--site-dir", type=Path, metavar="DIR", help="output folder (default: site)"
    )
    b.add_argument(
        "--pages-dir",
        type=Path,
        metavar="DIR",
        help="where the generated Markdown is written (default: build/pages)",
    )
    b.add_argument(
        "--markdown-only",
        action="store_true",
        help="skip MkDocs: write a complete project into the pages folder instead (mkdocs.yml "
        "without the paperfeed plugin, docs/ with the generated and hand-written pages, the "
        "feeds and papers.json), which `mkdocs build`, `properdocs build` or `zensical build` "
        "builds there",
    )
    b.add_argument(
        "--rebuild-all",
        action="store_true",
        help="render every page (default, with the build cache: only the generated pages "
        "whose Markdown changed since the last build of this site, unless mkdocs.yml, the "
        "docs folder, the theme or an installed package changed)",
    )
    b.add_argument(
        "--no-strict", action="store_true", help="do not fail on MkDocs warnings (not advised)"
    )
    b.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    b.add_argument("-v", "--verbose", action="store_true", help="show MkDocs' own log")

    s = sub.add_parser(
        "serve",
        help="live preview on 127.0.0.1",
        description="Build the site and serve it on 127.0.0.1 with live reload, at the "
        "path of site_url (it prints the address: http://127.0.0.1:8000/paperfeed/ for a "
        "site_url of https://example.org/paperfeed/). A change to a digest, the taxonomy, "
        "curation.yml, enrichment.yml, the theme's custom_dir, mkdocs.yml or a hand-written "
        "page rebuilds once.",
    )
    _common(s, site=True)
    s.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        type=_dev_addr,
        metavar="IP:PORT",
        help="address to serve on (default: 127.0.0.1:8000)",
    )
    s.add_argument(
        "--rebuild-all",
        action="store_true",
        help="render every page again on every change, as mkdocs serve does (default: only "
        "the generated pages whose content changed, unless mkdocs.yml, the docs folder or "
        "the theme changed)",
    )

    p = sub.add_parser(
        "parse",
        help="print the papers of digest files",
        description="Parse digest files (.txt, .yml/.yaml, .json) and print their papers, "
        "duplicates merged. Nothing is written.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="digest files")
    p.add_argument("--json", action="store_true", help="print a JSON list of papers")

    _fetch_parsers(sub)

    c = sub.add_parser(
        "check",
        help="validate every input and print the accounting",
        description="Read every digest and the taxonomy, generate the pages in memory and "
        "print where every paper went. Exits 1 on any error. Nothing is written.",
    )
    _common(c)

    r = sub.add_parser(
        "report",
        help="what the curator should look at: topics, catch-all, unused rules, duplicates",
        description="Classify the feed in memory and report, for the curator: the papers and "
        "share of each topic, the topics above 25% of the feed, topics per paper, the papers "
        "in the catch-all, the tags used once, the rules that never matched, the examples "
        "not in the feed and the near-duplicate titles. With --paper, which rules, examples "
        "or other sources gave one paper each of its topics and tags, with their scores. "
        "Nothing is written.",
    )
    _common(r)
    r.add_argument(
        "--paper",
        metavar="ID",
        help="explain one paper's topics and tags (its id, arXiv id, page slug or title)",
    )
    r.add_argument("--markdown", action="store_true", help="print Markdown instead of text")
    return parser


def _day(value: str) -> dt.date:
    """``YYYY-MM-DD`` only: Python 3.11 also reads ``20250314`` and ``2025-W11-5``, and
    the digest's name would not be the date as given (the fetch workflow looks for it)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2025-03-14: {value!r}") from None


def _positive(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:  # digits 0-9 only
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {value!r}")
    return int(value)


def _fetch_parsers(sub: Any) -> None:
    f = sub.add_parser(
        "fetch",
        help="write a day's digest from Hugging Face or arXiv",
        description="Download a day's papers, with authors, dates and links, and write "
        "them as a structured digest in the digests folder for you to review and commit. "
        "Retries on connection errors, 429 and 5xx (honouring Retry-After); a download "
        "that still fails, or a response that is not what the API returns, is an error "
        "and nothing is written.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  paperfeed fetch hf                              today's Hugging Face papers\n"
        "  paperfeed fetch hf --date 2025-03-14 --force    that day's, again\n"
        "  paperfeed fetch arxiv --query 'cat:cs.LG AND abs:\"mixture of experts\"' --days 7",
    )
    sources = f.add_subparsers(dest="source", metavar="SOURCE", parser_class=_Parser)
    sources.required = True

    def common(p: argparse.ArgumentParser, env: str, default: str) -> None:
        _config_option(p)
        p.add_argument(
            "--digests",
            type=Path,
            metavar="DIR",
            help="where the digest is written (default: the plugin's 'digests' option in "
            "mkdocs.yml, else digests)",
        )
        p.add_argument(
            "--force",
            action="store_true",
            help="replace the day's digest if it exists (keeping the note, topics and tags "
            "of each paper fetched again)",
        )
        p.add_argument(
            "--api",
            metavar="URL",
            help=f"the API's base URL (default: ${env}, else {default})",
        )

    hf = sources.add_parser(
        "hf",
        help="Hugging Face daily papers",
        description="Write DIR/YYYY-MM-DD-hf.yml from the Hugging Face daily-papers API "
        "(GET {base}/api/daily_papers?date=YYYY-MM-DD), in the API's order. An empty day "
        "writes nothing and says so.",
    )
    hf.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="the day (default: today, in UTC)"
    )
    common(hf, "PAPERFEED_HF_API", "https://huggingface.co")

    ax = sources.add_parser(
        "arxiv",
        help="an arXiv API query",
        description="Write DIR/YYYY-MM-DD-arxiv-<query>.yml with the papers submitted on a "
        "day (or the N days up to today, --days) that match an arXiv API query, newest first. Asks "
        "at most once every 3 seconds, as the arXiv API terms say.",
    )
    ax.add_argument(
        "--query",
        required=True,
        metavar="QUERY",
        help="an arXiv API search query, e.g. 'cat:cs.LG AND abs:\"mixture of experts\"'",
    )
    when = ax.add_mutually_exclusive_group()
    when.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="the day (default: today, in UTC)"
    )
    when.add_argument(
        "--days", type=_positive, metavar="N", help="the N days up to today (dated today)"
    )
    ax.add_argument(
        "--max", type=_positive, default=50, metavar="N", help="at most N papers (default: 50)"
    )
    common(ax, "PAPERFEED_ARXIV_API", "https://export.arxiv.org")

    e = sub.add_parser(
        "enrich",
        help="find arXiv ids for papers that have none",
        description="For every paper with no arXiv id and no record yet in enrichment.yml "
        "(beside the taxonomy), look its exact title up on arXiv. A single match (same "
        "title, case and punctuation aside) is recorded in enrichment.yml with its id, "
        "authors and dates; builds read that file and stay offline. No match or several "
        "are listed, never guessed, and asked again next time.",
    )
    _config_option(e)
    e.add_argument(
        "--digests",
        type=Path,
        metavar="DIR",
        help="folder of digests (default: the plugin's 'digests' option in mkdocs.yml, "
        "else digests)",
    )
    e.add_argument(
        "--taxonomy",
        type=Path,
        metavar="FILE",
        help="the taxonomy; enrichment.yml is beside it (default: the plugin's 'taxonomy' "
        "option in mkdocs.yml, else taxonomy.yml)",
    )
    e.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    e.add_argument(
        "--api",
        metavar="URL",
        help="the arXiv API's base URL (default: $PAPERFEED_ARXIV_API, else "
        "https://export.arxiv.org)",
    )


def _config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-f",
        "--config",
        type=Path,
        metavar="FILE",
        help="the MkDocs config file whose paperfeed settings say where the digests and "
        "the taxonomy are (default: mkdocs.yml, if there is one)",
    )


def _plugin_paths(args: argparse.Namespace) -> None:
    """``args.digests`` and ``args.taxonomy`` not given: the plugin's settings in the
    config file (relative to its folder), else ``digests`` and ``taxonomy.yml``, as a
    build finds them; and ``args.max_digest_mb``, the largest digest a build reads."""
    from generator.limits import MAX_DIGEST_MB
    from generator.mkdocs_boundary import load_yaml

    config = args.config or Path("mkdocs.yml")
    settings: dict[str, Any] = {}
    if args.config is not None or config.is_file():
        try:
            with config.open("rb") as f:
                data = load_yaml(f)
        except OSError as err:
            raise UsageError(f"{config}: cannot read: {err.strerror or err}") from None
        except Exception as err:  # MkDocs' YAML errors: any, said in one line
            raise UsageError(f"{config}: not a readable MkDocs config: {err}") from None
        plugins = data.get("plugins") if isinstance(data, dict) else None
        entries = (
            plugins.items()
            if isinstance(plugins, dict)
            else [
                next(iter(p.items())) for p in plugins or () if isinstance(p, dict) and len(p) == 1
            ]
        )
        for name, options in entries:
            if name == "paperfeed" and isinstance(options, dict):
                settings = options
    limit = settings.get("max_digest_mb")
    valid = not isinstance(limit, bool) and isinstance(limit, int) and limit >= 1
    args.max_digest_mb = limit if valid else MAX_DIGEST_MB  # (a wrong one: the build says so)
    base = config.parent
    for name, default in (("digests", "digests"), ("taxonomy", "taxonomy.yml")):
        if getattr(args, name, False) is None:
            value = settings.get(name)
            setattr(
                args, name, base / value if isinstance(value, str) and value else base / default
            )


def cmd_fetch(args: argparse.Namespace) -> int:
    from generator.fetch import commands

    _plugin_paths(args)

    limit = args.max_digest_mb
    if args.source == "hf":
        return commands.fetch_hf(args.date, args.digests, args.force, args.api, limit)
    return commands.fetch_arxiv(
        args.query, args.date, args.days, args.max, args.digests, args.force, args.api, limit
    )


def cmd_enrich(args: argparse.Namespace) -> int:
    from generator.fetch import commands

    _plugin_paths(args)

    return commands.enrich(args.digests, args.taxonomy, args.dry_run, args.api)


def _print_problems(error: InputError, out: TextIO) -> None:
    for problem in error.problems:
        print(problem, file=out)
    n = len(error.problems)
    print(f"paperfeed: {n} error{'s' if n != 1 else ''}; nothing was written", file=out)


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    engine.setup_logging(handler, logging.INFO if verbose else logging.WARNING)


def cmd_build(args: argparse.Namespace) -> int:
    from generator.site import BuildOptions, build

    _setup_logging(args.verbose)
    options = BuildOptions(
        config_file=args.config,
        digests=args.digests,
        taxonomy=args.taxonomy,
        curation=args.curation,
        site_dir=args.site_dir,
        pages_dir=args.pages_dir,
        search=args.search,
        cache=not args.no_cache,
        strict=not args.no_strict,
        rebuild_all=args.rebuild_all,
        markdown_only=args.markdown_only,
    )
    progress = _progress_printer() if sys.stderr.isatty() and not args.quiet else None
    try:
        result = build(options, progress, _waiting)
    except BuildFailed as e:
        _clear_progress(progress)
        if e.site_published:
            print(f"paperfeed: {e}", file=sys.stderr)
        else:
            print(f"paperfeed: the site did not build: {e}", file=sys.stderr)
            left = (
                "the previous site was left as it was"
                if e.previous_site
                else "nothing was published"
            )
            print(f"paperfeed: {left}", file=sys.stderr)
        return 1
    _clear_progress(progress)
    acc = result.generated.accounting
    if not args.quiet:
        for warning in result.generated.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        where = f" -> {result.site_dir}" if result.site_dir else ""
        cached = f" ({result.from_cache} from the cache)" if result.from_cache else ""
        kept = (
            f" ({result.kept} generated files kept from the previous site)" if result.kept else ""
        )
        print(
            f"paperfeed: {_count(acc.digests, 'digest')}{cached}, {acc.entries_read} papers read, "
            f"{acc.unique_papers} unique, {acc.papers_rendered} rendered, "
            f"{acc.no_topic} with no topic; {len(result.generated.paths)} generated files "
            f"({result.pages.written} written, {result.pages.unchanged} unchanged, "
            f"{result.pages.removed} removed), {result.html_pages} HTML pages{kept} "
            f"in {result.seconds:.1f} s{where}"
        )
        if result.site_size is not None:
            print(f"paperfeed: the site is {result.site_size.summary()}")
            size_warning = result.site_size.warning()
            if size_warning:
                print(f"warning: {size_warning}", file=sys.stderr)
    return 0 if acc.balanced else 1


def _waiting() -> None:
    print(
        "paperfeed: another build of this project is running; waiting for it to finish",
        file=sys.stderr,
        flush=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _progress_printer() -> Any:
    last = [0.0]

    def show(done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done == total or now - last[0] > 0.2:
            last[0] = now
            sys.stderr.write(f"\rpaperfeed: building pages {done}/{total}")
            sys.stderr.flush()

    return show


def _clear_progress(progress: Any) -> None:
    if progress is not None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.site import (
        BuildOptions,
        check_address,
        only_this_machine,
        parse_address,
        serve,
    )

    _setup_logging(True)
    check_address(args.dev_addr)  # one it can serve on, before the note
    host, _ = parse_address(args.dev_addr)
    if not only_this_machine(host):
        print(f"paperfeed: note: serving on {host}, not only this machine", file=sys.stderr)
    serve(
        BuildOptions(
            config_file=args.config,
            digests=args.digests,
            taxonomy=args.taxonomy,
            curation=args.curation,
            search=args.search,
            cache=not args.no_cache,
        ),
        args.dev_addr,
        incremental=not args.rebuild_all,
    )
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from generator.digests import read_digests_with_warnings
    from generator.feed import build_feed
    from generator.render.feeds import source_fields

    missing = [f for f in args.files if not f.is_file()]
    if missing:
        raise UsageError(
            ", ".join(
                f"{f}: a folder, not a digest file (give its files: {f}/*)"
                if f.is_dir()
                else f"{f}: no such file"
                for f in missing
            )
        )
    files: dict[Path, Path] = {}  # one file named twice (a, ./a) is read once
    for f in args.files:
        files.setdefault(f.resolve(), f)
    digests, problems, warnings = read_digests_with_warnings(files.values())
    if problems:
        raise InputError(problems)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    feed = build_feed(digests)
    for warning in feed.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    order = {(d.slug): i for i, d in enumerate(digests)}
    papers = sorted(
        feed.papers,
        key=lambda p: min((order[a.digest], a.position) for a in p.appearances),
    )
    if args.json:
        records = [
            {
                "id": p.id,
                "title": p.title,
                "abstract": p.abstract,
                "date": p.first_seen.isoformat(),
                "links": [{"url": link.url, "kind": link.kind} for link in p.links],
                "arxiv_id": p.arxiv_id,
                "url": p.url,
                "authors": list(p.authors),
                "topics": list(p.extra_topics),
                "tags": list(p.extra_tags),
                "note": p.note,
                "appearances": [
                    {"date": a.date.isoformat(), "digest": a.digest, "position": a.position}
                    for a in p.appearances
                ],
                "sources": [{"file": f, "line": n} for f, n in p.sources],
                **source_fields(p),
            }
            for p in papers
        ]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for p in papers:
        print(f"{p.first_seen.isoformat()}  {p.title}")
        for link in p.links:
            print(f"            {link.kind}: {link.url}")
    print(f"{_count(len(papers), 'paper')} from {_count(len(digests), 'digest')}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from generator.site import BuildOptions, prepare

    _setup_logging(False)
    _, _, generated = prepare(
        BuildOptions(
            config_file=args.config,
            digests=args.digests,
            taxonomy=args.taxonomy,
            curation=args.curation,
            cache=False,  # check writes nothing, not even the cache
            check_only=True,
        )
    )
    for warning in generated.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    acc = generated.accounting
    for line in acc.lines():
        print(line)
    for merge in generated.feed.title_merges:
        print(f"merged by title alone: {merge}")
    if acc.balanced:
        hidden = f" or is hidden by {generated.curation.source}" if acc.hidden else ""
        print(f"ok: every paper read has a page{hidden}")
        return 0
    print("error: the accounting does not balance", file=sys.stderr)
    return 1


def cmd_report(args: argparse.Namespace) -> int:
    from generator.report import (
        feed_report,
        find_paper,
        markdown_lines,
        paper_report,
        text_lines,
    )
    from generator.site import BuildOptions, prepare

    _setup_logging(False)
    _, _, generated = prepare(
        BuildOptions(
            config_file=args.config,
            digests=args.digests,
            taxonomy=args.taxonomy,
            curation=args.curation,
            cache=False,  # a report writes nothing, not even the cache
            check_only=True,
        )
    )
    for warning in generated.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.paper is not None:
        paper = find_paper(generated.feed.papers, args.paper) or find_paper(
            generated.hidden, args.paper
        )
        if paper is None:
            raise UsageError(f"--paper {args.paper!r}: no paper has this id, slug or title")
        sections = paper_report(generated, paper)
        title = f"Why {paper.id} has its topics and tags"
    else:
        sections = feed_report(generated)
        title = "paperfeed report"
    lines = markdown_lines(sections, title) if args.markdown else text_lines(sections)
    sys.stdout.write("\n".join(lines).rstrip("\n") + "\n")
    return 0


COMMANDS = {
    "build": cmd_build,
    "serve": cmd_serve,
    "parse": cmd_parse,
    "check": cmd_check,
    "fetch": cmd_fetch,
    "enrich": cmd_enrich,
    "report": cmd_report,
}


def run() -> NoReturn:
    """The ``paperfeed`` command (and ``python -m generator``): :func:`main`, then exit
    without the cycle collection Python runs over every object left when it stops (half
    a second after a build of 10,000 papers; the process's memory goes back to the
    system all the same). What a command writes is closed and in place before
    :func:`main` returns."""
    code = main()
    gc.freeze()
    sys.exit(code)


def _terminated(signum: int, frame: Any) -> None:
    """SIGTERM (a CI job cancelled or timed out, ``timeout``, ``kill``): as Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if engine.PROBLEM is not None:
        print(f"paperfeed: error: {engine.PROBLEM}", file=sys.stderr)
        return 2
    if isinstance(sys.stdout, io.TextIOWrapper):  # a terminal that cannot show a title's
        sys.stdout.reconfigure(errors="backslashreplace")  # letters: escapes, no traceback
    try:  # SIGTERM (a CI job cancelled, timeout) ends a command as Ctrl-C does
        with signals_to(_terminated, signal.SIGTERM):
            status = COMMANDS[args.command](args)
            sys.stdout.flush()  # here, where a full disk is said, not at exit
            return status
    except InputError as e:
        _print_problems(e, sys.stderr)
        return 1
    except UsageError as e:
        print(f"paperfeed: error: {e}", file=sys.stderr)
        return 2
    except BuildFailed as e:
        print(f"paperfeed: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("paperfeed: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`paperfeed parse ... | head`): what it read was right, so
        # exit 0 without a word, and send what is still buffered nowhere (else Python
        # complains about the closed pipe once more at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            raise
        # Output that could not be written (`paperfeed check > /dev/full`); what a build
        # writes is said by the build itself (BuildFailed).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        print(f"paperfeed: error: cannot write the output: {e.strerror or e}", file=sys.stderr)
        return 1
