"""Migration 0003 on a database with data: park rows keep everything but is_open, the new
table and column arrive empty, and down then up again works (on both databases)."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import inspect, select, text

from hallofshame import db, schema

AT = datetime(2026, 7, 4, 8, 0)


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_0003_keeps_park_rows_and_drops_only_is_open(engine):
    try:
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0002")
        assert "is_open" in columns(engine, "park_snapshots")
        assert "tier_source" not in columns(engine, "ride_daily")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO operator_groups (id, name) VALUES (1, 'G')"))
            conn.execute(
                text(
                    "INSERT INTO parks (id, group_id, name, timezone, first_seen_at, listed_at) "
                    "VALUES (30, 1, 'P', 'Europe/Paris', :at, :at)"
                ),
                {"at": AT},
            )
            conn.execute(
                text(
                    "INSERT INTO park_snapshots (park_id, cycle_at, rides_total, rides_active, "
                    "rides_open, is_open) VALUES (30, :at, 5, 4, 2, 1)"
                ),
                {"at": AT},
            )
    finally:
        db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        park = conn.execute(select(schema.park_snapshots)).mappings().one()
        waits = conn.execute(text("SELECT COUNT(*) FROM ride_daily_waits")).scalar()
    assert dict(park) == {
        "park_id": 30,
        "cycle_at": AT,
        "rides_total": 5,
        "rides_active": 4,
        "rides_open": 2,
    }
    assert waits == 0
    assert "tier_source" in columns(engine, "ride_daily")
