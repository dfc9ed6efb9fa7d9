"""Loading and checking taxonomy.yml: every mistake is reported as ``file:line: message``."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import InputError
from generator.taxonomy import ancestors, load_taxonomy, parse_taxonomy, renamed_topics

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO / "generator" / "default_taxonomy.yml"


def errors(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_taxonomy(text, "taxonomy.yml")
    return [str(p) for p in info.value.problems]


MINIMAL = """\
topics:
  - name: Other
"""


def test_minimal_taxonomy_defaults() -> None:
    taxonomy = parse_taxonomy(MINIMAL, "t.yml")
    assert taxonomy.catch_all == "other"
    assert [t.slug for t in taxonomy.topics] == ["other"]
    assert taxonomy.tags == ()
    assert (taxonomy.title_weight, taxonomy.min_score, taxonomy.max_topics) == (3.0, 2.0, 3)
    assert (taxonomy.margin, taxonomy.similarity) == (0.5, 0.1)
    assert taxonomy.source == "t.yml"


def test_full_topic_and_tag() -> None:
    taxonomy = parse_taxonomy(
        """\
settings: {title_weight: 2.5, min_score: 2, max_topics: 2}
catch_all: misc
topics:
  - name: Fine-tuning & PEFT
    description: Adapting models.
    keywords: [fine-tuning, "  LoRA  ", LoRA]
  - name: Misc
  - {name: Adapters, slug: adapters, parent: fine-tuning-peft}
tags:
  - {name: Code available, rule: has_code}
  - name: Survey
    keywords: [survey]
""",
        "t.yml",
    )
    ft = taxonomy.topic("fine-tuning-peft")
    assert ft.name == "Fine-tuning & PEFT"
    assert ft.keywords == ("fine-tuning", "LoRA")
    assert ft.description == "Adapting models."
    assert taxonomy.topic("adapters").parent == "fine-tuning-peft"
    assert ancestors(taxonomy, "adapters") == ("fine-tuning-peft",)
    assert [t.slug for t in taxonomy.tags] == ["code-available", "survey"]
    assert (taxonomy.title_weight, taxonomy.min_score, taxonomy.max_topics) == (2.5, 2.0, 2)


def test_unknown_fields_everywhere() -> None:
    assert errors(
        """\
topics:
  - name: Other
    keyword: [x]
tags:
  - name: T
    parent: other
settings:
  weight: 2
colour: red
"""
    ) == [
        "taxonomy.yml:3: unknown field 'keyword' in topic"
        " (expected one of: name, slug, description, keywords, parent, examples, renamed_from)",
        "taxonomy.yml:6: unknown field 'parent' in tag"
        " (expected one of: name, slug, description, keywords, rule)",
        "taxonomy.yml:8: unknown field 'weight' in 'settings'"
        " (expected one of: title_weight, min_score, max_topics, margin, similarity)",
        "taxonomy.yml:9: unknown field 'colour' in the taxonomy"
        " (expected one of: settings, catch_all, topics, tags)",
    ]


def test_wrong_types() -> None:
    assert errors(
        """\
settings:
  title_weight: heavy
  max_topics: 1.5
  min_score: -1
topics:
  - name: [a, b]
  - name: Other
    keywords: fine-tuning
  - Just a string
tags: {name: x}
"""
    ) == [
        "taxonomy.yml:2: 'title_weight' must be a number, not a string",
        "taxonomy.yml:3: 'max_topics' must be an integer, not a float",
        "taxonomy.yml:4: 'min_score' must be at least 0, not '-1'",
        "taxonomy.yml:6: 'name' of topic must be a string, not a list",
        "taxonomy.yml:8: 'keywords' of topic 'Other' must be a list, not a string",
        "taxonomy.yml:9: topic must be a mapping, not a string",
        "taxonomy.yml:10: 'tags' must be a list, not a mapping",
    ]


def test_duplicate_slugs_and_fields() -> None:
    assert errors(
        """\
