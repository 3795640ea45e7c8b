"""Batch reads for every reader of numbers (publisher, web app, stats): no pandas on this path.

Each function answers for every park (or ride) at once, one query per question, so a publish of
150 parks and 5,000 rides costs a few dozen queries, not one per page. Published numbers come
through `reader.spans` (`period_stats`, `span_stats`) and the formulas of
`hallofshame.metrics`; nothing here restates a metric.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, case, func, or_, select

from hallofshame import metrics, schema
from hallofshame.clock import as_utc
from reader.spans import PARK, Stats, period_stats

SIMULATED_KEY = "data_source"  # site_meta row the demo writes: the data came from the simulator
SIMULATED_VALUE = "simulator"


@dataclass(frozen=True)
class ParkInfo:
    """What a page needs to name and place a park."""

    id: int
    name: str
    country: str | None
    continent: str | None
    timezone: str
    group_id: int | None
    group_name: str | None
    latitude: float | None
    longitude: float | None

    def matches(self, filter_name: str) -> bool:
        return metrics.park_matches(filter_name, self.group_name, self.continent)


@dataclass(frozen=True)
class RideInfo:
    """What a page needs to name a ride and say whether it is ranked."""

    id: int
    park_id: int
    name: str
    kind: str
    tier: int | None
    land_name: str | None
    active: bool | None

    @property
    def ranked(self) -> bool:
        return self.kind == metrics.RANKED_KIND


@dataclass
class Catalog:
    """Every park and ride with its names, operator group, continent, kind, tier and time zone."""

    parks: dict[int, ParkInfo] = field(default_factory=dict)
    rides: dict[int, RideInfo] = field(default_factory=dict)

    @property
    def filters(self) -> list[str]:
        """Every filter of METRICS.md for the continents present."""
        return metrics.filter_names([p.continent for p in self.parks.values()])

    @property
    def continents(self) -> list[str]:
        return sorted({p.continent for p in self.parks.values() if p.continent})

    @property
    def groups(self) -> dict[int, str]:
        return {p.group_id: p.group_name for p in self.parks.values() if p.group_id is not None}

    def rides_of(self) -> dict[int, list[RideInfo]]:
        """Rides per park, by name."""
        by_park: dict[int, list[RideInfo]] = defaultdict(list)
        for ride in sorted(self.rides.values(), key=lambda r: (r.name.casefold(), r.id)):
            by_park[ride.park_id].append(ride)
        return by_park

    def park_ids(self, filter_name: str) -> list[int]:
        return [pid for pid, park in self.parks.items() if park.matches(filter_name)]


def catalog(conn: Connection) -> Catalog:
    """The catalogue in two queries."""
    p, g, r = schema.parks.c, schema.operator_groups.c, schema.rides.c
    park_rows = conn.execute(
        select(
            p.id,
            p.name,
            p.country,
            p.continent,
            p.timezone,
            p.group_id,
            g.name.label("group_name"),
            p.latitude,
            p.longitude,
        ).outerjoin(schema.operator_groups, g.id == p.group_id)
    ).mappings()
    found = Catalog(parks={row["id"]: ParkInfo(**row) for row in park_rows})
    ride_rows = conn.execute(
        select(r.id, r.park_id, r.name, r.kind, r.tier, r.land_name, r.active)
    ).mappings()
    found.rides = {row["id"]: RideInfo(**row) for row in ride_rows}
    return found


def all_period_stats(conn: Connection, level: str, period: str, now: datetime) -> dict[int, Stats]:
    """Stats of every park (or ride) for one period: one call, to be sliced per filter."""
    return period_stats(conn, level, None, period, now)


def data_as_of(conn: Connection) -> datetime | None:
    """The latest aggregated cycle (the time the published numbers describe)."""
    latest = conn.scalar(select(func.max(schema.aggregated_cycles.c.cycle_at)))
    return as_utc(latest) if latest is not None else None


def latest_day(conn: Connection) -> date | None:
    """The latest local day with a park row (the end of trend and heatmap windows)."""
    return conn.scalar(select(func.max(schema.park_daily.c.day)))


def heatmap(conn: Connection, first: date, last: date) -> dict[int, list[dict[str, Any]]]:
    """Per park, down, open and unknown minutes of each local (day, hour) in [first, last], from
    park_hourly: the day x hour downtime heatmap of every park in one query."""
    h = schema.park_hourly.c
    query = (
        select(
            h.park_id,
            h.day,
            h.local_hour,
            h.down_minutes,
            h.open_minutes,
            h.unknown_minutes,
            h.breakdowns,
        )
        .where(h.day >= first, h.day <= last)
        .order_by(h.park_id, h.day, h.local_hour)
    )
    cells: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for park_id, day, hour, down, open_, unknown, breakdowns in conn.execute(query):
        cells[park_id].append(
            {
                "day": day,
                "local_hour": hour,
                "down_minutes": down,
                "open_minutes": open_,
                "unknown_minutes": unknown,
                "breakdowns": breakdowns,
            }
        )
    return cells


def daily_trends(
    conn: Connection, level: str, first: date, last: date
) -> dict[int, list[dict[str, Any]]]:
    """Per park (or ride), each local day's score, downtime, uptime and breakdowns in
    [first, last], from the daily rows, computed by the formulas of `metrics`."""
    table = schema.park_daily if level == PARK else schema.ride_daily
    key = table.c.park_id if level == PARK else table.c.ride_id
    c = table.c
    query = (
        select(
            key.label("id"),
            c.day,
            c.final,
            c.open_minutes,
            c.down_minutes,
            c.breakdowns,
            c.weighted_down,
            c.weighted_time,
        )
        .where(c.day >= first, c.day <= last)
        .order_by(key, c.day)
    )
    trends: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # plain rows, unpacked: 150,000 of them in a publish, and a mapping a row cost a third more
    for id_, day, final, open_, down, breakdowns, weighted_down, weighted_time in conn.execute(
        query
    ):
        measured = open_ + down > 0
        trends[id_].append(
            {
                "day": day,
                "final": bool(final),
                "shame_score": metrics.shame_score(weighted_down, weighted_time),
                "downtime_hours": metrics.downtime_hours(down) if measured else None,
                "uptime_pct": metrics.uptime_pct(open_, down),
                "breakdowns": breakdowns if measured else None,
            }
        )
    return trends


def outages(conn: Connection, first: date, last: date) -> list[dict[str, Any]]:
    """Every outage event that started on a local day in [first, last], longest first."""
    o = schema.outage_events.c
    # Through the (park_id, day) index: a day range alone scans every event ever recorded.
    park_ids = list(conn.scalars(select(schema.parks.c.id)))
    query = (
        select(o.ride_id, o.park_id, o.day, o.start_at, o.end_at, o.minutes)
        .where(o.park_id.in_(park_ids), o.day >= first, o.day <= last)
        .order_by(o.minutes.desc(), o.start_at, o.ride_id)
    )
    return [  # plain rows, unpacked (a year of outages: a mapping a row cost a third more)
        {
            "ride_id": ride_id,
            "park_id": park_id,
            "day": day,
            "start_at": as_utc(start_at),
            "end_at": as_utc(end_at),
            "minutes": minutes,
        }
        for ride_id, park_id, day, start_at, end_at, minutes in conn.execute(query)
    ]


def live_waits(conn: Connection) -> dict[int, int | None]:
    """Every ride's posted wait at the latest cycle."""
    lr = schema.ride_live.c
    return dict(conn.execute(select(lr.ride_id, lr.wait_time)).all())


