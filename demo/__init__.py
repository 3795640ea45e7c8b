"""The demo: a simulated Queue-Times, collected cycle by cycle through the production code path.

`replay` drives any span of simulated time (the demo, benchmarks, backfills in tests): it sets
the simulator's clock to each cycle time and runs the ordinary collector with `now` = that time.

Every demo run starts from an empty database (`start_afresh`): a second run with other options
would otherwise collect the old world's park list (404 for every park), and one with the same
options a few minutes later would interleave its cycles with the first run's.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select

from aggregator import aggregate
from collector.cycle import CycleSummary, collect
from hallofshame import db, metrics, schema
from hallofshame.clock import iso
from hallofshame.errors import StageError
from hallofshame.settings import Settings
from reader import batch, rank_parks
from simulator import SimConfig, Simulator


@dataclass
class ReplaySummary:
    first: datetime
    last: datetime
    cycles: int = 0
    cycles_skipped: int = 0
    snapshots_written: int = 0
    parks_failed: int = 0
    duration_s: float = 0.0
    cycle_summaries: list[CycleSummary] = field(default_factory=list, repr=False)

    def line(self) -> str:
        return (
            f"collected {self.cycles} cycles from {iso(self.first)} to {iso(self.last)} "
            f"({self.cycles_skipped} already there): {self.snapshots_written} snapshots, "
            f"{self.parks_failed} park failures, in {self.duration_s:.1f} s"
        )


def cycle_times(start: datetime, end: datetime, interval_minutes: int) -> Iterator[datetime]:
    """Cycle times from `start` to `end` inclusive, `interval_minutes` apart."""
    at = metrics.cycle_time(start)
    while at <= end:
        yield at
        at += timedelta(minutes=interval_minutes)


def replay(
    engine: Engine,
    settings: Settings,
    simulator: Simulator,
    start: datetime,
    end: datetime,
    after_cycle: Callable[[datetime], None] | None = None,
    progress: Callable[[int, int, datetime], None] | None = None,
) -> ReplaySummary:
    """Collect every cycle of [start, end] from a running simulator."""
    times = list(cycle_times(start, end, settings.collect_interval_minutes))
    summary = ReplaySummary(first=times[0], last=times[-1])
    began = time.monotonic()
    settings = settings.with_overrides(queue_times_url=simulator.url)
    for number, at in enumerate(times, 1):
        simulator.set_now(at, speed=0)
        cycle = collect(engine, settings, now=at)
        summary.cycles += 1
        summary.cycles_skipped += cycle.already_collected
        summary.snapshots_written += cycle.snapshots_written
        summary.parks_failed += cycle.parks_failed
        if after_cycle:
            after_cycle(at)
        if progress:
            progress(number, len(times), at)
    summary.duration_s = time.monotonic() - began
    return summary


def terminal_progress(label: str) -> Callable[[int, int, datetime], None] | None:
    """A one-line progress display on a terminal; nothing under cron (no terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, at: datetime) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label}: {done}/{total} cycles, at {iso(at)}{end}")
        sys.stderr.flush()

    return show


@dataclass
class WorldCounts:
    parks: int
    rides: int
    snapshots: int
    cycles: int
    failures: int

    def line(self) -> str:
        return (
            f"the database now holds {self.parks} parks, {self.rides} rides, "
            f"{self.cycles} cycles, {self.snapshots} ride snapshots, {self.failures} fetch failures"
        )


def world_counts(engine: Engine) -> WorldCounts:
    tables = (
        schema.parks,
        schema.rides,
        schema.ride_snapshots,
        schema.collection_cycles,
        schema.fetch_failures,
    )
    with engine.connect() as conn:
        values = [conn.scalar(select(func.count()).select_from(t)) or 0 for t in tables]
    return WorldCounts(*values)


class DemoError(StageError):
    """The demo cannot run on this database; the message says why."""


def start_afresh(engine: Engine) -> WorldCounts | None:
    """Empty the demo's database of a previous run, so every run gives the same result; returns
    what it held (None when it was empty). A database holding data that did not come from the
    simulator is refused, not emptied: an explicit --database-url may be a real one."""
    db.upgrade(engine)
    before = world_counts(engine)
    if not (before.parks or before.cycles):
        return None
    with engine.connect() as conn:
        simulated = batch.is_simulated(conn)
    if not simulated:
        raise DemoError(
            "this database holds data that did not come from the simulator; the demo empties "
            "its database before each run, so it will not run here (give it another "
            "--database-url, or leave DEMO_DATABASE_URL to its default)"
        )
    with engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())
    return before


def simulated_days(
    settings: Settings, config: SimConfig, days: float, end: datetime
) -> tuple[ReplaySummary, WorldCounts]:
    """The demo's pipeline: `days` of simulated time ending at `end`, into `database_url` (the
    CLI makes that DEMO_DATABASE_URL, never DATABASE_URL), which `start_afresh` emptied. Every
    cycle is collected; the aggregator runs once per simulated hour and at the end (cron runs
    it after every cycle: the results are the same, the demo is just quicker)."""
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    mark_simulated(engine)
    start = end - timedelta(days=days)
    for name in ("collector", "aggregator"):  # the progress line says it all
        logging.getLogger(name).setLevel(logging.WARNING)
    every = max(1, 60 // settings.collect_interval_minutes)
    cycles = [0]

    def after_cycle(at: datetime) -> None:
        cycles[0] += 1
        if cycles[0] % every == 0:
            aggregate(engine, settings, now=at)

    with Simulator(config, now=start, speed=0) as simulator:
        logging.getLogger(__name__).info(simulator.freeze_an_afternoon(end))  # a frozen feed
        summary = replay(
            engine, settings, simulator, start, end, after_cycle, terminal_progress("demo")
        )
    aggregate(engine, settings, now=summary.last)
    return summary, world_counts(engine)


def mark_simulated(engine: Engine) -> None:
    """Record with the data that it comes from the simulator: every page published from this
    database then carries the "simulated data" banner."""
    meta = schema.site_meta
    with engine.begin() as conn:
        conn.execute(meta.delete().where(meta.c.key == batch.SIMULATED_KEY))
        conn.execute(meta.insert().values(key=batch.SIMULATED_KEY, value=batch.SIMULATED_VALUE))


def ranking_lines(engine: Engine, period: str, now: datetime, top: int = 5) -> list[str]:
    """The worst parks of a period, as the demo prints them."""
    with engine.connect() as conn:
        ranked = rank_parks(conn, period, now, "all")
        names = dict(conn.execute(select(schema.parks.c.id, schema.parks.c.name)).all())
    lines = [f"worst parks, {period}:"]
    for place, stats in enumerate(ranked[:top], 1):
        shown = stats.as_json()
        lines.append(
            f"  {place}. {names[stats.id]} (park {stats.id}): shame {shown['shame_score']}, "
            f"{shown['downtime_hours']} h down, uptime {shown['uptime_pct']} %, "
            f"{shown['breakdowns']} breakdowns"
        )
    return lines if ranked else [f"worst parks, {period}: no park has data"]
