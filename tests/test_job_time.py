"""Time stays sane: a --now ahead of the clock is refused, odd years are one line, a future
cycle cannot stop the park list refreshing, raw rows wait for the real clock, and a cycle
replayed far from the others is aggregated on its own days only. Both databases."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from aggregator import aggregate
from collector.cycle import collect
from hallofshame import metrics, schema
from hallofshame.clock import MAX_CLOCK_SKEW, TimeOutOfRange, check_job_time, iso, utcnow
from simulator import SimConfig, Simulator
from tests.scenario import PARKS
from tests.test_cli import NOW, run_on

TEN_LOCAL = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)  # 10:00 in Paris (park 30)


@pytest.fixture(scope="module")
def simulator():
    with Simulator(SimConfig(seed=7, parks=6, rides=150), now=NOW, speed=0) as sim:
        yield sim


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 7, 4, 12, 30, 5), "2026-07-04T12:30:05Z"),  # naive: UTC, as stored
        (datetime(2026, 7, 4, 12, 30, 5, 999, tzinfo=UTC), "2026-07-04T12:30:05Z"),
        (
            datetime(2026, 7, 4, 7, 30, 5, tzinfo=timezone(timedelta(hours=-5))),
            "2026-07-04T12:30:05Z",
        ),
        (datetime(999, 1, 1, tzinfo=UTC), "0999-01-01T00:00:00Z"),
        (datetime(9999, 12, 31, 23, 59, 59, 999999), "9999-12-31T23:59:59Z"),
        (None, None),
    ],
)
def test_an_instant_is_written_in_utc_to_the_second(value, text):
    assert iso(value) == text


def test_the_skew_is_the_limit():
    real = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)
    assert check_job_time(real + MAX_CLOCK_SKEW, real) == real + MAX_CLOCK_SKEW
    with pytest.raises(TimeOutOfRange, match="ahead of this machine's clock"):
        check_job_time(real + MAX_CLOCK_SKEW + timedelta(seconds=1), real)
    assert check_job_time(datetime(1970, 1, 1, tzinfo=UTC), real).year == 1970
    with pytest.raises(TimeOutOfRange, match="before 1970"):
        check_job_time(datetime(1969, 12, 31, 23, 59, tzinfo=UTC), real)


@pytest.mark.parametrize("command", ["collect", "aggregate", "cycle", "stats"])
def test_a_now_ahead_of_the_clock_is_refused(database_url, engine, simulator, command):
    ahead = iso(utcnow() + MAX_CLOCK_SKEW + timedelta(minutes=2))
    before = simulator.requests_served
    args = ["--park", str(simulator.world.parks[0].id)] if command == "stats" else []
    result = run_on(database_url, simulator, command, "--now", ahead, *args)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"hallofshame: --now {ahead} is ahead of this machine's clock")
    assert line.endswith("by more than 5 minutes: refused")
    assert simulator.requests_served == before
    assert count(engine, schema.collection_cycles) == count(engine, schema.aggregated_cycles) == 0


@pytest.mark.parametrize(
    "when, says",
    [
        ("0001-01-01T00:00:00Z", "is before 1970-01-01T00:00:00Z: refused"),
        ("0001-01-01T00:30:00+01:00", "is out of range"),
        ("9999-12-31T23:59:59Z", "is ahead of this machine's clock"),
        ("9999-12-31T23:59:59-01:00", "is out of range"),
    ],
)
@pytest.mark.parametrize("command", ["collect", "aggregate", "cycle", "stats"])
def test_years_1_and_9999_are_one_line_never_a_traceback(
    database_url, engine, simulator, command, when, says
):
    args = ["--park", str(simulator.world.parks[0].id)] if command == "stats" else []
    result = run_on(database_url, simulator, command, "--now", when, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (1, 2)  # 2: click's usage error for a time it cannot represent
    errors = [line for line in result.stderr.splitlines() if says in line]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    assert count(engine, schema.collection_cycles) == 0


def test_a_future_cycle_cannot_stop_the_park_list_refreshing(scenario, engine):
    """A cycle collected (by code, not the CLI) at 2199 stamps the park list with the real
    clock, not 2199; a list already stamped in the future is refreshed by the next cycle."""
    scenario.serve(30, {1: "o"}, TEN_LOCAL, {})
    before = utcnow()
    far = datetime(2199, 1, 1, tzinfo=UTC)
    assert collect(engine, scenario.settings, now=far).parks_refreshed
    with engine.connect() as conn:
        listed = conn.scalars(select(schema.parks.c.listed_at)).all()
    assert len(listed) == len(PARKS)
    assert all(before - timedelta(seconds=1) <= at.replace(tzinfo=UTC) <= utcnow() for at in listed)
    with engine.begin() as conn:  # as an older version would have left it
        conn.execute(update(schema.parks).values(listed_at=far.replace(tzinfo=None)))
    refreshed = collect(engine, scenario.settings, now=TEN_LOCAL)
    assert refreshed.parks_refreshed and refreshed.parks_ok == len(PARKS)
    with engine.connect() as conn:
        assert conn.scalar(select(func.max(schema.parks.c.listed_at))) == TEN_LOCAL.replace(
            tzinfo=None
        )


def test_raw_rows_wait_until_their_day_is_final_by_the_real_clock(scenario, engine):
    """Today's cycles up to now, then an aggregate told a time three days ahead: it may count
    today as final, but every raw row stays (the rest of today still needs them)."""
    last = metrics.cycle_time(utcnow())
    first = last - timedelta(minutes=30)
    scenario.play(30, first, {1: "oocooo", 2: "oooooo"})
    raw = count(engine, schema.ride_snapshots)
    assert raw == 12
    summary = aggregate(engine, scenario.settings, now=utcnow() + timedelta(days=3))
    assert summary.days_final >= 1 and summary.raw_deleted == 0
    assert count(engine, schema.ride_snapshots) == raw


def test_raw_rows_still_go_once_final_and_old_by_both_clocks(scenario, engine):
    scenario.play(30, TEN_LOCAL, {1: "oocooo", 2: "oooooo"})
    summary = aggregate(engine, scenario.settings, now=TEN_LOCAL + timedelta(days=3))
    assert summary.raw_deleted == 12 + 6  # ride rows, and the park's row of each cycle
    assert count(engine, schema.ride_snapshots) == 0


def test_a_cycle_replayed_far_back_is_aggregated_on_its_own_days(scenario, engine):
    """Cycles on 2026-07-04, one replayed a year back and one in 1970, aggregated in one run:
    the park gets exactly those three days, not the 20,000 days between (the crafted feed's
    other parks list no rides, so they have no rows)."""
    year_back = TEN_LOCAL - timedelta(days=365)
    epoch = datetime(1970, 1, 2, 8, 0, tzinfo=UTC)
    scenario.play(30, TEN_LOCAL, {1: "ooo", 2: "ooo"})
    for at in (year_back, epoch):
        scenario.play(30, at, {1: "o", 2: "o"})
    started = time.monotonic()
    summary = aggregate(engine, scenario.settings, now=TEN_LOCAL + timedelta(days=1))
    assert time.monotonic() - started < 30
    expected = {(30, date(2026, 7, 4)), (30, date(2025, 7, 4)), (30, date(1970, 1, 2))}
    assert {
        (30, metrics.local_day(at, "Europe/Paris")) for at in (TEN_LOCAL, year_back, epoch)
    } == expected
    assert {(park, date.fromisoformat(day)) for park, day, _ in summary.days} == expected
    assert summary.days_final == 3 and summary.cycles == 5
