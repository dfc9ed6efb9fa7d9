"""A throw-away paperfeed project in a temp folder, built the way a curator builds it.

    from project import make_project, tree_hash

    project = make_project(tmp_path, digests={"2025-03-14.yml": "..."})
    assert project.build() == 0          # paperfeed build --config ... --quiet
    html = project.page("papers/some-slug")  # site/papers/some-slug/index.html

The project holds a copy of the repository's ``mkdocs.yml``, the taxonomy
(``taxonomy.yml``, or the packaged default while the repository has none), a
``docs/`` folder with one hand-written page and a ``digests/`` folder.
:meth:`Project.build` calls :func:`generator.cli.main` in this process (fast)
and makes sure ``SOURCE_DATE_EPOCH`` is as it was afterwards. :func:`run_module`
runs ``python -m generator`` as a subprocess instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main
from generator.feed import RESERVED_SLUGS
from generator.lean import SHELL_PATH, Shared

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
HAND_WRITTEN = {
    "about.md": "# About this site\n\nWritten by hand; the generator must not touch it.\n"
}


def taxonomy_source() -> Path:
    """The repository's taxonomy, or the packaged default while there is none."""
    root = REPO / "taxonomy.yml"
    return root if root.is_file() else REPO / "generator" / "default_taxonomy.yml"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def digests(self) -> Path:
        return self.root / "digests"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def pages(self) -> Path:
        """The Markdown copy of the generated pages (``build/pages``)."""
        return self.root / "build" / "pages"

    def write_digest(self, name: str, content: str | bytes) -> Path:
        path = self.digests / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
        return path

    def write_doc(self, name: str, text: str) -> Path:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        return path

    def build(self, *args: str) -> int:
        """``paperfeed build --config <project>/mkdocs.yml --quiet [args]``, in this process."""
        return run_cli(["build", "--config", str(self.config), "--quiet", *args])

    def check(self, *args: str) -> int:
        return run_cli(["check", "--config", str(self.config), *args])

    def page(self, url_path: str) -> str:
        """The HTML of the built page at ``url_path`` (a directory URL, e.g. ``papers/x/``)."""
        path = self.site / url_path.strip("/") / "index.html"
        return path.read_text("utf-8")

    def shown(self, url_path: str) -> str:
        """The page at ``url_path`` as a browser builds it: with the parts the lean page
        shares (``assets/paperfeed/shell.js``) back in place (see :func:`shown`)."""
        return shown(self.site, url_path.strip("/") + "/index.html")

    def paper_pages(self) -> list[str]:
        """Slugs of the generated paper pages in ``build/pages/papers`` (``build/pages/docs/
        papers`` after ``build --markdown-only``, which writes a whole project there); not
        the list of all papers (``papers/index.md``, ``papers/page-N.md``)."""
        if self.markdown != self.pages:  # each page the index.md of its own folder
            found = [p.parent.name for p in (self.markdown / "papers").glob("*/index.md")]
        else:
            found = [p.stem for p in (self.markdown / "papers").glob("*.md")]
        return sorted(slug for slug in found if is_paper(slug))

    def source(self, path: str) -> Path:
        """The generated Markdown file of ``path`` (``papers/x.md``): ``papers/x/index.md``
        in the project ``build --markdown-only`` writes (``generator/neutral.py``)."""
        if self.markdown != self.pages and not path.endswith("index.md"):
            path = path.removesuffix(".md") + "/index.md"
        return self.markdown / path

    @property
    def markdown(self) -> Path:
        """Where the generated Markdown is: ``build/pages``, or its ``docs`` folder when it
        holds the project ``build --markdown-only`` writes."""
        project = (self.pages / "mkdocs.yml").is_file()
        return self.pages / "docs" if project else self.pages


def is_paper(name: str) -> bool:
    """Whether ``name`` (a slug, a file name or a path under ``papers/``) is a paper's page,
    not a page of the list of all papers."""
    stem = name.removeprefix("papers/").split("/")[0].split(".")[0]
    return RESERVED_SLUGS.fullmatch(stem) is None


def run_cli(argv: Sequence[str]) -> int:
    """:func:`generator.cli.main` with ``SOURCE_DATE_EPOCH`` restored afterwards."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return main(list(argv))
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def make_project(
    tmp: Path,
    digests: Mapping[str, str | bytes] | None = None,
    docs: Mapping[str, str] | None = None,
    *,
    config_text: str | None = None,
) -> Project:
    """A project in ``tmp`` (created if needed) with the given digests and hand-written docs."""
    project = Project(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    if config_text is None:
        config_text = (REPO / "mkdocs.yml").read_text("utf-8")
    project.config.write_text(config_text, "utf-8")
    shutil.copyfile(taxonomy_source(), tmp / "taxonomy.yml")
    project.digests.mkdir(exist_ok=True)
    for name, text in (HAND_WRITTEN if docs is None else docs).items():
        project.write_doc(name, text)
    for name, content in (digests or {}).items():
        project.write_digest(name, content)
    return project


def copy_digests(source: Path, project: Project, names: Sequence[str] | None = None) -> None:
    """Copy digest files (all files of ``source``, or ``names``) into the project."""
    for path in sorted(source.iterdir()):
        if path.is_file() and (names is None or path.name in names):
            shutil.copyfile(path, project.digests / path.name)


def tree_files(folder: Path) -> dict[str, bytes]:
    """Every file (and symlink target) under ``folder`` by relative POSIX path."""
    out: dict[str, bytes] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"symlink:" + os.readlink(path).encode()
        elif path.is_dir():
            out[rel + "/"] = b""
        else:
            out[rel] = path.read_bytes()
    return out


def tree_hash(folder: Path) -> str:
    """One hash of the names and bytes of everything under ``folder`` (``"absent"`` if none)."""
    if not folder.exists():
        return "absent"
    h = hashlib.sha256()
    for rel, data in tree_files(folder).items():
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for ``python -m generator``: this checkout importable, no build date."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra)
    return env


def module_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def run_module(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` as a subprocess; output captured as text."""
    return subprocess.run(
        module_command(*args),
        cwd=cwd,
        env=dict(env) if env is not None else subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def shown(site: Path, rel: str, html: str | None = None) -> str:
    """The HTML of ``site``'s file ``rel`` (``papers/x/index.html``), or ``html``, with the
    parts a lean page shares put back where it refers to them, as the shared script does
    in the browser: the page the theme rendered (:class:`generator.lean.Shared`)."""
    if html is None:
        html = (site / rel).read_text("utf-8")
    script = site / SHELL_PATH
    if not script.is_file():
        return html
    shared = Shared()
    shared.read_script(script.read_text("utf-8"))
    return shared.unshare(html, "../" * rel.count("/"))


def assert_same_site(here: dict[str, bytes], there: dict[str, bytes]) -> None:
    """Two sites (:func:`tree_files`) have every file the same, but the Pagefind index:
    its pages are the same, numbered in the order the file system lists the search
    documents (see ``test_search_pagefind.py``)."""

    def outside_the_index(files: dict[str, bytes]) -> dict[str, bytes]:
        return {
            k: v for k, v in files.items() if not k.startswith("pagefind/") or k.endswith(".js")
        }

    def fragments(files: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in files.items() if k.endswith(".pf_fragment")}

    assert outside_the_index(here) == outside_the_index(there)
    assert fragments(here) == fragments(there)
    assert len(fragments(here)) > 20
    for files in (here, there):
        entry = json.loads(files["pagefind/pagefind-entry.json"])
        assert entry["languages"]["en"]["page_count"] == len(fragments(here))
