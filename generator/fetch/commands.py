"""The ``fetch hf``, ``fetch arxiv`` and ``enrich`` commands: options in, files out.

Every error is one line on stderr and exit 1, with nothing written: a download that
failed after its retries (:class:`~generator.fetch.http.FetchError` names the URL and
the status), a response that is not what the API returns, a digest that exists already.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from generator.errors import InputError, UsageError, decode_utf8
from generator.fetch import arxiv, hf
from generator.fetch.digest import Fetched, digest_yaml, write_atomically
from generator.fetch.enrich import Outcome
from generator.fetch.http import Client, FetchError
from generator.ids import slugify
from generator.limits import MAX_DIGEST_MB
from generator.model import Digest, Entry
from generator.parse_structured import Metadata, parse_yaml_digest


def today() -> dt.date:
    """Today in UTC (the day the Hugging Face daily papers are filed under)."""
    return dt.datetime.now(dt.timezone.utc).date()


_USERINFO = re.compile(r"(^[^/]*//)[^/@]*@")
"""A URL's user name and password (``https://user:pw@host``)."""


def _hidden(text: str) -> str:
    """``text`` with a URL's user name and password as ``***``: never repeated."""
    return _USERINFO.sub(r"\1***@", text)


def base_url(option: str | None, env: str, default: str) -> str:
    """The API base URL: ``--api``, else the environment variable, else the default."""
    import httpx

    if option is not None:
        base, where = option, "--api"
    else:
        base, where = os.environ.get(env, ""), env
    if not base.strip():
        if option is not None:  # never the real service in its place
            raise UsageError("--api is empty: give an http(s) base URL")
        base = default
    shown = _hidden(base)
    if not base.lower().startswith(("http://", "https://")):
        raise UsageError(f"{where} must be an http(s) base URL, got {shown!r}")
    try:
        url = httpx.URL(base)
    except httpx.InvalidURL as err:
        raise UsageError(f"{where} is not a valid URL: {shown!r} ({_hidden(str(err))})") from None
    if not url.host:
        raise UsageError(f"{where} names no host: {shown!r}")
    if url.userinfo:
        raise UsageError(
            f"{where} holds a user name or password: the URL is written into the digest "
            "and the messages; give the API's address alone"
        )
    return base.rstrip("/")


def _warn(lines: list[str]) -> None:
    for line in lines:
        print(f"warning: skipped {line}", file=sys.stderr)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _old_digest(path: Path) -> Digest:
    """The digest a ``--force`` fetch replaces; InputError when it does not read."""
    return parse_yaml_digest(decode_utf8(path.read_bytes(), str(path)), str(path), None, "d")


def _with_reviews(path: Path, papers: list[Fetched]) -> list[Fetched]:
    """``papers`` with the curator's topics, tags and note of the same papers (by arXiv
    id) in the digest at ``path``, which a ``--force`` fetch replaces (checked to read
    before anything was downloaded: :func:`_unwritable`); what of the curator's is not
    kept is named: a reviewed paper the new response no longer lists, a paper added by
    hand (no arXiv id), the review of a paper's second listing."""
    try:
        old = _old_digest(path)
    except (OSError, InputError):
        return papers  # none (or made unreadable meanwhile)
    reviews: dict[str, Entry] = {}
    listed = {p.arxiv for p in papers}
    lost = []
    for e in old.entries:
        if not e.arxiv_id:
            lost.append(f"{e.title[:80]!r} (added by hand: no arXiv id) is not kept")
        elif not (e.topics or e.tags or e.note):
            continue
        elif e.arxiv_id in reviews:
            lost.append(f"the note, topics and tags of {e.title[:80]!r} listed again are not kept")
        else:
            reviews[e.arxiv_id] = e
            if e.arxiv_id not in listed:
                lost.append(
                    f"the note, topics and tags of {e.title[:80]!r} (arXiv:{e.arxiv_id}) are "
                    "not kept: the new response does not list it"
                )
    for line in lost:
        print(f"warning: {path}: {line}", file=sys.stderr)
    kept = [
        replace(p, topics=r.topics, tags=r.tags, note=r.note)
        if p.arxiv and (r := reviews.get(p.arxiv))
        else p
        for p in papers
    ]
    n = sum(1 for p in papers if p.arxiv in reviews)
    if n:
        print(f"paperfeed: kept the note, topics and tags of {_count(n, 'paper')} from {path}")
    return kept


