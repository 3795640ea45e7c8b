"""The rules of METRICS.md, each in exactly one place.

Every stage (collector, aggregator, publisher, web app) imports its constants and formulas from
here and never restates them. Where METRICS.md leaves a choice open, the choice is a named
constant below and is explained on the site's "How we measure" page.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from hallofshame.clock import as_utc

# --- Observed state of a ride at a cycle ------------------------------------------------------
OPEN, CLOSED, STALE = "open", "closed", "stale"
# A ride's or park's published live status: the observed states, and also down (closed while
# its park is open), unknown (no usable reading) and no data (never measured)
DOWN, UNKNOWN, NO_DATA = "down", "unknown", "no data"
STATUSES = (OPEN, DOWN, CLOSED, UNKNOWN, STALE, NO_DATA)
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
    a reading without a `last_updated`, or one older than STALE_AFTER, is no data: neither open
    nor closed."""
    if last_updated is None or as_utc(cycle_at) - as_utc(last_updated) > STALE_AFTER:
        return STALE
    if is_open or (wait_time or 0) > 0:
        return OPEN
    return CLOSED


# --- A frozen feed -----------------------------------------------------------------------------
# Real feeds sometimes stop moving while `last_updated` keeps advancing (one park repeated the
# same 36 readings for over three hours): the stale rule cannot see it. A park's reading at a
# cycle is every ride's (ride, is_open, wait_time); a run is the park's consecutive cycles with
# the same reading. A run spanning at least FROZEN_AFTER (first to last cycle) while at least
# FROZEN_MIN_POSTING rides post a wait above 0 is frozen: every cycle of it after its first is
# `stale` for every ride of the park, until a reading changes (that cycle counts again).
FROZEN_AFTER = timedelta(minutes=60)
FROZEN_MIN_POSTING = 5
FROZEN_READING = ("ride_id", "is_open", "wait_time")  # what must repeat, ride by ride
# Design choices: whether the park is open at a frozen cycle is read from its repeated readings
# (a park frozen while open is open with every ride's state unknown: unknown time, not closed
# time); and a run is judged within the park's local day, like outages: the first cycle of a day
# starts a new run.


def frozen_cycles(repeats: Any, cycle_at: Any, posting: Any) -> Any:
    """Which of a park's cycles (in time order; several parks one after another) are frozen.

    `repeats`: the cycle's reading equals the park's previous cycle's (False at each park's
    first cycle, which starts a run); `posting`: how many rides post a wait above 0 at it."""
    repeats = np.asarray(repeats, dtype=bool).copy()
    if not len(repeats):
        return repeats
    repeats[0] = False
    times = np.asarray(cycle_at, dtype="datetime64[m]")
    starts = np.flatnonzero(~repeats)
    ends = np.r_[starts[1:], len(repeats)] - 1
    long_enough = (times[ends] - times[starts]) >= np.timedelta64(FROZEN_AFTER)
    run = np.cumsum(~repeats) - 1
    return repeats & long_enough[run] & (np.asarray(posting) >= FROZEN_MIN_POSTING)


def park_open_threshold(active_rides: int) -> int:
    """How many active `ride`-kind rides must be open for the park to count as open."""
    return max(1, math.ceil(PARK_OPEN_SHARE * active_rides))


def park_is_open(open_rides: int, active_rides: int) -> bool:
    return open_rides >= park_open_threshold(active_rides)


def is_active(last_open_at: datetime | None, day: date, timezone: str) -> bool:
    """Active on a local day: open at least once in `active_window(day)` (the collector's live
    view; the aggregator applies the same window to a whole day's history)."""
    if last_open_at is None:
        return False
    first, last = active_window(day)
    return first <= local_day(last_open_at, timezone) <= last


# =============================================================================================
# Aggregation rules (the aggregator, publisher and web app read these; none restates them).
# =============================================================================================

# --- Time, not counts ------------------------------------------------------------------------
GAP_CAP_INTERVALS = 2  # a cycle's state holds until the park's next cycle, at most 2 intervals


