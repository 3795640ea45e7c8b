"""The aggregator's entry function: which park-days new cycles touched, recompute them, retain.

A run finds the collection cycles not yet aggregated and the park-days they touched (the day of
each new cycle, and the day before when the new cycle ends that day's last cycle), plus any
provisional day whose local day has since ended. A provisional day already counted up to its
latest cycle is brought up to date from the new cycles only (the after-cycle path); every other
day is recomputed whole and replaced. Days are processed oldest first, since a day's active
rides and tiers read the days before it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select

from aggregator import increment, retention, store
from aggregator.compute import compute
from aggregator.load import ParkDay, load_frames
from hallofshame import metrics, schema
from hallofshame.clock import as_utc, iso, to_db, utcnow
from hallofshame.db import require_schema
from hallofshame.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class AggregateSummary:
    now: datetime
    cycles: int = 0  # collection cycles aggregated by this run
    days_final: int = 0  # park-days recomputed as final
    days_provisional: int = 0  # park-days recomputed whole, still provisional
    days_incremental: int = 0  # provisional park-days brought up to date from new cycles
    snapshots_read: int = 0
    raw_deleted: int = 0
    duration_s: float = 0.0
    days: list[tuple[int, str, str]] = field(default_factory=list)  # (park, day, how)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["now"] = iso(self.now)
        data["duration_s"] = round(self.duration_s, 3)
        data["days"] = [{"park_id": p, "day": d, "how": h} for p, d, h in self.days]
        return data

    def line(self) -> str:
        return (
            f"aggregate {iso(self.now)}: {self.cycles} new cycles, {self.days_final} days final, "
            f"{self.days_provisional} provisional, {self.days_incremental} updated, "
            f"{self.snapshots_read} snapshots read, {self.raw_deleted} raw rows deleted "
            f"in {self.duration_s:.2f} s"
        )


def aggregate(
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    redo: Iterable[tuple[int, date]] = (),
    on_planned: Callable[[], None] | None = None,
) -> AggregateSummary:
    """Aggregate what new cycles touched and finalise ended days; then apply retention.

    `redo`: (park, local day)s to recompute whole as well (a day whose raw rows are gone stays
    as it is). The plan is read before the writes, so two runs at once would both add the same
    new cycles: callers hold the job lock (hallofshame/lock.py), as every CLI command does.
    `on_planned` runs between planning and writing (tests pause a run there).
    """
    clock = time.monotonic()
    summary = AggregateSummary(now=as_utc(now or utcnow()))
    require_schema(engine)
    cap = metrics.gap_cap(settings.collect_interval_minutes)
    with engine.connect() as conn:
        cycles, items = plan(conn, summary.now, cap, set(redo))
    if on_planned:
        on_planned()
    latest = {i.park_id: i.day for i in items}  # items are sorted by park, then day
    for day in sorted({i.day for i in items}):
        batch = [i for i in items if i.day == day]
        run_day(
            engine, settings, batch, {i.park_id for i in batch if latest[i.park_id] == day}, summary
        )
    with engine.begin() as conn:
        store.mark_cycles(conn, cycles, to_db(summary.now))
        summary.cycles = len(cycles)
        summary.raw_deleted = retention.delete_raw(conn, summary.now, settings)
    summary.duration_s = time.monotonic() - clock
    log.info(summary.line())
    return summary


def run_day(
    engine: Engine,
    settings: Settings,
    items: list[ParkDay],
    latest: set[int],
    summary: AggregateSummary,
) -> None:
    """One local day of some parks, in one transaction: after-cycle updates, then whole days.
    `latest`: parks for which this is the newest day (their rides' current tier comes from it)."""
    cap = metrics.gap_cap(settings.collect_interval_minutes) // timedelta(minutes=1)
    with engine.begin() as conn:
        quick = [i for i in items if i.since is not None]
        redo, updated, read = increment.update(conn, quick, cap) if quick else ([], [], 0)
        summary.snapshots_read += read
        summary.days_incremental += len(updated)
        summary.days.extend((i.park_id, i.day.isoformat(), "updated") for i in updated)
        whole = [i for i in items if i.since is None] + redo
        if not whole:
            return
        frames = load_frames(conn, whole, settings.tier_overrides_file)
        result = compute(frames, cap)
        store.replace_days(conn, whole, result, to_db(utcnow()))
        store.save_live(conn, result.live, frames.parks)
        store.save_standing(conn, frames.rides[frames.rides["home_park_id"].isin(latest)])
    summary.snapshots_read += len(frames.rows)
    for item in whole:
        how = "final" if item.final else "provisional"
        summary.days.append((item.park_id, item.day.isoformat(), how))
    summary.days_final += sum(i.final for i in whole)
    summary.days_provisional += sum(not i.final for i in whole)


def plan(
    conn: Connection, now: datetime, cap: timedelta, redo: set[tuple[int, date]]
) -> tuple[list[datetime], list[ParkDay]]:
    """New cycles, and the park-days to compute (how: whole, or from `since`)."""
    cycles = new_cycles(conn, now)
    zones = dict(conn.execute(select(schema.parks.c.id, schema.parks.c.timezone)).all())
    touched, first_new = touched_days(conn, cycles, zones, cap)
    touched |= ended_days(conn, now, zones) | redo
    states = day_states(conn, touched)
    items = []
    for park_id, day in sorted(touched):
        state = states.get((park_id, day))
        if state is not None and state.raw_purged:
            continue  # its raw rows are gone: its rows are final as they are
        start, end = metrics.day_bounds(day, zones[park_id])
        final = as_utc(now) >= end
        since = None
        if state is not None and not (final or state.final) and (park_id, day) not in redo:
            since = state.processed_through
        if since is not None and park_id in first_new and first_new[park_id] <= since:
            since = None  # a replayed cycle older than what was counted: redo the day whole
        items.append(ParkDay(park_id, day, zones[park_id], to_db(start), to_db(end), final, since))
    return cycles, items


def new_cycles(conn: Connection, now: datetime) -> list[datetime]:
    c, a = schema.collection_cycles.c, schema.aggregated_cycles.c
    query = (
        select(c.cycle_at)
        .outerjoin(schema.aggregated_cycles, a.cycle_at == c.cycle_at)
        .where(a.cycle_at.is_(None), c.cycle_at <= to_db(now))
        .order_by(c.cycle_at)
    )
    return list(conn.scalars(query))


def touched_days(
    conn: Connection, cycles: list[datetime], zones: dict[int, str], cap: timedelta
) -> tuple[set[tuple[int, date]], dict[int, datetime]]:
    """Each park's local days that hold a new cycle (between its first and last new snapshot),
    and the day before a new cycle when that cycle settles the time of the day's last cycle (if
    that day has rows to update); and each park's first new cycle.

    Only days with a new cycle count: a cycle replayed a year back (or in 1970) beside today's
    is aggregated on its own day, not on every day in between."""
    if not cycles:
        return set(), {}
    p, a = schema.park_snapshots.c, schema.aggregated_cycles.c
    query = (
        select(p.park_id, func.min(p.cycle_at), func.max(p.cycle_at))
        .outerjoin(schema.aggregated_cycles, a.cycle_at == p.cycle_at)
        .where(a.cycle_at.is_(None), p.cycle_at >= cycles[0], p.cycle_at <= cycles[-1])
        .group_by(p.park_id)
    )
    spans = {park_id: (first, last) for park_id, first, last in conn.execute(query)}
    local = cycle_days(cycles, {zones[park_id] for park_id in spans}, cap)
    days, before = set(), set()
    for park_id, (first, last) in spans.items():
        for at, day, previous in local[zones[park_id]]:
            if first <= at <= last:
                days.add((park_id, day))
                before.add((park_id, previous))
    first_new = {park_id: first for park_id, (first, _) in spans.items()}
    return days | (before & set(day_states(conn, before - days))), first_new


def cycle_days(
    cycles: list[datetime], zone_names: set[str], cap: timedelta
) -> dict[str, list[tuple[datetime, date, date]]]:
    """Per time zone: each cycle, its local day, and the local day of the cycle `cap` before it
    (whose last cycle it may settle). Computed once per zone, not once per park."""
    return {
        zone: [
            (at, metrics.local_day(at, zone), metrics.local_day(at - cap, zone)) for at in cycles
        ]
        for zone in zone_names
    }


def ended_days(conn: Connection, now: datetime, zones: dict[int, str]) -> set[tuple[int, date]]:
    """Provisional park-days whose local day is over: they become final now."""
    d = schema.park_daily.c
    rows = conn.execute(select(d.park_id, d.day).where(d.final.is_(False))).all()
    return {
        (park, day) for park, day in rows if metrics.day_bounds(day, zones[park])[1] <= as_utc(now)
    }


def day_states(conn: Connection, days: set[tuple[int, date]]) -> dict[tuple[int, date], object]:
    if not days:
        return {}
    d = schema.park_daily.c
    query = select(d.park_id, d.day, d.final, d.processed_through, d.raw_purged).where(
        d.day.in_({day for _, day in days}), d.park_id.in_({park for park, _ in days})
    )
    found = {(row.park_id, row.day): row for row in conn.execute(query)}
    return {key: row for key, row in found.items() if key in days}
