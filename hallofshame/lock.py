"""One lock for every job that writes, so no two of them ever run at once on one database.

cron's wrapper (`cron/job`) already keeps two runs of the *same* cron line apart with `flock`;
this lock also keeps apart different jobs (a cycle and a hand-run `aggregate --redo-day`, later a
publish) and jobs started by hand. Without it two `aggregate` runs both plan the same new cycles
and both add them, double-counting today.

The lock lives with the database, so every checkout and every host that writes to it sees it:
MariaDB: `GET_LOCK` on a connection of its own, held for the whole job (the server frees it if
the process dies); SQLite: `flock` on a file beside the database file (the kernel frees it).
A second job waits up to `wait_s` seconds for the first, then gives up with `LockBusy`.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator
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
    """flock on the file, which then names its holder. A file that cannot be made or written
    (a full disk) is LockBusy's sibling, LockFileError: one line, the job not started."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockFileError(_unwritable(path, exc)) from None
    try:
        deadline = time.monotonic() + max(0.0, wait_s)
        while not _try_flock(fd):
            if time.monotonic() >= deadline:
                raise LockBusy(_busy(job, wait_s, _holder(path)))
            time.sleep(POLL_S)
        _name_holder(fd, path, f"{job} (pid {os.getpid()}, since {iso(utcnow())})\n")
        try:
            yield
        finally:
            _clear_holder(fd)
    finally:
        os.close(fd)  # releases the flock


def _name_holder(fd: int, path: Path, line: str) -> None:
    """Unbuffered, so a failed write leaves nothing to fail again (and chain) at close."""
    data = line.encode()
    try:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    except OSError as exc:
        raise LockFileError(_unwritable(path, exc)) from None


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
        return path.read_text(encoding="utf-8").strip() or "another job"
    except OSError:
        return "another job"


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
