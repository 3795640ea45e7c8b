"""The rules of METRICS.md as functions: each checked on numbers worked out by hand."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from hallofshame import fields, metrics


def test_a_cycle_holds_until_the_next_one_capped_then_time_is_unknown():
    """Next cycle 10 min later: 10 held. 40 min later (cap 20): 20 held, 20 unknown. No next
    cycle, 15 min before the day ends: 15 held. Arrays give the same answers."""
    assert metrics.split_gap(10, 600, 20) == (10, 0)
    assert metrics.split_gap(40, 600, 20) == (20, 20)
    assert metrics.split_gap(float("inf"), 15, 20) == (15, 0)
    held, unknown = metrics.split_gap(np.array([10, 40, np.inf]), np.array([600, 600, 15]), 20)
    assert held.tolist() == [10, 20, 15] and unknown.tolist() == [0, 20, 0]
    assert metrics.gap_cap(10) == timedelta(minutes=20)


def test_counted_state_open_down_or_neutral():
    """Down needs: counted, park open, observed closed (not stale), opened before that day."""
    state = np.array(["open", "closed", "closed", "stale", "closed", "open"])
    counted = np.array([True, True, True, True, True, False])
    park_open = np.array([True, True, True, True, False, True])
    opened_before = np.array([False, True, False, True, True, True])
    found = metrics.counted_state(state, counted, park_open, opened_before)
    assert found.tolist() == ["open", "down", "", "", "", ""]


def test_minutes_by_state():
    """Unknown: stale time and the gap beyond the cap, only while the park is open."""
    cls = np.array(["open", "down", "", ""])
    state = np.array(["open", "closed", "stale", "closed"])
    measured = np.array([True, True, True, False])
    open_m, down_m, unknown_m = metrics.minutes_by_state(
        cls, state, np.array([10, 20, 10, 10]), np.array([0, 20, 0, 30]), measured
    )
    assert (open_m.tolist(), down_m.tolist(), unknown_m.tolist()) == (
        [10, 0, 0, 0],
        [0, 20, 0, 0],
        [0, 20, 10, 0],
    )


def test_observed_state_without_last_updated_is_stale():
    """No `last_updated`: no data (stale), whatever `is_open` and the wait say. 30 minutes old
    is still fresh; 31 minutes is stale."""
    at = datetime(2026, 7, 4, 10, 0, tzinfo=UTC)
    assert metrics.observed_state(True, 20, None, at) == metrics.STALE
    assert metrics.observed_state(False, 0, None, at) == metrics.STALE
    assert metrics.observed_state(True, 20, at - timedelta(minutes=30), at) == metrics.OPEN
    assert metrics.observed_state(False, 15, at, at) == metrics.OPEN
    assert metrics.observed_state(False, 0, at, at) == metrics.CLOSED
    assert metrics.observed_state(True, 20, at - timedelta(minutes=31), at) == metrics.STALE


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("shame_score", 1.25, 1.3),  # round() gives 1.2 (half to even)
        ("shame_score", 0.45, 0.5),
        ("shame_score", 2.35, 2.4),
        ("uptime_pct", 81.25, 81.3),
        ("uptime_pct", 90.625, 90.6),  # one decimal: .625 is below the half
        ("uptime_pct", 99.95, 100.0),
        ("downtime_hours", 90.625, 90.63),  # two decimals: the half goes up
        ("downtime_hours", 1.005, 1.01),  # stored as 1.00499...: rounded as written
        ("downtime_hours", 0.125, 0.13),
        ("shame_score", -1.25, -1.3),  # away from zero on both sides
        ("shame_score", 1.24999, 1.2),
        ("breakdowns", 7, 7),  # counts are not rounded
    ],
)
def test_display_rounds_half_away_from_zero(name, value, shown):
    assert fields.for_display(name, value) == shown


def test_display_rounding_of_numpy_values_and_non_finite():
    assert fields.for_display("shame_score", np.float64(1.25)) == 1.3
    assert metrics.round_half_away(float("inf"), 1) == float("inf")
    assert metrics.DISPLAY_ROUNDING == "ROUND_HALF_UP"


def test_the_fast_rounding_path_agrees_with_the_decimal_rule():
    """round_half_away skips Decimal for values far from a half: on random values of every
    shape (decimal halves, thirds, huge, tiny, negative, -0.0) it gives the decimal's float."""
    from decimal import ROUND_HALF_UP, Decimal

    def by_decimal(value: float, decimals: int) -> float:
        step = Decimal(1).scaleb(-decimals)
        return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))

    rng = random.Random(11)
    values = [-0.0, 0.0, -0.001, 2.675, 1.005, 0.045, 1e15 + 0.5, -2.5, 99.95]
    values += [round(rng.uniform(-100, 100), rng.randint(1, 4)) for _ in range(20000)]
    values += [rng.randint(-(10**6), 10**6) / rng.choice((3, 7, 60, 1440)) for _ in range(20000)]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 15) for _ in range(20000)]
    for value in values:
        for decimals in (0, 1, 2, 3):
            fast, exact = metrics.round_half_away(value, decimals), by_decimal(value, decimals)
            assert (fast, str(fast)[0]) == (exact, str(exact)[0]), (value, decimals)


