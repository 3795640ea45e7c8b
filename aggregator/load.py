"""Reading what a computation needs: snapshots, cycles, and each ride's standing for the day.

A batch is a set of park-days, one per park. Queries are grouped by the parks' day bounds (one
per time zone offset), so a whole day of every park takes a handful of statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Connection, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from aggregator.compute import Frames
from hallofshame import metrics, schema
from hallofshame.kinds import read_overrides

TIER_VALUES = {str(tier) for tier in metrics.TIERS}
CHUNK = 5000  # ids per IN (...) list
CONTEXT = timedelta(hours=1)  # read before `since`: completes the waits of the touched hour
STATES = pd.CategoricalDtype([metrics.OPEN, metrics.CLOSED, metrics.STALE])


@dataclass(frozen=True)
class ParkDay:
    """One park's local day to (re)compute. `since`: its last counted cycle, for an after-cycle
    run that counts only newer cycles; None recomputes the whole day."""

    park_id: int
    day: date
    timezone: str
    start: datetime  # naive UTC, inclusive
    end: datetime  # naive UTC, exclusive
    final: bool
    since: datetime | None = None


def times(series: pd.Series) -> pd.Series:
    """One datetime resolution for every frame, so merges on times always line up."""
    return pd.to_datetime(series).astype("datetime64[us]")


def frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    """A query's rows as a frame, built column-wise (pandas is slow on row objects)."""
    rows = conn.execute(query).all()
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame(dict(zip(columns, values, strict=True)))


class unix_minutes(FunctionElement):
    """Minutes since 1970-01-01 of a naive UTC DATETIME column, as an integer: hundreds of
    thousands of cycle times cross the driver far faster as integers than as datetimes."""

    type = BigInteger()
    inherit_cache = True


@compiles(unix_minutes, "sqlite")
def _unix_minutes_sqlite(element, compiler, **kw):
    return f"(CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER) / 60)"


@compiles(unix_minutes)
def _unix_minutes_mysql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"TIMESTAMPDIFF(MINUTE, '1970-01-01 00:00:00', {column})"


def from_minutes(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype("int64"), unit="m").astype("datetime64[us]")


def load_frames(conn: Connection, items: list[ParkDay], tier_file: str) -> Frames:
    """Everything `compute` needs for a batch of whole days (no carried state)."""
    rows, cycles, after = load_snapshots(conn, items)
    parks = park_frame(items, after)
    rides = standing(conn, items, rows, read_overrides(tier_file, "tier", TIER_VALUES))
    rides = rides.rename(columns={"park_id": "home_park_id"})
    add_counts(parks, rides)
    return Frames(rows, cycles, parks, rides)


def add_counts(parks: pd.DataFrame, rides: pd.DataFrame) -> None:
    """A park's counted rides (the A of the open threshold) and their summed weights."""
    counted = rides[rides["counted"].astype(bool)].groupby("home_park_id")
    parks["rides_counted"] = parks["park_id"].map(counted.size()).fillna(0).astype("int64")
    weights = parks["park_id"].map(counted["weight"].sum())
    parks["weighted_counted"] = weights.fillna(0).astype("int64")


def park_frame(items: list[ParkDay], after: pd.Series) -> pd.DataFrame:
    parks = pd.DataFrame(
        {
            "park_id": [i.park_id for i in items],
            "day": [i.day for i in items],
            "timezone": [i.timezone for i in items],
            "day_end": times(pd.Series([i.end for i in items])),
            "final": [i.final for i in items],
            "since": times(pd.Series([i.since for i in items], dtype="object")),
        }
    )
    parks["after"] = times(parks["park_id"].map(after))
    return parks


def by_bounds(items: Iterable[ParkDay]) -> dict[tuple[datetime, datetime], list[ParkDay]]:
    groups: dict[tuple[datetime, datetime], list[ParkDay]] = defaultdict(list)
    for item in items:
        groups[(item.start, item.end)].append(item)
    return groups


