"""Every YAML, JSON and template example of the README and the manual builds.

Each fenced ``yaml`` or ``json`` block of ``README.md`` and ``manual/*.md`` is one of: a
structured digest (it has a list of ``papers``), an ``enrichment.yml`` (``papers`` by title
key, each with an ``arxiv`` id), a curation file (a mapping of ``papers`` to changes), a
taxonomy (``topics``) or the plugin's settings (``plugins``). The digests, the enrichment
file and the settings are built together as a site, with the repository's taxonomy; a
taxonomy example is loaded and a digest classified with it; a curation example is applied
to a digest of its papers. Each fenced ``jinja`` block is a template override whose first
line names its file (``{# overrides/paperfeed/paper_entry.html #}``): a site is built with
it in the theme's ``custom_dir``, and every page it makes must differ from paperfeed's
own. A block that is none of these fails the test, so a new kind of example needs a test
too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from project import FIXTURES, REPO, copy_digests, is_paper, make_project

from generator.taxonomy import parse_taxonomy

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "manual").glob("*.md"))]
FENCE = re.compile(r"^```(yaml|json|jinja)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
TEMPLATE_FILE = re.compile(r"\{#-?\s*overrides/(paperfeed/[a-z_]+\.html)\b")


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


def kind_of(text: str, language: str = "yaml") -> str:
    if language == "jinja":
        return "template" if TEMPLATE_FILE.match(text) else "unknown"
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


def of_kind(kind: str) -> list[str]:
    """The text of every example of ``kind``."""
    return [text for _, language, text in EXAMPLES if kind_of(text, language) == kind]


def test_the_documents_have_examples_of_each_kind() -> None:
    kinds = {kind_of(text, language) for _, language, text in EXAMPLES}
    assert kinds == {"curation", "digest", "enrichment", "settings", "taxonomy", "template"}
    readme = [kind_of(text, language) for where, language, text in EXAMPLES]
    assert "template" in readme[: sum(1 for w, _, _ in EXAMPLES if w.startswith("README"))]


@pytest.mark.parametrize(("where", "language", "text"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_is_of_a_known_kind(where: str, language: str, text: str) -> None:
    kind = kind_of(text, language)
    assert kind != "unknown", f"{where}: an example this test does not know how to build"


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
        if kind_of(text, language) != "digest":
            continue
        data = yaml.safe_load(text)
        date = str(data["date"])
        digests[f"{date}-example-{n}.{language}"] = text
        titles += [paper["title"] for paper in data["papers"]]
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    (settings,) = [_settings(text) for text in of_kind("settings")]
    config["plugins"] = settings["plugins"]
    project = make_project(tmp_path, digests, config_text=yaml.safe_dump(config))
    (enrichment,) = of_kind("enrichment")
    (project.root / "enrichment.yml").write_text(enrichment, "utf-8")
    assert project.build() == 0
    built = json.loads((project.site / "papers.json").read_text("utf-8"))
    assert sorted(p["title"] for p in built["papers"]) == sorted(set(titles))  # one merged


def test_the_taxonomy_example_loads_and_classifies(tmp_path: Path) -> None:
    (text,) = of_kind("taxonomy")
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
    (text,) = of_kind("curation")
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


TEMPLATES = [(w, t) for w, language, t in EXAMPLES if kind_of(t, language) == "template"]


@pytest.mark.slow
@pytest.mark.parametrize(("where", "text"), TEMPLATES, ids=[w for w, _ in TEMPLATES])
def test_every_template_example_changes_the_pages_it_makes(
    tmp_path: Path, where: str, text: str
) -> None:
    match = TEMPLATE_FILE.match(text)
    assert match is not None
    name = match.group(1)
    built = {}
    for custom in (False, True):
        config = (REPO / "mkdocs.yml").read_text("utf-8")
        if custom:
            config = config.replace("  name: material\n", "  name: material\n  custom_dir: o\n")
        project = make_project(tmp_path / str(custom), config_text=config)
        copy_digests(FIXTURES / "digests", project)
        if custom:
            (project.root / "o" / name).parent.mkdir(parents=True)
            (project.root / "o" / name).write_text(text, "utf-8")
        assert project.build() == 0, where
        built[custom] = {
            p.relative_to(project.pages).as_posix(): p.read_text("utf-8")
            for p in project.pages.rglob("*.md")
        }
    assert built[False].keys() == built[True].keys()
    if name == "paperfeed/paper_entry.html":
        made = [p for p, t in built[False].items() if 'class="pf-item"' in t]
    else:
        made = [p for p in built[False] if p.startswith("papers/") and is_paper(p)]
    assert len(made) > 10, where
    for path in made:
        assert built[True][path] != built[False][path], (where, path)
    unchanged = [p for p in built[False] if p not in made]
    assert unchanged and all(built[True][p] == built[False][p] for p in unchanged), where
