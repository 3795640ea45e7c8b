"""The collector's writes. Set-based: a handful of statements per cycle, whatever its size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, insert, or_, select, update

from collector.feed import ParkInfo, Parsed, RideReading
from collector.validate import Rejection
from hallofshame import metrics, schema
from hallofshame.clock import as_utc, to_db
from hallofshame.db import upsert
from hallofshame.kinds import KindRules

CHUNK = 1000  # ids per IN (...) list
RIDE_FIELDS = ("park_id", "land_id", "land_name", "name", "kind")


def save_park_list(conn: Connection, parks: Sequence[ParkInfo], cycle_at: datetime) -> None:
    """Upsert operator groups and parks from parks.json; parks it no longer lists are kept."""
    at = to_db(cycle_at)
    groups = {park.group_id: {"id": park.group_id, "name": park.group_name} for park in parks}
    upsert(conn, schema.operator_groups, list(groups.values()), update=["name"])
    rows = [_park_row(park, at) for park in parks]
    columns = [c for c in rows[0] if c not in ("id", "first_seen_at")] if rows else []
    upsert(conn, schema.parks, rows, update=columns)


def _park_row(park: ParkInfo, at: datetime | None) -> dict[str, Any]:
    return {
        "id": park.id,
        "group_id": park.group_id,
        "name": park.name,
        "country": park.country,
        "continent": park.continent,
        "latitude": park.latitude,
        "longitude": park.longitude,
        "timezone": park.timezone,
        "first_seen_at": at,
        "listed_at": at,
    }


def save_cycle(
    conn: Connection, cycle_at: datetime, parks: dict[int, Parsed], rules: KindRules
) -> int:
    """Rides, ride snapshots and park rows of every park that answered (each ride once: see
    `unique_rides`); returns snapshots."""
    readings = {park_id: parsed.items for park_id, parsed in parks.items()}
    kinds, last_open = _sync_rides(conn, readings, cycle_at, rules)
    snapshots = [
        _snapshot(park_id, ride, cycle_at) for park_id, rides in readings.items() for ride in rides
    ]
    if snapshots:
        conn.execute(insert(schema.ride_snapshots), snapshots)
    opened = [row["ride_id"] for row in snapshots if row["state"] == metrics.OPEN]
    seen = [row["ride_id"] for row in snapshots]
    _touch(conn, "last_seen_at", seen, cycle_at)
    _touch(conn, "last_open_at", opened, cycle_at)
    for ride_id in opened:  # as _touch left the table: forward only
        last_open[ride_id] = max(last_open.get(ride_id, cycle_at), cycle_at)
    _save_park_rows(conn, cycle_at, snapshots, kinds, last_open)
    return len(snapshots)


def unique_rides(parks: dict[int, Parsed]) -> dict[int, Parsed]:
    """Each ride once per cycle: a ride id that another park listed too is refused there like
    any bad entry, with its reason, and stays with the park that listed it first (the lowest
    park id, so the choice does not depend on which answered first). One park listing a ride
    twice (in a land and at the top) is the feed's own quirk, settled in `feed`."""
    first: dict[int, int] = {}
    unique: dict[int, Parsed] = {}
    for park_id in sorted(parks):
        kept, again = [], []
        for ride in parks[park_id].items:
            if ride.id in first:
                why = f"id already listed by park {first[ride.id]}"
                again.append(Rejection(f"ride {ride.id}", why, ride.id))
            else:
                first[ride.id] = park_id
                kept.append(ride)
        unique[park_id] = Parsed(kept, [*parks[park_id].rejected, *again])
    return unique


def _snapshot(park_id: int, ride: RideReading, cycle_at: datetime) -> dict[str, Any]:
    return {
        "ride_id": ride.id,
        "cycle_at": to_db(cycle_at),
        "park_id": park_id,
        "is_open": ride.is_open,
        "wait_time": ride.wait_time,
        "last_updated": to_db(ride.last_updated),
        "state": metrics.observed_state(ride.is_open, ride.wait_time, ride.last_updated, cycle_at),
    }


