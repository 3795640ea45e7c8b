"""Database engine, migrations, the one upsert helper every stage uses, and the few SQL
expressions SQLite and MariaDB spell differently."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    Table,
    cast,
    create_engine,
    event,
    func,
)
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from hallofshame.errors import StageError

MIGRATIONS = Path(__file__).parent / "migrations"
# A database host that accepts TCP and never answers must fail in seconds, not hang a job for
# minutes (the MariaDB handshake waits connect_timeout); a statement waiting longer than the
# read/write timeouts is a hung server, not a slow query. Each can be overridden in the query
# string of DATABASE_URL (`?connect_timeout=30`), as can SQLite's busy timeout (`?timeout=5`).
MYSQL_TIMEOUTS_S = {"connect_timeout": 10, "read_timeout": 300, "write_timeout": 300}
SQLITE_BUSY_TIMEOUT_S = 30.0


class DatabaseError(StageError):
    """The database cannot be reached or is not migrated; the message says which."""


def make_engine(url: str) -> Engine:
    """An engine for SQLite (the zero-setup default) or MariaDB (production)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        return create_engine(
            mysql_url(parsed, MYSQL_TIMEOUTS_S), pool_pre_ping=True, pool_recycle=3600, pool_size=5
        )
    raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r} in DATABASE_URL")


def mysql_url(parsed: URL, timeouts: Mapping[str, int]) -> URL:
    """A MariaDB URL with utf8mb4 and `timeouts` (seconds), unless the URL sets its own."""
    defaults = {"charset": "utf8mb4", **timeouts}
    missing = {key: str(value) for key, value in defaults.items() if key not in parsed.query}
    return parsed.update_query_dict(missing)


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    busy = {} if "timeout" in parsed.query else {"timeout": SQLITE_BUSY_TIMEOUT_S}
    engine = create_engine(url, connect_args=busy)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Apply the versioned migrations up to `revision`; returns the revision now in force."""
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
        return MigrationContext.configure(conn).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def require_schema(engine: Engine) -> None:
    """Fail with a clear message unless the database is reachable and fully migrated."""
    try:
        current = current_revision(engine)
    except Exception as exc:  # the driver's own errors vary; the message is what matters
        raise DatabaseError(f"database unreachable: {one_line(exc)}") from exc
    if current != head_revision():
        raise DatabaseError(
            f"database schema is at {current or 'nothing'}, not {head_revision()}: "
            "run `hallofshame db upgrade`"
        )


def one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return " ".join(text.split())[:300]


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    update: Iterable[str],
) -> None:
    """Insert rows, or update the named columns where the primary key exists (one statement)."""
    if not rows:
        return
    update = list(update)
    if conn.dialect.name == "sqlite":
        stmt = sqlite.insert(table)
        keys = [c.name for c in table.primary_key.columns]
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: stmt.excluded[c] for c in update}
        )
    elif conn.dialect.name in ("mysql", "mariadb"):
        stmt = mysql.insert(table)
        stmt = stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update})
    else:  # pragma: no cover - make_engine refuses other databases
        raise DatabaseError(f"no upsert for {conn.dialect.name}")
    conn.execute(stmt, list(rows))


def int_sum(column: Any) -> Any:
    """SUM of an integer column, read as an integer: MariaDB sums integers as DECIMAL, which
    the driver turns into a `Decimal` per value (a publish reads a million of them)."""
    return cast(func.sum(column), BigInteger)


class days_since(FunctionElement):
    """`days_since(day, first)`: whole days from the date `first` to a DATE column, as an
    integer (a million dates cross the driver far faster as integers than as dates)."""

    type = Integer()
    inherit_cache = True


@compiles(days_since, "sqlite")
def _days_since_sqlite(element: days_since, compiler: Any, **kw: Any) -> str:
    day, first = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({day}) - julianday({first}) AS INTEGER)"


@compiles(days_since)
def _days_since_mysql(element: days_since, compiler: Any, **kw: Any) -> str:
    day, first = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"DATEDIFF({day}, {first})"
