"""``paperfeed fetch hf`` against a local stand-in for the Hugging Face API (issue 12).

The responses are recorded in the API's real shape (``tests/responses/hf-*.json``)
and served on 127.0.0.1; nothing here reaches the network, and no test sleeps: the
client's waits are recorded instead.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver import ApiServer, Reply, json_reply

from generator.cli import main
from generator.fetch import http
from generator.fetch.hf import parse_daily_papers
from generator.parse_structured import parse_yaml_digest

DAY = "2025-03-14"
PATH = "/api/daily_papers"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ApiServer]:
    server = ApiServer()
    with server.running():
        monkeypatch.setenv("PAPERFEED_HF_API", server.url)
        monkeypatch.chdir(tmp_path)
        yield server


def _fetch(*args: str) -> int:
    return main(["fetch", "hf", "--date", DAY, *args])


def _digest(path: Path) -> list[dict[str, object]]:
    digest = parse_yaml_digest(path.read_text("utf-8"), str(path), dt.date(2025, 3, 14), "d")
    return [
        {
            "title": e.title,
            "arxiv": e.arxiv_id,
            "authors": list(e.authors),
            "links": [(link.kind, link.url) for link in e.links],
            "published": e.published,
            "upvotes": e.upvotes,
            "comments": e.comments,
            "stars": e.stars,
            "keywords": list(e.keywords),
            "organization": e.organization,
        }
        for e in digest.entries
    ]


def test_a_normal_day_becomes_a_structured_digest(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert _fetch() == 0
    out, err = capsys.readouterr()
    assert out == f"paperfeed: wrote digests/{DAY}-hf.yml: 2 papers, 1 skipped\n"
    assert (
        err == "warning: skipped item 3 ('2503.08888') 'A Paper Whose Abstract Went Missing':"
        " no abstract\n"
    )
    papers = _digest(Path("digests") / f"{DAY}-hf.yml")
    assert papers == [
        {
            # LaTeX and "&" are kept as written; the newline in the abstract is a space.
            "title": "Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with Load Balancing"
            " & No Auxiliary Loss",
            "arxiv": "2503.10622",
            # The hidden author is an author: "hidden" hides a profile, not a name.
            "authors": ["Ada Lovelace", "Émile Borel", "Grace Hopper", "Alan Turing"],
            "links": [
                ("code", "https://github.com/example/sparse-experts"),
                ("project", "https://example.github.io/sparse-experts/"),
            ],
            "published": dt.date(2025, 3, 13),
            "upvotes": 42,
            "comments": 3,
            "stars": 1234,
            "keywords": ["mixture-of-experts", "load balancing", "router"],
            "organization": "Example Lab <script>alert(1)</script>",
        },
        {
            "title": "Experts Who Forget: Continual Learning with Mixture of Experts",
            "arxiv": "2503.09999",
            "authors": ["Grace Hopper"],
            "links": [],
            "published": dt.date(2025, 3, 13),
            "upvotes": 7,
            "comments": 0,
            "stars": None,
            "keywords": [],
            "organization": "",
        },
    ]
    [request] = api.requests
    assert request.path == PATH and request.query == {"date": DAY, "limit": "100", "p": "0"}
    assert request.headers["User-Agent"].startswith("paperfeed/")
    assert waits == []


def test_the_digest_keeps_the_apis_order_and_reads_back(api: ApiServer, waits: list[float]) -> None:
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert _fetch() == 0
    text = (Path("digests") / f"{DAY}-hf.yml").read_text("utf-8")
    assert text.startswith("# The Hugging Face daily papers of 2025-03-14, from http://127.0.0.1:")
    assert "date: '2025-03-14'\ntitle: Hugging Face daily papers, 2025-03-14\npapers:\n" in text
    assert text.index("2503.10622") < text.index("2503.09999")


def test_the_same_paper_on_two_days_is_one_paper_with_the_newest_metadata(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route(f"{PATH}?date=2025-03-14&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    api.route(f"{PATH}?date=2025-03-15&limit=100&p=0", json_reply("hf-2025-03-15.json"))
    assert _fetch() == 0
    assert main(["fetch", "hf", "--date", "2025-03-15"]) == 0
    capsys.readouterr()
    files = ["digests/2025-03-14-hf.yml", "digests/2025-03-15-hf.yml"]
    assert main(["parse", *files, "--json"]) == 0
    papers = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
    assert sorted(papers) == ["2503.09999", "2503.10622", "2503.11111"]
    moe = papers["2503.10622"]
    assert [a["date"] for a in moe["appearances"]] == ["2025-03-14", "2025-03-15"]
    assert (moe["upvotes"], moe["comments"], moe["stars"]) == (97, 5, 2048)
    assert moe["keywords"] == ["mixture-of-experts"]
    # Fields the newest day left out come from the day before.
    assert moe["organization"] == "Example Lab <script>alert(1)</script>"
    assert moe["pdf"] == "https://arxiv.org/pdf/2503.10622"
    assert moe["hf_url"] == "https://huggingface.co/papers/2503.10622"
    assert moe["published"] == "2025-03-13"


def test_429_then_200_waits_as_asked(api: ApiServer, waits: list[float]) -> None:
    api.route(
        f"{PATH}?date={DAY}&limit=100&p=0",
        Reply(429, b'{"error":"rate limited"}', {"Retry-After": "1"}),
        json_reply("hf-2025-03-14.json"),
    )
    assert _fetch() == 0
    assert waits == [1.0]
    assert len(api.requests) == 2
    assert (Path("digests") / f"{DAY}-hf.yml").is_file()


def test_503_until_the_tries_run_out(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", Reply(503, b"<html>busy</html>"))
    assert _fetch() == 1
    assert capsys.readouterr().err == (
        f"paperfeed: GET {api.url}{PATH}?date={DAY}&limit=100&p=0 failed: "
        "HTTP 503 Service Unavailable (after 4 tries); nothing was written\n"
    )
    assert waits == [2.0, 4.0, 8.0]  # backoff, doubling
    assert len(api.requests) == 4
    assert not Path("digests").exists()


def test_a_client_error_is_not_retried(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _fetch() == 1  # the server answers 404 to what it does not know
    assert capsys.readouterr().err == (
        f"paperfeed: GET {api.url}{PATH}?date={DAY}&limit=100&p=0 failed: HTTP 404 Not Found;"
        " nothing was written\n"
    )
    assert len(api.requests) == 1 and waits == []


def test_a_server_that_is_not_there(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = ApiServer()
    with server.running():
        url = server.url  # a port that was just free, and is closed again below
    monkeypatch.chdir(tmp_path)
    assert main(["fetch", "hf", "--date", DAY, "--api", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"paperfeed: GET {url}{PATH}?date={DAY}&limit=100&p=0 failed: ConnectError"
    )
    assert err.endswith("(after 4 tries); nothing was written\n")
    assert waits == [2.0, 4.0, 8.0]
    assert not (tmp_path / "digests").exists()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            b"<!DOCTYPE html><html><body>Sorry</body></html>",
            "the response is an HTML page, not JSON",
        ),
        (b'[{"paper": {"id": "2503.10622", "title": "Sparse', "the response is not valid JSON: "),
        (b'{"error": "Invalid date"}', "expected a JSON list of papers, got an object"),
        (b'[{"paper": {"title": "No id"}}]', "item 1: missing 'paper.id' (got null)"),
        (
            b'[{"paper": {"id": "2503.10622", "title": 7}}]',
            "item 1: missing 'paper.title' (got int)",
        ),
        (b'[{"title": "No paper"}]', "item 1: missing 'paper' (got null)"),
    ],
)
def test_a_response_that_is_not_the_apis_is_an_error_and_writes_nothing(
    api: ApiServer,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
    body: bytes,
    problem: str,
) -> None:
    api.route(
        f"{PATH}?date={DAY}&limit=100&p=0", Reply(200, body, {"Content-Type": "application/json"})
    )
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert err.startswith(f"paperfeed: {api.url}{PATH}?date={DAY}&limit=100&p=0: {problem}")
    assert err.endswith("; nothing was written\n")
    assert not Path("digests").exists()


def test_an_empty_day_writes_nothing_and_says_so(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route(
        f"{PATH}?date={DAY}&limit=100&p=0", Reply(200, b"[]", {"Content-Type": "application/json"})
    )
    assert _fetch() == 0
    assert capsys.readouterr().out == (
        f"paperfeed: no papers on {DAY} at {api.url}{PATH}?date={DAY}; nothing written\n"
    )
    assert not Path("digests").exists()


def test_an_existing_digest_is_replaced_only_with_force(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    path = Path("digests") / f"{DAY}-hf.yml"
    path.parent.mkdir()
    path.write_text("curated by hand\n", "utf-8")
    assert _fetch() == 1
    assert capsys.readouterr().err == (
        f"paperfeed: {path} exists: use --force to replace it; nothing was fetched\n"
    )
    assert path.read_text("utf-8") == "curated by hand\n"
    assert api.requests == []  # not even asked
    # A file that does not read as a digest is not replaced: what is in it would be lost.
    assert _fetch("--force") == 1
    assert capsys.readouterr().err.endswith(
        f"paperfeed: {path} does not read as a digest (above), so --force could not keep "
        "what was written in it by hand: fix it, or remove it first; nothing was fetched\n"
    )
    assert path.read_text("utf-8") == "curated by hand\n" and api.requests == []
    path.unlink()
    assert _fetch() == 0
    assert _fetch("--force") == 0
    assert "2503.10622" in path.read_text("utf-8")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_api_option_wins_over_the_variable(
    api: ApiServer, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    monkeypatch.setenv("PAPERFEED_HF_API", "http://127.0.0.1:9/not-here")
    assert _fetch("--api", api.url + "/") == 0


@pytest.mark.parametrize("date", ["2025-02-30", "20250314", "2025-W11-5", "2025-3-14"])
def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], date: str) -> None:
    """Python 3.11 reads ``20250314`` and ``2025-W11-5`` as dates too: the digest was
    named otherwise than the date given (the fetch workflow looks for that name)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["fetch", "hf", "--date", date])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"paperfeed fetch hf: error: argument --date: not a date like 2025-03-14: '{date}'\n"
    )


