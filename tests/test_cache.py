"""The build cache (issue #4): a build from the cache gives the same bytes as a build without.

Parsed digests and classified papers are kept in ``.cache/plugin/paperfeed``; a digest
whose file did not change is not parsed again, a paper whose text did not change is not
matched again. Each test compares with a generate that uses no cache at all.
"""

from __future__ import annotations

import pickle
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from project import FIXTURES, REPO, make_project, run_cli, taxonomy_source, tree_files

import generator.classify as classify_module
import generator.digests as digests_module
import generator.related as related_module
from generator.cache import MARKER, BuildCache, Memo, code_version
from generator.classify import paper_key
from generator.pipeline import Generated, generate, load_inputs
from generator.related import TermCounts
from generator.render import SiteSettings

SETTINGS = SiteSettings(site_url="https://example.org/")
EXTRA = """\
date: 2025-03-25
papers:
  - title: A Cached Paper About Retrieval-Augmented Generation
    abstract: Retrieval-augmented generation with a large language model. Code at https://github.com/a/b
"""


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    digests = tmp_path / "digests"
    digests.mkdir()
    for source in (REPO / "digests", FIXTURES / "digests", FIXTURES / "hostile"):
        for path in sorted(source.iterdir()):
            shutil.copy(path, digests / path.name)
    (digests / "2025-03-24-warns.txt").write_text(
        "Welcome to the reading group page\n\nOne Title\n\nAn abstract on diffusion models.",
        "utf-8",
    )
    taxonomy = tmp_path / "taxonomy.yml"
    shutil.copy(taxonomy_source(), taxonomy)
    return digests, taxonomy


def _generate(digests: Path, taxonomy: Path, cache: BuildCache | None) -> Generated:
    loaded = load_inputs(digests, taxonomy, cache)
    generated = generate(*loaded[:2], SETTINGS, loaded[2], cache=cache)
    if cache is not None:
        cache.save()
    return generated


def _fresh_and_cached(digests: Path, taxonomy: Path, cache: Path) -> Generated:
    """A build without the cache; and a first build with it, which fills ``cache``."""
    fresh = _generate(digests, taxonomy, None)
    _generate(digests, taxonomy, BuildCache(cache))
    return fresh


def _same(a: Generated, b: Generated) -> None:
    assert list(a.files) == list(b.files)
    assert a.files == b.files
    assert a.classes == b.classes
    assert a.warnings == b.warnings
    assert a.feed == b.feed


