"""YAML and JSON digests: the schema, its errors with line numbers, both formats alike."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.model import Digest, Entry, Link
from generator.parse_structured import parse_enrichment, parse_json_digest, parse_yaml_digest

FIXTURES = Path(__file__).parent / "fixtures" / "digests"
DAY = dt.date(2025, 3, 18)


def yaml_errors(text: str, file_date: dt.date | None = DAY) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_yaml_digest(text, "d.yml", file_date, "d")
    return [str(p) for p in caught.value.problems]


def json_errors(data: object, file_date: dt.date | None = DAY) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    with pytest.raises(InputError) as caught:
        parse_json_digest(text, "d.json", file_date, "d")
    return [str(p) for p in caught.value.problems]


EXPECTED = (
    Entry(
        title="COSMOS: A Hybrid Adaptive Optimizer for Memory-Efficient Training of LLMs",
        abstract="Large Language Models (LLMs) have demonstrated remarkable success."
        " Our code is available at https://github.com/lliu606/COSMOS.",
        line=0,
        arxiv_id="2502.17410",
        url="https://arxiv.org/abs/2502.17410",
        authors=("Liming Liu", "Zhenghao Xu"),
        links=(
            Link("https://github.com/lliu606/COSMOS", "code"),
            Link("https://arxiv.org/abs/2502.17410", "other"),
        ),
        topics=("optimization", "scaling-laws"),
        tags=("memory-efficient",),
        note="Worth a read.",
    ),
    Entry(
        title="Go Wider Instead of Deeper",
        abstract="More transformer blocks with residual connections have recently achieved"
        " impressive results.",
        line=0,
        authors=("Fuzhao Xue", "Ziji Shi"),
    ),
    Entry(title="1984", abstract="no: it is a number.", line=0, arxiv_id="2503.10100"),
)


def without_lines(digest: Digest) -> tuple[Entry, ...]:
    blank = {"line": 0, "topic_lines": (), "tag_lines": ()}
    return tuple(Entry(**{**e.__dict__, **blank}) for e in digest.entries)


def test_yaml_fixture() -> None:
    text = (FIXTURES / "2025-03-18-curated.yml").read_text(encoding="utf-8")
    digest = parse_yaml_digest(text, "c.yml", DAY, "c")
    assert (digest.source, digest.date, digest.slug, digest.title) == (
        "c.yml",
        DAY,
        "c",
        "Optimisers, week 12",
    )
    assert without_lines(digest) == EXPECTED
    assert [e.line for e in digest.entries] == [5, 16, 19]


def test_json_fixture_matches_yaml() -> None:
    text = (FIXTURES / "2025-03-18-curated-json.json").read_text(encoding="utf-8")
    digest = parse_json_digest(text, "c.json", None, "c")
    assert digest.date == DAY and digest.title == "Optimisers, week 12"
    assert without_lines(digest) == EXPECTED
    assert [e.line for e in digest.entries] == [6, 17, 21]


def test_minimal_yaml_takes_the_file_date() -> None:
    digest = parse_yaml_digest("papers:\n- {title: T, abstract: A}\n", "d.yml", DAY, "d")
    assert digest.date == DAY and digest.title == ""
    assert digest.entries == (Entry("T", "A", line=2),)


def test_text_is_cleaned() -> None:
    text = 'papers:\n- title: "  Cafe\\u0301\\n  Models  "\n  abstract: "a\\tb"\n'
    entry = parse_yaml_digest(text, "d.yml", DAY, "d").entries[0]
    assert (entry.title, entry.abstract) == ("Café Models", "a b")


def test_yaml_types_keep_their_written_text() -> None:
    text = "papers:\n- title: yes\n  abstract: 2025-03-14\n  note: no\n  authors: Ada\n"
    entry = parse_yaml_digest(text, "d.yml", DAY, "d").entries[0]
    assert (entry.title, entry.abstract, entry.note, entry.authors) == (
        "yes",
        "2025-03-14",
        "no",
        ("Ada",),
    )


def test_code_link_wins_over_the_same_url_in_the_abstract() -> None:
    text = (
        "papers:\n- title: T\n  abstract: See https://x.example/repo.\n"
        "  code: https://x.example/repo\n  url: https://x.example/repo/\n"
    )
    entry = parse_yaml_digest(text, "d.yml", DAY, "d").entries[0]
    assert entry.links == (
        Link("https://x.example/repo", "code"),
        Link("https://x.example/repo/", "project"),
    )


# --- errors --------------------------------------------------------------------------------


def test_unknown_field() -> None:
    text = "date: 2025-03-18\npapers:\n  - titel: T\n    abstract: A\n"
    assert yaml_errors(text) == [
        "d.yml:3: missing required field 'title'",
        "d.yml:3: unknown field 'titel' (expected one of title, abstract, arxiv, url, authors,"
        " code, topics, tags, note, project, pdf, published, category, arxiv_comment, upvotes,"
        " comments, stars, keywords, organization)",
    ]


def test_unknown_top_field() -> None:
    assert yaml_errors("dates: 2025-03-18\npapers:\n- {title: T, abstract: A}\n") == [
        "d.yml:1: unknown field 'dates' (expected one of date, title, papers)"
    ]


def test_wrong_types() -> None:
    text = (
        "papers:\n"
        "  - title: [a, b]\n"
        "    abstract: {x: 1}\n"
        "    note:\n"
        "    authors: [Ada, [Bob]]\n"
        "    topics: [ok, {x: 1}]\n"
        "  - just a string\n"
    )
    assert yaml_errors(text) == [
        "d.yml:2: 'title' must be a string, got list",
        "d.yml:3: 'abstract' must be a string, got mapping",
        "d.yml:4: 'note' must be a string, got null",
        "d.yml:5: 'authors' must be a list of strings, got list",
        "d.yml:6: 'topics' must be a list of strings, got mapping",
        "d.yml:7: a paper must be a mapping with 'title' and 'abstract', got string",
    ]


def test_a_field_of_a_list_or_one_string_says_both() -> None:
    text = "papers:\n  - title: T\n    abstract: A\n    authors: {x: 1}\n    tags:\n"
    assert yaml_errors(text) == [
        "d.yml:4: 'authors' must be a list of strings or one string, got mapping",
        "d.yml:5: 'tags' must be a list of strings or one string, got null",
    ]


def test_a_field_name_is_reported_at_its_own_line() -> None:
    """Not at its value's, which may start on a later line (a block list)."""
    text = (
        "papers:\n  - title: T\n    abstract: A\n    authorz:\n      - Ada\n    title:\n      X\n"
    )
    assert yaml_errors(text) == [
        "d.yml:4: unknown field 'authorz' (expected one of title, abstract, arxiv, url, authors,"
        " code, topics, tags, note, project, pdf, published, category, arxiv_comment, upvotes,"
        " comments, stars, keywords, organization)",
        "d.yml:6: duplicate field 'title'",
    ]
    text = '{"papers": [{"title": "T", "abstract": "A",\n "titel":\n "T"}]}'
    assert json_errors(text)[0].startswith("d.json:2: unknown field 'titel'")