def settled_version(conn: Connection, cut: date) -> tuple[int, str | None, int]:
    """A fingerprint of the park-days that no longer move with each cycle (final days, and
    every day before `cut`): it changes when a day is finalised or recomputed, so a reader may
    keep numbers computed from those days until it does."""
    d = schema.park_daily.c
    count, latest, final = conn.execute(
        select(func.count(), func.max(d.computed_at), func.sum(case((d.final, 1), else_=0))).where(
            or_(d.day < cut, d.final.is_(True))
        )
    ).one()
    return int(count), str(latest) if latest is not None else None, int(final or 0)


def settled_versions(conn: Connection, cut: date) -> dict[int, tuple[int, str | None, int]]:
    """`settled_version` per park: a ride's history depends on its own park's days only."""
    d = schema.park_daily.c
    rows = conn.execute(
        select(
            d.park_id,
            func.count(),
            func.max(d.computed_at),
            func.sum(case((d.final, 1), else_=0)),
        )
        .where(or_(d.day < cut, d.final.is_(True)))
        .group_by(d.park_id)
    )
    return {
        park_id: (int(count), str(latest) if latest is not None else None, int(final or 0))
        for park_id, count, latest, final in rows
    }


def is_simulated(conn: Connection) -> bool:
    """Whether the stored data came from the simulator (the demo writes a `site_meta` row)."""
    m = schema.site_meta.c
    value = conn.scalar(select(m.value).where(m.key == SIMULATED_KEY))
    return value == SIMULATED_VALUE


def window(last: date | None, days: int) -> tuple[date, date] | None:
    """The `days` local days ending with `last` (None without data)."""
    return None if last is None else (last - timedelta(days=days - 1), last)
