"""Builds the parks, lands and rides of a world from its seed.

Everything is drawn from one Random seeded by the world seed, in a fixed order, so a seed always
gives the same ids, names and habits.
"""

from __future__ import annotations

import random
from dataclasses import replace

from simulator import names
from simulator.model import (
    FLAT_LAYOUT,
    LANDS_LAYOUT,
    NORMAL,
    OTHER,
    RARE,
    RIDE,
    SINGLE_RIDER,
    UNRELIABLE,
    SimConfig,
    SimLand,
    SimPark,
    SimRide,
)
from simulator.rng import seeded

MAX_LANDS = 9
# Simulated ids sit far above every real Queue-Times id (parks in the low thousands, rides and
# lands in the tens of thousands), so a simulated park can never be taken for a real one.
PARK_ID_BASE = 900_000
RIDE_ID_BASE = 9_000_000
LAND_ID_BASE = 8_000_000


def build_parks(config: SimConfig) -> list[SimPark]:
    """All parks, in creation order: the first is a Disney park, the second a Universal one."""
    rng = seeded("world", config.seed)
    count = max(1, config.parks)
    sizes = split_total(rng, max(config.rides, count), count)
    park_ids = [PARK_ID_BASE + i for i in rng.sample(range(1, max(400, 4 * count)), count)]
    ride_ids = iter(
        [RIDE_ID_BASE + i for i in rng.sample(range(1, max(20_000, 4 * sum(sizes))), sum(sizes))]
    )
    lands = rng.sample(range(1, max(2_000, 4 * MAX_LANDS * count)), MAX_LANDS * count)
    land_ids = iter([LAND_ID_BASE + i for i in lands])
    park_names = _park_names(rng, count)
    return [
        _build_park(
            rng, index, park_ids[index], park_names[index], sizes[index], ride_ids, land_ids
        )
        for index in range(count)
    ]


def split_total(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split `total` into `parts` uneven positive sizes that add up exactly."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(weight * scale) for weight in weights]
    for index in range(total - sum(sizes)):
        sizes[index % parts] += 1
    return sizes


def _park_names(rng: random.Random, count: int) -> list[str]:
    combos = [f"{first} {second}" for first in names.PARK_FIRST for second in names.PARK_SECOND]
    picked = rng.sample(combos, min(count, len(combos)))
    picked += [f"{combos[i % len(combos)]} {i}" for i in range(count - len(picked))]
    return picked


def _build_park(
    rng: random.Random, index: int, park_id: int, name: str, size: int, ride_ids, land_ids
) -> SimPark:
    place = names.PLACES[index] if index < len(names.PLACES) else _weighted_place(rng)
    group_id, group_name = names.GROUPS[index] if index < 2 else rng.choice(names.GROUPS)
    layout = FLAT_LAYOUT if index % 4 == 1 else LANDS_LAYOUT
    rides = _build_rides(rng, index, size, ride_ids)
    lands = _assign_lands(rng, rides, land_ids) if layout == LANDS_LAYOUT else []
    if lands:
        rides = [ride for land in lands for ride in land.rides]
    open_minute = rng.choice((480, 540, 540, 570, 600))
    close_minute = max(open_minute + 420, rng.choice((1020, 1080, 1200, 1260, 1260, 1320)))
    return SimPark(
        id=park_id,
        name=name,
        country=place.country,
        continent=place.continent,
        latitude=_coordinate(rng, place.latitude),
        longitude=_coordinate(rng, place.longitude),
        timezone=place.timezone,
        group_id=group_id,
        group_name=group_name,
        layout=layout,
        lands=lands,
        rides=sorted(rides, key=lambda ride: ride.name),
        open_minute=open_minute,
        close_minute=close_minute,
        closed_weekdays=_closed_weekdays(rng, index),
        season_months=_season(rng, index),
        feed_offset_s=rng.randint(0, 59),
    )


def _weighted_place(rng: random.Random) -> names.Place:
    return rng.choices(names.PLACES, weights=[place.weight for place in names.PLACES])[0]


def _coordinate(rng: random.Random, centre: float) -> str:
    """Coordinates are strings with a varying number of decimals, as in the real feed."""
    return f"{centre + rng.uniform(-1.5, 1.5):.{rng.randint(3, 6)}f}"


def _closed_weekdays(rng: random.Random, index: int) -> frozenset[int]:
    """Park 4 (and a few others) closes on Mondays and Tuesdays; the Disney park never does."""
    if index == 3 or (index > 3 and rng.random() < 0.08):
        return frozenset({0, 1})
    return frozenset()


def _season(rng: random.Random, index: int) -> frozenset[int]:
    """Park 5 (and a few others) opens only from April to October."""
    if index == 4 or (index > 4 and rng.random() < 0.08):
        return frozenset(range(4, 11))
    return frozenset()


def _build_rides(rng: random.Random, index: int, size: int, ride_ids) -> list[SimRide]:
    others = round(size * 0.18) if size >= 4 else 0
    singles = round(size * 0.06) if size >= 8 else 0
    used: set[str] = set()
    rides = [
        _ride(rng, next(ride_ids), _ride_name(rng, index, number, used))
        for number in range(size - others - singles)
    ]
    candidates = [ride for ride in rides if ride.category != "minor"] or rides
    parents = rng.sample(candidates, min(singles, len(candidates)))
    rides += [_single_rider(next(ride_ids), parent) for parent in parents]
    rides += [_other(rng, next(ride_ids), used) for _ in range(size - len(rides))]
    return rides


def _ride_name(rng: random.Random, park_index: int, number: int, used: set[str]) -> str:
    """Each park's first two rides take the quirky names in turn; the rest are mostly made up."""
    specials = names.SPECIAL_RIDES
    if number < 2:
        name = specials[(2 * park_index + number) % len(specials)]
    elif rng.random() < 0.15:
        name = rng.choice(specials)
    else:
        name = f"{rng.choice(names.RIDE_FIRST)} {rng.choice(names.RIDE_SECOND)}"
    return _unique(name, used)


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name.rstrip()} {number}", number + 1
    used.add(candidate)
    return candidate