def gap_cap(interval_minutes: int) -> timedelta:
    """How long one cycle's state may hold; beyond it the time is unknown (a gap of ours)."""
    return timedelta(minutes=GAP_CAP_INTERVALS * interval_minutes)


def split_gap(gap: Any, to_day_end: Any, cap: Any) -> tuple[Any, Any]:
    """(minutes the cycle's state holds, unknown minutes after it), in its operating day.

    `gap` is the time to the park's next cycle (infinite without one), `to_day_end` the time to
    the end of the local day (the next day's first cycle starts that day's time), `cap` the gap
    cap. Works on numbers and on numpy/pandas arrays alike, so the aggregator applies this very
    rule to a whole day at once.
    """
    span = np.minimum(gap, to_day_end)
    held = np.minimum(span, cap)
    return held, span - held


# Design choices where METRICS.md leaves room (the "How we measure" page explains them):
# - A park's A (active `ride`-kind rides, for the open threshold) is the day's whole active set:
#   rides open at least once in the 7 local days up to and including that day (`active_window`),
#   whether or not the feed listed them at a given cycle. In a finished day a ride first opening
#   at 15:00 is active all day, so openness is recomputed per day, not read from park_snapshots.
# - A ride missing from its park's document at a cycle gets no time that cycle (neither up, down
#   nor unknown); a park missing from a cycle (failed fetch) leaves a gap: see `split_gap`.
# - An outage runs from its first down cycle to the end of its last down cycle's time; its length
#   is its down minutes. Only a *counted* opening ends it: the ride observed open while its park
#   is open. Neutral time inside it (unknown, stale, or the park counting as closed, even when
#   the ride is seen open then) is not counted and does not end it, so an open -> closed ->
#   (seen open while the park is closed) -> closed ride has one breakdown. Outages do not cross
#   midnight: a ride must open again on a new day before it can be down.
# - End of day: a closure "lasts until the span ends" when the ride is not observed open at any
#   cycle after its start and before the span's end (an opening while the park counts as closed
#   included), as METRICS.md words it.
# - Wait statistics are over cycles where the park is open and the ride is observed open with a
#   posted wait (a wait posted while "closed" counts, as does a posted 0): see `wait_counts`. A
#   day's median and p90 are kept once the day is final; today's are in the hourly rows
#   (percentiles cannot be summed).
# - A ride with no open or down minutes in a span is "no data" for that span, like a park with
#   no open span.
# - Live: the denominator is every counted ride of the park that day, listed at the cycle or not.
# Design choice: a cycle's minutes belong to the local hour and day of its `cycle_at` (cycles fall
# on whole minutes, so with 10-minute cycles nothing straddles an hour). A cycle counts once its
# duration is known, i.e. once the park's next cycle (or the end of its day) is there: the latest
# cycle of "today" is pending and shows only in `live`.

# --- Which rides count -----------------------------------------------------------------------
TIER_HEADLINER, TIER_MAJOR, TIER_MINOR = 1, 2, 3
TIERS = (TIER_HEADLINER, TIER_MAJOR, TIER_MINOR)
TIER_WEIGHTS = {TIER_HEADLINER: 3, TIER_MAJOR: 2, TIER_MINOR: 1}
NEW_RIDE_TIER = TIER_MAJOR  # no posted wait in the window yet
TIER_WINDOW_DAYS = 30
TIER_HEADLINER_WAIT = 30  # median posted wait (minutes) for tier 1
TIER_MAJOR_WAIT = 10  # ... for tier 2
# The tier's median is the median of every posted wait of every cycle at which the ride was
# observed open (zeros included; the park open or not) over the TIER_WINDOW_DAYS complete local
# days before the day: all those waits together, not a median of daily medians. Raw snapshots
# live 48 hours, so each final day keeps how many cycles posted each wait (`counts_for_tier`);
# the window's counts are summed and `medians_of_counts` takes the exact median (of an even
# count: the mean of the two middle waits). Design choice: the tier of a day is fixed from the
# days before it when the day is first computed, and every later recompute of that day keeps it
# (unless the override file now names the ride), so a day's weights never move.


