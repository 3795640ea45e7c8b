"""The aggregator's writes: "replace these park-days" for rollups, upserts for live status.

Set-based: one DELETE per table and day group, one bulk INSERT per table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, delete, insert, select, tuple_, update

from aggregator.compute import Result
from aggregator.load import ParkDay, by_day
from hallofshame import metrics, schema
from hallofshame.db import upsert

DAY_TABLES = (
    schema.ride_hourly,
    schema.park_hourly,
    schema.ride_daily,
    schema.park_daily,
    schema.outage_events,
)
CHUNK = 5000


def plain(value: Any) -> Any:
    """A value the database drivers take: no numpy scalars, NaN/NaT as NULL."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(df: pd.DataFrame, table: Table, **constant: Any) -> list[dict[str, Any]]:
    """Rows for `table` from a frame (its columns by name) plus constant columns."""
    names = [c.name for c in table.columns if c.name not in constant]
    columns = {name: [plain(v) for v in df[name].tolist()] for name in names}
    integer = {c.name for c in table.columns if c.type.python_type is int and c.name in names}
    for name in integer:
        columns[name] = [None if v is None else int(v) for v in columns[name]]
    boolean = {c.name for c in table.columns if c.type.python_type is bool and c.name in names}
    for name in boolean:
        columns[name] = [None if v is None else bool(v) for v in columns[name]]
    return [
        {**dict(zip(names, values, strict=True)), **constant}
        for values in zip(*columns.values(), strict=True)
    ]


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start : start + CHUNK])


def delete_days(conn: Connection, items: Iterable[ParkDay]) -> None:
    """Remove every rollup row of these park-days (they are about to be written again)."""
    for day, group in by_day(items).items():
        ids = [i.park_id for i in group]
        for table in DAY_TABLES:
            conn.execute(delete(table).where(table.c.park_id.in_(ids), table.c.day == day))


def replace_days(
    conn: Connection, items: list[ParkDay], result: Result, computed_at: datetime
) -> None:
    """The park-days' rows, replaced whole: re-running a day gives the same rows."""
    delete_days(conn, items)
    bulk_insert(conn, schema.ride_hourly, records(result.ride_hourly, schema.ride_hourly))
    bulk_insert(conn, schema.park_hourly, records(result.park_hourly, schema.park_hourly))
    bulk_insert(conn, schema.ride_daily, records(result.ride_daily, schema.ride_daily))
    parks = records(result.park_daily, schema.park_daily, raw_purged=False, computed_at=computed_at)
    bulk_insert(conn, schema.park_daily, parks)
    bulk_insert(conn, schema.outage_events, records(result.events, schema.outage_events))


def replace_rows(conn: Connection, table: Table, keys: list[str], frame: pd.DataFrame) -> None:
    """Delete the rows with these keys, insert the new ones (the after-cycle merge)."""
    if frame.empty:
        return
    rows = records(frame, table)
    columns = [table.c[k] for k in keys]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        conn.execute(
            delete(table).where(tuple_(*columns).in_([tuple(r[k] for k in keys) for r in chunk]))
        )
        conn.execute(insert(table), chunk)


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
    status = live["state"].where(live["state"] != metrics.STALE, "unknown")
    return status.where(live["cls"] != metrics.COUNTED_DOWN, "down")


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
