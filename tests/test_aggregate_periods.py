"""Periods, rankings, tiers, live, re-runs and retention, on hand-computed crafted days.

Park 30 (Europe/Paris, UTC+2), cycles every 10 minutes from 10:00 local (08:00 UTC), gap cap
20 minutes; every ride is `ride`-kind. Timeline marks: see tests/scenario.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from aggregator import aggregate
from hallofshame import schema
from reader.spans import PARK, RIDE, live_score, period_stats, rank_parks, rank_rides
from tests.scenario import Scenario, one, rows

DAY1, DAY2 = date(2026, 7, 4), date(2026, 7, 5)
TEN1 = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)  # 10:00 in Paris
TEN2 = datetime(2026, 7, 5, 8, 0, tzinfo=UTC)
AFTER_DAY2 = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
AGGREGATES = (
    schema.ride_hourly,
    schema.park_hourly,
    schema.ride_daily,
    schema.park_daily,
    schema.outage_events,
    schema.ride_daily_waits,
)


def park_stats(engine, period: str, now: datetime = AFTER_DAY2) -> dict:
    with engine.connect() as conn:
        return period_stats(conn, PARK, [30], period, now)[30].as_json()


def contents(engine) -> dict[str, list[dict]]:
    """Every aggregate row, without the bookkeeping time of computation."""
    out = {}
    for table in AGGREGATES:
        found = rows(engine, table)
        out[table.name] = [{k: v for k, v in r.items() if k != "computed_at"} for r in found]
    return out


def test_period_totals_are_ratios_of_summed_daily_rows(engine, scenario):
    """Day 1: ride 1 o o o o o c, ride 2 o c c o o c: open 50 + 30 = 80, down 20; weights 2:
    10 x 40 / 200 = 2.0. Day 2: ride 1 open 110, ride 2 o x8 c o o c: open 100, down 10;
    10 x 20 / 440 = 0.45. Last 7 days (seen on July 6): 10 x (40 + 20) / (200 + 440) = 0.9375
    -> 0.9, not the mean of the daily scores (1.23); uptime 290 / 320 = 90.6 %, downtime 30
    minutes = 0.5 hours, 2 breakdowns. The ranking shows the very same number.
    """
    scenario.play(30, TEN1, {1: "oooooc", 2: "occooc"})
    scenario.play(30, TEN2, {1: "o" * 11 + "c", 2: "oooooooocooc"})
    scenario.aggregate(AFTER_DAY2)
    daily = rows(scenario.engine, schema.park_daily)
    assert [(d["weighted_down"], d["weighted_time"]) for d in daily] == [(40, 200), (20, 440)]
    week = park_stats(engine, "last-7-days")
    assert week["shame_score"] == 0.9
    assert (week["downtime_hours"], week["breakdowns"], week["uptime_pct"]) == (0.5, 2, 90.6)
    assert park_stats(engine, "yesterday")["shame_score"] == 0.5  # 0.4545 rounded
    with engine.connect() as conn:
        (ranked,) = rank_parks(conn, "last-7-days", AFTER_DAY2, "all")
        assert (ranked.id, ranked.shame_score) == (30, 0.9375)
        assert [s.id for s in rank_parks(conn, "last-7-days", AFTER_DAY2, "europe")] == [30]
        assert rank_parks(conn, "last-7-days", AFTER_DAY2, "disney-universal") == []
        rides = rank_rides(conn, "last-7-days", AFTER_DAY2, "all")
        ride2 = period_stats(conn, RIDE, [2], "last-7-days", AFTER_DAY2)[2]
    # Ride 2: down 20 + 10, open 30 + 100: 10 x 2*30 / 2*160 = 1.875; ride 1 never down.
    assert [(s.id, s.shame_score) for s in rides] == [(2, 1.875), (1, 0.0)]
    assert ride2.shame_score == rides[0].shame_score


def test_a_park_with_no_open_span_is_no_data(engine, scenario):
    """Day 1: ride 1 o o c (opens: active for a week). Day 2: c c c, never open: the park has
    no open span, so yesterday is "no data" (null, not zero) and it is not ranked; over the
    last 7 days it has day 1's 20 open minutes: score 0.0, ranked."""
    scenario.play(30, TEN1, {1: "ooc"})
    scenario.play(30, TEN2, {1: "ccc"})
    scenario.aggregate(AFTER_DAY2)
    day2 = one(engine, schema.park_daily, schema.park_daily.c.day == DAY2)
    assert (day2["span_start"], day2["park_open_minutes"], day2["rides_counted"]) == (None, 0, 1)
    yesterday = park_stats(engine, "yesterday")
    assert yesterday["shame_score"] is None and yesterday["downtime_hours"] is None
    assert yesterday["uptime_pct"] is None and yesterday["breakdowns"] is None
    assert park_stats(engine, "last-7-days")["shame_score"] == 0.0
    with engine.connect() as conn:
        assert rank_parks(conn, "yesterday", AFTER_DAY2, "all") == []
        assert [s.id for s in rank_parks(conn, "last-7-days", AFTER_DAY2, "all")] == [30]