def counts_for_tier(state: Any, posted: Any) -> Any:
    """Whether a ride-cycle's posted wait enters its tier median: observed open, a wait posted."""
    return np.asarray((state == OPEN) & posted, dtype=bool)


def medians_of_counts(group: Any, wait: Any, count: Any) -> tuple[Any, Any]:
    """Per group (a ride), the median of its waits given as (wait, count) rows in any order:
    the same as the median of the waits written out one by one (of an even number, the mean of
    the two middle ones). Returns (groups, medians), groups ascending; empty groups are left
    out. Vectorized: one call for every ride of a batch."""
    return quantiles_of_counts(group, wait, count, 0.5)


def quantiles_of_counts(group: Any, wait: Any, count: Any, q: float) -> tuple[Any, Any]:
    """Per group, the `q` quantile of its waits given as (wait, count) rows, interpolated
    linearly between the two waits around position q x (n - 1) of the n waits written out in
    order (pandas' default; at q = 0.5 the median above). Returns (groups, quantiles)."""
    keep = np.asarray(count) > 0
    group, wait, count = (np.asarray(a)[keep] for a in (group, wait, count))
    if not len(group):
        return group, wait.astype("float64")
    order = np.lexsort((wait, group))
    group, wait, count = group[order], wait[order].astype("float64"), count[order]
    cumulative = np.cumsum(count.astype("int64"))
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    before = np.r_[0, cumulative][starts]
    total = np.r_[cumulative[starts[1:] - 1], cumulative[-1:]] - before
    position = (total - 1) * q
    below = np.floor(position).astype("int64")
    above = np.ceil(position).astype("int64")
    low = wait[np.searchsorted(cumulative, before + below, side="right")]
    high = wait[np.searchsorted(cumulative, before + above, side="right")]
    if q == 0.5:  # the mean of the two middle waits, exactly
        return group[starts], (low + high) / 2
    return group[starts], low + (high - low) * (position - below)


def tier_from_wait(median_wait: float | None) -> int:
    """Tier 1 at a 30-minute median posted wait, tier 2 at 10, else 3; no data: a new ride."""
    if median_wait is None or math.isnan(median_wait):
        return NEW_RIDE_TIER
    if median_wait >= TIER_HEADLINER_WAIT:
        return TIER_HEADLINER
    if median_wait >= TIER_MAJOR_WAIT:
        return TIER_MAJOR
    return TIER_MINOR


def tier_weight(tier: int) -> int:
    return TIER_WEIGHTS[tier]


def active_window(day: date) -> tuple[date, date]:
    """Local days a ride must have been open on (at least once) to be active on `day`."""
    return day - timedelta(days=ACTIVE_WINDOW_DAYS - 1), day


# --- Downtime ----------------------------------------------------------------------------------
END_OF_DAY_WINDOW = timedelta(minutes=60)  # a lone ride closing this close to the end: closing
GROUP_CLOSING_WINDOW = timedelta(hours=3)  # a group closing this close to the end: closing
GROUP_CLOSING_OTHERS = 3  # ... when at least this many other rides close with it
GROUP_CLOSING_WITHIN = timedelta(minutes=15)  # ... starting this close to it (before or after)
# A ride is *counted* on a day when it is active and of the ranked kind. At a cycle it is:
COUNTED_OPEN, COUNTED_DOWN, NEUTRAL = "open", "down", ""  # neutral: neither up nor down
# The functions below take numbers/strings or numpy/pandas arrays alike (the aggregator applies
# them to a whole day of snapshots at once); booleans combine with & and |.


def counted_state(state: Any, counted: Any, park_open: Any, opened_before: Any) -> Any:
    """open: a counted ride observed open while its park is open; down: observed closed (not
    stale) while the park is open, after it has been open earlier that operating day (before
    that it is late, not broken); anything else is neutral."""
    measured = np.asarray(counted & park_open, dtype=bool)
    is_open = measured & np.asarray(state == OPEN, dtype=bool)
    is_down = measured & np.asarray((state == CLOSED) & opened_before, dtype=bool)
    return np.select([is_open, is_down], [COUNTED_OPEN, COUNTED_DOWN], default=NEUTRAL)


