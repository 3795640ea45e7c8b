"""Replaying simulated time through the collector: the demo's path, with faults."""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from cli import cli
from demo import cycle_times, replay, world_counts
from hallofshame import db, schema
from hallofshame.clock import to_db
from hallofshame.logs import mask_secret
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


UNTIL = "2026-07-04T18:00:00Z"


def run_demo(database_url: str, docroot, *options: str):
    args = ["--env-file", "/nonexistent", "--database-url", database_url, "--docroot", str(docroot)]
    demo = ["demo", "--days", "0.05", "--until", UNTIL, "--no-serve", *options]
    return CliRunner().invoke(cli, [*args, *demo])


def results(output: str) -> list[str]:
    """What a run found, without its timings and release stamp."""
    keep = ("the database now holds", "worst parks", "  ", "collected")
    return [
        re.sub(r" in [0-9.]+ s$", "", line) for line in output.splitlines() if line.startswith(keep)
    ]


def test_every_demo_run_gives_the_same_result_whatever_ran_before(database_url, tmp_path):
    """A second run with other options used to collect the old world's park list (404 for every
    park); one with the same options later interleaved its cycles with the first run's."""
    other = run_demo(database_url, tmp_path / "d", "--parks", "2", "--rides", "20", "--seed", "5")
    assert other.exit_code == 0, other.output
    second = run_demo(database_url, tmp_path / "d", "--parks", "3", "--rides", "24")
    third = run_demo(database_url, tmp_path / "d", "--parks", "3", "--rides", "24")
    alone = run_demo(
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "f", "--parks", "3", "--rides", "24"
    )
    for run in (second, third, alone):
        assert run.exit_code == 0, run.output
    found = results(second.output)
    assert found == results(third.output) == results(alone.output)
    assert found[0].startswith("collected 8 cycles") and "0 park failures" in found[0]
    assert found[1].startswith("the database now holds 3 parks, 24 rides, 8 cycles")
    assert "demo: emptied the previous run's data first (2 parks, 8 cycles)" in second.output
    assert "demo: emptied the previous run's data first (3 parks, 8 cycles)" in third.output
    assert "emptied" not in alone.output
    ranked = [line for line in found if line.startswith("  1. ")]
    assert ranked and re.match(r"  1\. .+ \(park 9\d{5}\): shame ", ranked[0])
    assert (
        f"--database-url '{mask_secret(database_url)}' --docroot '{tmp_path / 'd'}' serve"
        in third.output
    )


def test_the_demo_refuses_to_empty_a_database_that_is_not_a_demo(engine, database_url, tmp_path):
    with engine.begin() as conn:
        conn.execute(schema.operator_groups.insert().values(id=1, name="Real"))
        conn.execute(
            schema.parks.insert().values(
                id=16,
                group_id=1,
                name="Real Park",
                timezone="Europe/Paris",
                first_seen_at=to_db(START),
                listed_at=to_db(START),
            )
        )
    run = run_demo(database_url, tmp_path / "d", "--parks", "3", "--rides", "30")
    assert run.exit_code == 1
    assert run.output.splitlines()[-1].startswith(
        "hallofshame: demo failed: this database holds data that did not come from the simulator"
    )
    assert world_counts(engine).parks == 1 and not (tmp_path / "d").exists()


def test_a_busy_port_is_refused_before_the_pipeline_runs(database_url, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        args = ["--env-file", "/nonexistent", "--database-url", database_url]
        args += ["--docroot", str(tmp_path / "d")]
        run = CliRunner().invoke(cli, [*args, "demo", "--port", str(port), "--days", "1"])
    assert run.exit_code == 1
    assert run.output.splitlines() == [
        f"hallofshame: cannot serve on port {port}: Address already in use (try --port 0)"
    ]
    assert time.monotonic() - started < 5
    assert world_counts(db.make_engine(database_url)).cycles == 0
    assert not (tmp_path / "d").exists()
