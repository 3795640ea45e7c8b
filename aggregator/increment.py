"""The after-cycle path: bring a provisional day up to date from its new cycles only.

Today's rows carry the running state of each ride (first opening, last counted state, current
outage) and each park (last counted cycle). A new cycle settles the time of the cycle before
it; only those cycles are classified, with the same `compute` as a whole day, and their minutes
are added to the hourly and daily rows. The wait statistics of the touched hours are taken over
again from the raw rows of those hours. A park falls back to a whole-day recompute when a ride
is new to the day, a ride opens that was not active (the park's open threshold moves), or its
feed may have frozen (`unsettled_runs`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from aggregator import store
from aggregator.compute import Frames, Result, compute, frozen_runs
from aggregator.load import (
    CONTEXT,
    ParkDay,
    add_counts,
    by_day,
    frame,
    load_snapshots,
    park_frame,
    times,
)
from hallofshame import metrics, schema
from hallofshame.clock import to_db, utcnow
from hallofshame.schema import ADDITIVE

CARRIED = [
    "ride_id",
    "park_id",
    "active",
    "counted",
    "tier",
    "tier_source",
    "weight",
    "first_open_at",
    "last_counted",
    "breakdowns",
    "outage_start",
    "outage_minutes",
    "open_minutes",
    "down_minutes",
    "unknown_minutes",
    "weighted_down",
    "weighted_time",
    "wait_count",
    "wait_sum",
    "wait_max",
    "longest_outage_minutes",
    "day",
    "final",
]


def update(
    conn: Connection, items: list[ParkDay], cap: int
) -> tuple[list[ParkDay], list[ParkDay], int]:
    """Add the new cycles of these provisional park-days. Returns the park-days to recompute
    whole, those updated here and the snapshots read (the caller's summary counts them)."""
    rows, cycles, after = load_snapshots(conn, items)
    parks = park_frame(items, after)
    daily = carried_rides(conn, items)
    redo = needs_whole_day(rows, parks, daily) | unsettled_runs(rows, cycles, parks, items)
    keep = [i for i in items if i.park_id not in redo]
    read = 0
    if keep:
        ids = [i.park_id for i in keep]
        rides = standing_of(daily[daily["park_id"].isin(ids)])
        parks = parks[parks["park_id"].isin(ids)].reset_index(drop=True)
        add_counts(parks, rides)
        frames = Frames(
            rows[rows["park_id"].isin(ids)], cycles[cycles["park_id"].isin(ids)], parks, rides
        )
        result = compute(frames, cap)
        merge(conn, result, daily)
        store.save_live(conn, result.live, parks)
        read = len(frames.rows)
    return [replace(i, since=None) for i in items if i.park_id in redo], keep, read


def carried_rides(conn: Connection, items: list[ParkDay]) -> pd.DataFrame:
    """Today's ride rows of these parks: their standing and running state."""
    d = schema.ride_daily.c
    parts = []
    for day, group in by_day(items).items():
        query = select(*[d[name] for name in CARRIED]).where(
            d.park_id.in_([i.park_id for i in group]), d.day == day
        )
        parts.append(frame(conn, query, CARRIED))
    daily = pd.concat(parts, ignore_index=True)
    for column in ("first_open_at", "outage_start"):
        daily[column] = times(daily[column])
    return daily


def needs_whole_day(rows: pd.DataFrame, parks: pd.DataFrame, daily: pd.DataFrame) -> set[int]:
    """Parks whose new cycles bring a ride new to the day, or open a ride not active yet."""
    since = rows["park_id"].map(parks.set_index("park_id")["since"])
    new = rows[rows["cycle_at"] > since]
    known = daily.set_index("ride_id")["active"]
    unknown = ~new["ride_id"].isin(known.index)
    opening = (new["state"] == metrics.OPEN) & ~new["ride_id"].map(known).fillna(False).astype(bool)
    return set(new.loc[unknown | opening, "park_id"])


def unsettled_runs(
    rows: pd.DataFrame, cycles: pd.DataFrame, parks: pd.DataFrame, items: list[ParkDay]
) -> set[int]:
    """Parks whose new cycles may change what is frozen (METRICS.md "A frozen feed").

    A run becomes frozen only once it spans FROZEN_AFTER, so its earlier cycles, counted
    already, may have to become stale: a park with a new cycle in a frozen run is recomputed
    whole. So is a park whose rows, read from CONTEXT before `since`, begin inside a run of
    readings posting waits that reaches the hours being updated: where it began is not in
    them. Both are rare (a feed that stops moving); every other park's frozen cycles are
    exactly those of a whole-day recompute."""
    c = frozen_runs(rows, cycles)
    new = c["cycle_at"] > c["park_id"].map(parks.set_index("park_id")["since"])
    frozen = set(c.loc[new & c["frozen"], "park_id"])
    cut = {i.park_id for i in items if i.since is not None and i.since - CONTEXT > i.start}
    first = c.groupby("park_id").head(1)
    first = first[first["park_id"].isin(cut) & (first["posting"] >= metrics.FROZEN_MIN_POSTING)]
    run_end = first["run"].map(c.groupby("run")["cycle_at"].max())
    first_new = first["park_id"].map(c[new].groupby("park_id")["cycle_at"].min())
    reaches = run_end >= first_new - pd.Timedelta(hours=1)  # a local hour begins after that
    return frozen | set(first.loc[reaches, "park_id"])


def standing_of(daily: pd.DataFrame) -> pd.DataFrame:
    """The `rides` frame of `compute` from today's rows: standing and carried state."""
    columns = ["ride_id", "park_id", "active", "counted", "tier", "tier_source", "weight"]
    columns += ["first_open_at"]
    columns += ["last_counted", "outage_start", "outage_minutes"]
    rides = daily[columns].rename(columns={"park_id": "home_park_id"})
    rides["breakdowns_before"] = daily["breakdowns"]
    rides["counted"] = rides["counted"].astype(bool)
    return rides.reset_index(drop=True)


def merge(conn: Connection, result: Result, daily: pd.DataFrame) -> None:
    """Add the new minutes to today's rows; the touched hours' waits are taken over whole."""
    rides = ["ride_id", "hour_start"]
    old = existing_hours(conn, schema.ride_hourly, result.ride_hourly, "ride_id")
    store.replace_rows(conn, schema.ride_hourly, add_hours(old, result.ride_hourly, rides))
    parks = ["park_id", "hour_start"]
    old = existing_hours(conn, schema.park_hourly, result.park_hourly, "park_id")
    added = add_hours(old, result.park_hourly, parks, extra=["park_open_minutes"])
    store.replace_rows(conn, schema.park_hourly, added)
    store.replace_rows(conn, schema.ride_daily, add_ride_days(daily, result.ride_daily))
    old_parks = existing_park_days(conn, result.park_daily)
    store.replace_rows(conn, schema.park_daily, add_park_days(old_parks, result.park_daily))
    store.replace_rows(conn, schema.outage_events, result.events)


def existing_hours(conn: Connection, table, new: pd.DataFrame, key: str) -> pd.DataFrame:
    if new.empty:
        return new
    hours = sorted({h.to_pydatetime() for h in new["hour_start"]})
    query = select(table).where(
        table.c[key].in_(new[key].unique().tolist()), table.c.hour_start.in_(hours)
    )
    old = pd.DataFrame(
        conn.execute(query).mappings().all(), columns=[c.name for c in table.columns]
    )
    old["hour_start"] = times(old["hour_start"])
    return old


def add_hours(
    old: pd.DataFrame, new: pd.DataFrame, keys: list[str], extra: tuple[str, ...] | list[str] = ()
) -> pd.DataFrame:
    """New hourly rows plus the minutes already counted in those hours (waits: the new ones,
    which were taken over the whole hour)."""
    if new.empty or old.empty:
        return new
    summed = [*ADDITIVE, *extra]
    before = new[keys].merge(old[[*keys, *summed]], on=keys, how="left")[summed].fillna(0)
    out = new.copy()
    out[summed] = new[summed].to_numpy() + before.to_numpy()
    return out


def add_ride_days(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Today's ride rows plus the new minutes; the running state moves on where it changed."""
    if new.empty:
        return new
    base = old.set_index("ride_id").loc[new["ride_id"]].reset_index()
    out = new.copy()
    add = [*ADDITIVE, "wait_count", "wait_sum"]
    out[add] = new[add].fillna(0).to_numpy() + base[add].fillna(0).to_numpy()
    out["wait_max"] = pd.concat([new["wait_max"], base["wait_max"]], axis=1).max(axis=1)
    longest = pd.concat([new["longest_outage_minutes"], base["longest_outage_minutes"]], axis=1)
    out["longest_outage_minutes"] = longest.max(axis=1)
    out["first_open_at"] = pd.concat([new["first_open_at"], base["first_open_at"]], axis=1).min(
        axis=1
    )
    out["last_counted"] = new["last_counted"].where(
        new["last_counted"].notna(), base["last_counted"].to_numpy()
    )
    moved = new["outage_start"].notna().to_numpy()  # an outage went on or began
    for column in ("outage_start", "outage_minutes"):
        out[column] = np.where(moved, new[column].to_numpy(), base[column].to_numpy())
    for column in ("active", "counted", "tier", "tier_source", "weight"):
        out[column] = base[column].to_numpy()
    return out


def existing_park_days(conn: Connection, new: pd.DataFrame) -> pd.DataFrame:
    d = schema.park_daily.c
    query = select(schema.park_daily).where(
        d.park_id.in_(new["park_id"].tolist()), d.day.in_(sorted(set(new["day"])))
    )
    columns = [c.name for c in schema.park_daily.columns]
    old = pd.DataFrame(conn.execute(query).mappings().all(), columns=columns)
    for column in ("span_start", "span_end", "processed_through", "computed_at"):
        old[column] = times(old[column])
    return (
        old.set_index(["park_id", "day"])
        .loc[list(zip(new["park_id"], new["day"], strict=True))]
        .reset_index()
    )


def add_park_days(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    out = new.copy()
    add = [*ADDITIVE, "park_open_minutes", "wait_count", "wait_sum"]
    out[add] = new[add].fillna(0).to_numpy() + old[add].fillna(0).to_numpy()
    for column, how in (
        ("wait_max", "max"),
        ("longest_outage_minutes", "max"),
        ("span_start", "min"),
        ("span_end", "max"),
        ("processed_through", "max"),
    ):
        both = pd.concat(
            [new[column].reset_index(drop=True), old[column].reset_index(drop=True)], axis=1
        )
        out[column] = getattr(both, how)(axis=1).to_numpy()
    out["raw_purged"] = False
    out["computed_at"] = to_db(utcnow())
    return out
