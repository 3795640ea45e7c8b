"""Crafted days for aggregator tests, collected through the real collector at simulated times.

A scenario is a park, a first cycle time, an interval, and one timeline string per ride, one
character per cycle:

    o  open (is_open, wait `WAIT`)          c  closed (not open, no wait)
    O  open, wait `LONG_WAIT`               l  open, wait `SHORT_WAIT`
    z  open, a posted wait of 0
    w  closed but posting a wait (open)     s  stale (last updated 45 minutes before the cycle)
    n  open with a wait, but no `last_updated` at all (stale)
    -  missing from the feed                .  no cycle at all (a gap in our collection)

A ride's name is plain ("Ride 1", so the name patterns make it a `ride`) unless given.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from pytest_httpserver import HTTPServer
from sqlalchemy import select

from aggregator import aggregate
from collector.cycle import collect
from hallofshame.settings import Settings
from tests import feeds

WAIT = 20
LONG_WAIT = 45
SHORT_WAIT = 5
POSTED_WHILE_CLOSED = 15
STALE_AGE = timedelta(minutes=45)
PARKS = (10, 20, 30)
WAITS = {"o": WAIT, "O": LONG_WAIT, "l": SHORT_WAIT, "z": 0}


def reading(ride_id: int, mark: str, at: datetime, name: str | None = None) -> dict | None:
    """One ride's entry in the feed at a cycle, from its timeline character."""
    name = name or f"Ride {ride_id}"
    if mark in WAITS:
        return feeds.ride(ride_id, name, True, WAITS[mark], at)
    if mark == "c":
        return feeds.ride(ride_id, name, False, 0, at)
    if mark == "w":
        return feeds.ride(ride_id, name, False, POSTED_WHILE_CLOSED, at)
    if mark == "s":
        return feeds.ride(ride_id, name, True, WAIT, at - STALE_AGE)
    if mark == "n":
        entry = feeds.ride(ride_id, name, True, WAIT, at)
        del entry["last_updated"]
        return entry
    if mark == "-":
        return None
    raise ValueError(f"unknown timeline mark {mark!r}")


class Scenario:
    """Serves crafted documents and runs the collector (and optionally the aggregator) at each
    simulated cycle time."""

    def __init__(self, server: HTTPServer, settings: Settings, engine) -> None:
        self.server = server
        self.settings = settings.with_overrides(queue_times_url=server.url_for("").rstrip("/"))
        self.engine = engine

    def play(
        self,
        park_id: int,
        first: datetime,
        timelines: Mapping[int, str],
        interval: timedelta = timedelta(minutes=10),
        aggregate_each: bool = False,
        names: Mapping[int, str] | None = None,
    ) -> list[datetime]:
        """Collect one cycle per timeline position (skipping `.`); returns the cycle times."""
        length = {len(line) for line in timelines.values()}
        assert len(length) == 1, "timelines must have the same length"
        times = []
        for i in range(length.pop()):
            marks = {ride: line[i] for ride, line in timelines.items()}
            if set(marks.values()) == {"."}:
                continue
            at = first + i * interval
            self.serve(park_id, marks, at, names or {})
            collect(self.engine, self.settings, now=at)
            if aggregate_each:
                aggregate(self.engine, self.settings, now=at + timedelta(seconds=30))
            times.append(at)
        return times

    def serve(
        self, park_id: int, marks: Mapping[int, str], at: datetime, names: Mapping[int, str]
    ) -> None:
        self.server.clear()
        self.server.expect_request("/parks.json").respond_with_json(feeds.parks_document())
        entries = [reading(r, mark, at, names.get(r)) for r, mark in sorted(marks.items())]
        document = feeds.queue_times([e for e in entries if e is not None])
        for park in PARKS:
            body = document if park == park_id else feeds.queue_times([])
            self.server.expect_request(f"/parks/{park}/queue_times.json").respond_with_json(body)

    def aggregate(self, now: datetime):
        return aggregate(self.engine, self.settings, now=now)


def rows(engine, table, *where, order_by=None) -> list[dict]:
    """A table's rows (as dicts), optionally filtered, in key order."""
    keys = order_by or list(table.primary_key.columns)
    with engine.connect() as conn:
        result = conn.execute(select(table).where(*where).order_by(*keys))
        return [dict(row) for row in result.mappings()]


def one(engine, table, *where) -> dict:
    (row,) = rows(engine, table, *where)
    return row
