"""A ride's states over one local day, as segments of UTC time: open, closed, down, unknown.

Down time is the stored outages (`outage_events`), the very rows the day's `down_minutes` are
summed from, so the timeline and the published numbers agree. While the day's raw rows exist,
the rest comes from them cycle by cycle, with the aggregator's own time rule
(`metrics.split_gap`: a cycle's state holds until the park's next cycle, capped; the rest of a
longer gap is unknown); a stale reading or a cycle where the feed left the ride out is unknown,
and so is a cycle of a frozen feed (`metrics.frozen_cycles`, METRICS.md "A frozen feed": the
aggregator counts such a cycle stale for every ride of the park).
Once retention has deleted any of the day's raw rows (`park_daily.raw_purged`: it deletes by
age, so a day may lose its morning first) only the day's summary is used: closed outside the
park's open span and before the ride first opened, down in the stored outages, open between
them (`source: "events"` says so; an outage with unknown time inside then shows whole).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import ColumnElement, Connection, func, select

from hallofshame import metrics, schema
from hallofshame.clock import as_utc, iso

OPEN, CLOSED, DOWN, UNKNOWN = "open", "closed", "down", "unknown"
OBSERVED = {metrics.OPEN: OPEN, metrics.CLOSED: CLOSED, metrics.STALE: UNKNOWN}
MINUTE = timedelta(minutes=1)


@dataclass
class Timeline:
    """The segments of one ride-day, and where they came from (snapshots, events or none)."""

    source: str
    segments: list[tuple[datetime, datetime, str]] = field(default_factory=list)

    def add(self, start: datetime, end: datetime, state: str) -> None:
        """Append a segment, merged with the previous one when the state is the same."""
        if end <= start:
            return
        if self.segments and self.segments[-1][2] == state and self.segments[-1][1] == start:
            self.segments[-1] = (self.segments[-1][0], end, state)
        else:
            self.segments.append((start, end, state))

    def as_json(self) -> list[dict[str, str | None]]:
        return [{"from": iso(a), "to": iso(b), "state": s} for a, b, s in self.segments]


def ride_timeline(
    conn: Connection, ride_id: int, park_id: int, day: date, timezone: str, now: datetime, cap: int
) -> Timeline:
    """The ride's day: from raw rows while they exist, else from the stored day summary.
    `cap`: the gap cap in minutes (metrics.gap_cap of the collection interval)."""
    start, end = metrics.day_bounds(day, timezone)
    outages = _outages(conn, ride_id, day)
    d = schema.park_daily.c
    purged = conn.scalar(select(d.raw_purged).where(d.park_id == park_id, d.day == day))
    cycles = [] if purged else _cycles(conn, park_id, start, end)
    if cycles:
        states = _states(conn, ride_id, start, end)
        frozen = _frozen(conn, ride_id, park_id, cycles, end)
        states.update(dict.fromkeys(frozen, metrics.STALE))
        following = _first_cycle_from(conn, park_id, end)
        return _from_snapshots(cycles, states, outages, following, (start, end), now, cap)
    return _from_summary(conn, ride_id, park_id, day, outages, (start, end))


def _naive(value: datetime) -> datetime:
    return as_utc(value).replace(tzinfo=None)


def _outages(conn: Connection, ride_id: int, day: date) -> list[tuple[datetime, datetime]]:
    e = schema.outage_events.c
    query = (
        select(e.start_at, e.end_at).where(e.ride_id == ride_id, e.day == day).order_by(e.start_at)
    )
    return [(as_utc(a), as_utc(b)) for a, b in conn.execute(query)]


def _cycles(conn: Connection, park_id: int, start: datetime, end: datetime) -> list[datetime]:
    p = schema.park_snapshots.c
    query = (
        select(p.cycle_at)
        .where(p.park_id == park_id, p.cycle_at >= _naive(start), p.cycle_at < _naive(end))
        .order_by(p.cycle_at)
    )
    return [as_utc(at) for at in conn.scalars(query)]


def _states(conn: Connection, ride_id: int, start: datetime, end: datetime) -> dict[datetime, str]:
    s = schema.ride_snapshots.c
    query = select(s.cycle_at, s.state).where(
        s.ride_id == ride_id, s.cycle_at >= _naive(start), s.cycle_at < _naive(end)
    )
    return {as_utc(at): state for at, state in conn.execute(query)}


def _frozen(
    conn: Connection, ride_id: int, park_id: int, cycles: list[datetime], end: datetime
) -> set[datetime]:
    """The park's cycles of the day that a frozen feed makes stale, by the aggregator's rule:
    the whole park's reading (`metrics.FROZEN_READING`, ride by ride) repeats the previous
    cycle's in a long enough run while enough rides post a wait. A cycle without rows repeats
    nothing. Where the ride has a row, the park's run can only be frozen if the ride's own
    reading repeats through it: its own readings, as if enough rides posted a wait, rule out
    most days before the park's are read (a cycle without the ride's row is unknown anyway)."""
    s = schema.ride_snapshots.c
    naive = [_naive(at) for at in cycles]
    during = (s.cycle_at >= naive[0], s.cycle_at < _naive(end))
    own, _ = _readings(conn, s.ride_id == ride_id, *during)
    enough = [metrics.FROZEN_MIN_POSTING] * len(naive)
    if not metrics.frozen_cycles(_repeats(own, naive), naive, enough).any():
        return set()
    park, posting = _readings(conn, s.park_id == park_id, *during)
    frozen = metrics.frozen_cycles(_repeats(park, naive), naive, [posting[at] for at in naive])
    return {at for at, stale in zip(cycles, frozen, strict=True) if stale}


def _readings(
    conn: Connection, *where: ColumnElement[bool]
) -> tuple[dict[datetime, set[tuple]], Counter[datetime]]:
    """The readings (`metrics.FROZEN_READING`) of the snapshots `where` picks, per cycle (naive
    UTC, as stored), and how many of them post a wait above 0."""
    s = schema.ride_snapshots.c
    reading = [s[name] for name in metrics.FROZEN_READING]
    readings: dict[datetime, set[tuple]] = defaultdict(set)
    posting: Counter[datetime] = Counter()
    for row in conn.execute(select(s.cycle_at, s.wait_time, *reading).where(*where)):
        readings[row[0]].add(tuple(row[2:]))
        posting[row[0]] += (row[1] or 0) > 0
    return readings, posting


def _repeats(readings: dict[datetime, set[tuple]], cycles: list[datetime]) -> list[bool]:
    """Whether each cycle's readings are those of the cycle before (none: never)."""
    found = [readings.get(at) for at in cycles]
    return [False] + [bool(now) and now == before for before, now in pairwise(found)]