def test_tiers_come_from_waits_and_the_override_file(engine, http_server, settings, tmp_path):
    """Day 1 waits: ride 1 45 min (O), ride 2 5 min (l), ride 3 20 min, ride 4 45 min but the
    override file says tier 3. Day 1: every ride is new (tier 2) but ride 4 (override: 3).
    Day 2: ride 1 tier 1 (weight 3), ride 2 tier 3 (1), ride 3 tier 2 (2), ride 4 tier 3 (1).
    Day 2: ride 1 o c o o c (down 10, open 30), the others o o o o c (open 40):
    shame = 10 x 3*10 / (3*40 + 1*40 + 2*40 + 1*40) = 300 / 280 = 1.07."""
    overrides = tmp_path / "tiers.csv"
    overrides.write_text("park_id,ride_id,tier\n30,4,3\n")
    scenario = Scenario(
        http_server, settings.with_overrides(tier_overrides_file=str(overrides)), engine
    )
    scenario.play(30, TEN1, {1: "OOOc", 2: "lllc", 3: "oooc", 4: "OOOc"})
    scenario.play(30, TEN2, {1: "ocooc", 2: "ooooc", 3: "ooooc", 4: "ooooc"})
    scenario.aggregate(AFTER_DAY2)
    tiers = {(r["ride_id"], r["day"]): r["tier"] for r in rows(engine, schema.ride_daily)}
    assert [tiers[(ride, DAY1)] for ride in (1, 2, 3, 4)] == [2, 2, 2, 3]
    assert [tiers[(ride, DAY2)] for ride in (1, 2, 3, 4)] == [1, 3, 2, 3]
    current = [(r["tier"], r["tier_source"], r["active"]) for r in rows(engine, schema.rides)]
    assert current == [
        (1, "data", True),
        (3, "data", True),
        (2, "data", True),
        (3, "override", True),
    ]
    day2 = one(engine, schema.park_daily, schema.park_daily.c.day == DAY2)
    assert (day2["weighted_down"], day2["weighted_time"]) == (30, 280)
    with engine.connect() as conn:
        assert period_stats(conn, RIDE, [1], "yesterday", AFTER_DAY2)[1].as_json()["tier"] == 1


def test_live_is_the_latest_cycle_while_it_is_fresh(engine, scenario):
    """Cycles 10:00..10:30, aggregated after each: ride 1 o o o o, ride 2 o o c c. At the
    latest cycle (10:30) ride 2 is down: live = 10 x 2 / (2 + 2) = 5.0 with 1 ride down.
    Thirty-five minutes later the cycle is too old: no live score."""
    scenario.play(30, TEN1, {1: "oooo", 2: "oocc"}, aggregate_each=True)
    live = one(engine, schema.park_live, schema.park_live.c.park_id == 30)
    assert (
        live["is_open"],
        live["rides_down"],
        live["weighted_down"],
        live["weighted_counted"],
    ) == (
        True,
        1,
        2,
        4,
    )
    now = datetime(2026, 7, 4, 8, 31, tzinfo=UTC)
    assert park_stats(engine, "live", now)["shame_score"] == 5.0
    assert park_stats(engine, "live", now)["rides_down"] == 1
    with engine.connect() as conn:
        (ranked,) = rank_parks(conn, "live", now, "all")
    assert (ranked.id, ranked.shame_score) == (30, 5.0)
    with engine.connect() as conn:
        ride = period_stats(conn, RIDE, [2], "live", now)[2]
        assert ride.live_status == "down"
        late = period_stats(conn, PARK, [30], "live", datetime(2026, 7, 4, 9, 5, tzinfo=UTC))[30]
    assert late.live_status == "stale" and live_score(late) is None


