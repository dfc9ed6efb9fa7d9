"""The command line: help, usage errors, parse, check and a Markdown-only build."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from project import is_paper, make_project

from generator import cli
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "digests" / "2025-03-14-hf-papers.txt"


@pytest.mark.parametrize("command", ["build", "serve", "parse", "check"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: paperfeed {command}")
    if command != "parse":
        assert "--digests DIR" in out and "--config FILE" in out
    if command == "build":
        assert "--site-dir DIR" in out


def test_top_level_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("build", "serve", "parse", "check"):
        assert command in out


def test_python_dash_m_generator_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("paperfeed ")


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_missing_digests_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path)
    code = main(["check", "--config", str(project.config), "--digests", "nowhere"])
    assert code == 2
    err = capsys.readouterr().err
    where = Path("nowhere").resolve()
    assert err == f"paperfeed: error: {where}: no such digests folder (see --digests)\n"


def test_missing_file_to_parse_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "no-such-file.txt"]) == 2
    assert capsys.readouterr().err == "paperfeed: error: no-such-file.txt: no such file\n"


def test_a_folder_to_parse_is_named_as_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"paperfeed: error: {tmp_path}: a folder, not a digest file (give its files: "
        f"{tmp_path}/*)\n"
    )


def test_parse_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SAMPLE), "--json"]) == 0
    papers = json.loads(capsys.readouterr().out)
    assert len(papers) == 75
    for paper in papers:
        assert {"id", "title", "abstract", "date", "links"} <= set(paper)
        assert paper["date"] == "2025-03-14"
    natural = next(p for p in papers if p["title"].startswith("Natural GaLore"))
    assert natural["links"] == [
        {"url": "https://github.com/selfsupervised-ai/Natural-GaLore", "kind": "code"}
    ]


def test_parse_a_file_named_twice_reads_it_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``paperfeed parse a ./a`` lists a's papers once (it said a's digest name 'is also
    used by' a, and failed)."""
    monkeypatch.chdir(SAMPLE.parent)
    assert main(["parse", SAMPLE.name, f"./{SAMPLE.name}", "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 75 and err == ""


def test_markdown_only_build_writes_pages_and_no_site(tmp_path: Path) -> None:
    project = make_project(tmp_path, digests={SAMPLE.name: SAMPLE.read_bytes()})
    assert project.build("--markdown-only") == 0
    assert (project.pages / "mkdocs.yml").is_file()  # a project (tests/test_neutral.py)
    pages = project.pages / "docs"
    # each page the index.md of its own folder, where its address is (generator/neutral.py)
    assert len([p for p in (pages / "papers").glob("*/index.md") if is_paper(p.parent.name)]) == 75
    assert [p.name for p in (pages / "papers").glob("*.md")] == ["index.md"]
    assert (pages / "feed.xml").is_file() and (pages / "papers.json").is_file()
    assert not (tmp_path / "site").exists()


def test_markdown_only_pages_keep_their_files_without_directory_urls(tmp_path: Path) -> None:
    """Without directory URLs ``papers/x.md`` is ``papers/x.html``, beside its file."""
    project = make_project(tmp_path, digests={SAMPLE.name: SAMPLE.read_bytes()})
    with project.config.open("a", encoding="utf-8") as f:
        f.write("use_directory_urls: false\n")
    assert project.build("--markdown-only") == 0
    papers = project.pages / "docs" / "papers"
    assert len([p for p in papers.glob("*.md") if is_paper(p.name)]) == 75
    assert list(papers.glob("*/index.md")) == []


@pytest.mark.parametrize("json_output", [False, True])
def test_parse_into_a_closed_pipe_exits_0_quietly(json_output: bool) -> None:
    """``paperfeed parse ... | head``: the reader stops early, paperfeed stops quietly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "parse", str(SAMPLE)]
        + (["--json"] if json_output else []),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the first write: every write meets a closed pipe
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert err == b""


@pytest.mark.parametrize(("option", "value"), [("page_size", "0"), ("feed_size", "-3")])
def test_a_size_below_1_is_a_configuration_error(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    config = re.sub(rf"(?m)^(\s+{option}:) \d+", rf"\1 {value}", config)
    project = make_project(tmp_path, config_text=config)
    assert project.build() == 1
    err = capsys.readouterr().err
    assert (
        f"Config value 'plugins': Plugin 'paperfeed' option '{option}': "
        f"must be at least 1, got {value}\n"
    ) in err
    assert not project.site.exists()


def test_the_command_exits_with_mains_code_after_freezing_the_heap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``paperfeed`` (``run``) exits with what ``main`` returns, with the objects left
    frozen so that Python's last cycle collection does not walk them all."""
    calls: list[str] = []
    monkeypatch.setattr(cli, "main", lambda: calls.append("main") or 3)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 3
    assert calls == ["main", "freeze"]


@pytest.mark.parametrize("frozen_before", [False, True])
def test_a_build_freezes_what_it_generated_while_mkdocs_builds_and_thaws_it_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_before: bool
) -> None:
    """While MkDocs builds, the generated feed is out of the cycle collector's passes; after
    the build, nothing the build froze stays frozen, and a process that froze objects of
    its own finds them as they were."""
    from generator import mkdocs_boundary

    project = make_project(tmp_path / "p", {"2025-03-14.txt": SAMPLE.read_text("utf-8")})
    seen: list[int] = []
    real = mkdocs_boundary.build

    def build(*args: Any, **kwargs: Any) -> None:
        seen.append(gc.get_freeze_count())
        real(*args, **kwargs)

    monkeypatch.setattr(mkdocs_boundary, "build", build)
    if frozen_before:
        gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert project.build() == 0
        after = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert len(seen) == 1
    if frozen_before:  # (a frozen object freed meanwhile leaves the count)
        assert before > 10_000 and seen[0] <= before and after <= before
    else:
        assert before == 0 and after == 0 and seen[0] > 10_000


def test_an_unknown_setting_in_mkdocs_yml_fails_a_strict_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As ``mkdocs build --strict`` does: a misspelt option is not left to its default."""
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "  - paperfeed:\n" in text
    typo = text.replace("  - paperfeed:\n", "  - paperfeed:\n      page_sise: 5\n", 1)
    project = make_project(
        tmp_path, {"2025-03-14.txt": SAMPLE.read_text("utf-8")}, config_text=typo
    )
    for command in (project.build, project.check):
        assert command() == 1
        err = capsys.readouterr().err
        assert (
            f"{project.config}: Config value 'plugins': Plugin 'paperfeed' option 'page_sise': "
            "Unrecognised configuration name: page_sise (a warning fails a strict build: fix "
            "the setting, or build with --no-strict)"
        ) in err
    assert not project.site.exists()
    assert project.build("--no-strict") == 0
    assert "Unrecognised configuration name: page_sise" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("garbage", "expected IP:PORT, such as 127.0.0.1:8000, but received 'garbage'"),
        (":8796", "expected IP:PORT, such as 127.0.0.1:8000, but received ':8796'"),
        ("example.org:8000", "'example.org' is not an IP address (or localhost)"),
        ("127.0.0.1:99999", "the port must be a number from 0 to 65535, not '99999'"),
        ("127.0.0.1:http", "the port must be a number from 0 to 65535, not 'http'"),
    ],
)
def test_serve_checks_its_address_before_anything_else(
    address: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error (MkDocs said so after a note "serving on garbage, not only this
    machine", exiting 1 and leaving its preview folder, or with an OverflowError's
    traceback after a whole build for a port out of range)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--config", "no-such.yml", "-a", address])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"error: argument -a/--dev-addr: {said}" in err
    assert "note" not in err


@pytest.mark.parametrize("address", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "::1:8000"])
def test_serve_takes_the_addresses_mkdocs_takes(address: str) -> None:
    from generator.site import only_this_machine, parse_address

    host, port = parse_address(address)
    assert port == 8000 and only_this_machine(host)
    assert not only_this_machine(parse_address("0.0.0.0:8000")[0])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """`paperfeed parse ... > /dev/full`, and a terminal that cannot show a title's
    letters, ended in a traceback."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "parse", str(SAMPLE)],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert proc.returncode == 1
    assert proc.stderr.endswith(
        "paperfeed: error: cannot write the output: No space left on device\n"
    )
    assert "Traceback" not in proc.stderr
    digest = tmp_path / "2025-03-18.yml"
    digest.write_text(
        "date: 2025-03-18\npapers:\n  - title: Étude ｆｕｌｌ\n    abstract: A.\n", "utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "parse", str(digest)],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert (proc.returncode, proc.stderr) == (0, b"1 paper from 1 digest\n")
    assert b"\\xc9tude" in proc.stdout


def test_source_date_epoch_empty_is_unset_and_a_bad_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty SOURCE_DATE_EPOCH (as CI often sets) or a word ended in MkDocs'
    traceback."""
    project = make_project(tmp_path, digests={SAMPLE.name: SAMPLE.read_bytes()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert project.build() == 0
    assert os.environ["SOURCE_DATE_EPOCH"] == ""  # as it was
    for bad in ("abc", "-5", "99999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        capsys.readouterr()
        assert project.build() == 2
        assert capsys.readouterr().err == (
            "paperfeed: error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 "
            f"(at most 4294967295), got {bad!r}\n"
        )
