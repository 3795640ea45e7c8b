"""Stats of a park or ride over any span of local days: the one place every view reads them.

Periods are ratios of sums: one GROUP BY sums the daily rows of each park (or ride) over its
span, and the formulas of `hallofshame.metrics` turn the sums into numbers. Rankings, the stats
command, the publisher and the web app all come through `span_stats`, so a ranking and a detail
view cannot disagree. `live` is read from the latest cycle's status instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, bindparam, case, func, select

from hallofshame import fields, metrics, schema
from hallofshame.clock import as_utc, iso
from hallofshame.db import int_sum
from hallofshame.schema import ADDITIVE

PARK, RIDE = "park", "ride"
SUMMED = [*ADDITIVE, "wait_count", "wait_sum"]  # daily columns a span adds up
IN_LIST_MAX = 500  # more ids than this: scan the span's days and keep the wanted ids
DAY = timedelta(days=1)


@dataclass
class Stats:
    """One park's (or ride's) sums over a span, and the published numbers derived from them."""

    level: str
    id: int
    first_day: date | None = None
    last_day: date | None = None
    days: int = 0
    provisional_days: int = 0  # of `days`, those not final yet (today, or the aggregator lags)
    open_minutes: int = 0
    down_minutes: int = 0
    unknown_minutes: int = 0
    breakdowns: int = 0
    weighted_down: int = 0
    weighted_time: int = 0
    wait_count: int = 0
    wait_sum: int = 0
    wait_max: int | None = None
    wait_median: float | None = None  # rides: over the span's counted waits, when all are known
    wait_p90: float | None = None
    longest_outage_minutes: int | None = None
    park_open_minutes: int = 0  # parks: minutes the park was open
    tier: int | None = None  # rides: current tier
    live_status: str | None = None  # live: open / closed / down / unknown / stale
    live_at: datetime | None = None

    @property
    def has_data(self) -> bool:
        """A park with no open span (a ride never measured) in the span is "no data"."""
        if self.level == PARK:
            return self.park_open_minutes > 0
        return self.open_minutes + self.down_minutes > 0

    @property
    def shame_score(self) -> float | None:
        """The period's score; for `live`, the live score (open parks at a fresh cycle)."""
        if self.live_status is not None:
            return live_score(self) if self.level == PARK else None
        if not self.has_data:
            return None
        return metrics.shame_score(self.weighted_down, self.weighted_time)

    def numbers(self) -> dict[str, Any]:
        """The published numbers, unrounded (None: no data)."""
        if self.live_status is not None:
            return self.live_numbers()
        data = self.has_data
        return {
            "shame_score": self.shame_score,
            "downtime_hours": metrics.downtime_hours(self.down_minutes) if data else None,
            "uptime_pct": metrics.uptime_pct(self.open_minutes, self.down_minutes),
            "breakdowns": self.breakdowns if data else None,
            "longest_outage_minutes": (self.longest_outage_minutes or 0) if data else None,
            "mean_time_to_repair_minutes": metrics.mean_time_to_repair(
                self.down_minutes, self.breakdowns
            ),
            "open_minutes": self.open_minutes if data else None,
            "down_minutes": self.down_minutes if data else None,
            "unknown_minutes": self.unknown_minutes if data else None,
            "wait_mean": self.wait_sum / self.wait_count if self.wait_count else None,
            "wait_max": self.wait_max,
            **(
                {"wait_median": self.wait_median, "wait_p90": self.wait_p90}
                if self.level == RIDE
                else {}
            ),
        }

    def live_numbers(self) -> dict[str, Any]:
        """`live`: the score of an open park at a fresh cycle; rides down now."""
        live = self.live_status in (metrics.OPEN, metrics.CLOSED, metrics.DOWN, metrics.UNKNOWN)
        return {
            "shame_score": self.shame_score,
            "downtime_hours": None,
            "uptime_pct": None,
            "breakdowns": None,
            "longest_outage_minutes": None,
            "rides_down": self.breakdowns if self.level == PARK and live else None,
        }

    def as_json(self) -> dict[str, Any]:
        """One object for JSON outputs: published precision, null where there is no data."""
        out: dict[str, Any] = {f"{self.level}_id": self.id}
        out.update({k: fields.for_display(k, v) for k, v in self.numbers().items()})
        out["first_day"] = self.first_day.isoformat() if self.first_day else None
        out["last_day"] = self.last_day.isoformat() if self.last_day else None
        if self.live_status is None:
            out["provisional_days"] = self.provisional_days
        if self.level == RIDE:
            out["tier"] = self.tier
        if self.live_status is not None:
            out["live_status"] = self.live_status
            out["live_at"] = iso(self.live_at)
        return out


