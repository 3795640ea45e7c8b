"""One lock for every job that writes, so no two of them ever run at once on one database.

cron's wrapper (`cron/job`) already keeps two runs of the *same* cron line apart with `flock`;
this lock also keeps apart different jobs (a cycle and a hand-run `aggregate --redo-day`, later a
publish) and jobs started by hand. Without it two `aggregate` runs both plan the same new cycles
and both add them, double-counting today.

The lock lives with the database, so every checkout and every host that writes to it sees it:
MariaDB: `GET_LOCK` on a connection of its own, held for the whole job (the server frees it if
the process dies); SQLite: `flock` on a file beside the database file (the kernel frees it).
A second job waits up to `wait_s` seconds for the first, then gives up with `LockBusy`.

`file_lock` is the project's one flock helper: the job runner's per-job locks, the incidents
file and the docroot's publish lock take it too. (`filelock` was weighed and not taken: its
lock is the same flock(2), but it refuses a lock file that is a symlink, falls back to a marker
file it unlinks where flock is missing, counts re-entries per thread, and is some 15,000 lines
for what forty do here.)
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from hallofshame.clock import iso, utcnow
from hallofshame.db import DatabaseError, one_line
from hallofshame.errors import StageError

log = logging.getLogger(__name__)

POLL_S = 0.1  # how often a waiting SQLite job tries the lock file again
MAX_NAME = 64  # MariaDB's limit on a GET_LOCK name


class LockBusy(StageError):
    """Another job held the lock for longer than this one would wait; nothing was done."""


class LockFileError(StageError):
    """The SQLite lock file cannot be made or written (a full disk, a read-only directory);
    nothing was done."""


@contextmanager
def job_lock(engine: Engine, job: str, wait_s: float) -> Iterator[None]:
    """Hold the database's job lock for the body; wait at most `wait_s` seconds for it.

    `job` names the holder in messages (`collect`, `aggregate`, `cycle`, `publish`...).
    Raises LockBusy when another job keeps it longer, DatabaseError when the database cannot be
    reached. Not reentrant: take it once per process, around the whole job.
    """
    backend = engine.dialect.name
    if backend == "sqlite":
        path = lock_file(engine)
        with _file_lock(path, job, wait_s) if path else _no_lock():
            yield
    elif backend in ("mysql", "mariadb"):
        with _server_lock(engine, job, wait_s):
            yield
    else:  # pragma: no cover - make_engine refuses other databases
        raise DatabaseError(f"no job lock for {backend}")


def lock_file(engine: Engine) -> Path | None:
    """`<database file>.lock` beside an SQLite file; None for an in-memory database (nothing
    else can write to it)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database + ".lock")


def lock_name(engine: Engine) -> str:
    """The server-wide GET_LOCK name for this database: one lock per database, so test and
    benchmark databases on the same server do not wait for each other."""
    name = f"hallofshame:{engine.url.database or ''}"
    if len(name) > MAX_NAME:
        name = "hallofshame:" + hashlib.sha1(name.encode()).hexdigest()
    return name


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


@contextmanager
def _file_lock(path: Path, job: str, wait_s: float) -> Iterator[None]:
    """The SQLite job lock: `file_lock` naming its holder. A file that cannot be made or written
    (a full disk) is LockBusy's sibling, LockFileError: one line, the job not started."""
    holder = f"{job} (pid {os.getpid()}, since {iso(utcnow())})\n"
    with file_lock(
        path,
        max(0.0, wait_s),
        holder=holder,
        busy=lambda held: LockBusy(_busy(job, wait_s, held or "another job")),
        unwritable=lambda exc: LockFileError(_unwritable(path, exc)),
    ):
        yield


class FileLockBusy(Exception):
    """Another process holds the file lock; `holder` is the line it wrote ('' if none)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder or "another process holds the lock")
        self.holder = holder


def _raise(exc: OSError) -> Exception:
    return exc


@contextmanager
def file_lock(
    path: Path,
    wait_s: float | None = 0.0,
    *,
    holder: str = "",
    busy: Callable[[str], Exception] = FileLockBusy,
    unwritable: Callable[[OSError], Exception] = _raise,
) -> Iterator[None]:
    """flock(2) on `path` (made with its directory if missing) for the body: the one file lock
    of the project, the same lock cron's `flock(1)` takes, freed by the kernel when the process
    dies (even by SIGKILL), so a dead holder never leaves a stale lock.

    `wait_s`: None waits for as long as it takes, 0 tries once, more polls until then.
    `holder`, if given, is written into the file while the lock is held, so a waiter (and an
    operator with `cat`) can say who holds it. A holder still there raises `busy(its line)`; a
    file that cannot be made or written raises `unwritable(the OSError)`. Only taking the lock
    raises these: the body's own errors pass through untouched.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise unwritable(exc) from None
    try:
        _acquire(fd, path, wait_s, busy)
        if holder:
            _name_holder(fd, holder, unwritable)
        try:
            yield
        finally:
            if holder:
                _clear_holder(fd)
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, path: Path, wait_s: float | None, busy: Callable[[str], Exception]) -> None:
    if wait_s is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait_s
    while not _try_flock(fd):
        if time.monotonic() >= deadline:
            raise busy(_holder(path)) from None
        time.sleep(POLL_S)


def _name_holder(fd: int, line: str, unwritable: Callable[[OSError], Exception]) -> None:
    """Unbuffered, so a failed write leaves nothing to fail again (and chain) at close."""
    data = line.encode()
    try:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    except OSError as exc:
        raise unwritable(exc) from None


def _clear_holder(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError as exc:  # a stale holder line is harmless: the flock is what counts
        log.debug("could not clear the lock file: %s", exc)


def _unwritable(path: Path, exc: OSError) -> str:
    return f"cannot write the job lock file {path}: {exc.strerror or exc}"


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextmanager
def _server_lock(engine: Engine, job: str, wait_s: float) -> Iterator[None]:
    name = lock_name(engine)
    try:
        conn = engine.connect()
    except Exception as exc:  # the driver's own errors vary; the message is what matters
        raise DatabaseError(f"database unreachable: {one_line(exc)}") from exc
    with conn:
        wait = max(0.0, wait_s)  # a negative wait would mean "for ever" to MariaDB
        got = conn.scalar(text("SELECT GET_LOCK(:name, :wait)"), {"name": name, "wait": wait})
        if got != 1:
            raise LockBusy(_busy(job, wait_s, "another job"))
        try:
            yield
        finally:
            _release(conn, name)


def _release(conn: Connection, name: str) -> None:
    """Release explicitly; if the connection is gone, so is the lock (the server freed it)."""
    try:
        conn.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": name})
    except Exception as exc:  # never hide the job's own error behind this one
        log.warning("could not release the job lock (the server frees it): %s", one_line(exc))


def _busy(job: str, wait_s: float, holder: str) -> str:
    return (
        f"{holder} holds the job lock on this database; {job} waited {wait_s:g} s "
        "and did nothing (JOB_LOCK_WAIT_S sets the wait)"
    )
