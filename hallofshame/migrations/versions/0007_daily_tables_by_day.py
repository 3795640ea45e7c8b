"""The daily ride tables keyed (and so, in InnoDB, stored) by day first.

Every period read takes a range of days for every ride: the stats of a period, the trends, the
year calendar, the wait quantiles. Keyed by (ride_id, day), InnoDB found those rows through the
day index and then looked each one up in the table: a 30-day read of 5,000 rides took 8.6 s
with the default 128 MB buffer pool, where the same rows stored by day read in 0.15 s. One
ride's days (a ride page, the web app, the tiers' 30-day medians) now come through a
(ride_id, day) index, which replaces the day-only index.

MariaDB rebuilds each table once (one ALTER); SQLite copies it into a table with the new key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table: (old key, new key, old indexes that go, indexes that come)
CHANGES = {
    "ride_daily": (
        ("ride_id", "day"),
        ("day", "ride_id"),
        {"ix_ride_daily_day": ("day",)},
        {"ix_ride_daily_ride_day": ("ride_id", "day")},
    ),
    "ride_daily_waits": (
        ("ride_id", "day", "wait"),
        ("day", "ride_id", "wait"),
        {},
        {"ix_ride_daily_waits_ride_day": ("ride_id", "day")},
    ),
}


def upgrade() -> None:
    for table, (_, key, gone, added) in CHANGES.items():
        _rekey(table, key, gone, added)


def downgrade() -> None:
    for table, (key, _, came, went) in CHANGES.items():
        _rekey(table, key, went, came)


def _rekey(
    table: str, key: tuple[str, ...], gone: dict[str, tuple], added: dict[str, tuple]
) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _copy_with_key(table, key, gone, added)
        return
    parts = [f"DROP PRIMARY KEY, ADD PRIMARY KEY ({', '.join(key)})"]
    parts += [f"DROP INDEX {name}" for name in gone]
    parts += [f"ADD INDEX {name} ({', '.join(columns)})" for name, columns in added.items()]
    op.execute(f"ALTER TABLE {table} {', '.join(parts)}")


def _copy_with_key(
    table: str, key: tuple[str, ...], gone: dict[str, tuple], added: dict[str, tuple]
) -> None:
    """SQLite cannot change a primary key in place: a copy of the table with the new one."""
    conn = op.get_bind()
    old = sa.Table(table, sa.MetaData(), autoload_with=conn)
    indexes = {i.name: tuple(c.name for c in i.columns) for i in old.indexes if i.name not in gone}
    copy = sa.Table(
        f"_{table}_rekeyed",
        sa.MetaData(),
        *(
            sa.Column(c.name, c.type, nullable=c.nullable, server_default=c.server_default)
            for c in old.columns
        ),
        sa.PrimaryKeyConstraint(*key),
    )
    copy.create(conn)
    names = [c.name for c in old.columns]
    conn.execute(copy.insert().from_select(names, sa.select(*old.c)))
    op.drop_table(table)
    op.rename_table(copy.name, table)
    for name, columns in {**indexes, **added}.items():
        op.create_index(name, table, list(columns))
