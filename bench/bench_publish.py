"""Publishing benchmark on MariaDB: a year of data for 150 parks and 5,000 rides.

Prints, each against its target (issue 7):
1. a full publish (< 30 s);
2. the after-cycle publish: one more cycle's live states and today's minutes (< 5 s);
3. the whole `hallofshame cycle` (collect from the simulator with 100 ms latency, aggregate,
   publish) from start to pages live, in a database of its own (< 15 s);
4. the home page gzip-compressed with everything it loads (< 60 KB);
5. the size of the whole published tree.

Example (seeds `hos_bench_publish` first; --no-seed reuses it):
    .venv/bin/python bench/bench_publish.py
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_collect import START, free_port, start_simulator
from seed_year import DEFAULT_URL, fresh_database, seed_year

from hallofshame import db, schema
from hallofshame.clock import iso, to_db
from hallofshame.settings import load_settings
from publisher import publish
from tests.seeding import World
from tests.site_tree import links_of

CYCLE_URL = "mysql+mysqldb://root@127.0.0.1:3306/hos_bench_cycle?charset=utf8mb4"


def next_cycle(engine, world: World, minutes: int, rng: random.Random) -> None:
    """What one more cycle changes: a tenth of the rides change state, today gets 10 minutes."""
    at = to_db(world.end + timedelta(minutes=minutes))
    live, daily = schema.ride_live, schema.ride_daily
    cycles = schema.aggregated_cycles
    with engine.begin() as conn:
        conn.execute(cycles.delete().where(cycles.c.cycle_at > to_db(world.end)))  # a rerun
        conn.execute(cycles.insert().values(cycle_at=at, aggregated_at=at))
        conn.execute(update(live).values(cycle_at=at))
        conn.execute(update(schema.park_live).values(cycle_at=at))
        for ride_id in rng.sample(range(1000, 1000 + world.rides), world.rides // 10):
            status = rng.choice(("open", "down", "closed"))
            conn.execute(update(live).where(live.c.ride_id == ride_id).values(status=status))
        conn.execute(
            update(daily)
            .where(daily.c.final.is_(False), daily.c.counted.is_(True))
            .values(open_minutes=daily.c.open_minutes + 10)
        )


def home_weight(root: Path) -> tuple[int, list[str]]:
    """Gzipped bytes of the home page and every local file it loads (styles, scripts, images)."""
    page = root / "index.html"
    loaded = [link for link in links_of(page) if _loaded(link)]
    total = len(gzip.compress(page.read_bytes(), 9))
    for link in loaded:
        total += len(gzip.compress((root / link.lstrip("/")).read_bytes(), 9))
    return total, loaded


def _loaded(link: str) -> bool:
    return link.startswith("/assets/") or link.endswith((".css", ".js", ".svg", ".png"))


def tree_size(root: Path) -> tuple[int, int]:
    found = [p for p in root.rglob("*") if p.is_file()]
    return len(found), sum(p.stat().st_size for p in found)


def bench_cycle(args: argparse.Namespace, docroot: Path) -> list[float]:
    """`hallofshame cycle` as cron runs it, against the simulator with 100 ms latency."""
    port = free_port()
    simulator = start_simulator(args, port)
    fresh_database(CYCLE_URL).dispose()
    env = {
        **os.environ,
        "DATABASE_URL": CYCLE_URL,
        "QUEUE_TIMES_URL": f"http://127.0.0.1:{port}",
        "DOCROOT": str(docroot),
    }
    hallofshame = str(Path(sys.executable).parent / "hallofshame")
    walls = []
    try:
        for number in range(3):
            at = START + timedelta(minutes=10 * number)
            requests.post(f"http://127.0.0.1:{port}/_sim/clock", params={"now": iso(at)}, timeout=5)
            began = time.monotonic()
            subprocess.run(
                [hallofshame, "--env-file", "/nonexistent", "cycle", "--now", iso(at)],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            walls.append(time.monotonic() - began)
    finally:
        simulator.terminate()
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--no-seed", action="store_true", help="Reuse an already seeded database.")
    parser.add_argument("--parks", type=int, default=150)
    parser.add_argument("--rides", type=int, default=5000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--skip-cycle", action="store_true", help="Skip the cycle benchmark.")
    parser.add_argument("--only-cycle", action="store_true", help="Only the cycle benchmark.")
    args = parser.parse_args()
    if not args.only_cycle:
        bench_publish(args)
    if not args.skip_cycle:
        with tempfile.TemporaryDirectory(prefix="hos_bench_cycle") as tmp:
            walls = bench_cycle(args, Path(tmp))
        print(
            "whole cycle (collect, aggregate, publish): "
            + ", ".join(f"{w:.1f} s" for w in walls)
            + " (first: every ride inserted, full publish; target < 15 s)"
        )


def bench_publish(args: argparse.Namespace) -> None:
    world = World(parks=args.parks, rides=args.rides, days=365, hourly_days=30, hostile=False)
    if not args.no_seed:
        began = time.monotonic()
        seed_year(args.database_url, args.parks, args.rides)
        took = time.monotonic() - began
        print(f"seeded a year of {args.parks} parks, {args.rides} rides in {took:.0f} s")
    engine = db.make_engine(args.database_url)
    settings = load_settings({"database_url": args.database_url}, env_file=None, environ={})
    with tempfile.TemporaryDirectory(prefix="hos_bench_docroot") as tmp:
        full = publish(engine, settings, tmp, world.end, full=True)
        print(f"full publish: {full.duration_s:.1f} s (target < 30 s): {full.line()}")
        print(f"  timings (s): {full.timings}")
        next_cycle(engine, world, 10, random.Random(1))
        after = publish(engine, settings, tmp, world.end + timedelta(minutes=10))
        print(f"after-cycle publish: {after.duration_s:.1f} s (target < 5 s): {after.line()}")
        print(f"  rendered {after.rendered} of {after.files} files; timings (s): {after.timings}")
        weight, loaded = home_weight(Path(tmp) / "current")
        print(
            f"home page, gzip, with the {len(loaded)} files it loads: {weight / 1024:.1f} KB "
            "(target < 60 KB)"
        )
        count, size = tree_size(Path(tmp) / "current")
        print(f"published tree: {count} files (with .gz), {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
