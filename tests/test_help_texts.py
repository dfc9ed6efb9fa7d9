"""Every option of every command, the benchmark's scripts included, says what it does."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import make_parser

ROOT = Path(__file__).resolve().parent.parent
BENCH_SCRIPTS = ["run", "peers", "sizes", "stages", "serve", "synth"]


def _undocumented(parser: argparse.ArgumentParser, where: str) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _undocumented(sub, f"{where} {name}")
        elif not action.help:
            yield f"{where} {'/'.join(action.option_strings) or action.dest}"


class _Caught(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


def test_every_paperfeed_option_has_help() -> None:
    assert list(_undocumented(make_parser(), "paperfeed")) == []


@pytest.mark.parametrize("script", BENCH_SCRIPTS)
def test_every_bench_option_has_help(script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def caught(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        raise _Caught(self)

    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", caught)
    monkeypatch.setattr(sys, "argv", [f"bench/{script}.py"])
    module = importlib.import_module(f"bench.{script}")
    with pytest.raises(_Caught) as got:
        module.main()
    assert got.value.parser.description
    assert list(_undocumented(got.value.parser, f"bench/{script}.py")) == []


def _helps(parser: argparse.ArgumentParser) -> Iterator[str]:
    yield parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _helps(sub)


def test_no_help_text_shows_a_doubled_percent_sign() -> None:
    """A description is printed as written (no %-formatting): "25%%" was shown."""
    assert [h for h in _helps(make_parser()) if "%%" in h] == []


def test_the_offline_examples_of_the_help_run_on_the_repositorys_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``paperfeed report --paper 2106.09685`` failed: the sample has no arXiv ids."""
    import shlex
    import shutil

    from generator.cli import EPILOG, main

    project = tmp_path / "p"
    project.mkdir()
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("docs", "digests"):
        shutil.copytree(ROOT / folder, project / folder)
    monkeypatch.chdir(project)
    examples = [
        line.split("  ")[1].strip()
        for line in EPILOG.splitlines()
        if line.startswith("  paperfeed ") and line.split()[1] in ("check", "report", "parse")
    ]
    assert len(examples) == 3
    for example in examples:
        args = [a for a in shlex.split(example)[1:] if a != "digests/*.txt"]
        if args[0] == "parse":
            args[1:1] = [str(p) for p in sorted(Path("digests").glob("*.txt"))]
        assert main(args) == 0, example
    capsys.readouterr()