def test_breakdowns_are_open_to_down_transitions():
    """open, down, (neutral), down, open, down: two breakdowns; a first counted state of down
    (opened while the park was still closed) starts one too."""
    cls = np.array(["down", "down", "open"])
    previous = np.array(["open", "down", "down"])
    assert metrics.is_breakdown(cls, previous).tolist() == [True, False, False]
    assert bool(metrics.is_breakdown("down", ""))


def test_end_of_day_rule():
    """Span ends 22:00: a lone closure from 21:10 (or 21:00) that never reopens is closing;
    from 20:50, or one that reopened, is downtime. With 3 others closing with it, a closure
    from 19:00 is closing (the last 3 hours), one from 18:50 is not, nor one with 2 others."""
    end = datetime(2026, 7, 4, 22, 0)
    at = lambda h, m: datetime(2026, 7, 4, h, m)  # noqa: E731
    assert metrics.closing_for_the_night(at(21, 10), end, False, 0)
    assert metrics.closing_for_the_night(at(21, 0), end, False, 0)
    assert not metrics.closing_for_the_night(at(20, 50), end, False, 0)
    assert not metrics.closing_for_the_night(at(21, 30), end, True, 5)
    assert metrics.closing_for_the_night(at(19, 0), end, False, 3)
    assert not metrics.closing_for_the_night(at(18, 50), end, False, 3)
    assert not metrics.closing_for_the_night(at(19, 0), end, False, 2)
    assert not metrics.closing_for_the_night(at(20, 0), end, True, 3)


def test_shared_closures_count_others_of_the_same_park_within_15_minutes():
    """Park 1: closures at 19:00, 19:10, 19:15, 19:30, 19:46. 19:00 has 19:10 and 19:15 (15
    minutes: included); 19:10 has 19:00, 19:15 (19:30 is 20 away); 19:15 has 19:00, 19:10,
    19:30; 19:30 has 19:15; 19:46 has none (16 minutes). Park 2's 19:05 counts only for park 2
    (none). Order does not matter."""
    at = lambda h, m: np.datetime64(datetime(2026, 7, 4, h, m))  # noqa: E731
    parks = np.array([1, 1, 2, 1, 1, 1])
    starts = np.array([at(19, 10), at(19, 0), at(19, 5), at(19, 15), at(19, 30), at(19, 46)])
    assert metrics.shared_closures(parks, starts).tolist() == [2, 2, 0, 3, 1, 0]
    assert metrics.shared_closures(np.array([], dtype=int), np.array([], "datetime64[m]")).size == 0


def test_medians_of_counts_are_the_medians_of_the_waits_written_out():
    """Ride 1: 5 x 6 and 45 x 4 -> ten waits, 5th and 6th are 5: median 5 (the mean of its
    two daily medians would be 25). Ride 2: 0 x 6, 45 x 4 -> 0. Ride 3: 20 x 2, 45 x 2 ->
    32.5 (even: the mean of the two middle). Ride 4: only zero counts: left out. Rows come in
    any order; seeded random multisets agree with statistics.median."""
    groups = np.array([2, 1, 3, 1, 2, 3, 4])
    waits = np.array([45, 45, 45, 5, 0, 20, 10])
    counts = np.array([4, 4, 2, 6, 6, 2, 0])
    ids, medians = metrics.medians_of_counts(groups, waits, counts)
    assert (ids.tolist(), medians.tolist()) == ([1, 2, 3], [5.0, 0.0, 32.5])
    assert one_median([], []) is None
    assert one_median([7], [3]) == 7.0
    rng = random.Random(42)
    for _ in range(200):
        n = rng.randint(1, 8)
        values, weights = (
            [rng.randint(0, 120) for _ in range(n)],
            [rng.randint(0, 5) for _ in range(n)],
        )
        written = [v for v, w in zip(values, weights, strict=True) for _ in range(w)]
        expected = statistics.median(written) if written else None
        assert one_median(values, weights) == expected