def _ride(rng: random.Random, ride_id: int, name: str) -> SimRide:
    category, peak = _popularity(rng)
    refurb = rng.random() < 0.05
    return SimRide(
        id=ride_id,
        name=name,
        kind=RIDE,
        category=category,
        land_id=None,
        peak_wait=peak,
        profile=UNRELIABLE if rng.random() < 0.08 else NORMAL,
        lag_minutes=rng.choices((0, 5, 10), weights=(85, 10, 5))[0],
        refurb_start=rng.randint(1, 365) if refurb else None,
        refurb_days=rng.randint(3, 21) if refurb else 0,
        schedule_id=ride_id,
    )


def _popularity(rng: random.Random) -> tuple[str, int]:
    """Headliners peak at 30-90 minutes, mid rides at 10-30, minor ones at 0-10."""
    draw = rng.random()
    if draw < 0.2:
        return "headliner", 5 * rng.randint(6, 18)
    if draw < 0.65:
        return "mid", 5 * rng.randint(2, 6)
    return "minor", 5 * rng.randint(0, 2)


def _single_rider(ride_id: int, parent: SimRide) -> SimRide:
    """A single-rider line opens and breaks with its ride, at a third of the wait."""
    return SimRide(
        id=ride_id,
        name=names.single_rider_name(parent.name),
        kind=SINGLE_RIDER,
        category=SINGLE_RIDER,
        land_id=None,
        peak_wait=max(5, parent.peak_wait // 15 * 5),
        profile=parent.profile,
        lag_minutes=parent.lag_minutes,
        refurb_start=parent.refurb_start,
        refurb_days=parent.refurb_days,
        schedule_id=parent.id,
    )


def _other(rng: random.Random, ride_id: int, used: set[str]) -> SimRide:
    """Shows, meet-and-greets, parades, stations and play areas: rarely a wait, rarely broken."""
    category = rng.choices(("show", "meet", "parade", "station", "play"), weights=(3, 3, 1, 1, 2))[
        0
    ]
    peak = rng.choice((0, 0, 10, 15, 20, 30)) if category == "meet" else 0
    return SimRide(
        id=ride_id,
        name=_unique(rng.choice(names.OTHER_POOLS[category]), used),
        kind=OTHER,
        category=category,
        land_id=None,
        peak_wait=peak,
        profile=RARE,
        lag_minutes=0,
        refurb_start=None,
        refurb_days=0,
        schedule_id=ride_id,
    )


def _assign_lands(rng: random.Random, rides: list[SimRide], land_ids) -> list[SimLand]:
    """Spread rides over lands (every land gets one); a single-rider line joins its ride's land."""
    count = max(1, min(MAX_LANDS, len(rides) // 6, len(rides)))
    count = max(count, min(2, len(rides)))
    land_names = rng.sample(names.LANDS, count)
    ids = [next(land_ids) for _ in range(count)]
    home: dict[int, int] = {}
    members: dict[int, list[SimRide]] = {land_id: [] for land_id in ids}
    for number, ride in enumerate(rides):
        if ride.schedule_id in home and ride.kind == SINGLE_RIDER:
            land_id = home[ride.schedule_id]
        else:
            land_id = ids[number] if number < count else rng.choice(ids)
        home[ride.id] = land_id
        members[land_id].append(replace(ride, land_id=land_id))
    return [
        SimLand(land_id, name, tuple(sorted(members[land_id], key=lambda ride: ride.name)))
        for land_id, name in zip(ids, land_names, strict=True)
    ]
