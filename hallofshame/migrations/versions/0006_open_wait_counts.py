"""Per-day posted-wait counts of the wait statistics' cycles, next to the tier's.

A ride's median and 90th-percentile wait over a period are taken over the cycles at which its
park was open and it was observed open (METRICS.md, `metrics.wait_counts`); the tier's counts
(`cycles`) also hold waits posted while the park counted as closed. `open_cycles` keeps, per
ride, day and wait, how many of them were of the first kind, so a period's exact median and p90
are a sum and one pass over the counts. Days aggregated before this migration have NULL there
(their raw rows are gone), except where every counted wait of the day was posted with the park
open (the day's `wait_count` equals its counts' sum): there the two counts are the same and are
copied. A ride's period with a day left NULL publishes no median or p90.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COPY_WHOLE_DAYS = """
UPDATE ride_daily_waits SET open_cycles = cycles
WHERE EXISTS (
    SELECT 1 FROM ride_daily d
    JOIN (SELECT ride_id, day, SUM(cycles) AS posted FROM ride_daily_waits GROUP BY ride_id, day)
        AS t ON t.ride_id = d.ride_id AND t.day = d.day
    WHERE d.ride_id = ride_daily_waits.ride_id AND d.day = ride_daily_waits.day
        AND d.wait_count = t.posted
)
"""


def upgrade() -> None:
    with op.batch_alter_table("ride_daily_waits") as batch:
        batch.add_column(sa.Column("open_cycles", sa.Integer, nullable=True))
    op.execute(COPY_WHOLE_DAYS)


def downgrade() -> None:
    with op.batch_alter_table("ride_daily_waits") as batch:
        batch.drop_column("open_cycles")
