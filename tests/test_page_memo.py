"""The page memo (issue #4): a page whose inputs did not change is not rendered again.

The build cache keeps, for every page a build rendered, a fingerprint of what the page
reads and the hash of the bytes it got. A later build that writes to the same folder
hands the writer that hash instead of the page (:class:`generator.model.Known`); the
writer asks for the bytes only when its copy of the page is missing or different. Each
test checks the folder against a build without any cache, byte for byte, after a change
of each kind of input a page reads.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest
from project import FIXTURES, REPO, taxonomy_source, tree_files

import generator.related as related_module
import generator.render.feeds as feeds_module
import generator.render.pages as pages_module
from generator.cache import BuildCache
from generator.feed import build_feed
from generator.ids import file_digest
from generator.model import Known, Paper
from generator.outputs import MARKER as OWNED
from generator.outputs import MARKER_TEXT
from generator.pipeline import generate, load_inputs
from generator.related import related_papers
from generator.render import SiteSettings, iter_site
from generator.render.common import _SOURCES
from generator.render.listing import ListingPart
from generator.write import MANIFEST, WriteStats, sync_tree

SETTINGS = SiteSettings(site_url="https://example.org/", page_size=7)

NEW_DIGEST = """\
date: 2025-03-25
papers:
  - title: A Memo Paper About Retrieval-Augmented Generation
    abstract: Retrieval-augmented generation with a large language model. Code at https://github.com/a/b
  - title: "COSMOS: A Hybrid Adaptive Optimizer for Memory-Efficient Training of LLMs"
    abstract: Seen again, a week later.
    arxiv: 2502.17410
"""


OWN_DIGEST = """\
date: 2025-03-20
title: "Memo week"
papers:
  - title: Sparse Memo Attention for Long Context Language Models
    abstract: We cache attention states of a long context language model and reuse them.
  - title: Another Paper on Memoised Diffusion Models
    abstract: A diffusion model whose denoising steps are memoised across prompts.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    digests = tmp_path / "digests"
    digests.mkdir()
    for source in (REPO / "digests", FIXTURES / "digests"):
        for path in sorted(source.iterdir()):
            shutil.copy(path, digests / path.name)
    (digests / "2025-03-20-own.yml").write_text(OWN_DIGEST, "utf-8")
    shutil.copy(taxonomy_source(), tmp_path / "taxonomy.yml")
    return tmp_path


class Renders:
    """Counts the paper pages, listing parts (topics, tags, digests, …), feeds and BibTeX
    files rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        monkeypatch.setattr(pages_module, "paper_page", self._counted(pages_module.paper_page))
        # A topic's feed and BibTeX file (the site's feed.xml is made on every build).
        atom = feeds_module._atom
        topic_atom = self._counted(atom)
        monkeypatch.setattr(
            feeds_module,
            "_atom",
            lambda *a: atom(*a) if a[3] == "feed.xml" else topic_atom(*a),
        )
        bib = feeds_module.bibtex_file
        monkeypatch.setattr(feeds_module, "bibtex_file", self._counted(bib))
        part = ListingPart
        monkeypatch.setattr(part, "render", self._counted(part.render))

    def _counted(self, render: Callable[..., str]) -> Callable[..., str]:
        def counted(*args: object) -> str:
            out = render(*args)
            self.paths.append(out.split("\n", 2)[1])  # the title line: enough to count
            return out

        return counted

    def take(self) -> int:
        n = len(self.paths)
        self.paths.clear()
        return n


def write(project: Path, settings: SiteSettings = SETTINGS) -> WriteStats:
    """One build with the cache into ``project/pages``, as ``paperfeed build --markdown-only``."""
    cache = BuildCache(project / "cache")
    digests, taxonomy, warnings = load_inputs(project / "digests", project / "taxonomy.yml", cache)
    stats: list[WriteStats] = []
    sink = lambda files: stats.append(sync_tree(files, project / "pages"))  # noqa: E731
    generate(digests, taxonomy, settings, warnings, sink, cache)
    cache.save()
    return stats[0]


def fresh(project: Path, settings: SiteSettings = SETTINGS) -> dict[str, bytes]:
    """Every file of a build without any cache."""
    digests, taxonomy, warnings = load_inputs(project / "digests", project / "taxonomy.yml")
    files = generate(digests, taxonomy, settings, warnings).files
    return {p: c.encode() if isinstance(c, str) else c for p, c in files.items()}


def check(project: Path, settings: SiteSettings = SETTINGS) -> None:
    on_disk = {p: b for p, b in tree_files(project / "pages").items() if not p.endswith("/")}
    del on_disk[MANIFEST]
    assert on_disk.pop(OWNED) == MARKER_TEXT.encode()
    expected = fresh(project, settings)
    assert sorted(on_disk) == sorted(expected)
    for path, data in expected.items():
        assert on_disk[path] == data, path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_an_unchanged_feed_renders_no_page_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    first = write(project)
    rendered = renders.take()
    assert rendered > 80  # every paper page, listing part and digest page
    again = write(project)
    assert renders.take() == 0
    assert again.written == 0 and again.unchanged == first.written
    check(project)


def test_a_new_digest_renders_only_the_pages_it_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    write(project)
    everything = renders.take()
    (project / "digests" / "2025-03-25-new.yml").write_text(NEW_DIGEST, "utf-8")
    stats = write(project)
    rendered = renders.take()
    assert 0 < rendered < everything / 2
    assert stats.written <= rendered + 10  # the pages always made: home, indexes, feeds
    check(project)
    cosmos = (project / "pages" / "papers" / "arxiv-2502-17410.md").read_text("utf-8")
    assert "2025-03-25" in cosmos  # its new appearance reached its page


def test_a_new_digest_leaves_the_full_parts_of_growing_listings_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list of every paper and the month's list grow at the top: a new digest changes
    their first page and the part it overlaps, not the full parts below (their titles,
    descriptions, pagers and papers do not say how long the list is)."""
    renders = Renders(monkeypatch)
    write(project)
    first = renders.paths[:]
    renders.take()
    (project / "digests" / "2025-03-25-new.yml").write_text(NEW_DIGEST, "utf-8")
    write(project)
    again = renders.paths[:]
    for listing in ("All papers", "March 2025"):
        parts = [t for t in first if t.startswith(f'title: "{listing}')]
        assert len(parts) > 8, parts  # page size 7: many full parts
        redone = [t for t in again if t.startswith(f'title: "{listing}')]
        # The first page, the newest numbered part, and a new part if it overflowed.
        assert 1 <= len(redone) <= 3, redone
    check(project)


