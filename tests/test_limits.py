"""Issue 11: the documented limits (generator/limits.py): a digest's size, the topics and
tags of one paper; listings show a bounded number of tags per paper."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from project import make_project

from generator.errors import InputError
from generator.feed import build_feed
from generator.limits import LISTING_TAGS, MAX_TAGS, MAX_TOPICS
from generator.model import Classification, Digest, Entry, TagDef, Taxonomy, Topic
from generator.parse_structured import parse_yaml_digest
from generator.pipeline import check_classes
from generator.render import SiteSettings, render_site


def _feed_with_tags(n: int) -> tuple[object, Taxonomy, Classification]:
    digest = Digest("d.yml", dt.date(2025, 3, 14), "d", (Entry("A paper", "An abstract.", 3),))
    feed = build_feed([digest])
    tags = tuple(TagDef(f"t{i:02d}", f"Tag {i:02d}") for i in range(n))
    taxonomy = Taxonomy((Topic("all", "All"),), tags, "all")
    paper = feed.papers[0]
    classes = Classification(
        topics={paper.id: ("all",)}, tags={paper.id: tuple(t.slug for t in tags)}
    )
    return feed, taxonomy, classes


def test_a_listing_shows_a_bounded_number_of_tags_and_the_paper_page_all() -> None:
    feed, taxonomy, classes = _feed_with_tags(20)
    files = render_site(feed, taxonomy, classes, SiteSettings())  # type: ignore[arg-type]
    topic = str(files["topics/all/index.md"])
    assert len(re.findall(r">#Tag \d\d<", topic)) == LISTING_TAGS
    assert f" +{20 - LISTING_TAGS} more" in topic
    paper = next(
        str(v) for k, v in files.items() if k.startswith("papers/") and k != "papers/index.md"
    )
    assert len(re.findall(r">#?Tag \d\d<", paper)) == 20
    # Every tag page lists the paper with the same bounded entry: the site grows with
    # papers x tags, not papers x tags x tags.
    sizes = {len(str(files[f"tags/t{i:02d}/index.md"])) for i in range(20)}
    assert max(sizes) - min(sizes) < 100


def test_a_paper_given_too_many_tags_by_the_taxonomy_is_an_error() -> None:
    feed, _, classes = _feed_with_tags(MAX_TAGS)
    check_classes(feed, classes.topics, classes.tags)  # type: ignore[arg-type]
    feed, _, classes = _feed_with_tags(MAX_TAGS + 1)
    with pytest.raises(InputError) as e:
        check_classes(feed, classes.topics, classes.tags)  # type: ignore[arg-type]
    assert str(e.value) == (
        f"d.yml:3: the taxonomy gives 'A paper' {MAX_TAGS + 1} tags (at most {MAX_TAGS} a "
        "paper): make the tag rules narrower"
    )


@pytest.mark.parametrize(("field", "most"), [("topics", MAX_TOPICS), ("tags", MAX_TAGS)])
def test_a_digest_giving_a_paper_too_many_topics_or_tags_is_an_error(field: str, most: int) -> None:
    def digest(n: int) -> str:
        names = ", ".join(f"n{i}" for i in range(n))
        return (
            f"date: 2025-03-14\npapers:\n  - title: T\n    abstract: A.\n    {field}: [{names}]\n"
        )

    parse_yaml_digest(digest(most), "d.yml", None, "d")
    with pytest.raises(InputError) as e:
        parse_yaml_digest(digest(most + 1), "d.yml", None, "d")
    assert str(e.value) == f"d.yml:5: {field!r} lists {most + 1} names (at most {most} a paper)"


def test_a_digest_over_the_size_limit_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p")
    config = project.config.read_text("utf-8")
    project.config.write_text(
        config.replace("  - paperfeed:\n", "  - paperfeed:\n      max_digest_mb: 1\n"), "utf-8"
    )
    paper = "  - title: A paper\n    abstract: " + "word " * 1000 + "\n"
    body = "date: 2025-03-14\npapers:\n"
    papers = "".join(paper.replace("A paper", f"Paper {i}") for i in range(220))
    project.write_digest("2025-03-14.yml", body + papers)
    assert project.check() == 1
    assert capsys.readouterr().err.endswith(
        "digests/2025-03-14.yml: digest is too large: more than 1,000,000 bytes (see the "
        "plugin's max_digest_mb; split the digest or raise the limit)\n"
        "paperfeed: 1 error; nothing was written\n"
    )
    project.write_digest("2025-03-14.yml", body + papers[: len(papers) // 2])
    assert project.check() == 0