def span_stats(
    conn: Connection, level: str, spans: Mapping[int, tuple[date, date]], details: bool = True
) -> dict[int, Stats]:
    """Stats of each park (or ride) id over its own span of local days (first, last inclusive),
    all at once: one GROUP BY per run of days (`_runs`), added up per id. Without `details` a
    ride's tier and wait quantiles are not read (a score compared with needs only the sums)."""
    found = {
        id_: Stats(level, id_, first_day=first, last_day=last)
        for id_, (first, last) in spans.items()
    }
    for (first, last), ids in _runs(spans).items():
        by_ids = len(ids) <= IN_LIST_MAX  # a long IN list makes MariaDB probe the key id by id
        params: dict[str, Any] = {"first": first, "last": last}
        if by_ids:
            params["ids"] = ids
        wanted = set(ids)
        result = conn.execute(_span_query(level, by_ids), params)
        names = list(result.keys())[1:]  # after the id: plain rows, not mappings (a third faster)
        for id_, *values in result:
            if id_ in wanted:
                _add_sums(found[id_], names, values)
    if level == RIDE and details:
        _add_tiers(conn, found)
        _add_wait_quantiles(conn, found)
    return found


LARGEST = frozenset(("wait_max", "longest_outage_minutes"))  # a span's is its runs' largest


def _add_sums(stats: Stats, names: list[str], values: list[Any]) -> None:
    """One run's sums (`values` of the columns `names`) into a span's (the largest for a
    maximum)."""
    for name, value in zip(names, values, strict=True):
        if value is None:
            continue
        before = getattr(stats, name)
        if name in LARGEST:
            setattr(stats, name, int(value) if before is None else max(before, int(value)))
        else:
            setattr(stats, name, before + int(value))


@cache
def _span_query(level: str, by_ids: bool) -> Select[Any]:
    """The GROUP BY of one span (`first`, `last` and, `by_ids`, `ids` bound at execution).
    Built once: the web app asks it for every lookup, and building and hashing a statement
    costs more than running it."""
    table = schema.park_daily if level == PARK else schema.ride_daily
    key = table.c.park_id if level == PARK else table.c.ride_id
    columns = [int_sum(table.c[name]).label(name) for name in SUMMED]
    if level == PARK:
        columns.append(int_sum(table.c.park_open_minutes).label("park_open_minutes"))
    query = (
        select(
            key.label("id"),
            func.count().label("days"),
            int_sum(case((table.c.final.is_(False), 1), else_=0)).label("provisional_days"),
            func.max(table.c.wait_max).label("wait_max"),
            func.max(table.c.longest_outage_minutes).label("longest_outage_minutes"),
            *columns,
        )
        .where(table.c.day >= bindparam("first"), table.c.day <= bindparam("last"))
        .group_by(key)
    )
    if by_ids:
        query = query.where(key.in_(bindparam("ids", expanding=True)))
    return query


def _runs(spans: Mapping[int, tuple[date, date]]) -> dict[tuple[date, date], list[int]]:
    """The spans cut at each other's ends into runs of days that do not overlap, each with the
    ids whose span holds it: a period is a different span in parks of different time zones, and
    read span by span the days they share (all of this year's but one) were read once per zone;
    read run by run, each day once."""
    valid = {id_: span for id_, span in spans.items() if span[0] <= span[1]}
    cuts = sorted(
        {first for first, _ in valid.values()} | {last + DAY for _, last in valid.values()}
    )
    runs: dict[tuple[date, date], list[int]] = defaultdict(list)
    for id_, (first, last) in valid.items():
        for k in range(bisect_left(cuts, first), bisect_left(cuts, last + DAY)):
            runs[(cuts[k], cuts[k + 1] - DAY)].append(id_)
    return runs