def load_snapshots(
    conn: Connection, items: list[ParkDay]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Ride snapshots and park cycles of each park-day (from `since` less CONTEXT on), and each
    park's first cycle after its day (it ends the day's last cycle)."""
    s, p = schema.ride_snapshots.c, schema.park_snapshots.c
    rows, cycles, after = [], [], {}
    for (start, end), group in by_bounds(items).items():
        ids = [i.park_id for i in group]
        low = min((i.since - CONTEXT) if i.since else start for i in group)
        low = max(low, start)
        where = (p.park_id.in_(ids), p.cycle_at >= low, p.cycle_at < end)
        query = select(p.park_id, unix_minutes(p.cycle_at)).where(*where)
        cycles.append(frame(conn, query, ["park_id", "cycle_at"]))
        columns = (s.ride_id, s.park_id, unix_minutes(s.cycle_at), s.state, s.wait_time, s.is_open)
        query = select(*columns).where(s.park_id.in_(ids), s.cycle_at >= low, s.cycle_at < end)
        rows.append(
            frame(conn, query, ["ride_id", "park_id", "cycle_at", "state", "wait_time", "is_open"])
        )
        first = select(p.park_id, func.min(p.cycle_at)).where(p.park_id.in_(ids), p.cycle_at >= end)
        after.update(conn.execute(first.group_by(p.park_id)).all())
    rows_df, cycles_df = pd.concat(rows, ignore_index=True), pd.concat(cycles, ignore_index=True)
    rows_df["cycle_at"] = from_minutes(rows_df["cycle_at"])
    cycles_df["cycle_at"] = from_minutes(cycles_df["cycle_at"])
    rows_df["wait_time"] = rows_df["wait_time"].astype("float64")
    rows_df["state"] = rows_df["state"].astype(STATES)
    rows_df["is_open"] = rows_df["is_open"].astype(bool)
    return rows_df, cycles_df, pd.Series(after, dtype="object")


def standing(
    conn: Connection,
    items: list[ParkDay],
    rows: pd.DataFrame,
    overrides: dict[tuple[int, int], str],
) -> pd.DataFrame:
    """Each ride of the batch's parks on its park's day: active, counted, tier and weight."""
    r = schema.rides.c
    parks = {i.park_id: i for i in items}
    rides = frame(
        conn,
        select(r.id, r.park_id, r.kind).where(r.park_id.in_(list(parks))),
        ["ride_id", "park_id", "kind"],
    )
    days = rides["park_id"].map({p: i.day for p, i in parks.items()})
    opened_before = opened_in_window(conn, items)
    opened_today = set(rows.loc[rows["state"] == metrics.OPEN, "ride_id"])
    earlier = [
        (ride, day) in opened_before for ride, day in zip(rides["ride_id"], days, strict=True)
    ]
    rides["active"] = rides["ride_id"].isin(opened_today) | np.array(earlier, dtype=bool)
    rides["counted"] = rides["active"] & (rides["kind"] == metrics.RANKED_KIND)
    rides["tier"], rides["tier_source"] = tiers(conn, items, rides, overrides)
    rides["weight"] = rides["tier"].map(metrics.tier_weight)
    for column in ("first_open_at", "outage_start"):
        rides[column] = pd.Series(pd.NaT, index=rides.index, dtype="datetime64[us]")
    rides["last_counted"] = None
    rides["breakdowns_before"] = 0
    rides["outage_minutes"] = 0
    return rides.drop(columns="kind")


def opened_in_window(conn: Connection, items: list[ParkDay]) -> set[tuple[int, date]]:
    """(ride, day) pairs where the ride opened on one of the days before `day` that make it
    active on `day` (today's openings are added from today's snapshots)."""
    d = schema.ride_daily.c
    found: set[tuple[int, date]] = set()
    for day, group in by_day(items).items():
        first, _ = metrics.active_window(day)
        query = select(d.ride_id).where(
            d.park_id.in_([i.park_id for i in group]),
            d.day >= first,
            d.day < day,
            d.first_open_at.is_not(None),
        )
        found.update((ride, day) for ride in conn.scalars(query.distinct()))
    return found


def by_day(items: Iterable[ParkDay]) -> dict[date, list[ParkDay]]:
    groups: dict[date, list[ParkDay]] = defaultdict(list)
    for item in items:
        groups[item.day].append(item)
    return groups


def tiers(
    conn: Connection,
    items: list[ParkDay],
    rides: pd.DataFrame,
    overrides: dict[tuple[int, int], str],
) -> tuple[pd.Series, pd.Series]:
    """Tier of each ride for its park's day, and where it came from (override, data, new):
    the override file wins; else the tier the day was given when first computed (a day's tier
    is fixed from the days before it); else the median of every wait posted in the 30 days
    before. Only rides without a kept tier read the window of counts."""
    keys = zip(rides["park_id"], rides["ride_id"], strict=True)
    forced = pd.Series([overrides.get(key) for key in keys], index=rides.index, dtype="object")
    kept = kept_tiers(conn, items)
    kept_tier = rides["ride_id"].map(kept["tier"]).astype("float64")
    kept_source = rides["ride_id"].map(kept["tier_source"])
    wanted = rides.loc[kept_tier.isna() & forced.isna(), ["ride_id", "park_id"]]
    median = rides["ride_id"].map(window_medians(conn, items, wanted))
    tier = median.map(metrics.tier_from_wait, na_action=None).astype("float64")
    source = pd.Series("data", index=rides.index).where(median.notna(), "new")
    tier = tier.where(kept_tier.isna(), kept_tier)
    source = source.where(kept_tier.isna(), kept_source)
    tier = tier.where(forced.isna(), forced.astype("float64"))
    source = source.where(forced.isna(), "override")
    return tier.astype("int64"), source


def kept_tiers(conn: Connection, items: list[ParkDay]) -> pd.DataFrame:
    """The tier (and its source) each ride of these park-days was given when the day was first
    computed, by ride: data or new (an override no longer in the file is not kept)."""
    d = schema.ride_daily.c
    parts = []
    for day, group in by_day(items).items():
        query = select(d.ride_id, d.tier, d.tier_source).where(
            d.park_id.in_([i.park_id for i in group]),
            d.day == day,
            d.tier_source.in_(["data", "new"]),
        )
        parts.append(frame(conn, query, ["ride_id", "tier", "tier_source"]))
    return pd.concat(parts, ignore_index=True).set_index("ride_id")


def window_medians(conn: Connection, items: list[ParkDay], wanted: pd.DataFrame) -> pd.Series:
    """The median posted wait of each wanted ride over the TIER_WINDOW_DAYS local days before
    its park's day, from the summed per-day counts (one GROUP BY per day), by ride."""
    w = schema.ride_daily_waits.c
    parts = [pd.Series(dtype="float64")]
    days = {i.park_id: i.day for i in items}
    for day, ride_ids in wanted.groupby(wanted["park_id"].map(days))["ride_id"]:
        for start in range(0, len(ride_ids), CHUNK):
            query = (
                select(w.ride_id, w.wait, func.sum(w.cycles))
                .where(
                    w.ride_id.in_(ride_ids.iloc[start : start + CHUNK].tolist()),
                    w.day >= day - timedelta(days=metrics.TIER_WINDOW_DAYS),
                    w.day < day,
                )
                .group_by(w.ride_id, w.wait)
            )
            counts = frame(conn, query, ["ride_id", "wait", "cycles"])
            ids, medians = metrics.medians_of_counts(
                counts["ride_id"].to_numpy("int64"),
                counts["wait"].to_numpy("int64"),
                counts["cycles"].to_numpy("int64"),
            )
            parts.append(pd.Series(medians, index=ids, dtype="float64"))
    return pd.concat(parts)
