"""The aggregator's writes: "replace these park-days" for rollups, upserts for live status.

Set-based: a few statements per table and day group, bulk INSERTs.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, delete, select, tuple_, update

from aggregator.compute import Result
from aggregator.load import ParkDay, by_day
from hallofshame import metrics, schema
from hallofshame.db import upsert

CHUNK = 5000
IGNORED = {"computed_at"}  # bookkeeping, not content: a re-run that changes nothing keeps it


def column_values(series: pd.Series, kind: type) -> list[Any]:
    """A column as plain Python values the drivers take: NaN/NaT as NULL, no numpy scalars."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if v is pd.NaT else v.to_pydatetime() for v in series.tolist()]
    values = series.tolist()
    if kind is int or kind is bool:
        return [None if v is None or v != v else kind(v) for v in values]
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def records(df: pd.DataFrame, table: Table, **constant: Any) -> list[dict[str, Any]]:
    """Rows for `table` from a frame (its columns by name) plus constant columns."""
    names = [c.name for c in table.columns if c.name not in constant]
    kinds = {c.name: c.type.python_type for c in table.columns}
    columns = [column_values(df[name], kinds[name]) for name in names]
    return [
        {**dict(zip(names, values, strict=True)), **constant}
        for values in zip(*columns, strict=True)
    ]


def replace_days(
    conn: Connection, items: list[ParkDay], result: Result, computed_at: datetime
) -> int:
    """The park-days' rows, replaced whole: re-running a day gives the same rows. Rows equal
    to those already stored are left in place (a finished day mostly is what today was), so
    only what changed is written. Returns rows written."""
    parks = records(result.park_daily, schema.park_daily, raw_purged=False, computed_at=computed_at)
    new = {
        schema.ride_hourly: records(result.ride_hourly, schema.ride_hourly),
        schema.park_hourly: records(result.park_hourly, schema.park_hourly),
        schema.ride_daily: records(result.ride_daily, schema.ride_daily),
        schema.park_daily: parks,
        schema.outage_events: records(result.events, schema.outage_events),
        schema.ride_daily_waits: records(result.ride_waits, schema.ride_daily_waits),
    }
    return sum(sync_days(conn, table, items, rows) for table, rows in new.items())


def sync_days(
    conn: Connection, table: Table, items: list[ParkDay], rows: list[dict[str, Any]]
) -> int:
    """Make the table's rows of these park-days equal `rows`: delete what is gone or changed,
    write what is new or changed."""
    keys = [c.name for c in table.primary_key.columns]
    compared = [c.name for c in table.columns if c.name not in IGNORED]
    at = [compared.index(k) for k in keys]
    stored = {}
    for day, group in by_day(items).items():
        where = (table.c.park_id.in_([i.park_id for i in group]), table.c.day == day)
        for row in conn.execute(select(*[table.c[n] for n in compared]).where(*where)):
            stored[tuple(row[i] for i in at)] = tuple(row)
    wanted = {tuple(r[k] for k in keys): r for r in rows}
    changed = {
        key: r for key, r in wanted.items() if stored.get(key) != tuple(r[n] for n in compared)
    }
    delete_keys(conn, table, keys, [key for key in stored if key not in wanted])
    upsert_all(conn, table, list(changed.values()))
    return len(changed)


def delete_keys(conn: Connection, table: Table, keys: list[str], values: list[tuple]) -> None:
    columns = tuple_(*[table.c[k] for k in keys])
    for start in range(0, len(values), CHUNK):
        conn.execute(delete(table).where(columns.in_(values[start : start + CHUNK])))


def replace_rows(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Write these rows whole, over any row with the same key (the after-cycle merge)."""
    upsert_all(conn, table, records(frame, table) if not frame.empty else [])


def upsert_all(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    keys = {c.name for c in table.primary_key.columns}
    columns = [c.name for c in table.columns if c.name not in keys]
    for start in range(0, len(rows), CHUNK):
        upsert(conn, table, rows[start : start + CHUNK], update=columns)


def save_live(conn: Connection, live: pd.DataFrame, parks: pd.DataFrame) -> None:
    """Each park's status at its latest cycle, and every ride's (upserts on the key)."""
    if live.empty:
        return
    status = live_status(live)
    ride_rows = pd.DataFrame(
        {
            "ride_id": live["ride_id"],
            "park_id": live["park_id"],
            "cycle_at": live["cycle_at"],
            "status": status,
            "wait_time": live["wait_time"],
        }
    )
    upsert(
        conn,
        schema.ride_live,
        records(ride_rows, schema.ride_live),
        update=["park_id", "cycle_at", "status", "wait_time"],
    )
    park_rows = park_live(live, parks)
    upsert(
        conn,
        schema.park_live,
        records(park_rows, schema.park_live),
        update=[c.name for c in schema.park_live.columns if c.name != "park_id"],
    )


def live_status(live: pd.DataFrame) -> pd.Series:
    """open / down / closed / unknown (stale) of each ride at its park's latest cycle."""
    state = live["state"].astype(str)
    status = state.where(state != metrics.STALE, metrics.UNKNOWN)
    return status.where(live["cls"] != metrics.COUNTED_DOWN, metrics.DOWN)


def park_live(live: pd.DataFrame, parks: pd.DataFrame) -> pd.DataFrame:
    """Rides counted, open and down now; the live score's numerator and denominator."""
    standing = parks.set_index("park_id")
    counted = live[live["counted"]]
    down = counted["cls"] == metrics.COUNTED_DOWN
    grouped = live.groupby("park_id").agg(
        cycle_at=("cycle_at", "max"), is_open=("park_open", "max")
    )
    grouped["rides_open"] = (
        (counted["cls"] == metrics.COUNTED_OPEN).groupby(counted["park_id"]).sum()
    )
    grouped["rides_down"] = down.groupby(counted["park_id"]).sum()
    grouped["weighted_down"] = (counted["weight"] * down).groupby(counted["park_id"]).sum()
    grouped["weighted_counted"] = standing["weighted_counted"]
    grouped["rides_counted"] = standing["rides_counted"]
    return grouped.fillna(0).reset_index()


def mark_cycles(conn: Connection, cycles: list[datetime], at: datetime) -> None:
    upsert(
        conn,
        schema.aggregated_cycles,
        [{"cycle_at": c, "aggregated_at": at} for c in cycles],
        update=["aggregated_at"],
    )


def save_standing(conn: Connection, rides: pd.DataFrame) -> None:
    """The rides' current tier, its source and active flag, where they changed."""
    r = schema.rides.c
    ids = rides["ride_id"].tolist()
    current = {}
    for start in range(0, len(ids), CHUNK):
        query = select(r.id, r.tier, r.tier_source, r.active).where(
            r.id.in_(ids[start : start + CHUNK])
        )
        current.update({row.id: tuple(row)[1:] for row in conn.execute(query)})
    changed = [
        {"ride": int(ride), "tier": int(tier), "source": source, "active": bool(active)}
        for ride, tier, source, active in zip(
            rides["ride_id"], rides["tier"], rides["tier_source"], rides["active"], strict=True
        )
        if current.get(int(ride)) != (int(tier), source, bool(active))
    ]
    if changed:
        statement = (
            update(schema.rides)
            .where(r.id == bindparam("ride"))
            .values(
                tier=bindparam("tier"), tier_source=bindparam("source"), active=bindparam("active")
            )
        )
        conn.execute(statement, changed)
