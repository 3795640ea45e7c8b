"""Numbers as pages show them: the METRICS.md precision with fixed decimals, a dash for null.
Shared by the templates' filters (`publisher.render`) and the charts (`publisher.charts`)."""

from __future__ import annotations

from hallofshame import metrics

NO_DATA = "–"  # what a table shows for a null number


def num(value: float | int | None, name: str = "") -> str:
    """A number as published: its METRICS.md precision, fixed decimals; null shows a dash."""
    if value is None:
        return NO_DATA
    decimals = metrics.DISPLAY_DECIMALS.get(name)
    if decimals is None:
        return str(value)
    return f"{metrics.for_display(name, value):.{decimals}f}"


def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{num(value, 'uptime_pct')} %"