def test_after_cycle_updates_equal_a_whole_recompute_and_reruns_are_identical(engine, scenario):
    """The day of `test_a_ride_that_breaks_twice` plus a ride with a stale spell and a posted
    wait, aggregated after every cycle (the after-cycle path), equals the same day recomputed
    whole; once final, re-running the day replaces its rows with identical ones."""
    timelines = {1: "ooccoooccc" + "ooc", 2: "o" * 12 + "c", 3: "ccccooocsc" + "cwc"}
    scenario.play(30, TEN1, timelines, aggregate_each=True)
    updated = contents(engine)
    assert updated["ride_daily"][0]["down_minutes"] == 50
    now = datetime(2026, 7, 4, 10, 5, tzinfo=UTC)
    redo = aggregate(engine, scenario.settings, now=now, redo=[(30, DAY1)])
    assert redo.days == [(30, "2026-07-04", "provisional")]
    assert contents(engine) == updated
    scenario.aggregate(datetime(2026, 7, 4, 22, 1, tzinfo=UTC))
    final = contents(engine)
    assert {r["final"] for r in final["ride_daily"]} == {True}
    next_day = datetime(2026, 7, 5, 9, 0, tzinfo=UTC)  # raw rows still kept (under 48 hours)
    again = aggregate(engine, scenario.settings, now=next_day, redo=[(30, DAY1)])
    assert again.days == [(30, "2026-07-04", "final")]
    assert contents(engine) == final


def test_a_run_recomputes_only_the_days_new_snapshots_touched(engine, scenario):
    """Day 1 is final; a cycle on day 2 touches day 2 only (10:00 is far from midnight)."""
    scenario.play(30, TEN1, {1: "ooc"})
    scenario.aggregate(datetime(2026, 7, 4, 22, 1, tzinfo=UTC))
    scenario.play(30, TEN2, {1: "o"})
    summary = scenario.aggregate(datetime(2026, 7, 5, 8, 1, tzinfo=UTC))
    assert summary.days == [(30, "2026-07-05", "provisional")]
    assert (summary.cycles, summary.days_final) == (1, 0)


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_retention_deletes_exactly_the_rows_it_may(engine, scenario):
    """Day 1: 5 cycles 08:00..08:40 UTC, 2 rides: 10 ride rows, 5 park rows. Day 3 (July 6):
    one cycle at 08:00 UTC: 2 + 1 rows.
    - At day 1's end (final, under 48 h old): nothing deleted.
    - On July 6 at 08:20 UTC the horizon is July 4 08:20: day 1's 08:00 and 08:10 cycles go
      (4 ride rows + 2 park rows = 6).
    - At 10:45 UTC the rest of day 1 goes (6 + 3 = 9); day 3 is not final: kept.
    Daily rows stay as they were; day 1 is marked raw_purged and a re-run leaves it alone."""
    scenario.play(30, TEN1, {1: "ooooc", 2: "occoc"})
    assert scenario.aggregate(datetime(2026, 7, 4, 22, 1, tzinfo=UTC)).raw_deleted == 0
    before = contents(engine)
    scenario.play(30, datetime(2026, 7, 6, 8, 0, tzinfo=UTC), {1: "o", 2: "o"})
    assert scenario.aggregate(datetime(2026, 7, 6, 8, 20, tzinfo=UTC)).raw_deleted == 6
    assert (count(engine, schema.ride_snapshots), count(engine, schema.park_snapshots)) == (8, 4)
    assert scenario.aggregate(datetime(2026, 7, 6, 10, 45, tzinfo=UTC)).raw_deleted == 9
    assert (count(engine, schema.ride_snapshots), count(engine, schema.park_snapshots)) == (2, 1)
    after = contents(engine)
    day1 = [r for r in after["park_daily"] if r["day"] == DAY1]
    assert [r["raw_purged"] for r in day1] == [True]
    redo = aggregate(
        engine, scenario.settings, now=datetime(2026, 7, 6, 10, 50, tzinfo=UTC), redo=[(30, DAY1)]
    )
    assert redo.days == []
    kept = {k: [r for r in v if r.get("day") == DAY1] for k, v in contents(engine).items()}
    for name, found in kept.items():
        expected = [r for r in before[name] if r.get("day") == DAY1]
        assert [{k: v for k, v in r.items() if k != "raw_purged"} for r in found] == [
            {k: v for k, v in r.items() if k != "raw_purged"} for r in expected
        ]