def one_median(waits: list[int], counts: list[int]) -> float | None:
    """The median of one multiset given as distinct values and their counts."""
    _, medians = metrics.medians_of_counts([0] * len(waits), waits, counts)
    return float(medians[0]) if len(medians) else None


@pytest.mark.parametrize(
    ("wait", "tier"), [(None, 2), (float("nan"), 2), (45, 1), (30, 1), (29.5, 2), (10, 2), (9, 3)]
)
def test_tiers_from_the_median_wait(wait, tier):
    assert metrics.tier_from_wait(wait) == tier


def test_weights_and_numbers():
    """Weights 3/2/1. Shame 10 x 100 / 480 = 2.083; uptime 70 / 120 = 58.33 %; MTTR 50 / 2."""
    assert [metrics.tier_weight(t) for t in metrics.TIERS] == [3, 2, 1]
    assert metrics.shame_score(100, 480) == pytest.approx(2.0833, abs=1e-4)
    assert metrics.shame_score(0, 0) is None
    assert metrics.live_shame_score(2, 4) == 5.0
    assert metrics.uptime_pct(70, 50) == pytest.approx(58.333, abs=1e-3)
    assert metrics.uptime_pct(0, 0) is None
    assert metrics.mean_time_to_repair(50, 2) == 25.0
    assert metrics.mean_time_to_repair(50, 0) is None
    assert metrics.downtime_hours(50) == pytest.approx(0.8333, abs=1e-4)
    assert fields.for_display("shame_score", 2.0833) == 2.1
    assert fields.for_display("downtime_hours", 50 / 60) == 0.83
    assert fields.for_display("uptime_pct", 58.333) == 58.3
    assert fields.for_display("shame_score", None) is None


def test_periods_are_one_table():
    """Local today Wednesday 2026-03-04."""
    today = date(2026, 3, 4)
    spans = {name: metrics.period_span(name, today) for name in metrics.PERIODS if name != "live"}
    assert spans == {
        "today": (today, today),
        "yesterday": (date(2026, 3, 3), date(2026, 3, 3)),
        "last-7-days": (date(2026, 2, 25), date(2026, 3, 3)),
        "last-30-days": (date(2026, 2, 2), date(2026, 3, 3)),
        "last-week": (date(2026, 2, 23), date(2026, 3, 1)),  # Monday to Sunday
        "last-month": (date(2026, 2, 1), date(2026, 2, 28)),
        "this-year": (date(2026, 1, 1), date(2026, 3, 3)),
    }
    first, last = metrics.period_span("this-year", date(2026, 1, 1))
    assert first > last  # empty on January 1st: no data
    assert metrics.period_span("last-month", date(2026, 1, 15)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    with pytest.raises(ValueError, match="live"):
        metrics.period_span("live", today)


def test_filters_are_data():
    assert metrics.slug("North America") == "north-america"
    assert metrics.filter_names(["Europe", "North America", None, "Europe"]) == [
        "all",
        "disney-universal",
        "europe",
        "north-america",
    ]
    assert metrics.park_matches("disney-universal", "Walt Disney Attractions", "Europe")
    assert metrics.park_matches("disney-universal", "Universal Parks & Resorts", "Asia")
    assert not metrics.park_matches("disney-universal", "Six Flags", "North America")
    assert metrics.park_matches("north-america", "Six Flags", "North America")
    assert not metrics.park_matches("europe", "Six Flags", "North America")
    assert metrics.park_matches("all", None, None)


def test_active_window_is_seven_local_days():
    assert metrics.active_window(date(2026, 7, 10)) == (date(2026, 7, 4), date(2026, 7, 10))


def test_is_active_uses_the_same_local_day_window_as_the_aggregator():
    """Tokyo: 2026-07-03 23:30 local is 14:30 UTC; the window of 07-10 is 07-04 .. 07-10."""
    zone = "Asia/Tokyo"
    assert not metrics.is_active(datetime(2026, 7, 3, 14, 30, tzinfo=UTC), date(2026, 7, 10), zone)
    assert metrics.is_active(datetime(2026, 7, 3, 15, 30, tzinfo=UTC), date(2026, 7, 10), zone)
    assert metrics.is_active(datetime(2026, 7, 10, 14, 59, tzinfo=UTC), date(2026, 7, 10), zone)
    assert not metrics.is_active(None, date(2026, 7, 10), zone)
