"""A ride's year of daily uptime codes (`publisher.data.ride_years`), read as one packed string
a ride, gives what reading its rows one by one gives: on SQLite and on MariaDB, with a ride
whose minutes do not fit the packing and with strings the database cut short."""

from __future__ import annotations

from array import array
from datetime import timedelta

from sqlalchemy import update

from hallofshame import metrics, schema
from publisher import data
from tests.seeding import World, seed

WORLD = World(days=40)


def test_a_ride_year_read_packed_is_the_year_read_row_by_row(engine) -> None:
    seed(engine, WORLD)
    first, last = WORLD.end.date() - timedelta(days=60), WORLD.end.date()
    with engine.connect() as conn:
        packed = data.ride_years(conn, first, last)
        rows = data._years_row_by_row(conn, first, last, list(packed))
    assert len(packed) == WORLD.rides
    assert packed == rows
    start, blob = packed[1001]
    codes = array("H", blob)
    d = schema.ride_daily.c
    with engine.connect() as conn:
        days = conn.execute(
            schema.ride_daily.select().where(d.ride_id == 1001, d.day >= first)
        ).mappings()
        expected = {
            row["day"]: metrics.uptime_pct(row["open_minutes"], row["down_minutes"]) for row in days
        }
    assert start == min(expected)
    for day, uptime in expected.items():
        assert data.UPTIMES[codes[(day - start).days]] == (
            None if uptime is None else data.fields.for_display("uptime_pct", uptime)
        )


def test_minutes_past_the_packing_or_a_string_cut_short_are_read_row_by_row(
    engine, monkeypatch
) -> None:
    seed(engine, WORLD)
    d = schema.ride_daily.c
    with engine.begin() as conn:  # no day has this many minutes; the year must still be right
        conn.execute(update(schema.ride_daily).where(d.ride_id == 1002).values(open_minutes=70000))
    first, last = WORLD.end.date() - timedelta(days=60), WORLD.end.date()
    with engine.connect() as conn:
        rows = data._years_row_by_row(conn, first, last, list(range(1000, 1000 + WORLD.rides)))
        assert data.ride_years(conn, first, last) == rows
        monkeypatch.setattr(data, "GROUP_CONCAT_MAX", 64)  # MariaDB cuts every string at 64
        assert data.ride_years(conn, first, last) == rows
