"""The related papers are computed while the listings render (generator.pipeline):
the paper pages, which show them, wait for them; the result is the same."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import pytest
from project import REPO, taxonomy_source

import generator.pipeline as pipeline
from generator.classify import classify
from generator.model import Content, Digest, Taxonomy
from generator.pipeline import generate, load_inputs
from generator.render import SiteSettings

SETTINGS = SiteSettings(site_url="https://example.org/")


def _inputs() -> tuple[list[Digest], Taxonomy]:
    digests, taxonomy, _ = load_inputs(REPO / "digests", taxonomy_source())
    return digests, taxonomy


def test_the_listings_render_while_the_related_papers_are_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digests, taxonomy = _inputs()
    listing_made = threading.Event()
    real = pipeline.related_from
    asked: list[str] = []

    def after_a_listing(*args: object) -> dict[str, tuple[str, ...]]:
        # Before this returns, the sink has been given a topic's listing: the pages did
        # not wait for the related papers (a pipeline that computes them first times out).
        assert listing_made.wait(30), "the pages waited for the related papers"
        return real(*args)  # type: ignore[arg-type]

    def sink(files: Iterable[tuple[str, Content]]) -> None:
        for path, _ in files:
            asked.append(path)
            if path.startswith("topics/"):
                listing_made.set()

    monkeypatch.setattr(pipeline, "related_from", after_a_listing)
    generated = generate(digests, taxonomy, SETTINGS, sink=sink)
    assert any(p.startswith("papers/") for p in asked)
    related = generated.classes.related
    assert type(related) is dict  # what the build keeps is the result, not the thread
    assert related == classify(generated.feed, taxonomy).related
    assert any(related.values())


def test_an_error_computing_the_related_papers_is_the_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digests, taxonomy = _inputs()

    def fails(*args: object) -> dict[str, tuple[str, ...]]:
        raise MemoryError("no memory left for the related papers")

    monkeypatch.setattr(pipeline, "related_from", fails)
    with pytest.raises(MemoryError, match="no memory left for the related papers"):
        generate(digests, taxonomy, SETTINGS, sink=lambda files: list(files))
    with pytest.raises(MemoryError, match="no memory left"):
        generate(digests, taxonomy, SETTINGS)


def test_a_feed_of_no_papers_returns_its_related_papers_as_a_dict(tmp_path: Path) -> None:
    """Nothing looks a paper up in a feed of no papers: the result is joined all the same."""
    (tmp_path / "digests").mkdir()
    digests, taxonomy, _ = load_inputs(tmp_path / "digests", taxonomy_source())
    generated = generate(digests, taxonomy, SETTINGS)
    assert generated.classes.related == {}
    assert type(generated.classes.related) is dict
