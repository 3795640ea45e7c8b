"""The rules of METRICS.md, each in exactly one place.

Every stage (collector, aggregator, publisher, web app) imports its constants and formulas from
here and never restates them. Where METRICS.md leaves a choice open, the choice is a named
constant below and is explained on the site's "How we measure" page.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hallofshame.clock import as_utc

# --- Observed state of a ride at a cycle ------------------------------------------------------
OPEN, CLOSED, STALE = "open", "closed", "stale"
STALE_AFTER = timedelta(minutes=30)

# --- Which rides count -----------------------------------------------------------------------
RIDE, SINGLE_RIDER, OTHER = "ride", "single_rider", "other"
KINDS = (RIDE, SINGLE_RIDER, OTHER)
RANKED_KIND = RIDE
ACTIVE_WINDOW_DAYS = 7  # open at least once in the 7 days up to and including the day

# --- When a park is open ---------------------------------------------------------------------
PARK_OPEN_SHARE = 0.25  # at least max(1, ceil(25 % of active rides)) open


def local_day(instant: datetime, timezone: str) -> date:
    """The park's operating day an instant belongs to: its local calendar day."""
    return as_utc(instant).astimezone(ZoneInfo(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day in UTC: 23 or 25 hours long on DST changes."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return as_utc(start), as_utc(end)


def cycle_time(now: datetime) -> datetime:
    """The one timestamp of a cycle: UTC, truncated to the minute."""
    return as_utc(now).replace(second=0, microsecond=0)


def observed_state(
    is_open: bool, wait_time: int | None, last_updated: datetime | None, cycle_at: datetime
) -> str:
    """open / closed / stale. A posted wait means guests are riding, whatever `is_open` says;
    a reading older than STALE_AFTER is no data, neither open nor closed."""
    if last_updated is not None and as_utc(cycle_at) - as_utc(last_updated) > STALE_AFTER:
        return STALE
    if is_open or (wait_time or 0) > 0:
        return OPEN
    return CLOSED


def park_open_threshold(active_rides: int) -> int:
    """How many active `ride`-kind rides must be open for the park to count as open."""
    return max(1, math.ceil(PARK_OPEN_SHARE * active_rides))


def park_is_open(open_rides: int, active_rides: int) -> bool:
    return open_rides >= park_open_threshold(active_rides)


def is_active(last_open_at: datetime | None, day_end: datetime) -> bool:
    """Active on a day: open at least once in the ACTIVE_WINDOW_DAYS local days up to and
    including it. `day_end` is the end of that local day (exclusive), in UTC."""
    if last_open_at is None:
        return False
    start = as_utc(day_end) - timedelta(days=ACTIVE_WINDOW_DAYS)
    return start <= as_utc(last_open_at) < as_utc(day_end)
