"""Aggregator tables: hourly and daily stats, outage events, live status; ride tiers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def upgrade() -> None:
    op.add_column("rides", sa.Column("tier", sa.Integer, nullable=True))
    op.add_column("rides", sa.Column("tier_source", sa.String(8), nullable=True))
    op.add_column("rides", sa.Column("active", sa.Boolean, nullable=True))
    op.create_table(
        "ride_hourly",
        sa.Column("ride_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hour_start", sa.DateTime, primary_key=True),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("local_hour", sa.Integer, nullable=False),
        sa.Column("open_minutes", sa.Integer, nullable=False),
        sa.Column("down_minutes", sa.Integer, nullable=False),
        sa.Column("unknown_minutes", sa.Integer, nullable=False),
        sa.Column("breakdowns", sa.Integer, nullable=False),
        sa.Column("weighted_down", sa.Integer, nullable=False),
        sa.Column("weighted_time", sa.Integer, nullable=False),
        sa.Column("wait_count", sa.Integer, nullable=False),
        sa.Column("wait_sum", sa.Integer, nullable=False),
        sa.Column("wait_median", sa.Double, nullable=True),
        sa.Column("wait_p90", sa.Double, nullable=True),
        sa.Column("wait_max", sa.Integer, nullable=True),
        **MYSQL,
    )
    op.create_index("ix_ride_hourly_park_day", "ride_hourly", ["park_id", "day"])
    op.create_table(
        "park_hourly",
        sa.Column("park_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hour_start", sa.DateTime, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("local_hour", sa.Integer, nullable=False),
        sa.Column("park_open_minutes", sa.Integer, nullable=False),
        sa.Column("open_minutes", sa.Integer, nullable=False),
        sa.Column("down_minutes", sa.Integer, nullable=False),
        sa.Column("unknown_minutes", sa.Integer, nullable=False),
        sa.Column("breakdowns", sa.Integer, nullable=False),
        sa.Column("weighted_down", sa.Integer, nullable=False),
        sa.Column("weighted_time", sa.Integer, nullable=False),
        sa.Column("wait_count", sa.Integer, nullable=False),
        sa.Column("wait_sum", sa.Integer, nullable=False),
        sa.Column("wait_median", sa.Double, nullable=True),
        sa.Column("wait_p90", sa.Double, nullable=True),
        sa.Column("wait_max", sa.Integer, nullable=True),
        **MYSQL,
    )
    op.create_index("ix_park_hourly_day", "park_hourly", ["day"])
    op.create_table(
        "ride_daily",
        sa.Column("ride_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("counted", sa.Boolean, nullable=False),
        sa.Column("tier", sa.Integer, nullable=False),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("first_open_at", sa.DateTime, nullable=True),
        sa.Column("longest_outage_minutes", sa.Integer, nullable=True),
        sa.Column("open_minutes", sa.Integer, nullable=False),
        sa.Column("down_minutes", sa.Integer, nullable=False),
        sa.Column("unknown_minutes", sa.Integer, nullable=False),
        sa.Column("breakdowns", sa.Integer, nullable=False),
        sa.Column("weighted_down", sa.Integer, nullable=False),
        sa.Column("weighted_time", sa.Integer, nullable=False),
        sa.Column("wait_count", sa.Integer, nullable=False),
        sa.Column("wait_sum", sa.Integer, nullable=False),
        sa.Column("wait_median", sa.Double, nullable=True),
        sa.Column("wait_p90", sa.Double, nullable=True),
        sa.Column("wait_max", sa.Integer, nullable=True),
        sa.Column("last_counted", sa.String(8), nullable=True),
        sa.Column("outage_start", sa.DateTime, nullable=True),
        sa.Column("outage_minutes", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_ride_daily_day", "ride_daily", ["day"])
    op.create_index("ix_ride_daily_park_day", "ride_daily", ["park_id", "day"])
    op.create_table(
        "park_daily",
        sa.Column("park_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("rides_counted", sa.Integer, nullable=False),
        sa.Column("park_open_minutes", sa.Integer, nullable=False),
        sa.Column("span_start", sa.DateTime, nullable=True),
        sa.Column("span_end", sa.DateTime, nullable=True),
        sa.Column("longest_outage_minutes", sa.Integer, nullable=True),
        sa.Column("open_minutes", sa.Integer, nullable=False),
        sa.Column("down_minutes", sa.Integer, nullable=False),
        sa.Column("unknown_minutes", sa.Integer, nullable=False),
        sa.Column("breakdowns", sa.Integer, nullable=False),
        sa.Column("weighted_down", sa.Integer, nullable=False),
        sa.Column("weighted_time", sa.Integer, nullable=False),
        sa.Column("wait_count", sa.Integer, nullable=False),
        sa.Column("wait_sum", sa.Integer, nullable=False),
        sa.Column("wait_median", sa.Double, nullable=True),
        sa.Column("wait_p90", sa.Double, nullable=True),
        sa.Column("wait_max", sa.Integer, nullable=True),
        sa.Column("processed_through", sa.DateTime, nullable=True),
        sa.Column("raw_purged", sa.Boolean, nullable=False),
        sa.Column("computed_at", sa.DateTime, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_park_daily_day", "park_daily", ["day"])
    op.create_table(
        "outage_events",
        sa.Column("ride_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("start_at", sa.DateTime, primary_key=True),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("end_at", sa.DateTime, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_outage_events_park_day", "outage_events", ["park_id", "day"])
    op.create_table(
        "park_live",
        sa.Column("park_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("cycle_at", sa.DateTime, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("rides_counted", sa.Integer, nullable=False),
        sa.Column("rides_open", sa.Integer, nullable=False),
        sa.Column("rides_down", sa.Integer, nullable=False),
        sa.Column("weighted_down", sa.Integer, nullable=False),
        sa.Column("weighted_counted", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_table(
        "ride_live",
        sa.Column("ride_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("cycle_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("wait_time", sa.Integer, nullable=True),
        **MYSQL,
    )
    op.create_index("ix_ride_live_park_id", "ride_live", ["park_id"])
    op.create_table(
        "aggregated_cycles",
        sa.Column("cycle_at", sa.DateTime, primary_key=True),
        sa.Column("aggregated_at", sa.DateTime, nullable=False),
        **MYSQL,
    )


def downgrade() -> None:
    for table in (
        "aggregated_cycles",
        "ride_live",
        "park_live",
        "outage_events",
        "park_daily",
        "ride_daily",
        "park_hourly",
        "ride_hourly",
    ):
        op.drop_table(table)
    for column in ("active", "tier_source", "tier"):
        op.drop_column("rides", column)