def test_an_enrichment_key_in_decomposed_letters_says_why_it_is_not_a_title_key() -> None:
    """It looked the same as the key it should be, with nothing said of the difference."""
    key = unicodedata.normalize("NFD", "caf\u00e9 au lait")
    with pytest.raises(InputError) as info:
        parse_enrichment(f"papers:\n  {key}:\n    arxiv: 2106.09685\n", "enrichment.yml")
    assert str(info.value).endswith(
        ": its accented letters are each a letter and a combining accent; write each as one"
        " character"
    )


def test_missing_required_fields() -> None:
    assert yaml_errors("papers:\n  - note: hi\n") == [
        "d.yml:2: missing required field 'abstract'",
        "d.yml:2: missing required field 'title'",
    ]


def test_empty_title() -> None:
    assert yaml_errors("papers:\n- title: '  '\n  abstract: A\n") == [
        "d.yml:2: 'title' must not be empty"
    ]


@pytest.mark.parametrize("field", ["url", "code"])
@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "ftp://x.org/a", "mailto:a@b.org", "https://a b.org"]
)
def test_bad_urls(field: str, value: str) -> None:
    text = f"papers:\n- title: T\n  abstract: A\n  {field}: {json.dumps(value)}\n"
    assert yaml_errors(text) == [f"d.yml:4: {field!r} must be an http(s) URL, got {value!r}"]


def test_bad_arxiv() -> None:
    assert yaml_errors("papers:\n- title: T\n  abstract: A\n  arxiv: soon\n") == [
        "d.yml:4: 'arxiv' must be an arXiv id or URL, got 'soon'"
    ]


def test_date_contradicts_file_name() -> None:
    assert yaml_errors("date: 2025-03-19\npapers:\n- {title: T, abstract: A}\n") == [
        "d.yml:1: date 2025-03-19 contradicts the date 2025-03-18 in the file name"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", "'date' is not a valid date: '2025-02-30'"),
        ("March 14", "'date' must be a date like 2025-03-14, got 'March 14'"),
        ("[1]", "'date' must be a date like 2025-03-14, got 'list'"),
    ],
)
def test_bad_date(value: str, message: str) -> None:
    text = f"date: {value}\npapers:\n- {{title: T, abstract: A}}\n"
    assert yaml_errors(text, None) == [f"d.yml:1: {message}"]


def test_no_date() -> None:
    assert yaml_errors("papers:\n- {title: T, abstract: A}\n", None) == [
        "d.yml:1: no date: add 'date: YYYY-MM-DD' or name the file YYYY-MM-DD....yml"
    ]


