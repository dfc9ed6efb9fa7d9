"""bench/measure.py's machine reference: what kind of hour a benchmark table is from."""

from __future__ import annotations

from pathlib import Path

from bench.measure import machine_reference, reference_line


def test_reference_times_both_steps_and_leaves_nothing(tmp_path: Path) -> None:
    seconds = machine_reference(tmp_path, files=250, runs=1)  # a last folder of 50
    assert set(seconds) == {"python_s", "files_s"}
    assert all(value > 0 for value in seconds.values())
    assert list(tmp_path.iterdir()) == []  # its scratch folder is removed


def test_reference_line_names_before_and_after() -> None:
    before = {"python_s": 0.7, "files_s": 3.24}
    assert reference_line(before) == (
        "Reference (bench/measure.py machine_reference): before the run "
        "Python loop 0.70 s, files 3.24 s"
    )
    line = reference_line(before, {"python_s": 0.95, "files_s": 6.1})
    assert line.endswith("; after it Python loop 0.95 s, files 6.10 s")