def test_a_bad_api_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "hf", "--api", "ftp://x"]) == 2
    assert capsys.readouterr().err == (
        "paperfeed: error: --api must be an http(s) base URL, got 'ftp://x'\n"
    )
    assert main(["fetch", "hf", "--api", "http://[::1"]) == 2
    assert capsys.readouterr().err.startswith(
        "paperfeed: error: --api is not a valid URL: 'http://[::1' ("
    )
    assert main(["fetch", "hf", "--api", "http://"]) == 2
    assert capsys.readouterr().err == "paperfeed: error: --api names no host: 'http://'\n"
    # An empty --api went to the real service.
    assert main(["fetch", "hf", "--api", ""]) == 2
    assert capsys.readouterr().err == (
        "paperfeed: error: --api is empty: give an http(s) base URL\n"
    )
    # A user name and password were written into the digest's header and the messages
    # (refused, and not repeated in any message).
    for bad in ("ftp://alice:s3cret@host/", "https://alice:s3cret@[::1/"):
        assert main(["fetch", "hf", "--api", bad]) == 2
        err = capsys.readouterr().err
        assert "s3cret" not in err and "alice:***@" not in err and "***@" in err
    assert main(["fetch", "hf", "--api", "http://user:pw@127.0.0.1:9"]) == 2
    assert capsys.readouterr().err == (
        "paperfeed: error: --api holds a user name or password: the URL is written into "
        "the digest and the messages; give the API's address alone\n"
    )


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (
            lambda d: (d.mkdir(), (d / f"{DAY}-hf.txt").write_text("Mar 14\n\nA\n\nB\n")),
            f"digests/{DAY}-hf.txt has the digest name '{DAY}-hf' that {DAY}-hf.yml would "
            "have (a build refuses the two): rename or remove it",
        ),
        (lambda d: d.write_text("not a folder\n"), "digests is not a folder"),
        (lambda d: (d / f"{DAY}-hf.yml").mkdir(parents=True), f"digests/{DAY}-hf.yml is a folder"),
        (  # it said "exists: use --force", after downloading, even with --force
            lambda d: d.symlink_to("/nonexistent/folder"),
            "digests is a symbolic link to /nonexistent/folder, which does not exist",
        ),
    ],
)
def test_a_digest_that_could_not_be_written_is_not_fetched(
    api: ApiServer,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
    make: object,
    problem: str,
) -> None:
    """Checked before the download: another digest of the same name (the build would
    refuse the two), a file where the folder should be, a folder where the digest goes."""
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert callable(make)
    make(Path("digests"))
    assert _fetch("--force") == 1
    assert capsys.readouterr().err == f"paperfeed: {problem}; nothing was fetched\n"
    assert api.requests == []


