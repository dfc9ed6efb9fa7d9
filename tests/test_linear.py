"""Issue 11: no input stalls a build. 1 MB of crafted text in any field of any digest format
is read in about the time of 1 MB of ordinary text in the same field, or refused by a
documented limit with a short message.

Times are compared with each other (CPU time of this process, the faster of two runs), never
with a fixed number of seconds: crafted text may take at most RATIO times as long as
ordinary text of the same size. Before the fixes, the crafted cases took 10 to 100 times
longer at 200 KB and minutes at 1 MB.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from generator.digests import read_digest_with_warnings
from generator.errors import InputError
from generator.ids import arxiv_id
from generator.limits import FIELD_CHARS, excerpt
from generator.links import extract_links

pytestmark = pytest.mark.slow

SIZE = 1_000_000
RATIO = 10
PARENS = "see https://github.com/a/b" + ")" * SIZE
ARXIV = "arxiv.org/abs/" * (SIZE // 14) + " x"
ORDINARY = ("The code is at https://github.com/a/b (see the paper). " * (SIZE // 56 + 1))[:SIZE]
"""Ordinary prose, with the URLs and brackets abstracts have."""

CRAFTED = {
    "parens": PARENS[:SIZE],
    "arxiv": ARXIV,
    "glued urls": ("https://a.b/(" * (SIZE // 13))[:SIZE],
    "dots": ("https://a" + ".a" * SIZE)[:SIZE],
}
YAML_FIELDS = ("title", "abstract", "arxiv", "url", "code", "authors", "topics", "tags", "note")


def _cpu(run: object) -> float:
    """The CPU time of ``run()`` in this process (other processes' load does not count)."""
    start = time.process_time()
    run()  # type: ignore[operator]
    return time.process_time() - start


def _read(path: Path) -> list[str]:
    """The messages of reading ``path`` (none when it reads cleanly); each must be short."""
    try:
        read_digest_with_warnings(path)
    except InputError as e:
        messages = [p.message for p in e.problems]
        assert all(len(m) < 300 for m in messages), [m[:400] for m in messages]
        return messages
    return []


def _digest(fmt: str, field: str, value: str) -> str:
    paper = {"title": "A paper", "abstract": "An abstract."}
    top: dict[str, object] = {"date": "2025-03-14", "papers": [paper]}
    if field == "digest title":
        top["title"] = value
    elif field == "field name":
        paper[value] = "x"
    else:
        paper[field] = value
    if fmt == "json":
        return json.dumps(top)
    # A YAML block scalar keeps the value verbatim whatever its characters.
    lines = ["date: 2025-03-14"]
    if field == "digest title":
        lines.append(f"title: |-\n  {value}")
    lines.append("papers:")
    lines.append(f"  - title: |-\n      {value if field == 'title' else 'A paper'}")
    lines.append(f"    abstract: |-\n      {value if field == 'abstract' else 'An abstract.'}")
    if field == "field name":
        lines.append(f"    {json.dumps(value)}: x")
    elif field not in ("title", "abstract", "digest title"):
        lines.append(f"    {field}: |-\n      {value}")
    return "\n".join(lines) + "\n"


def _text_digest(field: str, value: str) -> str:
    if field == "title":
        return f"Mar 14, 2025\n\n{value}\n\nAn abstract of the paper that ends here.\n"
    if field == "abstract":
        return f"Mar 14, 2025\n\nA Paper Title Here\n\n{value}\n"
    # 1 MB of abstracts under the limit, each one crafted.
    piece = value[: FIELD_CHARS["abstract"] - 100] + "."
    papers = [f"Paper Number {i} Title\n\n{piece}\n" for i in range(SIZE // len(piece) + 1)]
    return "Mar 14, 2025\n\n" + "\n".join(papers)


FIELDS = (*YAML_FIELDS, "digest title", "field name")
CASES = [
    *[("yml", f) for f in FIELDS],
    *[("json", f) for f in FIELDS],
    *[("txt", f) for f in ("title", "abstract", "many abstracts")],
]
EVERY_PAYLOAD = ("abstract", "url", "many abstracts")
"""Fields tried with every crafted text; the others with the two the issue found."""


@pytest.mark.parametrize(("fmt", "field"), CASES)
def test_crafted_text_reads_in_about_the_time_of_ordinary_text(
    tmp_path: Path, fmt: str, field: str
) -> None:
    def write(name: str, value: str) -> Path:
        text = _text_digest(field, value) if fmt == "txt" else _digest(fmt, field, value)
        path = tmp_path / f"2025-03-14-{name}.{fmt}"
        path.write_text(text, "utf-8")
        return path

    good = write("ordinary", ORDINARY)
    ordinary_time = _cpu(lambda: _read(good))
    payloads = CRAFTED if field in EVERY_PAYLOAD else ("parens", "arxiv")
    for crafted in payloads:
        bad = write(crafted.replace(" ", "-"), CRAFTED[crafted])
        assert bad.stat().st_size >= SIZE
        crafted_time = _cpu(lambda: _read(bad))  # noqa: B023 - called at once
        assert crafted_time <= RATIO * max(ordinary_time, 0.02), (
            crafted,
            crafted_time,
            ordinary_time,
        )


def test_every_over_long_field_is_refused_with_a_short_excerpt(tmp_path: Path) -> None:
    for field, limit in FIELD_CHARS.items():
        value = "x" * (limit + 1)
        path = tmp_path / f"2025-03-14-{field}.yml"
        path.write_text(_digest("yml", field, value), "utf-8")
        shown = excerpt(value)
        assert shown == f"'{'x' * 40}'... ({limit + 1:,} characters)"
        assert _read(path) == [
            f"{field!r} is too long: {limit + 1:,} characters (at most {limit:,}): {shown}"
        ]


def test_the_quadratic_paths_are_linear_now() -> None:
    """The two paths the issue found, each at two sizes: twice the text, not four times
    the time."""

    def ratio(make: object, run: object) -> float:
        small = _cpu(lambda: run(make(100_000)))  # type: ignore[operator]
        large = _cpu(lambda: run(make(400_000)))  # type: ignore[operator]
        return large / max(small, 1e-4)

    parens = ratio(lambda n: "https://github.com/a/b" + ")" * n, extract_links)
    arxiv = ratio(lambda n: "arxiv.org/abs/" * (n // 14) + " x", arxiv_id)
    assert parens < 8 and arxiv < 8, (parens, arxiv)
    assert extract_links("(https://github.com/a/b)))") == extract_links("https://github.com/a/b")
    assert arxiv_id("https://arxiv.org/abs/2503.01234v2") == "2503.01234"
    assert arxiv_id("see arxiv.org/abs/ x https://arxiv.org/pdf/2503.01234.pdf") == "2503.01234"