class _Counted:
    """Counts the calls to a module function, still calling it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
        self.calls: list[object] = []
        original = getattr(module, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.calls.append(args[0])
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def test_a_warm_cache_gives_the_same_site_without_parsing_or_matching_again(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests, taxonomy = inputs
    fresh = _generate(digests, taxonomy, None)
    cold = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    _same(cold, fresh)
    assert fresh.warnings, "a digest warns; the cache must keep its warnings"

    parsed = _Counted(monkeypatch, digests_module, "_parse")
    matched = _Counted(monkeypatch, classify_module, "_Text")
    counted = _Counted(monkeypatch, related_module, "_count")
    warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    _same(warm, fresh)
    assert parsed.calls == []
    assert matched.calls == []
    assert counted.calls == []


def test_a_new_or_changed_digest_is_the_only_one_parsed(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests, taxonomy = inputs
    _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    (digests / "2025-03-25-extra.yml").write_text(EXTRA, "utf-8")
    noisy = digests / "2025-03-15-noisy.txt"
    noisy.write_bytes(noisy.read_bytes() + b"\n\n")  # other bytes, same papers
    parsed = _Counted(monkeypatch, digests_module, "_parse")
    matched = _Counted(monkeypatch, classify_module, "_Text")
    counted = _Counted(monkeypatch, related_module, "_count")
    warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    ((new_papers,),) = [counted.calls]
    assert [p.title for p in new_papers] == [  # type: ignore[attr-defined]
        "A Cached Paper About Retrieval-Augmented Generation"
    ]
    assert sorted(Path(p).name for p in parsed.calls) == [
        "2025-03-15-noisy.txt",
        "2025-03-25-extra.yml",
    ]
    titles = {t for t in matched.calls if isinstance(t, str)}
    assert "A Cached Paper About Retrieval-Augmented Generation" in titles
    assert len(matched.calls) < len(warm.feed.papers)  # the others came from the cache
    monkeypatch.undo()
    _same(warm, _generate(digests, taxonomy, None))


def test_a_taxonomy_change_classifies_again(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    digests, taxonomy = inputs
    before = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    text = taxonomy.read_text("utf-8")
    assert "max_topics: 3" in text
    taxonomy.write_text(text.replace("max_topics: 3", "max_topics: 1"), "utf-8")
    warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    _same(warm, _generate(digests, taxonomy, None))
    assert warm.classes.topics != before.classes.topics
    files = list((tmp_path / "cache" / code_version()).glob("classes-*"))
    assert len(files) == 1, "the previous taxonomy's classifications are deleted"


def test_unreadable_cache_files_are_ignored_and_rewritten(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    digests, taxonomy = inputs
    fresh = _fresh_and_cached(digests, taxonomy, tmp_path / "cache")
    folder = tmp_path / "cache" / code_version()
    entries = sorted([*folder.rglob("*.json"), *folder.rglob("*.npz")])
    # One per digest, and the term counts of related papers.
    assert len(entries) == len(list(digests.iterdir())) + 1
    assert (folder / "terms.npz") in entries
    for path in entries:
        path.write_bytes(path.read_bytes()[:40])  # truncated
    (classes,) = folder.glob("classes-*.tsv")
    lines = classes.read_text("ascii").splitlines()
    assert len(lines) == len(fresh.feed.papers)
    classes.write_text("\n".join(["x", "a\tb", *lines[: len(lines) // 2]]) + "\nhalf", "ascii")
    cache = BuildCache(tmp_path / "cache")
    _same(_generate(digests, taxonomy, cache), fresh)
    # Each entry that did not parse is discarded with a warning, then rewritten.
    assert sorted(Path(p.file) for p in cache.discarded) == entries
    assert all(p.message.startswith("build cache entry discarded") for p in cache.discarded)
    cache = BuildCache(tmp_path / "cache")
    _same(_generate(digests, taxonomy, cache), fresh)
    assert cache.discarded == []


def test_what_a_build_did_not_use_is_deleted(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    digests, taxonomy = inputs
    root = tmp_path / "cache"
    (root / "0123456789abcdef" / "digests").mkdir(parents=True)  # an older paperfeed's
    (root / "0123456789abcdef" / MARKER).write_text("", "ascii")
    (root / "fedcba9876543210").mkdir()  # named like one, but not marked: not ours
    (root / "social").mkdir()  # not ours (a cache_dir shared with another plugin)
    (root / "notes.txt").write_text("not ours either", "utf-8")
    _generate(digests, taxonomy, BuildCache(root))
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [code_version(), "CACHEDIR.TAG", "fedcba9876543210", "notes.txt", "social"]
    )
    assert (
        (root / "CACHEDIR.TAG")
        .read_text("ascii")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    before = len(list((root / code_version() / "digests").iterdir()))
    (digests / "2025-03-21-hostile.txt").unlink()
    _generate(digests, taxonomy, BuildCache(root))
    assert len(list((root / code_version() / "digests").iterdir())) == before - 1
    assert not list(root.rglob(".tmp-*"))


def test_papers_with_the_same_text_are_each_classified(tmp_path: Path) -> None:
    """Two entries with different arXiv ids and the same text are two papers, one key."""
    digests = tmp_path / "digests"
    digests.mkdir()
    text = "    title: Same Text Twice\n    abstract: Diffusion models for image generation.\n"
    (digests / "2025-03-25.yml").write_text(
        "date: 2025-03-25\npapers:\n"
        f"  - arxiv: '2503.00001'\n{text}  - arxiv: '2503.00002'\n{text}",
        "utf-8",
    )
    taxonomy = taxonomy_source()
    fresh = _generate(digests, taxonomy, None)
    assert len(fresh.feed.papers) == 2
    assert len({paper_key(p) for p in fresh.feed.papers}) == 1
    for _ in range(2):
        _same(_generate(digests, taxonomy, BuildCache(tmp_path / "cache")), fresh)


def test_memo_keeps_only_what_was_used() -> None:
    memo: Memo[int] = Memo({"a": 1, "b": 2})
    assert memo["a"] == 1
    memo["c"] = 3
    assert dict(memo) == {"a": 1, "c": 3}
    assert memo.changed
    with pytest.raises(KeyError):
        memo["d"]
    same: Memo[int] = Memo({"a": 1})
    assert "a" in same
    assert not same.changed


def test_build_writes_the_cache_and_no_cache_leaves_none(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2025-03-25-extra.yml": EXTRA})
    cache = project.root / ".cache" / "plugin" / "paperfeed"
    assert project.build("--markdown-only", "--no-cache") == 0
    assert not cache.exists()
    first = tree_files(project.pages)
    assert project.build("--markdown-only") == 0
    assert (cache / code_version() / "digests").is_dir()
    assert project.build("--markdown-only") == 0
    assert tree_files(project.pages) == first


def test_a_cache_that_cannot_be_written_does_not_stop_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2025-03-25-extra.yml": EXTRA})
    (project.root / ".cache").write_text("a file where the cache folder would go", "utf-8")
    assert project.build("--markdown-only") == 0
    assert project.build("--markdown-only") == 0


@pytest.mark.parametrize(
    ("field", "before", "after"),
    [
        ("abstract", "Diffusion models for image generation.", "Reinforcement learning rewards."),
        ("topics", "[]", "[model-merging]"),
        ("tags", "[]", "[benchmark]"),
        ("code", "''", "https://github.com/a/b"),
    ],
)
def test_a_paper_whose_input_changed_is_classified_again(
    tmp_path: Path, field: str, before: str, after: str
) -> None:
    digests = tmp_path / "digests"
    digests.mkdir()
    taxonomy = taxonomy_source()
    base = {"abstract": "Diffusion models for image generation.", "topics": "[]", "tags": "[]"}
    results = []
    for value in (before, after):
        fields = base | {field: value}
        body = "".join(f"    {k}: {v}\n" for k, v in fields.items() if v != "''")
        (digests / "2025-03-25.yml").write_text(
            f"date: 2025-03-25\npapers:\n  - title: One Paper\n{body}", "utf-8"
        )
        warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
        _same(warm, _generate(digests, taxonomy, None))
        results.append(warm.classes)
    assert results[0] != results[1]


def test_a_renamed_digest_is_read_again(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    """Same bytes, new name: the digest's slug (its page) comes from the name."""
    digests, taxonomy = inputs
    _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    (digests / "2025-03-14-hf-papers.txt").rename(digests / "2025-03-14-daily.txt")
    warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    _same(warm, _generate(digests, taxonomy, None))
    assert "2025-03-14-daily" in {d.slug for d in warm.feed.digests}


