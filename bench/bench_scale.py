"""Cost against size: the present world (150 parks, 5,000 rides, a year of daily rows) at several
scales, one table of what each step costs.

For each scale (1x = 150 parks, 5,000 rides; `--scales 1,2,4`) it measures, each step as the
command cron runs, in a process of its own (its wall time and its peak resident memory, the
largest process of its tree, rendering workers included):

1. the cycle: `hallofshame cycle` (collect from the simulator at `--latency-ms`, aggregate,
   publish) in a fresh database of its own, three cycles; the third (warm) one is reported;
2. the after-cycle publish on the seeded year: one more cycle's live states and today's minutes
   (what a cycle's aggregation changes), then `hallofshame publish`;
3. the daily rebuild: the day ends (every day final), the 30-day window moves one day, then
   `hallofshame publish` as of the next day;
4. the published tree: files (`.gz` twins included) and bytes.

Goal (issue 15): the after-cycle work grows with what changed, not with the world; the daily
rebuild stays under the 10-minute cycle at 4x. Check the script small first; the full sizes are
CPU-heavy (minutes each) and want a quiet machine.

Example (MariaDB at 127.0.0.1:3306; databases hos_bench_scale*, dropped at the end):
    .venv/bin/python bench/bench_scale.py --scales 0.1 --days 30     # a check, about a minute
    .venv/bin/python bench/bench_scale.py --scales 1,2,4             # the figures

Seeding is most of the time (about 25 minutes for 1,2,4) and needs no quiet machine: `--seed-only`
seeds one database per scale (hos_bench_scale_1x, ...) and keeps them; a later `--seeded` run
measures on them (and drops each once measured, as it has changed them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch_db
from bench_collect import START, free_port, start_simulator
from bench_publish import next_cycle, tree_size

from hallofshame import db, schema
from hallofshame.clock import iso, to_db
from tests.seeding import World, seed

PARKS, RIDES = 150, 5000  # the present world, 1x
HALLOFSHAME = str(Path(sys.executable).parent / "hallofshame")


@dataclass
class Run:
    """One command's wall time, peak memory (MB) and its printed JSON summary, if any."""

    wall_s: float
    peak_mb: float
    summary: dict


@dataclass
class Row:
    scale: float
    parks: int
    rides: int
    cycle: Run
    after: Run
    daily: Run
    files: int
    tree_mb: float


