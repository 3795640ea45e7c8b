"""Every field that leaves the system, as one table: what it is called, how it is shown, what
it means and what values it may take. The publisher's rounding, JSON Schemas, CSV header and
table columns, the API's OpenAPI components and the field dictionary on /data/ all read it
(datasette's `display_columns` habit): adding a published number is one row here and the code
that computes it.

Periods, filters, levels and statuses are described the same way (`Term`), their names taken
from the rules in `metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field as Pydantic
from pydantic import TypeAdapter

from hallofshame import metrics

PARK, RIDE = "park", "ride"  # the levels a field applies to (the aggregator's names)
# Where a field is published: a ranking's items; a period's numbers (park and ride files, the
# API); the brief lists of a ride's numbers (today on its park's page, the worst rides)
ITEM, NUMBERS, SUMMARY = "item", "numbers", "summary"
# A completed period's numbers in the park and ride files only, not the API's stats: a span of
# any length has no previous period to compare with
FILES = "files"
# The HTML tables a field can be a column of: a ranking of parks or rides, and the period table
# of a park's or a ride's page
PARK_RANKING, RIDE_RANKING = "park ranking", "ride ranking"
PARK_PERIODS, RIDE_PERIODS = "park periods", "ride periods"
RIDE_WAITS = "ride waits"  # the posted waits a ride's page shows up front, per period
# A park page's tables of its rides: each ride now (with its numbers so far today), and its
# worst rides of the last 30 days; a ride page's cards of the ride now, filled in by a script
PARK_RIDES, WORST_RIDES, RIDE_NOW = "park rides", "worst rides", "ride now"
RANKING = {"parks": PARK_RANKING, "rides": RIDE_RANKING}
PERIODS_TABLE = {"parks": PARK_PERIODS, "rides": RIDE_PERIODS}
EVERY_TABLE = (PARK_RANKING, RIDE_RANKING, PARK_PERIODS, RIDE_PERIODS)
ALL_PERIODS = tuple(metrics.PERIODS)
LIVE_PERIODS = metrics.PROVISIONAL_PERIODS  # the views every cycle changes: live states too
WAIT_MAX_MINUTES = 1440  # the collector refuses longer posted waits
# The catalogue of every published file: the publisher writes it, health reads its stamp
CATALOG_URL = "/data/v1/catalog.json"


@dataclass(frozen=True)
class Field:
    """One published field. `decimals` is the published precision of a number (None: whole,
    or not a number). `short` heads its column and labels its cell where a phone wraps the
    cell under its row; `tables` names the HTML tables it is a column of (`RANKING` and
    `PERIODS_TABLE` of a level, or a park's or a ride's own); `priority` 1 keeps the column
    on its row's line on a phone (a key column), 2 or more wraps it under the row, labelled;
    `worst` says which end of a number is the bad one ("high" or "low"), the end a column
    sorts to first."""

    name: str
    label: str
    short: str  # a column heading, with its unit
    description: str  # one sentence in plain words, with the unit
    type: str  # the JSON type: "number", "integer", "string" or "boolean"
    unit: str | None = None
    decimals: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple | None = None
    nullable: bool = True
    levels: tuple[str, ...] = (PARK, RIDE)
    periods: tuple[str, ...] = ALL_PERIODS
    groups: tuple[str, ...] = (ITEM, NUMBERS, SUMMARY)
    priority: int = 2
    tables: tuple[str, ...] = ()
    worst: str | None = None


@dataclass(frozen=True)
class Term:
    """One value of an enumerated field (a period, a filter, a level, a status)."""

    name: str
    label: str
    description: str


@dataclass(frozen=True)
class Period(Term):
    """A period, and the words a page names it with: `phrase` ends a sentence ("no data in the
    last 7 days"), `covers` says which days it covers ("Covers the 7 complete days before
    today, ..."); its description, in the schemas and the field dictionary, is `covers`;
    `previous` names the days a completed period's shame score is compared with
    (`metrics.PREVIOUS`: "the previous 7 days"), empty for live and today."""

    phrase: str = ""
    covers: str = ""
    previous: str = ""


@dataclass(frozen=True)
class Level(Term):
    """A level of ranking, and `noun`, one of its members (the heading of a name column)."""

    noun: str = ""


# --- Periods, filters, levels, statuses --------------------------------------------------------


def _period(name: str, label: str, phrase: str, covers: str, previous: str = "") -> Period:
    return Period(name, label, f"{covers[0].upper()}{covers[1:]}.", phrase, covers, previous)


LOCAL = "in each park's own time zone"
PERIODS: dict[str, Period] = {
    t.name: t
    for t in (
        _period(
            "live",
            "Live",
            "right now",
            "the latest collection cycle "
            f"(at most {metrics.LIVE_MAX_AGE.total_seconds() / 60:g} minutes old)",
        ),
        _period(
            "today",
            "Today",
            "today",
            f"today so far, {LOCAL} (provisional until the park's day ends)",
        ),
        _period(
            "yesterday",
            "Yesterday",
            "yesterday",
            f"yesterday, the last complete day {LOCAL}",
            "the day before",
        ),
        _period(
            "last-7-days",
            "Last 7 days",
            "in the last 7 days",
            f"the 7 complete days before today, {LOCAL}",
            "the previous 7 days",
        ),
        _period(
            "last-30-days",
            "Last 30 days",
            "in the last 30 days",
            f"the 30 complete days before today, {LOCAL}",
            "the previous 30 days",
        ),
        _period(
            "last-week",
            "Last week",
            "last week",
            f"the last complete week, Monday to Sunday, {LOCAL}",
            "the week before",
        ),
        _period(
            "last-month",
            "Last month",
            "last month",
            f"the last complete calendar month, {LOCAL}",
            "the month before",
        ),
        _period(
            "this-year",
            "This year",
            "this year",
            f"this calendar year up to yesterday, {LOCAL}",
            "the same days of last year",
        ),
    )
}
FIXED_FILTERS: dict[str, Term] = {
    t.name: t
    for t in (
        Term("all", "All parks", "Every park."),
        Term("disney-universal", "Disney & Universal", "Parks of the Disney and Universal groups."),
    )
}
CONTINENT_FILTER = Term(
    "{continent}", "A continent", "Parks of one continent: the continent's name as a slug."
)
CONTINENT_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
LEVELS: dict[str, Level] = {
    t.name: t
    for t in (
        Level("parks", "Parks", "Parks, ranked by their rides' tier-weighted downtime.", "Park"),
        Level(
            "rides", "Rides", "Rides of the `ride` kind, each ranked on its own downtime.", "Ride"
        ),
    )
}
STATUSES: dict[str, Term] = {
    t.name: t
    for t in (
        Term(metrics.OPEN, "Open", "Observed open with its park open."),
        Term(metrics.DOWN, "Down", "Closed while its park is open: counted as down."),
        Term(metrics.CLOSED, "Closed", "Closed while its park is closed: not counted."),
        Term(metrics.UNKNOWN, "Unknown", "No usable reading at the latest cycle."),
        Term(metrics.STALE, "No recent data", "The feed's reading is older than 30 minutes."),
        Term(metrics.NO_DATA, "No data", "Never measured."),
    )
}


def filter_labels(continents: list[str | None]) -> dict[str, str]:
    """Every filter's name (its URL) and its label: the fixed filters' labels, and for a
    continent its own name as the feed gives it (the name can carry a hash)."""
    found = {name: term.label for name, term in FIXED_FILTERS.items()}
    for continent in sorted({c for c in continents if c}):
        found[metrics.continent_slug(continent)] = continent
    return {name: found[name] for name in metrics.filter_names(continents)}


def _number(name: str, label: str, short: str, unit: str, decimals: int | None, **kw) -> Field:
    kind = "integer" if decimals is None else "number"
    return Field(name, label, short, type=kind, unit=unit, decimals=decimals, minimum=0, **kw)


FIELDS_LIST: tuple[Field, ...] = (
    Field(
        "rank",
        "Rank",
        "Rank",
        "Place in the ranking, 1 the worst; null for parks or rides without data in the period.",
        "integer",
        minimum=1,
        groups=(ITEM,),
        priority=1,
        tables=(PARK_RANKING, RIDE_RANKING),
    ),
    Field(
        "ride_id",
        "Ride id",
        "Ride id",
        "The ride's Queue-Times id.",
        "integer",
        minimum=1,
        nullable=False,
        levels=(RIDE,),
        groups=(ITEM,),
        priority=3,
    ),
    Field(
        "park_id",
        "Park id",
        "Park id",
        "The park's Queue-Times id.",
        "integer",
        minimum=1,
        nullable=False,
        groups=(ITEM,),
        priority=3,
    ),
    Field(
        "park_name",
        "Park",
        "Park",
        "The name of the ride's park, as Queue-Times spells it.",
        "string",
        nullable=False,
        levels=(RIDE,),
        groups=(ITEM,),
        priority=2,
        tables=(RIDE_RANKING,),
    ),
    Field(
        "name",
        "Name",
        "Name",
        "The park's or ride's name, as Queue-Times spells it.",
        "string",
        nullable=False,
        groups=(ITEM,),
        priority=1,
        tables=(PARK_RANKING, RIDE_RANKING, PARK_RIDES, WORST_RIDES),
    ),
    Field(
        "land",
        "Area",
        "Area",
        "The ride's land in its park, if the feed names one.",
        "string",
        levels=(RIDE,),
        groups=(),
        tables=(PARK_RIDES,),
    ),
    Field(
        "tier",
        "Tier",
        f"Tier ({min(metrics.TIERS)}–{max(metrics.TIERS)})",
        "How much the ride weighs in its park's score: 1 headliner (weight 3), 2 major (2), "
        "3 minor (1); null until it has been measured.",
        "integer",
        enum=metrics.TIERS,
        levels=(RIDE,),
        groups=(ITEM, NUMBERS),
        priority=3,
        tables=(RIDE_RANKING, PARK_RIDES),
    ),
    _number(
        "shame_score",
        "Shame score",
        f"Shame score (0–{metrics.SHAME_SCALE:g})",
        "points",
        1,
        maximum=metrics.SHAME_SCALE,
        description="Tier-weighted share of operating time spent down, from 0 (never down) "
        f"to {metrics.SHAME_SCALE:g} (always down), in points; live: the rides down now.",
        priority=1,
        tables=(*EVERY_TABLE, WORST_RIDES),
        worst="high",
    ),
    Field(
        "shame_score_change",
        "Change in shame score",
        "Change (points)",
        "How much the shame score went up (positive) or down (negative) against the previous "
        "period of the same length (the day, 7 or 30 days, week or month before; this year: "
        "the same days of last year), in points: the difference of the two scores as "
        "published; null when either period has no data.",
        "number",
        unit="points",
        decimals=1,
        minimum=-metrics.SHAME_SCALE,
        maximum=metrics.SHAME_SCALE,
        periods=metrics.COMPARED_PERIODS,
        groups=(ITEM, FILES),
        priority=3,
        tables=(PARK_RANKING, RIDE_RANKING, PARK_PERIODS),
        worst="high",
    ),
    _number(
        "downtime_hours",
        "Downtime",
        "Downtime (ride-hours)",
        "hours",
        2,
        description="Hours the rides were down while their park was open, in hours.",
        priority=1,
        tables=(*EVERY_TABLE, PARK_RIDES, WORST_RIDES, RIDE_NOW),
        worst="high",
    ),
    _number(
        "uptime_pct",
        "Uptime",
        "Uptime (%)",
        "percent",
        1,
        maximum=100,
        description="Open minutes as a share of open and down minutes, in percent.",
        priority=2,
        tables=(*EVERY_TABLE, WORST_RIDES, RIDE_NOW),
        worst="low",
    ),
    _number(
        "breakdowns",
        "Breakdowns",
        "Breakdowns (count)",
        "breakdowns",
        None,
        description="Times a ride went from open to down while its park was open, a count.",
        priority=2,
        tables=(*EVERY_TABLE, PARK_RIDES, WORST_RIDES, RIDE_NOW),
        worst="high",
    ),
    _number(
        "longest_outage_minutes",
        "Longest outage",
        "Longest outage (min)",
        "minutes",
        None,
        description="The longest single outage of a ride, in minutes.",
        priority=3,
        tables=(RIDE_RANKING, PARK_PERIODS, RIDE_PERIODS, WORST_RIDES),
        worst="high",
    ),
    _number(
        "mean_time_to_repair_minutes",
        "Mean time to repair",
        "Mean time to repair (min)",
        "minutes",
        1,
        description="Down minutes per breakdown, in minutes; null without a breakdown.",
        groups=(NUMBERS,),
        priority=3,
        tables=(PARK_PERIODS, RIDE_PERIODS),
        worst="high",
    ),
    _number(
        "open_minutes",
        "Open time",
        "Open (min)",
        "minutes",
        None,
        description="Minutes the rides were observed open while their park was open, in "
        "minutes (the numerator of uptime).",
        groups=(ITEM, NUMBERS),
        priority=3,
    ),
    _number(
        "down_minutes",
        "Down time",
        "Down (min)",
        "minutes",
        None,
        description="Minutes the rides were down while their park was open, in minutes "
        "(downtime hours times 60).",
        groups=(ITEM, NUMBERS),
        priority=3,
    ),
    _number(
        "unknown_minutes",
        "Unknown time",
        "Unknown (min)",
        "minutes",
        None,
        description="Minutes with no usable reading (stale data, gaps in collection), in "
        "minutes; counted neither up nor down.",
        groups=(ITEM, NUMBERS),
        priority=3,
    ),
    _number(
        "wait_mean",
        "Mean wait",
        "Mean posted wait (min)",
        "minutes",
        1,
        maximum=WAIT_MAX_MINUTES,
        description="The mean posted wait while the ride was open, in minutes.",
        groups=(NUMBERS,),
        priority=3,
        tables=(RIDE_WAITS,),
        worst="high",
    ),
    _number(
        "wait_median",
        "Median wait",
        "Median wait (min)",
        "minutes",
        1,
        maximum=WAIT_MAX_MINUTES,
        description="The median posted wait while the ride was open, in minutes; null when "
        "a day of the period is not final yet or its waits were not counted one by one.",
        levels=(RIDE,),
        groups=(NUMBERS,),
        priority=3,
        tables=(RIDE_WAITS,),
        worst="high",
    ),
    _number(
        "wait_p90",
        "90th percentile wait",
        "90th pct. wait (min)",
        "minutes",
        1,
        maximum=WAIT_MAX_MINUTES,
        description="The posted wait that 90 % of the ride's open readings were at or under "
        "(linear interpolation), in minutes; null like the median.",
        levels=(RIDE,),
        groups=(NUMBERS,),
        priority=3,
        tables=(RIDE_WAITS,),
        worst="high",
    ),
    _number(
        "wait_max",
        "Longest wait",
        "Longest posted wait (min)",
        "minutes",
        None,
        maximum=WAIT_MAX_MINUTES,
        description="The longest posted wait, in minutes.",
        groups=(NUMBERS,),
        priority=3,
        tables=(RIDE_WAITS,),
        worst="high",
    ),
    _number(
        "wait_time",
        "Posted wait",
        "Posted wait (min)",
        "minutes",
        None,
        maximum=WAIT_MAX_MINUTES,
        description="The ride's posted wait at the latest collection cycle, in minutes; null "
        "unless the ride is open (a closed or broken-down ride's posted wait means nothing).",
        levels=(RIDE,),
        periods=(metrics.LIVE,),
        groups=(),
        tables=(PARK_RIDES, RIDE_NOW),
    ),
    Field(
        "country",
        "Country",
        "Country",
        "The park's country, as Queue-Times spells it.",
        "string",
        levels=(PARK,),
        groups=(ITEM,),
        priority=3,
    ),
    Field(
        "continent",
        "Continent",
        "Continent",
        "The park's continent, as Queue-Times spells it (its filter is the slug of it).",
        "string",
        levels=(PARK,),
        groups=(ITEM,),
        priority=3,
    ),
    _number(
        "rides_down_now",
        "Rides down now",
        "Rides down now",
        "rides",
        None,
        description="Rides of the park down at the latest collection cycle, a count; null "
        "when the park is not open.",
        levels=(PARK,),
        periods=LIVE_PERIODS,
        groups=(ITEM,),
        priority=2,
        tables=(PARK_RANKING,),
        worst="high",
    ),
    Field(
        "status",
        "Status now",
        "Status now",
        "The ride's state at the latest collection cycle.",
        "string",
        enum=tuple(STATUSES),
        nullable=False,
        levels=(RIDE,),
        periods=LIVE_PERIODS,
        groups=(ITEM,),
        priority=1,
        tables=(RIDE_RANKING, PARK_RIDES, RIDE_NOW),
    ),
    Field(
        "park_closed",
        "Park closed",
        "Park closed",
        "Whether the ride's park is closed at the latest collection cycle: its rides are then "
        "closed unless seen open, whatever their feed says (at night a feed goes quiet or stale).",
        "boolean",
        nullable=False,
        levels=(RIDE,),
        periods=LIVE_PERIODS,
        groups=(ITEM,),
        priority=3,
    ),
)
FIELDS: dict[str, Field] = {f.name: f for f in FIELDS_LIST}
DECIMALS: dict[str, int] = {f.name: f.decimals for f in FIELDS_LIST if f.decimals is not None}


def item_fields(level: str, period: str) -> list[Field]:
    """The fields of a ranking item of a level ("park", "ride") in a period, in order."""
    return [
        f for f in FIELDS_LIST if ITEM in f.groups and level in f.levels and period in f.periods
    ]


def definition(field: Field, required: bool = True) -> tuple[Any, Any]:
    """A field as a pydantic field definition (type, range, title, description): the one way
    the table becomes JSON Schema, for the data files' schemas and the API's components."""
    if field.enum is not None:
        kind: Any = Literal[field.enum]  # type: ignore[valid-type]
    else:
        kind = {"number": float, "integer": int, "string": str, "boolean": bool}[field.type]
        limits = {"ge": field.minimum, "le": field.maximum}
        kind = Annotated[kind, Pydantic(**{k: v for k, v in limits.items() if v is not None})]
    if field.nullable:
        kind = kind | None
    default = ... if required else None
    return kind, Pydantic(default, title=field.label, description=field.description)


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one field's values."""
    kind, info = definition(FIELDS[name])
    return TypeAdapter(Annotated[kind, info]).json_schema()


def numbers_of(level: str) -> list[Field]:
    """The numbers of a park or ride over a period (park and ride files, the API's stats)."""
    return [f for f in FIELDS_LIST if NUMBERS in f.groups and level in f.levels]


def file_numbers_of(level: str) -> list[Field]:
    """The numbers of a park or ride over a period in its published file: `numbers_of` and
    those of completed periods only (the change against the previous period)."""
    return [f for f in FIELDS_LIST if {NUMBERS, FILES} & set(f.groups) and level in f.levels]


def for_display(name: str, value: float | None) -> float | None:
    """A published number rounded to its field's precision (half away from zero, METRICS.md);
    None (no data) stays None."""
    decimals = DECIMALS.get(name)
    if value is None or decimals is None:
        return value
    return _rounded(value, decimals)


@lru_cache(maxsize=16384, typed=True)  # a publish rounds the same few thousand values 1M times
def _rounded(value: float, decimals: int) -> float:
    """Keyed by the precision, not the field: a change of a field's decimals is never served a
    number rounded the old way."""
    return metrics.round_half_away(value, decimals)
