"""Hand-computed days: crafted feeds collected by the real collector, then aggregated.

Unless a test says otherwise the park is 30 (Europe/Paris, UTC+2 in July), cycles are 10
minutes apart from 10:00 local (08:00 UTC) on Saturday 2026-07-04, the gap cap is 20 minutes,
every ride is a new `ride`-kind ride (tier 2, weight 2), and the day is aggregated once it is
over (final). Timeline marks: see tests/scenario.py. All times below are local unless marked
UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hallofshame import schema
from reader.spans import PARK, RIDE, period_stats
from tests.scenario import Scenario, one, rows

D = date(2026, 7, 4)
TEN_LOCAL = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
FINAL = datetime(2026, 7, 4, 22, 1, tzinfo=UTC)  # Paris midnight has passed
NEXT_DAY = datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
rd, pd_, ev = schema.ride_daily.c, schema.park_daily.c, schema.outage_events.c


def utc(hour: int, minute: int = 0, day: int = 4) -> datetime:
    """A naive UTC time as stored (July 2026)."""
    return datetime(2026, 7, day, hour, minute)


def ride_day(engine, ride_id: int, day: date = D) -> dict:
    return one(engine, schema.ride_daily, rd.ride_id == ride_id, rd.day == day)


def park_day(engine, park_id: int = 30, day: date = D) -> dict:
    return one(engine, schema.park_daily, pd_.park_id == park_id, pd_.day == day)


def minutes(row: dict) -> tuple[int, int, int]:
    return row["open_minutes"], row["down_minutes"], row["unknown_minutes"]


def test_a_ride_that_breaks_twice(engine, scenario):
    """Cycles 10:00..12:00 (13). Ride 2 is open throughout and keeps the park open; at 12:00
    everything is closed (the park is closed, nothing counts).

        ride 1: o o c c o o o c c c o o c     down 10:20-10:40 (20) and 11:10-11:40 (30)
        ride 2: o o o o o o o o o o o o c

    Ride 1: open 7 x 10 = 70, down 50, 2 breakdowns, longest 30, MTTR 25, uptime 58.3 %.
    The second outage starts in the last hour of the span (10:00-12:00) but the ride reopened:
    it stays downtime. Park: open 70 + 120 = 190, down 50; weights 2: shame
    10 x 100 / 480 = 2.083 -> 2.1; open span 120 minutes.
    """
    scenario.play(30, TEN_LOCAL, {1: "ooccoooccc" + "ooc", 2: "o" * 12 + "c"})
    summary = scenario.aggregate(FINAL)
    assert summary.days_final == 1
    ride = ride_day(engine, 1)
    assert minutes(ride) == (70, 50, 0)
    assert (ride["breakdowns"], ride["longest_outage_minutes"]) == (2, 30)
    assert (ride["weighted_down"], ride["weighted_time"], ride["final"]) == (100, 240, True)
    outages = rows(engine, schema.outage_events, ev.ride_id == 1)
    assert [(o["start_at"], o["end_at"], o["minutes"]) for o in outages] == [
        (utc(8, 20), utc(8, 40), 20),
        (utc(9, 10), utc(9, 40), 30),
    ]
    park = park_day(engine)
    assert minutes(park) == (190, 50, 0)
    assert (park["weighted_down"], park["weighted_time"], park["breakdowns"]) == (100, 480, 2)
    assert (park["span_start"], park["span_end"], park["park_open_minutes"]) == (
        utc(8),
        utc(10),
        120,
    )
    with engine.connect() as conn:
        stats = period_stats(conn, RIDE, [1], "yesterday", NEXT_DAY)[1].as_json()
        park_stats = period_stats(conn, PARK, [30], "yesterday", NEXT_DAY)[30].as_json()
    assert stats["mean_time_to_repair_minutes"] == 25.0
    assert stats["uptime_pct"] == 58.3
    assert park_stats["shame_score"] == 2.1
    assert park_stats["downtime_hours"] == 0.83  # 50 / 60


def test_a_ride_that_never_opens_and_one_that_opens_late(engine, scenario):
    """Cycles 10:00..11:10 (8); all closed at 11:10.

        ride 1: o o o o o o o c     open 70
        ride 2: c c c c c c c c     never open: not active, not counted at all
        ride 3: c c c o o o o c     opens at 10:30: late, not broken: open 40, down 0

    The park counts rides 1 and 3 (threshold 1): open 110, down 0, shame 0.0.
    """
    scenario.play(30, TEN_LOCAL, {1: "oooooooc", 2: "cccccccc", 3: "cccooooc"})
    scenario.aggregate(FINAL)
    never = ride_day(engine, 2)
    assert (never["active"], never["counted"], minutes(never)) == (False, False, (0, 0, 0))
    late = ride_day(engine, 3)
    assert (minutes(late), late["breakdowns"]) == ((40, 0, 0), 0)
    park = park_day(engine)
    assert (park["rides_counted"], minutes(park), park["breakdowns"]) == (2, (110, 0, 0), 0)
    with engine.connect() as conn:
        assert period_stats(conn, PARK, [30], "yesterday", NEXT_DAY)[30].shame_score == 0.0
        never_stats = period_stats(conn, RIDE, [2], "yesterday", NEXT_DAY)[2].as_json()
    assert never_stats["shame_score"] is None and never_stats["downtime_hours"] is None


def test_only_ride_kind_rides_count(engine, scenario):
    """Cycles 10:00..10:40. A meet-and-greet and a single-rider line are open, then closed:
    by their names they are `other` and `single_rider`, never counted (no downtime, and not
    in the park's open threshold).

        ride 1 "Ride 1":                     o o o o c     open 40
        ride 2 "Meet Mickey Mouse":          o c c c c     other: not counted
        ride 3 "Space Coaster Single Rider": o c c o c     single rider: not counted

    Park: A = 1, open 40, down 0.
    """
    names = {2: "Meet Mickey Mouse", 3: "Space Coaster Single Rider"}
    scenario.play(30, TEN_LOCAL, {1: "ooooc", 2: "occcc", 3: "occoc"}, names=names)
    scenario.aggregate(FINAL)
    for ride_id in (2, 3):
        ride = ride_day(engine, ride_id)
        assert (ride["active"], ride["counted"], minutes(ride)) == (True, False, (0, 0, 0))
    park = park_day(engine)
    assert (park["rides_counted"], minutes(park), park["breakdowns"]) == (1, (40, 0, 0), 0)


def test_rides_closing_in_the_last_hour_are_not_down(engine, scenario):
    """Cycles 10:00..12:40 (17); ride 1 keeps the park open until 12:30, all closed at 12:40,
    so the open span is 10:00-12:40 and its last hour starts at 11:40.

        ride 1: o x16, c                         open 160
        ride 2: o x12, c x5     closes 12:00, never reopens: closing for the night (final)
        ride 3: o x4, c x13     closes 10:40, never reopens: before the last hour: down 120
        ride 4: o x13, c c o c  closes 12:10, reopens 12:30: a breakdown, down 20

    Provisional, at 12:41 (the 12:40 cycle is pending): ride 2 is down 12:00-12:40 = 40.
    Final: ride 2 down 0, no breakdown; park open 160+120+40+140 = 460, down 140, 2 breakdowns,
    shame 10 x 280 / 1200 = 2.33.
    """
    scenario.play(
        30,
        TEN_LOCAL,
        {
            1: "o" * 16 + "c",
            2: "o" * 12 + "c" * 5,
            3: "o" * 4 + "c" * 13,
            4: "o" * 13 + "cco" + "c",
        },
    )
    scenario.aggregate(datetime(2026, 7, 4, 10, 41, tzinfo=UTC))
    assert (minutes(ride_day(engine, 2)), ride_day(engine, 2)["final"]) == ((120, 40, 0), False)
    assert park_day(engine)["breakdowns"] == 3
    scenario.aggregate(FINAL)
    assert (minutes(ride_day(engine, 2)), ride_day(engine, 2)["breakdowns"]) == ((120, 0, 0), 0)
    assert minutes(ride_day(engine, 3)) == (40, 120, 0)
    assert (minutes(ride_day(engine, 4)), ride_day(engine, 4)["breakdowns"]) == ((140, 20, 0), 1)
    assert rows(engine, schema.outage_events, ev.ride_id == 2) == []
    park = park_day(engine)
    assert (minutes(park), park["breakdowns"], park["final"]) == ((460, 140, 0), 2, True)
    assert (park["weighted_down"], park["weighted_time"]) == (280, 1200)


def test_a_40_minute_gap_is_unknown_time(engine, scenario):
    """Cycles 10:00, 10:10, 10:20, then none until 11:00 (a 40-minute gap), 11:10, 11:20.

        ride 1: o o o . . . o o c
        ride 2: o o c . . . c o c

    The 10:20 cycle holds 20 minutes (the cap), the other 20 are unknown for both rides.
    Ride 1: open 10+10+20+10+10 = 60, unknown 20. Ride 2: open 20+10 = 30, down 20 (10:20,
    capped) + 10 (11:00) = 30, unknown 20; the gap neither ends nor starts the outage: one
    breakdown of 30 minutes, 10:20-11:10. Park: open 90, down 30, unknown 40, shame 2.5.
    """
    scenario.play(30, TEN_LOCAL, {1: "ooo...ooc", 2: "ooc...coc"})
    scenario.aggregate(FINAL)
    assert minutes(ride_day(engine, 1)) == (60, 0, 20)
    ride = ride_day(engine, 2)
    assert (minutes(ride), ride["breakdowns"], ride["longest_outage_minutes"]) == (
        (30, 30, 20),
        1,
        30,
    )
    (outage,) = rows(engine, schema.outage_events, ev.ride_id == 2)
    assert (outage["start_at"], outage["end_at"]) == (utc(8, 20), utc(9, 10))
    park = park_day(engine)
    assert (minutes(park), park["park_open_minutes"]) == ((90, 30, 40), 60)
    with engine.connect() as conn:
        assert period_stats(conn, PARK, [30], "yesterday", NEXT_DAY)[30].shame_score == 2.5


def test_stale_rows_are_unknown_and_do_not_split_outages(engine, scenario):
    """Cycles 10:00..11:10 (8), the park closed at 11:10. `s`: last updated 45 minutes ago.

        ride 1: o o o o o o o c     keeps the park open: open 70
        ride 2: o o s s c c o c     open 30, unknown 20, down 20: open -> (stale) -> down is
                                    one breakdown
        ride 3: o c c s c c o c     open 20, down 40, unknown 10: one outage of 40 minutes

    Park: open 120, down 60, unknown 30; shame 10 x 120 / 360 = 3.33.
    """
    scenario.play(30, TEN_LOCAL, {1: "oooooooc", 2: "oossccoc", 3: "occsccoc"})
    scenario.aggregate(FINAL)
    assert (minutes(ride_day(engine, 2)), ride_day(engine, 2)["breakdowns"]) == ((30, 20, 20), 1)
    ride = ride_day(engine, 3)
    assert (minutes(ride), ride["breakdowns"], ride["longest_outage_minutes"]) == (
        (20, 40, 10),
        1,
        40,
    )
    park = park_day(engine)
    assert (minutes(park), park["weighted_down"], park["weighted_time"]) == (
        (120, 60, 30),
        120,
        360,
    )


def test_a_posted_wait_while_closed_counts_as_open(engine, scenario):
    """Cycles 10:00..10:40 (5); `w` is is_open=false with a posted 15-minute wait.

        ride 1: o w w o c     open 40; waits 20, 15, 15, 20: mean 17.5, median 17.5,
                              p90 20 (linear: 15,15,20,20 at 2.7 -> 20), max 20
        ride 2: o c w o c     down 10:10 (10), repaired at 10:20 by a posted wait: open 30

    Park: open 70, down 10, shame 10 x 20 / 160 = 1.25.
    """
    scenario.play(30, TEN_LOCAL, {1: "owwoc", 2: "ocwoc"})
    scenario.aggregate(FINAL)
    ride = ride_day(engine, 1)
    assert minutes(ride) == (40, 0, 0)
    assert (ride["wait_count"], ride["wait_sum"], ride["wait_max"]) == (4, 70, 20)
    assert (ride["wait_median"], ride["wait_p90"]) == (17.5, 20.0)
    assert (minutes(ride_day(engine, 2)), ride_day(engine, 2)["breakdowns"]) == ((30, 10, 0), 1)
    park = park_day(engine)
    assert (minutes(park), park["weighted_down"], park["weighted_time"]) == ((70, 10, 0), 20, 160)


@pytest.mark.parametrize(
    ("day", "first_utc", "hours", "local_hours"),
    [
        # 2026-03-08: clocks jump from 02:00 to 03:00 EDT; the day runs 05:00Z..04:00Z next day.
        (date(2026, 3, 8), datetime(2026, 3, 8, 5, tzinfo=UTC), 23, [0, 1, *range(3, 24)]),
        # 2026-11-01: 01:00-02:00 happens twice; the day runs 04:00Z..05:00Z next day.
        (date(2026, 11, 1), datetime(2026, 11, 1, 4, tzinfo=UTC), 25, [0, 1, 1, *range(2, 24)]),
    ],
)
def test_new_york_days_across_dst_changes(
    engine, http_server, settings, day, first_utc, hours, local_hours
):
    """Park 10 (America/New_York), one cycle an hour (interval 60, cap 120) for the whole local
    day, its one ride always open. A 23-hour day has 23 cycles of 60 minutes: open 1,380
    minutes and 23 hourly rows (no 02:00); a 25-hour day 25 cycles: open 1,500 minutes and 25
    hourly rows (01:00 twice, at distinct UTC starts). The last cycle holds until midnight."""
    hourly = Scenario(http_server, settings.with_overrides(collect_interval_minutes=60), engine)
    hourly.play(10, first_utc, {1: "o" * hours}, interval=timedelta(hours=1))
    hourly.aggregate(first_utc + timedelta(hours=hours, minutes=1))
    park = park_day(engine, 10, day)
    assert (park["park_open_minutes"], park["open_minutes"], park["final"]) == (
        hours * 60,
        hours * 60,
        True,
    )
    cells = rows(engine, schema.ride_hourly, schema.ride_hourly.c.ride_id == 1)
    assert [c["local_hour"] for c in cells] == local_hours
    assert len({c["hour_start"] for c in cells}) == hours
    assert {c["open_minutes"] for c in cells} == {60}


def test_a_tokyo_day_straddles_utc_midnight(engine, scenario):
    """Park 20 (Asia/Tokyo, UTC+9): cycles 08:30..09:40 JST = 23:30 UTC on July 3 to 00:40 UTC
    on July 4, all of them in the local day 2026-07-04.

        ride 1: o o o o o o o c
        ride 2: o o c c c o o c     down 08:50-09:20 JST (23:50Z-00:20Z): 30 minutes

    One daily row on July 4 for ride 2 (down 30, 1 breakdown), hourly rows for local 08:00
    (UTC 23:00 July 3: open 20, down 10) and 09:00 (UTC 00:00: down 20, open 20).
    """
    first = datetime(2026, 7, 3, 23, 30, tzinfo=UTC)
    scenario.play(20, first, {1: "oooooooc", 2: "oocccooc"})
    scenario.aggregate(datetime(2026, 7, 4, 15, 1, tzinfo=UTC))
    (ride,) = rows(engine, schema.ride_daily, rd.ride_id == 2)
    assert (ride["day"], minutes(ride), ride["breakdowns"]) == (D, (40, 30, 0), 1)
    (outage,) = rows(engine, schema.outage_events, ev.ride_id == 2)
    assert (outage["start_at"], outage["end_at"], outage["day"]) == (
        utc(23, 50, day=3),
        utc(0, 20),
        D,
    )
    cells = rows(engine, schema.ride_hourly, schema.ride_hourly.c.ride_id == 2)
    assert [
        (c["hour_start"], c["local_hour"], c["open_minutes"], c["down_minutes"]) for c in cells
    ] == [
        (utc(23, day=3), 8, 20, 10),
        (utc(0), 9, 20, 20),
    ]
