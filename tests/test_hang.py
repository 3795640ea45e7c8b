"""Nothing hangs: CYCLE_DEADLINE_S is a promise, kept against a server that trickles.

A server sending one byte a second never trips a socket's read timeout, so these tests use a
real one (tests/trickle.py) and measure wall time, in process and as `hallofshame collect`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.cycle import CollectError, collect
from hallofshame import db, schema
from tests import feeds
from tests.test_collect import NOW, count, rows
from tests.trickle import BODY, HEADERS, TrickleServer

HALLOFSHAME = Path(sys.executable).parent / "hallofshame"
DEADLINE = 3.0
RIDES = [feeds.ride(n, f"Ride {n}", True, 5, NOW) for n in range(1, 80)]  # ~6 kB: hours to trickle


@pytest.fixture
def sick():
    """Parks 10 and 30 answer at once; park 20 and parks.json as each test says."""
    server = TrickleServer()
    server.route("/parks.json", feeds.parks_document())
    server.route("/parks/10/queue_times.json", feeds.queue_times([RIDES[0]]))
    server.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:]))
    server.route("/parks/30/queue_times.json", feeds.queue_times([]))
    yield server
    server.close()


@pytest.fixture
def patient(settings, sick):
    """Settings whose per-read timeout never trips on a trickle: only the deadline can."""
    return settings.with_overrides(
        queue_times_url=sick.url, read_timeout_s=30.0, cycle_deadline_s=DEADLINE
    )


def failure_kinds(engine):
    f = schema.fetch_failures.c
    return set(rows(engine, select(f.park_id, f.kind)))


def timed(func, *args, **kwargs):
    started = time.monotonic()
    result = func(*args, **kwargs)
    return result, time.monotonic() - started


@pytest.mark.parametrize("slow", [BODY, HEADERS])
def test_a_trickling_park_is_cut_at_the_deadline(engine, patient, sick, slow):
    sick.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:]), slow=slow)
    summary, wall = timed(collect, engine, patient, now=NOW)
    assert wall < DEADLINE + 1.5
    assert (summary.parks_ok, summary.parks_failed) == (2, 1)
    assert failure_kinds(engine) == {(20, "deadline")}
    assert count(engine, schema.ride_snapshots) == 1
    assert fetch_threads_end()  # cut at the deadline too, not left reading for hours


def fetch_threads_end(within: float = 2.0) -> bool:
    until = time.monotonic() + within
    while any(t.name == "fetch" for t in threading.enumerate()):
        if time.monotonic() > until:
            return False
        time.sleep(0.05)
    return True


def test_a_trickling_park_list_is_cut_and_the_known_list_kept(engine, patient, sick):
    collect(engine, patient, now=NOW)
    sick.route("/parks.json", feeds.parks_document(), slow=BODY)
    sick.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:3]))
    later = NOW + timedelta(hours=25)  # the list is due: its refresh trickles
    summary, wall = timed(collect, engine, patient, now=later)
    assert wall < DEADLINE + 1.5
    assert not summary.parks_refreshed
    assert (summary.parks_ok, summary.parks_failed) == (3, 0)  # half the time was theirs
    assert (None, "deadline") in failure_kinds(engine)


def test_a_trickling_first_park_list_is_one_error_within_the_deadline(engine, patient, sick):
    sick.route("/parks.json", feeds.parks_document(), slow=HEADERS)
    started = time.monotonic()
    with pytest.raises(CollectError, match="cannot read the park list: deadline"):
        collect(engine, patient, now=NOW)
    assert time.monotonic() - started < DEADLINE + 1.5


@pytest.mark.parametrize("slow", [BODY, HEADERS])
def test_each_try_has_a_total_time_not_only_the_cycle(engine, settings, sick, slow):
    """READ_TIMEOUT_S bounds a whole response: a trickle fails its tries long before the
    deadline (and is retried), instead of holding a worker for the whole cycle."""
    sick.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:]), slow=slow)
    quick = settings.with_overrides(
        queue_times_url=sick.url,
        connect_timeout_s=0.5,
        read_timeout_s=1.5,  # never trips on a byte a second: only the total time can
        retry_attempts=2,
        cycle_deadline_s=60.0,
    )
    summary, wall = timed(collect, engine, quick, now=NOW)
    assert wall < 20  # two tries of 2 s, and the cycle's own work; the deadline is 60 s
    assert fetch_threads_end()
    assert failure_kinds(engine) == {(20, "timeout")}
    assert summary.parks_ok == 2


@pytest.mark.parametrize("length", [True, False], ids=["declared", "streamed"])
def test_a_body_over_max_body_bytes_is_that_parks_failure(engine, patient, sick, length):
    sick.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:]), length=length)
    summary = collect(engine, patient.with_overrides(max_body_bytes=2000), now=NOW)
    assert (summary.parks_ok, summary.parks_failed) == (2, 1)
    f = schema.fetch_failures.c
    ((kind, detail),) = rows(engine, select(f.kind, f.detail))
    assert kind == "too_large" and "MAX_BODY_BYTES (2000 bytes)" in detail


def test_collect_exits_when_its_cycle_is_written(database_url, sick):
    """The process itself: no fetch thread may keep it alive after the cycle is written (a
    ThreadPoolExecutor's worker did, so cron's lock stayed held and the next cycle failed)."""
    sick.route("/parks/20/queue_times.json", feeds.queue_times(RIDES[1:]), slow=BODY)
    command = [
        str(HALLOFSHAME), "--env-file", "/nonexistent", "--database-url", database_url,
        "--queue-times-url", sick.url, "collect", "--now", "2026-07-04T15:00:00Z", "--json",
    ]  # fmt: skip
    env = {**os.environ, "CYCLE_DEADLINE_S": str(DEADLINE), "READ_TIMEOUT_S": "30"}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        summary = json.loads(process.stdout.readline())  # printed once the cycle is written
        printed = time.monotonic()
        try:
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()
    # Exits like any run (an interpreter's teardown takes ~1 s here, more on a busy machine),
    # not when the trickle ends, which is hours away.
    assert time.monotonic() - printed < 10
    assert (summary["parks_ok"], summary["parks_failed"]) == (2, 1)
    assert summary["duration_s"] < DEADLINE + 1.5


class SilentHost:
    """A TCP port that accepts connections and never says a word; notes when it accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[tuple[socket.socket, float]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with suppress(OSError):  # closed at teardown
            while True:
                self.accepted.append((self.listener.accept()[0], time.monotonic()))

    def close(self) -> None:
        self.listener.close()
        for sock, _ in self.accepted:
            sock.close()


@pytest.fixture
def silent_host():
    host = SilentHost()
    yield host
    host.close()


def run_cli(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    command = [str(HALLOFSHAME), "--env-file", "/nonexistent", *args]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return result, time.monotonic() - started


@pytest.mark.parametrize("scheme", ["mysql+mysqldb", "mariadb+mysqldb"])
def test_a_database_host_that_never_answers_fails_in_seconds(silent_host, sick, scheme):
    url = f"{scheme}://root@127.0.0.1:{silent_host.port}/hallofshame"
    result, _ = run_cli("--database-url", url, "--queue-times-url", sick.url, "collect")
    ended = time.monotonic()
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("hallofshame: collect ") and "database unreachable: " in line
    assert "handshake" in line
    ((_, accepted),) = silent_host.accepted  # one try, then one line (Python's start aside)
    connect_timeout = db.MYSQL_TIMEOUTS_S["connect_timeout"]
    assert connect_timeout - 0.5 <= ended - accepted < connect_timeout + 4


def test_a_locked_sqlite_database_fails_after_its_busy_timeout(tmp_path, sick):
    path = tmp_path / "locked.sqlite3"
    db.upgrade(db.make_engine(f"sqlite:///{path}"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another job holds the write lock and never lets go
    try:
        url = f"sqlite:///{path}?timeout=1"
        result, wall = run_cli("--database-url", url, "--queue-times-url", sick.url, "collect")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "database is locked" in line and line.startswith("hallofshame: collect failed")
    assert wall < 15  # the URL's busy timeout, not the default 30 s
