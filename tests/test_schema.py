"""Migrations: they build exactly the schema module's tables, on SQLite and MariaDB."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hallofshame import db, schema


def test_migrations_match_the_schema_module(engine):
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert differences == []
    assert db.current_revision(engine) == db.head_revision()


def test_mariadb_tables_are_innodb_utf8mb4(mariadb_url):
    """MariaDB only (skipped without a server, failed under HALLOFSHAME_STRICT=1)."""
    engine = db.make_engine(mariadb_url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT table_name, engine, table_collation FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name <> 'alembic_version'"
        ).all()
    engine.dispose()
    assert {row[0] for row in rows} == set(schema.metadata.tables)
    assert all(row[1] == "InnoDB" and row[2].startswith("utf8mb4") for row in rows)


PRAGMAS = ("foreign_keys", "journal_mode", "synchronous")


def test_sqlite_connections_enforce_foreign_keys_in_wal_mode(tmp_path):
    """SQLite's counterpart: what make_engine sets on every connection."""
    engine = db.make_engine(f"sqlite:///{tmp_path}/x.sqlite3")
    with engine.connect() as conn:
        pragmas = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS]
    engine.dispose()
    assert pragmas == [1, "wal", 1]  # synchronous=NORMAL is 1


def test_snapshots_are_indexed_for_the_aggregator(engine):
    indexes = {ix["name"] for ix in inspect(engine).get_indexes("ride_snapshots")}
    assert "ix_ride_snapshots_park_cycle" in indexes


def test_require_schema_names_the_fix(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path}/empty.sqlite3")
    try:
        db.require_schema(engine)
    except db.DatabaseError as exc:
        assert "hallofshame db upgrade" in str(exc)
    else:
        raise AssertionError("an empty database passed require_schema")
