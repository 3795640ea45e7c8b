"""The simulated world's plain data: configuration, parks, lands and rides."""

from __future__ import annotations

from dataclasses import dataclass, field

RIDE, SINGLE_RIDER, OTHER = "ride", "single_rider", "other"
LANDS_LAYOUT, FLAT_LAYOUT = "lands", "flat"  # flat: `"lands": []`, every ride at the top level

# Outage profiles: how many breakdowns a ride has per day (see schedule.outage_count).
NORMAL, UNRELIABLE, RARE = "normal", "unreliable", "rare"


@dataclass(frozen=True)
class SimConfig:
    """What world to simulate and how badly the server should behave."""

    seed: int = 42
    parks: int = 12  # number of parks
    rides: int = 400  # total rides across all parks
    latency_ms: int = 0
    fault_rate: float = 0.0  # fraction of park responses that fail (500, 429 or truncated)
    timeout_s: float = 30.0  # how long a "timeout" fault sleeps


@dataclass(frozen=True, slots=True)
class SimRide:
    """One entry of a park's feed. Single-rider lines share their ride's schedule."""

    id: int
    name: str
    kind: str  # "ride" | "single_rider" | "other"
    category: str  # headliner, mid, minor, single_rider, show, meet, parade, station, play
    land_id: int | None
    peak_wait: int  # posted minutes at the early-afternoon peak of an ordinary day
    profile: str  # outage profile: normal | unreliable | rare
    lag_minutes: int  # how far this ride's updates trail the park's feed
    refurb_start: int | None  # day of the year a refurbishment starts, or None
    refurb_days: int
    schedule_id: int  # whose daily schedule (opening, outages) this entry follows


@dataclass(frozen=True, slots=True)
class SimLand:
    id: int
    name: str
    rides: tuple[SimRide, ...]  # sorted by name, as the feed lists them


@dataclass(slots=True)
class SimPark:
    """A park as parks.json lists it, plus the habits its feed is generated from."""

    id: int
    name: str
    country: str
    continent: str
    latitude: str  # strings, as the real feed has them
    longitude: str
    timezone: str
    group_id: int
    group_name: str
    layout: str  # "lands" or "flat"
    lands: list[SimLand]
    rides: list[SimRide]  # every entry, sorted by name
    open_minute: int  # usual opening, minutes after local midnight
    close_minute: int  # usual closing
    closed_weekdays: frozenset[int] = field(default_factory=frozenset)  # 0 = Monday
    season_months: frozenset[int] = field(default_factory=frozenset)  # empty: open all year
    feed_offset_s: int = 0  # seconds past each 5-minute tick at which the feed updates
