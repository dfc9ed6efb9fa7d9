"""Helpers for browser tests: serve a built site on loopback, drive Debian's Chromium.

    from tests.browser import chromium, require_browser, serve

    require_browser()  # skips the test when Chromium or Playwright is missing
    with serve(www) as server, chromium() as browser:
        page = browser.new_page()
        page.goto(server.url + "repo/")
        ...
        server.bytes_sent("/repo/pagefind/")  # what the page downloaded from there

Only 127.0.0.1 is used; the server runs in a daemon thread and stops with the context.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path(os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


def require_browser() -> None:
    """Skip the calling test unless Chromium and Playwright's Python package are installed.

    With ``PAPERFEED_REQUIRE_BROWSER=1`` (set by ``.ci/run`` in CI) a missing browser is a
    failure instead: CI must not pass by skipping its browser tests.
    """
    stop = pytest.fail if os.environ.get("PAPERFEED_REQUIRE_BROWSER") == "1" else pytest.skip
    if not CHROMIUM.is_file():
        stop(f"no Chromium at {CHROMIUM} (set PAPERFEED_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        stop("Playwright is not installed")


@dataclass
class Server:
    """A running static server: its root ``url`` and a log of what it sent."""

    url: str
    """``http://127.0.0.1:PORT/``, ending with a slash."""
    log: list[tuple[str, int]] = field(default_factory=list)
    """``(request path, body bytes sent)`` for each successful GET, in order."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.log.clear()

    def bytes_sent(self, prefix: str = "/") -> int:
        """Body bytes sent for paths starting with ``prefix`` since the last :meth:`clear`."""
        with self.lock:
            return sum(n for path, n in self.log if path.startswith(prefix))

    def requests(self, prefix: str = "/") -> list[tuple[str, int]]:
        with self.lock:
            return [(path, n) for path, n in self.log if path.startswith(prefix)]


class _Handler(http.server.SimpleHTTPRequestHandler):
    server_log: Server

    def copyfile(self, source: Any, outputfile: Any) -> None:
        sent = 0
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            sent += len(chunk)
        with self.server_log.lock:
            self.server_log.log.append((self.path.split("?", 1)[0], sent))

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@contextmanager
def serve(directory: Path) -> Iterator[Server]:
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port, in a background thread."""
    server = Server(url="")
    bound = type("_BoundHandler", (_Handler,), {"server_log": server})
    handler = functools.partial(bound, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium(headless: bool = True) -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=headless
        )
        try:
            yield browser
        finally:
            browser.close()
