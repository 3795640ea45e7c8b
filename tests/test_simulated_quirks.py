"""The simulator's rare quirks reach the aggregator through the real path: simulated cycles are
collected by the production collector (demo.replay) and aggregated, and the minutes agree with
what the simulator's own schedule says.

Cycles are 10 minutes apart (gap cap 20). A ride's reading at a cycle is the park's feed at its
latest 5-minute tick (`feed_tick`); the rides chosen here have no lag behind their park.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from itertools import product
from zoneinfo import ZoneInfo

from aggregator import aggregate
from demo import replay
from hallofshame import metrics, schema
from simulator import SimConfig, Simulator, World
from simulator.model import RIDE
from simulator.schedule import feed_tick, make_park_day, make_ride_day
from tests.scenario import one, rows

DAY = date(2024, 5, 23)
CYCLE = timedelta(minutes=10)
SEARCH_DAYS = 14


def quirk_ride(world: World, quirk: str):
    """The first `ride`-kind ride without lag whose day (from DAY on) has the quirk (`stalls`
    or `blanks`) with no other event near it: (day, park, ride, window start, window end),
    times in epoch seconds."""
    for offset in range(SEARCH_DAYS):
        day = DAY + timedelta(days=offset)
        for park in world.parks:
            found = quiet_window(world, park, day, quirk)
            if found:
                return (day, park, *found)
    raise AssertionError(f"the seeded world has no ride day with {quirk}")


def quiet_window(world: World, park, day: date, quirk: str):
    park_day = make_park_day(world.seed, park, day)
    if park_day is None:
        return None
    for ride in park.rides:
        if ride.kind != RIDE or ride.lag_minutes or ride.schedule_id != ride.id:
            continue
        ride_day = make_ride_day(world.seed, ride, day, park_day)
        windows = getattr(ride_day, quirk)
        if not windows or ride_day.closed:
            continue
        start, end = windows[0]
        low, high = start - 3600, end + 1800
        others = [*ride_day.outages, *ride_day.ghosts, *ride_day.stalls, *ride_day.blanks]
        others.remove(windows[0])
        if (
            ride_day.opens <= low
            and high <= ride_day.closes
            and not any(s < high and low < e for s, e in others)
        ):
            return ride, start, end
    return None


def grid(start: int, end: int) -> tuple[datetime, datetime]:
    """Whole 10-minute cycle times from 30 minutes before `start` to 30 after `end`."""
    first = datetime.fromtimestamp(start - start % 600, UTC) - timedelta(minutes=30)
    last = datetime.fromtimestamp(end - end % 600, UTC) + timedelta(minutes=30)
    return first, last


def tail(park, day: date, last: datetime) -> int:
    """Unknown minutes after the last cycle: to the local day's end, beyond the 20 it holds."""
    return int((metrics.day_bounds(day, park.timezone)[1] - last) / timedelta(minutes=1)) - 20


def day_over(park, day: date) -> datetime:
    return metrics.day_bounds(day, park.timezone)[1] + timedelta(minutes=1)


def test_a_stalled_ride_is_unknown_while_its_park_is_open(engine, settings):
    """A ride whose feed stalls at S (its entry frozen as it was at S) while its park runs: at a
    cycle t whose feed tick falls inside the stall, the reading is last updated at S, stale
    once t - S is over 30 minutes. Each such cycle is 10 unknown minutes for the ride (its park
    is open); the others are open minutes, the last cycle 20 (the cap). Not one breakdown.
    After the last replayed cycle the rest of the local day has no cycle: unknown (`tail`)."""
    config = SimConfig()
    with Simulator(config, now=datetime(2024, 5, 23, tzinfo=UTC), speed=0) as sim:
        day, park, ride, start, end = quirk_ride(sim.world, "stalls")
        first, last = grid(start, end)
        replay(engine, settings, sim, first, last)
    times = [first + CYCLE * n for n in range(int((last - first) / CYCLE) + 1)]
    frozen = [t for t in times if start < feed_tick(int(t.timestamp()), park.feed_offset_s) < end]
    stale = [t for t in frozen if t - datetime.fromtimestamp(start, UTC) > metrics.STALE_AFTER]
    assert stale  # a stall lasts 40 minutes or more
    snaps = rows(engine, schema.ride_snapshots, schema.ride_snapshots.c.ride_id == ride.id)
    stored = {s["cycle_at"]: s for s in snaps}
    at_stall = datetime.fromtimestamp(start, UTC).replace(tzinfo=None, microsecond=0)
    for t in frozen:
        assert stored[t.replace(tzinfo=None)]["last_updated"] == at_stall
    assert {t for t, s in stored.items() if s["state"] == "stale"} == {
        t.replace(tzinfo=None) for t in stale
    }
    aggregate(engine, settings, now=day_over(park, day))
    daily = one(
        engine,
        schema.ride_daily,
        schema.ride_daily.c.ride_id == ride.id,
        schema.ride_daily.c.day == day,
    )
    assert (daily["unknown_minutes"], daily["down_minutes"], daily["breakdowns"]) == (
        10 * len(stale) + tail(park, day, last),
        0,
        0,
    )
    assert daily["open_minutes"] == 10 * (len(times) - len(stale)) + 10  # the last holds 20


