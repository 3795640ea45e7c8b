"""What the app holds for its life: settings, the read-only engine, the clock (for tests), and
the places (park or ride -> its park and time zone) it has looked up."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, select

from hallofshame import schema
from hallofshame.settings import Settings
from reader import PARK, RIDE

PLACE_TTL_S = 60.0  # a place found is trusted this long before it is read again

_p, _r = schema.parks.c, schema.rides.c
_PLACE = {
    PARK: select(_p.id, _p.timezone).where(_p.id == bindparam("id")),
    RIDE: select(_p.id, _p.timezone)
    .join(schema.rides, _r.park_id == _p.id)
    .where(_r.id == bindparam("id")),
}


class Places:
    """(park id, park time zone) of parks and rides, for one worker process.

    Every lookup needs its park's time zone (for the Cache-Control of the answer) and must 404 an
    unknown id; the catalogue hardly ever changes, so an id found is kept PLACE_TTL_S seconds
    instead of costing a query per request. An id not found is never kept: a park or ride
    collected a moment ago answers at once, and unknown ids cannot fill the memory.
    """

    def __init__(self, ttl_s: float = PLACE_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._found: dict[tuple[str, int], tuple[float, int, str]] = {}

    def find(self, conn: Connection, level: str, id_: int) -> tuple[int, str] | None:
        """(park id, time zone) of a park or ride (`level` PARK or RIDE), None if unknown."""
        key = (level, id_)
        now = time.monotonic()
        kept = self._found.get(key)
        if kept is not None and kept[0] > now:
            return kept[1], kept[2]
        row = conn.execute(_PLACE[level], {"id": id_}).first()
        if row is None:
            self._found.pop(key, None)
            return None
        self._found[key] = (now + self.ttl_s, row[0], row[1])
        return row[0], row[1]


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    places: Places = field(default_factory=Places)
