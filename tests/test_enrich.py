"""``paperfeed enrich`` against a local stand-in for the arXiv API, and builds reading
``enrichment.yml`` offline (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apiserver import ApiServer, Reply, atom_reply
from project import Project, make_project

from generator.cli import main
from generator.fetch import http

EXACT = (
    "Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with Load Balancing & No Auxiliary Loss"
)
NONE = "A Paper Nobody Wrote Anywhere"
TWO = "Attention Is All You Need"

DIGEST = f"""Mar 14

{EXACT.upper()}

We study sparse mixture-of-experts layers whose router picks k of N experts per token.

{NONE}

An abstract that no search will ever find on arXiv, for it was never posted there.

{TWO}

The dominant sequence transduction models are based on complex recurrent networks.
"""


def _entry(arxiv_id: str, title: str, authors: list[str]) -> str:
    names = "".join(f"<author><name>{a}</name></author>" for a in authors)
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id>"
        "<published>2025-03-13T17:59:59Z</published>"
        f"<title>{title}</title><summary>An abstract.</summary>{names}"
        f'<link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v1" rel="related"'
        ' type="application/pdf"/>'
        '<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG"/>'
        "</entry>"
    )


def _feed(*entries: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>ArXiv Query</title><id>http://arxiv.org/api/x</id>" + "".join(entries) + "</feed>"
    )


RESULTS = {
    'ti:"sparse experts at scale routing k of n mixtures with load balancing no auxiliary loss"': [
        _entry(
            "2503.10622",
            "Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with\n Load Balancing &amp;"
            " No Auxiliary Loss",
            ["Ada Lovelace", "Émile Borel"],
        ),
        _entry("2503.20000", "Sparse Experts at Scale: a Reply", ["Someone Else"]),
    ],
    'ti:"a paper nobody wrote anywhere"': [
        _entry("2401.00001", "A Paper Nobody Wrote Anywhere, Revisited", ["X Y"]),
    ],
    'ti:"attention is all you need"': [
        _entry("1706.03762", "Attention Is All You Need", ["Ashish Vaswani"]),
        _entry("2501.99999", "Attention is all you need!", ["A Copycat"]),
    ],
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    project = make_project(tmp_path, digests={"2025-03-14-pasted.txt": DIGEST})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(http, "sleep", lambda _: None)
    yield project


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiServer]:
    server = ApiServer()

    def answer(path: str, query: dict[str, str]) -> Reply | None:
        if path != "/api/query":
            return None
        return atom_reply(_feed(*RESULTS.get(query.get("search_query", ""), [])))

    server.responder = answer
    with server.running():
        monkeypatch.setenv("PAPERFEED_ARXIV_API", server.url)
        yield server


def test_enrich_records_exact_matches_and_lists_the_rest(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enrich"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "paperfeed: looking up 3 titles on arXiv (3 s apart)",
        f"no match: {NONE!r}",
        f"2 matches, not guessed: {TWO!r} (arXiv:1706.03762, arXiv:2501.99999)",
        f"found: {EXACT.upper()!r} -> arXiv:2503.10622",
        "paperfeed: 1 paper added to enrichment.yml; 2 without a single match"
        " (listed above; asked again next time)",
    ]
    text = (project.root / "enrichment.yml").read_text("utf-8")
    assert text.endswith(
        "papers:\n"
        "  sparse experts at scale routing k of n mixtures with load balancing no auxiliary loss:\n"
        f"    title: '{EXACT.upper()}'\n"
        "    arxiv: '2503.10622'\n"
        "    pdf: https://arxiv.org/pdf/2503.10622v1\n"
        "    authors:\n"
        "    - Ada Lovelace\n"
        "    - Émile Borel\n"
        "    published: '2025-03-13'\n"
        "    category: cs.LG\n"
    )
    assert all(r.headers["User-Agent"].startswith("paperfeed/") for r in api.requests)

    # Run again: only the two titles not resolved are asked about.
    api.requests.clear()
    assert main(["enrich"]) == 0
    assert sorted(r.query["search_query"] for r in api.requests) == [
        'ti:"a paper nobody wrote anywhere"',
        'ti:"attention is all you need"',
    ]
    assert (project.root / "enrichment.yml").read_text("utf-8") == text


def test_a_build_after_enrich_links_arxiv_offline(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enrich"]) == 0
    api.routes.clear()
    api.responder = None  # from now on the "network" answers nothing
    api.requests.clear()
    assert project.build() == 0
    assert api.requests == []
    page = project.page("papers/arxiv-2503-10622/")
    assert '<a href="https://arxiv.org/abs/2503.10622" rel="nofollow ugc noopener">' in page
    assert '<meta name="citation_arxiv_id" content="2503.10622">' in page
    assert "<strong>Authors:</strong> Ada Lovelace, Émile Borel" in page
    # The others keep their title pages, without arXiv links.
    assert "arxiv.org/abs" not in project.page("papers/attention-is-all-you-need/")


def test_dry_run_writes_nothing(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enrich", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "paperfeed: would add 1 paper to enrichment.yml; 2 without a single match"
        " (dry run: nothing written)"
    )
    assert not (project.root / "enrichment.yml").exists()


def test_nothing_to_ask(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write_digest("2025-03-14-pasted.txt", "")
    (project.digests / "2025-03-14-pasted.txt").unlink()
    project.write_digest(
        "2025-03-15.yml", "papers:\n  - title: T\n    abstract: A.\n    arxiv: 2503.00001\n"
    )
    assert main(["enrich"]) == 0
    assert capsys.readouterr().out == (
        "paperfeed: every paper has an arXiv id or a record in enrichment.yml; nothing to do\n"
    )
    assert api.requests == []


def test_a_failed_lookup_changes_nothing(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    api.responder = lambda path, query: Reply(503, b"down")
    assert main(["enrich"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"paperfeed: GET {api.url}/api/query?search_query=")
    assert err.endswith(
        "failed: HTTP 503 Service Unavailable (after 4 tries); nothing was written\n"
    )
    assert not (project.root / "enrichment.yml").exists()


def test_a_lookup_that_fails_late_keeps_what_was_found_before(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Titles are looked up 3 s apart: a run that fails at the last title keeps the
    matches found before it, and the next run asks only for the others."""
    project.write_digest("2025-03-15.txt", "Mar 15\n\nZebra Routing Revisited\n\nAn abstract.\n")
    answer = api.responder
    assert answer is not None

    def failing(path: str, query: dict[str, str]) -> Reply | None:
        if query.get("search_query") == 'ti:"zebra routing revisited"':
            return Reply(503, b"down")
        return answer(path, query)

    api.responder = failing
    assert main(["enrich"]) == 1
    captured = capsys.readouterr()
    assert f"found: {EXACT.upper()!r} -> arXiv:2503.10622" in captured.out
    assert captured.err.endswith(
        "failed: HTTP 503 Service Unavailable (after 4 tries); 1 paper found before it was "
        "added to enrichment.yml, the other titles are asked again next time\n"
    )
    assert "arxiv: '2503.10622'" in (project.root / "enrichment.yml").read_text("utf-8")
    api.responder = answer
    api.requests.clear()
    assert main(["enrich"]) == 0
    assert sorted(r.query["search_query"] for r in api.requests) == [
        'ti:"a paper nobody wrote anywhere"',
        'ti:"attention is all you need"',
        'ti:"zebra routing revisited"',
    ]


