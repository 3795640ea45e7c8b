"""Park coordinates in double precision, as sent.

`sa.Float` is a 4-byte FLOAT on MariaDB: 29.036283 came back as 29.0363 (SQLite's REAL was
already 8 bytes, so the two databases disagreed). DOUBLE keeps every coordinate the feed sends;
existing rows keep the single-precision value they were stored with until the next parks.json
refresh (at most PARKS_REFRESH_HOURS) writes them again in full.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("latitude", "longitude")


def upgrade() -> None:
    _retype(sa.Float, sa.Double)


def downgrade() -> None:
    _retype(sa.Double, sa.Float)


def _retype(old: type[sa.types.TypeEngine], new: type[sa.types.TypeEngine]) -> None:
    """MariaDB only: SQLite stores every REAL in 8 bytes whatever the declared type, and
    rebuilding `parks` there would trip the foreign keys that point at it."""
    if op.get_bind().dialect.name == "sqlite":
        return
    for name in COLUMNS:
        op.alter_column("parks", name, type_=new, existing_type=old, existing_nullable=True)