def test_a_digest_that_cannot_be_written_is_named(
    api: ApiServer,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.fetch import commands

    def refuse(path: Path, data: str, *, replace: bool) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(commands, "write_atomically", refuse)
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert _fetch() == 1
    assert capsys.readouterr().err.endswith(
        f"\npaperfeed: cannot write digests/{DAY}-hf.yml: Permission denied\n"
    )


def test_hidden_authors_and_odd_values_are_read_safely() -> None:
    body = json.dumps(
        [
            {
                "paper": {
                    "id": "2503.00001v2",
                    "title": "T \ud800 with a lone surrogate",
                    "summary": "An abstract.",
                    "authors": [{"name": "Shown"}, {"name": "Hidden", "hidden": True}, {"x": 1}],
                    "upvotes": 3.5,
                    "githubRepo": "javascript:alert(1)",
                    "githubStars": 10,
                    "projectPage": "https://ok.example/",
                    "publishedAt": "not a date",
                },
                "numComments": True,
            }
        ]
    ).encode()
    [paper] = parse_daily_papers(body, "u").papers
    assert paper.arxiv == "2503.00001"
    assert paper.title == "T \ufffd with a lone surrogate"
    assert paper.authors == ("Shown", "Hidden")
    assert (paper.upvotes, paper.comments, paper.code, paper.stars) == (None, None, None, None)
    assert paper.project == "https://ok.example/"
    assert paper.published is None


def test_items_are_fitted_to_the_digest_limits() -> None:
    def item(n: int, **paper: object) -> dict[str, object]:
        return {"paper": {"id": f"2503.0000{n}", "title": f"T{n}", "summary": "A.", **paper}}

    body = json.dumps(
        [
            item(1, summary="x" * 20_001),
            item(2, projectPage="https://x.org/" + "a" * 2_000, authors=[{"name": "A"}] * 10_001),
            item(3, ai_keywords=["k" * 201, "ok"] + [f"k{i}" for i in range(200)]),
        ]
    ).encode()
    day = parse_daily_papers(body, "u")
    assert day.skipped == [
        "item 1 ('2503.00001') 'T1': abstract too long (20,001 characters, at most 20,000)"
    ]
    two, three = day.papers
    assert two.project is None and len(two.authors) == 10_000
    assert three.keywords[0] == "ok" and len(three.keywords) == 100


def _items(first: int, n: int) -> bytes:
    return json.dumps(
        [
            {"paper": {"id": f"2503.{i:05d}", "title": f"Paper {i}", "summary": "An abstract."}}
            for i in range(first, first + n)
        ]
    ).encode()


def test_a_day_of_more_than_a_page_is_fetched_page_after_page(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """The API pages its list (50 items unless asked): a day of 150 papers was cut to its
    first page."""
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", Reply(200, _items(1, 100)))
    api.route(f"{PATH}?date={DAY}&limit=100&p=1", Reply(200, _items(101, 50)))
    assert _fetch() == 0
    path = Path("digests") / f"{DAY}-hf.yml"
    assert [e["arxiv"] for e in _digest(path)] == [f"2503.{i:05d}" for i in range(1, 151)]
    assert [r.query["p"] for r in api.requests] == ["0", "1"]
    assert capsys.readouterr().out == f"paperfeed: wrote {path}: 150 papers, 0 skipped\n"


def test_an_api_that_does_not_page_is_asked_once_more(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """Its second page repeats the first: the day is the first, none "listed twice"."""
    api.route(f"{PATH}", Reply(200, _items(1, 100)))
    assert _fetch() == 0
    assert len(_digest(Path("digests") / f"{DAY}-hf.yml")) == 100
    assert len(api.requests) == 2
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(302, b"", {"Location": PATH}), "TooManyRedirects"),
        (Reply(302, b"", {"Location": "ftp://127.0.0.1/x"}), "UnsupportedProtocol"),
        (
            Reply(200, b"garbage", {"Content-Encoding": "gzip"}),
            "the response cannot be decoded (DecodingError",
        ),
        (Reply(200, b"[" * 100_000 + b"]" * 100_000), "the response's JSON is nested too deeply"),
    ],
)
def test_a_response_no_retry_mends_is_one_line_and_writes_nothing(
    api: ApiServer,
    waits: list[float],
    capsys: pytest.CaptureFixture[str],
    reply: Reply,
    problem: str,
) -> None:
    """A redirect loop, a redirect to another scheme, a body that does not decompress and
    JSON nested too deeply ended in a traceback (or were tried four times)."""
    api.route(PATH, reply)
    assert _fetch() == 1
    err = capsys.readouterr().err
    assert err.startswith("paperfeed: ") and problem in err, err
    assert err.endswith("; nothing was written\n") and err.count("\n") == 1
    assert waits == []
    assert not Path("digests").exists()


