"""The change of a shame score against the previous period of the same length: the rule of
each period's previous span, the published change (the difference of the two scores as
published; null without data on either side), the schema it validates against and the words a
page says it in. On SQLite and MariaDB."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hallofshame import metrics

TODAY = date(2026, 12, 5)  # a Saturday


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ("yesterday", (date(2026, 12, 3), date(2026, 12, 3))),
        ("last-7-days", (date(2026, 11, 21), date(2026, 11, 27))),
        ("last-30-days", (date(2026, 10, 6), date(2026, 11, 4))),
        ("last-week", (date(2026, 11, 16), date(2026, 11, 22))),
        ("last-month", (date(2026, 10, 1), date(2026, 10, 31))),
        ("this-year", (date(2025, 1, 1), date(2025, 12, 4))),
    ],
)
def test_each_completed_period_has_a_previous_span_of_the_same_length(period, previous):
    assert metrics.previous_span(period, TODAY) == previous
    first, last = metrics.period_span(period, TODAY)
    if period not in ("last-month", "this-year"):  # calendar months and years vary
        assert previous[1] - previous[0] == last - first
        assert previous[1] == first - timedelta(days=1)


def test_the_previous_month_and_year_follow_the_calendar():
    assert metrics.previous_span("last-month", date(2026, 3, 15)) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    # this year up to 29 Feb 2028 against 1 Jan to 28 Feb 2027; on 1 January both are empty
    assert metrics.previous_span("this-year", date(2028, 3, 1)) == (
        date(2027, 1, 1),
        date(2027, 2, 28),
    )
    first, last = metrics.previous_span("this-year", date(2027, 1, 1))
    assert first > last


@pytest.mark.parametrize("period", ["live", "today"])
def test_live_and_today_have_no_previous_period(period):
    assert period not in metrics.COMPARED_PERIODS
    with pytest.raises(ValueError, match="no previous period"):
        metrics.previous_span(period, TODAY)


def test_a_change_is_the_difference_of_the_scores_as_published():
    assert metrics.score_change(3.44, 3.05, 1) == 0.3  # 3.4 - 3.1, not round(0.39)
    assert metrics.score_change(0.25, 0.35, 1) == -0.1
    assert metrics.score_change(2.0, 2.04, 1) == 0.0
    assert metrics.score_change(None, 1.0, 1) is None
    assert metrics.score_change(1.0, None, 1) is None
