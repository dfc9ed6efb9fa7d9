"""``paperfeed fetch arxiv`` and the polite HTTP client, against a local stand-in for the
arXiv API (the Atom feed of ``tests/responses/arxiv-query.xml`` has the API's real
shape). Nothing reaches the network; waits are recorded, never slept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver import FIXTURES, ApiServer, Reply, atom_reply

from generator.cli import main
from generator.fetch import http
from generator.fetch.arxiv import day_query, parse_feed, title_query
from generator.fetch.http import Client
from generator.parse_structured import parse_yaml_digest

QUERY = 'cat:cs.LG AND abs:"mixture of experts"'
FILE = "2025-03-14-arxiv-cat-cs-lg-and-abs-mixture-of-experts.yml"
EMPTY_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>ArXiv Query</title><id>http://arxiv.org/api/x</id>"
    '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0'
    "</opensearch:totalResults></feed>\n"
)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ApiServer]:
    server = ApiServer()
    with server.running():
        monkeypatch.setenv("PAPERFEED_ARXIV_API", server.url)
        monkeypatch.chdir(tmp_path)
        yield server


def _fetch(*args: str) -> int:
    return main(["fetch", "arxiv", "--query", QUERY, "--date", "2025-03-14", *args])


def test_a_query_becomes_a_digest_with_authors_category_pdf_and_comment(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route("/api/query", atom_reply((FIXTURES / "arxiv-query.xml").read_bytes()))
    assert _fetch() == 0
    assert capsys.readouterr().out == f"paperfeed: wrote digests/{FILE}: 2 papers, 0 skipped\n"
    path = Path("digests") / FILE
    digest = parse_yaml_digest(path.read_text("utf-8"), str(path), dt.date(2025, 3, 14), "d")
    first, second = digest.entries
    # White space collapsed, the entity decoded, the LaTeX kept as written.
    assert first.title == (
        "Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with Load Balancing"
        " & No Auxiliary Loss"
    )
    assert first.arxiv_id == "2503.10622"
    assert first.authors == ("Ada Lovelace", "Émile Borel")
    assert first.category == "cs.LG"
    assert first.pdf == "https://arxiv.org/pdf/2503.10622v2"
    assert first.arxiv_comment == "14 pages, 6 figures; accepted at ICML 2025"
    assert first.published == dt.date(2025, 3, 13)
    assert [link.url for link in first.links] == ["https://github.com/example/sparse-experts"]
    assert second.arxiv_id == "2503.09999" and second.authors == ("Grace Hopper",)
    [request] = api.requests
    assert request.query == {
        "search_query": f"({QUERY}) AND submittedDate:[202503140000 TO 202503142359]",
        "start": "0",
        "max_results": "50",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
    }
    assert request.headers["User-Agent"].startswith("paperfeed/")
    assert "github.com/paperfeed" in request.headers["User-Agent"]


def test_an_error_the_api_reports_as_an_entry(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    error = EMPTY_FEED.replace(
        "</feed>",
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_x</id>"
        "<title>Error</title><summary>incorrect id format for x</summary></entry></feed>",
    )
    api.route("/api/query", atom_reply(error))
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert err.startswith(f"paperfeed: {api.url}/api/query?search_query=")
    assert err.endswith(": the arXiv API says: incorrect id format for x; nothing was written\n")
    assert not Path("digests").exists()
    # The API sends its error with status 400 too: its words, not only the status.
    api.requests.clear()
    api.route("/api/query", Reply(400, error.encode(), {"Content-Type": "application/atom+xml"}))
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert err.startswith(f"paperfeed: {api.url}/api/query?search_query=")
    assert err.endswith(
        ": the arXiv API says: incorrect id format for x (HTTP 400 Bad Request); "
        "nothing was written\n"
    )
    assert len(api.requests) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<!DOCTYPE html><html><body>Rate exceeded.</body></html>", "is an HTML page"),
        ((FIXTURES / "arxiv-query.xml").read_bytes()[:1500], "is not well-formed Atom"),
    ],
)
def test_a_response_that_is_not_the_apis_feed(
    api: ApiServer,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
    body: bytes,
    problem: str,
) -> None:
    api.route("/api/query", atom_reply(body))
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert f": the response {problem}" in err
    assert err.endswith("; nothing was written\n")
    assert not Path("digests").exists()


def test_no_results_write_nothing(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route("/api/query", atom_reply(EMPTY_FEED))
    assert _fetch() == 0
    assert capsys.readouterr().out == (
        f"paperfeed: no arXiv papers match {QUERY!r} for 2025-03-14; nothing written\n"
    )
    assert not Path("digests").exists()


def test_a_page_shorter_than_the_api_counts_is_asked_for_again(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """The API sends an empty or short page now and then: the page is asked for again."""
    short = EMPTY_FEED.replace(">0<", ">2<")
    api.route(
        "/api/query", atom_reply(short), atom_reply((FIXTURES / "arxiv-query.xml").read_bytes())
    )
    assert _fetch() == 0
    assert capsys.readouterr().out == f"paperfeed: wrote digests/{FILE}: 2 papers, 0 skipped\n"
    assert len(api.requests) == 2
    assert api.requests[0].query == api.requests[1].query


def test_a_page_that_stays_short_writes_nothing(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """Neither an empty day (0 of 150 results) nor the part of a day that came in."""
    one = (FIXTURES / "arxiv-query.xml").read_text("utf-8")
    one = one[: one.index("<entry>", one.index("<entry>") + 1)] + "</feed>\n"  # the first entry
    for body in (EMPTY_FEED.replace(">0<", ">150<"), one):
        api.requests.clear()
        api.route("/api/query", atom_reply(body))
        assert _fetch() == 1
        err = capsys.readouterr().err
        expected = 50 if ">150<" in body else 2
        got = 0 if ">150<" in body else 1
        assert err.endswith(
            f": the arXiv API sent {got} of the {expected} results it counts for this page "
            f"({150 if got == 0 else 2} in all), 3 times; try again later; nothing was written\n"
        )
        assert len(api.requests) == 3
        assert not Path("digests").exists()


def test_days_reaching_before_the_year_1_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for days in ("1000000", "100000000000000000000"):
        assert main(["fetch", "arxiv", "--query", "x", "--days", days, "--api", "http://h"]) == 2
        err = capsys.readouterr().err
        assert err == f"paperfeed: error: --days {days} reaches back before the year 1\n"


def test_an_empty_query_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "arxiv", "--query", " ", "--api", "http://h"]) == 2
    assert capsys.readouterr().err == (
        "paperfeed: error: --query is empty: give an arXiv API search query\n"
    )


def test_days_must_be_written_in_digits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fetch", "arxiv", "--query", "x", "--days", "\u00b2"])
    assert exit_info.value.code == 2
    assert "argument --days: not a whole number of at least 1: '\u00b2'" in capsys.readouterr().err


def test_force_never_replaces_another_querys_digest(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route("/api/query", atom_reply((FIXTURES / "arxiv-query.xml").read_bytes()))
    args = ["fetch", "arxiv", "--date", "2025-03-14", "--force"]
    assert main([*args, "--query", "cat:cs.CL"]) == 0
    path = Path("digests") / "2025-03-14-arxiv-cat-cs-cl.yml"
    before = path.read_bytes()
    capsys.readouterr()
    api.requests.clear()
    assert main([*args, "--query", "cat:cs-CL"]) == 1  # the same file name
    assert capsys.readouterr().err == (
        f"paperfeed: {path} holds the digest of another query ('arXiv: cat:cs.CL "
        "(2025-03-14)'), whose file name this query's would take: rename that file first; "
        "nothing was fetched\n"
    )
    assert path.read_bytes() == before and api.requests == []
    assert main([*args, "--query", "cat:cs.CL"]) == 0  # the same query: replaced


def test_the_query_is_taken_without_its_outer_spaces(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--query 'pager '`` then ``--query pager --force`` refused its own digest (the
    titles differed by the space) and the API was asked for the query with it."""
    api.route("/api/query", atom_reply((FIXTURES / "arxiv-query.xml").read_bytes()))
    args = ["fetch", "arxiv", "--date", "2025-03-14", "--force"]
    assert main([*args, "--query", " cat:cs.CL "]) == 0
    assert main([*args, "--query", "cat:cs.CL"]) == 0
    path = Path("digests") / "2025-03-14-arxiv-cat-cs-cl.yml"
    assert "title: 'arXiv: cat:cs.CL (2025-03-14)'" in path.read_text("utf-8")
    assert api.requests[0].query["search_query"].startswith("(cat:cs.CL) AND")


