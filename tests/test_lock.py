"""One job lock per database: no two writing jobs at once, from cron or by hand, on both
databases. The race it closes: two `aggregate` runs that both plan the same new cycles and both
add them to today."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from aggregator import aggregate
from hallofshame import db, schema
from hallofshame.lock import FileLockBusy, LockBusy, file_lock, job_lock
from simulator import SimConfig, Simulator
from tests.scenario import rows
from tests.test_cli import NOW, run_on

TEN_LOCAL = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)  # 10:00 in Paris (park 30)
DAY = date(2026, 7, 4)
PAUSE_S = 1.0  # how long the first run waits, planned, for the second to plan too


@pytest.fixture(scope="module")
def simulator():
    with Simulator(SimConfig(seed=7, parks=6, rides=150), now=NOW, speed=0) as sim:
        yield sim


def hold(engine, seconds: float, job: str = "holder") -> threading.Thread:
    """Take the lock in a thread, keep it `seconds`, release; returns once it is held."""
    held = threading.Event()

    def body() -> None:
        with job_lock(engine, job, wait_s=5):
            held.set()
            time.sleep(seconds)

    thread = threading.Thread(target=body)
    thread.start()
    assert held.wait(5), "the holder never got the lock"
    return thread


def test_a_second_job_waits_its_bound_then_gives_up(engine):
    holder = hold(engine, 1.5)
    started = time.monotonic()
    busy = r"holds the job lock on this database; second waited 0.3"
    with pytest.raises(LockBusy, match=busy), job_lock(engine, "second", wait_s=0.3):
        raise AssertionError("the second job ran while the first held the lock")
    assert 0.3 <= time.monotonic() - started < 1.4
    holder.join()
    with job_lock(engine, "third", wait_s=0):  # free again once the holder is done
        pass


def test_a_second_job_runs_when_the_first_ends_within_its_wait(engine):
    holder = hold(engine, 0.5)
    started = time.monotonic()
    with job_lock(engine, "second", wait_s=10):
        waited = time.monotonic() - started
    holder.join()
    assert 0.3 <= waited < 5


def test_the_lock_is_released_when_the_job_fails(engine):
    with pytest.raises(RuntimeError), job_lock(engine, "failing", wait_s=0):
        raise RuntimeError("the job's own error")
    with job_lock(engine, "next", wait_s=0):
        pass


def test_the_sqlite_lock_file_names_its_holder(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path}/x.sqlite3")
    holder = hold(engine, 1.0, job="aggregate --redo-day")
    holder_line = r"^aggregate --redo-day \(pid \d+, since 20\d\d-"
    with pytest.raises(LockBusy, match=holder_line), job_lock(engine, "collect", wait_s=0):
        pass
    holder.join()
    assert (tmp_path / "x.sqlite3.lock").exists()


def run_twice_at_once(engine, settings, now: datetime, locked: bool) -> None:
    """Two aggregate runs whose plans overlap: the first pauses after planning until the second
    has planned too, and the second then pauses until the first has written (so that on MariaDB
    its reads see the first one's rows). With the lock the second cannot plan before the first
    is done, and the first's pause simply runs out."""
    first_planned, second_planned, first_done = (threading.Event() for _ in range(3))
    errors: list[BaseException] = []

    def pause_first() -> None:
        first_planned.set()
        second_planned.wait(PAUSE_S)

    def pause_second() -> None:
        second_planned.set()
        first_done.wait(10)

    def job(hook: Callable[[], None], done: threading.Event) -> None:
        try:
            with job_lock(engine, "aggregate", wait_s=30) if locked else nullcontext():
                aggregate(engine, settings, now=now, on_planned=hook)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)
        finally:
            done.set()

    first = threading.Thread(target=job, args=(pause_first, first_done))
    first.start()
    assert first_planned.wait(10)
    second = threading.Thread(target=job, args=(pause_second, threading.Event()))
    second.start()
    first.join()
    second.join()
    if errors:
        raise errors[0]


AGGREGATES = (
    schema.ride_daily,
    schema.park_daily,
    schema.ride_hourly,
    schema.park_hourly,
    schema.outage_events,
)


