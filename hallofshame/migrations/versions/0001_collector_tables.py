"""Collector tables: operator groups, parks, rides, cycles, snapshots, fetch failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def upgrade() -> None:
    op.create_table(
        "operator_groups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(255), nullable=False),
        **MYSQL,
    )
    op.create_table(
        "parks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("operator_groups.id"), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("country", sa.String(100), nullable=True),
        sa.Column("continent", sa.String(100), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
        sa.Column("listed_at", sa.DateTime, nullable=False),
        **MYSQL,
    )
    op.create_table(
        "rides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("park_id", sa.Integer, sa.ForeignKey("parks.id"), nullable=False),
        sa.Column("land_id", sa.Integer, nullable=True),
        sa.Column("land_name", sa.String(255), nullable=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("last_open_at", sa.DateTime, nullable=True),
        **MYSQL,
    )
    op.create_index("ix_rides_park_id", "rides", ["park_id"])
    op.create_table(
        "collection_cycles",
        sa.Column("cycle_at", sa.DateTime, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("parks_ok", sa.Integer, nullable=False),
        sa.Column("parks_failed", sa.Integer, nullable=False),
        sa.Column("rides_seen", sa.Integer, nullable=False),
        sa.Column("snapshots_written", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_table(
        "ride_snapshots",
        sa.Column("ride_id", sa.Integer, sa.ForeignKey("rides.id"), primary_key=True),
        sa.Column("cycle_at", sa.DateTime, primary_key=True),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("wait_time", sa.Integer, nullable=True),
        sa.Column("last_updated", sa.DateTime, nullable=True),
        sa.Column("state", sa.String(8), nullable=False),
        **MYSQL,
    )
    op.create_index("ix_ride_snapshots_park_cycle", "ride_snapshots", ["park_id", "cycle_at"])
    op.create_index("ix_ride_snapshots_cycle", "ride_snapshots", ["cycle_at"])
    op.create_table(
        "park_snapshots",
        sa.Column("park_id", sa.Integer, sa.ForeignKey("parks.id"), primary_key=True),
        sa.Column("cycle_at", sa.DateTime, primary_key=True),
        sa.Column("rides_total", sa.Integer, nullable=False),
        sa.Column("rides_active", sa.Integer, nullable=False),
        sa.Column("rides_open", sa.Integer, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_park_snapshots_cycle", "park_snapshots", ["cycle_at"])
    op.create_table(
        "fetch_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cycle_at", sa.DateTime, nullable=False),
        sa.Column("park_id", sa.Integer, nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(1000), nullable=False),
        **MYSQL,
    )
    op.create_index("ix_fetch_failures_cycle_at", "fetch_failures", ["cycle_at"])


def downgrade() -> None:
    for table in (
        "fetch_failures",
        "park_snapshots",
        "ride_snapshots",
        "collection_cycles",
        "rides",
        "parks",
        "operator_groups",
    ):
        op.drop_table(table)
