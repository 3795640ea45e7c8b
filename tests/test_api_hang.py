"""The API never hangs on its database: a host that accepts connections and never answers, a
server that stops answering mid-session, a SQLite file another process holds locked. Each is a
JSON 503 within seconds (web/db.py's timeouts), in process, under gunicorn and under `serve`,
well before gunicorn's worker timeout and Apache's ProxyTimeout (30 s)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hallofshame.settings import Settings, load_settings
from tests.local_servers import ROOT, free_port, get, gunicorn_command, running
from tests.tcp_proxy import TcpProxy
from tests.test_hang import HALLOFSHAME, SilentHost
from web import create_app
from web.db import API_SQLITE_BUSY_TIMEOUT_S, API_TIMEOUTS_S

CONNECT_S = API_TIMEOUTS_S["connect_timeout"]
STATS = "/api/v1/parks/1/stats?from=2026-07-04&to=2026-07-04"
SLACK_S = 2.5  # Python, the request itself, a busy machine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """No test database: each test names the one it breaks."""
    return load_settings({"docroot": str(tmp_path / "docroot")}, env_file=None, environ={})


@pytest.fixture
def silent_url() -> Iterator[str]:
    host = SilentHost()
    yield f"mysql+mysqldb://root@127.0.0.1:{host.port}/hallofshame"
    host.close()


def timed_get(client, path: str):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.json["error"] == {
        "status": 503,
        "message": "the database is not answering; try again shortly",
    }
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_host_that_never_answers_is_a_503_within_the_connect_timeout(settings, silent_url):
    client = create_app(settings.with_overrides(database_url=silent_url)).test_client()
    health, wall = timed_get(client, "/api/health")
    assert health.status_code == 503 and wall < CONNECT_S + SLACK_S
    assert health.json["database"].startswith("unreachable: ")
    assert "handshake" in health.json["database"]
    stats, wall = timed_get(client, STATS)
    assert_unavailable(stats)
    assert wall < CONNECT_S + SLACK_S


@pytest.mark.mariadb
def test_a_server_that_stops_answering_mid_session_is_a_503_within_seconds(settings, mariadb_url):
    url = make_url(mariadb_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 3306)
    try:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        client = create_app(settings.with_overrides(database_url=proxied)).test_client()
        assert client.get("/api/health").json["database"] == "ok"  # a pooled connection now
        proxy.freeze()
        health, wall = timed_get(client, "/api/health")  # the ping times out, then the connect
        assert health.status_code == 503 and health.json["database"].startswith("unreachable")
        assert wall < API_TIMEOUTS_S["read_timeout"] + CONNECT_S + SLACK_S
        stats, wall = timed_get(client, STATS)
        assert_unavailable(stats)
        assert wall < API_TIMEOUTS_S["read_timeout"] + CONNECT_S + SLACK_S
    finally:
        proxy.cut()


def test_a_locked_sqlite_file_is_a_503_after_the_api_busy_timeout(
    settings, sqlite_template, tmp_path
):
    path = tmp_path / "locked.sqlite3"
    shutil.copy(sqlite_template, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # another process took the file, WAL or not
    holder.execute("BEGIN EXCLUSIVE")
    try:
        client = create_app(settings.with_overrides(database_url=f"sqlite:///{path}")).test_client()
        health, wall = timed_get(client, "/api/health")
        assert health.status_code == 503 and "database is locked" in health.json["database"]
        assert API_SQLITE_BUSY_TIMEOUT_S <= wall < API_SQLITE_BUSY_TIMEOUT_S + SLACK_S
        stats, wall = timed_get(client, STATS)
        assert_unavailable(stats)
        assert wall < API_SQLITE_BUSY_TIMEOUT_S + SLACK_S
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def assert_served_unavailable(port: int) -> None:
    assert get(port, "/api/openapi.json", timeout=30).status == 200  # a worker is up
    started = time.monotonic()
    health = get(port, "/api/health", timeout=30)
    assert time.monotonic() - started < CONNECT_S + SLACK_S
    assert health.status == 503 and health.header("Content-Type") == "application/json"
    assert b'"database": "unreachable: ' in health.body or b'"database":"unreachable' in health.body
    stats = get(port, STATS, timeout=30)
    assert stats.status == 503 and stats.body.startswith(b'{"error"')


def test_gunicorn_answers_503_on_a_host_that_never_answers(silent_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": silent_url, "DOCROOT": str(tmp_path)}
    with running(gunicorn_command(port), port, "gunicorn", cwd=ROOT, env=env):
        assert_served_unavailable(port)


def test_serve_answers_503_on_a_host_that_never_answers(silent_url, tmp_path: Path):
    (tmp_path / "releases" / "r1").mkdir(parents=True)
    (tmp_path / "current").symlink_to("releases/r1")
    port = free_port()
    command = [str(HALLOFSHAME), "--env-file", "", "--database-url", silent_url]
    command += ["--docroot", str(tmp_path), "serve", "--port", str(port)]
    with running(command, port, "hallofshame serve"):
        assert_served_unavailable(port)
