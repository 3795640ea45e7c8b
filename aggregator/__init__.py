"""The aggregator: snapshots -> hourly and daily stats, outage events, tiers, live status.

Entry function: `aggregate(engine, settings, now=None) -> AggregateSummary`. Reading the
results for any span goes through `span_stats` (and `period_stats` for a named period).
"""

from aggregator.run import AggregateSummary, aggregate

__all__ = ["AggregateSummary", "aggregate"]
