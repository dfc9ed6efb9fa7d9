"""``paperfeed build --markdown-only``: a complete project that MkDocs and ProperDocs build
without paperfeed, into a site with the pages and titles of ``paperfeed build``'s."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from project import REPO, Project, copy_digests, is_paper, make_project, run_cli, subprocess_env

_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def pages_and_titles(site: Path) -> dict[str, str]:
    """Every HTML page of a site, by path, with its ``<title>``."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        match = _TITLE.search(page.read_text("utf-8"))
        found[page.relative_to(site).as_posix()] = html.unescape(match.group(1)) if match else ""
    return found


class _Addresses(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "src") and v]


def broken_links(site: Path) -> dict[str, str]:
    """Every relative ``href`` or ``src`` of the site's pages that names no file, with a
    page that has it (addresses from the site's root, as the 404 page's, are not looked at:
    they depend on where the site is served)."""
    broken = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Addresses()
        parser.feed(page.read_text("utf-8"))
        for address in parser.found:
            parts = urlsplit(address)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue
            target = Path(os.path.normpath(page.parent / unquote(parts.path)))
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() and address not in broken:
                broken[address] = page.relative_to(site).as_posix()
    return broken


_HEAD_TAGS = re.compile(r'<link rel="alternate"[^>]*>|<meta property="og:[^>]*>')


def head_tags(site: Path) -> dict[str, list[str]]:
    """The feed links and OpenGraph tags of every HTML page of a site, by path (an address
    ``./feed.xml``, as Zensical writes the home page's, as ``feed.xml``)."""
    return {
        page.relative_to(site).as_posix(): [
            tag.replace('href="./', 'href="') for tag in _HEAD_TAGS.findall(page.read_text("utf-8"))
        ]
        for page in sorted(site.rglob("*.html"))
    }


def _command(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found is not None, f"{name} is installed with paperfeed's test dependencies"
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """The sample feed, built by paperfeed and written as a project."""
    project = make_project(tmp_path_factory.mktemp("neutral") / "p")
    copy_digests(REPO / "digests", project)
    assert run_cli(["build", "--config", str(project.config), "-q"]) == 0
    out = project.root / "out"
    code = run_cli(
        ["build", "--config", str(project.config), "--markdown-only", "--pages-dir", str(out)]
    )
    assert code == 0
    return project, out


def test_the_project_is_complete(built: tuple[Project, Path]) -> None:
    project, out = built
    config = yaml.safe_load((out / "mkdocs.yml").read_text("utf-8"))
    assert config["docs_dir"] == "docs"
    assert "paperfeed" not in str(config["plugins"])
    docs = out / "docs"
    assert (docs / "about.md").read_bytes() == (project.docs / "about.md").read_bytes()
    assert (docs / "assets" / "paperfeed.css").is_file()
    for data in ("feed.xml", "papers.json"):
        assert (docs / data).read_bytes() == (project.site / data).read_bytes()
    assert (docs / "index.md").is_file()
    assert len([p for p in (docs / "papers").glob("*/index.md") if is_paper(p.parent.name)]) == 75


@pytest.mark.parametrize(
    "engine",
    [
        "mkdocs",
        "properdocs",
        pytest.param(
            "zensical",
            marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="Zensical: Python 3.11+"),
        ),
    ],
)
def test_the_project_builds_the_same_pages_and_titles(
    built: tuple[Project, Path], engine: str
) -> None:
    """Zensical, Material's successor, reads the project too: the URLs readers saved outlive
    Material for MkDocs."""
    project, out = built
    if engine == "zensical":  # it has no -d: the site goes where mkdocs.yml says, site/
        command, site = [_command(engine), "build", "--strict"], out / "site"
    else:
        site = out.parent / f"site-{engine}"
        command = [_command(engine), "build", "--strict", "-q", "-d", str(site)]
    result = subprocess.run(
        command,
        cwd=out,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if engine == "zensical":  # --strict: a warning fails; it reports "No issues found"
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert (result.returncode, result.stderr) == (0, "")
    expected = pages_and_titles(project.site)
    assert len(expected) > 100
    assert pages_and_titles(site) == expected
    assert broken_links(site) == {}
    tags = head_tags(project.site)
    assert tags["papers/index.html"] and any(len(t) == 7 for t in tags.values())  # a topic's
    assert head_tags(site) == tags
    for data in ("feed.xml", "papers.json"):
        assert (site / data).read_bytes() == (project.site / data).read_bytes()


@pytest.mark.parametrize("own_head", [False, True])
def test_the_custom_dir_is_copied_with_the_head_template_unless_it_has_one(
    tmp_path: Path, own_head: bool
) -> None:
    """The plugin puts its ``main.html`` behind the ``custom_dir``'s: a site's own wins."""
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    config = text.replace("  name: material\n", "  name: material\n  custom_dir: mine\n")
    project = make_project(tmp_path / "p", config_text=config)
    copy_digests(REPO / "digests", project)
    (project.root / "mine").mkdir()
    (project.root / "mine" / "404.html").write_text("{% extends 'base.html' %}\n", "utf-8")
    if own_head:
        (project.root / "mine" / "main.html").write_text("{% extends 'base.html' %}\n", "utf-8")
    out = tmp_path / "out"
    args = ["build", "--config", str(project.config), "--markdown-only", "--pages-dir", str(out)]
    assert run_cli([*args, "-q"]) == 0
    assert yaml.safe_load((out / "mkdocs.yml").read_text("utf-8"))["theme"]["custom_dir"] == (
        "overrides"
    )
    assert sorted(p.name for p in (out / "overrides").iterdir()) == ["404.html", "main.html"]
    head = (out / "overrides" / "main.html").read_text("utf-8")
    assert ("og:title" in head) is not own_head


def test_hand_written_links_to_generated_pages_follow_them_into_their_folders(
    tmp_path: Path,
) -> None:
    """``[a paper](papers/x.md)`` in a hand-written page named a file that is
    ``papers/x/index.md`` in the project: MkDocs warned and left a link to nothing."""
    project = make_project(tmp_path / "p")
    copy_digests(REPO / "digests", project)
    slug = "a-tutorial-on-bayesian-optimization"
    (project.docs / "picks.md").write_text(
        f"# Picks\n\n[one](papers/{slug}.md) and [two](papers/{slug}.md#abstract), "
        f"[three][3]\n\n[3]: papers/{slug}.md\n",
        "utf-8",
    )
    (project.docs / "notes").mkdir()
    (project.docs / "notes" / "deep.md").write_text(
        f"# Deep\n\n[one](../papers/{slug}.md) [topics](../topics/index.md)\n", "utf-8"
    )
    out = tmp_path / "out"
    args = ["build", "--config", str(project.config), "--markdown-only", "--pages-dir", str(out)]
    assert run_cli([*args, "-q"]) == 0
    picks = (out / "docs" / "picks.md").read_text("utf-8")
    assert f"[one](papers/{slug}/index.md)" in picks
    assert f"[two](papers/{slug}/index.md#abstract)" in picks
    assert f"[3]: papers/{slug}/index.md" in picks
    deep = (out / "docs" / "notes" / "deep.md").read_text("utf-8")
    assert f"[one](../papers/{slug}/index.md) [topics](../topics/index.md)" in deep
    site = tmp_path / "site"
    result = subprocess.run(
        [_command("mkdocs"), "build", "--strict", "-q", "-d", str(site)],
        cwd=out,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert broken_links(site) == {}
    assert f'href="../papers/{slug}/"' in (site / "picks" / "index.html").read_text("utf-8")