def test_a_replayed_older_cycle_redoes_the_day(engine, scenario):
    """Cycles 10:00, 10:10, (10:20 missing), 10:30, 10:40, 10:50, aggregated after each:

        ride 1: o o . o o c
        ride 2: o o . c o c     10:10 holds 20 minutes: open 40, down 10 (10:30)

    Then the 10:20 cycle is collected late (ride 2 closed): the day is recomputed whole, and
    ride 2 has open 30 (10:00, 10:10, 10:40), down 20 (10:20, 10:30), one outage 10:20-10:40.
    """
    scenario.play(30, TEN1, {1: "oo.ooc", 2: "oo.coc"}, aggregate_each=True)
    ride = one(engine, schema.ride_daily, schema.ride_daily.c.ride_id == 2)
    assert (ride["open_minutes"], ride["down_minutes"]) == (40, 10)
    replay = datetime(2026, 7, 4, 8, 20, tzinfo=UTC)
    scenario.play(30, replay, {1: "o", 2: "c"})
    summary = scenario.aggregate(datetime(2026, 7, 4, 8, 52, tzinfo=UTC))
    assert summary.days == [(30, "2026-07-04", "provisional")]
    ride = one(engine, schema.ride_daily, schema.ride_daily.c.ride_id == 2)
    assert (ride["open_minutes"], ride["down_minutes"], ride["breakdowns"]) == (30, 20, 1)
    (outage,) = rows(engine, schema.outage_events, schema.outage_events.c.ride_id == 2)
    assert (outage["start_at"], outage["end_at"]) == (
        datetime(2026, 7, 4, 8, 20),
        datetime(2026, 7, 4, 8, 40),
    )


def test_active_rides_missing_from_the_feed_still_set_the_open_threshold(engine, scenario):
    """Day 1: five rides open (all active for a week). Day 2: rides 4 and 5 are not in the feed
    at all, yet still active: A = 5, threshold max(1, ceil(1.25)) = 2. Cycles 10:00..10:50:

        ride 1: o o o o o c      open counts 3, 2, 1, 2, 3, 0: the park is open at
        ride 2: o o c c o c      10:00, 10:10, 10:30, 10:40 (not at 10:20: only one open)
        ride 3: o c c o o c

    Ride 1 open 40; ride 2 open 30, down 10 (10:30; 10:20 is neutral); ride 3 open 30, down
    10 (10:10). Park: open 100, down 20, open 40 minutes. The after-cycle path (aggregating
    after each cycle) and a whole recompute agree, and rides 4 and 5 have (empty) rows."""
    scenario.play(30, TEN1, {r: "oooc" for r in range(1, 6)})
    scenario.aggregate(datetime(2026, 7, 4, 22, 1, tzinfo=UTC))
    day2 = {1: "oooooc", 2: "ooccoc", 3: "occooc", 4: "------", 5: "------"}
    scenario.play(30, TEN2, day2, aggregate_each=True)
    updated = contents(engine)
    park = one(engine, schema.park_daily, schema.park_daily.c.day == DAY2)
    assert (park["rides_counted"], park["open_minutes"], park["down_minutes"]) == (5, 100, 20)
    assert park["park_open_minutes"] == 40
    absent = rows(engine, schema.ride_daily, schema.ride_daily.c.day == DAY2)[3:]
    assert [(r["ride_id"], r["counted"], r["open_minutes"]) for r in absent] == [
        (4, True, 0),
        (5, True, 0),
    ]
    aggregate(
        engine, scenario.settings, now=datetime(2026, 7, 5, 9, 0, tzinfo=UTC), redo=[(30, DAY2)]
    )
    assert contents(engine) == updated
