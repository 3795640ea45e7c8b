"""Chart geometry (publisher/charts.py): bins, gaps and scales the SVG macros draw."""

from __future__ import annotations

import pytest

from publisher import charts


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (None, "hnone"),
        (0.0, "h0"),
        (0.3, "h1"),
        (0.5, "h1"),
        (0.51, "h2"),
        (3.9, "h4"),
        (9.0, "h5"),
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
    assert [c["cls"] for c in grid["cells"]] == ["h0", "hnone", "hnone", "hnone", "hnone", "h4"]
    assert grid["rows"][1] == {"day": "2026-11-02", "values": [None, None, 2.5]}
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
