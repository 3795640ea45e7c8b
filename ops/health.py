"""The health check: is the site being fed? Stale data, many failing parks, an aggregation
that was never published, an unreachable database. Each problem has its own key, so each is
its own incident (one mail when it starts, one when it ends)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from hallofshame import db, schema
from hallofshame.clock import as_utc, iso
from hallofshame.settings import Settings


@dataclass
class Health:
    now: datetime
    last_cycle_at: datetime | None = None  # latest cycle with at least one park collected
    latest_cycle_at: datetime | None = None
    parks_failed: int = 0  # in the latest cycle
    parks_total: int = 0
    last_aggregated_at: datetime | None = None
    last_published_at: datetime | None = None
    problems: dict[str, str] = field(default_factory=dict)  # key -> one line for the operator

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        def age(at: datetime | None) -> float | None:
            return None if at is None else round((self.now - at).total_seconds(), 1)

        return {
            "now": iso(self.now),
            "healthy": self.healthy,
            "last_cycle_at": iso(self.last_cycle_at),
            "last_cycle_age_s": age(self.last_cycle_at),
            "parks_failed": self.parks_failed,
            "parks_total": self.parks_total,
            "last_aggregated_at": iso(self.last_aggregated_at),
            "last_published_at": iso(self.last_published_at),
            "publish_age_s": age(self.last_published_at),
            "problems": dict(self.problems),
        }


def check_health(engine: Engine, settings: Settings, now: datetime) -> Health:
    """Read the freshness facts and judge them against the settings' thresholds."""
    health = Health(now=as_utc(now), last_published_at=published_at(Path(settings.docroot)))
    try:
        db.require_schema(engine)
        with engine.connect() as conn:
            _read(conn, health)
    except db.DatabaseError as exc:
        health.problems["health:database"] = str(exc)
        return health
    _judge(health, settings)
    return health


def published_at(docroot: Path) -> datetime | None:
    """When the publisher last made a release visible: the time of its `current` link."""
    try:
        return datetime.fromtimestamp(os.lstat(docroot / "current").st_mtime, UTC)
    except FileNotFoundError:
        return None


def _read(conn: Connection, health: Health) -> None:
    c = schema.collection_cycles.c
    ok = conn.execute(select(func.max(c.cycle_at)).where(c.parks_ok > 0)).scalar()
    health.last_cycle_at = None if ok is None else as_utc(ok)
    latest = conn.execute(
        select(c.cycle_at, c.parks_ok, c.parks_failed).order_by(c.cycle_at.desc()).limit(1)
    ).first()
    if latest is not None:
        health.latest_cycle_at = as_utc(latest.cycle_at)
        health.parks_failed = latest.parks_failed
        health.parks_total = latest.parks_ok + latest.parks_failed
    a = schema.aggregated_cycles.c
    aggregated = conn.execute(select(func.max(a.aggregated_at))).scalar()
    health.last_aggregated_at = None if aggregated is None else as_utc(aggregated)


def _judge(health: Health, settings: Settings) -> None:
    stale = timedelta(minutes=settings.stale_after_minutes)
    if health.last_cycle_at is None or health.now - health.last_cycle_at > stale:
        when = iso(health.last_cycle_at) or "never"
        health.problems["health:stale-data"] = (
            f"data is stale: last successful cycle {when}, "
            f"more than {settings.stale_after_minutes:g} minutes ago"
        )
    failed_pct = 100 * health.parks_failed / health.parks_total if health.parks_total else 0.0
    if failed_pct >= settings.failing_parks_pct:
        health.problems["health:failing-parks"] = (
            f"{health.parks_failed} of {health.parks_total} parks failed in the latest cycle "
            f"({iso(health.latest_cycle_at)}), at least {settings.failing_parks_pct:g} %"
        )
    lag = timedelta(minutes=settings.publish_lag_minutes)
    aggregated, published = health.last_aggregated_at, health.last_published_at
    behind = aggregated is not None and (published is None or published < aggregated)
    if behind and health.now - aggregated > lag:
        health.problems["health:publish-behind"] = (
            f"the site is behind: last publish {iso(published) or 'never'}, "
            f"last aggregation {iso(aggregated)} not published within "
            f"{settings.publish_lag_minutes:g} minutes"
        )
