"""Where a build may write: output folders apart from every input, and owned by paperfeed.

A build replaces its site folder and its Markdown copy whole and keeps its cache in a
folder of its own. :func:`check_outputs` refuses, before anything is touched, an output
folder that

- is or holds the project folder (``-d .``, ``-d ..``),
- is, holds or lies inside the docs folder, the digests folder or ``.git``, or is or
  holds the config or taxonomy file (``-d docs``, ``--pages-dir digests``),
- is, holds or lies inside another output (the site inside the Markdown copy), or
- already exists and was not made by paperfeed (:func:`owned`): only folders that carry
  :data:`MARKER` (or, from before the marker, look like paperfeed's output) are ever
  replaced.

Each refusal is a :class:`~generator.errors.UsageError` (exit status 2).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from generator.errors import UsageError

MARKER = ".paperfeed-output"
"""The file in every site folder and Markdown copy paperfeed made."""
MARKER_TEXT = "This folder was made by paperfeed; every build replaces it.\n"
_LEGACY = {
    "site": ("papers.json", "sitemap.xml"),
    "pages": (".paperfeed-manifest.json",),
}
"""Files that show a folder was made by a paperfeed from before :data:`MARKER`."""


_CHOOSE = "choose another folder"
_ADVICE = {
    "cache": "give the cache a folder of its own (cache_dir, default .cache/plugin/paperfeed)"
}


def shown(path: Path) -> str:
    """``path`` resolved, relative to the working directory when it lies inside it."""
    path = path.resolve()
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)


def _relation(output: Path, other: Path) -> str | None:
    """How ``output`` overlaps ``other`` (both resolved): ``is``, ``holds``, ``inside``."""
    if output == other:
        return "is"
    if other.is_relative_to(output):
        return "holds"
    if output.is_relative_to(other):
        return "inside"
    return None


def overlap(name: str, output: Path, inputs: Mapping[str, Path]) -> str | None:
    """Why the output folder ``output`` (called ``name``) may not be written, or None.

    ``inputs`` maps a description (``"project folder"``, ``"docs folder"``, ``"config
    file"``...) to its path. An output may lie inside the project folder, not inside
    any other input."""
    output = output.resolve()
    for what, path in inputs.items():
        relation = _relation(output, path.resolve())
        if relation is None or (relation == "inside" and what == "project folder"):
            continue
        where = {"is": "is", "holds": "holds", "inside": "is inside"}[relation]
        return (
            f"the {name} folder {shown(output)} {where} the {what}"
            + ("" if relation == "is" else f" {shown(path)}")
            + f": paperfeed never writes where its inputs are; {_ADVICE.get(name, _CHOOSE)}"
            " (nothing was touched)"
        )
    return None


def owned(folder: Path, kind: str) -> bool:
    """True when ``folder`` may be replaced by a build: it does not exist, is empty, or
    holds :data:`MARKER` (or the files of an older paperfeed's ``kind`` of output)."""
    if not folder.exists() and not folder.is_symlink():
        return True
    if not folder.is_dir():
        return False
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries}
    except OSError:
        return False
    legacy = _LEGACY.get(kind, ())
    return not names or MARKER in names or (bool(legacy) and all(n in names for n in legacy))


def check_outputs(outputs: Mapping[str, Path], inputs: Mapping[str, Path]) -> None:
    """Raise UsageError when an output overlaps an input or another output, or when an
    existing site folder or Markdown copy was not made by paperfeed.

    ``outputs`` maps ``site``, ``pages`` and ``cache`` (when used) to their folders."""
    names = {"site": "site", "pages": "Markdown copy", "cache": "cache"}
    for kind, folder in outputs.items():
        problem = overlap(names.get(kind, kind), folder, inputs)
        if problem is not None:
            raise UsageError(problem)
    for kind in sorted(outputs, key=lambda k: k != "cache"):  # a misplaced cache says so
        others = {f"{names.get(k, k)} folder": p for k, p in outputs.items() if k != kind}
        problem = overlap(names.get(kind, kind), outputs[kind], others)
        if problem is not None:
            raise UsageError(problem)
    for kind, folder in outputs.items():
        if kind != "cache" and not owned(folder, kind):
            what = (
                "is not a folder"
                if folder.exists() and not folder.is_dir()
                else (f"was not made by paperfeed (it has no {MARKER} file)")
            )
            raise UsageError(
                f"the {names.get(kind, kind)} folder {shown(folder)} {what}: a build "
                "would replace it; move it away or choose another folder (nothing was touched)"
            )


def project_inputs(
    root: Path, config_file: Path, docs: Path, digests: Path, taxonomy: Path
) -> dict[str, Path]:
    """The inputs of the project in ``root``, for :func:`check_outputs`."""
    return {
        "project folder": root,
        "config file": config_file,
        "taxonomy file": taxonomy,
        "docs folder": docs,
        "digests folder": digests,
        ".git folder": root / ".git",
    }


def mark(folder: Path) -> None:
    """Put :data:`MARKER` in ``folder`` (a staging folder about to be swapped in)."""
    (folder / MARKER).write_text(MARKER_TEXT, "utf-8")