def _write_digest(
    path: Path,
    date: dt.date,
    title: str,
    papers: list[Fetched],
    header: str,
    force: bool,
    max_digest_mb: int,
) -> int:
    if force:
        papers = _with_reviews(path, papers)
    data = digest_yaml(date, title, papers, header)
    size, most = len(data.encode("utf-8")), max_digest_mb * 1_000_000
    if size > most:  # a build would refuse it
        print(
            f"paperfeed: the digest of {_count(len(papers), 'paper')} would be {size:,} bytes, "
            f"more than the {most:,} a build reads (the plugin's max_digest_mb); fetch fewer "
            "papers (--max, --days); nothing was written",
            file=sys.stderr,
        )
        return 1
    try:
        parse_yaml_digest(data, str(path), date, path.stem)
    except InputError as err:  # never expected: the papers were fitted to the format
        print(
            f"paperfeed: the digest would not read back, so it was not written:\n{err}",
            file=sys.stderr,
        )
        return 1
    try:
        write_atomically(path, data, replace=force)
    except FileExistsError as err:
        if Path(err.filename or path) == path:
            print(f"paperfeed: {path} exists: use --force to replace it", file=sys.stderr)
        else:  # a folder on the way (made meanwhile)
            print(f"paperfeed: cannot write {path}: {err.filename} is in the way", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"paperfeed: cannot write {path}: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


def _unwritable(path: Path, force: bool) -> bool:
    """Whether the digest cannot be written at ``path`` (said on stderr), checked before
    anything is downloaded: its folder is a file, it is a folder, it exists (without
    ``force``), or another digest in the folder has the name it would have (the build
    would refuse the two)."""
    from generator.digests import EXTENSIONS, digest_name

    problem = ""
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    dangling = next(
        (p for p in (path.parent, *path.parent.parents) if p.is_symlink() and not p.exists()),
        None,
    )
    if dangling is not None:
        problem = f"{dangling} is a symbolic link to {os.readlink(dangling)}, which does not exist"
    elif folder is not None and not folder.is_dir():
        problem = f"{folder} is not a folder"
    elif path.is_dir():
        problem = f"{path} is a folder"
    elif path.exists() and not force:
        problem = f"{path} exists: use --force to replace it"
    elif path.is_file():  # --force keeps the curator's review of it: it must read
        try:
            _old_digest(path)
        except InputError as err:
            for line in err.problems:
                print(line, file=sys.stderr)
            problem = (
                f"{path} does not read as a digest (above), so --force could not keep what "
                "was written in it by hand: fix it, or remove it first"
            )
        except OSError as err:
            problem = f"cannot read {path}: {err.strerror or err}"
    elif path.parent.is_dir():
        name = digest_name(path)
        for other in sorted(path.parent.iterdir()):
            if other != path and other.suffix.lower() in EXTENSIONS and digest_name(other) == name:
                problem = (
                    f"{other} has the digest name {name!r} that {path.name} would have "
                    "(a build refuses the two): rename or remove it"
                )
                break
    if problem:
        print(f"paperfeed: {problem}; nothing was fetched", file=sys.stderr)
    return bool(problem)


def _another_query(path: Path, query: str) -> bool:
    """Whether ``path`` holds the digest of another arXiv query whose name is the same
    (``cat:cs.CL`` and ``cat:cs-CL``, or queries alike in their first 60 characters):
    ``--force`` replaces a day's digest of this query, never another's (said on stderr)."""
    import yaml

    try:
        title = yaml.safe_load(path.read_text("utf-8")).get("title", "")
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return False  # no such file, or not a digest this command wrote: _unwritable's
    prefix = "arXiv: "
    if not isinstance(title, str) or not title.startswith(prefix):
        return False
    if title.startswith(f"{prefix}{query} ("):
        return False
    print(
        f"paperfeed: {path} holds the digest of another query ({title!r}), whose file name "
        "this query's would take: rename that file first; nothing was fetched",
        file=sys.stderr,
    )
    return True


def fetch_hf(
    date: dt.date | None,
    digests: Path,
    force: bool,
    api: str | None,
    max_digest_mb: int = MAX_DIGEST_MB,
) -> int:
    date = date or today()
    base = base_url(api, hf.ENV, hf.DEFAULT_API)
    path = digests / f"{date.isoformat()}-hf.yml"
    if _unwritable(path, force):
        return 1
    shown = hf.day_url(base, date)
    try:
        day = hf.fetch_day(Client(), base, date)
    except FetchError as err:
        print(f"paperfeed: {err}; nothing was written", file=sys.stderr)
        return 1
    _warn(day.skipped)
    if not day.papers:
        skipped = f" ({_count(len(day.skipped), 'item')} skipped)" if day.skipped else ""
        print(f"paperfeed: no papers on {date.isoformat()} at {shown}{skipped}; nothing written")
        return 0
    title = f"Hugging Face daily papers, {date.isoformat()}"
    header = hf.header(shown, date)
    status = _write_digest(path, date, title, day.papers, header, force, max_digest_mb)
    if status == 0:
        print(
            f"paperfeed: wrote {path}: {_count(len(day.papers), 'paper')}, "
            f"{len(day.skipped)} skipped"
        )
    return status


def fetch_arxiv(
    query: str,
    date: dt.date | None,
    days: int | None,
    limit: int,
    digests: Path,
    force: bool,
    api: str | None,
    max_digest_mb: int = MAX_DIGEST_MB,
) -> int:
    query = query.strip()  # as the API reads it: the digest's name and title say the same
    if not query:
        raise UsageError("--query is empty: give an arXiv API search query")
    base = base_url(api, arxiv.ENV, arxiv.DEFAULT_API)
    last = date or today()
    try:
        first = last - dt.timedelta(days=(days or 1) - 1)
    except OverflowError:
        raise UsageError(f"--days {days} reaches back before the year 1") from None
    slug = slugify(query, 60) or "query"
    path = digests / f"{last.isoformat()}-arxiv-{slug}.yml"
    if _unwritable(path, force) or _another_query(path, query):
        return 1
    try:
        results = arxiv.search(arxiv.client(), base, arxiv.day_query(query, first, last), limit)
    except FetchError as err:
        print(f"paperfeed: {err}; nothing was written", file=sys.stderr)
        return 1
    papers, skipped = results.papers, results.skipped
    _warn(skipped)
    span = last.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    if results.total is not None and results.total > len(papers) + len(skipped):
        print(
            f"warning: the arXiv API counts {results.total:,} papers for {span}; the first "
            f"{len(papers):,} (--max {limit}) are written: raise --max for the others",
            file=sys.stderr,
        )
    if not papers:
        print(f"paperfeed: no arXiv papers match {query!r} for {span}; nothing written")
        return 0
    title = f"arXiv: {query} ({span})"
    header = arxiv.header(arxiv.query_url(base), query, first, last)
    status = _write_digest(path, last, title, papers, header, force, max_digest_mb)
    if status == 0:
        print(f"paperfeed: wrote {path}: {_count(len(papers), 'paper')}, {len(skipped)} skipped")
    return status


def enrich(digests_dir: Path, taxonomy: Path, dry_run: bool, api: str | None) -> int:
    from generator.digests import find_digests, read_digests_with_warnings
    from generator.enrichment import apply_enrichment, enrichment_path, load_enrichment
    from generator.feed import build_feed
    from generator.fetch import enrich as lookups

    base = base_url(api, arxiv.ENV, arxiv.DEFAULT_API)
    if not taxonomy.is_file():  # enrichment.yml is beside it: a typo made a new one
        raise UsageError(
            f"{taxonomy}: no such taxonomy file (enrichment.yml is beside it; see --taxonomy)"
        )
    path = enrichment_path(taxonomy)
    records = load_enrichment(path)
    digests, problems, _ = read_digests_with_warnings(find_digests(digests_dir))
    if problems:
        raise InputError(problems)
    feed = build_feed(apply_enrichment(digests, records))
    titles = lookups.wanted(feed.papers, set(records))
    if not titles:
        print(f"paperfeed: every paper has an arXiv id or a record in {path}; nothing to do")
        return 0
    print(f"paperfeed: looking up {_count(len(titles), 'title')} on arXiv (3 s apart)")
    client = arxiv.client()

    def search(title: str) -> list[Fetched]:
        query = arxiv.title_query(title)
        return arxiv.search(client, base, query, lookups.RESULTS, sort=False).papers

    outcomes: list[lookups.Outcome] = []

    def done(outcome: lookups.Outcome) -> None:
        print(outcome.line())
        outcomes.append(outcome)

    try:
        lookups.lookup(titles, search, done)
    except (FetchError, KeyboardInterrupt) as err:
        # What was found before is kept: a long run that fails (or is stopped) late loses
        # no lookup.
        found = sum(1 for o in outcomes if o.found is not None)
        if found and not dry_run:
            _save_enrichment(path, records, outcomes)
        if isinstance(err, KeyboardInterrupt):
            if found and not dry_run:
                print(f"paperfeed: {_count(found, 'paper')} found added to {path}", file=sys.stderr)
            raise
        if not found or dry_run:
            print(f"paperfeed: {err}; nothing was written", file=sys.stderr)
            return 1
        print(
            f"paperfeed: {err}; {_count(found, 'paper')} found before it "
            f"{'was' if found == 1 else 'were'} added to {path}, the other titles are "
            "asked again next time",
            file=sys.stderr,
        )
        return 1
    found = sum(1 for o in outcomes if o.found is not None)
    rest = len(outcomes) - found
    if dry_run:
        if found and not _updated(path, records, outcomes)[1]:
            print(f"warning: {path} {_AFRESH.format('would be')}", file=sys.stderr)
        print(
            f"paperfeed: would add {_count(found, 'paper')} to {path}; "
            f"{rest} without a single match (dry run: nothing written)"
        )
        return 0
    if found:
        _save_enrichment(path, records, outcomes)
    print(
        f"paperfeed: {_count(found, 'paper')} added to {path}; "
        f"{rest} without a single match (listed above; asked again next time)"
    )
    return 0


def _save_enrichment(
    path: Path, records: dict[str, tuple[str, Metadata]], outcomes: list[Outcome]
) -> None:
    """Write ``path`` with the papers found added (appended to the curator's text where
    it reads back the same: :func:`generator.fetch.enrich.updated_file`)."""
    text, kept = _updated(path, records, outcomes)
    if not kept:
        print(f"warning: {path} {_AFRESH.format('is')}", file=sys.stderr)
    write_atomically(path, text, replace=True)


_AFRESH = (
    "{} written afresh (the new records could not be appended to its layout): comments in "
    "it are not kept"
)


def _updated(
    path: Path, records: dict[str, tuple[str, Metadata]], outcomes: list[Outcome]
) -> tuple[str, bool]:
    """The new text of ``path`` and whether the curator's text is kept in it."""
    from generator.fetch.enrich import updated_file

    try:
        old: str | None = decode_utf8(path.read_bytes(), str(path))  # as the reader reads it
    except FileNotFoundError:
        old = None
    return updated_file(old, records, outcomes)