def command(args: list[str], env: dict[str, str]) -> Run:
    """Run `hallofshame ARGS`; its wall time and the peak RSS of its largest process."""
    began = time.monotonic()
    process = subprocess.Popen(
        [HALLOFSHAME, "--env-file", "/nonexistent", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - began
    if process.returncode != 0:
        raise SystemExit(f"hallofshame {' '.join(args)} failed with status {process.returncode}")
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    summary = json.loads(lines[-1]) if lines else {}
    return Run(wall, usage.ru_maxrss / 1024, summary)  # ru_maxrss: KiB on Linux


def bench_cycle(server: str, parks: int, rides: int, latency_ms: int, docroot: Path) -> Run:
    url = f"{server}/hos_bench_scale_cycle?charset=utf8mb4"
    scratch_db.recreate(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    port = free_port()
    simulator = start_simulator(
        argparse.Namespace(parks=parks, rides=rides, latency_ms=latency_ms), port
    )
    env = {"DATABASE_URL": url, "QUEUE_TIMES_URL": f"http://127.0.0.1:{port}"}
    env["DOCROOT"] = str(docroot)
    try:
        for number in range(3):
            at = START + timedelta(minutes=10 * number)
            requests.post(f"http://127.0.0.1:{port}/_sim/clock", params={"now": iso(at)}, timeout=5)
            run = command(["cycle", "--now", iso(at)], env)
    finally:
        simulator.terminate()
        simulator.wait()
        scratch_db.drop(url)
    return run


def end_the_day(engine, world: World) -> None:
    """What the daily aggregation leaves: every stored day final, the next day's first cycle."""
    at = to_db(world.end + timedelta(days=1))
    with engine.begin() as conn:
        for table in (schema.ride_daily, schema.park_daily):
            conn.execute(update(table).where(table.c.final.is_(False)).values(final=True))
        conn.execute(schema.aggregated_cycles.insert().values(cycle_at=at, aggregated_at=at))
        conn.execute(update(schema.ride_live).values(cycle_at=at))
        conn.execute(update(schema.park_live).values(cycle_at=at))


def world_of(args: argparse.Namespace, scale: float) -> World:
    parks, rides = max(1, round(PARKS * scale)), max(1, round(RIDES * scale))
    return World(parks=parks, rides=rides, days=args.days, hourly_days=30, hostile=False)


def seeded_url(server: str, scale: float) -> str:
    """The database `--seed-only` keeps for a scale."""
    return f"{server}/hos_bench_scale_{str(scale).replace('.', '_')}x?charset=utf8mb4"


def seed_scale(args: argparse.Namespace, scale: float) -> None:
    url = seeded_url(args.server, scale)
    began = time.monotonic()
    scratch_db.recreate(url)
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        seed(engine, world_of(args, scale))
    finally:
        engine.dispose()
    print(f"  {scale}x seeded {args.days} days into {url} ({time.monotonic() - began:.0f} s)")


def bench_scale(args: argparse.Namespace, scale: float) -> Row:
    world = world_of(args, scale)
    parks, rides = world.parks, world.rides
    url = seeded_url(args.server, scale) if args.seeded else f"{args.server}/hos_bench_scale"
    with tempfile.TemporaryDirectory(prefix="hos_bench_scale") as tmp:
        began = time.monotonic()
        cycle = bench_cycle(args.server, parks, rides, args.latency_ms, Path(tmp) / "cycle")
        print(f"  {scale}x cycle: {cycle.wall_s:.1f} s ({time.monotonic() - began:.0f} s)")
        if not args.seeded:
            scratch_db.recreate(url)
        engine = db.make_engine(url)
        try:
            if not args.seeded:
                db.upgrade(engine)
                seed(engine, world)
                print(f"  {scale}x seeded {args.days} days ({time.monotonic() - began:.0f} s)")
            env = {"DATABASE_URL": url}
            out = ["--out", str(Path(tmp) / "site"), "--json"]
            command(["publish", "--now", iso(world.end), *out], env)  # the site before
            next_cycle(engine, world, 10, random.Random(1))
            after = command(["publish", "--now", iso(world.end + timedelta(minutes=10)), *out], env)
            end_the_day(engine, world)
            daily = command(["publish", "--now", iso(world.end + timedelta(days=1)), *out], env)
            files, size = tree_size(Path(tmp) / "site" / "current")
        finally:
            engine.dispose()
            scratch_db.drop(url)
    return Row(scale, parks, rides, cycle, after, daily, files, size / 1e6)


def table(rows: list[Row]) -> str:
    head = (
        "| scale | parks | rides | cycle, warm | cycle peak | after-cycle publish "
        "| daily rebuild | publish peak | tree |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for row in rows:
        after, daily = row.after, row.daily
        lines.append(
            f"| {row.scale:g}x | {row.parks:,} | {row.rides:,} | {row.cycle.wall_s:.1f} s "
            f"| {row.cycle.peak_mb:.0f} MB "
            f"| {_publish(after)} | {_publish(daily)} "
            f"| {max(after.peak_mb, daily.peak_mb):.0f} MB "
            f"| {row.files:,} files, {row.tree_mb:.1f} MB |"
        )
    return "\n".join(lines)


def _publish(run: Run) -> str:
    """The publish's own time (the command's wall time, start-up included, after it) and the
    files it wrote."""
    own, written = run.summary.get("duration_s", 0.0), run.summary.get("written", 0)
    return f"{own:.1f} s ({run.wall_s:.1f} s), {written:,} written"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="mysql+mysqldb://root@127.0.0.1:3306")
    parser.add_argument(
        "--scales", "--scale", default="1,2,4", help="Multiples of 150 parks, 5,000 rides."
    )
    parser.add_argument("--days", type=int, default=365, help="Days of daily rows (a year).")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--seed-only", action="store_true", help="Seed each scale's database.")
    parser.add_argument("--seeded", action="store_true", help="Measure on --seed-only's.")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    scratch_db.bench_url(f"{args.server}/hos_bench_scale")  # before anything starts
    if args.seed_only:
        for scale in scales:
            seed_scale(args, scale)
        return
    rows = []
    for scale in scales:
        rows.append(bench_scale(args, scale))
    print(table(rows))


if __name__ == "__main__":
    main()
