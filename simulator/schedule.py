"""Opening hours, ride-day schedules and the state of a ride at an instant.

Each park day and each ride day is drawn from a Random seeded by (world seed, id, local date), so
a ride's state at time t is a pure function of (seed, ride, t): the same instant always gives the
same document, and consecutive cycles tell one consistent story. Times are UTC epoch seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from simulator.model import RARE, UNRELIABLE, SimPark, SimRide
from simulator.rng import seeded, unit

FEED_TICK_S = 300  # the feed refreshes every 5 minutes
PRE_OPEN_S = 30 * 60  # the feed starts updating (rides closed) half an hour before opening
PEAK_HOUR = 14.0  # waits peak in the early afternoon, local time
# Rare feed quirks, drawn per ride day (seeded) after everything else, so they leave the rest
# of a day's schedule as it was:
STALL_CHANCE = 0.02  # the feed stops updating one ride for 40-90 minutes while it runs: stale
BLANK_CHANCE = 0.01  # one ride's entry has no `last_updated` for 10-30 minutes
# Late-night events (Halloween nights): on the night the clocks go back, a park may stay open
# past local midnight, through the repeated hour, until LATE_NIGHT_CLOSE_MINUTE the next day.
LATE_NIGHT_CHANCE = 0.3
LATE_NIGHT_CLOSE_MINUTE = 3 * 60 + 30  # 03:30 local: after the repeated hour in every zone


@dataclass(frozen=True, slots=True)
class ParkDay:
    opens: int
    closes: int
    crowd: float  # scales every wait of the day (weekends are busier)


@dataclass(frozen=True, slots=True)
class RideDay:
    closed: bool  # closed all day (refurbishment, or simply not running)
    opens: int
    closes: int
    outages: tuple[tuple[int, int], ...]  # breakdowns: closed, no wait
    ghosts: tuple[tuple[int, int], ...]  # the feed's quirk: closed but still posting a wait
    stalls: tuple[tuple[int, int], ...] = ()  # last_updated frozen at the start: goes stale
    blanks: tuple[tuple[int, int], ...] = ()  # no last_updated at all


@cache
def zone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones in its strong cache; a world uses about a dozen."""
    return ZoneInfo(name)


def local_timestamp(park: SimPark, day: date, minute: int) -> int:
    """UTC epoch seconds of a local wall-clock minute of the day at the park."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone(park.timezone))
    return int(local.timestamp())


def make_park_day(seed: int, park: SimPark, day: date) -> ParkDay | None:
    """The park's hours on a local date, or None when it does not open that day."""
    if day.weekday() in park.closed_weekdays:
        return None
    if park.season_months and day.month not in park.season_months:
        return None
    rng = seeded(seed, "park", park.id, day.isoformat())
    weekend = day.weekday() >= 5
    open_minute = park.open_minute - (30 if rng.random() < 0.15 else 0)  # early entry
    close_minute = park.close_minute + (60 if weekend else 0) - (60 if rng.random() < 0.1 else 0)
    crowd = rng.uniform(0.8, 1.05) + (0.15 if weekend else 0.0)
    closes = local_timestamp(park, day, min(close_minute, 23 * 60))
    if clocks_go_back_tonight(park, day) and rng.random() < LATE_NIGHT_CHANCE:
        closes = local_timestamp(park, day + timedelta(days=1), LATE_NIGHT_CLOSE_MINUTE)
    return ParkDay(opens=local_timestamp(park, day, open_minute), closes=closes, crowd=crowd)


def clocks_go_back_tonight(park: SimPark, day: date) -> bool:
    """Whether the night after this local day has a repeated hour (summer time ends)."""
    today, tomorrow = (
        datetime.combine(d, time(12), tzinfo=zone(park.timezone))
        for d in (day, day + timedelta(days=1))
    )
    return tomorrow.utcoffset() < today.utcoffset()


def in_refurbishment(ride: SimRide, day: date) -> bool:
    if ride.refurb_start is None:
        return False
    return (day.timetuple().tm_yday - ride.refurb_start) % 365 < ride.refurb_days


def make_ride_day(seed: int, ride: SimRide, day: date, park_day: ParkDay) -> RideDay:
    """One ride's day: late opening, early closing, breakdowns and feed glitches.

    Drawn from the ride's schedule id, so a single-rider line gets exactly its ride's day.
    """
    rng = seeded(seed, "ride", ride.schedule_id, day.isoformat())
    closed = in_refurbishment(ride, day) or rng.random() < 0.02
    opens = park_day.opens + (0 if rng.random() < 0.8 else 300 * rng.randint(1, 8))
    closes = park_day.closes - (0 if rng.random() < 0.7 else 300 * rng.randint(1, 9))
    outages = tuple(
        _window(rng, opens, closes, 60 * rng.randint(10, 120))
        for _ in range(outage_count(rng, ride))
    )
    ghosts = (_window(rng, opens, closes, 300 * rng.randint(2, 5)),) if rng.random() < 0.06 else ()
    stalls = (
        (_window(rng, opens, closes, 60 * rng.randint(40, 90)),)
        if rng.random() < STALL_CHANCE
        else ()
    )
    blanks = (
        (_window(rng, opens, closes, 60 * rng.randint(10, 30)),)
        if rng.random() < BLANK_CHANCE
        else ()
    )
    return RideDay(closed, opens, closes, outages, ghosts, stalls, blanks)


def outage_count(rng, ride: SimRide) -> int:
    """Most rides break 0-2 times a day, unreliable ones 3-6 times, shows and the like rarely."""
    if ride.profile == UNRELIABLE:
        return rng.randint(3, 6)
    if ride.profile == RARE:
        return rng.choices((0, 1), weights=(90, 10))[0]
    return rng.choices((0, 1, 2), weights=(45, 35, 20))[0]


def _window(rng, opens: int, closes: int, length: int) -> tuple[int, int]:
    start = int(rng.uniform(opens, max(opens, closes - 600)))
    return start, min(start + length, closes)


def feed_tick(at: int, offset_s: int) -> int:
    """The latest feed update at or before `at`: every 5 minutes, `offset_s` past the tick."""
    tick = at - (at - offset_s) % FEED_TICK_S
    return tick


def wait_minutes(
    seed: int, ride: SimRide, park_day: ParkDay, opens: int, at: int, hour: float
) -> int:
    """Posted wait: low at opening, highest in the early afternoon, in multiples of 5."""
    if ride.peak_wait == 0:
        return 0
    ramp = min(1.0, 0.3 + (at - opens) / 9000)
    curve = 0.2 + 0.8 * math.exp(-(((hour - PEAK_HOUR) / 3.5) ** 2))
    noise = 0.85 + 0.3 * unit(seed, ride.id, at // FEED_TICK_S)
    return int(ride.peak_wait * park_day.crowd * ramp * curve * noise / 5 + 0.5) * 5


def inside(windows: tuple[tuple[int, int], ...], at: int) -> bool:
    return any(start <= at < end for start, end in windows)


def window_start(windows: tuple[tuple[int, int], ...], at: int) -> int | None:
    """The start of the window `at` falls in, or None."""
    return next((start for start, end in windows if start <= at < end), None)
