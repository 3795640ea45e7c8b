"""Every request parameter of the API, validated by pydantic before anything reads the database.

A parameter that does not parse is a 400 with a message naming it; an id that parses but names
nothing is a 404 (decided by the view, which looks it up). Dates are local days of the park,
written YYYY-MM-DD, between MIN_DAY and MAX_DAY: nothing outside that can hold data, and the
bounds keep every UTC conversion of a day far from the calendar's ends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from web.errors import ApiError

MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_ID = 2**31 - 1  # ids are INT columns
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only
_ID = re.compile(r"[0-9]{1,10}")


def _day(value: Any) -> date:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a calendar date") from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(f"must be between {MIN_DAY} and {MAX_DAY}")
    return day


def _id(value: Any) -> int:
    if not isinstance(value, str) or not _ID.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
        raise ValueError(f"must be a whole number from 1 to {MAX_ID}")
    return int(value)


Day = Annotated[date, BeforeValidator(_day)]
Id = Annotated[int, BeforeValidator(_id)]


class Params(BaseModel):
    """Query parameters: unknown ones are refused, so a typo is an error and not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RangeQuery(Params):
    first: Day = Field(alias="from")
    last: Day = Field(alias="to")


class DayQuery(Params):
    date: Day


class IdPath(Params):
    id: Id


M = TypeVar("M", bound=Params)


def parse(model: type[M], values: Mapping[str, Any]) -> M:
    """The model from request values, or one 400 ApiError naming the first bad parameter."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise ApiError(400, _message(exc)) from None


def _message(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    name = ".".join(str(part) for part in error["loc"]) or "parameter"
    if error["type"] == "missing":
        return f"parameter {name!r} is required"
    if error["type"] == "extra_forbidden":
        return f"unknown parameter {name!r}"
    text = error["msg"].removeprefix("Value error, ")
    return f"parameter {name!r} {text}"
