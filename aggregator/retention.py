"""Retention: raw per-cycle rows go once their park-day is final and aggregated, and old enough.

Everything else (hourly and daily rows, outage events, cycles, failures) is kept for ever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select, update

from hallofshame import metrics, schema
from hallofshame.clock import as_utc, to_db, utcnow
from hallofshame.settings import Settings


def delete_raw(conn: Connection, now: datetime, settings: Settings) -> int:
    """Delete a park's ride and park snapshots older than RAW_RETENTION_HOURS and older than the
    end of its latest final day; mark the days they came from `raw_purged` (such a day can no
    longer be recomputed, so a later run leaves its rows alone). Returns rows deleted.

    The horizon is taken from `now` or the real clock, whichever is earlier: a run told a time
    ahead of the clock may mark today final, but it never deletes rows the rest of today still
    needs (they are recomputed whole when the day's later cycles arrive)."""
    horizon = min(as_utc(now), utcnow()) - timedelta(hours=settings.raw_retention_hours)
    deleted = 0
    for park_id, zone, bound in bounds(conn, horizon):
        for table in (schema.ride_snapshots, schema.park_snapshots):
            where = (table.c.park_id == park_id, table.c.cycle_at < to_db(bound))
            deleted += conn.execute(delete(table).where(*where)).rowcount
        last_day = metrics.local_day(bound - timedelta(microseconds=1), zone)
        d = schema.park_daily.c
        conn.execute(
            update(schema.park_daily)
            .where(d.park_id == park_id, d.day <= last_day, d.raw_purged.is_(False))
            .values(raw_purged=True)
        )
    return deleted


def bounds(conn: Connection, horizon: datetime) -> list[tuple[int, str, datetime]]:
    """(park, time zone, delete-before instant) for parks that have raw rows to delete."""
    d, p, s = schema.park_daily.c, schema.parks.c, schema.park_snapshots.c
    latest = select(d.park_id, func.max(d.day).label("day")).where(d.final.is_(True))
    latest = latest.group_by(d.park_id).subquery()
    finals = conn.execute(
        select(latest.c.park_id, latest.c.day, p.timezone).join(
            schema.parks, p.id == latest.c.park_id
        )
    ).all()
    oldest = dict(conn.execute(select(s.park_id, func.min(s.cycle_at)).group_by(s.park_id)).all())
    found = []
    for park_id, day, zone in finals:
        bound = min(metrics.day_bounds(day, zone)[1], horizon)
        if park_id in oldest and as_utc(oldest[park_id]) < bound:
            found.append((park_id, zone, bound))
    return found