ALIAS = "YAML anchors and aliases (&name, *name) are not supported: repeat the value"
PYTHON_TAG = "unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "d.yml:1: empty digest (no papers)"),
        ("# only a comment\n", "d.yml:1: empty digest (no papers)"),
        ("date: 2025-03-18\npapers: []\n", "d.yml:2: empty digest (no papers)"),
        ("date: 2025-03-18\n", "d.yml:1: missing required field 'papers'"),
        ("papers: 3\n", "d.yml:1: 'papers' must be a list, got number"),
        ("- title: T\n", "d.yml:1: a digest must be a mapping with 'date' and 'papers', got list"),
        (
            "papers: [\n",
            "d.yml:2: invalid YAML: expected the node content, but found '<stream end>'",
        ),
        ("papers:\n- &p {title: T, abstract: A}\n- *p\n", f"d.yml:2: {ALIAS}"),
        ("papers: !!python/object:os.system {}\n", f"d.yml:1: {PYTHON_TAG}"),
        (
            "papers: !!python/name:os.system\n",
            "d.yml:1: unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'",
        ),
        (
            "---\npapers: []\n---\npapers: []\n",
            "d.yml:3: invalid YAML: expected a single document in the stream,"
            " but found another document",
        ),
    ],
)
def test_structure_errors(text: str, message: str) -> None:
    assert yaml_errors(text)[0] == message


def test_unknown_field_is_reported_with_the_missing_one() -> None:
    assert yaml_errors("a: 1\n") == [
        "d.yml:1: missing required field 'papers'",
        "d.yml:1: unknown field 'a' (expected one of date, title, papers)",
    ]


def test_duplicate_field() -> None:
    assert yaml_errors("papers:\n- title: T\n  title: U\n  abstract: A\n") == [
        "d.yml:3: duplicate field 'title'"
    ]


def test_every_problem_is_reported() -> None:
    text = (
        "papers:\n- {title: T}\n- {abstract: A, url: 'javascript:x'}\n- {title: T, abstract: A}\n"
    )
    assert yaml_errors(text) == [
        "d.yml:2: missing required field 'abstract'",
        "d.yml:3: 'url' must be an http(s) URL, got 'javascript:x'",
        "d.yml:3: missing required field 'title'",
    ]


# --- JSON ----------------------------------------------------------------------------------


def test_json_errors_carry_lines() -> None:
    data = {
        "date": "2025-03-18",
        "papers": [
            {"title": "T", "abstract": "A"},
            {"titel": "T", "abstract": "A", "code": "javascript:alert(1)"},
        ],
    }
    assert json_errors(data) == [
        "d.json:8: missing required field 'title'",
        "d.json:9: unknown field 'titel' (expected one of title, abstract, arxiv, url, authors,"
        " code, topics, tags, note, project, pdf, published, category, arxiv_comment, upvotes,"
        " comments, stars, keywords, organization)",
        "d.json:11: 'code' must be an http(s) URL, got 'javascript:alert(1)'",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{\n  \"papers\": [\n}", "d.json:3: invalid JSON: Expecting value"),
        ("[]", "d.json:1: a digest must be a mapping with 'date' and 'papers', got list"),
        ('{"papers": [{"title": null, "abstract": 1}]}', "d.json:1: 'title' must be a string,"
         " got null"),
        ("  ", "d.json:1: empty digest (no papers)"),
    ],
)  # fmt: skip
def test_json_structure_errors(text: str, message: str) -> None:
    assert json_errors(text)[0] == message


def test_json_numbers_and_booleans_are_the_text_written() -> None:
    """As YAML's plain 1984 and yes: where text is wanted, a JSON number or true is the text
    as written (the walker tells the kinds apart; the counts take numbers or strings)."""
    paper = {"title": 5, "abstract": True, "tags": ["ok", 7], "arxiv": 2503.0123, "stars": 3}
    data = {"date": "2025-03-18", "title": 2025, "papers": [paper]}
    digest = parse_json_digest(json.dumps(data), "d.json", DAY, "d")
    entry = digest.entries[0]
    assert (digest.title, entry.title, entry.abstract, entry.tags) == (
        "2025",
        "5",
        "true",
        ("ok", "7"),
    )
    assert (entry.arxiv_id, entry.stars) == ("2503.0123", 3)
    paper = {"title": "T", "abstract": "A", "upvotes": "4", "comments": 1.5, "authors": 12}
    assert json_errors({"papers": [paper]}) == [
        "d.json:7: 'comments' must be a whole number, got '1.5'"
    ]


def test_json_whitespace_and_nesting() -> None:
    text = (
        '{ "papers" : [ { "title" : "T" , "abstract" : "A" , "authors" : [ ] } ] , "title" : "X" }'
    )
    digest = parse_json_digest(text, "d.json", DAY, "d")
    assert digest.title == "X"
    assert digest.entries == (Entry("T", "A", line=1),)
