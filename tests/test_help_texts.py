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
