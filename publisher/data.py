"""Everything a publish reads, loaded once in a few batch queries (`aggregator.read`).

Each period's stats are read once for every park and every ride; rankings slice them per filter,
and park and ride pages pick their own rows from the same objects, so a ranking, a park page and
`hallofshame stats` cannot disagree.

What only settled days make (the completed periods' stats, the trend, heatmap and outage rows
before the earliest park-local today) is kept in a cache between publishes, keyed by
`read.settled_version`: the after-cycle publish then reads only live and today's rows.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from aggregator import read, spans
from aggregator.spans import PARK, RIDE, Stats
from hallofshame import metrics

HEATMAP_DAYS = 30  # the park page's day x hour heatmap
TREND_DAYS = 30  # daily shame trend (parks) and uptime history (rides)
OUTAGE_DAYS = 30  # outage history on park and ride pages
READERS = 3  # connections reading at once (the database does the summing)
Rows = dict[int, list[dict[str, Any]]]


@dataclass
class SiteData:
    """The numbers of one publish, as of `now`."""

    now: datetime
    catalog: read.Catalog
    stats: dict[str, dict[str, dict[int, Stats]]]  # level -> period -> id -> Stats
    live_waits: dict[int, int | None]
    heatmaps: Rows
    park_trends: Rows
    ride_trends: Rows
    outages: list[dict[str, Any]]
    data_as_of: datetime | None
    simulated: bool
    window: tuple[date, date] | None
    cut: date | None = None  # the earliest park-local today: every day before has ended
    settled: str = ""  # changes whenever a number made of ended days can have changed
    todays: tuple[date, ...] = ()  # the park-local dates of `now`
    catalog_digest: str = ""  # changes with any name, group, tier or time zone
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


def load(engine: Engine, now: datetime, cache: dict[Any, Any] | None = None) -> SiteData:
    """One batch of queries: the catalogue, every period's stats at both levels, live states,
    heatmaps, trends and outages of the last 30 days, read on a few connections at once (the
    publish holds the pipeline's lock: nothing writes meanwhile). `cache` (from the previous
    publish) is updated in place: what it holds for the current settled version is reused."""
    timings: dict[str, float] = {}
    began = time.monotonic()
    with engine.connect() as conn:
        catalog = read.catalog(conn)
        cut = earliest_today(catalog, now)
        settled = (read.settled_version(conn, cut), _ids_signature(catalog), cut, CODE_VERSION)
        window = read.window(read.latest_day(conn), TREND_DAYS)
    old, new = dict(cache or {}), {}
    todays = tuple(sorted({metrics.local_day(now, p.timezone) for p in catalog.parks.values()}))
    jobs: dict[tuple, Any] = {}
    with ThreadPoolExecutor(READERS) as pool:

        def submit(key: tuple, build: Any, keep: bool = True) -> None:
            full_key = (*key, settled)
            if keep and full_key in old:
                new[full_key] = old[full_key]
                return
            jobs[key] = (pool.submit(_on_connection, engine, build), full_key if keep else None)

        for level in (PARK, RIDE):
            for period in metrics.PERIODS:
                keep = period not in metrics.PROVISIONAL_PERIODS
                submit(("stats", level, period, todays), _stats_reader(level, period, now), keep)
        submit(("past", window), lambda conn: _past(conn, window, cut))
        submit(("recent", window), lambda conn: _recent(conn, window, cut), keep=False)
    found: dict[tuple, Any] = {}
    for key, (future, full_key) in jobs.items():
        found[key] = future.result()
        if full_key is not None:
            new[full_key] = found[key]
    for full_key, value in new.items():
        found.setdefault(full_key[:-1], value)
    stats: dict[str, dict[str, dict[int, Stats]]] = {
        level: {p: found[("stats", level, p, todays)] for p in metrics.PERIODS}
        for level in (PARK, RIDE)
    }
    timings["stats"] = time.monotonic() - began
    past, recent = found[("past", window)], found[("recent", window)]
    if cache is not None:
        cache.clear()
        cache.update(new)
    data = SiteData(
        now=now,
        catalog=catalog,
        stats=stats,
        live_waits=_on_connection(engine, read.live_waits),
        heatmaps=_joined(past["heatmaps"], recent["heatmaps"]),
        park_trends=_joined(past["park_trends"], recent["park_trends"]),
        ride_trends=_joined(past["ride_trends"], recent["ride_trends"]),
        outages=sorted(
            past["outages"] + recent["outages"],
            key=lambda e: (-e["minutes"], e["start_at"], e["ride_id"]),
        ),
        data_as_of=_on_connection(engine, read.data_as_of),
        simulated=_on_connection(engine, read.is_simulated),
        window=window,
        cut=cut,
        settled=hashlib.sha256(repr(settled).encode()).hexdigest()[:16],
        todays=todays,
        catalog_digest=hashlib.sha256(repr(catalog).encode()).hexdigest()[:16],
        timings=timings,
    )
    timings["load"] = time.monotonic() - began
    return data


def _code_version() -> str:
    """The code that computes cached numbers: when it changes, nothing cached is reused."""
    digest = hashlib.sha256()
    for module in (read, spans, metrics):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def earliest_today(catalog: read.Catalog, now: datetime) -> date:
    """The earliest park-local date of `now`: every day before it has ended in every park."""
    zones = {p.timezone for p in catalog.parks.values()} or {"UTC"}
    return min(metrics.local_day(now, zone) for zone in zones)


def _stats_reader(level: str, period: str, now: datetime) -> Any:
    return lambda conn: read.all_period_stats(conn, level, period, now)


def _on_connection(engine: Engine, work: Any) -> Any:
    with engine.connect() as conn:
        return work(conn)


def _ids_signature(catalog: read.Catalog) -> str:
    """Which parks and rides (and their time zones) exist: new ones need their own rows."""
    text = repr((sorted((p.id, p.timezone) for p in catalog.parks.values()), sorted(catalog.rides)))
    return hashlib.sha256(text.encode()).hexdigest()


def _past(conn: Connection, window: tuple[date, date] | None, cut: date) -> dict[str, Any]:
    """Trend, heatmap and outage rows of the window's days before `cut`."""
    if window is None or window[0] >= cut:
        return _empty()
    return _rows(conn, window[0], min(window[1], cut - timedelta(days=1)))


def _recent(conn: Connection, window: tuple[date, date] | None, cut: date) -> dict[str, Any]:
    """... and of the days from `cut` on (today's rows move with every cycle)."""
    if window is None or window[1] < cut:
        return _empty()
    return _rows(conn, max(window[0], cut), window[1])


def _rows(conn: Connection, first: date, last: date) -> dict[str, Any]:
    return {
        "heatmaps": read.heatmap(conn, first, last),
        "park_trends": read.daily_trends(conn, PARK, first, last),
        "ride_trends": read.daily_trends(conn, RIDE, first, last),
        "outages": read.outages(conn, first, last),
    }


def _empty() -> dict[str, Any]:
    return {"heatmaps": {}, "park_trends": {}, "ride_trends": {}, "outages": []}


def _joined(past: Rows, recent: Rows) -> Rows:
    """Per id, the past rows then the recent ones (both in day order)."""
    joined = {key: list(rows) for key, rows in past.items()}
    for key, rows in recent.items():
        joined.setdefault(key, []).extend(rows)
    return joined


CODE_VERSION = _code_version()
