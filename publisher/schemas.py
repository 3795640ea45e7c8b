"""JSON Schemas (2020-12) of every file kind under /data/v1/: the public contract, published
beside the data and checked against every file by the tests.

Generated from pydantic models whose published numbers come from the table of fields
(`hallofshame.fields`): each property has its description and unit, enums for periods,
filters, levels and statuses, and its range; objects whose keys we fix are closed
(`additionalProperties: false`), and a ranking's items follow its `level`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from hallofshame import fields
from hallofshame.fields import PARK, RIDE, SUMMARY

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_URL = "/data/v1/schema/{name}.schema.json"
CLOSED = ConfigDict(extra="forbid")

Period = Literal[tuple(fields.PERIODS)]  # type: ignore[valid-type]
Status = Literal[tuple(fields.STATUSES)]  # type: ignore[valid-type]
Filter = (
    Literal[tuple(fields.FIXED_FILTERS)]
    | Annotated[  # type: ignore[valid-type]
        str, Field(pattern=fields.CONTINENT_PATTERN)
    ]
)
Day = Annotated[
    str, Field(description="A park-local day, YYYY-MM-DD.", json_schema_extra={"format": "date"})
]
Stamp = Annotated[str, Field(description="An ISO 8601 UTC instant, e.g. 2026-07-04T15:00:00Z.")]


def _terms(terms: dict[str, fields.Term]) -> str:
    return "; ".join(f"`{t.name}`: {t.description}" for t in terms.values())


def _model(name: str, picked: list[fields.Field], optional: set[str] = frozenset()) -> Any:
    definitions = {f.name: fields.definition(f, f.name not in optional) for f in picked}
    return create_model(name, __config__=CLOSED, **definitions)  # type: ignore[call-overload]


def _item_model(level: str) -> Any:
    """A ranking item of a level: every field of the table for its items; the live states
    (in `live` and `today` only) may be absent."""
    picked = [f for f in fields.FIELDS_LIST if fields.ITEM in f.groups and level in f.levels]
    optional = {f.name for f in picked if f.periods != fields.ALL_PERIODS}
    return _model(f"{level.title()}Item", picked, optional)


ParkItem, RideItem = _item_model(PARK), _item_model(RIDE)


class Source(BaseModel):
    model_config = CLOSED
    name: str = Field(description="Where the raw data comes from.")
    url: str = Field(description="Its address.")


class Common(BaseModel):
    model_config = CLOSED
    generated_at: Stamp = Field(description="When this file's content last changed (UTC).")
    data_as_of: Stamp | None = Field(
        description="The collection cycle its numbers were published from (UTC); completed "
        "periods: the last cycle inside the period (null without one), never before the "
        "first reading."
    )
    source: Source
    attribution: str = Field(description="The credit the source's terms require.")


class Span(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | None = Field(alias="from", description="First park-local day (live: the cycle).")
    to: str | None = Field(description="Last park-local day (live: the cycle).")


PERIOD_DOC = f"The period. {_terms(fields.PERIODS)}"
FILTER_DOC = (
    f"Which parks. {_terms(fields.FIXED_FILTERS)}; otherwise a continent's slug: "
    f"{fields.CONTINENT_FILTER.description}"
)


class RankingBase(Common):
    period: Period = Field(description=PERIOD_DOC)
    filter: Filter = Field(description=FILTER_DOC)
    span: Span = Field(description="The park-local days the numbers cover.")


class ParkRanking(RankingBase):
    level: Literal["parks"] = Field(description=fields.LEVELS["parks"].description)
    items: list[ParkItem] = Field(description="Parks, worst first; then those without data.")


class RideRanking(RankingBase):
    level: Literal["rides"] = Field(description=fields.LEVELS["rides"].description)
    items: list[RideItem] = Field(description="Rides, worst first; then those without data.")


def _numbers_model(level: str) -> Any:
    """A period's numbers on a park or ride file: the table's numbers of that level, all
    optional (live carries fewer), plus the span and live facts of `Stats.as_json`."""
    picked = fields.file_numbers_of(level)
    model = _model(f"{level.title()}PeriodNumbers", picked, {f.name for f in picked})
    extra: dict[str, Any] = {
        "first_day": (Day | None, Field(None, description="First park-local day.")),
        "last_day": (Day | None, Field(None, description="Last park-local day.")),
        "provisional_days": (
            int,
            Field(None, ge=0, description="Days of the period not final yet, a count."),
        ),
        "live_status": (
            str | None,
            Field(None, description="live: the state at the latest cycle."),
        ),
        "rides_down": (
            int | None,
            Field(None, ge=0, description=fields.FIELDS["rides_down_now"].description),
        ),
    }
    return create_model(model.__name__, __base__=model, **extra)


ParkNumbers, RideNumbers = _numbers_model(PARK), _numbers_model(RIDE)
RideSummary = _model(
    "RideToday", [f for f in fields.FIELDS_LIST if SUMMARY in f.groups and RIDE in f.levels]
)


KIND_DOC = "ride, single_rider or other; only `ride` rides are ranked."
TIER_DOC = fields.FIELDS["tier"].description


class Outage(BaseModel):
    model_config = CLOSED
    ride_id: int = Field(ge=1, description=fields.FIELDS["ride_id"].description)
    ride_name: str = Field(description="The ride's name.")
    day: Day = Field(description="The park-local day it started.")
    start_at: Stamp = Field(description="When it started (UTC).")
    end_at: Stamp = Field(description="When it ended (UTC).")
    minutes: int = Field(ge=0, description="The outage's down time, in minutes.")


def of(*names: str) -> dict[str, tuple[Any, Any]]:
    """Definitions of fields of the table, for models that hold a few of them."""
    return {name: fields.definition(fields.FIELDS[name]) for name in names}


DayRow = create_model(
    "DayRow",
    __config__=CLOSED,
    day=(Day, Field(description="The park-local day.")),
    final=(bool, Field(description="Whether the day has ended and is final.")),
    **of("shame_score", "downtime_hours", "uptime_pct", "breakdowns"),
)


class HeatCell(BaseModel):
    model_config = CLOSED
    day: Day = Field(description="The park-local day.")
    hour: int = Field(ge=0, le=23, description="The park-local hour.")
    down_minutes: int = Field(ge=0, description="Down minutes in that hour.")
    open_minutes: int = Field(ge=0, description="Open minutes in that hour.")
    unknown_minutes: int = Field(
        ge=0, description="Minutes without a usable reading in that hour (stale, frozen, gaps)."
    )
    breakdowns: int = Field(ge=0, description="Breakdowns in that hour.")


class Heatmap(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: Day | None = Field(alias="from", description="First park-local day of the map.")
    to: Day | None = Field(description="Last park-local day of the map.")
    cells: list[HeatCell] = Field(description="One cell per day and hour with data.")


class ParkInfo(BaseModel):
    model_config = CLOSED
    park_id: int = Field(ge=1, description=fields.FIELDS["park_id"].description)
    name: str = Field(description="The park's name, as Queue-Times spells it.")
    country: str | None = Field(description=fields.FIELDS["country"].description)
    continent: str | None = Field(description=fields.FIELDS["continent"].description)
    timezone: str = Field(description="The park's IANA time zone; its days are local days.")
    group: str | None = Field(description="The park's operator group.")


ParkLive = create_model(
    "ParkLive",
    __config__=CLOSED,
    status=(str | None, Field(description="The park's state at the latest cycle.")),
    **of("shame_score", "rides_down_now"),
)


RideRow = create_model(
    "RideRow",
    __config__=CLOSED,
    ride_id=(int, Field(ge=1, description=fields.FIELDS["ride_id"].description)),
    name=(str, Field(description="The ride's name, as Queue-Times spells it.")),
    kind=(str, Field(description=KIND_DOC)),
    **of("tier", "land", "status", "park_closed", "wait_time"),
    today=(RideSummary, Field(description="The ride's numbers so far today.")),
)


class WorstRide(RideSummary):  # type: ignore[misc, valid-type]
    ride_id: int = Field(ge=1, description=fields.FIELDS["ride_id"].description)
    name: str = Field(description="The ride's name, as Queue-Times spells it.")
    period: Period = Field(description="The period of these numbers.")


class Park(Common):
    park: ParkInfo
    data_as_of_local: str | None = Field(description="data_as_of in the park's local time.")
    live: ParkLive = Field(description="The park at the latest cycle.")
    periods: dict[Period, ParkNumbers] = Field(description=f"Numbers per period. {PERIOD_DOC}")
    rides: list[RideRow] = Field(description="Every ride: its state now and today's numbers.")
    worst_rides: list[WorstRide] = Field(description="The worst rides of the last 30 days.")
    longest_outages: list[Outage] = Field(description="The longest outages of 30 days.")
    heatmap: Heatmap = Field(description="Down minutes per local day and hour, 30 days.")
    trend: list[DayRow] = Field(description="Each local day's numbers, 30 days.")


class RideInfo(BaseModel):
    model_config = CLOSED
    ride_id: int = Field(ge=1, description=fields.FIELDS["ride_id"].description)
    name: str = Field(description="The ride's name, as Queue-Times spells it.")
    park_id: int = Field(ge=1, description=fields.FIELDS["park_id"].description)
    park_name: str = Field(description=fields.FIELDS["park_name"].description)
    kind: str = Field(description=KIND_DOC)
    ranked: bool = Field(description="Whether the ride is ranked (its kind is `ride`).")
    tier: fields.definition(fields.FIELDS["tier"])[0] = Field(description=TIER_DOC)  # type: ignore[valid-type]
    land: str | None = Field(description="The ride's land in its park, if the feed names one.")
    timezone: str = Field(description="Its park's IANA time zone; its days are local days.")


class Ride(Common):
    ride: RideInfo
    data_as_of_local: str | None = Field(description="data_as_of in the park's local time.")
    periods: dict[Period, RideNumbers] = Field(description=f"Numbers per period. {PERIOD_DOC}")
    outages: list[Outage] = Field(description="The outages of the ended days, oldest first.")
    uptime_history: list[DayRow] = Field(description="Each ended local day's numbers.")


class CatalogEntry(BaseModel):
    model_config = CLOSED
    url: str = Field(description="The file's root-relative URL.")
    kind: str = Field(description="What the file is: a page, a ranking, a park, a schema, ...")
    title: str = Field(description="A title for people.")
    media_type: str = Field(description="Its media type, e.g. application/json.")
    schema_: str | None = Field(alias="schema", description="The URL of its JSON Schema.")
    bytes: int = Field(ge=0, description="Its size, in bytes (not gzipped).")
    generated_at: Stamp | None = Field(description="When its content last changed (UTC).")


class Catalog(Common):
    files: list[CatalogEntry] = Field(description="Every published file, by URL.")


TITLES = {
    "ranking": "A ranking of parks or rides for one period under one filter",
    "park": "One park: live state, numbers per period, rides, outages, heatmap and trend",
    "ride": "One ride's history: numbers and waits per finished period, outage history and "
    "daily uptime of the days that have ended in its park (live and today: its park's file)",
    "catalog": "Every published file: its kind, title, media type, schema, size and time",
}
MODELS: dict[str, Any] = {
    "ranking": Annotated[ParkRanking | RideRanking, Field(discriminator="level")],
    "park": Park,
    "ride": Ride,
    "catalog": Catalog,
}


def _schema(name: str) -> dict[str, Any]:
    body = TypeAdapter(MODELS[name]).json_schema(by_alias=True)
    body.pop("title", None)
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_URL.format(name=name),
        "title": TITLES[name],
        **body,
    }


SCHEMAS: dict[str, dict[str, Any]] = {name: _schema(name) for name in MODELS}
