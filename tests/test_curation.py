"""curation.yml: reading it, finding its papers, applying it (the site: test_curation_site)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.curation import (
    apply_to_classes,
    apply_to_feed,
    parse_curation,
    resolve,
)
from generator.errors import InputError
from generator.model import Appearance, Feed, Paper
from generator.taxonomy import parse_taxonomy
from generator.urls import Record, paper_slugs

DAY = dt.date(2025, 3, 14)
TAXONOMY = parse_taxonomy(
    """\
topics:
  - {name: RL, slug: rl}
  - {name: Alignment, slug: alignment, parent: rl}
  - {name: Vision, slug: vision}
  - {name: Other, slug: other}
tags:
  - {name: LLM, slug: llm}
  - {name: Survey, slug: survey}
""",
    "taxonomy.yml",
)


def paper(pid: str, title: str, arxiv: str | None = None, note: str = "") -> Paper:
    return Paper(
        id=pid,
        slug=pid,
        title=title,
        abstract="",
        appearances=(Appearance(DAY, "d", 1),),
        arxiv_id=arxiv,
        note=note,
    )


FEED = Feed(
    digests=(),
    papers=(
        paper("2501.00001", "Reward models", arxiv="2501.00001"),
        paper("seeing-things", "Seeing Things"),
        paper("a-survey", "A Survey", note="From the digest."),
    ),
    entries_read=3,
)


def errors(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY)
    return [str(p) for p in info.value.problems]


def test_an_empty_file_changes_nothing() -> None:
    resolved = resolve(parse_curation("", "curation.yml"), FEED, TAXONOMY)
    assert apply_to_feed(FEED, resolved) == (FEED, [])


def test_edits_apply_by_arxiv_id_or_title() -> None:
    text = """\
papers:
  arXiv:2501.00001v2:
    primary: alignment
    add_tags: [llm]
  "seeing   THINGS":
    topics: [vision]
    slug: seeing
    note: Look.
    feature: true
  A survey:
    hide: true
"""
    resolved = resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY)
    assert resolved.hidden == {"a-survey"}
    assert resolved.featured == ("seeing-things",)
    feed, warnings = apply_to_feed(FEED, resolved)
    assert warnings == []
    assert [(p.id, p.slug, p.note) for p in feed.papers] == [
        ("2501.00001", "2501.00001", ""),
        ("seeing-things", "seeing", "Look."),
    ]
    topics = {"2501.00001": ("rl",), "seeing-things": ("rl",)}
    tags: dict[str, tuple[str, ...]] = {"2501.00001": (), "seeing-things": ("llm",)}
    topics, tags, warnings = apply_to_classes(topics, tags, resolved, TAXONOMY)
    assert topics == {"2501.00001": ("alignment", "rl"), "seeing-things": ("vision",)}
    assert tags == {"2501.00001": ("llm",), "seeing-things": ("llm",)}
    assert warnings == []


def test_unknown_papers_topics_tags_and_bad_slugs_are_errors_with_lines() -> None:
    assert errors(
        """\
papers:
  "2502.99999": {hide: true}
  No Such Title: {hide: true}
  Reward models:
    primary: quantum
    remove_tags: [cats]
  Seeing Things:
    slug: a-survey
  A Survey:
    slug: Not A Slug
    hide: true
    feature: true