def test_the_curators_text_is_kept_and_the_new_records_appended(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file is the curator's to edit: enrich appends what it found and keeps the
    rest as it is, comments included."""
    mine = (
        "# checked by hand on 2025-03-20\n"
        "papers:\n"
        "  attention is all you need:   # the 2017 paper, not the copy\n"
        "    title: Attention Is All You Need\n"
        "    arxiv: '1706.03762'\n"
    )
    path = project.root / "enrichment.yml"
    path.write_text(mine, "utf-8")
    assert main(["enrich"]) == 0
    captured = capsys.readouterr()
    assert "written afresh" not in captured.err
    text = path.read_text("utf-8")
    assert text.startswith(mine)
    assert "\n  sparse experts at scale routing k of n mixtures with load balancing no" in text
    assert "    arxiv: '2503.10622'\n" in text
    assert main(["enrich"]) == 0  # nothing new: the file as it was
    assert path.read_text("utf-8") == text


def test_a_layout_the_records_cannot_be_appended_to_is_written_afresh_with_a_warning(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.root / "enrichment.yml"
    path.write_text(
        "# mine\npapers: {attention is all you need: {title: Attention Is All You Need,"
        " arxiv: '1706.03762'}}\n",
        "utf-8",
    )
    assert main(["enrich"]) == 0
    assert capsys.readouterr().err == (
        "warning: enrichment.yml is written afresh (the new records could not be appended to "
        "its layout): comments in it are not kept\n"
    )
    text = path.read_text("utf-8")
    assert "# mine" not in text
    assert "  attention is all you need:\n    title: Attention Is All You Need\n" in text
    assert "    arxiv: '2503.10622'\n" in text


def test_a_bad_enrichment_file_stops_the_build_with_its_line(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.root / "enrichment.yml").write_text(
        "papers:\n"
        "  Attention Is All You Need:\n"
        "    arxiv: 1706.03762\n"
        "  a paper nobody wrote anywhere:\n"
        "    arxiv: soon\n"
        "    stars: many\n",
        "utf-8",
    )
    assert project.build() == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "enrichment.yml:2: 'Attention Is All You Need' is not a title key"
        " (lower case words: 'attention is all you need')",
        "enrichment.yml:5: 'arxiv' must be an arXiv id or URL, got 'soon'",
        "enrichment.yml:6: 'stars' must be a whole number, got 'many'",
        "paperfeed: 3 errors; nothing was written",
    ]


def _manual_example(section: str) -> str:
    manual = (Path(__file__).parent.parent / "manual" / "digest-formats.md").read_text("utf-8")
    part = manual[manual.index(f"## {section}") :]
    return part[part.index("```yaml\n") + 8 : part.index("\n```", part.index("```yaml"))] + "\n"


def test_the_manuals_examples_read() -> None:
    import datetime as dt

    from generator.parse_structured import parse_enrichment, parse_yaml_digest

    digest = parse_yaml_digest(
        _manual_example("Fetched digests"), "example.yml", dt.date(2025, 3, 14), "x"
    )
    [entry] = digest.entries
    assert (entry.arxiv_id, entry.stars, entry.organization) == ("2503.10622", 1234, "Example Lab")
    records = parse_enrichment(_manual_example("Enrichment"), "enrichment.yml")
    title, meta = records["attention is all you need"]
    assert (title, meta.arxiv_id, meta.category) == (
        "Attention Is All You Need",
        "1706.03762",
        "cs.CL",
    )


def test_records_indented_four_spaces_are_appended_in_their_layout(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file indented four spaces a level was written afresh: its comments were lost."""
    mine = (
        "# Curator: checked by hand. Do not remove.\n"
        "papers:\n"
        "    attention is all you need:\n"
        "        title: Attention Is All You Need\n"
        "        arxiv: '1706.03762'\n"
    )
    path = project.root / "enrichment.yml"
    path.write_text(mine, "utf-8")
    assert main(["enrich", "--dry-run"]) == 0
    assert "written afresh" not in capsys.readouterr().err
    assert main(["enrich"]) == 0
    assert "written afresh" not in capsys.readouterr().err
    text = path.read_text("utf-8")
    assert text.startswith(mine)
    assert "\n        arxiv: '2503.10622'\n" in text


def test_a_dry_run_says_the_file_would_be_written_afresh(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.root / "enrichment.yml"
    before = "# mine\npapers: {x: {title: X, arxiv: '1706.03762'}}\n"
    path.write_text(before, "utf-8")
    assert main(["enrich", "--dry-run"]) == 0
    assert capsys.readouterr().err == (
        "warning: enrichment.yml would be written afresh (the new records could not be "
        "appended to its layout): comments in it are not kept\n"
    )
    assert path.read_text("utf-8") == before


def test_an_interrupted_run_keeps_what_was_found(
    project: Project,
    api: ApiServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C after a match lost it, as a failed download no longer does."""
    from generator.fetch import enrich as lookups

    real = lookups.resolve

    def resolve(key: str, title: str, results: Any) -> Any:
        if title.lower().startswith("zebra"):  # the user's Ctrl-C, during the last lookup
            raise KeyboardInterrupt
        return real(key, title, results)

    monkeypatch.setattr(lookups, "resolve", resolve)
    project.write_digest("2025-03-15.txt", "Mar 15\n\nZebra Routing Revisited\n\nAn abstract.\n")
    assert main(["enrich"]) == 130
    assert capsys.readouterr().err.endswith(
        "paperfeed: 1 paper found added to enrichment.yml\npaperfeed: interrupted\n"
    )
    assert "arxiv: '2503.10622'" in (project.root / "enrichment.yml").read_text("utf-8")


def test_a_taxonomy_that_does_not_exist_is_a_usage_error(
    project: Project, api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --taxonomy made a folder and an enrichment.yml of its own."""
    assert main(["enrich", "--taxonomy", "typo/taxnomy.yml"]) == 2
    assert capsys.readouterr().err == (
        "paperfeed: error: typo/taxnomy.yml: no such taxonomy file (enrichment.yml is "
        "beside it; see --taxonomy)\n"
    )
    assert not (project.root / "typo").exists() and api.requests == []