def minutes_by_state(
    cls: Any, state: Any, held: Any, unknown_after: Any, measured: Any
) -> tuple[Any, Any, Any]:
    """(open, down, unknown) minutes of one ride-cycle. Unknown: a counted ride's stale time
    and the gap beyond the cap, while its park is open (`measured`)."""
    open_m = np.where(cls == COUNTED_OPEN, held, 0)
    down_m = np.where(cls == COUNTED_DOWN, held, 0)
    unknown_m = np.where(measured, np.where(state == STALE, held, 0) + unknown_after, 0)
    return open_m, down_m, unknown_m


def is_breakdown(cls: Any, previous_counted: Any) -> Any:
    """An open->down transition: down now, and the last counted state before was not down.
    Neutral time in between (unknown, stale, the park closed: even a ride seen open while its
    park counts as closed) neither ends an outage nor starts a new one."""
    return (cls == COUNTED_DOWN) & (previous_counted != COUNTED_DOWN)


def closing_for_the_night(outage_start: Any, span_end: Any, reopened: Any, others: Any) -> Any:
    """End of day (finished days only): a closure that lasts until the park's open span ends
    (not `reopened`: the ride is not observed open after its start) is the ride closing, not a
    breakdown, when it starts in the last 60 minutes of the span, or in the last 3 hours with
    at least 3 `others` (`shared_closures`): a land or a section closing early together."""
    lone = outage_start >= span_end - END_OF_DAY_WINDOW
    group = (outage_start >= span_end - GROUP_CLOSING_WINDOW) & (others >= GROUP_CLOSING_OTHERS)
    return np.logical_not(reopened) & (lone | group)


def shared_closures(park_id: Any, start: Any) -> Any:
    """For each closure lasting to its park's span end (one per ride: a park id and a start
    time), how many other such closures of the same park start within GROUP_CLOSING_WITHIN of
    it, before or after (the bounds included)."""
    parks = np.unique(np.asarray(park_id), return_inverse=True)[1].astype("int64")
    minutes = np.asarray(start, dtype="datetime64[m]").astype("int64")
    within = GROUP_CLOSING_WITHIN // timedelta(minutes=1)
    spread = int(minutes.max() - minutes.min()) + 2 * within + 1 if len(minutes) else 1
    keys = parks * spread + (minutes - (minutes.min() if len(minutes) else 0))
    ordered = np.sort(keys)
    low = np.searchsorted(ordered, keys - within, side="left")
    high = np.searchsorted(ordered, keys + within, side="right")
    return high - low - 1


def wait_counts(state: Any, park_open: Any, posted: Any) -> Any:
    """Whether a ride-cycle's posted wait enters the wait statistics: the park is open and the
    ride observed open with a wait posted (a posted 0 included). Waits a ride posts while its
    park counts as closed (testing in the morning, the last riders at night) are left out."""
    return np.asarray(park_open, dtype=bool) & np.asarray((state == OPEN) & posted, dtype=bool)


# --- Numbers ---------------------------------------------------------------------------------
SHAME_SCALE = 10.0
WAIT_PERCENTILE = 0.9  # the "p90" of posted waits, linear interpolation (pandas default)
WAIT_STORED_DECIMALS = 2  # wait median / p90 are stored rounded: the same on every database


def shame_score(weighted_down: float, weighted_time: float) -> float | None:
    """10 * Σ w·down / Σ w·(open + down): a ratio of sums; None when nothing was measured."""
    return SHAME_SCALE * weighted_down / weighted_time if weighted_time else None


def live_shame_score(weighted_down_now: float, weighted_active: float) -> float | None:
    """Live: 10 * Σ w over rides down now / Σ w over active rides (open parks only)."""
    return SHAME_SCALE * weighted_down_now / weighted_active if weighted_active else None


class Scored(Protocol):
    """Anything ranked: a park's or ride's numbers with its id and (maybe) a shame score."""

    @property
    def id(self) -> int: ...
    @property
    def shame_score(self) -> float | None: ...


S = TypeVar("S", bound=Scored)


