"""Names of the aggregator's additive daily and hourly columns (no pandas: readers import this)."""

ADDITIVE = [
    "open_minutes",
    "down_minutes",
    "unknown_minutes",
    "breakdowns",
    "weighted_down",
    "weighted_time",
]
