"""Issue #3: bad input gets ``file:line: what is wrong`` on stderr and a non-zero exit.

Every file in ``tests/fixtures/bad`` is wrong in exactly one way; each message is
asserted exactly. Input errors exit 1, usage errors exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from project import FIXTURES, Project, make_project, run_cli, run_module, tree_hash

BAD = FIXTURES / "bad"
FOOTER = "paperfeed: 1 error; nothing was written\n"

# file -> the exact message (the file name is prepended)
MESSAGES = {
    "2025-01-01-empty.txt": ":1: empty digest (no papers)",
    "2025-01-02-binary.txt": ":4: not UTF-8 text (invalid byte 0xff)",
    "2025-01-03-nul.txt": ":4: not UTF-8 text (invalid byte 0x00)",
    "2025-01-04-title-without-abstract.txt": (
        ":7: title without an abstract: 'A Title With No Abstract Anywhere'"
    ),
    "2025-01-05-abstract-without-title.txt": ":3: abstract without a title",
    "2025-01-06-wrong-type.yml": ":3: 'title' must be a string, got list",
    "2025-01-07-missing-field.yml": ":3: missing required field 'abstract'",
    "2025-01-09-date-contradiction.yml": (
        ":1: date 2025-02-01 contradicts the date 2025-01-09 in the file name"
    ),
    "2025-01-10-date-contradiction.txt": (
        ":1: date line 'Feb 2' contradicts the date 2025-01-10 in the file name"
    ),
    "2025-01-11-javascript-url.yml": ":5: 'url' must be an http(s) URL, got 'javascript:alert(1)'",
    "2025-01-13-papers-not-a-list.yml": ":2: 'papers' must be a list, got string",
    "2025-01-14-no-papers.yml": ":1: missing required field 'papers'",
    "2025-01-12-lone-surrogate.json": (
        ":2: 'title' holds a lone surrogate '\\ud800', not a character"
    ),
}
NEEDS_TAXONOMY = {"2025-01-08-unknown-topic.yml"}


def test_every_bad_fixture_is_covered() -> None:
    names = {p.name for p in BAD.iterdir() if p.is_file()}
    assert names == set(MESSAGES) | NEEDS_TAXONOMY


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_parse_names_file_line_and_problem(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    assert run_cli(["parse", name]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == name + MESSAGES[name] + "\n" + FOOTER


def _project_with(tmp_path: Path, name: str) -> Project:
    return make_project(tmp_path / "p", {name: (BAD / name).read_bytes()})


@pytest.mark.parametrize("command", ["check", "build"])
def test_unknown_topic_in_an_override(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "2025-01-08-unknown-topic.yml"
    project = _project_with(tmp_path, name)
    code = project.check() if command == "check" else project.build()
    assert code == 1
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 2, err
    prefix = f"{project.digests / name}:5: unknown topic 'nope' (known: "  # the topic's line
    assert lines[0].startswith(prefix), lines[0]
    known = lines[0].removeprefix(prefix).removesuffix(")").split(", ")
    assert "other" in known and known == sorted(known)
    assert lines[1] == FOOTER.strip()
    assert not project.site.exists()
    assert not project.pages.exists()


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_check_reports_the_same_problem(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through ``check`` the file is named by its path under the configured digests folder."""
    project = _project_with(tmp_path, name)
    assert project.check() == 1
    _, err = capsys.readouterr()
    assert err == f"{project.digests / name}{MESSAGES[name]}\n{FOOTER}"


def test_every_problem_of_every_file_is_listed_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p")
    for name in MESSAGES:
        project.write_digest(name, (BAD / name).read_bytes())
    assert project.build() == 1
    _, err = capsys.readouterr()
    expected = [f"{project.digests / n}{MESSAGES[n]}" for n in sorted(MESSAGES)]
    assert err.splitlines() == [
        *expected,
        f"paperfeed: {len(MESSAGES)} errors; nothing was written",
    ]


def test_missing_digests_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "p")
    project.digests.rmdir()
    # The folder mkdocs.yml names is checked by the plugin's config schema (generator.config).
    missing = (
        "ERROR   -  Config value 'plugins': Plugin 'paperfeed' option 'digests': "
        f"The path '{project.digests}' isn't an existing directory.\n"
    )
    assert project.build() == 1
    _, err = capsys.readouterr()
    assert err.startswith(missing)
    assert project.check() == 1
    _, err = capsys.readouterr()
    assert err.startswith(missing)
    # One given on the command line is the command's own usage error.
    assert run_cli(["check", "--config", str(project.config), "--digests", "nowhere"]) == 2
    _, err = capsys.readouterr()
    assert err.endswith(f"{Path('nowhere').resolve()}: no such digests folder (see --digests)\n")