def worst_first(candidates: Iterable[S]) -> list[S]:
    """The one ranking order of the site, the data files, the demo and the API: highest shame
    score first, ties by id. Without a score ("no data") a park or ride is left out, never
    ranked with a zero."""
    scored = [c for c in candidates if c.shame_score is not None]
    return sorted(scored, key=lambda c: (-(c.shame_score or 0.0), c.id))


def uptime_pct(open_minutes: float, down_minutes: float) -> float | None:
    total = open_minutes + down_minutes
    return 100.0 * open_minutes / total if total else None


def downtime_hours(down_minutes: float) -> float:
    return down_minutes / 60.0


def mean_time_to_repair(down_minutes: float, breakdowns: int) -> float | None:
    """Minutes of downtime per breakdown; None without a breakdown."""
    return down_minutes / breakdowns if breakdowns else None


# Rounding rule: half away from zero (1.25 -> 1.3, 81.25 -> 81.3), as readers and spreadsheets
# expect; Python's `round` is half-to-even (1.25 -> 1.2). Design choice: a value is rounded from
# its shortest decimal form (the float's `repr`), as it would be written down: 90.625 is 90.6 at
# one decimal and 90.63 at two, and 1.005 (stored as 1.00499...) is 1.01 at two.
DISPLAY_ROUNDING = ROUND_HALF_UP


def round_half_away(value: float, decimals: int) -> float:
    """`value` rounded to `decimals` places, half away from zero (DISPLAY_ROUNDING)."""
    value = float(value)
    if not math.isfinite(value):
        return value
    scale = _SCALES.get(decimals)
    if scale is not None:  # the fast path, for all but the values near a half
        scaled = abs(value) * scale
        whole = math.floor(scaled)
        if scaled < _EXACT_BELOW and abs(scaled - whole - 0.5) > _NEAR_HALF:
            rounded = (whole + (scaled - whole > 0.5)) / scale
            return math.copysign(rounded, value)
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=DISPLAY_ROUNDING))


# round_half_away's fast path: with the scaled value well below 2**40 its float error is under
# 1e-4 of a unit, so any fraction further than _NEAR_HALF from .5 rounds the same way as the
# decimal it prints as; an integer count of steps over an exact power of ten is then the same
# float as float(Decimal(...)). Near a half, and for huge values, the decimal path decides.
_SCALES = {d: float(10**d) for d in range(0, 7)}
_EXACT_BELOW = 2.0**40
_NEAR_HALF = 1e-4


# --- Periods -----------------------------------------------------------------------------------
LIVE = "live"
LIVE_MAX_AGE = timedelta(minutes=30)  # live is published only from a cycle this fresh


def _previous_iso_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


# Period name -> park-local today -> (first day, last day), inclusive. `live` has no days: it is
# the latest cycle. An empty span (this-year on January 1st) has first > last: no data.
PERIODS: dict[str, Callable[[date], tuple[date, date]] | None] = {
    LIVE: None,
    "today": lambda t: (t, t),
    "yesterday": lambda t: (t - timedelta(days=1), t - timedelta(days=1)),
    "last-7-days": lambda t: (t - timedelta(days=7), t - timedelta(days=1)),
    "last-30-days": lambda t: (t - timedelta(days=30), t - timedelta(days=1)),
    "last-week": _previous_iso_week,
    "last-month": _previous_month,
    "this-year": lambda t: (t.replace(month=1, day=1), t - timedelta(days=1)),
}
PROVISIONAL_PERIODS = ("live", "today")  # the others end yesterday: made of final days only


def period_span(period: str, today: date) -> tuple[date, date]:
    """The local days of a period for a park whose local date is `today`."""
    span = PERIODS.get(period)
    if span is None:
        raise ValueError(f"period {period!r} has no span of days (known: {', '.join(PERIODS)})")
    return span(today)


def _days_before(span: tuple[date, date]) -> tuple[date, date]:
    length = span[1] - span[0] + timedelta(days=1)
    return span[0] - length, span[1] - length


def _year_before(span: tuple[date, date]) -> tuple[date, date]:
    return _a_year_before(span[0]), _a_year_before(span[1])


