"""bench/measure.py's machine reference, and what bench/run.py measures of a build."""

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


def test_a_measured_build_says_what_processor_time_it_used(tmp_path: Path) -> None:
    from bench.run import build, make_project, runs_line

    project = make_project(tmp_path, 30, 1)
    measured = build(project)
    assert (project / "site" / "index.html").is_file()
    assert measured.seconds > 0 and measured.peak_mb > 0
    assert measured.user_s > 0 and measured.system_s > 0  # the child's, not this process's
    assert measured.user_s + measured.system_s < 4 * measured.seconds  # 2 cores, and ours
    line = runs_line("30 papers, full builds", [measured, measured._replace(user_s=1.25)])
    assert line.startswith(f"30 papers, full builds: {measured.seconds:.2f} s (user ")
    assert line.endswith(f", {measured.seconds:.2f} s (user 1.2, system {measured.system_s:.1f})")
