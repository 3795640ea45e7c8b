"""The database schema: every table, in one place (SQLAlchemy Core).

Conventions: ids are Queue-Times ids (never names); datetimes are naive UTC; `cycle_at` is the
one timestamp of a collection cycle and joins park rows to ride rows exactly. Migrations in
`hallofshame/migrations/versions/` create these tables; a test checks they agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}

metadata = MetaData()

operator_groups = Table(
    "operator_groups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(255), nullable=False),
    **MYSQL,
)

parks = Table(
    "parks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("group_id", Integer, ForeignKey("operator_groups.id"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("country", String(100), nullable=True),
    Column("continent", String(100), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("first_seen_at", DateTime, nullable=False),
    Column("listed_at", DateTime, nullable=False),  # last time parks.json listed it
    **MYSQL,
)

rides = Table(
    "rides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("park_id", Integer, ForeignKey("parks.id"), nullable=False, index=True),
    Column("land_id", Integer, nullable=True),
    Column("land_name", String(255), nullable=True),
    Column("name", String(500), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("first_seen_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("last_open_at", DateTime, nullable=True),
    **MYSQL,
)

collection_cycles = Table(
    "collection_cycles",
    metadata,
    Column("cycle_at", DateTime, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("parks_ok", Integer, nullable=False),
    Column("parks_failed", Integer, nullable=False),
    Column("rides_seen", Integer, nullable=False),
    Column("snapshots_written", Integer, nullable=False),
    **MYSQL,
)

ride_snapshots = Table(
    "ride_snapshots",
    metadata,
    Column("ride_id", Integer, ForeignKey("rides.id"), primary_key=True, autoincrement=False),
    Column("cycle_at", DateTime, primary_key=True),
    Column("park_id", Integer, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("wait_time", Integer, nullable=True),
    Column("last_updated", DateTime, nullable=True),
    Column("state", String(8), nullable=False),  # open | closed | stale (metrics.observed_state)
    Index("ix_ride_snapshots_park_cycle", "park_id", "cycle_at"),
    Index("ix_ride_snapshots_cycle", "cycle_at"),
    **MYSQL,
)

park_snapshots = Table(
    "park_snapshots",
    metadata,
    Column("park_id", Integer, ForeignKey("parks.id"), primary_key=True, autoincrement=False),
    Column("cycle_at", DateTime, primary_key=True),
    Column("rides_total", Integer, nullable=False),
    Column("rides_active", Integer, nullable=False),  # active `ride`-kind rides known at the cycle
    Column("rides_open", Integer, nullable=False),  # of those, observed open
    Column("is_open", Boolean, nullable=False),  # metrics.park_is_open, as known at the cycle
    Index("ix_park_snapshots_cycle", "cycle_at"),
    **MYSQL,
)

fetch_failures = Table(
    "fetch_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cycle_at", DateTime, nullable=False, index=True),
    Column("park_id", Integer, nullable=True),  # NULL: the failure was parks.json
    Column("kind", String(32), nullable=False),
    Column("detail", String(1000), nullable=False),
    **MYSQL,
)
