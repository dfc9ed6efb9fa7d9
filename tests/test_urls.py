"""URLs that never break (issue 14): two builds, a topic renamed and a title fixed between."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from project import REPO, make_project, run_cli

from generator.errors import InputError
from generator.urls import Record, parse_published, published_text, redirect_page

DIGEST = """\
date: 2025-03-14
papers:
  - title: Planning In Natural Languag Improves LLM Search For Code Generation
    abstract: Planning and reasoning for code generation with agents. Planning helps.
  - title: Go Wider Instead of Deeper
    arxiv: "2107.11817"
    abstract: Wider mixture of experts (MoE) layers instead of deeper ones. MoE.
  - title: A Paper To Hide
    abstract: Reinforcement learning with a reward. Reinforcement learning.
"""


def _urls(site: Path) -> set[str]:
    """Every URL a site answers: ``a/b/`` for ``a/b/index.html``, other files as they are."""
    found = set()
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        found.add(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return found


def _answers(site: Path, url: str) -> Path | None:
    for candidate in (site / url / "index.html", site / url):
        if candidate.is_file():
            return candidate
    return None


def _refresh(page: Path) -> str | None:
    match = re.search(r'http-equiv="refresh" content="0; url=([^"]*)"', page.read_text("utf-8"))
    return match.group(1) if match else None


def test_published_urls_that_cannot_be_written_after_the_site_is_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site is in place when published.txt is written: a failure then says so, in a
    line, not a traceback."""
    import generator.site as site_module

    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})

    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(site_module, "replace_text", refuse)
    assert project.build() == 1
    err = capsys.readouterr().err
    assert err == (
        f"paperfeed: cannot write the output (Permission denied): {tmp_path / 'published.txt'}; "
        f"the new site was published, the published URLs ({tmp_path / 'published.txt'}) were "
        "left as they were: the next build adds this one's\n"
    )
    assert "Go Wider Instead of Deeper" in project.page("papers/")  # the new site
    assert not (tmp_path / "published.txt").exists()


def test_ctrl_c_once_the_site_is_in_place_waits_for_the_published_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C right after the new site is swapped in takes effect once the Markdown copy
    and published.txt match it: never a new site with the previous build's URLs."""
    import os
    import signal

    import generator.site as site_module

    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    swap_in = site_module.swap_in

    def swap_then_interrupt(*args: object, **kwargs: object) -> None:
        swap_in(*args, **kwargs)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(site_module, "swap_in", swap_then_interrupt)
    assert project.build() == 130
    assert capsys.readouterr().err == "paperfeed: interrupted\n"
    published = (tmp_path / "published.txt").read_text("utf-8")
    assert "topics/reasoning-agents/\ttopic\treasoning-agents\n" in published
    assert (project.pages / "index.md").is_file()


def test_every_url_of_the_previous_build_still_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    assert project.build() == 0
    published = (tmp_path / "published.txt").read_text("utf-8")
    assert "topics/reasoning-agents/\ttopic\treasoning-agents\n" in published
    before = _urls(project.site)
    assert "papers/planning-in-natural-languag-improves-llm-search-for-code-generation/" in before
    assert "topics/reasoning-agents/" in before

    # The topic is renamed, the title fixed in place, a paper hidden, another re-slugged.
    taxonomy = tmp_path / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text("utf-8").replace(
            "    slug: reasoning-agents\n",
            "    slug: agents\n    renamed_from: reasoning-agents\n",
        ),
        "utf-8",
    )
    project.write_digest("2025-03-14.yml", DIGEST.replace("Languag ", "Language "))
    (tmp_path / "curation.yml").write_text(
        "papers:\n  A Paper To Hide: {hide: true}\n  '2107.11817': {slug: go-wider}\n", "utf-8"
    )
    assert project.build() == 0
    capsys.readouterr()
    after = _urls(project.site)
    gone = sorted(before - after)
    assert not gone, gone  # every URL of the first build still answers

    def lands(url: str) -> str:
        page = _answers(project.site, url)
        assert page is not None, url
        target = _refresh(page)
        assert target is not None, f"{url} is not a redirect"
        resolved = (page.parent / target).resolve().relative_to(project.site.resolve())
        assert (project.site / resolved / "index.html").is_file(), (url, target)
        return resolved.as_posix() + "/"

    assert lands("topics/reasoning-agents/") == "topics/agents/"
    # A feed reader does not follow a redirect page: the renamed topic's feed and BibTeX
    # are at the old address too (they answered 404 before).
    for name in ("feed.xml", "papers.bib"):
        old, new = (project.site / "topics" / s / name for s in ("reasoning-agents", "agents"))
        assert old.read_bytes() == new.read_bytes(), name
    fixed = "papers/planning-in-natural-language-improves-llm-search-for-code-generation/"
    assert (
        lands("papers/planning-in-natural-languag-improves-llm-search-for-code-generation/")
        == fixed
    )
    assert lands("papers/arxiv-2107-11817/") == "papers/go-wider/"
    assert lands("papers/a-paper-to-hide/") == "archive/2025-03-14/"  # its digest
    assert _refresh(project.site / fixed / "index.html") is None  # a real page
    # The file keeps the URLs of both builds, and a third build changes nothing.
    published = (tmp_path / "published.txt").read_text("utf-8")
    assert "topics/reasoning-agents/\ttopic\treasoning-agents\n" in published
    assert "topics/agents/\ttopic\tagents\n" in published
    assert project.build() == 0
    assert (tmp_path / "published.txt").read_text("utf-8") == published


