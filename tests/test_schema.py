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


def test_mariadb_tables_are_innodb_utf8mb4(engine):
    if engine.dialect.name != "mysql":
        return  # SQLite has no engines or character sets to check
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT table_name, engine, table_collation FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name <> 'alembic_version'"
        ).all()
    assert {row[0] for row in rows} == set(schema.metadata.tables)
    assert all(row[1] == "InnoDB" and row[2].startswith("utf8mb4") for row in rows)


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
