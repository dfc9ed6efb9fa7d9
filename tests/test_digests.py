"""Digest files: decoding, dates in names, finding, reading and collecting problems."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.digests import (
    date_from_name,
    decode,
    find_digests,
    ignored_files,
    read_digest,
    read_digest_with_warnings,
    read_digests,
    read_digests_with_warnings,
)
from generator.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "digests"
PAPER = "A Title\n\nAn abstract.\n"


def messages(err: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in err.value.problems]


# --- decode --------------------------------------------------------------------------------


def test_decode_normalises() -> None:
    data = b"\xef\xbb\xbfCafe\xcc\x81\r\nline two\rline three\n"
    assert decode(data, "d.txt") == "Café\nline two\nline three\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ok\nok\n\xff\n", "d.txt:3: not UTF-8 text (invalid byte 0xff)"),
        (b"ok\n\xc3(", "d.txt:2: not UTF-8 text (invalid byte 0xc3)"),
        (b"a\nb\nc\x00d", "d.txt:3: not UTF-8 text (invalid byte 0x00)"),
        (b"\xff\xfeT\x00i\x00", "d.txt:1: not UTF-8 text (invalid byte 0xff)"),
        (b"", "d.txt:1: empty digest (no papers)"),
        (b"\xef\xbb\xbf \r\n\t\n", "d.txt:1: empty digest (no papers)"),
    ],
)
def test_decode_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        decode(data, "d.txt")
    assert messages(err) == [message]


# --- names and folders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("2025-03-14.txt", dt.date(2025, 3, 14)),
        ("2025-03-14-hf-papers.txt", dt.date(2025, 3, 14)),
        ("digests/2024-02-29_week.yml", dt.date(2024, 2, 29)),
        ("hf-2025-03-14.txt", None),
        ("2025-03-145.txt", None),
        ("notes.json", None),
    ],
)
def test_date_from_name(name: str, date: dt.date | None) -> None:
    assert date_from_name(name) == date


def test_impossible_date_in_name() -> None:
    with pytest.raises(InputError) as err:
        date_from_name("2025-02-30-hf.txt", "digests/2025-02-30-hf.txt")
    assert messages(err) == [
        "digests/2025-02-30-hf.txt: the file name's date '2025-02-30' is not a valid date"
    ]


def test_find_digests(tmp_path: Path) -> None:
    for name in ["b.yml", "a.txt", "c.JSON", "d.yaml", ".hidden.txt", "README.md", "x.csv"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.txt").mkdir()
    assert [p.name for p in find_digests(tmp_path)] == ["a.txt", "b.yml", "c.JSON", "d.yaml"]
    assert [p.name for p in ignored_files(tmp_path)] == ["README.md", "x.csv"]


def test_find_digests_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        find_digests(tmp_path / "digests")
    assert messages(err) == [f"{tmp_path / 'digests'}: no such folder"]
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError) as err:
        find_digests(tmp_path / "file")
    assert messages(err) == [f"{tmp_path / 'file'}: not a folder"]


# --- reading -------------------------------------------------------------------------------


def test_read_every_fixture() -> None:
    digests, problems = read_digests(find_digests(FIXTURES))
    assert problems == []
    assert [(d.slug, d.date, len(d.entries)) for d in digests] == [
        ("2025-03-15-noisy", dt.date(2025, 3, 15), 5),
        ("2025-03-16-crlf-bom", dt.date(2025, 3, 16), 2),
        ("2025-03-17-inline-noise", dt.date(2025, 3, 17), 3),
        ("2025-03-18-curated-json", dt.date(2025, 3, 18), 3),
        ("2025-03-18-curated", dt.date(2025, 3, 18), 3),
    ]


def test_read_digest_dispatches_by_extension(tmp_path: Path) -> None:
    (tmp_path / "2025-03-14-a.TXT").write_text(PAPER)
    (tmp_path / "2025-03-14-b.yaml").write_text("papers:\n- {title: T, abstract: A}\n")
    (tmp_path / "2025-03-14-c.json").write_text('{"papers": [{"title": "T", "abstract": "A"}]}')
    for path in sorted(tmp_path.iterdir()):
        digest = read_digest(path)
        assert digest.date == dt.date(2025, 3, 14)
        assert digest.slug == path.stem.lower()
        assert digest.source == str(path)
    assert read_digest(tmp_path / "2025-03-14-a.TXT", source="x.txt").source == "x.txt"


def test_slug_is_file_name_safe(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-14 Daily Papers (Café)!.txt"
    path.write_text(PAPER)
    assert read_digest(path).slug == "2025-03-14-daily-papers-cafe"
    chinese = tmp_path / "每日论文.txt"
    chinese.write_text("2025-03-14\n\n" + PAPER)
    assert read_digest(chinese).slug == "2025-03-14"


def test_read_digest_errors(tmp_path: Path) -> None:
    (tmp_path / "2025-03-14.md").write_text(PAPER)
    (tmp_path / "2025-03-14.txt").write_bytes(b"A Title\n\n\xff.\n")
    with pytest.raises(InputError) as err:
        read_digest(tmp_path / "2025-03-14.md", source="d/2025-03-14.md")
    assert messages(err) == [
        "d/2025-03-14.md: unsupported digest type '.md' (expected .txt, .yml, .yaml or .json)"
    ]
    with pytest.raises(InputError) as err:
        read_digest(tmp_path / "2025-03-14.txt", source="d/2025-03-14.txt")
    assert messages(err) == ["d/2025-03-14.txt:3: not UTF-8 text (invalid byte 0xff)"]
    with pytest.raises(InputError) as err:
        read_digest(tmp_path / "2025-03-15.txt", source="d/2025-03-15.txt")
    assert messages(err)[0].startswith("d/2025-03-15.txt: cannot read: ")


def test_read_digests_collects_every_problem(tmp_path: Path) -> None:
    files = {
        "2025-03-14.txt": PAPER,
        "2025-03-15.txt": "Mar 14\n\n" + PAPER,
        "2025-03-16.yml": "papers:\n- {titel: T, abstract: A}\n",
        "2025-03-17.txt": "",
        "2025-03-18.txt": "Mar 18\n\nOrphan abstract.\n\n"
        + PAPER
        + "\nA Lost Title Without Abstract\n",
        "2025-02-30.txt": PAPER,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    digests, problems = read_digests(find_digests(tmp_path))
    assert [d.slug for d in digests] == ["2025-03-14"]
    assert [str(p).removeprefix(f"{tmp_path}/") for p in problems] == [
        "2025-02-30.txt: the file name's date '2025-02-30' is not a valid date",
        "2025-03-15.txt:1: date line 'Mar 14' contradicts the date 2025-03-15 in the file name",
        "2025-03-16.yml:2: missing required field 'title'",
        "2025-03-16.yml:2: unknown field 'titel' (expected one of title, abstract, arxiv, url,"
        " authors, code, topics, tags, note, project, pdf, published, category, arxiv_comment,"
        " upvotes, comments, stars, keywords, organization)",
        "2025-03-17.txt:1: empty digest (no papers)",
        "2025-03-18.txt:3: abstract without a title",
        "2025-03-18.txt:9: title without an abstract: 'A Lost Title Without Abstract'",
    ]


def test_slug_collisions(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "2025-03-18-curated.yml", tmp_path)
    shutil.copy(FIXTURES / "2025-03-18-curated-json.json", tmp_path / "2025-03-18-curated.json")
    (tmp_path / "2025-03-18 Curated.txt").write_text(PAPER)
    digests, problems = read_digests(find_digests(tmp_path))
    assert [d.source for d in digests] == [str(tmp_path / "2025-03-18 Curated.txt")]
    first = tmp_path / "2025-03-18 Curated.txt"
    assert [str(p) for p in problems] == [
        f"{tmp_path / name}: digest name '2025-03-18-curated' is also used by {first}"
        " (rename one of the two files)"
        for name in ["2025-03-18-curated.json", "2025-03-18-curated.yml"]
    ]


def test_warnings_are_collected(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-14.txt"
    path.write_text(PAPER + "\nShow more\n")
    digest, warnings = read_digest_with_warnings(path)
    assert len(digest.entries) == 1
    assert [str(w) for w in warnings] == [f"{path}:5: skipped 'Show more': no abstract follows it"]
    digests, problems, warnings = read_digests_with_warnings([path])
    assert (len(digests), problems, len(warnings)) == (1, [], 1)
