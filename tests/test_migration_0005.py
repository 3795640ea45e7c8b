"""Migration 0005: park coordinates are stored as sent, in double precision, on both databases
(MariaDB's FLOAT rounded 29.036283 to 29.0363); down then up again keeps the rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from collector.cycle import collect
from hallofshame import db, schema
from tests import feeds
from tests.test_collect import serve, server

__all__ = ["server"]  # test_collect's fixture, which these tests take too

AT = datetime(2026, 7, 4, 8, 0)
NOW = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
EXACT = (29.036283, -81.4612347912)


def coordinates(engine) -> list[tuple[float, float]]:
    p = schema.parks.c
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(p.latitude, p.longitude).order_by(p.id))]


def test_coordinates_are_stored_exactly_as_sent(engine, settings, server):
    document = feeds.parks_document()
    for group in document:
        for park in group["parks"]:
            park["latitude"], park["longitude"] = (str(value) for value in EXACT)
    server.expect_request("/parks.json").respond_with_json(document)
    for park_id in (10, 20, 30):
        serve(server, park_id, feeds.queue_times([]))
    qt = settings.with_overrides(queue_times_url=server.url_for("").rstrip("/"))
    assert collect(engine, qt, now=NOW).parks_ok == 3
    assert coordinates(engine) == [EXACT] * 3


def test_0005_widens_the_coordinates_and_keeps_the_rows(engine):
    try:
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0004")
            conn.execute(text("INSERT INTO operator_groups (id, name) VALUES (1, 'G')"))
            conn.execute(
                text(
                    "INSERT INTO parks (id, group_id, name, timezone, first_seen_at, listed_at, "
                    "latitude, longitude) VALUES (30, 1, 'P', 'Europe/Paris', :at, :at, 48.5, 2.25)"
                ),
                {"at": AT},
            )
    finally:
        db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert coordinates(engine) == [(48.5, 2.25)]  # exact in single precision too
    with engine.begin() as conn:
        conn.execute(schema.parks.update().values(latitude=EXACT[0], longitude=EXACT[1]))
    assert coordinates(engine) == [EXACT]
