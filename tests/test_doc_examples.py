"""Every YAML and JSON example of the README and the manual builds.

Each fenced ``yaml`` or ``json`` block of ``README.md`` and ``manual/*.md`` is one of: a
structured digest (it has a list of ``papers``), an ``enrichment.yml`` (``papers`` by title
key, each with an ``arxiv`` id), a curation file (a mapping of ``papers`` to changes), a
taxonomy (``topics``) or the plugin's settings (``plugins``). The digests, the enrichment
file and the settings are built together as a site, with the repository's taxonomy; a
taxonomy example is loaded and a digest classified with it; a curation example is applied
to a digest of its papers. A block that is none of these fails the test, so a new kind of
example needs a test too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from project import REPO, make_project

from generator.taxonomy import parse_taxonomy

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "manual").glob("*.md"))]
FENCE = re.compile(r"^```(yaml|json)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples() -> list[tuple[str, str, str]]:
    """(where, language, text) of every YAML or JSON block, ``where`` as ``file:line``."""
    found = []
    for path in DOCUMENTS:
        source = path.read_text("utf-8")
        for match in FENCE.finditer(source):
            line = source.count("\n", 0, match.start()) + 2  # the block's first line
            where = f"{path.relative_to(REPO).as_posix()}:{line}"
            found.append((where, match.group(1), match.group(2)))
    return found


def kind_of(text: str) -> str:
    data = yaml.safe_load(text)
    if isinstance(data, dict) and isinstance(data.get("papers"), dict):
        records = [r for r in data["papers"].values() if isinstance(r, dict)]
        if any("arxiv" in r for r in records):
            return "enrichment"  # papers by title key (manual/digest-formats.md)
        return "curation"  # papers by arXiv id or title (manual/curation.md)
    if isinstance(data, dict):
        for key, kind in (("papers", "digest"), ("plugins", "settings"), ("topics", "taxonomy")):
            if key in data:
                return kind
    return "unknown"


EXAMPLES = examples()


def test_the_documents_have_examples_of_each_kind() -> None:
    kinds = {kind_of(text) for _, _, text in EXAMPLES}
    assert kinds == {"curation", "digest", "enrichment", "settings", "taxonomy"}, EXAMPLES


@pytest.mark.parametrize(("where", "language", "text"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_is_of_a_known_kind(where: str, language: str, text: str) -> None:
    assert kind_of(text) != "unknown", f"{where}: an example this test does not know how to build"


def _settings(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)
    (options,) = [p["paperfeed"] for p in data["plugins"] if isinstance(p, dict)]
    assert isinstance(options, dict)
    return data


@pytest.mark.slow
def test_the_digest_and_settings_examples_build_a_site(tmp_path: Path) -> None:
    digests: dict[str, str] = {}
    titles: list[str] = []
    for n, (_, language, text) in enumerate(EXAMPLES):
        if kind_of(text) != "digest":
            continue
        data = yaml.safe_load(text)
        date = str(data["date"])
        digests[f"{date}-example-{n}.{language}"] = text
        titles += [paper["title"] for paper in data["papers"]]
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    (settings,) = [_settings(text) for _, _, text in EXAMPLES if kind_of(text) == "settings"]
    config["plugins"] = settings["plugins"]
    project = make_project(tmp_path, digests, config_text=yaml.safe_dump(config))
    (enrichment,) = [text for _, _, text in EXAMPLES if kind_of(text) == "enrichment"]
    (project.root / "enrichment.yml").write_text(enrichment, "utf-8")
    assert project.build() == 0
    built = json.loads((project.site / "papers.json").read_text("utf-8"))
    assert sorted(p["title"] for p in built["papers"]) == sorted(set(titles))  # one merged


def test_the_taxonomy_example_loads_and_classifies(tmp_path: Path) -> None:
    (text,) = [text for _, _, text in EXAMPLES if kind_of(text) == "taxonomy"]
    taxonomy = parse_taxonomy(text, "taxonomy.yml")
    assert [t.slug for t in taxonomy.topics] == ["fine-tuning", "peft", "other"]
    digest = """\
date: 2025-03-18
papers:
  - title: LoRA for everyone
    abstract: Low-rank adaptation; our code is available.
    tags: [survey]
"""
    project = make_project(tmp_path, {"2025-03-18.yml": digest})
    (project.root / "taxonomy.yml").write_text(text, "utf-8")
    assert project.check() == 0


def test_the_curation_example_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (text,) = [text for _, _, text in EXAMPLES if kind_of(text) == "curation"]
    named = list(yaml.safe_load(text)["papers"])
    digest = {
        "date": "2025-03-18",
        "papers": [
            {"title": "Reward models for RLHF", "arxiv": named[0], "abstract": "RLHF."},
            {"title": named[1], "abstract": "Wider mixture of experts (MoE) layers. MoE."},
            {"title": named[2], "abstract": "Nothing."},
        ],
    }
    project = make_project(tmp_path, {"2025-03-18.yml": yaml.safe_dump(digest)})
    (project.root / "curation.yml").write_text(text, "utf-8")
    assert project.check() == 0
    assert "papers hidden:       1\n" in capsys.readouterr().out
