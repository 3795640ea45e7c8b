"""The reader: every question asked of the stored numbers, beside the collector and aggregator.

The aggregator writes hourly and daily rows; everything that reads them (the publisher, the
web app, the `stats`, `health` and demo commands) asks here: `span_stats` (a park's or ride's
numbers over any span of local days), `period_stats` (a named period of METRICS.md) and the
rankings built on them (`spans.py`), so no view restates a formula; the batch reads a publish
makes (`batch.py`); a ride's day as segments (`timeline.py`); the health verdict that
/api/health and the cron health check share (`health.py`). Nothing here writes, and nothing
here loads pandas or Flask (an import-linter contract holds that).
"""

from __future__ import annotations

from reader.spans import (
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
    "Stats",
    "live_score",
    "period_stats",
    "rank_parks",
    "rank_rides",
    "span_stats",
]