def test_stars_go_with_a_code_link_left_out() -> None:
    body = json.dumps(
        [
            {
                "paper": {
                    "id": "2503.00001",
                    "title": "T",
                    "summary": "A.",
                    "githubRepo": "https://github.com/a/" + "b" * 2_000,
                    "githubStars": 5,
                }
            }
        ]
    ).encode()
    [paper] = parse_daily_papers(body, "u").papers
    assert (paper.code, paper.stars) == (None, None)


def test_force_keeps_the_curators_review_of_the_papers_fetched_again(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """The header asks the curator to add a note, topics or tags; --force dropped them."""
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert _fetch() == 0
    path = Path("digests") / f"{DAY}-hf.yml"
    text = path.read_text("utf-8")
    reviewed = text.replace(
        "  arxiv: '2503.10622'\n",
        "  arxiv: '2503.10622'\n  note: My review\n  topics:\n  - peft\n  tags: [moe]\n",
    )
    assert reviewed != text
    gone = (
        "- title: A Paper Hugging Face Dropped\n  abstract: An abstract.\n  arxiv: '2503.00042'\n"
    )
    path.write_text(reviewed + gone + "  note: Read it\n", "utf-8")
    capsys.readouterr()
    assert _fetch("--force") == 0
    out, err = capsys.readouterr()
    assert f"paperfeed: kept the note, topics and tags of 1 paper from {path}\n" in out
    assert err.endswith(
        f"\nwarning: {path}: the note, topics and tags of 'A Paper Hugging Face Dropped' "
        "(arXiv:2503.00042) are not kept: the new response does not list it\n"
    )
    [first, *_] = parse_yaml_digest(path.read_text("utf-8"), str(path), None, "d").entries
    assert (first.note, first.topics, first.tags) == ("My review", ("peft",), ("moe",))


def test_the_digests_folder_is_the_one_mkdocs_yml_names(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """fetch wrote to ./digests whatever mkdocs.yml said, where the build never looked."""
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    Path("site").mkdir()
    Path("site/mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - paperfeed:\n      digests: papers/daily\n", "utf-8"
    )
    assert _fetch("-f", "site/mkdocs.yml") == 0
    assert (Path("site/papers/daily") / f"{DAY}-hf.yml").is_file()
    Path("mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - search\n  - paperfeed:\n      digests: daily\n", "utf-8"
    )
    assert _fetch() == 0  # mkdocs.yml in the current folder
    assert (Path("daily") / f"{DAY}-hf.yml").is_file()
    assert _fetch("--digests", "mine") == 0  # the option wins
    assert (Path("mine") / f"{DAY}-hf.yml").is_file()
    assert _fetch("-f", "nowhere.yml") == 2
    assert "nowhere.yml: cannot read: No such file or directory" in capsys.readouterr().err


def test_an_api_that_does_not_page_ends_despite_a_skipped_item(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """An item skipped (no abstract) counted as new on every page: 20 pages, then an
    error, and nothing written."""
    items = json.loads(_items(1, 100))
    items[5]["paper"]["summary"] = ""
    api.route(f"{PATH}", Reply(200, json.dumps(items).encode()))
    assert _fetch() == 0
    assert len(api.requests) == 2
    assert capsys.readouterr().err.count("no abstract") == 1


def test_force_names_what_of_the_curators_it_cannot_keep(
    api: ApiServer, waits: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    """A paper added by hand and the review of a paper's second listing went without a
    word; a digest that did not read was replaced, every review in it lost."""
    api.route(f"{PATH}?date={DAY}&limit=100&p=0", json_reply("hf-2025-03-14.json"))
    assert _fetch() == 0
    path = Path("digests") / f"{DAY}-hf.yml"
    text = path.read_text("utf-8")
    by_hand = "- title: Found Elsewhere\n  abstract: An abstract.\n  note: Mine\n"
    again = "- title: Sparse again\n  abstract: A.\n  arxiv: '2503.10622'\n  note: Second\n"
    first = text.replace("  arxiv: '2503.10622'\n", "  arxiv: '2503.10622'\n  note: First\n")
    assert first != text
    path.write_text(first + by_hand + again, "utf-8")
    capsys.readouterr()
    assert _fetch("--force") == 0
    err = capsys.readouterr().err
    assert f"warning: {path}: 'Found Elsewhere' (added by hand: no arXiv id) is not kept\n" in err
    assert (
        f"warning: {path}: the note, topics and tags of 'Sparse again' listed again are not kept\n"
    ) in err
    broken = path.read_text("utf-8") + "  notes: a typo\n"
    path.write_text(broken, "utf-8")
    api.requests.clear()
    assert _fetch("--force") == 1
    err = capsys.readouterr().err
    assert "unknown field 'notes'" in err
    assert err.endswith(
        f"paperfeed: {path} does not read as a digest (above), so --force could not keep what "
        "was written in it by hand: fix it, or remove it first; nothing was fetched\n"
    )
    assert path.read_text("utf-8") == broken and api.requests == []
