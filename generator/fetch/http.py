"""HTTP like a good citizen: timeouts, bounded retries with backoff, ``Retry-After``,
a pause between requests where the service asks for one, one clear error at the end.

Everything the fetchers download goes through :meth:`Client.get`, which returns the
body of a ``200`` response or raises :class:`FetchError` naming the URL and what went
wrong (the status, or the connection error) after the last try.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from generator import __version__

USER_AGENT = (
    f"paperfeed/{__version__} (+https://github.com/paperfeed/paperfeed; "
    "a curated research-paper feed)"
)
"""Who we are, as the arXiv API terms ask every client to say."""

TRIES = 4
"""Requests per URL at most: the first and three retries."""
BACKOFF = 2.0
"""Seconds before the first retry; doubled for each retry after it."""
MAX_WAIT = 120.0
"""The longest wait a ``Retry-After`` header can ask for (a longer one gives up)."""
TIMEOUT = 30.0
"""Seconds to connect, and between bytes of the response."""

sleep: Callable[[float], None] = time.sleep
"""How the client waits (tests record the waits instead of sleeping)."""
clock: Callable[[], float] = time.monotonic


class FetchError(Exception):
    """A download or a response that cannot be used; the message says which and why.

    A response the server refused (a status that is not retried) keeps its ``status``
    and ``body``: an API may say why in it."""

    def __init__(self, message: str, status: str = "", body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _status(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _error(err: Exception) -> str:
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def _retryable(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


@dataclass
class Client:
    """A polite HTTP client for one service."""

    min_interval: float = 0.0
    """Seconds between the start of two requests (arXiv asks for 3)."""
    tries: int = TRIES
    backoff: float = BACKOFF
    timeout: float = TIMEOUT
    transport: httpx.BaseTransport | None = None
    """For tests that need no server; None: the network."""
    waits: list[float] = field(default_factory=list)
    """Every wait so far, in seconds (rate limit and retries), for the curious and tests."""
    _last: float | None = None

    def get(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        """The body of ``url``'s ``200`` response; :class:`FetchError` otherwise."""
        shown = str(httpx.URL(url, params=params or {}))
        problem = ""
        with httpx.Client(
            timeout=self.timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=self.transport,
        ) as client:
            for attempt in range(1, self.tries + 1):
                self._pace()
                try:
                    response = client.get(shown)
                except (httpx.UnsupportedProtocol, httpx.TooManyRedirects) as err:
                    # a redirect to a URL no retry reaches (not http(s), or a loop)
                    raise FetchError(f"GET {shown} failed: {_error(err)}") from None
                except httpx.DecodingError as err:
                    raise FetchError(
                        f"GET {shown} failed: the response cannot be decoded ({_error(err)})"
                    ) from None
                except httpx.TransportError as err:
                    problem = _error(err)
                    wait = self.backoff * 2 ** (attempt - 1)
                else:
                    if response.status_code == 200:
                        return response.content
                    problem = _status(response)
                    if not _retryable(response.status_code):
                        raise FetchError(
                            f"GET {shown} failed: {problem}", problem, response.content
                        )
                    asked = _retry_after(response.headers.get("Retry-After"))
                    if asked is not None and asked > MAX_WAIT:
                        raise FetchError(
                            f"GET {shown} failed: {problem}, and the server asks to wait "
                            f"{asked:.0f} s: try again later"
                        )
                    wait = asked if asked is not None else self.backoff * 2 ** (attempt - 1)
                if attempt < self.tries:
                    self._wait(wait)
        tries = f"{self.tries} tries" if self.tries != 1 else "1 try"
        raise FetchError(f"GET {shown} failed: {problem} (after {tries})")

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        sleep(seconds)

    def _pace(self) -> None:
        """Keep :attr:`min_interval` between the starts of two requests."""
        now = clock()
        if self._last is not None and self.min_interval > 0:
            left = self._last + self.min_interval - now
            if left > 0:
                self._wait(left)
                now = clock()
        self._last = now
