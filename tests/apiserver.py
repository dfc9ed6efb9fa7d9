"""A scripted HTTP server on 127.0.0.1 standing in for the Hugging Face and arXiv APIs.

Each route (a path, optionally with a query string) answers with the responses it was
given, one per request, the last one again and again; every request is recorded. The
tests never reach the network: fetchers are pointed here with ``--api`` or the
``PAPERFEED_*_API`` variables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).parent / "responses"
"""Recorded API responses (not digests: kept out of tests/fixtures, whose files are)."""


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(name: str) -> Reply:
    return Reply(200, (FIXTURES / name).read_bytes(), {"Content-Type": "application/json"})


def atom_reply(body: bytes | str) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(200, data, {"Content-Type": "application/atom+xml; charset=utf-8"})


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class ApiServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self.default = Reply(404, b'{"error":"Not Found"}', {"Content-Type": "application/json"})
        self._server: ThreadingHTTPServer | None = None
        self.responder: Callable[[str, dict[str, str]], Reply | None] | None = None
        """Asked first, with the path and the query's values: a reply, or None for the routes."""

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, *replies: Reply) -> None:
        """Answer ``path`` (``/api/x`` or ``/api/x?date=...``) with ``replies`` in turn."""
        self.routes[path] = list(replies)

    def _reply(self, path: str, query: str) -> Reply:
        if self.responder is not None:
            reply = self.responder(path, dict(parse_qsl(query)))
            if reply is not None:
                return reply
        for key in (f"{path}?{query}", path):
            replies = self.routes.get(key)
            if replies:
                return replies.pop(0) if len(replies) > 1 else replies[0]
        return self.default

    @contextmanager
    def running(self) -> Iterator[ApiServer]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(
                    Request(parts.path, dict(parse_qsl(parts.query)), dict(self.headers.items()))
                )
                reply = server._reply(parts.path, parts.query)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
