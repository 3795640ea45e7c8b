"""Numbers as pages show them: their field's precision (`hallofshame.fields`) with fixed
decimals, a dash for null.
Shared by the templates' filters (`publisher.render`) and the charts (`publisher.charts`)."""

from __future__ import annotations

from functools import lru_cache

from hallofshame import fields

NO_DATA = "–"  # what a table shows for a null number


@lru_cache(maxsize=16384, typed=True)  # a page prints the same few numbers again and again
def num(value: float | int | None, name: str = "") -> str:
    """A number as published: its field's precision, fixed decimals; null shows a dash."""
    if value is None:
        return NO_DATA
    decimals = fields.DECIMALS.get(name)
    if decimals is None:
        return str(value)
    return f"{fields.for_display(name, value):.{decimals}f}"


def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{num(value, 'uptime_pct')} %"
