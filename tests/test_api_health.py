"""Health: fresh data is 200; stale data or a dead database is 503, and the body says which."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from hallofshame import db, schema
from hallofshame.clock import to_db
from reader.health import check_health
from web import create_app

CYCLE = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)


def add_cycle(engine, at: datetime, parks_ok: int = 3, parks_failed: int = 0) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(schema.collection_cycles).values(
                cycle_at=to_db(at),
                started_at=to_db(at),
                finished_at=to_db(at + timedelta(seconds=20)),
                parks_ok=parks_ok,
                parks_failed=parks_failed,
                rides_seen=10,
                snapshots_written=10,
            )
        )
        conn.execute(
            insert(schema.aggregated_cycles).values(
                cycle_at=to_db(at), aggregated_at=to_db(at + timedelta(minutes=1))
            )
        )


def health(settings, now: datetime):
    return create_app(settings, clock=lambda: now).test_client().get("/api/health")


def publish(settings, generated_at: str) -> None:
    catalog = settings.docroot + "/current/data/v1/catalog.json"
    path = Path(catalog)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"generated_at": generated_at}), encoding="utf-8")


def test_fresh_data_is_healthy(engine, settings):
    add_cycle(engine, CYCLE)
    publish(settings, "2026-07-04T08:02:00Z")
    response = health(settings, CYCLE + timedelta(minutes=12))
    body = response.json
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"] == "ok" and body["last_cycle_age_s"] == 720
    assert body["last_cycle_at"] == "2026-07-04T08:00:00Z"
    assert body["last_aggregation_at"] == "2026-07-04T08:01:00Z"
    assert body["last_publish_at"] == "2026-07-04T08:02:00Z"
    assert body["problems"] == [] and body["warnings"] == []
    assert response.headers["Cache-Control"] == "no-store"


def test_no_successful_cycle_in_30_minutes_is_stale(engine, settings):
    add_cycle(engine, CYCLE)
    add_cycle(engine, CYCLE + timedelta(minutes=10), parks_ok=0, parks_failed=3)  # all failed
    response = health(settings, CYCLE + timedelta(minutes=31))
    assert response.status_code == 503
    assert response.json["problems"] == ["stale: last successful cycle 31 minutes ago"]
    assert "nothing published yet" in response.json["warnings"]


def test_an_empty_database_is_stale(engine, settings):
    response = health(settings, CYCLE)
    assert response.status_code == 503
    assert response.json["problems"] == ["stale: no successful collection cycle yet"]


def test_an_unreachable_database_is_503_and_says_so(settings, tmp_path):
    for url in (f"sqlite:///{tmp_path}/missing.sqlite3", "mysql+mysqldb://root@127.0.0.1:1/x"):
        response = health(settings.with_overrides(database_url=url), CYCLE)
        assert response.status_code == 503, url
        assert response.json["database"].startswith("unreachable: ")
        assert response.json["problems"][0].startswith("database unreachable")


def test_warnings_for_failing_parks_and_a_publish_behind(engine, settings):
    """The cron health check reads the same function: failing parks and a publish older than
    the last aggregation are warnings, not a 503."""
    add_cycle(engine, CYCLE, parks_ok=1, parks_failed=2)
    publish(settings, "2026-07-04T07:00:00Z")
    found = check_health(engine, settings, CYCLE + timedelta(minutes=5))
    assert found.ok
    assert found.warnings == [
        "2 of 3 parks failed",
        "the last publish is older than the last aggregation",
    ]


def test_the_app_reads_a_replica_only_when_told_another_database(settings):
    from reader.health import reads_replica

    assert not reads_replica(settings)
    assert not reads_replica(settings.with_overrides(api_database_url=settings.database_url))
    assert reads_replica(settings.with_overrides(api_database_url="mysql+mysqldb://r/hos"))


def test_a_sqlite_replica_has_no_lag_to_report(sqlite_template, settings, tmp_path):
    """Only MariaDB says how far behind it is (tests/test_api_replica.py); a SQLite copy is a
    warning, never a 503."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(sqlite_template, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    add_cycle(engine, CYCLE)
    found = check_health(engine, settings, CYCLE + timedelta(minutes=5), replica=True)
    engine.dispose()
    assert found.ok and found.replica_lag_s is None
    assert "replica lag unknown: API_DATABASE_URL is SQLite" in found.warnings
