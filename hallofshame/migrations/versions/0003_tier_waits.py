"""Per-day posted-wait counts for the exact 30-day tier median, each day's tier source;
park_snapshots.is_open dropped.

The tier is now the median of every posted wait of the 30 days before (METRICS.md), not a
median of daily medians: `ride_daily_waits` keeps, per ride and local day, how many cycles
posted each wait (written when the day is final), and `ride_daily.tier_source` lets a day's
later recomputes reuse the tier fixed at its first (the window query reads 30 days of counts).
Days aggregated before this migration have no counts (their raw rows are
gone); `hallofshame aggregate --redo-day` refills any day whose raw rows are still kept, and
within 30 days every tier reads only counted days. `park_snapshots.is_open` was the
collector's own, disagreeing, view of "park open": the aggregator's rule is the only one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def upgrade() -> None:
    op.create_table(
        "ride_daily_waits",
        sa.Column("ride_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("wait", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("park_id", sa.Integer, nullable=False),
        sa.Column("cycles", sa.Integer, nullable=False),
        **MYSQL,
    )
    op.create_index("ix_ride_daily_waits_park_day", "ride_daily_waits", ["park_id", "day"])
    op.add_column("ride_daily", sa.Column("tier_source", sa.String(8), nullable=True))
    with op.batch_alter_table("park_snapshots") as batch:
        batch.drop_column("is_open")


def downgrade() -> None:
    with op.batch_alter_table("park_snapshots") as batch:
        batch.add_column(sa.Column("is_open", sa.Boolean, nullable=False, server_default="0"))
    with op.batch_alter_table("ride_daily") as batch:
        batch.drop_column("tier_source")
    op.drop_index("ix_ride_daily_waits_park_day", table_name="ride_daily_waits")
    op.drop_table("ride_daily_waits")
