"""The simulated clock: frozen at an instant, or running from one at `speed` times real time."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


def as_utc(when: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is refused, because its zone would be a guess."""
    if when.tzinfo is None:
        raise ValueError(f"the simulated clock needs an aware datetime, got {when.isoformat()}")
    return when.astimezone(UTC)


class SimClock:
    """Thread-safe; measures elapsed real time with the monotonic clock."""

    def __init__(self, now: datetime | None = None, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._anchor = as_utc(now) if now is not None else datetime.now(UTC)
        self._real_anchor = time.monotonic()
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        with self._lock:
            elapsed = (time.monotonic() - self._real_anchor) * self._speed
            return self._anchor + timedelta(seconds=elapsed)

    def set(self, when: datetime | None = None, speed: float | None = None) -> None:
        """Jump to `when` (default: stay at the current simulated time); speed 0 freezes."""
        if speed is not None and speed < 0:
            raise ValueError("speed must be 0 or more")
        anchor = as_utc(when) if when is not None else self.now()
        with self._lock:
            self._anchor = anchor
            self._real_anchor = time.monotonic()
            if speed is not None:
                self._speed = float(speed)


def parse_when(value: str | None) -> datetime | None:
    """ISO 8601 (a naive time is UTC); restores a '+' that a query string turned into a space."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        head, _, tail = value.rpartition(" ")
        when = datetime.fromisoformat(f"{head}+{tail}")
    return when if when.tzinfo else when.replace(tzinfo=UTC)
