"""The aggregator: snapshots -> hourly and daily stats, outage events, tiers, live status.

Entry function: `aggregate(engine, settings, now=None) -> AggregateSummary`. It is the write
side only: what reads the rows it writes lives in `reader`, which imports nothing from here.
"""

from __future__ import annotations

from aggregator.run import AggregateSummary, aggregate

__all__ = ["AggregateSummary", "aggregate"]