@pytest.mark.parametrize(
    "change",
    [
        "abstract",
        "title",
        "topic name",
        "tag name",
        "digest title",
        "removed digest",
        "page size",
        "directory urls",
        "site url",
    ],
)
def test_every_input_a_page_reads_renders_it_again(project: Path, change: str) -> None:
    write(project)
    settings = SETTINGS
    digests = project / "digests"
    own = digests / "2025-03-20-own.yml"
    if change == "abstract":
        edit(own, "and reuse them.", "and reuse them <b>often</b>.")
    elif change == "title":  # also the title of a related paper on other pages
        edit(own, "Sparse Memo Attention", "Dense Memo Attention")
    elif change == "topic name":
        edit(project / "taxonomy.yml", "name: Fine-tuning & adaptation", "name: Adapting models")
    elif change == "tag name":
        text = (project / "taxonomy.yml").read_text("utf-8")
        tags = text.index("\ntags:")
        name = text.index("name: ", tags)
        (project / "taxonomy.yml").write_text(text[:name] + "name: Renamed " + text[name + 6 :])
    elif change == "digest title":
        edit(own, 'title: "Memo week"', 'title: "Memo <week>"')
    elif change == "removed digest":
        (digests / "2025-03-17-inline-noise.txt").unlink()
    elif change == "page size":
        settings = SiteSettings(site_url="https://example.org/", page_size=4)
    elif change == "directory urls":
        settings = SiteSettings(site_url="https://example.org/", page_size=7, directory_urls=False)
    elif change == "site url":
        settings = SiteSettings(site_url="https://example.com/feed/", page_size=7)
    stats = write(project, settings)
    assert stats.written > 0
    check(project, settings)


def test_where_a_paper_was_read_from_is_no_input_of_its_pages(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line inserted above the papers of a digest, or a build run from another folder,
    changes the files and lines papers were read from (``Paper.sources``, for messages)
    and the taxonomy's file name: no page shows them, so none is rendered again."""
    write(project)
    renders = Renders(monkeypatch)
    own = project / "digests" / "2025-03-20-own.yml"
    own.write_text("# a comment that moves every line down\n" + own.read_text("utf-8"))
    assert write(project).written <= 10  # the pages always made: home, indexes, feeds
    assert renders.take() == 0
    monkeypatch.chdir(project)  # paths are now shown relative to it
    write(project)
    assert renders.take() == 0
    check(project)


def test_sources_is_the_last_field_of_a_papers_repr() -> None:
    paper = Paper(
        id="x",
        slug="x",
        title="T",
        abstract="A, sources=('fake', 1)",
        appearances=(),
        sources=(("digests/a.txt", 3),),
    )
    assert [f.name for f in fields(Paper)][-1] == "sources"
    shown = repr(paper)
    assert shown[shown.rindex(_SOURCES) :] == ", sources=(('digests/a.txt', 3),))"


def test_a_page_missing_from_the_copy_is_rendered_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project)
    renders = Renders(monkeypatch)
    page = project / "pages" / "papers" / "arxiv-2502-17410.md"
    page.unlink()
    (project / "pages" / "topics" / "optimization" / "index.md").unlink()
    stats = write(project)
    assert renders.take() == 2
    assert stats.written == 2
    check(project)


