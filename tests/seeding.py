"""A world of stored aggregates written straight into the tables the publisher reads: parks,
rides, daily and hourly rows, outages, live states and the latest cycle. Consistent by
construction (a park's day is the sum of its counted rides' days), seeded, and bulk-inserted,
so the publisher tests and the year-long benchmark (`bench/seed_year.py`) share it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from hallofshame import metrics, schema
from hallofshame.clock import to_db
from reader.spans import SUMMED  # the daily columns a span adds up

HOSTILE_NAMES = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
PLACES = (
    ("America/New_York", "United States", "North America"),
    ("Europe/London", "United Kingdom", "Europe"),
    ("Asia/Tokyo", "Japan", "Asia"),
    ("Europe/Paris", "France", "Europe"),
)
GROUPS = ((1, "Universal Parks & Resorts"), (2, "Walt Disney Attractions"), (3, "Merlin"))
OPEN_HOURS = range(9, 19)  # local hours a seeded park is open: 600 minutes a day
CHUNK = 5_000


@dataclass(frozen=True)
class World:
    parks: int = 3
    rides: int = 24
    days: int = 10
    hourly_days: int = 30
    end: datetime = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)
    seed: int = 42
    hostile: bool = True  # the first rides and park carry markup in their names
    simulated: bool = False


def seed(engine: Engine, world: World) -> None:
    """Write the world into an empty, migrated database."""
    rng = random.Random(world.seed)
    parks = list(_parks(world))
    rides = list(_rides(world, rng))
    with engine.begin() as conn:
        conn.execute(schema.operator_groups.insert(), [{"id": i, "name": n} for i, n in GROUPS])
        conn.execute(schema.parks.insert(), parks)
        _bulk(conn, schema.rides, rides)
        at = to_db(world.end)
        conn.execute(schema.collection_cycles.insert(), [_cycle(at, len(parks), len(rides))])
        conn.execute(schema.aggregated_cycles.insert(), [{"cycle_at": at, "aggregated_at": at}])
        if world.simulated:
            conn.execute(schema.site_meta.insert(), [{"key": "data_source", "value": "simulator"}])
    by_park: dict[int, list[dict[str, Any]]] = {}
    for ride in rides:
        by_park.setdefault(ride["park_id"], []).append(ride)
    for park in parks:
        _seed_park(engine, world, rng, park, by_park.get(park["id"], []))


def _parks(world: World) -> Iterator[dict[str, Any]]:
    first = to_db(world.end - timedelta(days=world.days + 40))
    for index in range(world.parks):
        zone, country, continent = PLACES[index % len(PLACES)]
        name = f"Park {index + 1}"
        if world.hostile and index == 0:
            name = f"{HOSTILE_NAMES[1]} Land"
        yield {
            "id": 100 + index,
            "group_id": GROUPS[index % len(GROUPS)][0],
            "name": name,
            "country": country,
            "continent": continent,
            "latitude": 10.0 + index,
            "longitude": -20.0 + index,
            "timezone": zone,
            "first_seen_at": first,
            "listed_at": to_db(world.end),
        }


def _rides(world: World, rng: random.Random) -> Iterator[dict[str, Any]]:
    first = to_db(world.end - timedelta(days=world.days + 40))
    for index in range(world.rides):
        kind = metrics.OTHER if index % 8 == 7 else metrics.RIDE
        name = f"Ride {index + 1:04d}"
        if world.hostile and index < len(HOSTILE_NAMES):
            name = HOSTILE_NAMES[index]
        yield {
            "id": 1000 + index,
            "park_id": 100 + index % world.parks,
            "land_id": None,
            "land_name": None,
            "name": name,
            "kind": kind,
            "first_seen_at": first,
            "last_seen_at": to_db(world.end),
            "last_open_at": to_db(world.end),
            "tier": rng.choice(metrics.TIERS),
            "tier_source": "data",
            "active": True,
        }


def _cycle(at: datetime, parks: int, rides: int) -> dict[str, Any]:
    return {
        "cycle_at": at,
        "started_at": at,
        "finished_at": at,
        "parks_ok": parks,
        "parks_failed": 0,
        "rides_seen": rides,
        "snapshots_written": rides,
    }


def _seed_park(
    engine: Engine,
    world: World,
    rng: random.Random,
    park: dict[str, Any],
    rides: list[dict[str, Any]],
) -> None:
    today = metrics.local_day(world.end, park["timezone"])
    daily, park_daily, hourly, outages = [], [], [], []
    for back in range(world.days - 1, -1, -1):
        day = today - timedelta(days=back)
        rows = [_ride_day(world, rng, park, ride, day, day < today) for ride in rides]
        daily += rows
        counted = [r for r in rows if r["counted"]]
        park_daily.append(_park_day(world, park, day, counted, day < today))
        outages += [_outage(park, row) for row in counted if row["breakdowns"]]
        if back < world.hourly_days:
            hourly += _park_hours(park, day, park_daily[-1])
    live = _live(world, rng, park, rides)
    with engine.begin() as conn:
        _bulk(conn, schema.ride_daily, daily)
        _bulk(conn, schema.park_daily, park_daily)
        _bulk(conn, schema.park_hourly, hourly)
        _bulk(conn, schema.outage_events, outages)
        _bulk(conn, schema.ride_live, live[1])
        conn.execute(schema.park_live.insert(), [live[0]])


def _bulk(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[start : start + CHUNK])


def _ride_day(
    world: World, rng: random.Random, park: dict, ride: dict, day: date, final: bool
) -> dict[str, Any]:
    counted = ride["kind"] == metrics.RANKED_KIND
    down = rng.choice((0, 0, 0, 10, 20, 30, 60, 90, 150)) if counted else 0
    opened = 600 - down if counted else 0
    weight = metrics.tier_weight(ride["tier"])
    breakdowns = 0 if down == 0 else rng.randint(1, 3)
    waits = rng.randint(20, 60) if opened else 0
    return {
        "ride_id": ride["id"],
        "day": day,
        "park_id": park["id"],
        "final": final,
        "active": True,
        "counted": counted,
        "tier": ride["tier"],
        "weight": weight,
        "first_open_at": _at(park, day, 9) if opened else None,
        "longest_outage_minutes": down if breakdowns else None,
        "open_minutes": opened,
        "down_minutes": down,
        "unknown_minutes": 0,
        "breakdowns": breakdowns,
        "weighted_down": weight * down,
        "weighted_time": weight * (opened + down),
        "wait_count": waits,
        "wait_sum": waits * rng.randint(5, 45),
        "wait_median": None,
        "wait_p90": None,
        "wait_max": rng.randint(30, 120) if waits else None,
        "last_counted": None if final else "open",
        "outage_start": None,
        "outage_minutes": 0,
    }


def _park_day(
    world: World, park: dict, day: date, rows: list[dict[str, Any]], final: bool
) -> dict[str, Any]:
    total = {k: sum(r[k] for r in rows) for k in SUMMED}
    longest = max((r["longest_outage_minutes"] or 0 for r in rows), default=0)
    return {
        "park_id": park["id"],
        "day": day,
        "final": final,
        "rides_counted": len(rows),
        "park_open_minutes": 600,
        "span_start": _at(park, day, 9),
        "span_end": _at(park, day, 19),
        "longest_outage_minutes": longest or None,
        **total,
        "wait_median": None,
        "wait_p90": None,
        "wait_max": max((r["wait_max"] or 0 for r in rows), default=None) or None,
        "processed_through": _at(park, day, 19),
        "raw_purged": final,
        "computed_at": to_db(world.end),
    }


def _park_hours(park: dict, day: date, total: dict[str, Any]) -> list[dict[str, Any]]:
    """A park day's minutes spread over its open hours (sums kept exact)."""
    hours = list(OPEN_HOURS)
    rows = []
    for index, hour in enumerate(hours):
        share = {k: _part(total[k], index, len(hours)) for k in SUMMED}
        rows.append(
            {
                "park_id": park["id"],
                "hour_start": _at(park, day, hour),
                "day": day,
                "local_hour": hour,
                "park_open_minutes": 60,
                **share,
                "wait_median": None,
                "wait_p90": None,
                "wait_max": None,
            }
        )
    return rows