"""
    ) == [
        "curation.yml:2: unknown paper '2502.99999' (no paper has this arXiv id)",
        "curation.yml:3: unknown paper 'No Such Title' (no paper has this title)",
        "curation.yml:5: unknown topic 'quantum' (known: alignment, other, rl, vision)",
        "curation.yml:6: unknown tag 'cats' (known: llm, survey)",
        "curation.yml:8: slug 'a-survey' is another paper's page already",
        "curation.yml:9: paper 'A Survey' cannot be both hidden and featured",
        "curation.yml:10: slug 'Not A Slug' must be lower-case ASCII words joined by '-'"
        " (e.g. 'not-a-slug')",
    ]


def test_a_slug_published_for_another_paper_is_an_error() -> None:
    """A reader who saved papers/<slug>/ for one paper must not find another there: a
    curator's slug that published.txt gives to another paper (one renamed since, whose
    old URL redirects) is an error; the paper's own published slug is fine. It passed
    silently before, and the record of the other paper was overwritten."""
    published = paper_slugs(
        {
            "papers/old-title/": Record("papers/old-title/", "paper", "a-survey", "d", 1),
            "papers/mine.html": Record("papers/mine.html", "paper", "seeing-things", "d", 2),
            "topics/rl/": Record("topics/rl/", "topic", "rl"),
        }
    )
    assert published == {"old-title": "a-survey", "mine": "seeing-things"}
    text = "papers:\n  Seeing Things:\n    slug: old-title\n"
    with pytest.raises(InputError) as info:
        resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY, published)
    assert [str(p) for p in info.value.problems] == [
        "curation.yml:3: slug 'old-title' was published for another paper ('a-survey',"
        " published.txt): a reader who saved it would find this one; choose another"
    ]
    text = "papers:\n  Seeing Things:\n    slug: mine\n"
    assert resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY, published).edits


def test_a_topic_or_tag_given_and_taken_away_in_one_entry_is_an_error() -> None:
    """Adding and removing alignment gave the paper alignment's parent, rl, which nobody
    asked for, without a word."""
    assert errors(
        "papers:\n  Reward models:\n    add_topics: [alignment]\n"
        "    remove_topics: [alignment]\n    add_tags: [llm]\n    remove_tags: [llm]\n"
        "  Seeing Things:\n    primary: vision\n    remove_topics: [vision]\n"
    ) == [
        "curation.yml:4: 'alignment' is both given and taken away in the entry of 'Reward models'",
        "curation.yml:6: 'llm' is both given and taken away in the entry of 'Reward models'",
        "curation.yml:9: 'vision' is both given and taken away in the entry of 'Seeing Things'",
    ]


def test_taking_away_the_parent_of_a_topic_kept_says_it_stays() -> None:
    """As the manual says, the parents of the topics kept are added: rl stays under
    alignment, with a warning naming the topic to take away too (rl went, without a
    word, leaving alignment without its parent, before)."""
    text = "papers:\n  Reward models:\n    remove_topics: [rl]\n  Seeing Things:\n"
    text += "    remove_topics: [alignment]\n"
    resolved = resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY)
    topics = {"2501.00001": ("alignment", "rl"), "seeing-things": ("alignment", "rl")}
    topics, _, warnings = apply_to_classes(topics, {}, resolved, TAXONOMY)
    assert topics == {"2501.00001": ("alignment", "rl"), "seeing-things": ("rl",)}
    assert [str(w) for w in warnings] == [
        "curation.yml:3: 'Reward models' keeps 'alignment', which is under 'rl': 'rl' stays"
        " (take 'alignment' away too)",
        "curation.yml:2: 'Reward models' leaves its topics as they are: the entry changes nothing",
    ]


def test_a_title_of_two_papers_is_an_error_and_each_can_be_named_by_its_id() -> None:
    """Two papers kept apart under one title (different abstracts): an entry by the title
    took the first without a word; each is named by its id (an arXiv id, or, without one,
    its page's name)."""
    feed = Feed(
        digests=(),
        papers=(
            paper("2501.00001", "Reward models", arxiv="2501.00001"),
            paper("reward-models", "Reward Models"),
        ),
        entries_read=2,
    )
    with pytest.raises(InputError) as info:
        resolve(parse_curation("papers:\n  reward models: {hide: true}\n", "c.yml"), feed, TAXONOMY)
    assert [str(p) for p in info.value.problems] == [
        "c.yml:2: 'reward models' is the title of 2 papers (2501.00001, reward-models):"
        " name one by its id"
    ]
    text = "papers:\n  reward-models: {hide: true}\n  '2501.00001': {feature: true}\n"
    resolved = resolve(parse_curation(text, "c.yml"), feed, TAXONOMY)
    assert (resolved.hidden, resolved.featured) == ({"reward-models"}, ("2501.00001",))


def test_an_empty_note_is_an_error() -> None:
    """It was taken, did nothing and was not said to change nothing."""
    with pytest.raises(InputError) as info:
        parse_curation("papers:\n  Seeing Things:\n    note: '  '\n", "curation.yml")
    assert str(info.value) == (
        "curation.yml:3: 'note' of paper 'Seeing Things' is empty (leave it out)"
    )


def test_a_slug_too_long_says_so() -> None:
    """It said 'must be lower-case ASCII words joined by -', which it was, with the slug cut
    to 80 characters as the example."""
    slug = "efficient-" * 9 + "routing"
    assert errors(f"papers:\n  Seeing Things:\n    slug: {slug}\n") == [
        f"curation.yml:3: slug {slug[:40]!r}... (97 characters) must be at most 80 characters"
        f" long (e.g. {'-'.join(['efficient'] * 8)!r})"
    ]
    taxonomy = f"topics:\n  - name: Other\n  - name: Long\n    slug: {slug}\n"
    with pytest.raises(InputError) as info:
        parse_taxonomy(taxonomy, "taxonomy.yml")
    assert (
        f"taxonomy.yml:4: slug {slug[:40]!r}... (97 characters) of topic 'Long' must be at"
        in str(info.value)
    )


@pytest.mark.parametrize("slug", ["index", "page-3"])
def test_a_slug_of_the_list_of_every_paper_is_reserved(slug: str) -> None:
    """papers/index and papers/page-N are the list of every paper: no paper takes them
    (page-3 before the list has three pages too: it would clash once the feed grows)."""
    assert errors(f"papers:\n  Seeing Things:\n    slug: {slug}\n") == [
        f"curation.yml:3: slug {slug!r} is reserved: papers/{slug}/ is a page of the list "
        "of every paper ('index' and 'page-N' are)"
    ]


def test_shape_errors() -> None:
    with pytest.raises(InputError) as info:
        parse_curation(
            """\
papers:
  A Survey: {hide: maybe, colour: red}
  a survey: {hide: true}
  Seeing Things:
  Reward models: {}
""",
            "curation.yml",
        )
    assert [str(p) for p in info.value.problems] == [
        "curation.yml:2: 'hide' of paper 'A Survey' must be true or false",
        "curation.yml:2: unknown field 'colour' in paper 'A Survey' (expected one of: primary,"
        " topics, add_topics, remove_topics, add_tags, remove_tags, hide, feature, note, slug)",
        "curation.yml:3: 'a survey' is named twice (first at line 2)",
        "curation.yml:4: paper 'Seeing Things' must be a mapping, not empty",
        "curation.yml:5: paper 'Reward models' says nothing (give it one of: primary, topics,"
        " add_topics, remove_topics, add_tags, remove_tags, hide, feature, note, slug)",
    ]


def test_an_entry_that_changes_nothing_is_a_warning() -> None:
    text = """\
papers:
  Reward models:
    primary: rl
    remove_tags: [survey]
  A Survey:
    note: From the digest.
"""
    resolved = resolve(parse_curation(text, "curation.yml"), FEED, TAXONOMY)
    _, warnings = apply_to_feed(FEED, resolved)
    assert [str(w) for w in warnings] == [
        "curation.yml:6: the note of 'A Survey' is the paper's note already:"
        " the entry changes nothing"
    ]
    _, _, warnings = apply_to_classes({"2501.00001": ("rl",)}, {}, resolved, TAXONOMY)
    assert [str(w) for w in warnings] == [
        "curation.yml:2: 'Reward models' leaves its topics as they are: the entry changes nothing",
        "curation.yml:2: 'Reward models' leaves its tags as they are: the entry changes nothing",
    ]
