"""Chart geometry (publisher/charts.py): bins, gaps and scales the SVG macros draw."""

from __future__ import annotations

import pytest

from publisher import charts

KNOWN = {"unknown_minutes": 0}  # a heatmap cell whose ride time was all measured


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (None, "hnone"),
        (0.0, "h0"),
        (1.5, "h1"),
        (2.0, "h1"),
        (2.1, "h2"),
        (7.0, "h3"),
        (15.0, "h4"),
        (50.0, "h5"),
    ],
)
def test_heat_levels_are_fixed_bins_so_parks_compare(value: float | None, level: str) -> None:
    assert charts.heat_level(value) == level


def test_heatmap_draws_only_the_hours_some_day_has_data_for() -> None:
    days = ["2026-11-01", "2026-11-02"]
    values = {("2026-11-01", 9): 0.0, ("2026-11-02", 11): 2.5, ("2026-11-02", 10): None}
    grid = charts.heatmap(days, values)
    assert grid["hour_list"] == [9, 10, 11]
    assert len(grid["cells"]) == 6
    assert [c["cls"] for c in grid["cells"]] == ["h0", "hnone", "hnone", "hnone", "hnone", "h2"]
    assert grid["rows"][1] == {
        "day": "2026-11-02",
        "values": [None, None, 2.5],
        "unknown": [None, None, None],
    }
    assert not grid["empty"]


