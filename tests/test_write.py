"""The writer: atomic folder swaps, incremental rewrites, nothing outside the folder."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.write import recover, safe_relpath, swap_in, sync_tree


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".paperfeed")
    }


def test_sync_writes_exactly_the_files(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    stats = sync_tree({"a.md": "A", "x/b.md": "B"}, dest)
    assert tree(dest) == {"a.md": b"A", "x/b.md": b"B"}
    assert (stats.written, stats.unchanged, stats.removed) == (2, 0, 0)


def test_content_in_pieces_is_written_and_kept_when_unchanged(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    stats = sync_tree([("a.json", iter([b"[1,", b"2]"])), ("b.md", "B")], dest)
    assert tree(dest) == {"a.json": b"[1,2]", "b.md": b"B"}
    assert (stats.written, stats.unchanged) == (2, 0)
    inode = (dest / "a.json").stat().st_ino
    stats = sync_tree([("a.json", iter([b"[1", b",2]"])), ("b.md", "B")], dest)
    assert (stats.written, stats.unchanged) == (0, 2)
    assert (dest / "a.json").stat().st_ino == inode
    assert not [p for p in dest.iterdir() if p.name.endswith(".unchanged")]
    assert not (dest / ".paperfeed-pieces").exists()
    stats = sync_tree([("a.json", iter([b"[3]"])), ("b.md", "B")], dest)
    assert (stats.written, stats.unchanged) == (1, 1)
    assert tree(dest) == {"a.json": b"[3]", "b.md": b"B"}


def test_only_changed_files_are_rewritten_and_stale_ones_removed(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A", "b.md": "B", "old.md": "O"}, dest)
    inode_a = (dest / "a.md").stat().st_ino
    mtime_a = (dest / "a.md").stat().st_mtime_ns
    stats = sync_tree({"a.md": "A", "b.md": "B2", "c.md": "C"}, dest)
    assert tree(dest) == {"a.md": b"A", "b.md": b"B2", "c.md": b"C"}
    assert (stats.written, stats.unchanged, stats.removed) == (2, 1, 1)
    assert (dest / "a.md").stat().st_ino == inode_a
    assert (dest / "a.md").stat().st_mtime_ns == mtime_a


def test_an_error_while_rendering_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A", "b.md": "B"}, dest)
    before = {p.name: p.stat().st_mtime_ns for p in dest.iterdir()}

    def pages() -> Iterator[tuple[str, str]]:
        yield "a.md", "A2"
        yield "c.md", "C"
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        sync_tree(pages(), dest)
    assert tree(dest) == {"a.md": b"A", "b.md": b"B"}
    assert {p.name: p.stat().st_mtime_ns for p in dest.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages"]


def test_files_not_written_by_the_last_build_are_removed_and_missing_ones_rewritten(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A", "x/b.md": "B", "x/y/c.md": "C"}, dest)
    (dest / "stray.md").write_text("S")
    (dest / "x" / "y" / "stray.md").write_text("S")
    (dest / "link.md").symlink_to(tmp_path / "elsewhere.md")
    (dest / "x" / "b.md").unlink()
    stats = sync_tree({"a.md": "A", "x/b.md": "B", "x/y/c.md": "C"}, dest)
    assert tree(dest) == {"a.md": b"A", "x/b.md": b"B", "x/y/c.md": b"C"}
    assert not (dest / "link.md").is_symlink()
    assert (stats.written, stats.unchanged, stats.removed) == (1, 2, 3)


def test_a_file_can_become_a_folder_and_back(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a/b": "file", "keep.md": "K"}, dest)
    sync_tree({"a/b/c.md": "C", "keep.md": "K"}, dest)
    assert tree(dest) == {"a/b/c.md": b"C", "keep.md": b"K"}
    sync_tree({"a/b": "file again", "keep.md": "K"}, dest)
    assert tree(dest) == {"a/b": b"file again", "keep.md": b"K"}
    sync_tree({"keep.md": "K"}, dest)
    assert sorted(p.name for p in dest.iterdir()) == [
        ".paperfeed-manifest.json",
        ".paperfeed-output",
        "keep.md",
    ]


def test_a_folder_without_manifest_is_written_afresh(tmp_path: Path) -> None:
    """What a crash while a difference was moved in leaves: files that may not match any
    manifest, and none. Nothing found there is trusted."""
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A", "b.md": "B"}, dest)
    (dest / ".paperfeed-manifest.json").unlink()
    (dest / "a.md").write_text("half-updated")
    (dest / "old.md").write_text("O")
    stats = sync_tree({"a.md": "A", "b.md": "B"}, dest)
    assert tree(dest) == {"a.md": b"A", "b.md": b"B"}
    assert (stats.written, stats.unchanged) == (2, 0)


def test_no_temporary_folders_are_left_behind(tmp_path: Path) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A"}, dest)
    sync_tree({"a.md": "B"}, dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages"]


@pytest.mark.parametrize(
    "bad",
    [
        "../evil.md",
        "/etc/passwd",
        "a/../../b.md",
        "",
        "a//b.md",
        "./a.md",
        "x" * 300,
        "é" * 128,  # 256 bytes
        "a\\b.md",
        "a\x00b.md",
        "papers/\udc80.md",  # not UTF-8
    ],
)
def test_paths_outside_the_folder_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        safe_relpath(bad)
    dest = tmp_path / "pages"
    sync_tree({"keep.md": "K"}, dest)
    with pytest.raises(ValueError):
        sync_tree({"ok.md": "x", bad: "evil"}, dest)
    assert tree(dest) == {"keep.md": b"K"}, "a refused write changed the folder"
    assert not (tmp_path / "evil.md").exists()


def test_long_utf8_names_up_to_255_bytes_are_written(tmp_path: Path) -> None:
    name = "é" * 127 + "x"  # 255 bytes
    sync_tree({f"papers/{name}": "x"}, tmp_path / "pages")
    assert (tmp_path / "pages" / "papers" / name).read_text("utf-8") == "x"


def test_recover_restores_the_old_tree_after_a_crash_between_renames(tmp_path: Path) -> None:
    dest = tmp_path / "site"
    sync_tree({"index.html": "old"}, dest)
    # Simulate a crash after the first rename of a swap: only the backup exists.
    os.replace(dest, tmp_path / ".site.old-abc")
    (tmp_path / ".site.new-xyz").mkdir()
    recover(dest)
    assert tree(dest) == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_detached_cleanup_swaps_at_once_and_deletes_the_old_tree_later(tmp_path: Path) -> None:
    dest = tmp_path / "site"
    sync_tree({"a.html": "old"}, dest)
    new = tmp_path / "staging"
    new.mkdir()
    (new / "a.html").write_text("new")
    swap_in(new, dest, detach_cleanup=True)
    assert (dest / "a.html").read_text() == "new"
    assert not list(tmp_path.glob(".site.old-*")), "the old tree must not look like a backup"
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".site.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_recover_drops_trash_and_never_restores_it(tmp_path: Path) -> None:
    trash = tmp_path / ".site.trash-abc"
    trash.mkdir()
    (trash / "a.html").write_text("old")
    recover(tmp_path / "site")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [".paperfeed-manifest.json", ".paperfeed-pieces"])
def test_the_writers_own_names_are_refused(tmp_path: Path, name: str) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a.md": "A"}, dest)
    with pytest.raises(ValueError, match="keeps for itself"):
        sync_tree({"a.md": "A", name: "x"}, dest)
    assert tree(dest) == {"a.md": b"A"}


def test_a_path_that_is_also_a_folder_is_refused_before_the_folder_changes(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "pages"
    sync_tree({"a/b": "B", "c.md": "C"}, dest)
    before = {p.name: p.stat().st_mtime_ns for p in dest.rglob("*")}
    with pytest.raises(ValueError, match="both a file and a folder"):
        sync_tree({"a": "A", "a/b": "B", "c.md": "C2"}, dest)
    assert tree(dest) == {"a/b": b"B", "c.md": b"C"}
    assert {p.name: p.stat().st_mtime_ns for p in dest.rglob("*")} == before
    assert (dest / ".paperfeed-manifest.json").exists()


def test_a_staged_tree_is_read_back_from_the_disk_and_applied_only_when_asked(
    tmp_path: Path,
) -> None:
    """``paperfeed build`` writes its pages first and MkDocs reads them back: until the
    site is in place the copy is as it was, and a discarded tree leaves no trace."""
    from generator.write import stage_tree

    dest = tmp_path / "pages"
    sync_tree({"a.md": "A", "b.md": "B", "gone.md": "G"}, dest)
    inode = (dest / "a.md").stat().st_ino

    more = [(f"e/{i}.md", f"E{i}") for i in range(5)]
    staged = stage_tree([("a.md", "A"), ("b.md", "B2"), ("c/d.md", "D"), *more], dest)
    assert tree(dest) == {"a.md": b"A", "b.md": b"B", "gone.md": b"G"}  # untouched
    contents = staged.contents()
    assert list(contents)[:3] == ["a.md", "b.md", "c/d.md"] and len(contents) == 8
    assert [contents[p].text() for p in ("a.md", "b.md", "c/d.md")] == ["A", "B2", "D"]
    assert contents["b.md"].make() == b"B2"
    # Read from the disk: a text changed there is what is read once the last few read
    # (all that is kept in memory) are others.
    (staged.new / "c" / "d.md").write_text("D!", "utf-8")
    assert contents["c/d.md"].text() == "D"
    for path, text in more:
        assert contents[path].text() == text
    assert contents["c/d.md"].text() == "D!"

    stats = staged.apply()
    staged.discard()
    after = {"a.md": b"A", "b.md": b"B2", "c/d.md": b"D!"} | {p: t.encode() for p, t in more}
    assert tree(dest) == after
    assert (stats.written, stats.unchanged, stats.removed) == (7, 1, 1)
    assert (dest / "a.md").stat().st_ino == inode  # unchanged: not rewritten
    assert contents["b.md"].text() == "B2" and contents["c/d.md"].make() == b"D!"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages"]

    staged = stage_tree([("a.md", "other")], dest)
    staged.discard()
    assert tree(dest) == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages"]