def test_date_and_days_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fetch", "arxiv", "--query", "x", "--date", "2025-03-14", "--days", "3"])
    assert exit_info.value.code == 2
    assert "argument --days: not allowed with argument --date" in capsys.readouterr().err


def test_queries() -> None:
    first, last = dt.date(2025, 3, 12), dt.date(2025, 3, 14)
    assert day_query("cat:cs.CL", first, last) == (
        "(cat:cs.CL) AND submittedDate:[202503120000 TO 202503142359]"
    )
    assert title_query('Attention: "Is" All You Need?') == 'ti:"attention is all you need"'


def test_arxiv_requests_are_three_seconds_apart(
    api: ApiServer, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "clock", lambda: 100.0)  # no time passes between requests
    api.route("/api/query", atom_reply(EMPTY_FEED))
    client = Client(min_interval=3.0)
    for _ in range(3):
        client.get(api.url + "/api/query")
    assert waits == [3.0, 3.0]


def test_a_long_retry_after_gives_up_at_once(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route("/api/query", Reply(429, b"slow down", {"Retry-After": "3600"}))
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert "failed: HTTP 429 Too Many Requests, and the server asks to wait 3600 s" in err
    assert waits == [] and len(api.requests) == 1


def test_entries_without_an_abstract_are_skipped_and_counted() -> None:
    feed = (FIXTURES / "arxiv-query.xml").read_text("utf-8")
    feed = feed.replace(
        "<summary>Mixture of experts for continual learning, where experts forget gracefully."
        "</summary>",
        "<summary>  </summary>",
    )
    results = parse_feed(feed.encode(), "u")
    assert [p.arxiv for p in results.papers] == ["2503.10622"]
    assert results.skipped == [
        "entry 2 ('http://arxiv.org/abs/2503.09999v1') "
        "'Experts Who Forget: Continual Learning with Mixture of Experts': no abstract"
    ]
    assert results.total == 2


def test_retry_after_as_a_number_or_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.fetch.http import _retry_after

    monkeypatch.setattr(http.time, "time", lambda: 1_700_000_000.0)
    assert _retry_after("7") == 7.0
    assert _retry_after("Tue, 14 Nov 2023 22:13:50 GMT") == 30.0
    assert _retry_after("Tue, 14 Nov 2023 22:00:00 GMT") == 0.0  # in the past: at once
    assert _retry_after("soon") is None
    assert _retry_after(None) is None


def test_a_server_that_never_answers_times_out(
    waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/api/query"
        with pytest.raises(http.FetchError) as error:
            Client(tries=2, timeout=0.2).get(url)
    finally:
        listener.close()
    assert str(error.value) == f"GET {url} failed: ReadTimeout: timed out (after 2 tries)"
    assert waits == [2.0]


def _feed(entries: list[tuple[str, str, str]], total: int | None = None) -> str:
    """An Atom feed of ``(id, title, abstract)`` entries, counting ``total`` results."""
    count = len(entries) if total is None else total
    body = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}</id><title>{t}</title><summary>{a}</summary>"
        "<published>2025-03-14T10:00:00Z</published></entry>"
        for i, t, a in entries
    )
    return EMPTY_FEED.replace(">0<", f">{count}<").replace("</feed>", body + "</feed>")