def test_an_entry_without_last_updated_is_unknown(engine, settings):
    """A ride whose entries lack `last_updated` for 10-30 minutes: every cycle whose feed tick
    falls in that window stores no last_updated and is stale, 10 unknown minutes each (and the
    day's uncollected rest after the last cycle is unknown, `tail`)."""
    with Simulator(SimConfig(), now=datetime(2024, 5, 23, tzinfo=UTC), speed=0) as sim:
        day, park, ride, start, end = quirk_ride(sim.world, "blanks")
        first, last = grid(start, end)
        replay(engine, settings, sim, first, last)
    times = [first + CYCLE * n for n in range(int((last - first) / CYCLE) + 1)]
    blank = [t for t in times if start <= feed_tick(int(t.timestamp()), park.feed_offset_s) < end]
    snaps = rows(engine, schema.ride_snapshots, schema.ride_snapshots.c.ride_id == ride.id)
    missing = [s["cycle_at"] for s in snaps if s["last_updated"] is None]
    assert missing == [t.replace(tzinfo=None) for t in blank]
    assert {s["state"] for s in snaps if s["last_updated"] is None} <= {"stale"}
    aggregate(engine, settings, now=day_over(park, day))
    daily = one(
        engine,
        schema.ride_daily,
        schema.ride_daily.c.ride_id == ride.id,
        schema.ride_daily.c.day == day,
    )
    assert (daily["unknown_minutes"], daily["down_minutes"]) == (
        10 * len(blank) + tail(park, day, last),
        0,
    )
    assert blank  # the window is 10 minutes or more


