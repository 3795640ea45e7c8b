"""The columns of the site's HTML tables, read from the table of published fields
(`hallofshame.fields`, datasette's `display_columns`): a field's row says which tables show it,
its heading, whether it stays on its row's line on a phone and which end of it is the worst.
The templates loop over these columns, so a new field in a table is one row of the fields table
(and the code that computes it), never a template edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hallofshame import fields

# What an embed shows with ?columns=compact (the others get class "cx", hidden there)
COMPACT = ("rank", "name", "park_name", "shame_score", "status")
IDENTITY = ("rank", "name")  # a ranking row's first cells: its place and what it is


@dataclass(frozen=True)
class Column:
    """One column: its field's name (the cell's data-key), its heading (also the label of a
    cell a phone wraps under its row), its CSS classes (role "c-…", "num" for numbers, "x"
    for a cell that wraps on a phone, "cx" for one a compact embed hides) and the end a
    click sorts to first ("high", "low" or None: not a ranking of its own); `today`: the
    number so far today of a ride shown as it is now (a park ride row's `today`)."""

    name: str
    label: str
    css: str
    worst: str | None
    number: bool
    today: bool = False


def column(
    field: fields.Field, label: str | None = None, compact: bool = False, today: bool = False
) -> Column:
    number = field.type in ("number", "integer")
    role = "c-" + field.name.replace("_", "-")
    css = " ".join(
        c
        for c, on in (
            ("num", number),
            (role, True),
            ("x", field.priority > 1),
            ("cx", compact and field.name not in COMPACT),
        )
        if on
    )
    return Column(field.name, label or field.short, css, field.worst, number, today)


@cache
def ranking_columns(level: str, period: str) -> tuple[Column, ...]:
    """A ranking table's columns: its place and name, then every field the fields table puts
    in this level's ranking for this period, in the table's order."""
    table = fields.RANKING[level]
    shown = [f for f in fields.FIELDS_LIST if table in f.tables and period in f.periods]
    shown.sort(key=lambda f: f.name not in IDENTITY)  # stable: the rest keep their order
    return tuple(
        column(f, fields.LEVELS[level].noun if f.name == "name" else None, compact=True)
        for f in shown
    )


def period_columns(level: str, numbered: list[str]) -> tuple[Column, ...]:
    """A park's or ride's period table's number columns, leaving out any no period has a
    value for (`numbered`)."""
    return _period_columns(level, tuple(numbered))


@cache
def _period_columns(level: str, numbered: tuple[str, ...]) -> tuple[Column, ...]:
    table = fields.PERIODS_TABLE[level]
    return tuple(column(f) for f in fields.FIELDS_LIST if table in f.tables and f.name in numbered)


@cache
def wait_columns() -> tuple[Column, ...]:
    """A ride's waits table, shown up front on its page: every field the fields table puts in
    it, all of them whether or not a period has a value (a dash says none)."""
    return tuple(column(f) for f in fields.FIELDS_LIST if fields.RIDE_WAITS in f.tables)


# A ride's numbers so far today, where it is shown as it is now (a park ride row's `today`)
TODAY = frozenset(f.name for f in fields.FIELDS_LIST if fields.SUMMARY in f.groups)


def park_rides_columns(with_land: bool) -> tuple[Column, ...]:
    """A park page's table of its rides now and today ("Area" only where a ride has one)."""
    return tuple(c for c in _now_columns(fields.PARK_RIDES) if with_land or c.name != "land")


@cache
def worst_rides_columns() -> tuple[Column, ...]:
    """A park page's table of its worst rides of the last 30 days."""
    return tuple(_ride_column(f) for f in _by_priority(fields.WORST_RIDES))


@cache
def live_cards() -> tuple[dict, ...]:
    """A ride page's cards of the ride now and today, for the script that fills them in from
    its park's file (site/live.js): where each value is, its heading and its decimals."""
    return tuple(
        {
            "name": c.name,
            "label": c.label,
            "today": c.today,
            "decimals": fields.FIELDS[c.name].decimals,
        }
        for c in _now_columns(fields.RIDE_NOW)
    )


@cache
def _now_columns(table: str) -> tuple[Column, ...]:
    return tuple(_ride_column(f, today=f.name in TODAY) for f in _by_priority(table))


def _by_priority(table: str) -> list[fields.Field]:
    """A table's fields, key columns first; at a priority, a ride's state now before its
    numbers so far today, then in the fields table's order."""
    shown = [f for f in fields.FIELDS_LIST if table in f.tables]
    return sorted(shown, key=lambda f: (f.priority, f.name in TODAY))


def _ride_column(field: fields.Field, today: bool = False) -> Column:
    if field.name == "name":
        return column(field, fields.LEVELS["rides"].noun)
    if today:  # "Downtime today (ride-hours)"
        return column(
            field, f"{field.label} today{field.short.removeprefix(field.label)}", today=True
        )
    return column(field)
