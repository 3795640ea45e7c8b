"""Aggregation benchmark: one simulated day of 150 parks x 5,000 rides x 144 cycles.

Creates (and at the end drops) its own database, named `hos_bench*` (any other name is refused),
fills it with seeded snapshots written straight into the collector's tables (this measures
aggregation, not collection), then times:

1. the first aggregation of the day while it is still provisional (whole day so far);
2. the after-cycle update: one more cycle of every park, today and live brought up to date;
3. the daily job: every park's finished day recomputed as final (about 720,000 snapshot rows).

Example:
    .venv/bin/python bench/bench_aggregate.py \\
        --database-url mysql+mysqldb://root@127.0.0.1/hos_bench --parks 150 --rides 5000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import scratch_db
from sqlalchemy import func, insert, select

from aggregator import aggregate
from hallofshame import db, metrics, schema
from hallofshame.clock import to_db
from hallofshame.settings import load_settings

DAY = date(2026, 7, 4)
ZONES = ["Europe/Paris", "Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Lisbon"]
CYCLES = 144
CHUNK = 20_000


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="mysql+mysqldb://root@127.0.0.1/hos_bench")
    parser.add_argument("--parks", type=int, default=150)
    parser.add_argument("--rides", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="Do not drop the database at the end.")
    parser.add_argument("--profile", action="store_true", help="Profile each step (cProfile).")
    return parser.parse_args()


def fresh_database(url: str):
    """Drop and create the benchmark database (only a `hos_bench*` one), migrated."""
    scratch_db.recreate(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def world(parks: int, rides: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Parks in European zones (their local days overlap at a late-evening UTC cycle) and rides,
    nine in ten of them `ride`-kind."""
    seen = to_db(datetime(2026, 6, 1, tzinfo=UTC))
    park_rows = [
        {
            "id": p,
            "group_id": 1,
            "name": f"Park {p}",
            "country": "Somewhere",
            "continent": "Europe",
            "latitude": 48.0,
            "longitude": 2.0,
            "timezone": ZONES[p % len(ZONES)],
            "first_seen_at": seen,
            "listed_at": seen,
        }
        for p in range(1, parks + 1)
    ]
    ride_rows = [
        {
            "id": r,
            "park_id": 1 + r % parks,
            "name": f"Ride {r}",
            "kind": metrics.RIDE if rng.random() < 0.9 else metrics.OTHER,
            "first_seen_at": seen,
            "last_seen_at": seen,
        }
        for r in range(1, rides + 1)
    ]
    return park_rows, ride_rows


def day_cycles(zone: str) -> list[datetime]:
    start, _ = metrics.day_bounds(DAY, zone)
    return [to_db(start + timedelta(minutes=10 * i)) for i in range(CYCLES)]


