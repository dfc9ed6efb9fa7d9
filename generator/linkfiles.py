"""Put files of one folder into another as hard links (a copy where a link is not possible).

``paperfeed build`` with the build cache runs this file as a child process
(:class:`generator.preview.Linking`), so that the folders and links of the pages it keeps
from the previous site are made on the machine's other core while MkDocs renders the
pages that changed (at 10,000 papers: about 11,000 links and as many new folders, a second
of system calls). It imports nothing of paperfeed's and nothing outside the standard
library, so it starts in a few milliseconds (``python -I -S``).

It reads from its standard input, separated by NUL bytes: the source folder, the target
folder, then each file's path relative to both (``/``-separated). A file is never written
through: a target that exists already is an error, not replaced. It writes to its standard
output, NUL-separated, each path it could not put in place followed by why, and exits 0.
"""

from __future__ import annotations

import os
import shutil
import sys


def _copy(source: str, target: str) -> None:
    """Copy ``source`` to ``target``, which must not exist; its times and mode too."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst)
    shutil.copystat(source, target)


def link_files(source: str, target: str, paths: list[str]) -> list[tuple[str, str]]:
    """Link each of ``paths`` from ``source`` into ``target``; the paths that failed, why."""
    failed: list[tuple[str, str]] = []
    made: set[str] = set()
    for path in paths:
        to = os.path.join(target, path)
        folder = os.path.dirname(to)
        try:
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(os.path.join(source, path), to)
            except FileExistsError:
                raise
            except OSError as e:  # another file system, or no hard links there
                try:
                    _copy(os.path.join(source, path), to)
                except OSError as copying:
                    why = f"{e.strerror or e}, and copying: {copying.strerror or copying}"
                    failed.append((path, why))
        except OSError as e:
            failed.append((path, e.strerror or str(e)))
    return failed


def main() -> int:
    source, target, *paths = os.fsdecode(sys.stdin.buffer.read()).split("\0")
    failed = link_files(source, target, [p for p in paths if p])
    sys.stdout.buffer.write(os.fsencode("".join(f"{p}\0{why}\0" for p, why in failed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