def test_the_file_is_sorted_and_read_back() -> None:
    records = [
        Record("topics/b/", "topic", "b"),
        Record("papers/x/", "paper", "x", "2025-03-14", 3),
        Record("", "page", "index.md"),
    ]
    text = published_text(records)
    assert text.splitlines()[3:] == [
        "\tpage\tindex.md",
        "papers/x/\tpaper\tx\t2025-03-14\t3",
        "topics/b/\ttopic\tb",
    ]
    assert sorted(parse_published(text, "published.txt").values()) == sorted(records)


@pytest.mark.parametrize(
    "url",
    ["/papers/x/", "papers/../x/", "papers//x/", "./x/", "papers/a\\b/", "papers/a\x00b/"]
    + [f"papers/a{c}b/" for c in "\"'<>?#%"]
    + ["papers/a\u200bb/", "papers/a\tb/"],
)
def test_a_url_whose_redirect_page_could_leave_the_site_is_refused(url: str) -> None:
    text = f"# header\npapers/ok/\tpage\tp\n{url}\tpage\tp\n"
    with pytest.raises(InputError) as info:
        parse_published(text, "published.txt")
    assert [p.line for p in info.value.problems] == [3]
    assert parse_published("# header\npapers/\u00e9t\u00e9/\tpage\tp\n", "p.txt")


def published_errors(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_published(text, "published.txt")
    return [str(p) for p in info.value.problems]


def test_a_bad_line_is_an_error_with_its_line() -> None:
    text = "# header\npapers/x/\tpaper\tx\n../../etc/\tpage\tp\npapers/y/\tpaper\ty\td\tthree\n"
    assert published_errors(text) == [
        "published.txt:2: not a published URL line (URL, kind, key...)",
        "published.txt:3: not a published URL line (URL, kind, key...)",
        "published.txt:4: position 'three' is not a number",
    ]


def test_what_no_build_writes_is_an_error_with_its_line() -> None:
    """A position in other digits ('²' passed isdigit and failed int: a traceback), a URL
    no page has (a redirect page at feed.xml wanted the generated feed's path: a
    traceback in build, check said ok), a URL listed twice (the last one won)."""
    text = (
        "papers/x/\tpaper\tx\td\t\u00b2\n"
        "feed.xml\tpage\tfeed.md\n"
        "papers/y/\tpaper\ty\td\t3\n"
        "papers/y/\tpaper\ty\td\t4\n"
        "\tpage\tindex.md\n"
        "about.html\tpage\tabout.md\n"
        f"papers/z/\tpaper\tz\td\t{'9' * 5000}\n"
    )
    assert published_errors(text) == [
        "published.txt:1: position '\u00b2' is not a number",
        "published.txt:2: 'feed.xml' is not a page's URL (one ends in '/' or '.html')",
        "published.txt:4: 'papers/y/' is listed again (first on line 3)",
        f"published.txt:7: position '{'9' * 40}'... (5,000 characters) is not a number",
    ]


def test_a_redirect_page_escapes_and_links_relatively() -> None:
    page = redirect_page("papers/old/", 'papers/n"ew/', "https://example.org/site/")
    assert '<meta http-equiv="refresh" content="0; url=../../papers/n&quot;ew/">' in page
    assert '<link rel="canonical" href="https://example.org/site/papers/n&quot;ew/">' in page
    assert '<a href="../../papers/n&quot;ew/">papers/n&quot;ew/</a>' in page


def test_the_file_cannot_be_inside_an_output_or_input_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"2025-03-14.yml": DIGEST})
    config = project.config.read_text("utf-8")
    assert "  - paperfeed:\n" in config
    project.config.write_text(
        config.replace("  - paperfeed:\n", "  - paperfeed:\n      published: site/urls.txt\n"),
        "utf-8",
    )
    assert project.build() == 2
    err = capsys.readouterr().err
    assert "holds the published-URLs file" in err and "urls.txt" in err
    assert not project.site.exists()


def test_the_repository_ships_the_published_file_its_own_feed_builds(tmp_path: Path) -> None:
    """A clean checkout's build leaves the working tree as it was: ``published.txt`` is
    the one building the default feed writes (the site workflow commits it back after a
    build that publishes new URLs; the repository itself must not lag behind)."""
    for name in ("mkdocs.yml", "taxonomy.yml", "published.txt"):
        shutil.copyfile(REPO / name, tmp_path / name)
    for name in ("digests", "docs"):
        shutil.copytree(REPO / name, tmp_path / name)
    assert run_cli(["build", "--config", str(tmp_path / "mkdocs.yml"), "--quiet"]) == 0
    shipped = (REPO / "published.txt").read_text("utf-8")
    built = (tmp_path / "published.txt").read_text("utf-8")
    assert built == shipped, "commit the published.txt that `paperfeed build` writes"