def test_heatmap_without_any_open_hour_is_empty() -> None:
    assert charts.heatmap(["2026-11-01"], {("2026-11-01", 3): None})["empty"]


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1.0), (0.7, 1.0), (1.2, 2.0), (2.2, 2.5), (3.1, 5.0), (7.5, 10.0), (42, 50)],
)
def test_axis_tops_are_round_numbers_at_or_above_the_data(value: float, top: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(top)


def test_bars_leave_a_gap_for_no_data_and_scale_to_the_top() -> None:
    laid = charts.bars([("2026-11-01", 2.0), ("2026-11-02", None), ("2026-11-03", 1.0)])
    assert laid["top"] == 2.0
    heights = [b["h"] for b in laid["bars"]]
    assert heights == [charts.PLOT_H, 0.0, charts.PLOT_H / 2]
    assert laid["bars"][1]["value"] is None
    assert laid["bars"][0]["y"] + laid["bars"][0]["h"] == laid["base"]


def test_percentage_bars_keep_a_fixed_axis() -> None:
    laid = charts.bars([("2026-11-01", 50.0)], top=100)
    assert laid["top"] == 100
    assert laid["bars"][0]["h"] == charts.PLOT_H / 2


def test_bars_without_data_are_empty() -> None:
    assert charts.bars([("2026-11-01", None)])["empty"]


def test_park_heatmap_shows_the_share_of_ride_time_down_per_hour() -> None:
    heat = {
        "from": "2026-11-01",
        "to": "2026-11-03",
        "cells": [
            {"day": "2026-11-01", "hour": 10, "open_minutes": 450, "down_minutes": 150, **KNOWN},
            {"day": "2026-11-03", "hour": 11, "open_minutes": 0, "down_minutes": 0, **KNOWN},
        ],
    }
    grid = charts.park_heatmap(heat)
    assert [r["day"] for r in grid["rows"]] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert grid["hour_list"] == [10]  # an hour nobody rode is not drawn
    assert grid["rows"][0]["values"] == [25.0]  # 150 of 600 ride-minutes down
    assert grid["rows"][1]["values"] == [None]  # a day without rows: no data, not zero
    assert grid["cells"][0]["cls"] == "h5"


def cell(hour: int, open_minutes: int, down_minutes: int, unknown_minutes: int) -> dict:
    return {
        "day": "2026-11-01",
        "hour": hour,
        "open_minutes": open_minutes,
        "down_minutes": down_minutes,
        "unknown_minutes": unknown_minutes,
    }


def test_an_hour_mostly_without_a_usable_reading_is_drawn_as_unknown() -> None:
    """More than half of an hour's ride time unknown (a stale or frozen feed): the cell is
    unknown, not the colour of its few measured minutes; half or less keeps its share down. An
    hour with nothing but unknown time is drawn too (not the blank of a closed hour)."""
    heat = {
        "from": "2026-11-01",
        "to": "2026-11-01",
        "cells": [cell(10, 300, 0, 300), cell(11, 100, 20, 240), cell(12, 0, 0, 360)],
    }
    grid = charts.park_heatmap(heat)
    assert grid["hour_list"] == [10, 11, 12]
    assert [c["cls"] for c in grid["cells"]] == ["h0", "hunknown", "hunknown"]
    assert grid["rows"][0]["unknown"] == [None, pytest.approx(200 / 3), 100.0]
    figure = charts.heatmap_figure("heat", "Heat", heat, "% down")
    assert "11:00: unknown (66.7 % of ride time without a usable reading)</title>" in figure
    assert "12:00: unknown (100.0 % of ride time" in figure
    assert '<td class="num">0.0</td><td class="num">unknown</td><td class="num">unknown</td>' in (
        figure
    )
    assert "without a usable reading" in [e["label"] for e in grid["legend"]][-2]
    assert [e["cls"] for e in grid["legend"]][-2:] == ["hunknown", "hnone"]


def test_daily_points_fill_missing_days_with_gaps() -> None:
    rows = [{"day": "2026-11-01", "uptime_pct": 90.0}, {"day": "2026-11-03", "uptime_pct": None}]
    assert charts.daily_points(rows, "uptime_pct") == [
        ("2026-11-01", 90.0),
        ("2026-11-02", None),
        ("2026-11-03", None),
    ]
    assert charts.daily_points([], "uptime_pct") == []


def test_drawn_charts_escape_every_outside_text() -> None:
    """Titles carry ride and park names: the figures are markup with the names as text."""
    hostile = "<script>alert(1)</script>"
    points = [("2026-07-01", 99.5), ("2026-07-02", None)]
    bars = charts.bars_figure("up", f"Daily uptime of {hostile}", points, "uptime_pct", "% up")
    heat = {
        "from": "2026-07-01",
        "to": "2026-07-01",
        "cells": [
            {"day": "2026-07-01", "hour": 10, "open_minutes": 50, "down_minutes": 10, **KNOWN}
        ],
    }
    grid = charts.heatmap_figure("heat", hostile, heat, "% down")
    for figure in (bars, grid):
        assert hostile not in figure and "&lt;script&gt;alert(1)&lt;/script&gt;" in figure
    assert "<title>2026-07-02: no data</title>" in bars and "10:00: 16.7 % down</title>" in grid


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(1.0, [0, 0.5, 1]), (2.0, [0, 1, 2]), (2.5, [0, 0.5, 1, 1.5, 2, 2.5]), (100, [0, 50, 100])],
)
def test_axis_ticks_are_round_steps(top: float, ticks: list[float]) -> None:
    assert charts.tick_values(top) == pytest.approx(ticks)


def test_daily_points_cover_the_whole_window_with_empty_days_marked() -> None:
    rows = [{"day": "2026-11-03", "shame_score": 1.0}, {"day": "2026-11-09", "shame_score": 2.0}]
    points = charts.daily_points(rows, "shame_score", "2026-11-01", "2026-11-05")
    assert points == [
        ("2026-11-01", None),
        ("2026-11-02", None),
        ("2026-11-03", 1.0),
        ("2026-11-04", None),
        ("2026-11-05", None),
    ]  # a row after the window (a day not begun in the park) is not drawn


def test_bar_labels_name_the_last_day_and_fit_inside_the_chart() -> None:
    points = [(f"2026-11-{d:02d}", 1.0) for d in range(1, 31)]
    laid = charts.bars(points)
    assert laid["labels"][-1]["day"] == "30 Nov" and laid["labels"][0]["day"] == "2 Nov"
    assert all(label["x"] + 20 <= laid["width"] for label in laid["labels"])
    assert [t["value"] for t in laid["ticks"]] == [0, 0.5, 1]