@cache
def _wait_counts(by_ids: bool) -> Select[Any]:
    """Each ride's summed counts per posted wait over one run of days (`first`, `last` and,
    `by_ids`, `ids` bound at execution): a run of many rides reads its days whole (the table is
    stored by day) and keeps the wanted rides afterwards, as `span_stats` does."""
    w = schema.ride_daily_waits.c
    query = (
        select(w.ride_id, w.wait, int_sum(w.open_cycles).label("cycles"))
        .where(w.day >= bindparam("first"), w.day <= bindparam("last"))
        .group_by(w.ride_id, w.wait)
    )
    if by_ids:
        query = query.where(w.ride_id.in_(bindparam("ids", expanding=True)))
    return query


def _add_wait_quantiles(conn: Connection, found: dict[int, Stats]) -> None:
    """Each ride's median and p90 posted wait over its span, from the final days' per-wait
    counts summed (`metrics.quantiles_of_counts`): exact, like the day's own. Only where the
    counts hold every wait the span's daily rows counted: a provisional day (today) or a day
    aggregated before the counts were kept leaves the ride's period without them."""
    spans = {
        stats.id: (stats.first_day, stats.last_day)
        for stats in found.values()
        if stats.wait_count and not stats.provisional_days and stats.first_day and stats.last_day
    }
    parts = []
    for (first, last), ids in _runs(spans).items():
        by_ids = len(ids) <= IN_LIST_MAX
        params: dict[str, Any] = {"first": first, "last": last}
        if by_ids:
            params["ids"] = ids
        rows = conn.execute(_wait_counts(by_ids), params).all()
        ride, wait, cycles = (np.array([r[i] or 0 for r in rows], "int64") for i in range(3))
        kept = np.isin(ride, np.array(ids, "int64"))
        parts.append((ride[kept], wait[kept], cycles[kept]))
    if parts:  # a ride's counts of several runs add up (`quantiles_of_counts` takes repeats)
        _set_quantiles(found, *(np.concatenate(column) for column in zip(*parts, strict=True)))


def _set_quantiles(found: dict[int, Stats], ride: Any, wait: Any, cycles: Any) -> None:
    covered = {
        int(i)
        for i, total in zip(*_totals(ride, cycles), strict=True)
        if total == found[int(i)].wait_count
    }
    for name, q in (("wait_median", 0.5), ("wait_p90", metrics.WAIT_PERCENTILE)):
        for i, value in zip(*metrics.quantiles_of_counts(ride, wait, cycles, q), strict=True):
            if int(i) in covered:
                setattr(found[int(i)], name, float(value))


def _totals(ride: Any, cycles: Any) -> tuple[Any, Any]:
    ids, inverse = np.unique(ride, return_inverse=True)
    return ids, np.bincount(inverse, weights=cycles, minlength=len(ids)).astype("int64")


_TIERS = select(schema.rides.c.id, schema.rides.c.tier).where(
    schema.rides.c.id.in_(bindparam("ids", expanding=True))
)


def _add_tiers(conn: Connection, found: dict[int, Stats]) -> None:
    for ride_id, tier in conn.execute(_TIERS, {"ids": list(found)}):
        found[ride_id].tier = tier


def period_stats(
    conn: Connection, level: str, ids: list[int] | None, period: str, now: datetime
) -> dict[int, Stats]:
    """Stats of parks (or rides) for a named period of METRICS.md, each in its park's own
    local days as of `now`. `ids` None: every park (or ride)."""
    zones = _zones(conn, level, ids)
    if period == metrics.LIVE:
        return live_stats(conn, level, list(zones), now)
    spans = {
        id_: metrics.period_span(period, metrics.local_day(now, zone))
        for id_, zone in zones.items()
    }
    return span_stats(conn, level, spans)


