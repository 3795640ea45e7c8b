"""The API on a real MariaDB replica (API_DATABASE_URL) while the jobs write the primary
(DATABASE_URL): the same numbers as from the primary, and /api/health says how far behind the
replica is, answering 503 past API_MAX_REPLICA_LAG_S or when it stopped replicating."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from hallofshame import db
from hallofshame.settings import Settings, load_settings
from tests.mariadb_pair import Pair, available, replicated_pair
from tests.seeding import World, seed
from web import create_app

pytestmark = pytest.mark.mariadb

WORLD = World()
NOW = WORLD.end + timedelta(minutes=5)
DATABASE = "hallofshame"
LOOKUPS = [
    "/api/v1/parks/100/stats?from=2026-06-25&to=2026-07-03",
    "/api/v1/parks/101/stats?from=2026-07-01&to=2026-07-04",
    "/api/v1/rides/1000/stats?from=2026-06-28&to=2026-07-04",
    "/api/v1/rides/1001/timeline?date=2026-07-03",
]


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    why = available()
    if why:
        pytest.skip(f"no MariaDB replica: {why}")
    with replicated_pair() as started:
        yield started


@pytest.fixture(scope="module")
def settings(pair: Pair, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seeded world written to the primary only, and replicated."""
    server = create_engine(pair.primary())
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4"))
    server.dispose()
    engine = db.make_engine(pair.primary(DATABASE))
    db.upgrade(engine)
    seed(engine, WORLD)
    engine.dispose()
    pair.wait_caught_up()
    values = {
        "database_url": pair.primary(DATABASE),
        "api_database_url": pair.replica(DATABASE),
        "docroot": str(tmp_path_factory.mktemp("docroot")),
    }
    return load_settings(values, env_file=None, environ={})


def client(settings: Settings):
    return create_app(settings, clock=lambda: NOW).test_client()


def on_primary(pair: Pair, *statements: str) -> None:
    engine = create_engine(pair.primary(DATABASE))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_the_api_answers_the_same_numbers_through_the_replica(settings):
    replica, primary = client(settings), client(settings.with_overrides(api_database_url=""))
    for path in LOOKUPS:
        ours, theirs = replica.get(path), primary.get(path)
        assert ours.status_code == theirs.status_code == 200, path
        assert ours.json == theirs.json, path
        assert ours.headers["ETag"] == theirs.headers["ETag"], path
    assert replica.get(LOOKUPS[0]).json["park_id"] == 100


def test_health_reports_the_replicas_lag(settings):
    response = client(settings).get("/api/health")
    assert response.status_code == 200, response.json
    assert response.json["replica_lag_s"] == 0 and response.json["problems"] == []
    primary = client(settings.with_overrides(api_database_url="")).get("/api/health")
    assert primary.status_code == 200 and primary.json["replica_lag_s"] is None


def test_the_api_reads_the_replica_and_a_stopped_replica_is_503(pair, settings):
    """A park written to the primary while replication is stopped is not there for the API
    until the replica catches up; meanwhile health is 503 and says why."""
    path = "/api/v1/parks/999/stats?from=2026-07-01&to=2026-07-02"
    replica_db = create_engine(pair.replica())
    with replica_db.connect() as conn:
        conn.execute(text("STOP SLAVE"))
    try:
        on_primary(
            pair,
            "INSERT INTO parks (id, name, timezone, first_seen_at, listed_at) "
            "VALUES (999, 'Late Park', 'Europe/Paris', NOW(), NOW())",
        )
        api = client(settings)
        assert api.get(path).status_code == 404
        assert client(settings.with_overrides(api_database_url="")).get(path).status_code == 200
        health = api.get("/api/health")
        assert health.status_code == 503 and health.json["replica_lag_s"] is None
        assert health.json["problems"] == ["replica not replicating (IO thread No, SQL thread No)"]
    finally:
        with replica_db.connect() as conn:
            conn.execute(text("START SLAVE"))
        replica_db.dispose()
    pair.wait_caught_up()
    api = client(settings)
    assert api.get(path).status_code == 200
    assert api.get("/api/health").status_code == 200


def test_a_replica_too_far_behind_is_503(pair, settings):
    """An hour-old change the replica cannot apply yet (a reader holds the row) puts it an hour
    behind: past API_MAX_REPLICA_LAG_S (120 s) health is 503, with the lag."""
    replica_db = create_engine(pair.replica(DATABASE))
    holder = replica_db.connect()
    holder.execute(text("SELECT name FROM parks WHERE id = 100 FOR UPDATE"))
    try:
        on_primary(
            pair,
            "SET TIMESTAMP = UNIX_TIMESTAMP() - 3600",
            "UPDATE parks SET name = 'Renamed Park' WHERE id = 100",
        )
        health = wait_for_lag(client(settings), 3000)
        assert health.status_code == 503
        lag = health.json["replica_lag_s"]
        assert 3000 < lag < 3700
        assert health.json["problems"] == [f"replica {lag} s behind the primary (at most 120)"]
    finally:
        holder.rollback()
        holder.close()
        replica_db.dispose()
    pair.wait_caught_up()
    health = client(settings).get("/api/health")
    assert health.status_code == 200 and health.json["replica_lag_s"] == 0


def wait_for_lag(api, at_least_s: int):
    for _ in range(100):
        health = api.get("/api/health")
        if (health.json["replica_lag_s"] or 0) > at_least_s:
            return health
        time.sleep(0.1)
    raise AssertionError(f"the replica never fell {at_least_s} s behind: {health.json}")


def test_a_bad_timeout_names_the_setting_the_url_came_from(tmp_path):
    bad = f"sqlite:///{tmp_path}/x.sqlite3?timeout=soon"
    for name, values in (
        ("API_DATABASE_URL", {"API_DATABASE_URL": bad}),
        ("DATABASE_URL", {"DATABASE_URL": bad}),
    ):
        with pytest.raises(db.DatabaseError, match=rf"\?timeout=soon in {name} is not seconds"):
            create_app(load_settings(env_file=None, environ=values))