def aggregates(engine) -> dict[str, list[dict]]:
    """Every aggregate row, but for when it was computed."""
    found = {table.name: rows(engine, table) for table in AGGREGATES}
    return {
        name: [{k: v for k, v in row.items() if k != "computed_at"} for row in table]
        for name, table in found.items()
    }


def test_two_aggregate_runs_at_once_count_today_once(engine, scenario):
    """Today is aggregated after 10:00-11:00, then six more cycles arrive and two aggregate runs
    start at once: today must hold exactly what one run (or a whole recompute) gives. Without
    the lock the park's rows count the new cycles twice (on SQLite and MariaDB alike).

        ride 1: o o c c o o o | c c c o o o    ride 2: open throughout
    """
    settings = scenario.settings
    first = scenario.play(30, TEN_LOCAL, {1: "ooccooo", 2: "o" * 7})
    scenario.aggregate(first[-1] + timedelta(seconds=30))
    more = scenario.play(30, first[-1] + timedelta(minutes=10), {1: "ccc" + "ooo", 2: "o" * 6})
    now = more[-1] + timedelta(seconds=30)
    run_twice_at_once(engine, settings, now, locked=True)
    concurrent = aggregates(engine)
    aggregate(engine, settings, now=now, redo=[(30, DAY)])
    assert concurrent == aggregates(engine)
    # 10:00-12:00, the 12:00 cycle not settled yet (today is provisional): ride 1 open
    # 10:00-10:20, 10:40-11:10, 11:40-12:00 (70), down 50 in two outages; the park open 120
    # minutes, open 70 + 120, weights 2: 100 / 480
    park = concurrent["park_daily"][0]
    assert (park["park_open_minutes"], park["open_minutes"], park["down_minutes"]) == (120, 190, 50)
    assert (park["breakdowns"], park["weighted_down"], park["weighted_time"]) == (2, 100, 480)
    by_ride = {
        r["ride_id"]: (r["open_minutes"], r["down_minutes"]) for r in concurrent["ride_daily"]
    }
    assert by_ride == {1: (70, 50), 2: (120, 0)}
    with engine.connect() as conn:
        aggregated = conn.scalar(select(func.count()).select_from(schema.aggregated_cycles))
    assert aggregated == 13


@pytest.mark.parametrize(
    "args",
    [
        ("collect", "--now", "2026-07-04T18:20:00Z"),
        ("aggregate", "--now", "2026-07-04T18:20:30Z"),
        ("aggregate", "--redo-day", "2026-07-04"),
        ("cycle", "--now", "2026-07-04T18:20:00Z"),
        ("db", "upgrade"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_writing_command_takes_the_lock(database_url, engine, simulator, monkeypatch, args):
    """A command started while another job holds the lock waits JOB_LOCK_WAIT_S, then exits 1
    with one line, having fetched and written nothing."""
    monkeypatch.setenv("JOB_LOCK_WAIT_S", "0.2")
    before = simulator.requests_served
    holder = hold(engine, 3.0)
    result = run_on(database_url, simulator, *args)
    holder.join()
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"hallofshame: {args[0]}")
    assert "holds the job lock on this database" in line and "waited 0.2 s" in line
    assert simulator.requests_served == before
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.collection_cycles)) == 0
        assert conn.scalar(select(func.count()).select_from(schema.aggregated_cycles)) == 0


def test_publish_takes_the_lock(database_url, engine, simulator, monkeypatch, tmp_path):
    """A publish started while another job writes the numbers waits, then exits 1 with one
    line, having published nothing."""
    monkeypatch.setenv("JOB_LOCK_WAIT_S", "0.2")
    docroot = tmp_path / "docroot"
    holder = hold(engine, 3.0)
    result = run_on(database_url, simulator, "--docroot", str(docroot), "publish")
    holder.join()
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("hallofshame: publish not started")
    assert "holds the job lock on this database" in line
    assert not (docroot / "current").exists()


def test_a_command_waits_for_a_short_job(database_url, engine, simulator, monkeypatch):
    monkeypatch.setenv("JOB_LOCK_WAIT_S", "20")
    holder = hold(engine, 1.0)
    result = run_on(database_url, simulator, "collect", "--now", "2026-07-04T18:30:00Z")
    holder.join()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("cycle 2026-07-04T18:30:00Z: 6 parks ok")