def test_a_new_folder_gets_every_page_from_the_memo(project: Path) -> None:
    write(project)
    shutil.rmtree(project / "pages")
    assert write(project).unchanged == 0
    check(project)


def test_pages_are_known_contents_only_with_a_memo(project: Path) -> None:
    digests, taxonomy, _ = load_inputs(project / "digests", project / "taxonomy.yml")
    from generator.feed import build_feed
    from generator.model import Classification

    feed = build_feed(digests)
    classes = Classification(topics={p.id: ("other",) for p in feed.papers})
    plain = dict(iter_site(feed, taxonomy, classes, SETTINGS))
    assert not any(isinstance(c, Known) for c in plain.values())
    memo: dict[str, str] = {}
    known = list(iter_site(feed, taxonomy, classes, SETTINGS, memo))
    indexes = {"index.md", "topics/index.md", "tags/index.md", "archive/index.md"}
    memoised = [
        p
        for p, _ in known
        if p.startswith(("papers/", "topics/", "tags/", "archive/")) and p not in indexes
    ]
    assert len(memoised) > len(feed.papers)
    assert [p for p, c in known if isinstance(c, Known)] == memoised
    assert len(memo) == len(memoised)  # one fingerprint each
    for path, content in known:
        if isinstance(content, Known):
            data = content.make()
            assert file_digest(data) == content.digest
            assert data.decode() == plain[path]


def test_a_memo_that_lies_is_caught_when_the_page_is_rendered(project: Path) -> None:
    write(project)
    memo_file = next((project / "cache").glob("*/pages.tsv"))
    lines = memo_file.read_text("ascii").splitlines()
    wrong = "0" * 64
    memo_file.write_text("".join(f"{line[:33]}{wrong}\n" for line in lines), "ascii")
    with pytest.raises(RuntimeError, match="This is a bug"):
        write(project)


def test_bad_lines_in_the_memo_file_are_ignored(project: Path) -> None:
    write(project)
    memo_file = next((project / "cache").glob("*/pages.tsv"))
    memo_file.write_text("not a line\n" + "z" * 32 + "\t" + "0" * 64 + "\n", "ascii")
    write(project)
    check(project)
    assert all(len(line) == 97 for line in memo_file.read_text("ascii").splitlines())


APRIL_DIGEST = """\
date: 2025-04-01
papers:
  - title: Low-Rank Adapters for Fine-Tuning Code Language Models
    abstract: We fine-tune a large language model for code with low-rank adapters.
  - title: Routing Tokens in Sparse Mixture-of-Experts Language Models
    abstract: A learned router sends each token to a few experts of a sparse language model.
"""


def related_of(project: Path) -> dict[str, tuple[str, ...]]:
    digests, _, _ = load_inputs(project / "digests", project / "taxonomy.yml")
    return related_papers(build_feed(digests).papers)


def a_new_day(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[set[str], set[str], set[str]]:
    """A build of the feed with an April digest, then one with a second April digest:
    the ids of the paper pages the second renders, of its new papers and of the papers
    whose related papers it changes."""
    digests = project / "digests"
    (digests / "2025-04-01-april.yml").write_text(APRIL_DIGEST, "utf-8")
    write(project)
    before = related_of(project)
    (digests / "2025-04-02-new.yml").write_text(NEW_DIGEST.replace("03-25", "04-02"), "utf-8")
    rendered: set[str] = set()
    render = pages_module.paper_page

    def counted(ctx: pages_module.Context, paper: Paper) -> str:
        rendered.add(paper.id)
        return render(ctx, paper)

    monkeypatch.setattr(pages_module, "paper_page", counted)
    write(project)
    monkeypatch.setattr(pages_module, "paper_page", render)
    after = related_of(project)
    return rendered, after.keys() - before.keys(), {p for p in before if after[p] != before[p]}


def test_a_new_day_renders_the_paper_pages_it_relates_to_only(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The term weights settle on the months before the newest (generator.related): a new
    digest renders the pages of its papers, of the paper it has again and of the papers
    whose related papers it changes, which are fewer than when every paper's weights
    move with each day."""
    unsettled = tmp_path_factory.mktemp("unsettled") / "project"
    shutil.copytree(project, unsettled)
    rendered, new, changed = a_new_day(project, monkeypatch)
    assert len(new) == 1 and changed
    assert rendered == new | changed | {"2502.17410"}  # COSMOS: seen again
    check(project)

    monkeypatch.setattr(related_module, "settled_rows", lambda papers: None)
    moving, new, changed = a_new_day(unsettled, monkeypatch)
    assert moving == new | changed | {"2502.17410"}
    assert len(moving) >= len(rendered) + 5, (len(moving), len(rendered))
