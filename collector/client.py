"""The Queue-Times HTTP client: one pooled session, timeouts, retries, one deadline.

Retried: connection errors, timeouts, 5xx and 429 (exponential back-off with jitter, or the
server's `Retry-After` when it sends one), never past the cycle's deadline. Anything else, and
the last failed try, becomes a FetchError naming what went wrong.

Socket timeouts bound each read, not a response: a server trickling a byte a second never
trips them. So every try also has a total time (CONNECT_TIMEOUT_S + READ_TIMEOUT_S, never past
the deadline), kept by a watchdog that shuts the try's socket down, which ends any blocked read
at once; and a body larger than MAX_BODY_BYTES is refused as it arrives. `fetch_all` runs the
fetches on daemon threads and returns at the deadline, so nothing outlives its cycle.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from contextlib import suppress
from datetime import datetime
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential_jitter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, ProtocolError, ReadTimeoutError

from collector.feed import FeedError, Parsed, decode, parse_parks, parse_queue_times
from hallofshame import __version__
from hallofshame.settings import Settings

log = logging.getLogger(__name__)
K = TypeVar("K", bound=Hashable)

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


class _Attempt:
    """One try of one request: the connection it runs on, so a watchdog can cut it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: HTTPConnection | None = None
        self.cut = False

    def use(self, connection: HTTPConnection) -> None:
        """Called from the try's own thread whenever it connects or sends on a connection."""
        with self._lock:
            self._connection = connection
            if self.cut:
                _shut(connection)

    def cut_now(self) -> None:
        """The watchdog: out of time. A read blocked on the socket returns at once."""
        with self._lock:
            self.cut = True
            if self._connection is not None:
                _shut(self._connection)


def _shut(connection: HTTPConnection) -> None:
    """End the connection's reads. Linux still delivers bytes that arrive after a shutdown, so
    every later read also gets a timeout too short for a trickle to beat."""
    with suppress(OSError, AttributeError):  # not connected yet, or already closed
        connection.sock.settimeout(0.01)
        connection.sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()  # .attempt: the try running on this thread


