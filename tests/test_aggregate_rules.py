"""The rules METRICS.md changed, each on a day worked out by hand, collected and aggregated.

As in tests/test_aggregate.py: park 30 (Europe/Paris, UTC+2 in July), cycles 10 minutes apart
from 10:00 local (08:00 UTC) on Saturday 2026-07-04, gap cap 20 minutes, every ride a new
`ride`-kind ride (tier 2, weight 2) unless a test says otherwise, aggregated once the day is
over. Timeline marks: see tests/scenario.py. Times are local unless marked UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aggregator import aggregate
from hallofshame import schema
from reader.spans import PARK, RIDE, period_stats, rank_rides
from tests.scenario import Scenario, one, rows

D = date(2026, 7, 4)
TEN = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
FINAL = datetime(2026, 7, 4, 22, 1, tzinfo=UTC)
NEXT_DAY = datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
rd, pd_, ev, snap = (
    schema.ride_daily.c,
    schema.park_daily.c,
    schema.outage_events.c,
    schema.ride_snapshots.c,
)


def ride_day(engine, ride_id: int, day: date = D) -> dict:
    return one(engine, schema.ride_daily, rd.ride_id == ride_id, rd.day == day)


def park_day(engine, day: date = D) -> dict:
    return one(engine, schema.park_daily, pd_.park_id == 30, pd_.day == day)


def minutes(row: dict) -> tuple[int, int, int]:
    return row["open_minutes"], row["down_minutes"], row["unknown_minutes"]


def test_a_row_without_last_updated_is_stale(engine, scenario):
    """Cycles 10:00..11:00 (7). `n`: is_open with a 20-minute wait but no `last_updated`.

        ride 1: o o o o o o c     keeps the park open: open 60
        ride 2: o n n c c o c     open 10:00 and 10:50 (20); 10:10, 10:20 stale: unknown 20;
                                  down 10:30-10:50 (20): one breakdown

    Counting `n` as open would give ride 2 open 40. Waits: ride 2 only at 10:00 and 10:50
    (2 x 20). Park: open 80, down 20, unknown 20; shame 10 x 40 / 200 = 2.0.
    """
    scenario.play(30, TEN, {1: "ooooooc", 2: "onnccoc"})
    scenario.aggregate(FINAL)
    stored = rows(engine, schema.ride_snapshots, snap.ride_id == 2)
    assert [(r["state"], r["last_updated"]) for r in stored[1:3]] == [("stale", None)] * 2
    ride = ride_day(engine, 2)
    assert (minutes(ride), ride["breakdowns"]) == ((20, 20, 20), 1)
    assert (ride["wait_count"], ride["wait_sum"]) == (2, 40)
    park = park_day(engine)
    assert (minutes(park), park["weighted_down"], park["weighted_time"]) == ((80, 20, 20), 40, 200)
    with engine.connect() as conn:
        assert period_stats(conn, PARK, [30], "yesterday", NEXT_DAY)[30].shame_score == 2.0


def test_waits_count_only_while_the_park_is_open(engine, scenario):
    """Five rides (A = 5, the park opens at 2 open rides). Cycles 10:00..10:50 (6).

        ride 1:    O O o o o c     10:00: only ride 1 is open: the park is closed
        rides 2-5: c o o o o c     late at 10:00 (not yet opened), open from 10:10

    Ride 1's waits while the park is open: 45, 20, 20, 20: count 4, sum 105, max 45, median
    20, p90 (linear, at 2.7 of 0..3) 20 + 0.7 x 25 = 37.5, mean 26.25 -> 26.3 (half away from
    zero). The 10:00 wait (posted while the park counts as closed) is not in them. Its minutes:
    open 40 (10:00 is neutral). Park: open 200, waits 105 + 4 x 4 x 20 = 425 over 20 cycles.
    """
    timelines = {1: "OOoooc", **{r: "cooooc" for r in range(2, 6)}}
    scenario.play(30, TEN, timelines)
    scenario.aggregate(FINAL)
    ride = ride_day(engine, 1)
    assert minutes(ride) == (40, 0, 0)
    assert (ride["wait_count"], ride["wait_sum"], ride["wait_max"]) == (4, 105, 45)
    assert (ride["wait_median"], ride["wait_p90"]) == (20.0, 37.5)
    (hour,) = rows(engine, schema.ride_hourly, schema.ride_hourly.c.ride_id == 1)
    assert (hour["wait_count"], hour["wait_sum"]) == (4, 105)
    park = park_day(engine)
    assert (park["open_minutes"], park["wait_count"], park["wait_sum"]) == (200, 20, 425)
    with engine.connect() as conn:
        stats = period_stats(conn, RIDE, [1], "yesterday", NEXT_DAY)[1].as_json()
    assert (stats["wait_mean"], stats["wait_max"]) == (26.3, 45)


def test_waits_while_the_park_is_open_after_each_cycle(engine, scenario):
    """The day of `test_waits_count_only_while_the_park_is_open`, aggregated after every cycle
    (the after-cycle path reads the hour's earlier cycles as context): the same waits."""
    timelines = {1: "OOoooc", **{r: "cooooc" for r in range(2, 6)}}
    scenario.play(30, TEN, timelines, aggregate_each=True)
    ride = ride_day(engine, 1)
    assert (ride["wait_count"], ride["wait_sum"], ride["final"]) == (4, 105, False)
    (hour,) = rows(engine, schema.ride_hourly, schema.ride_hourly.c.ride_id == 1)
    assert (hour["wait_count"], hour["wait_sum"], hour["wait_median"]) == (4, 105, 20.0)


def test_a_land_closing_early_together_is_closing_for_the_night(engine, scenario):
    """Cycles 10:00..14:00 (25); everything closed at 14:00, so the open span is 10:00-14:00:
    its last hour starts at 13:00, its last 3 hours at 11:00. Fourteen rides (A = 14, the park
    opens at 4); rides 1, 2, 13, 14 are open all day and keep it open.

        rides 3, 4, 5: close 12:00, never reopen       a group: each has 3 others within
        ride 6:        closes 12:10, never reopens     15 minutes (12:00 x 3 or 12:10)
        ride 7:        closes 12:00, reopens 12:30     reopened: down 30, and not in the group
        ride 8:        closes 11:40, never reopens     alone (20 minutes from 12:00): down 140
        rides 9-12:    close 10:50, never reopen       a group, but before the last 3 hours:
                                                       down 190 each

    Rides 3-6 are closing for the night: down 0 (the old rule, last hour only, gave them
    3 x 120 + 110 = 470 minutes and 4 breakdowns). Open: 4 x 240 + 3 x 120 + 130 + 210 + 100 +
    4 x 50 = 1,960; down 30 + 140 + 4 x 190 = 930; 6 breakdowns; weights 2: shame
    10 x 930 / 2,890 = 3.218 -> 3.2.
    """
    always = "o" * 24 + "c"
    timelines = {r: always for r in (1, 2, 13, 14)}
    timelines[1] = "oO" * 12 + "c"  # its wait moves: the feed is not frozen (see METRICS.md)
    timelines.update({r: "o" * 12 + "c" * 13 for r in (3, 4, 5)})
    timelines[6] = "o" * 13 + "c" * 12
    timelines[7] = "o" * 12 + "ccc" + "o" * 9 + "c"
    timelines[8] = "o" * 10 + "c" * 15
    timelines.update({r: "o" * 5 + "c" * 20 for r in (9, 10, 11, 12)})
    scenario.play(30, TEN, timelines)
    scenario.aggregate(FINAL)
    for ride_id, open_m in ((3, 120), (4, 120), (5, 120), (6, 130)):
        ride = ride_day(engine, ride_id)
        assert (minutes(ride), ride["breakdowns"]) == ((open_m, 0, 0), 0)
    assert (minutes(ride_day(engine, 7)), ride_day(engine, 7)["breakdowns"]) == ((210, 30, 0), 1)
    assert minutes(ride_day(engine, 8)) == (100, 140, 0)
    assert {minutes(ride_day(engine, r)) for r in (9, 10, 11, 12)} == {(50, 190, 0)}
    outages = rows(engine, schema.outage_events)
    assert sorted(o["ride_id"] for o in outages) == [7, 8, 9, 10, 11, 12]
    park = park_day(engine)
    assert (minutes(park), park["breakdowns"]) == ((1960, 930, 0), 6)
    assert (park["weighted_down"], park["weighted_time"]) == (1860, 5780)
    with engine.connect() as conn:
        score = period_stats(conn, PARK, [30], "yesterday", NEXT_DAY)[30].as_json()["shame_score"]
    assert score == 3.2


def test_a_ride_seen_open_while_its_park_is_closed_stays_in_its_outage(engine, scenario):
    """Five rides (the park opens at 2). Cycles 10:00..11:00 (7). At 10:30 only ride 2 is
    open: the park counts as closed, and ride 2's opening then is neutral time.

        ride 2:        o c c o c o c     down 10:10, 10:20, 10:40 (30): ONE outage,
                                         10:10-10:50, since the 10:30 opening is not counted
        rides 1, 3-5:  o o o c o o c     closed at 10:30 while the park is closed: neutral

    Ride 2: open 20, down 30, 1 breakdown, longest 30. Rides 1, 3-5: open 50 each, down 0.
    Park: open 220, down 30, open 50 minutes (10:30 and 11:00 closed).
    """
    timelines = {2: "occococ"}
    timelines.update({r: "ooocooc" for r in (1, 3, 4, 5)})
    scenario.play(30, TEN, timelines)
    scenario.aggregate(FINAL)
    ride = ride_day(engine, 2)
    assert (minutes(ride), ride["breakdowns"], ride["longest_outage_minutes"]) == (
        (20, 30, 0),
        1,
        30,
    )
    (outage,) = rows(engine, schema.outage_events, ev.ride_id == 2)
    assert (outage["start_at"], outage["end_at"], outage["minutes"]) == (
        datetime(2026, 7, 4, 8, 10),
        datetime(2026, 7, 4, 8, 50),
        30,
    )
    assert {minutes(ride_day(engine, r)) for r in (1, 3, 4, 5)} == {(50, 0, 0)}
    park = park_day(engine)
    assert (minutes(park), park["park_open_minutes"], park["breakdowns"]) == ((220, 30, 0), 50, 1)


def test_the_tier_is_the_median_of_every_wait_of_the_30_days_before(engine, scenario):
    """Three rides, each day closing at the last cycle (A = 3, the park opens at 1).

        day 1 (July 4): ride 1 O O O O c (45 x 4)   ride 2 O O O O c (45 x 4)   ride 3 o x4 c
        day 2 (July 5): ride 1 l x6 c    (5 x 6)    ride 2 z x6 c    (0 x 6)    ride 3 o x6 c
        day 3 (July 6): every ride o o c

    Day 2's tiers read day 1: rides 1 and 2 median 45 -> tier 1; ride 3 20 -> tier 2.
    Day 3's tiers read days 1 and 2 together:
    - ride 1: 5 x 6 and 45 x 4, ten waits, the 5th and 6th are 5 and 5: median 5 -> tier 3
      (the median of the daily medians 45 and 5 would be 25: tier 2);
    - ride 2: 0 x 6 and 45 x 4: median 0 -> tier 3 (zeros count; daily medians: 22.5, tier 2;
      without the zeros: 45, tier 1);
    - ride 3: 20 -> tier 2.
    Day 2 is aggregated after each cycle: its counts are written once it is final (a tier
    reads only days before its own): ride 1 (5, 6), ride 2 (0, 6), ride 3 (20, 6). Day 2's
    tiers, fixed at its first computation, are kept when the finished day is recomputed.
    """
    scenario.play(30, TEN, {1: "OOOOc", 2: "OOOOc", 3: "ooooc"})
    day2 = datetime(2026, 7, 5, 8, 0, tzinfo=UTC)
    scenario.play(30, day2, {1: "llllllc", 2: "zzzzzzc", 3: "ooooooc"}, aggregate_each=True)
    waits = schema.ride_daily_waits.c
    assert rows(engine, schema.ride_daily_waits, waits.day == date(2026, 7, 5)) == []
    day1 = rows(engine, schema.ride_daily_waits, waits.day == D)
    assert [(r["ride_id"], r["wait"], r["cycles"]) for r in day1] == [
        (1, 45, 4),
        (2, 45, 4),
        (3, 20, 4),
    ]
    expected = [(1, 5, 6), (2, 0, 6), (3, 20, 6)]
    scenario.play(30, datetime(2026, 7, 6, 8, 0, tzinfo=UTC), {r: "ooc" for r in (1, 2, 3)})
    scenario.aggregate(datetime(2026, 7, 7, 9, 0, tzinfo=UTC))
    recomputed = rows(engine, schema.ride_daily_waits, waits.day == date(2026, 7, 5))
    assert [(r["ride_id"], r["wait"], r["cycles"]) for r in recomputed] == expected
    tiers = {(r["ride_id"], r["day"].day): r["tier"] for r in rows(engine, schema.ride_daily)}
    assert [tiers[(ride, 5)] for ride in (1, 2, 3)] == [1, 1, 2]
    assert [tiers[(ride, 6)] for ride in (1, 2, 3)] == [3, 3, 2]
    sources = {
        (r["ride_id"], r["day"].day): r["tier_source"] for r in rows(engine, schema.ride_daily)
    }
    assert [sources[(ride, day)] for ride in (1, 3) for day in (4, 5, 6)] == [
        "new",
        "data",
        "data",
        "new",
        "data",
        "data",
    ]
    current = [(r["tier"], r["tier_source"]) for r in rows(engine, schema.rides)]
    assert current == [(3, "data"), (3, "data"), (2, "data")]


def test_a_rides_score_weighs_each_day_by_that_days_tier(engine, scenario):
    """Ride 1 over three days; ride 2 keeps the park open and closes with it each day.

        day 1: ride 1 l l l c           new: tier 2 (w 2); open 30; waits 5 x 3
        day 2: ride 1 O c O O O O O c   tier 3 (median 5, w 1); open 60, down 10; waits 45 x 6
        day 3: ride 1 o c c o o c       tier 1 (5 x 3 and 45 x 6: median 45, w 3);
                                        open 30, down 20

    Last 7 days (seen on July 7): 10 x (1 x 10 + 3 x 20) / (2 x 30 + 1 x 70 + 3 x 50)
    = 10 x 70 / 280 = 2.5 (unweighted it would be 10 x 30 / 150 = 2.0). The ride ranking shows
    the same 2.5.
    """
    scenario.play(30, TEN, {1: "lllc", 2: "oooc"})
    scenario.play(30, datetime(2026, 7, 5, 8, 0, tzinfo=UTC), {1: "OcOOOOOc", 2: "o" * 7 + "c"})
    scenario.play(30, datetime(2026, 7, 6, 8, 0, tzinfo=UTC), {1: "occooc", 2: "oooooc"})
    now = datetime(2026, 7, 7, 9, 0, tzinfo=UTC)
    scenario.aggregate(now)
    days = rows(engine, schema.ride_daily, rd.ride_id == 1)
    assert [(r["tier"], r["weighted_down"], r["weighted_time"]) for r in days] == [
        (2, 0, 60),
        (3, 10, 70),
        (1, 60, 150),
    ]
    with engine.connect() as conn:
        stats = period_stats(conn, RIDE, [1], "last-7-days", now)[1]
        (ranked, _) = rank_rides(conn, "last-7-days", now, "all")
    assert (stats.shame_score, stats.as_json()["shame_score"]) == (2.5, 2.5)
    assert (ranked.id, ranked.shame_score) == (1, 2.5)


def test_stats_say_how_many_of_their_days_are_provisional(engine, scenario):
    """Day 1 (July 4) is aggregated once it is over; day 2 (July 5) only at 10:20 local, while
    it runs. If the aggregator then stops, last-7-days seen on July 6 holds day 1 (final) and
    day 2 (still provisional): provisional_days 1. Once day 2 is aggregated final: 0."""
    scenario.play(30, TEN, {1: "oooc"})
    scenario.play(30, datetime(2026, 7, 5, 8, 0, tzinfo=UTC), {1: "oooc"})
    scenario.aggregate(datetime(2026, 7, 5, 8, 21, tzinfo=UTC))
    later = datetime(2026, 7, 6, 10, 0, tzinfo=UTC)
    with engine.connect() as conn:
        lagging = period_stats(conn, PARK, [30], "last-7-days", later)[30]
    assert (lagging.days, lagging.provisional_days) == (2, 1)
    assert lagging.as_json()["provisional_days"] == 1
    scenario.aggregate(later)
    with engine.connect() as conn:
        caught_up = period_stats(conn, PARK, [30], "last-7-days", later)[30]
    assert (caught_up.days, caught_up.provisional_days) == (2, 0)


def test_a_late_night_past_midnight_on_the_night_the_clocks_go_back(engine, http_server, settings):
    """Park 30 (Paris) open late on Saturday 2026-10-24 into Sunday the 25th, when the clocks go
    back at 03:00 CEST (01:00 UTC) to 02:00 CET. Cycles every 30 minutes (gap cap 60) from
    22:00 CEST (20:00 UTC) to 03:30 CET (02:30 UTC), 14 of them:

        UTC    20:00 20:30 21:00 21:30|22:00 22:30 23:00 23:30 00:00 00:30 01:00 01:30 02:00 02:30
        local  22:00 22:30 23:00 23:30|00:00 00:30 01:00 01:30 02:00 02:30 02:00 02:30 03:00 03:30
        ride 1   o     o     o     o  |  o     o     o     o     o     o     o     o     o     c
        ride 2   o     o     o     o  |  o     o     o     o     o     c     c     o     o     c
        ride 3   o     o     o     o  |  o     o     o     o     o     o     o     o     c     c

    October 24 (local 22:00-24:00): each ride open 4 x 30 = 120; the 21:30 UTC cycle holds
    until local midnight. October 25 (a 25-hour day) is open from 00:00 CEST to 03:30 CET:
    9 cycles x 30 = 270 minutes, four and a half hours of real time (a wall clock says three
    and a half). Ride 1: open 270. Ride 2: down 02:30 CEST to 02:30 CET, 60 minutes (one
    breakdown, 00:30-01:30 UTC), open 210. Ride 3 closes at 03:00 CET, in the span's last hour,
    and never reopens: closing for the night, open 240, down 0. Park on the 25th: open 720,
    down 60; shame 10 x 120 / 1,560 = 0.77 -> 0.8. Hourly rows of ride 1 on the 25th: local
    hours 0, 1, 2, 2 (twice, at distinct UTC starts), 3, with 60, 60, 60, 60 and 30 minutes.
    """
    scenario = Scenario(http_server, settings.with_overrides(collect_interval_minutes=30), engine)
    first = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    timelines = {1: "o" * 13 + "c", 2: "o" * 9 + "cc" + "oo" + "c", 3: "o" * 12 + "cc"}
    scenario.play(30, first, timelines, interval=timedelta(minutes=30))
    scenario.aggregate(datetime(2026, 10, 25, 23, 1, tzinfo=UTC))
    sat, sun = date(2026, 10, 24), date(2026, 10, 25)
    assert {minutes(ride_day(engine, r, sat)) for r in (1, 2, 3)} == {(120, 0, 0)}
    assert park_day(engine, sat)["park_open_minutes"] == 120
    assert minutes(ride_day(engine, 1, sun)) == (270, 0, 0)
    ride2 = ride_day(engine, 2, sun)
    assert (minutes(ride2), ride2["breakdowns"], ride2["longest_outage_minutes"]) == (
        (210, 60, 0),
        1,
        60,
    )
    (outage,) = rows(engine, schema.outage_events, ev.ride_id == 2)
    assert (outage["start_at"], outage["end_at"], outage["day"]) == (
        datetime(2026, 10, 25, 0, 30),
        datetime(2026, 10, 25, 1, 30),
        sun,
    )
    assert (minutes(ride_day(engine, 3, sun)), ride_day(engine, 3, sun)["breakdowns"]) == (
        (240, 0, 0),
        0,
    )
    park = park_day(engine, sun)
    assert (park["park_open_minutes"], minutes(park), park["final"]) == (270, (720, 60, 0), True)
    assert (park["span_start"], park["span_end"]) == (
        datetime(2026, 10, 24, 22, 0),
        datetime(2026, 10, 25, 2, 30),
    )
    cells = rows(
        engine,
        schema.ride_hourly,
        schema.ride_hourly.c.ride_id == 1,
        schema.ride_hourly.c.day == sun,
    )
    assert [(c["local_hour"], c["open_minutes"]) for c in cells] == [
        (0, 60),
        (1, 60),
        (2, 60),
        (2, 60),
        (3, 30),
    ]
    with engine.connect() as conn:
        stats = period_stats(conn, PARK, [30], "yesterday", datetime(2026, 10, 26, 9, tzinfo=UTC))
    assert stats[30].as_json()["shame_score"] == 0.8


def test_a_days_tier_is_fixed_when_the_day_is_first_computed(
    engine, http_server, settings, tmp_path
):
    """Day 1: ride 1 posts 45 minutes (O O O c): on day 2 it is tier 1 from the data. Day 2 is
    first computed at its 10:10 cycle. If day 1's counts then vanished, finishing day 2 keeps
    tier 1 (a fresh computation would say "new", tier 2): a day's weights never move. An
    override file beats the kept tier (tier 3); once the override is gone the day's tier is
    computed again from the data (none left: new, tier 2)."""
    overrides = tmp_path / "tiers.csv"
    overrides.write_text("park_id,ride_id,tier\n")
    scenario = Scenario(
        http_server, settings.with_overrides(tier_overrides_file=str(overrides)), engine
    )
    scenario.play(30, TEN, {1: "OOOc"})
    day2 = datetime(2026, 7, 5, 8, 0, tzinfo=UTC)
    scenario.play(30, day2, {1: "oooc"})
    scenario.aggregate(datetime(2026, 7, 5, 8, 11, tzinfo=UTC))
    assert (ride_day(engine, 1, date(2026, 7, 5))["tier"], ride_day(engine, 1, D)["tier"]) == (1, 2)
    with engine.begin() as conn:
        conn.execute(schema.ride_daily_waits.delete())
    scenario.aggregate(datetime(2026, 7, 5, 22, 1, tzinfo=UTC))
    final = ride_day(engine, 1, date(2026, 7, 5))
    assert (final["tier"], final["tier_source"], final["final"]) == (1, "data", True)
    overrides.write_text("park_id,ride_id,tier\n30,1,3\n")
    redo = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
    aggregate(engine, scenario.settings, now=redo, redo=[(30, date(2026, 7, 5))])
    forced = ride_day(engine, 1, date(2026, 7, 5))
    assert (forced["tier"], forced["tier_source"], forced["weighted_time"]) == (3, "override", 30)
    overrides.write_text("park_id,ride_id,tier\n")
    aggregate(engine, scenario.settings, now=redo, redo=[(30, date(2026, 7, 5))])
    again = ride_day(engine, 1, date(2026, 7, 5))
    assert (again["tier"], again["tier_source"]) == (2, "new")