def _a_year_before(day: date) -> date:
    """The same date a year before; 29 February becomes the 28th."""
    if day.month == 2 and day.day == 29:
        day = day - timedelta(days=1)
    return day.replace(year=day.year - 1)


# Completed period -> its span -> the previous span of the same length that its shame score is
# compared with: the days just before (the day, the 7 or 30 days, the ISO week before), the
# calendar month before, and for this-year the same days of last year (1 January to the same
# date), so a change means "worse or better than the period before", not "a longer period".
# Live and today have none: a cycle or a day so far has no finished twin to compare with.
PREVIOUS: dict[str, Callable[[tuple[date, date]], tuple[date, date]]] = {
    "yesterday": _days_before,
    "last-7-days": _days_before,
    "last-30-days": _days_before,
    "last-week": _days_before,
    "last-month": lambda span: _previous_month(span[0]),
    "this-year": _year_before,
}
COMPARED_PERIODS = tuple(PREVIOUS)


def previous_span(period: str, today: date) -> tuple[date, date]:
    """The local days a completed period's shame score is compared with (`PREVIOUS`)."""
    previous = PREVIOUS.get(period)
    if previous is None:
        raise ValueError(f"period {period!r} has no previous period (compared: {COMPARED_PERIODS})")
    return previous(period_span(period, today))


def score_change(score: float | None, previous: float | None, decimals: int) -> float | None:
    """How much a shame score went up (positive) or down against the previous period: the
    difference of the two scores as published (at `decimals`), so a reader who subtracts the
    two numbers shown gets the change shown; None when either period has no data."""
    if score is None or previous is None:
        return None
    shown = round_half_away(score, decimals) - round_half_away(previous, decimals)
    return round_half_away(shown, decimals)


# --- Filters -----------------------------------------------------------------------------------
DISNEY_UNIVERSAL = ("Disney", "Universal")


def slug(text: str) -> str:
    """`North America` -> `north-america`: ASCII letters and digits (accents dropped), words
    joined by hyphens; empty when the text has none."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in plain).split())


SLUG_MAX = 48  # longer continent slugs are cut and take a hash (a file name has 255 bytes)
HASHED = re.compile(r"-[0-9a-f]{8}$")


def continent_slug(continent: str) -> str:
    """A continent's filter name: its slug when the name is that slug's title-case spelling
    (`North America` -> `north-america`, as parks.json names them). Any other name (another
    spelling of a taken slug, a fixed filter's name, no Latin letter or digit, a very long
    name) takes 8 hex digits of its own hash: every name gets a non-empty filter of its own,
    the same whatever other names exist, never one of the fixed filters."""
    base = slug(continent)
    title = " ".join(word.capitalize() for word in base.split("-"))
    plain = base not in FILTERS and len(base) <= SLUG_MAX and not HASHED.search(base)
    if base and plain and continent == title:
        return base
    digest = hashlib.sha256(continent.encode()).hexdigest()[:8]
    return f"{base[:SLUG_MAX].rstrip('-') or 'continent'}-{digest}"


# Filter name -> predicate over (operator group name, continent). Continent filters are added
# per continent present in the data by `filter_names`.
FILTERS: dict[str, Callable[[str | None, str | None], bool]] = {
    "all": lambda group, continent: True,
    "disney-universal": lambda group, continent: any(
        name.lower() in (group or "").lower() for name in DISNEY_UNIVERSAL
    ),
}


def filter_names(continents: list[str | None]) -> list[str]:
    """Every filter: the fixed ones, then one per continent (sorted)."""
    return list(FILTERS) + sorted({continent_slug(c) for c in continents if c})


def park_matches(filter_name: str, group_name: str | None, continent: str | None) -> bool:
    """Whether a park (by its operator group and continent) belongs under a filter."""
    if filter_name in FILTERS:
        return FILTERS[filter_name](group_name, continent)
    return bool(continent) and continent_slug(continent) == filter_name


# --- Retention -----------------------------------------------------------------------------------
# Raw per-cycle rows (ride and park snapshots) are deleted once their park's local day is final
# and aggregated and they are older than RAW_RETENTION_HOURS (settings). Nothing else is deleted.