def states(n_rides: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(state code, wait) per ride and cycle: open 09:00-21:00 local, breakdowns of 1-6
    cycles at 2 % a cycle, a few stale readings. Codes: 0 closed, 1 open, 2 stale."""
    rng = np.random.default_rng(seed)
    hours = np.arange(CYCLES) / 6
    open_hours = (hours >= 9) & (hours < 21)
    code = np.tile(open_hours.astype(np.int8), (n_rides, 1))
    breaks = rng.random((n_rides, CYCLES)) < 0.02
    for length in range(1, 7):
        shifted = np.roll(breaks, length - 1, axis=1) & (rng.random((n_rides, CYCLES)) < 0.6)
        code[shifted & open_hours] = 0
    code[(rng.random((n_rides, CYCLES)) < 0.005) & open_hours] = 2
    waits = (rng.gamma(2.0, 12.0, (n_rides, CYCLES)) // 5 * 5).astype(np.int64)
    return code, np.where(code == 1, waits, 0)


def fill(engine, parks: list[dict], rides: list[dict], seed: int) -> list[dict]:
    """Every snapshot of the day (not yet written), sorted by cycle."""
    by_park: dict[int, list[int]] = {}
    for ride in rides:
        by_park.setdefault(ride["park_id"], []).append(ride["id"])
    rows = []
    for park in parks:
        ids = by_park.get(park["id"], [])
        code, waits = states(len(ids), seed + park["id"])
        for c, at in enumerate(day_cycles(park["timezone"])):
            for i, ride_id in enumerate(ids):
                state = ("closed", "open", "stale")[code[i, c]]
                rows.append(
                    {
                        "ride_id": ride_id,
                        "cycle_at": at,
                        "park_id": park["id"],
                        "is_open": state == "open",
                        "wait_time": int(waits[i, c]),
                        "last_updated": at,
                        "state": state,
                    }
                )
    rows.sort(key=lambda r: r["cycle_at"])
    with engine.begin() as conn:
        conn.execute(insert(schema.operator_groups), [{"id": 1, "name": "Bench Group"}])
        conn.execute(insert(schema.parks), parks)
        conn.execute(insert(schema.rides), rides)
    return rows


def write_cycles(engine, rows: list[dict]) -> None:
    """Snapshots, their park rows and cycle rows, as the collector would have written them."""
    parks = sorted({(r["park_id"], r["cycle_at"]) for r in rows})
    cycles = sorted({r["cycle_at"] for r in rows})
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(schema.ride_snapshots), rows[start : start + CHUNK])
        park_rows = [
            {"park_id": p, "cycle_at": at, "rides_total": 0, "rides_active": 0}
            | {"rides_open": 0, "is_open": False}
            for p, at in parks
        ]
        for start in range(0, len(park_rows), CHUNK):
            conn.execute(insert(schema.park_snapshots), park_rows[start : start + CHUNK])
        conn.execute(
            insert(schema.collection_cycles),
            [
                {"cycle_at": at, "started_at": at, "finished_at": at, "parks_ok": 0}
                | {"parks_failed": 0, "rides_seen": 0, "snapshots_written": 0}
                for at in cycles
            ],
        )


def timed(engine, settings, now: datetime, profile: bool = False) -> tuple[float, object]:
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = aggregate(engine, settings, now=now)
    elapsed = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"aggregator/", 25)
    return elapsed, summary


def main() -> None:
    args = parse()
    scratch_db.bench_url(args.database_url)  # refuse any other database before doing anything
    engine = fresh_database(args.database_url)
    settings = load_settings({"database_url": args.database_url}, env_file=None, environ={})
    parks, rides = world(args.parks, args.rides, random.Random(args.seed))
    started = time.perf_counter()
    rows = fill(engine, parks, rides, args.seed)
    # The after-cycle instant: the last cycle of the easternmost parks' day (all still in it).
    last = max(day_cycles(ZONES[0]))
    write_cycles(engine, [r for r in rows if r["cycle_at"] < last])
    print(f"seeded {len(rows)} snapshot rows in {time.perf_counter() - started:.1f} s")
    first_s, first = timed(engine, settings, last.replace(tzinfo=UTC), args.profile)
    print(f"first aggregation of today (whole, provisional): {first_s:.2f} s  [{first.line()}]")
    write_cycles(engine, [r for r in rows if r["cycle_at"] == last])
    cycle_s, cycle = timed(
        engine, settings, last.replace(tzinfo=UTC) + timedelta(seconds=30), args.profile
    )
    print(f"after-cycle update of today and live: {cycle_s:.2f} s  [{cycle.line()}]  target < 2 s")
    write_cycles(engine, [r for r in rows if r["cycle_at"] > last])
    end = max(metrics.day_bounds(DAY, zone)[1] for zone in ZONES)
    day_s, day = timed(engine, settings, end + timedelta(minutes=1), args.profile)
    with engine.connect() as conn:
        daily = conn.scalar(select(func.count()).select_from(schema.ride_daily))
    print(f"daily job (every park's day final): {day_s:.2f} s  [{day.line()}]  target < 10 s")
    print(f"ride_daily rows: {daily}")
    engine.dispose()
    if not args.keep:
        scratch_db.drop(args.database_url)


if __name__ == "__main__":
    main()