topics:
  - name: Other
  - name: RLHF
  - name: rlhf
  - name: Again
    slug: other
    name: Twice
tags:
  - name: llm
  - {name: LLMs, slug: llm}
"""
    ) == [
        "taxonomy.yml:4: duplicate topic slug 'rlhf' (first at line 3)",
        "taxonomy.yml:5: duplicate topic slug 'other' (first at line 2)",
        "taxonomy.yml:7: duplicate field 'name' in topic",
        "taxonomy.yml:10: duplicate tag slug 'llm' (first at line 9)",
    ]


def test_parent_missing_and_cycles() -> None:
    assert errors(
        """\
topics:
  - name: Other
  - name: A
    parent: b
  - name: B
    parent: c
  - name: C
    parent: a
  - name: D
    parent: nowhere
  - name: E
    parent: e
  - name: F
    parent: a
"""
    ) == [
        "taxonomy.yml:4: parent cycle: a -> b -> c -> a",
        "taxonomy.yml:10: parent 'nowhere' of topic 'd' is not a topic"
        " (known: a, b, c, d, e, f, other)",
        "taxonomy.yml:12: parent cycle: e -> e",
    ]


def test_catch_all_must_be_a_topic() -> None:
    assert errors("catch_all: misc\ntopics:\n  - name: Misc things\n") == [
        "taxonomy.yml:1: catch_all 'misc' is not a topic (known: misc-things)"
    ]
    assert errors("topics:\n  - name: Misc\n") == [
        "taxonomy.yml:1: catch_all 'other' (the default catch_all) is not a topic (known: misc)"
    ]


def test_empty_keywords_and_bad_slugs() -> None:
    assert errors(
        """\
topics:
  - name: Other
    keywords:
      - ""
      - "  "
      - "--"
      - ~
      - ok
  - name: 中文
  - name: X
    slug: Not A Slug
"""
    ) == [
        "taxonomy.yml:4: empty keyword in topic 'Other'",
        "taxonomy.yml:5: empty keyword in topic 'Other'",
        "taxonomy.yml:6: keyword '--' of topic 'Other' has no letters or digits"
        " (it would match nothing)",
        "taxonomy.yml:7: keyword of topic 'Other' must be a string, not empty",
        "taxonomy.yml:9: topic '中文' needs a 'slug' (its name has no ASCII letters)",
        "taxonomy.yml:11: slug 'Not A Slug' of topic 'X' must be lower-case ASCII words"
        " joined by '-' (e.g. 'not-a-slug')",
    ]


def test_rules() -> None:
    assert errors(
        """\
topics: [{name: Other}]
tags:
  - {name: Code, rule: has_code}
  - {name: Code available, rule: has_tests}