def previous_period_stats(
    conn: Connection, level: str, ids: list[int] | None, period: str, now: datetime
) -> dict[int, Stats]:
    """The sums of the previous span of a completed period (`metrics.previous_span`), each
    park (or ride) in its own local days as of `now`: what its shame score is compared with."""
    spans = {
        id_: metrics.previous_span(period, metrics.local_day(now, zone))
        for id_, zone in _zones(conn, level, ids).items()
    }
    return span_stats(conn, level, spans, details=False)


def _zones(conn: Connection, level: str, ids: list[int] | None) -> dict[int, str]:
    """Each id's time zone (a ride's is its park's)."""
    p, r = schema.parks.c, schema.rides.c
    if level == PARK:
        query = select(p.id, p.timezone)
        if ids is not None:
            query = query.where(p.id.in_(ids))
    else:
        query = select(r.id, p.timezone).join(schema.parks, p.id == r.park_id)
        if ids is not None:
            query = query.where(r.id.in_(ids))
    return dict(conn.execute(query).all())


def live_stats(conn: Connection, level: str, ids: list[int], now: datetime) -> dict[int, Stats]:
    """`live`: the latest cycle, if under LIVE_MAX_AGE old. A park's score: 10 * weighted rides
    down now / weighted counted rides, for open parks; closed parks are "closed"."""
    found = {id_: Stats(level, id_, live_status=metrics.NO_DATA) for id_ in ids}
    table = schema.park_live if level == PARK else schema.ride_live
    key = table.c.park_id if level == PARK else table.c.ride_id
    for row in conn.execute(select(table).where(key.in_(ids))).mappings():
        stats = found[row[key.name]]
        stats.live_at = as_utc(row["cycle_at"])
        if as_utc(now) - stats.live_at > metrics.LIVE_MAX_AGE:
            stats.live_status = metrics.STALE
        elif level == RIDE:
            stats.live_status = row["status"]
        else:
            stats.live_status = metrics.OPEN if row["is_open"] else metrics.CLOSED
            stats.breakdowns = row["rides_down"]  # rides down now (see live_numbers)
            stats.weighted_down = row["weighted_down"]
            stats.weighted_time = row["weighted_counted"]
    if level == RIDE:
        _add_tiers(conn, found)
    return found


def live_score(stats: Stats) -> float | None:
    """The live shame score of a park: only for an open park with a fresh cycle."""
    if stats.live_status != metrics.OPEN:
        return None
    return metrics.live_shame_score(stats.weighted_down, stats.weighted_time)


def rank_parks(conn: Connection, period: str, now: datetime, filter_name: str) -> list[Stats]:
    """Parks under a filter with data for the period, worst shame score first ("no data" parks
    are left out, never ranked with a zero; for `live`, closed parks are left out)."""
    p, g = schema.parks.c, schema.operator_groups.c
    rows = conn.execute(
        select(p.id, g.name, p.continent).outerjoin(schema.operator_groups, g.id == p.group_id)
    ).all()
    ids = [
        pid for pid, group, continent in rows if metrics.park_matches(filter_name, group, continent)
    ]
    return metrics.worst_first(period_stats(conn, PARK, ids, period, now).values())


def rank_rides(conn: Connection, period: str, now: datetime, filter_name: str) -> list[Stats]:
    """Ranked-kind rides of the parks under a filter with data for the period, worst shame
    score first; their numbers are the ones `span_stats` gives the ride's own page."""
    p, g, r = schema.parks.c, schema.operator_groups.c, schema.rides.c
    query = (
        select(r.id, g.name, p.continent)
        .join(schema.parks, p.id == r.park_id)
        .outerjoin(schema.operator_groups, g.id == p.group_id)
        .where(r.kind == metrics.RANKED_KIND)
    )
    ids = [
        rid
        for rid, group, continent in conn.execute(query)
        if metrics.park_matches(filter_name, group, continent)
    ]
    return metrics.worst_first(period_stats(conn, RIDE, ids, period, now).values())
