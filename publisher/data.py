"""Everything a publish reads, loaded once in a few batch queries (`aggregator.read`).

Each period's stats are read once for every park and every ride; rankings slice them per filter,
and park and ride pages pick their own rows from the same objects, so a ranking, a park page and
`hallofshame stats` cannot disagree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from aggregator import read
from aggregator.spans import PARK, RIDE, Stats
from hallofshame import metrics

HEATMAP_DAYS = 30  # the park page's day x hour heatmap
TREND_DAYS = 30  # daily shame trend (parks) and uptime history (rides)
OUTAGE_DAYS = 30  # outage history on park and ride pages


@dataclass
class SiteData:
    """The numbers of one publish, as of `now`."""

    now: datetime
    catalog: read.Catalog
    stats: dict[str, dict[str, dict[int, Stats]]]  # level -> period -> id -> Stats
    live_waits: dict[int, int | None]
    heatmaps: dict[int, list[dict[str, Any]]]
    park_trends: dict[int, list[dict[str, Any]]]
    ride_trends: dict[int, list[dict[str, Any]]]
    outages: list[dict[str, Any]]
    data_as_of: datetime | None
    simulated: bool
    window: tuple[date, date] | None
    timings: dict[str, float] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # groupings shared by many pages

    @property
    def periods(self) -> list[str]:
        return list(metrics.PERIODS)

    def outages_by(self, key: str) -> dict[int, list[dict[str, Any]]]:
        """Outage events per park_id or ride_id, longest first."""
        grouped: dict[int, list[dict[str, Any]]] = {}
        for event in self.outages:
            grouped.setdefault(event[key], []).append(event)
        return grouped


def load(conn: Connection, now: datetime) -> SiteData:
    """One batch of queries: the catalogue, every period's stats at both levels, live states,
    heatmaps, trends and outages of the last 30 days."""
    timings: dict[str, float] = {}
    began = time.monotonic()
    catalog = read.catalog(conn)
    stats: dict[str, dict[str, dict[int, Stats]]] = {PARK: {}, RIDE: {}}
    for level in (PARK, RIDE):
        for period in metrics.PERIODS:
            stats[level][period] = read.all_period_stats(conn, level, period, now)
    timings["stats"] = time.monotonic() - began
    window = read.window(read.latest_day(conn), TREND_DAYS)
    empty: dict[int, list[dict[str, Any]]] = {}
    data = SiteData(
        now=now,
        catalog=catalog,
        stats=stats,
        live_waits=read.live_waits(conn),
        heatmaps=read.heatmap(conn, *window) if window else empty,
        park_trends=read.daily_trends(conn, PARK, *window) if window else empty,
        ride_trends=read.daily_trends(conn, RIDE, *window) if window else empty,
        outages=read.outages(conn, *window) if window else [],
        data_as_of=read.data_as_of(conn),
        simulated=read.is_simulated(conn),
        window=window,
        timings=timings,
    )
    timings["load"] = time.monotonic() - began
    return data
