"""The Queue-Times HTTP client: one pooled session, timeouts, retries, one deadline.

Retried: connection errors, timeouts, 5xx and 429 (exponential back-off with jitter, or the
server's `Retry-After` when it sends one), never past the cycle's deadline. Anything else, and
the last failed try, becomes a FetchError naming what went wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential_jitter

from collector.feed import FeedError, Parsed, decode, parse_parks, parse_queue_times
from hallofshame import __version__
from hallofshame.settings import Settings

USER_AGENT = f"HallOfShame/{__version__} (+https://github.com/hallofshame)"


class FetchError(Exception):
    """A document could not be had. `kind`: timeout, connection, http_NNN, deadline, or a
    FeedError kind (empty, bad_json, bad_shape)."""

    def __init__(self, kind: str, detail: str, attempts: int = 1) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.attempts = attempts


class _Retryable(Exception):
    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after


class QueueTimesClient:
    """Fetches and parses Queue-Times documents. Thread-safe: one session, pooled."""

    def __init__(self, settings: Settings, deadline: float | None = None) -> None:
        self.base_url = settings.queue_times_url.rstrip("/")
        self.settings = settings
        self.deadline = deadline  # time.monotonic() after which no try starts or waits
        self.session = requests.Session()
        pool = max(settings.collect_concurrency, 4)
        adapter = HTTPAdapter(pool_connections=pool, pool_maxsize=pool, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> QueueTimesClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def parks(self) -> Parsed:
        return self._parsed("/parks.json", parse_parks)

    def queue_times(self, park_id: int) -> Parsed:
        return self._parsed(f"/parks/{int(park_id)}/queue_times.json", parse_queue_times)

    def _parsed(self, path: str, parse: Callable[[Any], Parsed]) -> Parsed:
        document = self.get_json(path)
        try:
            return parse(document)
        except FeedError as exc:
            raise FetchError(exc.kind, f"{path}: {exc.detail}") from None

    def get_json(self, path: str) -> Any:
        """The decoded JSON at `path`, after as many tries as the settings and deadline allow."""
        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=self._stop,
            wait=self._wait,
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    return self._get_once(path)
        except _Retryable as exc:
            raise FetchError(exc.kind, exc.detail, attempts) from None
        except FeedError as exc:
            raise FetchError(exc.kind, exc.detail, attempts) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, path: str) -> Any:
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            raise FetchError("deadline", "cycle deadline passed before the request")
        read = self.settings.read_timeout_s
        timeout = (self.settings.connect_timeout_s, min(read, remaining) if remaining else read)
        try:
            response = self.session.get(self.base_url + path, timeout=timeout)
        except requests.Timeout as exc:
            raise _Retryable("timeout", _short(exc)) from None
        except requests.ConnectionError as exc:
            raise _Retryable("connection", _short(exc)) from None
        except requests.RequestException as exc:
            raise FetchError("request", _short(exc)) from None
        status = response.status_code
        if status == 429 or status >= 500:
            after = _retry_after(response.headers.get("Retry-After"))
            raise _Retryable(f"http_{status}", f"HTTP {status} from {path}", after)
        if status != 200:
            raise FetchError(f"http_{status}", f"HTTP {status} from {path}")
        if "html" in response.headers.get("Content-Type", ""):
            raise FeedError("bad_shape", f"{path} answered HTML, not JSON")
        return decode(response.content)

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.settings.retry_attempts:
            return True
        remaining = self._remaining()
        return remaining is not None and remaining <= self._wait(state)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = wait_exponential_jitter(
            multiplier=0.5, max=self.settings.retry_max_wait_s, jitter=0.5
        )
        wanted = getattr(exc, "retry_after", None)
        seconds = backoff(state) if wanted is None else wanted
        return min(seconds, self.settings.retry_max_wait_s)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds; an HTTP date counts as 1 s)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