def test_a_moved_digests_folder_is_read_again(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    """Same names and bytes, another folder: error messages name the new place."""
    digests, taxonomy = inputs
    _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    moved = digests.rename(tmp_path / "moved")
    warm = _generate(moved, taxonomy, BuildCache(tmp_path / "cache"))
    _same(warm, _generate(moved, taxonomy, None))
    assert all("moved" in d.source for d in warm.feed.digests)
    assert warm.warnings and all("moved" in w.file for w in warm.warnings)


def test_a_paper_whose_title_changed_is_classified_again(tmp_path: Path) -> None:
    digests = tmp_path / "digests"
    digests.mkdir()
    taxonomy = taxonomy_source()
    results = []
    for title in ("A Plain Title", "Parameter-Efficient Fine-Tuning With LoRA"):
        (digests / "2025-03-25.yml").write_text(
            "date: 2025-03-25\npapers:\n  - arxiv: '2503.00001'\n"
            f"    title: {title}\n    abstract: Some text.\n",
            "utf-8",
        )
        warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
        _same(warm, _generate(digests, taxonomy, None))
        results.append(warm.classes)
    assert results[0].topics != results[1].topics


def test_a_cache_entry_of_the_wrong_shape_is_a_miss(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    digests, taxonomy = inputs
    fresh = _fresh_and_cached(digests, taxonomy, tmp_path / "cache")
    for path in (tmp_path / "cache" / code_version() / "digests").iterdir():
        path.write_text('["not", "a digest"]', "utf-8")
    cache = BuildCache(tmp_path / "cache")
    _same(_generate(digests, taxonomy, cache), fresh)
    assert len(cache.discarded) == len(list(digests.iterdir()))


@pytest.mark.parametrize("where", ["docs/cache", ".", "site", "digests/.cache", "build"])
def test_a_cache_dir_that_overlaps_the_project_folders_is_refused(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p", {"2025-03-25-extra.yml": EXTRA})
    config = project.config.read_text("utf-8")
    assert "  - paperfeed" in config
    project.config.write_text(
        re.sub(r"( +)- paperfeed:?\n", rf"\1- paperfeed:\n\1    cache_dir: {where}\n", config),
        "utf-8",
    )
    assert project.build("--markdown-only") == 2
    err = capsys.readouterr().err
    assert "cache_dir" in err and "give the cache a folder of its own" in err
    assert not list(project.root.rglob("CACHEDIR.TAG"))


def test_the_build_report_says_how_many_digests_came_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p", {"2025-03-25-extra.yml": EXTRA})
    shutil.copy(FIXTURES / "digests" / "2025-03-18-curated.yml", project.digests)
    assert run_cli(["build", "--config", str(project.config), "--markdown-only"]) == 0
    assert "paperfeed: 2 digests, " in capsys.readouterr().out
    (project.digests / "2025-03-18-curated.yml").unlink()
    assert run_cli(["build", "--config", str(project.config), "--markdown-only"]) == 0
    assert "paperfeed: 1 digest (1 from the cache), " in capsys.readouterr().out


def test_term_counts_of_papers_gone_or_changed_are_not_kept(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The term counts kept are exactly those of this build's papers: a removed digest's
    papers and a changed abstract's old words are gone, and the changed paper is counted
    again."""
    digests, taxonomy = inputs
    _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    (digests / "2025-03-24-warns.txt").write_text(
        "One Title\n\nAn abstract on zeppelinology instead.", "utf-8"
    )
    (digests / "2025-03-15-noisy.txt").unlink()
    counted = _Counted(monkeypatch, related_module, "_count")
    warm = _generate(digests, taxonomy, BuildCache(tmp_path / "cache"))
    assert [[p.title for p in papers] for papers in counted.calls] == [["One Title"]]  # type: ignore[attr-defined]
    monkeypatch.undo()
    _same(warm, _generate(digests, taxonomy, None))
    kept = BuildCache(tmp_path / "cache").terms.load()
    assert kept is not None
    fresh = related_module.count_terms(sorted(warm.feed.papers, key=lambda p: p.id))
    assert kept.terms == fresh.terms
    assert "zeppelinology" in kept.terms
    assert (kept.start == fresh.start).all() and (kept.term == fresh.term).all()
    assert (kept.count == fresh.count).all()


@pytest.mark.parametrize(
    "broken",
    [
        lambda c: TermCounts(c.terms[:1], c.rows, c.start, c.term, c.count),  # term ids too high
        lambda c: TermCounts(c.terms, c.rows, c.start[:-1], c.term, c.count),  # rows cut short
        lambda c: TermCounts(c.terms, c.rows, c.start, c.term.astype("int64"), c.count),
        lambda c: ("not", "term counts"),
        lambda c: TermCounts(c.terms, c.rows, "not an array", c.term, c.count),  # type: ignore[arg-type]
        lambda c: TermCounts(c.terms[::-1], c.rows, c.start, c.term, c.count),  # unsorted
        lambda c: TermCounts(c.terms, c.rows, c.start, c.term, c.count * 0),  # zero counts
        lambda c: TermCounts(c.terms, c.rows, c.start, c.term[::-1].copy(), c.count),
    ],
)
def test_term_counts_that_do_not_fit_together_are_a_miss(
    inputs: tuple[Path, Path], tmp_path: Path, broken: object
) -> None:
    digests, taxonomy = inputs
    fresh = _fresh_and_cached(digests, taxonomy, tmp_path / "cache")
    cache = BuildCache(tmp_path / "cache")
    counts = cache.terms.load()
    value = broken(counts)  # type: ignore[operator]
    if isinstance(value, TermCounts):
        cache.terms.keep(value)
    else:
        cache.terms.path.write_bytes(repr(value).encode())
    assert cache.terms.load() is None
    assert [p.file for p in cache.discarded] == [str(cache.terms.path)]
    _same(_generate(digests, taxonomy, BuildCache(tmp_path / "cache")), fresh)


class _Payload:
    """Unpickling this creates the file ``path``: it stands for any code a pickle can run."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (open, (str(self.path), "w"))


def test_a_poisoned_cache_runs_nothing_and_is_discarded_with_a_warning(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    """The cache holds data, never code: a cache restored from elsewhere with pickles in
    it (in every name the cache uses, old and new) runs nothing."""
    digests, taxonomy = inputs
    fresh = _fresh_and_cached(digests, taxonomy, tmp_path / "cache")
    folder = tmp_path / "cache" / code_version()
    ran = tmp_path / "code-ran"
    poison = pickle.dumps(_Payload(ran))
    entries = sorted(folder.glob("digests/*.json"))
    assert entries
    for path in entries:
        path.write_bytes(poison)
        path.with_suffix(".pickle").write_bytes(poison)
    (folder / "terms.pickle").write_bytes(poison)
    # A NumPy file whose arrays are pickled objects: refused unread (allow_pickle=False).
    with zipfile.ZipFile(folder / "terms.npz", "w") as npz:
        for name in ("terms", "row_keys", "row_values", "start", "term", "count"):
            import io

            import numpy as np

            buffer = io.BytesIO()
            np.save(buffer, np.array([_Payload(ran)], dtype=object), allow_pickle=True)
            npz.writestr(f"{name}.npy", buffer.getvalue())
    cache = BuildCache(tmp_path / "cache")
    _same(_generate(digests, taxonomy, cache), fresh)
    assert not ran.exists()
    assert sorted(p.file for p in cache.discarded) == sorted(
        [*map(str, entries), str(folder / "terms.npz")]
    )


def test_cache_warnings_reach_the_build_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p", {"2025-03-25-extra.yml": EXTRA})
    assert project.build("--markdown-only") == 0
    (entry,) = (project.root / ".cache" / "plugin" / "paperfeed").glob("*/digests/*.json")
    entry.write_text("{", "utf-8")
    capsys.readouterr()
    assert run_cli(["build", "--config", str(project.config), "--markdown-only"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {entry}: build cache entry discarded (it does not parse: " in err
