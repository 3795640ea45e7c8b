"""The simulated world: its parks and the two Queue-Times documents at any instant.

`World` is pure data plus pure functions of (seed, park or ride, time); its only state is a cache
of park days and ride days, which can be dropped at any moment without changing an answer.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from simulator.build import build_parks
from simulator.model import FLAT_LAYOUT, SimConfig, SimPark, SimRide
from simulator.schedule import (
    PRE_OPEN_S,
    ParkDay,
    RideDay,
    feed_tick,
    inside,
    make_park_day,
    make_ride_day,
    wait_minutes,
    window_start,
    zone,
)

CACHE_LIMIT = 300_000  # cached ride days before the cache is dropped (a month of 5,000 rides fits)
FROZEN_LOOKBACK_DAYS = 14  # how far back to look for the last closing time of a closed park


@dataclass(frozen=True, slots=True)
class _Moment:
    """A park at one feed instant: its local date and hour, and that day's hours."""

    at: int
    day: date
    hour: float
    park_day: ParkDay | None
    frozen: int | None  # last_updated while the feed is not updating (closed), else None


class World:
    """Parks and rides built from a SimConfig, and their feed documents at any time."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.seed = self.config.seed
        self.parks: list[SimPark] = build_parks(self.config)
        self._parks_by_id = {park.id: park for park in self.parks}
        self._park_days: dict[tuple[int, date], ParkDay | None] = {}
        self._ride_days: dict[tuple[int, date], RideDay] = {}

    @property
    def ride_count(self) -> int:
        return sum(len(park.rides) for park in self.parks)

    def park(self, park_id: int) -> SimPark:
        """The park with this id; KeyError for an unknown one."""
        return self._parks_by_id[park_id]

    def park_hours(self, park_id: int, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing (aware UTC) on a local date, or None when the park stays closed."""
        park_day = self._park_day(self.park(park_id), day)
        if park_day is None:
            return None
        return _utc(park_day.opens), _utc(park_day.closes)

    def parks_document(self) -> list[dict]:
        """`GET /parks.json`: operator groups by name, each with its parks by name."""
        groups: dict[int, dict] = {}
        for park in sorted(self.parks, key=lambda park: park.name):
            group = groups.setdefault(
                park.group_id, {"id": park.group_id, "name": park.group_name, "parks": []}
            )
            group["parks"].append(_park_entry(park))
        return sorted(groups.values(), key=lambda group: group["name"])

    def queue_times_document(self, park_id: int, at: datetime) -> dict:
        """`GET /parks/{id}/queue_times.json` as the feed would show it at `at` (aware UTC)."""
        if at.tzinfo is None:
            raise ValueError("queue_times_document needs an aware datetime")
        park = self.park(park_id)
        tick = feed_tick(int(at.timestamp()), park.feed_offset_s)
        moments: dict[int, _Moment] = {}
        stamps: dict[int, str] = {}

        def entry(ride: SimRide) -> dict:
            lag = ride.lag_minutes
            if lag not in moments:
                moments[lag] = self._moment(park, tick - 60 * lag)
            is_open, wait, updated = self._ride_status(park, ride, moments[lag])
            if updated not in stamps:
                stamps[updated] = _iso(updated) if updated is not None else None
            return _ride_entry(ride, is_open, wait, stamps[updated])

        if park.layout == FLAT_LAYOUT:
            return {"lands": [], "rides": [entry(ride) for ride in park.rides]}
        lands = [
            {"id": land.id, "name": land.name, "rides": [entry(ride) for ride in land.rides]}
            for land in park.lands
        ]
        return {"lands": lands, "rides": []}

    def _ride_status(
        self, park: SimPark, ride: SimRide, moment: _Moment
    ) -> tuple[bool, int, int | None]:
        """(is_open, wait_time, last_updated) of one ride at one feed instant. A stalled ride
        shows what it showed when its updates stopped; a blank one has no last_updated."""
        at, park_day = moment.at, moment.park_day
        if moment.frozen is not None:
            return False, 0, moment.frozen
        if at < park_day.opens:
            return False, 0, at
        ride_day = self._ride_day(ride, moment.day, park_day)
        stalled = window_start(ride_day.stalls, at)
        if stalled is not None and stalled < at:
            then = replace(moment, at=stalled, hour=moment.hour - (at - stalled) / 3600)
            return self._ride_status(park, ride, then)
        is_open, wait, updated = self._fresh_status(ride, ride_day, moment)
        return is_open, wait, None if inside(ride_day.blanks, at) else updated

    def _fresh_status(
        self, ride: SimRide, ride_day: RideDay, moment: _Moment
    ) -> tuple[bool, int, int]:
        at, park_day = moment.at, moment.park_day
        if ride_day.closed or not ride_day.opens <= at < ride_day.closes:
            return False, 0, at
        if inside(ride_day.outages, at):
            return False, 0, at
        wait = wait_minutes(self.seed, ride, park_day, ride_day.opens, at, moment.hour)
        if inside(ride_day.ghosts, at):
            return False, max(5, wait), at
        return True, wait, at

    def _moment(self, park: SimPark, at: int) -> _Moment:
        local = datetime.fromtimestamp(at, zone(park.timezone))
        day, hour = local.date(), local.hour + local.minute / 60
        park_day = self._park_day(park, day)
        night = self._park_day(park, day - timedelta(days=1))
        if night is not None and at < night.closes:  # a late night past midnight: still its day
            day, hour, park_day = day - timedelta(days=1), hour + 24, night
        updating = park_day is not None and park_day.opens - PRE_OPEN_S <= at < park_day.closes
        frozen = None if updating else self._frozen_update(park, day, at)
        return _Moment(at, day, hour, park_day, frozen)

    def _frozen_update(self, park: SimPark, today: date, at: int) -> int:
        """After closing, `last_updated` stays at the last closing time, so the data goes stale."""
        for back in range(FROZEN_LOOKBACK_DAYS + 1):
            park_day = self._park_day(park, today - timedelta(days=back))
            if park_day is not None and park_day.closes <= at:
                return park_day.closes + park.feed_offset_s
        day = today - timedelta(days=FROZEN_LOOKBACK_DAYS)
        return (
            int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + park.feed_offset_s
        )

    def _park_day(self, park: SimPark, day: date) -> ParkDay | None:
        key = (park.id, day)
        if key not in self._park_days:
            self._park_days[key] = make_park_day(self.seed, park, day)
        return self._park_days[key]

    def _ride_day(self, ride: SimRide, day: date, park_day: ParkDay) -> RideDay:
        key = (ride.schedule_id, day)
        ride_day = self._ride_days.get(key)
        if ride_day is None:
            if len(self._ride_days) >= CACHE_LIMIT:
                self._ride_days.clear()
                self._park_days.clear()
            ride_day = self._ride_days[key] = make_ride_day(self.seed, ride, day, park_day)
        return ride_day


def _park_entry(park: SimPark) -> dict:
    return {
        "id": park.id,
        "name": park.name,
        "country": park.country,
        "continent": park.continent,
        "latitude": park.latitude,
        "longitude": park.longitude,
        "timezone": park.timezone,
    }


def _ride_entry(ride: SimRide, is_open: bool, wait: int, updated: str | None) -> dict:
    """A ride as the feed lists it; without `last_updated` when there is none (a rare quirk)."""
    entry = {"id": ride.id, "name": ride.name, "is_open": is_open, "wait_time": wait}
    if updated is not None:
        entry["last_updated"] = updated
    return entry


def _iso(timestamp: int) -> str:
    """UTC with milliseconds and a Z, as the feed writes it."""
    return _time.strftime("%Y-%m-%dT%H:%M:%S.000Z", _time.gmtime(timestamp))


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