class _Cuttable:
    """Tells the thread's current try which connection it is using."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._attach()

    def request(self, *args: Any, **kwargs: Any) -> None:
        self._attach()
        super().request(*args, **kwargs)  # type: ignore[misc]

    def _attach(self) -> None:
        attempt = getattr(_current, "attempt", None)
        if attempt is not None:
            attempt.use(self)


class _HTTPConnection(_Cuttable, HTTPConnection):
    pass


class _HTTPSConnection(_Cuttable, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(HTTPAdapter):
    """requests' adapter, on connections a watchdog can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class QueueTimesClient:
    """Fetches and parses Queue-Times documents. Thread-safe: one session, pooled."""

    def __init__(self, settings: Settings, deadline: float | None = None) -> None:
        self.base_url = settings.queue_times_url.rstrip("/")
        self.settings = settings
        self.deadline = deadline  # time.monotonic() after which no try starts or waits
        self.session = requests.Session()
        pool = max(settings.collect_concurrency, 4)
        adapter = _Adapter(pool_connections=pool, pool_maxsize=pool, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> QueueTimesClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def parks(self, deadline: float | None = None) -> Parsed:
        """parks.json; `deadline` (monotonic) may end its tries before the client's own."""
        return self._parsed("/parks.json", parse_parks, deadline)

    def queue_times(self, park_id: int, cycle_at: datetime) -> Parsed:
        path = f"/parks/{int(park_id)}/queue_times.json"
        return self._parsed(path, lambda document: parse_queue_times(document, cycle_at))

    def _parsed(
        self, path: str, parse: Callable[[Any], Parsed], deadline: float | None = None
    ) -> Parsed:
        document = self.get_json(path, deadline)
        try:
            return parse(document)
        except FeedError as exc:
            raise FetchError(exc.kind, f"{path}: {exc.detail}") from None

    def get_json(self, path: str, deadline: float | None = None) -> Any:
        """The decoded JSON at `path`, after as many tries as the settings and deadline allow."""
        ends = [d for d in (self.deadline, deadline) if d is not None]
        end = min(ends) if ends else None
        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=lambda state: self._stop(state, end),
            wait=self._wait,
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    return self._get_once(path, end)
        except _Retryable as exc:
            raise FetchError(exc.kind, exc.detail, attempts) from None
        except FeedError as exc:
            raise FetchError(exc.kind, exc.detail, attempts) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, path: str, end: float | None) -> Any:
        """One try, cut by a watchdog when its total time is up (or at the deadline)."""
        budget = self.settings.connect_timeout_s + self.settings.read_timeout_s
        remaining = None if end is None else end - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise FetchError("deadline", "cycle deadline passed before the request")
        by_deadline = remaining is not None and remaining < budget
        attempt = _Attempt()
        watchdog = threading.Timer(remaining if by_deadline else budget, attempt.cut_now)
        watchdog.daemon = True
        watchdog.start()
        _current.attempt = attempt
        try:
            body = self._exchange(path, remaining)
        except Exception:  # whatever a cut socket made the read raise, the cause is the cut
            if not attempt.cut:
                raise
            body = None
        finally:
            watchdog.cancel()
            _current.attempt = None
        if attempt.cut:  # a body read to a cut socket's end is a truncated body
            if by_deadline:
                raise FetchError("deadline", f"{path}: no whole answer before the cycle deadline")
            raise _Retryable("timeout", f"{path}: no whole answer within {budget:g} s")
        return decode(body)

    def _exchange(self, path: str, remaining: float | None) -> bytes:
        """Send the request and read the whole body (per-read socket timeouts as before)."""
        read = self.settings.read_timeout_s
        timeout = (self.settings.connect_timeout_s, min(read, remaining) if remaining else read)
        try:
            with self.session.get(self.base_url + path, timeout=timeout, stream=True) as response:
                self._check(path, response)
                return self._body(path, response)
        except (requests.Timeout, ReadTimeoutError) as exc:
            raise _Retryable("timeout", _short(exc)) from None
        except (requests.ConnectionError, ProtocolError) as exc:
            raise _Retryable("connection", _short(exc)) from None
        except (requests.RequestException, HTTPError) as exc:
            raise FetchError("request", _short(exc)) from None

    @staticmethod
    def _check(path: str, response: requests.Response) -> None:
        status = response.status_code
        if status == 429 or status >= 500:
            after = _retry_after(response.headers.get("Retry-After"))
            raise _Retryable(f"http_{status}", f"HTTP {status} from {path}", after)
        if status != 200:
            raise FetchError(f"http_{status}", f"HTTP {status} from {path}")
        if "html" in response.headers.get("Content-Type", ""):
            raise FeedError("bad_shape", f"{path} answered HTML, not JSON")

    def _body(self, path: str, response: requests.Response) -> bytes:
        """The body, refused as soon as it is known to pass MAX_BODY_BYTES (decoded size)."""
        cap = self.settings.max_body_bytes
        too_large = FetchError("too_large", f"{path}: body over MAX_BODY_BYTES ({cap} bytes)")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        chunks, size = [], 0
        # read1: whatever one read of the socket brings, so a cut try stops at the next byte
        while chunk := response.raw.read1(64 * 1024, decode_content=True):
            if _current.attempt.cut:
                break
            size += len(chunk)
            if size > cap:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    def _stop(self, state: RetryCallState, end: float | None) -> bool:
        if state.attempt_number >= self.settings.retry_attempts:
            return True
        return end is not None and end - time.monotonic() <= self._wait(state)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = wait_exponential_jitter(
            multiplier=0.5, max=self.settings.retry_max_wait_s, jitter=0.5
        )
        wanted = getattr(exc, "retry_after", None)
        seconds = backoff(state) if wanted is None else wanted
        return min(seconds, self.settings.retry_max_wait_s)


def fetch_all(
    jobs: dict[K, Callable[[], Parsed]], workers: int, deadline: float
) -> dict[K, Parsed | FetchError]:
    """Run every job, at most `workers` at once, on daemon threads; return by `deadline`.

    A job not done by then is a `deadline` failure. Its thread is left behind (its watchdog
    cuts its socket at the deadline): a daemon thread never keeps the process alive, where a
    ThreadPoolExecutor's would be joined at exit, however long its server trickles.
    """
    todo, results = deque(jobs), {}
    done = threading.Condition()

    def work() -> None:
        while True:
            with done:
                if not todo:
                    return
                key = todo.popleft()
            result = _outcome(key, jobs[key])
            with done:
                results[key] = result
                done.notify_all()

    for _ in range(min(workers, len(jobs))):
        threading.Thread(target=work, name="fetch", daemon=True).start()
    with done:
        done.wait_for(lambda: len(results) == len(jobs), max(0.0, deadline - time.monotonic()))
        todo.clear()  # nothing new starts after the deadline
        return {key: results[key] if key in results else _late() for key in jobs}


def _late() -> FetchError:
    return FetchError("deadline", "no answer before the cycle deadline")


def _outcome(key: Hashable, job: Callable[[], Parsed]) -> Parsed | FetchError:
    try:
        return job()
    except FetchError as exc:
        return exc
    except Exception as exc:  # a bug in parsing must not lose the other parks
        log.exception("%s: unexpected error", key)
        return FetchError("error", f"{type(exc).__name__}: {exc}")


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