def _first_cycle_from(conn: Connection, park_id: int, end: datetime) -> datetime | None:
    """The park's first cycle after the day: it ends the time of the day's last cycle."""
    p = schema.park_snapshots.c
    query = select(func.min(p.cycle_at)).where(p.park_id == park_id, p.cycle_at >= _naive(end))
    found = conn.scalar(query)
    return as_utc(found) if found is not None else None


def _from_snapshots(
    cycles: list[datetime],
    states: dict[datetime, str],
    outages: list[tuple[datetime, datetime]],
    following: datetime | None,
    bounds: tuple[datetime, datetime],
    now: datetime,
    cap: int,
) -> Timeline:
    """Each cycle's observed state for the time it holds; closed inside an outage is down.
    The latest cycle of a day still running has no length yet (as in the aggregator): the
    timeline stops at its start."""
    start, end = bounds
    timeline = Timeline("snapshots")
    timeline.add(start, cycles[0], UNKNOWN)  # the previous day's last cycle stops at midnight
    for at, after in zip(cycles, [*cycles[1:], following], strict=True):
        if after is None and as_utc(now) < end:
            break
        gap = (after - at) / MINUTE if after is not None else math.inf
        held, unknown = metrics.split_gap(gap, (end - at) / MINUTE, cap)
        state = OBSERVED.get(states.get(at, ""), UNKNOWN)
        if state == CLOSED and any(a <= at < b for a, b in outages):
            state = DOWN
        held_until = at + float(held) * MINUTE
        timeline.add(at, held_until, state)
        timeline.add(held_until, held_until + float(unknown) * MINUTE, UNKNOWN)
    return timeline


def _from_summary(
    conn: Connection,
    ride_id: int,
    park_id: int,
    day: date,
    outages: list[tuple[datetime, datetime]],
    bounds: tuple[datetime, datetime],
) -> Timeline:
    """Raw rows gone: closed outside the park's open span and before the ride's first opening,
    down in the stored outages, open between them. No stored day at all: unknown."""
    start, end = bounds
    p, r = schema.park_daily.c, schema.ride_daily.c
    span = conn.execute(
        select(p.span_start, p.span_end).where(p.park_id == park_id, p.day == day)
    ).first()
    first_open = conn.scalar(select(r.first_open_at).where(r.ride_id == ride_id, r.day == day))
    if span is None:
        timeline = Timeline("none")
        timeline.add(start, end, UNKNOWN)
        return timeline
    timeline = Timeline("events")
    if span.span_start is None or first_open is None:
        timeline.add(start, end, CLOSED)
        return timeline
    opened, closed = max(as_utc(first_open), as_utc(span.span_start)), as_utc(span.span_end)
    timeline.add(start, opened, CLOSED)
    cursor = opened
    for a, b in outages:
        timeline.add(cursor, a, OPEN)
        timeline.add(a, b, DOWN)
        cursor = max(cursor, b)
    timeline.add(cursor, closed, OPEN)
    timeline.add(max(cursor, closed), end, CLOSED)
    return timeline