def test_missing_config_and_missing_file_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yml"
    assert run_cli(["build", "--config", str(missing)]) == 2
    _, err = capsys.readouterr()
    assert err == f"paperfeed: error: {missing}: no such MkDocs config file (see --config)\n"
    assert run_cli(["parse", str(missing)]) == 2
    _, err = capsys.readouterr()
    assert err == f"paperfeed: error: {missing}: no such file\n"


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli(["build", "--no-such-option"])
    assert exc.value.code == 2
    _, err = capsys.readouterr()
    assert err.splitlines()[-1] == "paperfeed: error: unrecognized arguments: --no-such-option"


def test_subprocess_exit_status_and_stderr() -> None:
    name = "2025-01-05-abstract-without-title.txt"
    result = run_module("parse", name, cwd=BAD)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == name + MESSAGES[name] + "\n" + FOOTER


def test_subprocess_usage_error_exits_2(tmp_path: Path) -> None:
    result = run_module("build", "--config", str(tmp_path / "nope.yml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_check_names_files_relative_to_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "2025-01-05-abstract-without-title.txt"
    project = _project_with(tmp_path, name)
    monkeypatch.chdir(project.root)
    assert run_cli(["check", "--config", "mkdocs.yml"]) == 1
    _, err = capsys.readouterr()
    assert err == f"digests/{name}{MESSAGES[name]}\n{FOOTER}"


@pytest.mark.slow
def test_bad_digest_leaves_previous_output_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = "date: 2025-03-01\npapers:\n  - title: A good paper\n    abstract: Fine.\n"
    project = make_project(tmp_path / "p", {"2025-03-01-good.yml": good})
    assert project.build() == 0
    before = tree_hash(project.site), tree_hash(project.pages), tree_hash(project.docs)
    for name in [*MESSAGES, *NEEDS_TAXONOMY]:
        path = project.write_digest(name, (BAD / name).read_bytes())
        assert project.build() == 1, name
        assert (
            tree_hash(project.site),
            tree_hash(project.pages),
            tree_hash(project.docs),
        ) == before
        path.unlink()
    capsys.readouterr()


def test_no_traceback_for_any_bad_fixture() -> None:
    """Every bad fixture through a real subprocess: exit 1, a message, never a traceback."""
    names = sorted(MESSAGES)
    result = run_module("parse", *names, cwd=BAD)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:-1] == [n + MESSAGES[n] for n in names]


@pytest.mark.parametrize(
    "name", ["taxonomy.yml", "curation.yml", "published.txt", "enrichment.yml"]
)
def test_an_input_file_not_utf8_is_named_with_its_line(name: str, tmp_path: Path) -> None:
    """Every input the build reads says where its first byte that is not UTF-8 is (the
    curation, taxonomy and published-URLs files named only the file before); a BOM and
    Windows line ends are read as the digests' are."""
    from generator.curation import load_curation
    from generator.enrichment import load_enrichment
    from generator.errors import InputError
    from generator.taxonomy import load_taxonomy
    from generator.urls import load_published

    load = {
        "taxonomy.yml": load_taxonomy,
        "curation.yml": load_curation,
        "published.txt": load_published,
        "enrichment.yml": load_enrichment,
    }[name]
    path = tmp_path / name
    path.write_bytes(b"# a comment\r\n# another\r\n# caf\xe9\n")
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:3: not UTF-8 text (invalid byte 0xe9)"
    if name != "taxonomy.yml":  # (a taxonomy of comments only is empty, an error)
        path.write_bytes(b"\xef\xbb\xbf# a comment\r\n# another\r\n")
        load(path)


@pytest.mark.parametrize("name", ["taxonomy.yml", "curation.yml", "enrichment.yml"])
def test_yaml_nested_too_deeply_is_an_error_not_a_traceback(name: str, tmp_path: Path) -> None:
    """PyYAML's composer recurses: 5,000 nested lists raised RecursionError from the
    taxonomy and curation readers (the digests' and enrichment's said so already)."""
    from generator.curation import load_curation
    from generator.enrichment import load_enrichment
    from generator.errors import InputError
    from generator.taxonomy import load_taxonomy

    load = {"taxonomy.yml": load_taxonomy, "curation.yml": load_curation}.get(name, load_enrichment)
    path = tmp_path / name
    top = {"taxonomy.yml": "topics"}.get(name, "papers")
    path.write_text(f"{top}: {'[' * 5000}{']' * 5000}\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:1: nested too deeply"
