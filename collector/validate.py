"""The one gate between the Queue-Times feed and the database.

Every value is checked against the column it will be stored in, with the limits read from
`hallofshame.schema` itself (string lengths, the integer range of the column type), plus what
no real feed sends: non-finite numbers, times far from the cycle, waits over a day, `"true"` for
a boolean. A single bad value used to fail a whole cycle's write on MariaDB (SQLite accepts
most of them), or to overflow an aggregate later. Here it costs only its own entry: the entry
is refused with a reason, and everything that passes is kept exactly as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import BigInteger, Column, Integer, SmallInteger

from hallofshame import schema
from hallofshame.clock import parse_instant

# A posted wait above a day is no wait (Queue-Times' longest real ones are a few hours); summed
# over a month of cycles it would also overflow the aggregates' INT columns.
MAX_WAIT_MINUTES = 24 * 60
# `last_updated` may run a little ahead of our clock (skew, a zone sent as UTC), and a feed may
# have frozen years ago (the ride is then stale); beyond these it is not a time of this feed.
AHEAD = timedelta(days=1)
BEHIND = timedelta(days=3660)

_BITS = ((SmallInteger, 16), (BigInteger, 64), (Integer, 32))  # subclasses before Integer


def int_range(column: Column) -> tuple[int, int]:
    """The values a signed integer column holds on every database we run (MariaDB's INT)."""
    bits = next(bits for kind, bits in _BITS if isinstance(column.type, kind))
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def _id(column: Column) -> Any:
    low, high = int_range(column)
    return Annotated[int, Field(ge=low, le=high)]


def _text(column: Column) -> Any:
    """At most the column's length in characters (pydantic also refuses a lone surrogate such
    as JSON "\\ud800", which no database can store as UTF-8)."""
    return Annotated[str, Field(max_length=column.type.length)]


def _number(value: Any) -> Any:
    """Coordinates come as strings ("48.87"); a blank one is no value."""
    if isinstance(value, str):
        return float(value) if value.strip() else None
    return value


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name[:64]!r}") from None
    return name


def _instant(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # None passes; anything else fails the type check
    try:
        return parse_instant(value)
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59-01:00 overflows into year 10000
        raise ValueError("not an ISO 8601 time that UTC can hold") from None


def _coordinate(limit: int) -> Any:
    bounded = Annotated[float, Field(ge=-limit, le=limit, allow_inf_nan=False)]
    return Annotated[bounded | None, BeforeValidator(_number)]


class _Entry(BaseModel):
    """Strict: no "5" for 5, no 1.0 for 1, no "true" for true; unknown keys are ignored."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class ParkInfo(_Entry):
    """A park of `parks.json`, with its operator group."""

    id: _id(schema.parks.c.id)
    name: _text(schema.parks.c.name)
    group_id: _id(schema.operator_groups.c.id)
    group_name: _text(schema.operator_groups.c.name)
    country: _text(schema.parks.c.country) | None = None
    continent: _text(schema.parks.c.continent) | None = None
    latitude: _coordinate(90) = None
    longitude: _coordinate(180) = None
    timezone: Annotated[_text(schema.parks.c.timezone), AfterValidator(_zone)]


class RideReading(_Entry):
    """A ride of `queue_times.json`, with its land (None for rides listed outside any land)."""

    id: _id(schema.rides.c.id)
    name: _text(schema.rides.c.name)
    land_id: _id(schema.rides.c.land_id) | None = None
    land_name: _text(schema.rides.c.land_name) | None = None
    is_open: bool
    wait_time: Annotated[int, Field(ge=0, le=MAX_WAIT_MINUTES)] | None = None
    last_updated: Annotated[datetime | None, BeforeValidator(_instant)] = None

    @field_validator("last_updated")
    @classmethod
    def _near_the_cycle(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        cycle_at = info.context["cycle_at"]
        if value is not None and not cycle_at - BEHIND <= value <= cycle_at + AHEAD:
            raise ValueError(f"{value:%Y-%m-%dT%H:%M:%SZ} is too far from the cycle")
        return value


@dataclass(frozen=True)
class Rejection:
    """One feed entry that was refused: which one, and why (for the summary and fetch_failures)."""

    entry: str
    reason: str
    id: int | None = None  # the entry's id, when it sent an integer one

    def __str__(self) -> str:
        return f"{self.entry}: {self.reason}"


def reason(exc: ValidationError) -> str:
    """The first problems of an entry in one short line: `field: message (got value)`."""
    parts = []
    for error in exc.errors(include_url=False)[:2]:
        where = ".".join(str(part) for part in error["loc"]) or "entry"
        parts.append(f"{where}: {error['msg']} (got {_short(error['input'])})")
    return "; ".join(parts)


def describe(rejected: list[Rejection], total: int, what: str) -> str:
    """`2 of 40 rides rejected: ride 7: ...; ride 9: ...` (the first few, for one row)."""
    shown = "; ".join(str(r) for r in rejected[:3])
    more = f"; and {len(rejected) - 3} more" if len(rejected) > 3 else ""
    return f"{len(rejected)} of {total} {what} rejected: {shown}{more}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}… ({len(text)} chars)"
