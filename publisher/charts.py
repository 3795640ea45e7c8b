"""Chart geometry for the inline SVG charts, computed at publish time.

The templates (`templates/_charts.html`) draw what these functions lay out: a day x hour
downtime heatmap and daily bar charts. Geometry lives here rather than in Jinja because scales,
bins and tick positions are arithmetic that deserves tests; the browser loads no chart code.
Every function takes plain published numbers (already at display precision, None for no data)
and returns plain dicts, so the same numbers feed the SVG and its text alternative.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from hallofshame import metrics

# Heatmap bins of the share of ride time lost in an hour (percent): fixed, so two parks' maps
# compare. Level n holds values above HEAT_BINS[n - 1] and up to HEAT_BINS[n].
HEAT_BINS = (0.0, 2.0, 5.0, 10.0, 20.0)
CELL, GAP, LEFT, TOP = 12, 1, 44, 16  # heatmap cell size, gap and margins (SVG user units)
BAR_W, BAR_GAP, PLOT_H, AXIS_W, FOOT = 12, 2, 120, 34, 28  # bar charts


def heat_level(value: float | None) -> str:
    """The CSS class of a heatmap cell: `hnone` (park closed, no data), `h0` (nothing down) to
    `h5` (a score above the last bin)."""
    if value is None:
        return "hnone"
    for level, bound in enumerate(HEAT_BINS):
        if value <= bound:
            return f"h{level}"
    return f"h{len(HEAT_BINS)}"


def heat_legend() -> list[dict[str, str]]:
    """One legend entry per colour, in words a reader can match to the cells."""
    entries = [{"cls": "h0", "label": "0"}]
    for low, high in itertools.pairwise(HEAT_BINS):
        entries.append({"cls": heat_level(high), "label": f"{low:g}–{high:g} %"})
    entries.append({"cls": f"h{len(HEAT_BINS)}", "label": f"over {HEAT_BINS[-1]:g} %"})
    entries.append({"cls": "hnone", "label": "closed or no data"})
    return entries


def days_between(first: str | None, last: str | None) -> list[str]:
    """Every ISO day from `first` to `last` inclusive (none when either is missing)."""
    if not first or not last:
        return []
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def down_share(open_minutes: int, down_minutes: int) -> float | None:
    """The share of ride time lost in a cell: 100 - uptime, by METRICS.md's uptime formula."""
    uptime = metrics.uptime_pct(open_minutes, down_minutes)
    return None if uptime is None else 100.0 - uptime


def park_heatmap(heat: Mapping[str, Any]) -> dict[str, Any]:
    """The park page's heatmap from its context (`from`, `to`, `cells` of down and open minutes
    per local day and hour): each cell is the share of ride time that was down."""
    values = {
        (c["day"], c["hour"]): down_share(c["open_minutes"], c["down_minutes"])
        for c in heat["cells"]
    }
    return heatmap(days_between(heat["from"], heat["to"]), values)


def heatmap(days: Sequence[str], values: Mapping[tuple[str, int], float | None]) -> dict[str, Any]:
    """Lay out a day (rows) x local hour (columns) grid of values; a missing key is no data.

    Only the hours some day has data for are drawn (a park open 9 to 22 needs no night columns),
    so a phone shows a readable grid."""
    hours = sorted({h for (d, h), v in values.items() if v is not None and d in set(days)})
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    step = CELL + GAP
    cells = [
        {
            "x": LEFT + col * step,
            "y": TOP + row * step,
            "cls": heat_level(values.get((day, hour))),
            "label": f"{day} {hour:02d}:00",
            "value": values.get((day, hour)),
        }
        for row, day in enumerate(days)
        for col, hour in enumerate(hours)
    ]
    return {
        "width": LEFT + max(len(hours), 1) * step,
        "height": TOP + max(len(days), 1) * step,
        "cell": CELL,
        "cells": cells,
        "hours": [{"x": LEFT + c * step + CELL / 2, "hour": h} for c, h in enumerate(hours)],
        "days": [{"y": TOP + r * step + CELL - 2, "day": d} for r, d in enumerate(days)],
        "rows": [{"day": d, "values": [values.get((d, h)) for h in hours]} for d in days],
        "hour_list": hours,
        "legend": heat_legend(),
        "empty": not hours,
    }


def daily_points(rows: Sequence[Mapping[str, Any]], key: str) -> list[tuple[str, float | None]]:
    """(day, value) for every day from the first row's to the last row's; a day without a row
    is a gap (no data), never a zero."""
    by_day = {row["day"]: row.get(key) for row in rows}
    days = days_between(min(by_day, default=None), max(by_day, default=None))
    return [(day, by_day.get(day)) for day in days]


def nice_ceiling(value: float) -> float:
    """The axis top: the smallest of 1, 2, 2.5, 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power + 1e-9:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def bars(points: Sequence[tuple[str, float | None]], top: float | None = None) -> dict[str, Any]:
    """Lay out one bar per day; None is a gap drawn as an empty slot, never as zero.

    `top` fixes the axis (100 for percentages); otherwise it is a round number above the data."""
    known = [v for _, v in points if v is not None]
    top = top if top is not None else nice_ceiling(max(known, default=0.0))
    step = BAR_W + BAR_GAP
    laid = []
    for i, (day, value) in enumerate(points):
        height = 0.0 if value is None else round(PLOT_H * min(value, top) / top, 2)
        laid.append(
            {
                "x": AXIS_W + i * step,
                "y": round(TOP + PLOT_H - height, 2),
                "h": height,
                "day": day,
                "value": value,
            }
        )
    ticks = [{"y": round(TOP + PLOT_H - PLOT_H * f, 2), "value": top * f} for f in (0, 0.5, 1)]
    every = max(3, math.ceil(len(points) / 6))  # at most six date labels, never overlapping
    labels = [
        {"x": AXIS_W + i * step + BAR_W / 2, "day": day[5:]}
        for i, (day, _) in enumerate(points)
        if i % every == 0
    ]
    return {
        "width": AXIS_W + max(len(points), 1) * step,
        "height": TOP + PLOT_H + FOOT,
        "bar_w": BAR_W,
        "base": TOP + PLOT_H,
        "plot_h": PLOT_H,
        "axis_x": AXIS_W - 4,
        "bars": laid,
        "ticks": ticks,
        "labels": labels,
        "top": top,
        "empty": not known,
    }
