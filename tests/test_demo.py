"""Replaying simulated time through the collector: the demo's path, with faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from demo import cycle_times, replay, world_counts
from hallofshame import schema
from hallofshame.clock import to_db
from simulator import SimConfig, Simulator
from simulator.faults import FaultBook

START = datetime(2026, 7, 4, 14, 0, tzinfo=UTC)
f = schema.fetch_failures.c


def test_cycle_times_are_interval_apart_and_inclusive():
    times = list(cycle_times(START, START + timedelta(hours=1), 10))
    assert len(times) == 7 and times[-1] - times[0] == timedelta(hours=1)


def test_replay_collects_every_cycle_and_isolates_faults(engine, settings):
    config = SimConfig(seed=3, parks=8, rides=200, fault_rate=0.3)
    settings = settings.with_overrides(retry_attempts=1)  # let the injected faults through
    with Simulator(config, now=START, speed=0) as sim:
        end = START + timedelta(minutes=50)
        summary = replay(engine, settings, sim, START, end)
        sizes = {park.id: len(park.rides) for park in sim.world.parks}
    times = list(cycle_times(START, end, 10))
    expected = drawn_faults(config, sorted(sizes), times)  # one request a park a cycle
    assert summary.cycles == 6 and summary.cycles_skipped == 0
    assert summary.parks_failed == len(expected) == 14  # seed 3 draws 14 of 48: some, not all
    with engine.connect() as conn:
        cycles = conn.execute(select(schema.collection_cycles)).all()
        failures = conn.scalar(select(func.count()).select_from(schema.fetch_failures))
        failed = set(conn.execute(select(f.cycle_at, f.park_id)).all())
        per_park = conn.execute(
            select(
                schema.ride_snapshots.c.cycle_at, schema.ride_snapshots.c.park_id, func.count()
            ).group_by(schema.ride_snapshots.c.cycle_at, schema.ride_snapshots.c.park_id)
        ).all()
    assert failed == {(to_db(at), park) for at, park in expected}
    assert len(cycles) == 6
    assert all(c.parks_ok + c.parks_failed == 8 for c in cycles)
    assert failures == sum(c.parks_failed for c in cycles) == summary.parks_failed
    assert all(rides == sizes[park] for _, park, rides in per_park)  # a park: all rows or none
    assert len(per_park) == sum(c.parks_ok for c in cycles)


def drawn_faults(config: SimConfig, parks: list[int], times: list[datetime]) -> set:
    """(cycle time, park) of every park response the seeded fault rate turns into a failure:
    the n-th request of a park draws from (seed, park, n) alone."""
    book = FaultBook(config.seed, config.fault_rate)
    return {(at, park) for at in times for park in parks if book.take(park)[0] is not None}


def test_replaying_again_adds_nothing(engine, settings):
    with Simulator(SimConfig(seed=5, parks=3, rides=60), now=START, speed=0) as sim:
        end = START + timedelta(minutes=30)
        first = replay(engine, settings, sim, START, end)
        second = replay(engine, settings, sim, START, end)
    assert first.snapshots_written == world_counts(engine).snapshots > 0
    assert second.cycles_skipped == 4 and second.snapshots_written == 0