@pytest.mark.parametrize(
    "args",
    [
        ("collect", "--now", "2026-07-04T18:20:00Z"),
        ("aggregate", "--now", "2026-07-04T18:20:30Z"),
        ("cycle", "--now", "2026-07-04T18:20:00Z"),
        ("db", "upgrade"),
        ("publish",),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_full_disk_under_the_lock_file_is_one_line(sqlite_template, simulator, tmp_path, args):
    """SQLite only (MariaDB's lock is GET_LOCK, no file): the lock file on a full device
    (/dev/full answers every write with ENOSPC) stops the job before it starts, with one line
    and exit status 1, not three chained tracebacks; the database is left as it was."""
    path = tmp_path / "full.sqlite3"
    shutil.copy(sqlite_template, path)
    (tmp_path / "full.sqlite3.lock").symlink_to("/dev/full")
    before = simulator.requests_served
    docroot = tmp_path / "docroot"
    result = run_on(f"sqlite:///{path}", simulator, "--docroot", str(docroot), *args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"hallofshame: {args[0]}{' upgrade' if args[0] == 'db' else ''} not started: cannot "
        f"write the job lock file {tmp_path / 'full.sqlite3.lock'}: No space left on device"
    )
    assert simulator.requests_served == before
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.collection_cycles)) == 0
    engine.dispose()
    assert not docroot.exists()


# The one flock helper (`file_lock`) every file lock of the project takes: the SQLite job lock,
# the runner's per-job locks, the incidents file and the docroot's publish lock.


def test_file_lock_tries_once_or_waits_its_bound_and_names_the_holder(tmp_path):
    path = tmp_path / "locks" / "x.lock"
    with file_lock(path, wait_s=0, holder="first (pid 1)\n"):
        assert path.read_text() == "first (pid 1)\n"
        with pytest.raises(FileLockBusy) as busy, file_lock(path, wait_s=0):
            raise AssertionError("a second holder got the lock")
        assert busy.value.holder == "first (pid 1)"
        started = time.monotonic()
        with pytest.raises(FileLockBusy), file_lock(path, wait_s=0.3):
            raise AssertionError("a second holder got the lock")
        assert 0.3 <= time.monotonic() - started < 1.0
    assert path.read_text() == ""  # the holder line goes with the holder
    with file_lock(path, wait_s=0):
        pass


def test_file_lock_without_a_bound_waits_for_the_holder(tmp_path):
    path = tmp_path / "x.lock"
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with file_lock(path, wait_s=0):
            held.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(5)
    with file_lock(path, wait_s=None):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_file_lock_refusals_are_the_callers_own_and_body_errors_pass_untouched(tmp_path):
    full = tmp_path / "full.lock"
    full.symlink_to("/dev/full")
    refuse = lambda exc: LockBusy(exc.strerror)  # noqa: E731
    with (
        pytest.raises(LockBusy, match="No space left on device"),
        file_lock(full, holder="me\n", unwritable=refuse),
    ):
        raise AssertionError("the body ran without its holder line")
    path = tmp_path / "x.lock"
    with pytest.raises(FileNotFoundError), file_lock(path, unwritable=lambda exc: LockBusy("no")):
        (tmp_path / "missing").read_text()  # an OSError of the body is not the lock's
    with file_lock(path, wait_s=0):  # and the lock was released
        pass


def test_a_dead_holder_leaves_no_stale_lock(tmp_path):
    """The kernel frees a flock when its process dies, even by SIGKILL: no stale lock files."""
    path = tmp_path / "x.lock"
    code = (
        "import sys, time; from pathlib import Path; from hallofshame.lock import file_lock\n"
        f"with file_lock(Path({str(path)!r}), holder='killed\\n'):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    with pytest.raises(FileLockBusy, match="killed"), file_lock(path, wait_s=0):
        pass
    child.kill()
    child.wait()
    with file_lock(path, wait_s=1):  # the dead holder's line may stay; the lock does not
        pass
