"""The benchmarks' own throw-away databases: created fresh, dropped at the end, and only ever
under a name that starts with `hos_bench`, so a mistyped `--database-url` or `--database` can
never drop a real database (the scripts refuse before they connect).

Run as scripts, the benchmarks import this module from their own folder (`from scratch_db
import ...`); the tests import it as `bench.scratch_db`.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

PREFIX = "hos_bench"
# The name is put into DROP/CREATE DATABASE as an identifier: letters, digits and _ only.
NAME = re.compile(rf"^{PREFIX}[A-Za-z0-9_]*$")


class NotABenchDatabase(SystemExit):
    """The database named is not a benchmark's own: nothing was touched. Exits with a line."""


def bench_url(url: str) -> URL:
    """The URL, if its database is a benchmark's own (a MariaDB database or an SQLite file
    whose name starts with `hos_bench`); else NotABenchDatabase."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        name = Path(name).stem if name != ":memory:" else PREFIX
    if not NAME.match(name):
        raise NotABenchDatabase(
            f"refusing to use database {name!r}: a benchmark drops and recreates its database, "
            f"so its name must start with {PREFIX!r} (letters, digits and _ only)"
        )
    return parsed


def recreate(url: str) -> None:
    """Drop the benchmark database if it exists and create it empty."""
    parsed = bench_url(url)
    drop(url)
    if parsed.get_backend_name() == "sqlite":
        return  # SQLite creates the file on first use
    server = create_engine(parsed.set(database=""))
    with server.begin() as conn:
        conn.execute(text(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4"))
    server.dispose()


def drop(url: str) -> None:
    """Drop the benchmark database (an SQLite file and its -wal and -shm files)."""
    parsed = bench_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    server = create_engine(parsed.set(database=""))
    with server.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
    server.dispose()
