"""The web app's database engine: read-only, enforced by the database itself.

The app only answers lookups; a bug (or a crafted request) must not be able to write. SQLite is
opened in `mode=ro` (a missing file is an error, never a new empty database); MariaDB sessions
are set `READ ONLY`, so any write fails inside the server (autocommit included).

A lookup must answer before gunicorn's worker timeout and Apache's ProxyTimeout (30 s): a
database that accepts connections and never answers, or a SQLite file another process holds
locked, is a JSON 503 within seconds, not a worker killed mid-request. So the API waits less
than the jobs do (API_TIMEOUTS_S, API_SQLITE_BUSY_TIMEOUT_S); DATABASE_URL's own
`?connect_timeout=`, `?read_timeout=`, `?write_timeout=` or `?timeout=` still win.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.default import DefaultDialect

from hallofshame import db

# A stale pooled connection costs a ping (read_timeout) and a new connection (connect_timeout):
# at most 8 s, where the jobs' timeouts (hallofshame.db.MYSQL_TIMEOUTS_S) allow minutes.
API_TIMEOUTS_S = {"connect_timeout": 3, "read_timeout": 5, "write_timeout": 5}
API_SQLITE_BUSY_TIMEOUT_S = 3.0

# SQLAlchemy 2.0.43 and later can skip the DBAPI rollback() of a connection in autocommit mode.
_SKIP_AUTOCOMMIT_ROLLBACK = (
    {"skip_autocommit_rollback": True}
    if "skip_autocommit_rollback" in inspect.signature(DefaultDialect.__init__).parameters
    else {}
)


def read_only_engine(url: str, setting: str = "DATABASE_URL") -> Engine:
    """An engine whose connections cannot write (SQLite or MariaDB); `setting` names where the
    URL came from in an error."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_read_only(parsed.database or "", _busy_timeout(parsed.query, setting))
    if parsed.get_backend_name() not in ("mysql", "mariadb"):
        return db.make_engine(url)  # refuses it with the one message for every stage
    parsed = db.mysql_url(parsed, API_TIMEOUTS_S)
    # Autocommit: every lookup reads the latest committed rows, and a connection going back to
    # the pool has no transaction to roll back: neither the pool's reset nor the ROLLBACK a
    # Connection sends when it closes (two round trips less per request).
    engine = create_engine(
        parsed,
        pool_pre_ping=True,
        pool_recycle=3600,
        pool_size=5,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        **_SKIP_AUTOCOMMIT_ROLLBACK,
    )

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.close()

    return engine


def _busy_timeout(query: Mapping[str, Any], setting: str) -> float:
    value = query.get("timeout", API_SQLITE_BUSY_TIMEOUT_S)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise db.DatabaseError(f"?timeout={value} in {setting} is not seconds") from None


def _sqlite_read_only(database: str, busy_timeout_s: float) -> Engine:
    if not database or database == ":memory:":
        raise db.DatabaseError("the web app needs a database file, not an in-memory database")
    path = quote(str(Path(database).resolve()))
    uri = f"sqlite:///file:{path}?mode=ro&uri=true"
    return create_engine(uri, connect_args={"timeout": busy_timeout_s})
