"""Seed a benchmark database with a year of stored aggregates: 150 parks, 5,000 rides, a daily
row per park and ride for 365 local days, hourly park rows for the last 30, outages, live rows.

Rows are written straight into the aggregator's tables by the generator the publisher tests use
(tests/seeding.py), in bulk inserts. The database is dropped and created first, so its name
must start with `hos_bench` (this script never touches any other database).

Example:
    .venv/bin/python bench/seed_year.py --database-url \\
        'mysql+mysqldb://root@127.0.0.1:3306/hos_bench_publish?charset=utf8mb4'
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hallofshame import db
from tests.seeding import World, seed

PREFIX = "hos_bench"
DEFAULT_URL = "mysql+mysqldb://root@127.0.0.1:3306/hos_bench_publish?charset=utf8mb4"


def fresh_database(url: str):
    """Drop and create the database (only one named hos_bench...), migrated."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if not (parsed.database or "").startswith(PREFIX):
            raise SystemExit(f"refusing to drop {parsed.database!r}: its name must start {PREFIX}")
        server = create_engine(parsed.set(database=""))
        with server.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
            conn.execute(text(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4"))
        server.dispose()
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def seed_year(url: str, parks: int = 150, rides: int = 5000, days: int = 365) -> World:
    world = World(parks=parks, rides=rides, days=days, hourly_days=30, hostile=False)
    engine = fresh_database(url)
    seed(engine, world)
    engine.dispose()
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--parks", type=int, default=150)
    parser.add_argument("--rides", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    began = time.monotonic()
    seed_year(args.database_url, args.parks, args.rides, args.days)
    print(
        f"seeded {args.parks} parks, {args.rides} rides, {args.days} days in "
        f"{time.monotonic() - began:.1f} s -> {make_url(args.database_url).database}"
    )


if __name__ == "__main__":
    main()