def test_a_late_night_on_the_night_the_clocks_go_back_counts_real_time(engine, settings):
    """A park open late on the night summer time ends closes at 03:30 local, after the
    repeated hour. Collected from 23:00 summer time to 04:00 winter time, its Saturday is open
    23:00-24:00 (60 minutes: the 23:50 cycle holds until midnight), and its Sunday from 00:00
    at every cycle that reads the feed before closing: 00:00 summer time to 03:30 winter time
    is 4.5 hours of real time, 27 cycles of 10 minutes (270 minutes, where a wall clock would
    say 210), plus the 03:30 cycle when the feed's last update (`feed_offset_s` past the 03:25
    tick) came before closing: 280.
    """
    with Simulator(SimConfig(), now=datetime(2024, 10, 1, tzinfo=UTC), speed=0) as sim:
        late = sorted(late_nights(sim.world), key=lambda found: found[1])
        assert late, "the seeded world has no late night on the night the clocks go back"
        park, saturday_date = late[0]
        zone = ZoneInfo(park.timezone)
        sunday_date = saturday_date + timedelta(days=1)
        start = datetime.combine(saturday_date, wall_time(23), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(sunday_date, wall_time(4), tzinfo=zone).astimezone(UTC)
        replay(engine, settings, sim, start, end)
    aggregate(engine, settings, now=day_over(park, sunday_date))
    d = schema.park_daily.c
    sunday = one(engine, schema.park_daily, d.park_id == park.id, d.day == sunday_date)
    midnight = naive_utc(datetime.combine(sunday_date, wall_time(0), tzinfo=zone))
    closes = naive_utc(datetime.combine(sunday_date, wall_time(3, 30), tzinfo=zone))
    closing = closes.replace(tzinfo=UTC).timestamp()
    extra = 10 if feed_tick(int(closing), park.feed_offset_s) < closing else 0
    assert (sunday["span_start"], sunday["span_end"]) == (
        midnight,
        closes + timedelta(minutes=extra),
    )
    assert closes - midnight == timedelta(hours=4, minutes=30)
    assert sunday["park_open_minutes"] == 270 + extra
    saturday = one(engine, schema.park_daily, d.park_id == park.id, d.day == saturday_date)
    assert (saturday["span_end"], saturday["park_open_minutes"]) == (midnight, 60)


def late_nights(world: World) -> list:
    """(park, local date) of every late night past midnight in the autumns of 2024-2030."""
    found = []
    for park, year, offset in product(world.parks, range(2024, 2031), range(61)):
        day = date(year, 10, 1) + timedelta(days=offset)
        hours = world.park_hours(park.id, day)
        if hours and hours[1].astimezone(ZoneInfo(park.timezone)).date() > day:
            found.append((park, day))
    return found


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def test_a_frozen_feed_is_unknown_time_until_a_reading_changes(engine, settings):
    """The simulator's `frozen` fault on one park for 9 responses, from a cycle at hh:50 local
    four hours after it opens: its readings repeat while `last_updated` advances, so the
    cycles hh+1:00 .. hh+2:10 are frozen (the run spans 80 minutes, many rides post a wait).
    The whole hour hh+1 is unknown time for every counted ride (60 minutes each, nothing open
    or down); at hh+2:20 readings move again and the park's rides are counted again."""
    config = SimConfig(seed=7, parks=3, rides=90)
    world = World(config)
    park = world.parks[0]
    zone = ZoneInfo(park.timezone)
    opens, _ = world.park_hours(park.id, DAY)
    local = opens.astimezone(zone) + timedelta(hours=4)
    start = local.replace(minute=50, second=0, microsecond=0).astimezone(UTC)
    first, last = start - timedelta(hours=1), start + timedelta(hours=2)

    def freeze(at: datetime) -> None:
        if at == start - CYCLE:
            sim.set_fault(park.id, "frozen", count=9)

    with Simulator(config, now=first, speed=0) as sim:
        replay(engine, settings, sim, first, last, after_cycle=freeze)
    snaps = rows(engine, schema.ride_snapshots, schema.ride_snapshots.c.park_id == park.id)
    frozen = [start + CYCLE * n for n in range(9)]
    readings = {
        at: {(s["ride_id"], s["is_open"], s["wait_time"]) for s in snaps if s["cycle_at"] == at}
        for at in (t.replace(tzinfo=None) for t in frozen)
    }
    assert len({frozenset(r) for r in readings.values()}) == 1
    assert sum(1 for _, _, wait in next(iter(readings.values())) if wait) >= 5
    stamps = [max(s["last_updated"] for s in snaps if s["cycle_at"] == at) for at in readings]
    assert stamps == sorted(stamps) and stamps[0] < stamps[-1]
    aggregate(engine, settings, now=last + timedelta(minutes=1))
    day = metrics.local_day(start, park.timezone)
    counted = [
        r["ride_id"]
        for r in rows(engine, schema.ride_daily, schema.ride_daily.c.park_id == park.id)
        if r["counted"] and r["day"] == day
    ]
    hour = (local.hour + 1) % 24
    (cell,) = [
        h
        for h in rows(engine, schema.park_hourly, schema.park_hourly.c.park_id == park.id)
        if h["local_hour"] == hour and h["day"] == day
    ]
    listed = {ride for ride, _, _ in next(iter(readings.values()))}
    assert (cell["open_minutes"], cell["down_minutes"]) == (0, 0)
    assert cell["unknown_minutes"] == 60 * len(set(counted) & listed) > 0
    (after,) = [
        h
        for h in rows(engine, schema.park_hourly, schema.park_hourly.c.park_id == park.id)
        if h["local_hour"] == (hour + 1) % 24 and h["day"] == day
    ]
    assert after["open_minutes"] > 0
