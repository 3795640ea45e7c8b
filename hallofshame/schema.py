"""The database schema: every table, in one place (SQLAlchemy Core).

Conventions: ids are Queue-Times ids (never names); datetimes are naive UTC; `cycle_at` is the
one timestamp of a collection cycle and joins park rows to ride rows exactly. Migrations in
`hallofshame/migrations/versions/` create these tables; a test checks they agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

# Coordinates as sent: SQLite's REAL has 8 bytes already; MariaDB's FLOAT would round 29.036283
# to 29.0363 (migration 0005).
COORDINATE = Float().with_variant(Double(), "mysql", "mariadb")

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
    Column("latitude", COORDINATE, nullable=True),
    Column("longitude", COORDINATE, nullable=True),
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
    # Set by the aggregator (migration 0002): as of the latest aggregated day of the ride.
    Column("tier", Integer, nullable=True),
    Column("tier_source", String(8), nullable=True),  # data | override | new
    Column("active", Boolean, nullable=True),
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
    # No is_open (dropped in migration 0003): whether the park is open at a cycle is the
    # aggregator's, over the day's whole active set (metrics.park_is_open).
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


# --- Aggregates (migration 0002). Minutes are whole minutes (cycles fall on whole minutes). ---


# The additive columns every hourly and daily row has: the aggregator adds them up into
# hours and days, the reader over any span (sums over a span stay exact).
ADDITIVE = [
    "open_minutes",
    "down_minutes",
    "unknown_minutes",
    "breakdowns",
    "weighted_down",  # Σ w·down: shame numerator / 10
    "weighted_time",  # Σ w·(open + down): denominator
]


def _minutes() -> list[Column]:
    """The columns every hourly and daily row has: ADDITIVE, then the waits."""
    return [
        *(Column(name, Integer, nullable=False) for name in ADDITIVE),
        Column("wait_count", Integer, nullable=False),  # open cycles with a posted wait
        Column("wait_sum", Integer, nullable=False),
        Column("wait_median", Double, nullable=True),
        Column("wait_p90", Double, nullable=True),
        Column("wait_max", Integer, nullable=True),
    ]


ride_hourly = Table(
    "ride_hourly",
    metadata,
    Column("ride_id", Integer, primary_key=True, autoincrement=False),
    Column("hour_start", DateTime, primary_key=True),  # UTC start of the park-local hour
    Column("park_id", Integer, nullable=False),
    Column("day", Date, nullable=False),  # park-local day
    Column("local_hour", Integer, nullable=False),
    *_minutes(),
    Index("ix_ride_hourly_park_day", "park_id", "day"),
    **MYSQL,
)

park_hourly = Table(
    "park_hourly",
    metadata,
    Column("park_id", Integer, primary_key=True, autoincrement=False),
    Column("hour_start", DateTime, primary_key=True),
    Column("day", Date, nullable=False),
    Column("local_hour", Integer, nullable=False),
    Column("park_open_minutes", Integer, nullable=False),
    *_minutes(),
    Index("ix_park_hourly_day", "day"),
    **MYSQL,
)

# The daily tables are clustered by day (migration 0007): every read of a period takes a range of
# days for all rides, which InnoDB then reads in order instead of one row lookup per ride-day (a
# 30-day read of 5,000 rides went from 8.6 s to 0.15 s with a cold buffer pool); one ride's
# days come through the (ride_id, day) index.
ride_daily = Table(
    "ride_daily",
    metadata,
    Column("ride_id", Integer, nullable=False, autoincrement=False),
    Column("day", Date, nullable=False),
    Column("park_id", Integer, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("counted", Boolean, nullable=False),  # active and of the ranked kind
    Column("tier", Integer, nullable=False),
    # Where the day's tier came from (migration 0003): data | override | new. A day's tier is
    # fixed when the day is first computed; later recomputes of the day reuse it.
    Column("tier_source", String(8), nullable=True),
    Column("weight", Integer, nullable=False),
    Column("first_open_at", DateTime, nullable=True),  # first observed open that day
    Column("longest_outage_minutes", Integer, nullable=True),
    *_minutes(),
    # Running state of a provisional day, carried into the next after-cycle run:
    Column("last_counted", String(8), nullable=True),  # open | down | NULL: not counted yet
    Column("outage_start", DateTime, nullable=True),  # start of the latest outage
    Column("outage_minutes", Integer, nullable=False),  # its down minutes so far
    PrimaryKeyConstraint("day", "ride_id"),
    Index("ix_ride_daily_ride_day", "ride_id", "day"),
    Index("ix_ride_daily_park_day", "park_id", "day"),
    **MYSQL,
)

ride_daily_waits = Table(
    # Migration 0003. The posted waits of a ride's final local day that later tiers read: how
    # many cycles posted each wait while the ride was observed open (metrics.counts_for_tier).
    # Waits are whole minutes, so a day is a few dozen rows, and summing them over 30 days
    # gives the exact median of every wait of those days (metrics.medians_of_counts).
    "ride_daily_waits",
    metadata,
    Column("ride_id", Integer, nullable=False, autoincrement=False),
    Column("day", Date, nullable=False),  # park-local day
    Column("wait", Integer, nullable=False, autoincrement=False),  # posted wait, minutes
    Column("park_id", Integer, nullable=False),
    Column("cycles", Integer, nullable=False),  # cycles that posted it
    # Migration 0006: of those, the cycles the wait statistics count (metrics.wait_counts: the
    # park open too), summed for a period's exact median and p90; NULL: not known (older days)
    Column("open_cycles", Integer, nullable=True),
    PrimaryKeyConstraint("day", "ride_id", "wait"),  # by day, as ride_daily (migration 0007)
    Index("ix_ride_daily_waits_ride_day", "ride_id", "day"),
    Index("ix_ride_daily_waits_park_day", "park_id", "day"),
    **MYSQL,
)

park_daily = Table(
    "park_daily",
    metadata,
    Column("park_id", Integer, primary_key=True, autoincrement=False),
    Column("day", Date, primary_key=True),
    Column("final", Boolean, nullable=False),
    Column("rides_counted", Integer, nullable=False),  # A: active `ride`-kind rides that day
    Column("park_open_minutes", Integer, nullable=False),
    Column("span_start", DateTime, nullable=True),  # open span; NULL: never open ("no data")
    Column("span_end", DateTime, nullable=True),
    Column("longest_outage_minutes", Integer, nullable=True),
    *_minutes(),
    Column("processed_through", DateTime, nullable=True),  # last cycle whose minutes count
    Column("raw_purged", Boolean, nullable=False),  # raw rows deleted: the day cannot be redone
    Column("computed_at", DateTime, nullable=False),
    Index("ix_park_daily_day", "day"),
    **MYSQL,
)

outage_events = Table(
    "outage_events",
    metadata,
    Column("ride_id", Integer, primary_key=True, autoincrement=False),
    Column("start_at", DateTime, primary_key=True),  # the first down cycle
    Column("park_id", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("end_at", DateTime, nullable=False),  # end of the last down cycle's time
    Column("minutes", Integer, nullable=False),  # down minutes (unknown time inside not counted)
    Index("ix_outage_events_park_day", "park_id", "day"),
    **MYSQL,
)

park_live = Table(
    "park_live",
    metadata,
    Column("park_id", Integer, primary_key=True, autoincrement=False),
    Column("cycle_at", DateTime, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("rides_counted", Integer, nullable=False),
    Column("rides_open", Integer, nullable=False),
    Column("rides_down", Integer, nullable=False),
    Column("weighted_down", Integer, nullable=False),
    Column("weighted_counted", Integer, nullable=False),
    **MYSQL,
)

ride_live = Table(
    "ride_live",
    metadata,
    Column("ride_id", Integer, primary_key=True, autoincrement=False),
    Column("park_id", Integer, nullable=False, index=True),
    Column("cycle_at", DateTime, nullable=False),
    Column("status", String(8), nullable=False),  # open | down | closed | unknown
    Column("wait_time", Integer, nullable=True),
    **MYSQL,
)

aggregated_cycles = Table(
    "aggregated_cycles",
    metadata,
    Column("cycle_at", DateTime, primary_key=True),
    Column("aggregated_at", DateTime, nullable=False),
    **MYSQL,
)

# --- Site facts (migration 0003) ---------------------------------------------------------------

site_meta = Table(
    "site_meta",
    metadata,
    # data_source = simulator: the demo wrote this database; every published page says so.
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
    **MYSQL,
)