def test_an_arxiv_id_listed_twice_is_written_once(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two versions of a paper (or pages of a day that grew while being read) wrote the
    id twice: the digest then warned of a paper listed again."""
    entries = [("2503.00001v1", "One", "A."), ("2503.00001v2", "One again", "A.")]
    api.route("/api/query", atom_reply(_feed(entries)))
    assert _fetch() == 0
    out, err = capsys.readouterr()
    assert out == f"paperfeed: wrote digests/{FILE}: 1 paper, 1 skipped\n"
    assert err == "warning: skipped 2503.00001 'One again': listed twice\n"


def test_more_papers_than_max_are_said(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """The first --max papers of 250 were written without a word."""
    entries = [(f"2503.{i:05d}", f"Paper {i}", "A.") for i in range(1, 6)]
    api.route("/api/query", atom_reply(_feed(entries, total=250)))
    assert _fetch("--max", "5") == 0
    out, err = capsys.readouterr()
    assert out == f"paperfeed: wrote digests/{FILE}: 5 papers, 0 skipped\n"
    assert err == (
        "warning: the arXiv API counts 250 papers for 2025-03-14; the first 5 (--max 5) are "
        "written: raise --max for the others\n"
    )


def test_a_digest_a_build_would_refuse_for_its_size_is_not_written(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """A 22 MB digest was written, then refused by check and build (max_digest_mb); the
    limit is the site's (here 1 MB, in mkdocs.yml)."""
    Path("mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - paperfeed:\n      max_digest_mb: 1\n", "utf-8"
    )
    entries = [(f"2503.{i:05d}", f"Paper {i}", "word " * 2_200) for i in range(1, 101)]
    api.route("/api/query", atom_reply(_feed(entries)))
    assert _fetch("--max", "100") == 1
    err = capsys.readouterr().err
    assert err.startswith("paperfeed: the digest of 100 papers would be 1,1")
    assert err.endswith(
        "bytes, more than the 1,000,000 a build reads (the plugin's max_digest_mb); fetch "
        "fewer papers (--max, --days); nothing was written\n"
    )
    assert not Path("digests").exists()
    Path("mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - paperfeed:\n      max_digest_mb: 2\n", "utf-8"
    )
    assert _fetch("--max", "100") == 0  # within the site's limit


def test_an_id_listed_twice_takes_no_place_of_max(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """--max 5 wrote 4 papers when one of the first five entries was a second version."""
    entries = [(f"2503.0000{i}", f"Paper {i}", "A.") for i in (1, 2, 2, 4, 5, 6)]

    def answer(path: str, query: dict[str, str]) -> Reply | None:
        start, size = int(query["start"]), int(query["max_results"])
        return atom_reply(_feed(entries[start : start + size], total=250))

    api.responder = answer
    assert _fetch("--max", "5") == 0
    out, err = capsys.readouterr()
    assert out == f"paperfeed: wrote digests/{FILE}: 5 papers, 1 skipped\n"
    assert err.endswith("the first 5 (--max 5) are written: raise --max for the others\n")
    assert [(r.query["start"], r.query["max_results"]) for r in api.requests] == [
        ("0", "5"),
        ("5", "1"),
    ]
