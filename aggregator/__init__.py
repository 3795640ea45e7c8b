"""The aggregator: snapshots -> hourly and daily stats, outage events, tiers, live status.

Entry function: `aggregate(engine, settings, now=None) -> AggregateSummary`. Every reader of
the results (stats command, publisher, web app) goes through `span_stats` (a park's or ride's
numbers over any span of local days), `period_stats` (a named period of METRICS.md) and the
rankings built on them, so no view restates a formula.

Readers import this package without pandas: `aggregate` (which needs pandas) is loaded only
when it is asked for.
"""

from __future__ import annotations

from typing import Any

from aggregator.spans import (
    PARK,
    RIDE,
    Stats,
    live_score,
    period_stats,
    rank_parks,
    rank_rides,
    span_stats,
)

__all__ = [
    "PARK",
    "RIDE",
    "AggregateSummary",
    "Stats",
    "aggregate",
    "live_score",
    "period_stats",
    "rank_parks",
    "rank_rides",
    "span_stats",
]


def __getattr__(name: str) -> Any:
    if name in ("aggregate", "AggregateSummary"):
        from aggregator import run

        return getattr(run, name)
    raise AttributeError(f"module 'aggregator' has no attribute {name!r}")
