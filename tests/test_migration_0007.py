"""Migration 0007: the daily ride tables are keyed by day first (a period's read of every ride
is one range of the table), on both databases; down then up again keeps every row."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, select

from hallofshame import db, schema

DAYS = (date(2026, 7, 3), date(2026, 7, 4))


def daily_row(ride_id: int, day: date) -> dict:
    row = {c.name: None for c in schema.ride_daily.columns}
    row.update({c.name: 0 for c in schema.ride_daily.columns if not c.nullable})
    row.update(ride_id=ride_id, day=day, park_id=30, final=True, tier=2, open_minutes=600 + ride_id)
    return row


def wait_row(ride_id: int, day: date, wait: int) -> dict:
    return {"ride_id": ride_id, "day": day, "wait": wait, "park_id": 30, "cycles": 3}


def stored(engine) -> tuple[list[tuple], list[tuple]]:
    d, w = schema.ride_daily.c, schema.ride_daily_waits.c
    with engine.connect() as conn:
        daily = conn.execute(select(d.ride_id, d.day, d.open_minutes).order_by(d.ride_id, d.day))
        waits = conn.execute(select(w.ride_id, w.day, w.wait).order_by(w.ride_id, w.day, w.wait))
        return [tuple(r) for r in daily], [tuple(r) for r in waits]


def keys(engine) -> dict[str, list[str]]:
    found = inspect(engine)
    return {
        table: found.get_pk_constraint(table)["constrained_columns"]
        for table in ("ride_daily", "ride_daily_waits")
    }


def test_the_daily_ride_tables_are_keyed_by_day_first(engine):
    assert keys(engine) == {
        "ride_daily": ["day", "ride_id"],
        "ride_daily_waits": ["day", "ride_id", "wait"],
    }
    index = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("ride_daily")}
    assert index["ix_ride_daily_ride_day"] == ["ride_id", "day"]
    assert "ix_ride_daily_day" not in index  # the key's first column does its work


def test_0007_down_and_up_keeps_the_rows(engine):
    with engine.begin() as conn:
        conn.execute(schema.ride_daily.insert(), [daily_row(r, d) for r in (2, 1) for d in DAYS])
        conn.execute(
            schema.ride_daily_waits.insert(),
            [wait_row(r, d, w) for r in (2, 1) for d in DAYS for w in (5, 0)],
        )
    before = stored(engine)
    assert len(before[0]) == 4 and len(before[1]) == 8
    try:
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0006")
        assert keys(engine)["ride_daily"] == ["ride_id", "day"]
        assert stored(engine) == before
    finally:
        db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert keys(engine)["ride_daily_waits"] == ["day", "ride_id", "wait"]
    assert stored(engine) == before