"""
    ) == [
        "taxonomy.yml:3: rule 'has_code' only applies to the tag with slug 'code-available',"
        " not 'code'",
        "taxonomy.yml:4: unknown rule 'has_tests' of tag 'code-available' (known: has_code)",
    ]


def test_missing_name_topics_and_empty_files() -> None:
    assert errors("topics:\n  - slug: x\n") == [
        "taxonomy.yml:2: topic without a 'name'",
    ]
    assert errors("tags: []\n") == ["taxonomy.yml:1: missing field 'topics'"]
    assert errors("topics: []\n") == ["taxonomy.yml:1: 'topics' must list at least one topic"]
    assert errors("") == ["taxonomy.yml: the taxonomy is empty (it needs at least 'topics')"]
    assert errors("- a list\n") == ["taxonomy.yml:1: the taxonomy must be a mapping, not a list"]


def test_yaml_syntax_error_has_a_line() -> None:
    assert errors("topics:\n  - name: Other\n  - {name: [unclosed\n") == [
        "taxonomy.yml:4: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_load_taxonomy_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text("topics:\n  - name: Other\n    parent: x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_taxonomy(path, "site/taxonomy.yml")
    assert str(info.value) == (
        "site/taxonomy.yml:3: parent 'x' of topic 'other' is not a topic (known: other)"
    )
    with pytest.raises(InputError, match=r"missing\.yml: cannot read taxonomy"):
        load_taxonomy(tmp_path / "missing.yml", "missing.yml")
    path.write_bytes(b"topics:\n  - name: \xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_taxonomy(path)


def test_an_empty_settings_keeps_the_defaults() -> None:
    """Its lines commented out: 'settings' was 'a mapping, not empty', an error, where an
    empty 'tags:' is none."""
    empty = parse_taxonomy("settings:\n  # min_score: 3\ntopics:\n  - name: Other\n", "t.yml")
    plain = parse_taxonomy("topics:\n  - name: Other\n", "t.yml")
    names = ("title_weight", "min_score", "margin", "max_topics", "similarity")
    assert [getattr(empty, n) for n in names] == [getattr(plain, n) for n in names]


def test_default_taxonomy_loads_and_root_copy_is_identical() -> None:
    taxonomy = load_taxonomy(DEFAULT)
    assert taxonomy.catch_all == "other"
    assert 10 <= len(taxonomy.topics) <= 20
    slugs = {t.slug for t in taxonomy.tags}
    assert {"survey", "benchmark", "code-available", "llm", "lora", "moe", "rlhf"} <= slugs
    assert any(t.parent for t in taxonomy.topics)
    root_copy = REPO / "taxonomy.yml"
    assert root_copy.read_text(encoding="utf-8") == DEFAULT.read_text(encoding="utf-8")


def test_examples_renames_and_shares() -> None:
    taxonomy = parse_taxonomy(
        """\
settings: {margin: 0.25, similarity: 0.2}
topics:
  - name: Agents
    renamed_from: [reasoning-agents, tools]
    examples: ["Planning In  Natural Language", 2501.00001]
  - {name: Other, renamed_from: misc}
""",
        "t.yml",
    )
    agents = taxonomy.topic("agents")
    assert agents.renamed_from == ("reasoning-agents", "tools")
    assert agents.examples == ("Planning In Natural Language", "2501.00001")
    assert renamed_topics(taxonomy) == {
        "reasoning-agents": "agents",
        "tools": "agents",
        "misc": "other",
    }
    assert (taxonomy.margin, taxonomy.similarity) == (0.25, 0.2)


def test_bad_renames_and_shares() -> None:
    assert errors(
        """\
settings: {margin: 1.5, similarity: -1}
topics:
  - {name: A, renamed_from: [b, Not A Slug]}
  - {name: B}
  - {name: C, renamed_from: old}
  - {name: D, renamed_from: old, examples: ["", x]}
  - {name: Other}
"""
    ) == [
        "taxonomy.yml:1: 'margin' must be at most 1, not '1.5'",
        "taxonomy.yml:1: 'similarity' must be at least 0, not '-1'",
        "taxonomy.yml:3: 'renamed_from' of topic 'A': 'Not A Slug' is not a slug"
        " (e.g. 'not-a-slug')",
        "taxonomy.yml:3: topic 'a' renamed_from 'b', which is still a topic",
        "taxonomy.yml:6: empty example of topic 'D'",
        "taxonomy.yml:6: topics 'c' and 'd' are both renamed_from 'old'",
    ]


def test_the_manuals_example_is_a_valid_taxonomy() -> None:
    manual = (REPO / "manual" / "taxonomy.md").read_text("utf-8")
    example = manual.split("```yaml\n", 1)[1].split("```", 1)[0]
    taxonomy = parse_taxonomy(example, "manual/taxonomy.md")
    assert taxonomy.topic("peft").renamed_from == ("adapters",)
    assert (taxonomy.min_score, taxonomy.margin) == (2.0, 0.5)