def _sync_rides(
    conn: Connection,
    readings: dict[int, list[RideReading]],
    cycle_at: datetime,
    rules: KindRules,
) -> tuple[dict[int, str], dict[int, datetime]]:
    """Insert new rides and update renamed, moved or reclassified ones; returns every seen
    ride's kind, and each known ride's last open time before this cycle."""
    rides = schema.rides.c
    columns = [rides.id, rides.last_open_at, *[rides[f] for f in RIDE_FIELDS]]
    known = {row.id: row for row in conn.execute(select(*columns))}
    last_open = {
        ride_id: as_utc(row.last_open_at)
        for ride_id, row in known.items()
        if row.last_open_at is not None
    }
    changed, kinds = [], {}
    for park_id, park_rides in readings.items():
        for ride in park_rides:
            row = {
                "id": ride.id,
                "park_id": park_id,
                "land_id": ride.land_id,
                "land_name": ride.land_name,
                "name": ride.name,
                "kind": rules.kind(park_id, ride.id, ride.name),
            }
            kinds[ride.id] = row["kind"]
            old = known.get(ride.id)
            if old is None or any(getattr(old, f) != row[f] for f in RIDE_FIELDS):
                at = to_db(cycle_at)
                changed.append({**row, "first_seen_at": at, "last_seen_at": at})
    upsert(conn, schema.rides, changed, update=RIDE_FIELDS)
    return kinds, last_open


def _touch(conn: Connection, column: str, ride_ids: list[int], cycle_at: datetime) -> None:
    """Move a ride's last-seen / last-open time forward (never back, for replays)."""
    col = schema.rides.c[column]
    at = to_db(cycle_at)
    for ids in _chunks(ride_ids):
        conn.execute(
            update(schema.rides)
            .where(schema.rides.c.id.in_(ids), or_(col.is_(None), col < at))
            .values({column: at})
        )


def _save_park_rows(
    conn: Connection,
    cycle_at: datetime,
    snapshots: list[dict[str, Any]],
    kinds: dict[int, str],
    last_open: dict[int, datetime],
) -> None:
    """One row per park that answered, with its ride counts as known at the cycle. Whether the
    park is open is the aggregator's to say (over the day's whole active set), not stored."""
    parks = schema.parks.c
    zones = {row.id: row.timezone for row in conn.execute(select(parks.id, parks.timezone))}
    by_park: dict[int, list[dict[str, Any]]] = {}
    for row in snapshots:
        by_park.setdefault(row["park_id"], []).append(row)
    rows = []
    for park_id, park_rows in by_park.items():
        zone = zones[park_id]
        day = metrics.local_day(cycle_at, zone)
        active = [
            row
            for row in park_rows
            if kinds[row["ride_id"]] == metrics.RANKED_KIND
            and metrics.is_active(last_open.get(row["ride_id"]), day, zone)
        ]
        open_count = sum(row["state"] == metrics.OPEN for row in active)
        rows.append(
            {
                "park_id": park_id,
                "cycle_at": to_db(cycle_at),
                "rides_total": len(park_rows),
                "rides_active": len(active),
                "rides_open": open_count,
            }
        )
    if rows:
        conn.execute(insert(schema.park_snapshots), rows)


def save_failures(
    conn: Connection, cycle_at: datetime, failures: Iterable[tuple[int | None, str, str]]
) -> None:
    rows = [
        {"cycle_at": to_db(cycle_at), "park_id": park, "kind": kind, "detail": detail[:1000]}
        for park, kind, detail in failures
    ]
    if rows:
        conn.execute(insert(schema.fetch_failures), rows)


class CycleRow(Protocol):
    """What the cycle's row holds of its summary (`collector.cycle.CycleSummary`)."""

    cycle_at: datetime
    parks_ok: int
    parks_failed: int
    rides_seen: int
    snapshots_written: int


def save_cycle_row(
    conn: Connection, summary: CycleRow, started: datetime, finished: datetime
) -> None:
    conn.execute(
        insert(schema.collection_cycles).values(
            cycle_at=to_db(summary.cycle_at),
            started_at=to_db(started),
            finished_at=to_db(finished),
            parks_ok=summary.parks_ok,
            parks_failed=summary.parks_failed,
            rides_seen=summary.rides_seen,
            snapshots_written=summary.snapshots_written,
        )
    )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
