"""The raw-text digest parser: the real sample, noisy fixtures, every error, random digests."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import InputError, Problem
from generator.model import Digest, Link
from generator.parse_text import (
    clean_text,
    is_abstract_like,
    parse_text_digest,
    parse_text_digest_with_warnings,
)

FIXTURES = Path(__file__).parent / "fixtures" / "digests"
SAMPLE = Path("/work/shared/sample/hf-papers-2025-03-14.txt")
if not SAMPLE.exists():  # the same file ships as the default feed
    SAMPLE = Path(__file__).parents[1] / "digests" / "2025-03-14-hf-papers.txt"
MAR_14 = dt.date(2025, 3, 14)


def parse(text: str, file_date: dt.date | None = MAR_14, source: str = "d.txt") -> Digest:
    return parse_text_digest(text, source, file_date, "d")


def errors(text: str, file_date: dt.date | None = MAR_14) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse(text, file_date)
    return [str(p) for p in caught.value.problems]


def pairs(text: str, file_date: dt.date | None = MAR_14) -> list[tuple[str, str]]:
    return [(e.title, e.abstract) for e in parse(text, file_date).entries]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


# --- the real sample ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_entries(sample: str) -> None:
    digest = parse(sample, source="hf.txt")
    assert digest.date == MAR_14
    assert digest.source == "hf.txt"
    assert len(digest.entries) == 75
    first, last = digest.entries[0], digest.entries[-1]
    assert first.title == "Rich Feature Construction for the Optimization-Generalization Dilemma"
    assert first.line == 11
    assert last.title == (
        "Intrinsic Dimensionality Explains the Effectiveness of Language Model Fine-Tuning"
    )
    titles = [e.title for e in digest.entries]
    assert titles[1] == (
        "Predictable Scale: Part I -- Optimal Hyperparameter Scaling Law in Large Language Model"
        " Pretraining"
    )
    assert titles[3] == "Multi-Objective GFlowNets"
    assert titles[8] == (
        "The Ultimate Guide to Fine-Tuning LLMs from Basics to Breakthroughs: An Exhaustive"
        " Review of Technologies, Research, Best Practices, Applied Research Challenges and"
        " Opportunities"
    )
    assert "Pareto Domain Adaptation" in titles


def test_sample_titles_are_the_title_lines(sample: str) -> None:
    lines = sample.split("\n")
    nonblank = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    date_index = next(i for i, (_, line) in enumerate(nonblank) if line == "Mar 14")
    papers = nonblank[date_index + 1 :]
    expected = [(n, line, papers[i + 1][1]) for i, (n, line) in enumerate(papers) if i % 2 == 0]
    got = [(e.line, e.title, e.abstract) for e in parse(sample).entries]
    assert got == expected


def test_sample_abstracts_intact(sample: str) -> None:
    entries = parse(sample).entries
    assert entries[3].abstract.startswith("In many applications of machine learning, like drug")
    assert entries[3].abstract.endswith("careful analysis of each component of MOGFNs.")
    assert entries[1].abstract.endswith(
        "through our designated repository https://step-law.github.io/"
    )
    # An abstract ending without punctuation is still an abstract (it is long).
    pareto = next(e for e in entries if e.title == "Pareto Domain Adaptation")
    assert pareto.abstract.endswith("effectiveness of ParetoDA")


def test_sample_links(sample: str) -> None:
    by_title = {e.title: e for e in parse(sample).entries}

    def links(prefix: str) -> tuple[Link, ...]:
        return next(e.links for t, e in by_title.items() if t.startswith(prefix))

    assert links("Diversity-Driven Synthesis") == (
        Link("https://github.com/AngusDujw/Diversity-Driven-Synthesis", "code"),
    )
    assert links("On Giant's Shoulders") == (
        Link("https://github.com/Facico/Dynamic-Logit-Fusion", "code"),
    )
    assert links("Natural GaLore") == (
        Link("https://github.com/selfsupervised-ai/Natural-GaLore", "code"),
    )
    assert links("OptMATH") == (Link("https://github.com/AuroraLHL/OptMATH", "code"),)
    assert links("Predictable Scale") == (Link("https://step-law.github.io/", "project"),)
    assert links("Get more for less") == (
        Link("https://anonymous.4open.science/r/DV4LLM-D761", "code"),
    )
    assert links("Rich Feature Construction") == ()
    assert all(e.arxiv_id is None for e in by_title.values())


def test_sample_has_no_warnings(sample: str) -> None:
    assert parse_text_digest_with_warnings(sample, "s.txt", MAR_14, "s")[1] == []


# --- never-seen digests with page noise --------------------------------------------------


def test_noisy_fixture() -> None:
    digest = parse(fixture("2025-03-15-noisy.txt"), dt.date(2025, 3, 15))
    assert [(e.line, e.title, e.abstract, e.links) for e in digest.entries] == [
        (
            17,
            "Do Language Models Dream of Electric Sheep?",
            "We ask whether language models hallucinate in their sleep. They do, a little.",
            (),
        ),
        (
            33,
            "Sparse Mixtures at Scale: A Very Long Title About Routing, Load Balancing, Expert"
            " Capacity, Token Dropping and Everything Else That Matters for Training Huge Models"
            " Efficiently",
            "Short abstract.",
            (),
        ),
        (
            37,
            "🚀 RocketLM: Training at Warp Speed 🔥",
            "Our models train fast. Code and weights are at https://github.com/example/rocketlm.git",
            (Link("https://github.com/example/rocketlm", "code"),),
        ),
        (
            42,
            "大型语言模型的高效微调方法",
            "我们提出了一种高效的微调方法。代码见 https://github.com/example/peft-zh。",
            (Link("https://github.com/example/peft-zh", "code"),),
        ),
        (
            48,
            "Markdown *stars* & <b>HTML</b> [links](x) in a `title`",
            "An abstract with [brackets], *asterisks*, _underscores_, <i>tags</i> & ampersands,"
            " ending with a project page (https://example.github.io/project/).",
            (Link("https://example.github.io/project/", "project"),),
        ),
    ]


def test_crlf_bom_nfd_fixture() -> None:
    raw = (FIXTURES / "2025-03-16-crlf-bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    digest = parse(text, dt.date(2025, 3, 16))
    assert digest.date == dt.date(2025, 3, 16)
    assert [(e.line, e.title) for e in digest.entries] == [
        (3, "Café Models: Caching for Naïve Transformers"),
        (9, "Überraschung! Surprising Results in Zürich"),
    ]
    assert digest.entries[0].abstract == (
        "We build a café-style cache for naïve transformers. It works."
    )
    for entry in digest.entries:
        assert unicodedata.is_normalized("NFC", entry.title)
        assert unicodedata.is_normalized("NFC", entry.abstract)
    assert digest.entries[1].abstract.endswith("It ends with a question?")


def test_inline_noise_fixture() -> None:
    digest = parse(fixture("2025-03-17-inline-noise.txt"), dt.date(2025, 3, 17))
    assert [(e.line, e.title, e.abstract) for e in digest.entries] == [
        (
            4,
            "Is Attention All You Need?",
            "This abstract is hard-wrapped over three lines and ends here.",
        ),
        (16, "Why Small Models Win!", "Tiny models win."),
        (
            21,
            "Multi-Objective GFlowNets",
            "A one-line abstract that nevertheless ends with a URL"
            " https://arxiv.org/abs/2210.12765v2",
        ),
    ]
    assert digest.entries[2].links == (Link("https://arxiv.org/abs/2210.12765v2", "other"),)


def test_submitted_by_user_name_in_next_block_is_not_a_title() -> None:
    text = "Mar 14\n\nA Real Title\n\nSubmitted by\n\nakhaliq\n\nThe abstract."
    assert pairs(text) == [("A Real Title", "The abstract.")]


def test_one_word_scrap_after_the_title_is_skipped_silently() -> None:
    text = "Mar 14\n\nA Real Title\n\nShare\n\nThe abstract."
    digest, warnings = parse_text_digest_with_warnings(text, "d.txt", MAR_14, "d")
    assert [(e.title, e.line) for e in digest.entries] == [("A Real Title", 3)]
    assert warnings == []


def test_one_word_title_alone_is_a_title() -> None:
    assert pairs("Magicoder\n\nSource code is all you need.") == [
        ("Magicoder", "Source code is all you need.")
    ]


def test_short_line_before_a_title_is_a_warning() -> None:
    text = "One Title\n\nFirst abstract.\n\nFollow the authors\n\nSecond Title\n\nSecond abstract."
    digest, warnings = parse_text_digest_with_warnings(text, "d.txt", MAR_14, "d")
    assert [e.title for e in digest.entries] == ["One Title", "Second Title"]
    assert [str(w) for w in warnings] == [
        "d.txt:5: skipped 'Follow the authors': no abstract follows it"
    ]


def test_title_shaped_chrome_before_the_first_paper_is_a_warning() -> None:
    text = "Welcome to the reading group page\n\nOne Title\n\nFirst abstract."
    digest, warnings = parse_text_digest_with_warnings(text, "d.txt", MAR_14, "d")
    assert [e.title for e in digest.entries] == ["One Title"]
    assert [str(w) for w in warnings] == [
        "d.txt:1: skipped 'Welcome to the reading group page': no abstract follows it"
    ]


def test_chrome_before_the_date_line_is_dropped() -> None:
    text = "Some Unknown Site Header Text\n\nMar 14\n\nOne Title\n\nFirst abstract."
    digest, warnings = parse_text_digest_with_warnings(text, "d.txt", MAR_14, "d")
    assert [e.title for e in digest.entries] == ["One Title"]
    assert warnings == []


@pytest.mark.parametrize(
    ("line", "has_year"),
    [
        ("Mar 14", False),
        ("March 14", False),
        ("mar. 14", False),
        ("Mar 14, 2025", True),
        ("14 March 2025", True),
        ("2025-03-14", True),
    ],
)
def test_date_line_forms(line: str, has_year: bool) -> None:
    text = f"new\n\n{line}\n\nTitle\n\nAbstract."
    assert parse(text, file_date=MAR_14).date == MAR_14
    if has_year:
        assert parse(text, file_date=None).date == MAR_14


def test_date_from_line_without_file_date() -> None:
    assert parse("Mar 14, 2025\n\nTitle\n\nAbstract.", file_date=None).date == MAR_14


def test_date_from_file_name_only() -> None:
    assert parse("Title\n\nAbstract.", file_date=MAR_14).date == MAR_14


def test_repeated_date_line_after_the_first_paper_is_noise() -> None:
    text = "Mar 14\n\nA Title\n\nAn abstract.\n\nMar 14\n\nB Title\n\nB abstract."
    assert [t for t, _ in pairs(text)] == ["A Title", "B Title"]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\n\t\n", "\ufeff\r\n"])
def test_empty(text: str) -> None:
    assert errors(text) == ["d.txt:1: empty digest (no papers)"]


def test_no_papers() -> None:
    text = "new\n\nSubscribe\n\nMar 14\n\n214\n\nGitHub\n"
    assert errors(text) == [
        "d.txt:1: no papers (expected a title line, a blank line, then its abstract)"
    ]


def test_abstract_without_a_title() -> None:
    text = "Mar 14\n\nA Title\n\nFirst paragraph.\n\nSecond paragraph.\n"
    assert errors(text) == ["d.txt:7: abstract without a title"]


def test_abstract_without_a_title_at_the_start() -> None:
    assert errors("Mar 14\n\nAn abstract straight away.\n") == ["d.txt:3: abstract without a title"]


def test_title_without_an_abstract_at_the_end() -> None:
    text = "A Title\n\nAn abstract.\n\nA Paper Title Nobody Gave An Abstract\n"
    assert errors(text) == [
        "d.txt:5: title without an abstract: 'A Paper Title Nobody Gave An Abstract'"
    ]


def test_title_without_an_abstract_between_papers() -> None:
    text = "A Title\n\nAn abstract.\n\nLost Paper: Its Abstract Is Missing\n\nB Title\n\nB text."
    assert errors(text) == [
        "d.txt:5: title without an abstract: 'Lost Paper: Its Abstract Is Missing'"
    ]


def test_short_line_at_the_end_is_only_a_warning() -> None:
    text = "A Title\n\nAn abstract.\n\nShow more\n"
    digest, warnings = parse_text_digest_with_warnings(text, "d.txt", MAR_14, "d")
    assert len(digest.entries) == 1
    assert [str(w) for w in warnings] == ["d.txt:5: skipped 'Show more': no abstract follows it"]


def test_date_line_contradicts_file_name() -> None:
    text = "new\n\nSubscribe\n\nbyAK and the research community\n\nMar 15\n\nTitle\n\nText."
    assert errors(text) == [
        "d.txt:7: date line 'Mar 15' contradicts the date 2025-03-14 in the file name"
    ]


def test_date_line_with_year_contradicts_file_name() -> None:
    assert errors("Mar 14, 2024\n\nTitle\n\nText.") == [
        "d.txt:1: date line 'Mar 14, 2024' contradicts the date 2025-03-14 in the file name"
    ]


def test_impossible_date_line() -> None:
    assert errors("Feb 30\n\nTitle\n\nText.", file_date=dt.date(2025, 2, 28)) == [
        "d.txt:1: date line 'Feb 30' is not a valid date"
    ]


def test_date_line_without_year_and_no_file_date() -> None:
    assert errors("Mar 14\n\nTitle\n\nText.", file_date=None) == [
        "d.txt:1: date line 'Mar 14' has no year and the file name no date"
        " (name the file YYYY-MM-DD....txt or write the year)"
    ]


def test_no_date_at_all() -> None:
    assert errors("Title\n\nText.", file_date=None) == [
        "d.txt:1: no date: name the file YYYY-MM-DD....txt or add a date line like 'Mar 14'"
    ]


def test_other_date_after_the_first_paper() -> None:
    text = "Mar 14\n\nA Title\n\nAn abstract.\n\nMar 15\n\nB Title\n\nB abstract."
    assert errors(text) == [
        "d.txt:7: date line 'Mar 15' after the first paper (one day per digest)"
    ]


def test_every_error_is_reported() -> None:
    text = "Mar 15\n\nOrphan abstract.\n\nT\n\nA.\n\nAnother orphan.\n"
    assert errors(text) == [
        "d.txt:1: date line 'Mar 15' contradicts the date 2025-03-14 in the file name",
        "d.txt:3: abstract without a title",
        "d.txt:9: abstract without a title",
    ]


def test_problem_objects() -> None:
    with pytest.raises(InputError) as caught:
        parse("Mar 14\n\nOrphan abstract.", source="digests/x.txt")
    assert caught.value.problems == [Problem("digests/x.txt", 3, "abstract without a title")]


# --- the block classifier --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "abstract"),
    [
        ("Is Attention All You Need?", False),
        ("GEO: Generative Engine Optimization", False),
        ("Foo (Extended Abstract)", False),
        ("Short abstract.", True),
        ("It works (see https://x.org).", True),
        ("We release everything at https://github.com/a/b", True),
        ("Ends with an ellipsis…", True),
        (" ".join(["word"] * 41), True),
        ("x" * 301, True),
        (
            "Is this question long enough to be prose? We think that it really is, since it"
            " goes on and on for twenty words?",
            True,
        ),
    ],
)
def test_is_abstract_like(text: str, abstract: bool) -> None:
    assert is_abstract_like(text) is abstract


# --- random digests ------------------------------------------------------------------------

NOISE_BLOCKS = [
    "214",
    "1.2k",
    "GitHub",
    "arXiv page",
    "· 9 authors",
    "Published on Nov 1",
    "Submitted by akhaliq",
    "Submitted by\nakhaliq",
    "Submitted by\n\nakhaliq",
    "Submitted by\n\nJane Doe",
    "57\nSubmitted by nielsr",
]
# Words that start a known noise line: a random title must not be one of those lines.
NOISE_STARTS = {
    "new", "subscribe", "github", "arxiv", "pdf", "code", "upvote", "upvotes", "add",
    "daily", "project", "paper", "submitted", "posted", "published", "get", "byak",
    "star", "stars", "comment", "comments",
}  # fmt: skip
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßЖλ中文"
ALPHABET = LETTERS + "0123456789.,;:!?'\"()[]{}<>&*_#`|\\/-+=%$@~^🙂"

words = st.builds(
    str.__add__, st.sampled_from(LETTERS), st.text(alphabet=ALPHABET, max_size=9)
).filter(lambda w: w.casefold().strip(".,;:!?") not in NOISE_STARTS)


def _title_ok(title: str) -> bool:
    last = title.split()[-1].lstrip("([{<\"'").lower()
    return not title.rstrip(")]}\"'”’»").endswith(".") and not last.startswith("http")


titles = st.lists(words, min_size=1, max_size=12).map(" ".join).filter(_title_ok)
abstracts = st.one_of(
    st.lists(words, min_size=1, max_size=60).map(lambda ws: " ".join(ws) + "."),
    st.lists(words, min_size=0, max_size=20).map(
        lambda ws: " ".join([*ws, "https://example.org/x"])
    ),
)
noise = st.lists(st.sampled_from(NOISE_BLOCKS), max_size=2)


@st.composite
def digests(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    papers = draw(st.lists(st.tuples(titles, abstracts), min_size=1, max_size=6))
    blocks = ["new", "Subscribe", draw(st.sampled_from(["Mar 14", "14 March 2025", "new"]))]
    for title, abstract in papers:
        blocks += draw(noise)
        blocks.append(title)
        blocks += draw(noise)
        words_ = abstract.split(" ")
        cut = draw(st.integers(min_value=1, max_value=max(1, len(words_))))
        blocks.append(" ".join(words_[:cut]) + "\n" + " ".join(words_[cut:]))
        blocks += draw(noise)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    gap = draw(st.sampled_from(["\n\n", "\n \n\n"]))
    text = gap.join(blocks).replace("\n", newline)
    return draw(st.sampled_from(["", "\ufeff"])) + text, papers


@settings(max_examples=100, deadline=None)
@given(digests())
def test_random_digests_round_trip(case: tuple[str, list[tuple[str, str]]]) -> None:
    text, papers = case
    digest, warnings = parse_text_digest_with_warnings(text, "r.txt", MAR_14, "r")
    assert [(e.title, e.abstract) for e in digest.entries] == [
        (clean_text(t), clean_text(a)) for t, a in papers
    ]
    assert warnings == []


fragments = st.one_of(
    st.sampled_from([*NOISE_BLOCKS, "", "Mar 14", "Feb 30", "A Title", "An abstract.", "x."]),
    st.text(max_size=40),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(fragments, max_size=20), st.sampled_from([None, MAR_14]))
def test_random_text_never_crashes(parts: list[str], file_date: dt.date | None) -> None:
    try:
        digest = parse_text_digest("\n".join(parts), "r.txt", file_date, "r")
    except InputError as err:
        assert err.problems
        assert all(p.file == "r.txt" and p.line >= 1 for p in err.problems)
    else:
        assert digest.entries
        for entry in digest.entries:
            assert entry.title == clean_text(entry.title) and entry.title
            assert entry.abstract == clean_text(entry.abstract) and entry.abstract
