"""A ride's median and 90th-percentile posted wait over any period, exact, from the final days'
per-wait counts (`ride_daily_waits.open_cycles`): the same readings as its mean and maximum
(the park open, the ride open), on both databases.

Park 30 (Europe/Paris), five rides (the park opens at 2 open rides), cycles 10 minutes apart
from 10:00 local. Ride 1 is open alone at 10:00 each day (the park counts as closed, so that
reading is in its tier's counts but not in its wait statistics):

    July 4  ride 1: O O o o o c   park-open waits 45, 20, 20, 20 (10:00's 45 left out)
    July 5  ride 1: l z z l l c   park-open waits 0, 0, 5, 5     (10:00's 5 left out)
    rides 2-5 each day: c o o o o c

Seen on July 6: yesterday (July 5) is 0, 0, 5, 5: median 2.5, p90 (linear, at 2.7 of 0..3)
5 + 0.7 x 0 = 5. Last 7 days: 0, 0, 5, 5, 20, 20, 20, 45: median (5 + 20) / 2 = 12.5, p90 at
6.3 of 0..7: 20 + 0.3 x 25 = 27.5. With the closed-park readings (the tier's counts) they
would be 5 and 45. Today (July 6, provisional) has no median: its waits are not counted yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from alembic import command
from sqlalchemy import text

from hallofshame import db, metrics, schema
from reader.spans import RIDE, period_stats
from tests.scenario import rows

OTHERS = {r: "cooooc" for r in range(2, 6)}
DAY1 = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
DAY2 = datetime(2026, 7, 5, 8, 0, tzinfo=UTC)
DAY3 = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
SEEN = datetime(2026, 7, 6, 8, 45, tzinfo=UTC)


def numbers(engine, period: str) -> dict:
    with engine.connect() as conn:
        return period_stats(conn, RIDE, [1], period, SEEN)[1].as_json()


@pytest.fixture
def two_days(engine, scenario):
    scenario.play(30, DAY1, {1: "OOoooc", **OTHERS})
    scenario.play(30, DAY2, {1: "lzzllc", **OTHERS})
    scenario.play(30, DAY3, {1: "oooooo", **{r: "cooooo" for r in range(2, 6)}})
    scenario.aggregate(SEEN)
    return engine


def test_the_counts_keep_the_park_open_readings_apart(two_days):
    waits = schema.ride_daily_waits.c
    counted = rows(two_days, schema.ride_daily_waits, waits.ride_id == 1)
    assert [(r["day"].day, r["wait"], r["cycles"], r["open_cycles"]) for r in counted] == [
        (4, 20, 3, 3),
        (4, 45, 2, 1),
        (5, 0, 2, 2),
        (5, 5, 3, 2),
    ]


def test_a_periods_median_and_p90_are_over_its_park_open_readings(two_days):
    yesterday = numbers(two_days, "yesterday")
    assert (yesterday["wait_median"], yesterday["wait_p90"]) == (2.5, 5.0)
    week = numbers(two_days, "last-7-days")
    assert (week["wait_mean"], week["wait_median"], week["wait_p90"], week["wait_max"]) == (
        14.4,
        12.5,
        27.5,
        45,
    )


def test_a_single_days_median_and_p90_are_the_days_own(two_days):
    """The day's stored median and p90 (taken from its raw readings) are what the counts give."""
    rd = schema.ride_daily.c
    (day,) = rows(two_days, schema.ride_daily, rd.ride_id == 1, rd.day == date(2026, 7, 5))
    yesterday = numbers(two_days, "yesterday")
    assert (yesterday["wait_median"], yesterday["wait_p90"]) == (
        day["wait_median"],
        day["wait_p90"],
    )


def test_a_period_with_a_provisional_day_has_no_median(two_days):
    today = numbers(two_days, "today")
    assert today["wait_mean"] == 20.0
    assert (today["wait_median"], today["wait_p90"]) == (None, None)


def test_a_day_without_counts_leaves_its_periods_without_median(two_days):
    """A day aggregated before the counts were kept (open_cycles NULL): the periods holding it
    publish no median rather than one over part of their readings."""
    waits = schema.ride_daily_waits.c
    with two_days.begin() as conn:
        conn.execute(
            schema.ride_daily_waits.update()
            .where(waits.day == date(2026, 7, 4))
            .values(open_cycles=None)
        )
    assert numbers(two_days, "last-7-days")["wait_median"] is None
    assert numbers(two_days, "yesterday")["wait_median"] == 2.5


def test_quantiles_of_counts_are_those_of_the_readings_written_out():
    rng = np.random.default_rng(42)
    for _ in range(200):
        readings = rng.choice([0, 5, 10, 15, 20, 35, 45, 90], size=rng.integers(1, 60))
        values, counts = np.unique(readings, return_counts=True)
        group = np.zeros(len(values), dtype="int64")
        for q in (0.5, metrics.WAIT_PERCENTILE):
            _, found = metrics.quantiles_of_counts(group, values, counts, q)
            assert found[0] == pytest.approx(pd.Series(readings).quantile(q), abs=1e-9)


def test_0006_copies_the_counts_of_days_whose_waits_were_all_counted(engine):
    """Before 0006 a day's counts include readings taken while its park was closed: where the
    day's `wait_count` equals their sum there were none, and the counts are copied; elsewhere
    they stay unknown (NULL)."""
    try:
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0005")
            conn.execute(text("INSERT INTO operator_groups (id, name) VALUES (1, 'G')"))
            conn.execute(
                text(
                    "INSERT INTO parks (id, group_id, name, timezone, first_seen_at, listed_at) "
                    "VALUES (30, 1, 'P', 'Europe/Paris', :at, :at)"
                ),
                {"at": DAY1.replace(tzinfo=None)},
            )
            for ride_id, day, wait_count in ((1, date(2026, 7, 4), 5), (1, date(2026, 7, 5), 3)):
                conn.execute(schema.ride_daily.insert(), [seeded_day(ride_id, day, wait_count)])
            conn.execute(
                text(
                    "INSERT INTO ride_daily_waits (ride_id, day, wait, park_id, cycles) VALUES "
                    "(1, '2026-07-04', 20, 30, 3), (1, '2026-07-04', 45, 30, 2), "
                    "(1, '2026-07-05', 0, 30, 2), (1, '2026-07-05', 5, 30, 2)"
                )
            )
    finally:
        db.upgrade(engine)
    waits = rows(engine, schema.ride_daily_waits)
    assert [(r["day"].day, r["wait"], r["open_cycles"]) for r in waits] == [
        (4, 20, 3),
        (4, 45, 2),
        (5, 0, None),
        (5, 5, None),
    ]


def seeded_day(ride_id: int, day: date, wait_count: int) -> dict:
    """A final ride day with `wait_count` counted waits (the rest of its numbers zero)."""
    zero = {c.name: 0 for c in schema.ride_daily.columns if not c.nullable}
    return {
        **zero,
        "ride_id": ride_id,
        "day": day,
        "park_id": 30,
        "final": True,
        "active": True,
        "counted": True,
        "tier": 2,
        "weight": 2,
        "wait_count": wait_count,
    }
