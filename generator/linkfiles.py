"""Put files of one folder into another as hard links (a copy where a link is not possible),
make the search documents of some of them, and remove some of the links again.

``paperfeed build`` with the build cache runs this file as a child process
(:class:`generator.preview.Linking`), so that the folders and links of the pages of the
previous site are made on the machine's other core while the build generates its pages
(at 10,000 papers: about 11,000 links and as many new folders, a second of system calls),
and before them the search documents Pagefind reads of the pages it indexes again
(:func:`search_document`; about a second more at 10,000 papers). Most pages are kept;
those that changed are removed again (:func:`remove_files`) before MkDocs writes them.
It imports nothing of paperfeed's and nothing outside the standard library, so it
starts in a few milliseconds (``python -I -S``).

It reads from its standard input a line with the byte length of the listing, then the
listing, separated by NUL bytes: the source folder, the target folder, the search
documents' folder (empty: none), each file's path relative to the source and the target
(``/``-separated), an empty field, then the paths (of those) whose search documents it
writes into the documents' folder. A file is never written through: a target that
exists already is an error, not replaced. It writes the search documents first (from
the source folder), then the links, then reads the rest of its standard input, to its
end: the paths (NUL-terminated) it removes again from the target folder and the
documents' folder. To its standard output, NUL-separated: each path whose document it
could not write followed by why, an empty field once the documents are written, each
path it could not put in place followed by why, an empty field once the links are made,
then each path it could not remove followed by why; it exits 0.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys

HTML_LANG = re.compile(r"<html\b[^>]*?\slang=\"([^\"]*)\"")
"""The language a built page gives in its ``<html>`` tag."""
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def search_document(page_html: str) -> str | None:
    """What Pagefind reads of a built page: its language, its title and its
    ``data-pagefind-body`` article (``None`` when it has none)."""
    start = page_html.find("<article data-pagefind-body")
    end = page_html.rfind("</article>")
    if start < 0 or end < start:
        return None
    lang = HTML_LANG.search(page_html, 0, start)
    title = _TITLE.search(page_html, 0, start)
    return (
        "<!DOCTYPE html>\n"
        + (f'<html lang="{lang.group(1)}">' if lang else "<html>")
        + '<head><meta charset="utf-8">'
        + (f"<title>{title.group(1)}</title>" if title else "")
        + "</head><body>"
        + page_html[start : end + len("</article>")]
        + "</body></html>\n"
    )


def make_documents(source: str, documents: str, paths: list[str]) -> list[tuple[str, str]]:
    """Write into ``documents`` the search documents of ``paths``, built pages in
    ``source`` (:func:`search_document`); the paths whose document could not be written,
    and why. A page that cannot be read, or has no article to index, has none."""
    failed: list[tuple[str, str]] = []
    made: set[str] = set()
    for path in paths:
        try:
            with open(os.path.join(source, path), "rb") as page:
                html = page.read().decode("utf-8", errors="surrogateescape")
        except OSError:
            continue
        document = search_document(html)
        if document is None:
            continue
        to = os.path.join(documents, path)
        try:
            _make_folder_of(to, made)
            with open(to, "wb") as out:
                out.write(document.encode("utf-8", errors="surrogateescape"))
        except OSError as e:
            failed.append((path, f"its search document: {e.strerror or e}"))
    return failed


def _make_folder_of(path: str, made: set[str]) -> None:
    """Make the folder ``path`` goes in, unless it is one of ``made`` (then add it)."""
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


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
        try:
            _make_folder_of(to, made)
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


def _report(failed: list[tuple[str, str]]) -> bytes:
    return os.fsencode("".join(f"{p}\0{why}\0" for p, why in failed))


def remove_files(target: str, documents: str, paths: list[str]) -> list[tuple[str, str]]:
    """Remove each of ``paths`` from ``target`` again (and its search document from
    ``documents``, if given), with the folders that are left empty; the paths that could
    not be removed, and why."""
    failed: list[tuple[str, str]] = []
    for path in paths:
        for root in (target, documents) if documents else (target,):
            try:
                remove_file(root, path)
            except OSError as e:
                failed.append((path, f"{REMOVING}{e.strerror or e}"))
    return failed


def remove_file(root: str, path: str) -> None:
    """Delete the file ``path`` (relative to ``root``) and the folders it leaves empty, up
    to ``root`` (never ``root`` itself). A file already gone is no error."""
    try:
        os.unlink(os.path.join(root, path))
    except FileNotFoundError:
        return
    folder = os.path.dirname(path)
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty
            break
        folder = os.path.dirname(folder)


REMOVING = "removing it again: "
"""How a path :func:`remove_files` could not remove is reported."""


def main() -> int:
    if hasattr(signal, "pthread_sigmask"):  # started while the build held them back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    stdin = sys.stdin.buffer
    size = int(stdin.readline())
    source, target, documents, *fields = os.fsdecode(stdin.read(size)).split("\0")
    end = fields.index("") if "" in fields else len(fields)
    out = sys.stdout.buffer
    if documents:
        out.write(_report(make_documents(source, documents, [p for p in fields[end + 1 :] if p])))
    out.write(b"\0")  # the documents are written
    out.flush()
    out.write(_report(link_files(source, target, fields[:end])))
    out.write(b"\0")  # the links are made
    out.flush()
    removals = [p for p in os.fsdecode(stdin.read()).split("\0") if p]
    out.write(_report(remove_files(target, documents, removals)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
