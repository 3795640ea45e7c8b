"""The inline SVG charts, laid out and drawn at publish time: a day x hour downtime heatmap and
daily bar charts, each with a <title>, a <desc> and a table as its text alternative.

Layout functions (`heatmap`, `bars`) take plain published numbers (already at display
precision, None for no data) and return plain dicts, so the same numbers feed the SVG and its
table; scales, bins and ticks are arithmetic that deserves tests. Drawing functions
(`heatmap_figure`, `bars_figure`) write the markup as strings, every outside text escaped: a
chart has hundreds of cells and the park and ride pages thousands of charts, which a Jinja macro
drew ten times slower. The templates call them through `templates/_charts.html`. The browser
loads no chart code.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from hallofshame import metrics
from publisher.formats import num

# Heatmap bins of the share of ride time lost in an hour (percent): fixed, so two parks' maps
# compare. Level n holds values above HEAT_BINS[n - 1] and up to HEAT_BINS[n].
HEAT_BINS = (0.0, 2.0, 5.0, 10.0, 20.0)
CELL, GAP, LEFT, TOP = 16, 1, 50, 30  # heatmap cell size, gap and margins (SVG user units)
BAR_W, BAR_GAP, PLOT_H, AXIS_W, FOOT = 12, 2, 120, 40, 34  # bar charts
RIGHT = 24  # room on the right for the last label, so nothing is clipped
LABEL_EVERY = 7  # a bar chart labels every 7th day (and its last)


UNKNOWN = "hunknown"  # a heatmap cell most of whose ride time had no usable reading
UNKNOWN_LABEL = "unknown: most of the hour without a usable reading"


def heat_level(value: float | None) -> str:
    """The CSS class of a heatmap cell: `hnone` (park closed, no data), `h0` (nothing down) to
    `h5` (a score above the last bin). An unknown cell is `UNKNOWN`, whatever its value."""
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
    entries.append({"cls": UNKNOWN, "label": UNKNOWN_LABEL})
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


def unknown_share(open_minutes: int, down_minutes: int, unknown_minutes: int) -> float | None:
    """The share of an hour's ride time without a usable reading (stale, frozen, a gap), in
    percent, when it is more than half the hour's; else None. Such an hour is drawn as unknown:
    a colour from the few minutes measured would speak for the whole hour."""
    total = open_minutes + down_minutes + unknown_minutes
    if unknown_minutes * 2 <= total:
        return None
    return 100.0 * unknown_minutes / total


def park_heatmap(heat: Mapping[str, Any]) -> dict[str, Any]:
    """The park page's heatmap from its context (`from`, `to`, `cells` of down, open and
    unknown minutes per local day and hour): each cell is the share of ride time that was down,
    or unknown when most of it had no usable reading."""
    values, unknown = {}, {}
    for c in heat["cells"]:
        key = (c["day"], c["hour"])
        values[key] = down_share(c["open_minutes"], c["down_minutes"])
        share = unknown_share(c["open_minutes"], c["down_minutes"], c["unknown_minutes"])
        if share is not None:
            unknown[key] = share
    return heatmap(days_between(heat["from"], heat["to"]), values, unknown)


def heatmap(
    days: Sequence[str],
    values: Mapping[tuple[str, int], float | None],
    unknown: Mapping[tuple[str, int], float] | None = None,
) -> dict[str, Any]:
    """Lay out a day (rows) x local hour (columns) grid of values; a missing key is no data, a
    key of `unknown` (its share of unknown ride time) an unknown cell.

    Only the hours some day has data for are drawn (a park open 9 to 22 needs no night columns),
    so a phone shows a readable grid."""
    unknown = unknown or {}
    shown = set(days)
    known = {k for k, v in values.items() if v is not None}
    hours = sorted({h for (d, h) in known | unknown.keys() if d in shown})
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    step = CELL + GAP
    cells = [
        {
            "x": LEFT + col * step,
            "y": TOP + row * step,
            "cls": UNKNOWN if (day, hour) in unknown else heat_level(values.get((day, hour))),
            "label": f"{day} {hour:02d}:00",
            "value": values.get((day, hour)),
            "unknown": unknown.get((day, hour)),
        }
        for row, day in enumerate(days)
        for col, hour in enumerate(hours)
    ]
    return {
        "width": LEFT + max(len(hours), 1) * step + RIGHT,
        "height": TOP + max(len(days), 1) * step,
        "cell": CELL,
        "cells": cells,
        "hours": [{"x": LEFT + c * step + CELL / 2, "hour": h} for c, h in enumerate(hours)],
        "days": [{"y": TOP + r * step + CELL - 4, "day": d} for r, d in enumerate(days)],
        "rows": [
            {
                "day": d,
                "values": [values.get((d, h)) for h in hours],
                "unknown": [unknown.get((d, h)) for h in hours],
            }
            for d in days
        ],
        "hour_list": hours,
        "legend": heat_legend(),
        "empty": not hours,
    }


def daily_points(
    rows: Sequence[Mapping[str, Any]],
    key: str,
    first: str | None = None,
    last: str | None = None,
) -> list[tuple[str, float | None]]:
    """(day, value) for every day from `first` to `last` (default: the first row's and the last
    row's); a day without a row is a gap (no data), never a zero."""
    by_day = {row["day"]: row.get(key) for row in rows if (first or "") <= row["day"]}
    by_day = {d: v for d, v in by_day.items() if last is None or d <= last}
    days = days_between(first or min(by_day, default=None), last or max(by_day, default=None))
    return [(day, by_day.get(day)) for day in days]


def short_day(day: str) -> str:
    """An axis label: `4 Jul`."""
    found = date.fromisoformat(day)
    return f"{found.day} {found.strftime('%b')}"


def tick_values(top: float) -> list[float]:
    """Round steps from 0 to `top` (a `nice_ceiling`): 0, 0.5, 1, ... 2.5, never 1.25."""
    power = 10 ** math.floor(math.log10(top))
    factor = round(top / power, 6)
    step = {1: 0.5, 2: 1, 2.5: 0.5, 5: 1, 10: 5}.get(factor, factor / 2) * power
    return [round(step * n, 6) for n in range(round(top / step) + 1)]


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
    ticks = [{"y": round(TOP + PLOT_H - PLOT_H * v / top, 2), "value": v} for v in tick_values(top)]
    last = len(points) - 1
    labels = [
        {"x": AXIS_W + i * step + BAR_W / 2, "day": short_day(day)}
        for i, (day, _) in enumerate(points)
        if (last - i) % LABEL_EVERY == 0
    ]
    return {
        "width": AXIS_W + max(len(points), 1) * step + RIGHT,
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


# A ride's year calendar: one square per ended local day, a column per week (Monday on top),
# coloured like the heatmap by the share of its open time the ride was down that day.
CAL_CELL, CAL_STEP, CAL_LEFT, CAL_TOP = 11, 13, 30, 16
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}


def calendar(first: str, values: Sequence[float | None]) -> dict[str, Any]:
    """The calendar of each day's uptime % from `first` on (None: no data): one path of
    squares per colour, by week column and weekday row, a label at each month's first column,
    and per month the days measured and each day with downtime in words (`4 Jul: 92.5 %`, no
    line break inside a day's words: the text alternative).

    A ride page draws a year of days, and there are thousands of ride pages: a square's
    colour and path are looked up by value and by day count from the first Monday, and the
    dates are worked out once a month."""
    if not values:
        return {"empty": True}
    start = date.fromisoformat(first)
    weekday = start.weekday()
    by_class: dict[str, list[str]] = {}  # one path per colour, in the order of their first days
    for cls, path in zip(map(_uptime_level, values), _squares(weekday, len(values)), strict=True):
        by_class.setdefault(cls, []).append(path)
    squares = {cls: "".join(paths) for cls, paths in by_class.items()}
    months, labels = {}, []
    n = 0
    while n < len(values):
        day = start + timedelta(days=n)
        name, key, length = _month(day.year, day.month)
        following = n - day.day + 1 + length
        days = values[n:following]
        months[key] = {
            "measured": len(days) - days.count(None),
            "down": [
                f"{number}\u00a0{name}: {_uptime_text(v)}"
                for number, v in enumerate(days, day.day)
                if v is not None and v < 100
            ],
        }
        if day.day == 1 or not labels:
            labels.append({"x": CAL_LEFT + (n + weekday) // 7 * CAL_STEP, "text": name})
        n = following
    if len(labels) > 1 and labels[1]["x"] - labels[0]["x"] < 3 * CAL_STEP:
        del labels[0]  # a month's last days at the start: its name would overlap the next's
    columns = (len(values) - 1 + weekday) // 7 + 1
    return {
        "empty": values.count(None) == len(values),
        "from": first,
        "to": (start + timedelta(days=len(values) - 1)).isoformat(),
        "squares": squares,
        "months": months,
        "labels": labels,
        "weekdays": [
            {"y": CAL_TOP + r * CAL_STEP + 9, "text": t} for r, t in WEEKDAY_LABELS.items()
        ],
        "width": CAL_LEFT + columns * CAL_STEP,
        "height": CAL_TOP + 7 * CAL_STEP,
    }


@functools.cache
def _month(year: int, month: int) -> tuple[str, str, int]:
    """A month's short name, its table heading and its number of days (`Jul`, `Jul 2026`, 31):
    every ride's calendar spans the same dozen months."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first.strftime("%b"), first.strftime("%b %Y"), (following - first).days


@functools.cache
def _uptime_text(uptime: float) -> str:
    """A day's uptime in the calendar's table (`92.5 %`, the sign kept with its number on a
    phone): a thousand values, a million days."""
    return f"{num(uptime, 'uptime_pct')}\u00a0%"


@functools.cache
def _uptime_level(uptime: float | None) -> str:
    """A calendar square's class: the heatmap's level of the share of open time lost (a
    published uptime has a thousand values; a year of pages asks millions of times)."""
    return heat_level(None if uptime is None else 100.0 - uptime)


@functools.cache
def _squares(weekday: int, count: int) -> tuple[str, ...]:
    """The path of each of `count` calendar squares from a `weekday` (0: Monday) of the first
    column on, a column per week."""
    shapes = []
    for index in range(weekday, weekday + count):
        column, row = divmod(index, 7)
        x, y = CAL_LEFT + column * CAL_STEP, CAL_TOP + row * CAL_STEP
        shapes.append(f"M{x} {y}h{CAL_CELL}v{CAL_CELL}h-{CAL_CELL}z")
    return tuple(shapes)


# --- Drawing --------------------------------------------------------------------------------


def heatmap_figure(id: str, title: str, heat: Mapping[str, Any], unit: str) -> Markup:
    """The park page's heatmap figure: the SVG grid, its legend and its table."""
    g = park_heatmap(heat)
    i, t, u = escape(id), escape(title), escape(unit)
    out = [f'<figure class="chart" aria-labelledby="{i}-cap">']
    if g["empty"]:
        out.append('\n  <p class="note">No open hours in these days yet: nothing to draw.</p>')
    else:
        out.append(
            _svg_open(
                i,
                t,
                g,
                f"A grid with one row per local day ({escape(heat['from'])} to "
                f"{escape(heat['to'])}) and one column per local hour; the darker a cell, the "
                f"higher the {u} in that hour. Empty cells: the park was closed or there is no "
                "data. Blue cells: unknown, most of the hour's ride time had no usable reading.",
            )
        )
        out.append(f'\n    <text class="axis-title" x="{LEFT}" y="11">Local hour</text>')
        for h in g["hours"]:
            out.append(
                f'\n    <text x="{h["x"]}" y="{TOP - 4}" text-anchor="middle">'
                f"{h['hour']:02d}</text>"
            )
        for d in g["days"]:
            out.append(f'\n    <text x="0" y="{d["y"]}">{escape(short_day(d["day"]))}</text>')
        size = g["cell"]
        for c in g["cells"]:
            shown = _heat_cell_text(c["value"], c["unknown"], u)
            out.append(
                f'\n    <rect class="{c["cls"]}" x="{c["x"]}" y="{c["y"]}" width="{size}" '
                f'height="{size}"><title>{escape(c["label"])}: {shown}</title></rect>'
            )
        out.append("\n  </svg>\n  </div>")
    out.append(f'\n  <figcaption id="{i}-cap">{t}. Hours in the park\'s local time.</figcaption>')
    if not g["empty"]:
        out.append(_legend(g["legend"]))
        head = "".join(f'<th scope="col" class="num">{h:02d}</th>' for h in g["hour_list"])
        body = []
        for row in g["rows"]:
            cells = "".join(
                f'<td class="num">{_heat_table_text(v, unknown)}</td>'
                for v, unknown in zip(row["values"], row["unknown"], strict=True)
            )
            body.append(f'\n        <tr><th scope="row">{escape(row["day"])}</th>{cells}</tr>')
        out.append(
            _alternative(
                t,
                f"{t} ({u}; blank: closed or no data; unknown: most of the hour's ride time "
                "without a usable reading)",
                f'<th scope="col">Day</th>{head}',
                body,
            )
        )
    out.append("\n</figure>")
    return Markup("".join(out))


def _heat_cell_text(value: float | None, unknown: float | None, unit: str) -> str:
    """What a heatmap cell's tooltip says."""
    if unknown is not None:
        return f"unknown ({num(unknown, 'uptime_pct')} % of ride time without a usable reading)"
    return "no data" if value is None else f"{num(value, 'uptime_pct')} {unit}"


def _heat_table_text(value: float | None, unknown: float | None) -> str:
    """What a heatmap cell says in the chart's table (its caption explains blank and unknown)."""
    if unknown is not None:
        return "unknown"
    return "" if value is None else num(value, "uptime_pct")


def bars_figure(
    id: str,
    title: str,
    points: Sequence[tuple[str, float | None]],
    metric: str,
    unit: str,
    top: float | None = None,
    cls: str = "bar",
) -> Markup:
    """A daily bar chart figure (shame trend, uptime history) and its table."""
    g = bars(points, top)
    i, t, u = escape(id), escape(title), escape(unit)
    out = [f'<figure class="chart" aria-labelledby="{i}-cap">']
    if g["empty"]:
        out.append('\n  <p class="note">No measured days in this span yet: nothing to draw.</p>')
    else:
        out.append(
            _svg_open(
                i,
                t,
                g,
                f"One bar per local day from {escape(points[0][0])} to {escape(points[-1][0])}; "
                f"the axis runs from 0 to {num(g['top'], metric)} {u}. Missing bars: no data "
                "that day.",
            )
        )
        out.append(f'\n    <text class="axis-title" x="0" y="11">{u}</text>')
        for tick in g["ticks"]:
            out.append(
                f'\n    <line class="axis" x1="{g["axis_x"]}" x2="{g["width"] - RIGHT}" '
                f'y1="{tick["y"]}" y2="{tick["y"]}"/>'
                f'\n    <text x="{g["axis_x"] - 2}" y="{tick["y"] + 3}" text-anchor="end">'
                f"{num(tick['value'], metric)}</text>"
            )
        bar_cls = escape(cls)
        for b in g["bars"]:
            day = escape(b["day"])
            if b["value"] is not None:
                out.append(
                    f'\n    <rect class="{bar_cls}" x="{b["x"]}" y="{b["y"]}" '
                    f'width="{g["bar_w"]}" height="{b["h"]}"><title>{day}: '
                    f"{num(b['value'], metric)} {u}</title></rect>"
                )
            else:
                out.append(
                    f'\n    <rect class="gap" x="{b["x"]}" y="{g["base"] - 2}" '
                    f'width="{g["bar_w"]}" height="2"><title>{day}: no data</title></rect>'
                )
        for label in g["labels"]:
            out.append(
                f'\n    <text x="{label["x"]}" y="{g["base"] + 14}" text-anchor="middle">'
                f"{escape(label['day'])}</text>"
            )
        out.append("\n  </svg>\n  </div>")
    out.append(f'\n  <figcaption id="{i}-cap">{t}.</figcaption>')
    if not g["empty"]:
        body = [
            f'\n        <tr><th scope="row">{escape(day)}</th><td class="num">'
            f"{'no data' if value is None else num(value, metric)}</td></tr>"
            for day, value in points
        ]
        head = f'<th scope="col">Day</th><th scope="col" class="num">{escape(unit.capitalize())}'
        head += "</th>"
        out.append(_alternative(t, t, head, body))
    out.append("\n</figure>")
    return Markup("".join(out))


def _svg_open(i: str, t: str, g: Mapping[str, Any], desc: str, scale: float = 1.5) -> str:
    """A chart's <svg> start tag (drawn at `scale` times its user units, within a box that
    scrolls sideways on a phone rather than shrink the labels), <title> and <desc>."""
    return (
        f'\n  <div class="chart-scroll" tabindex="0" role="region" aria-label="{t}">'
        f'\n  <svg viewBox="0 0 {g["width"]} {g["height"]}" width="{g["width"] * scale}" '
        f'height="{g["height"] * scale}" role="img" aria-labelledby="{i}-t {i}-d" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'\n    <title id="{i}-t">{t}</title>\n    <desc id="{i}-d">{desc}</desc>'
    )


def _alternative(title: str, caption: str, head: str, body: list[str]) -> str:
    """A chart's text alternative: its numbers as a table, folded under a summary."""
    return (
        f'\n  <details class="alt">\n    <summary>{title} as a table</summary>'
        f'\n    <div class="table-wrap" tabindex="0" role="region" aria-label="{title} as a table">'
        f"\n    <table>\n      <caption>{caption}</caption>"
        f"\n      <thead><tr>{head}</tr></thead>\n      <tbody>{''.join(body)}"
        "\n      </tbody>\n    </table>\n    </div>\n  </details>"
    )


def calendar_figure(id: str, title: str, first: str, values: Sequence[float | None]) -> Markup:
    """A ride's year calendar of daily uptime from `first` on, its colour key and its months
    as a table."""
    g = calendar(first, values)
    i, t = escape(id), escape(title)
    out = [f'<figure class="chart calendar" aria-labelledby="{i}-cap">']
    if g["empty"]:
        out.append('\n  <p class="note">No measured days in this year yet: nothing to draw.</p>')
        out.append(f'\n  <figcaption id="{i}-cap">{t}.</figcaption>\n</figure>')
        return Markup("".join(out))
    desc = (
        f"One square per local day from {escape(g['from'])} to {escape(g['to'])}, a "
        "column per week, Monday on top; the darker a square, the larger the share of its open "
        "time the ride was down that day. Dashed squares: no data (the ride or its park closed)."
    )
    out.append(_svg_open(i, t, g, desc, scale=1))
    for label in g["labels"]:
        out.append(f'\n    <text x="{label["x"]}" y="10">{label["text"]}</text>')
    for w in g["weekdays"]:
        out.append(f'\n    <text x="0" y="{w["y"]}">{w["text"]}</text>')
    for cls, path in g["squares"].items():  # one path per colour: <rect>s weighed 30 kB
        out.append(f'\n    <path class="{cls}" d="{path}"/>')
    out.append("\n  </svg>\n  </div>")
    out.append(
        f'\n  <figcaption id="{i}-cap">{t}. Colour: the share of its open time the ride was down '
        "that day.</figcaption>"
    )
    out.append(_calendar_legend())
    body = []
    for month, m in g["months"].items():
        down = ", ".join(m["down"])
        body.append(
            f'\n        <tr><th scope="row">{month}</th><td class="num">{m["measured"]}</td>'
            f"<td>{down or 'none'}</td></tr>"
        )
    head = (
        '<th scope="col">Month</th><th scope="col" class="num">Days with data</th>'
        '<th scope="col">Days with downtime (uptime)</th>'
    )
    out.append(_alternative(t, f"{t}: by month (other measured days: 100 % uptime)", head, body))
    out.append("\n</figure>")
    return Markup("".join(out))


@functools.cache
def _calendar_legend() -> str:
    """The calendar's colour key, the same on every ride page."""
    return _legend(heat_legend(), "Colour key: share of open time down")


def _legend(entries: list[dict[str, str]], label: str = "Colour key") -> str:
    """A colour key, in words a reader can match to the cells."""
    out = [f'\n  <ul class="legend" aria-label="{escape(label)}">']
    for e in entries:
        out.append(
            '\n    <li><svg viewBox="0 0 10 10" aria-hidden="true" class="chart">'
            f'<rect class="{e["cls"]}" width="10" height="10"/></svg> {escape(e["label"])}</li>'
        )
    out.append("\n  </ul>")
    return "".join(out)
