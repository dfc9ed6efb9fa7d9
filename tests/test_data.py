"""generator.data: the model's dataclasses as JSON data and back, checked against their hints.

The build cache reads its digests with :func:`from_data`; data that does not fit the
model must be refused (a ValueError: the entry is a miss), never turned into a wrong
object."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

import pytest

from generator.data import from_data, to_data
from generator.errors import Problem
from generator.model import Digest, Entry, Link, Paper

ENTRY = Entry(
    title="A Paper",
    abstract="About things.",
    line=3,
    arxiv_id="2503.01234",
    authors=("Ada Lovelace", "Alan Turing"),
    links=(Link("https://github.com/a/b", "code"), Link("https://a.org", "other")),
    topic_lines=(4, 5),
    published=dt.date(2025, 3, 1),
    upvotes=0,
    stars=12,
)
DIGEST = Digest("digests/2025-03-14.md", dt.date(2025, 3, 14), "2025-03-14", (ENTRY,), "Day")


def test_a_digest_and_its_warnings_come_back_equal_through_json() -> None:
    data = json.loads(json.dumps(to_data(DIGEST)))
    assert from_data(Digest, data) == DIGEST
    warnings = [Problem("digests/x.md", 2, "odd line")]
    assert from_data(list[Problem], json.loads(json.dumps(to_data(warnings)))) == warnings


def test_types_come_back_as_the_hints_say() -> None:
    back = from_data(Digest, to_data(DIGEST))
    entry = back.entries[0]
    assert isinstance(back.entries, tuple) and isinstance(entry.authors, tuple)
    assert isinstance(entry.links[0], Link) and entry.published == dt.date(2025, 3, 1)
    assert entry.upvotes == 0 and entry.comments is None
    assert from_data(list[str], ["a"]) == ["a"]


def _entry_data(**changes: Any) -> dict[str, Any]:
    data = to_data(ENTRY)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not an object", "Entry: expected an object"),
        ({k: v for k, v in _entry_data().items() if k != "line"}, "fields ['line']"),
        (_entry_data(extra=1), "fields ['extra']"),
        (_entry_data(title=5), "expected str, got int"),
        (_entry_data(line="3"), "expected int, got str"),
        (_entry_data(line=True), "unsupported type <class 'int'>"),  # a bool is not an int
        (_entry_data(upvotes="many"), "no type of int | None fits"),
        (_entry_data(authors="Ada"), "expected a list"),
        (_entry_data(authors=["Ada", 3]), "expected str, got int"),
        (_entry_data(published=20250301), "no type of"),
        (_entry_data(published="March"), "no type of datetime.date | None fits"),
        (_entry_data(links=[{"url": "https://a.org", "kind": "blog"}]), "'blog' is not one of"),
    ],
)
def test_data_that_does_not_fit_is_refused(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        from_data(Entry, data)


def test_a_hint_it_cannot_read_is_refused_with_any_data() -> None:
    assert dataclasses.fields(Paper)  # Paper.sources is a tuple[tuple[str, int], ...]
    for hint in (tuple[str, int], dict[str, int], float, tuple):
        with pytest.raises(ValueError):
            from_data(hint, [])
    with pytest.raises(ValueError, match="expected a list"):
        from_data(tuple[str, int], "ab")


def test_a_union_tries_its_types_in_its_own_order_whichever_was_read_first() -> None:
    # ``str | dt.date`` equals ``dt.date | str``: each still has its own order.
    assert from_data(str | dt.date, "2024-01-02") == "2024-01-02"
    assert from_data(dt.date | str, "2024-01-02") == dt.date(2024, 1, 2)
    assert from_data(list[int] | tuple[int, ...], [1]) == [1]
    assert from_data(tuple[int, ...] | list[int], [1]) == (1,)


@dataclasses.dataclass(frozen=True)
class _Node:
    name: str
    children: tuple[_Node, ...] = ()


def test_a_dataclass_that_holds_itself_is_read() -> None:
    tree = _Node("a", (_Node("b"), _Node("c", (_Node("d"),))))
    assert from_data(_Node, to_data(tree)) == tree
    with pytest.raises(ValueError, match="expected str, got int"):
        from_data(_Node, {"name": "a", "children": [{"name": 1, "children": []}]})
