"""Is the Hall of Shame healthy? One function, for `/api/health` and for the cron health check.

It reads only schema tables and files: the latest successful collection cycle (a cycle in which
at least one park answered), the park counts of the latest cycle (also one in which every
park failed), the latest aggregation, the latest publish (the `generated_at` of
DOCROOT/current/data/v1/catalog.json, else the time DOCROOT/current last changed). Stale data
(no successful cycle within HEALTH_MAX_CYCLE_AGE_MINUTES) or an unreachable database is
unhealthy; the other findings are warnings the operator may want to hear about.

When the API reads a replica (API_DATABASE_URL), the replica's own word on how far behind the
primary it is (MariaDB's Seconds_Behind_Master) is reported, and a replica more than
API_MAX_REPLICA_LAG_S behind, or not replicating at all, is unhealthy: a load balancer or CDN
should then send readers elsewhere rather than serve them old numbers as new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from hallofshame import db, schema
from hallofshame.clock import as_utc, iso, parse_instant
from hallofshame.settings import Settings

CATALOG = Path("current") / "data" / "v1" / "catalog.json"


@dataclass
class Health:
    """What the check found. `ok` is False when the data is stale or the database is down."""

    checked_at: datetime
    database: str = "ok"  # ok, or why it is not
    replica_lag_s: int | None = None  # None when reading the primary
    last_cycle_at: datetime | None = None  # latest cycle with at least one park answered
    # the parks of the latest cycle, whether or not any answered (one where all failed is the
    # worst case of failing parks, not a cycle to skip)
    last_cycle_parks_ok: int | None = None
    last_cycle_parks_failed: int | None = None
    parks_cycle_at: datetime | None = None  # the cycle those two counts are from
    last_aggregation_at: datetime | None = None
    last_publish_at: datetime | None = None
    # {key: one line}, each makes the status unhealthy; the key ("database", "stale-data") names
    # the operator's incident (ops.health), the line is what /api/health lists
    problems: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        return "ok" if self.ok else "unhealthy"

    def as_json(self) -> dict[str, Any]:
        age = self.checked_at - self.last_cycle_at if self.last_cycle_at else None
        return {
            "status": self.status,
            "checked_at": iso(self.checked_at),
            "database": self.database,
            "replica_lag_s": self.replica_lag_s,
            "last_cycle_at": iso(self.last_cycle_at),
            "last_cycle_age_s": int(age.total_seconds()) if age is not None else None,
            "last_cycle_parks_ok": self.last_cycle_parks_ok,
            "last_cycle_parks_failed": self.last_cycle_parks_failed,
            "last_aggregation_at": iso(self.last_aggregation_at),
            "last_publish_at": iso(self.last_publish_at),
            "problems": list(self.problems.values()),
            "warnings": self.warnings,
        }


def reads_replica(settings: Settings) -> bool:
    """Whether the web app reads another database than the one the jobs write."""
    return settings.api_database_url not in ("", settings.database_url)


def check_health(
    engine: Engine, settings: Settings, now: datetime, replica: bool = False
) -> Health:
    """Read the freshness of every stage; never raises for a dead database (it is a finding).
    `replica`: `engine` is a replica, whose lag is checked too."""
    health = Health(checked_at=as_utc(now))
    try:
        _read_database(engine, health)
        if replica:
            _read_replica(engine, health, settings.api_max_replica_lag_s)
    except SQLAlchemyError as exc:
        health.database = f"unreachable: {db.one_line(exc)}"
        health.problems["database"] = f"database {health.database}"
    health.last_publish_at = last_publish(Path(settings.docroot))
    _judge(health, timedelta(minutes=settings.health_max_cycle_age_minutes))
    return health


def _read_database(engine: Engine, health: Health) -> None:
    c, a = schema.collection_cycles.c, schema.aggregated_cycles.c
    latest = select(c.cycle_at, c.parks_ok, c.parks_failed).order_by(c.cycle_at.desc()).limit(1)
    with engine.connect() as conn:
        ok = conn.execute(latest.where(c.parks_ok > 0)).first()
        row = conn.execute(latest).first()
        aggregated = conn.scalar(select(func.max(a.aggregated_at)))
    if ok is not None:
        health.last_cycle_at = as_utc(ok.cycle_at)
    if row is not None:
        health.parks_cycle_at = as_utc(row.cycle_at)
        health.last_cycle_parks_ok, health.last_cycle_parks_failed = row.parks_ok, row.parks_failed
    health.last_aggregation_at = as_utc(aggregated) if aggregated else None


def _read_replica(engine: Engine, health: Health, max_lag_s: int) -> None:
    """The replica's lag; needs the SLAVE MONITOR privilege on MariaDB. SQLite has no
    replication to ask about: a warning, not a problem."""
    if engine.dialect.name == "sqlite":
        health.warnings.append("replica lag unknown: API_DATABASE_URL is SQLite")
        return
    with engine.connect() as conn:
        status = conn.exec_driver_sql("SHOW SLAVE STATUS").mappings().first()
    lag = status and status["Seconds_Behind_Master"]
    if lag is None:
        why = "no replication set up"
        if status:
            io, sql = status["Slave_IO_Running"], status["Slave_SQL_Running"]
            error = status["Last_IO_Error"] or status["Last_SQL_Error"]
            why = f"IO thread {io}, SQL thread {sql}" + (f": {error}" if error else "")
        health.problems["replica"] = f"replica not replicating ({why})"
        return
    health.replica_lag_s = int(lag)
    if lag > max_lag_s:
        health.problems["replica"] = f"replica {lag} s behind the primary (at most {max_lag_s})"


def last_publish(docroot: Path) -> datetime | None:
    """When the site in DOCROOT/current was generated (catalog.json), else when it changed."""
    catalog = docroot / CATALOG
    try:
        return parse_instant(json.loads(catalog.read_text(encoding="utf-8"))["generated_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    try:
        return datetime.fromtimestamp((docroot / "current").stat().st_mtime, UTC)
    except OSError:
        return None


def _judge(health: Health, max_age: timedelta) -> None:
    if health.database != "ok":
        return
    if health.last_cycle_at is None:
        health.problems["stale-data"] = "stale: no successful collection cycle yet"
    elif health.checked_at - health.last_cycle_at > max_age:
        minutes = int((health.checked_at - health.last_cycle_at).total_seconds() // 60)
        health.problems["stale-data"] = f"stale: last successful cycle {minutes} minutes ago"
    if health.last_cycle_parks_failed:
        total = health.last_cycle_parks_failed + (health.last_cycle_parks_ok or 0)
        health.warnings.append(f"{health.last_cycle_parks_failed} of {total} parks failed")
    if health.last_publish_at is None:
        health.warnings.append("nothing published yet")
    elif health.last_aggregation_at and health.last_publish_at < health.last_aggregation_at:
        health.warnings.append("the last publish is older than the last aggregation")