def _part(value: int, index: int, parts: int) -> int:
    return value // parts + (1 if index < value % parts else 0)


def _outage(park: dict, row: dict[str, Any]) -> dict[str, Any]:
    start = _at(park, row["day"], 12) + timedelta(minutes=row["ride_id"] % 50)
    return {
        "ride_id": row["ride_id"],
        "start_at": start,
        "park_id": park["id"],
        "day": row["day"],
        "end_at": start + timedelta(minutes=row["down_minutes"]),
        "minutes": row["down_minutes"],
    }


def _live(world: World, rng: random.Random, park: dict, rides: list[dict]) -> tuple[dict, list]:
    at = to_db(world.end)
    states = [(r, rng.choice(("open", "open", "open", "down", "closed"))) for r in rides]
    counted = [(r, s) for r, s in states if r["kind"] == metrics.RANKED_KIND]
    down = [r for r, s in counted if s == "down"]
    park_row = {
        "park_id": park["id"],
        "cycle_at": at,
        "is_open": True,
        "rides_counted": len(counted),
        "rides_open": sum(1 for _, s in counted if s == "open"),
        "rides_down": len(down),
        "weighted_down": sum(metrics.tier_weight(r["tier"]) for r in down),
        "weighted_counted": sum(metrics.tier_weight(r["tier"]) for r, _ in counted),
    }
    ride_rows = [
        {
            "ride_id": r["id"],
            "park_id": park["id"],
            "cycle_at": at,
            "status": s,
            "wait_time": rng.randint(5, 60) if s == "open" else None,
        }
        for r, s in states
    ]
    return park_row, ride_rows


def _at(park: dict, day: date, hour: int) -> datetime:
    """A local hour of a park's day, as naive UTC."""
    start, _ = metrics.day_bounds(day, park["timezone"])
    return to_db(start + timedelta(hours=hour))