def test_the_heatmap_labels_every_hour_and_every_day_with_axis_titles() -> None:
    heat = {
        "from": "2026-11-01",
        "to": "2026-11-02",
        "cells": [
            {"day": "2026-11-01", "hour": h, "open_minutes": 60, "down_minutes": 0, **KNOWN}
            for h in (9, 10, 11)
        ],
    }
    figure = charts.heatmap_figure("heat", "Heat", heat, "% down")
    assert ">Local hour</text>" in figure
    for hour in ("09", "10", "11"):
        assert f'text-anchor="middle">{hour}</text>' in figure
    assert ">1 Nov</text>" in figure and ">2 Nov</text>" in figure
    bars = charts.bars_figure("b", "Bars", [("2026-11-01", 1.0)], "shame_score", "shame score")
    assert '<text class="axis-title" x="0" y="11">shame score</text>' in bars


def test_the_year_calendar_has_a_square_per_day_by_week_and_weekday() -> None:
    """Wed 1 Jul to Mon 3 Aug 2026: five full weeks and the Monday of a sixth, Monday on top;
    2 Jul has no data (dashed), 3 Jul lost 7.5 % of its open time (the heatmap's 5-10 % bin)."""
    days = charts.days_between("2026-07-01", "2026-08-03")
    values = {"2026-07-02": None, "2026-07-03": 92.5}
    uptimes = [values.get(d, 100.0) for d in days]
    g = charts.calendar("2026-07-01", uptimes)
    assert sum(path.count("M") for path in g["squares"].values()) == len(days) == 34
    assert list(g["squares"]) == ["h0", "hnone", "h3"]  # in the order of their first day
    square = f"h{charts.CAL_CELL}v{charts.CAL_CELL}h-{charts.CAL_CELL}z"
    first, second, third = (charts.CAL_TOP + r * charts.CAL_STEP for r in (2, 3, 4))
    assert g["squares"]["h0"].startswith(f"M{charts.CAL_LEFT} {first}{square}M")
    assert g["squares"]["hnone"] == f"M{charts.CAL_LEFT} {second}{square}"
    assert g["squares"]["h3"] == f"M{charts.CAL_LEFT} {third}{square}"
    last = charts.CAL_LEFT + 5 * charts.CAL_STEP
    assert g["squares"]["h0"].endswith(f"M{last} {charts.CAL_TOP}{square}")
    assert (g["from"], g["to"]) == ("2026-07-01", "2026-08-03")
    assert g["width"] == charts.CAL_LEFT + 6 * charts.CAL_STEP
    assert [label["text"] for label in g["labels"]] == ["Jul", "Aug"]
    assert g["months"]["Jul 2026"] == {"measured": 30, "down": ["3\u00a0Jul: 92.5\u00a0%"]}
    assert g["months"]["Aug 2026"] == {"measured": 3, "down": []}
    figure = charts.calendar_figure("cal", "<b>Ride</b>", "2026-07-01", uptimes)
    assert "&lt;b&gt;Ride&lt;/b&gt;" in figure and "<b>" not in figure
    assert "3\u00a0Jul: 92.5\u00a0%" in figure  # the text alternative names the day with downtime


def test_the_calendar_counts_months_of_every_length() -> None:
    """A span from 30 Jan over a leap February into March: each month gets its own row, its
    own label and its own days (the loop names a month only when it changes)."""
    days = charts.days_between("2028-01-30", "2028-03-02")
    g = charts.calendar("2028-01-30", [99.0] * len(days))
    assert {k: m["measured"] for k, m in g["months"].items()} == {
        "Jan 2028": 2,
        "Feb 2028": 29,
        "Mar 2028": 2,
    }
    assert g["months"]["Feb 2028"]["down"][-1] == "29\u00a0Feb: 99.0\u00a0%"
    assert g["months"]["Mar 2028"]["down"][0] == "1\u00a0Mar: 99.0\u00a0%"
    assert [label["text"] for label in g["labels"]] == ["Feb", "Mar"]  # Jan's two days: no room


def test_a_calendar_without_a_measured_day_says_so() -> None:
    figure = charts.calendar_figure("cal", "Ride", "2026-07-01", [None, None])
    assert "nothing to draw" in figure and "<svg" not in figure
