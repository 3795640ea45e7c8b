"""Fault injection: which park responses go wrong, and how a wrong response looks.

Faults are set per park (id 0 stands for `/parks.json`), each for a number of responses or until
cleared. `fault_rate` adds seeded random failures to park responses; the draw for a park's n-th
request depends only on (seed, park, n), so concurrent requests to other parks cannot change it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field

from simulator.rng import unit

PARKS_DOCUMENT = 0  # the fault key of /parks.json
FAULTS = ("500", "429", "timeout", "truncated", "empty", "bad_shape", "html", "frozen")
# "frozen": the park's readings (is_open, wait_time) stop moving while `last_updated` keeps
# advancing, as a real feed did for three hours (METRICS.md, "A frozen feed"); the server
# answers 200 with the readings of the freeze's first response (simulator/server.py).
FROZEN = "frozen"
RANDOM_FAULTS = ("500", "429", "truncated")
HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p>"
    "<hr><address>nginx</address></body></html>\n"
)
BAD_SHAPES = ({"error": "not found"}, ["unexpected", "list"])


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class FaultBook:
    """The faults in force, consumed one response at a time."""

    seed: int = 42
    rate: float = 0.0
    _faults: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    _requests: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, park_id: int, fault: str | None, count: int | None = None) -> None:
        """Fail the park's next `count` responses (None: until cleared); fault None clears."""
        if fault in (None, ""):
            with self._lock:
                self._faults.pop(park_id, None)
            return
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
        if fault == FROZEN and park_id == PARKS_DOCUMENT:
            raise ValueError("a frozen fault needs a park: /parks.json has no readings")
        if count is not None and count < 1:
            raise ValueError("count must be 1 or more (or None for until cleared)")
        with self._lock:
            self._faults[park_id] = (fault, count)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def snapshot(self) -> dict[str, dict]:
        with self._lock:
            return {
                str(park_id): {"fault": fault, "remaining": count}
                for park_id, (fault, count) in sorted(self._faults.items())
            }

    def take(self, park_id: int) -> tuple[str | None, int]:
        """(fault or None, the park's request number): a set fault first, else a random one."""
        with self._lock:
            self._requests[park_id] += 1
            number = self._requests[park_id]
            if park_id in self._faults:
                fault, count = self._faults[park_id]
                if count is not None:
                    if count <= 1:
                        del self._faults[park_id]
                    else:
                        self._faults[park_id] = (fault, count - 1)
                return fault, number
        return self._random_fault(park_id, number), number

    def _random_fault(self, park_id: int, number: int) -> str | None:
        if park_id == PARKS_DOCUMENT or self.rate <= 0:
            return None
        if unit(self.seed, park_id, number) >= self.rate:
            return None
        return RANDOM_FAULTS[int(unit(self.seed, park_id, number, 1) * len(RANDOM_FAULTS))]


def fault_response(fault: str, body: bytes, number: int = 0) -> Response:
    """What the client sees for a fault; `body` is the document the server would have sent."""
    if fault == "500":
        return Response(500, b"Internal Server Error\n", "text/plain; charset=utf-8")
    if fault == "429":
        return Response(
            429, b"Too Many Requests\n", "text/plain; charset=utf-8", (("Retry-After", "1"),)
        )
    if fault == "truncated":
        return Response(200, body[: len(body) // 2])
    if fault == "empty":
        return Response(200, b"")
    if fault == "bad_shape":
        return Response(200, json.dumps(BAD_SHAPES[number % len(BAD_SHAPES)]).encode())
    if fault == "html":
        return Response(200, HTML_ERROR_PAGE.encode(), "text/html; charset=utf-8")
    raise ValueError(f"no response for fault {fault!r}")
