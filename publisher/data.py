"""Everything a publish reads, loaded once in a few batch queries (`reader.batch`).

Each period's stats are read once for every park and every ride; rankings slice them per filter,
and park and ride pages pick their own rows from the same objects, so a ranking, a park page and
`hallofshame stats` cannot disagree.

What only settled days make (the completed periods' stats, the trend, heatmap and outage rows
before the earliest park-local today) is kept in a cache between publishes, keyed by
`batch.settled_version`: the after-cycle publish then reads only live and today's rows.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from array import array
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, func, select

from hallofshame import db, fields, metrics, schema
from hallofshame.clock import as_utc, to_db
from publisher.cache import Lazy, LazyDict, SettledCache
from reader import batch, spans
from reader.spans import PARK, RIDE, Stats

TREND_DAYS = 30  # the window of trends, uptime history, heatmaps and outage history
CALENDAR_DAYS = 53 * 7  # a ride's year calendar of daily uptime: 53 weeks of ended days
PARK_OUTAGES = 10  # the longest outages a park page lists
DAY = timedelta(days=1)
READERS = 3  # connections reading at once (the database does the summing)
Rows = dict[int, list[dict[str, Any]]]
# A ride's year of daily uptime, kept compactly (a year of 5,000 rides is 1.8M days, which as
# row dicts took seconds to pickle and to walk): its first row's day and one unsigned 16-bit
# code a day from it, the uptime at display precision counted in steps of its last decimal
# (100 % is 1000), or one of two sentinels.
UPTIME_STEPS = 10 ** fields.DECIMALS["uptime_pct"]
NO_ROW, UNMEASURED = 0xFFFF, 0xFFFE  # no daily row; a row without open or down minutes
UPTIMES: dict[int, float | None] = {
    **{code: code / UPTIME_STEPS for code in range(100 * UPTIME_STEPS + 1)},
    NO_ROW: None,
    UNMEASURED: None,
}  # code -> the published uptime (`code / steps` is the float `fields.for_display` gives)
CODES = frozenset(UPTIMES)


@dataclass
class SiteData:
    """The numbers of one publish, as of `now`."""

    now: datetime
    catalog: batch.Catalog
    stats: dict[str, dict[str, dict[int, Stats]]]  # level -> period -> id -> Stats
    live_waits: dict[int, int | None]
    heatmaps: Rows
    park_trends: Rows
    ride_trends: Rows  # with `past_rides`: the recent days' rows only
    outages: list[dict[str, Any]]  # longest first; with `past_rides`: the recent days' only
    data_as_of: datetime | None
    simulated: bool
    window: tuple[date, date] | None
    cut: date | None = None  # the earliest park-local today: every day before has ended
    settled: str = ""  # changes whenever a number made of ended days can have changed
    todays: tuple[date, ...] = ()  # the park-local dates of `now`
    park_settled: dict[int, str] = field(default_factory=dict)  # `settled`, a park's own days
    catalog_digest: str = ""  # changes with any name, group, tier or time zone
    park_outages: Rows = field(default_factory=dict)  # each park's longest, whole window
    past_rides: Any = None  # Lazy: the settled days' ride trends and outages (ride pages)
    timings: dict[str, float] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # groupings shared by many pages
    # (time zone, completed period) -> the last aggregated cycle inside the period's local days
    # there (None: no reading inside it): what a finished period's page is stamped with
    last_readings: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    # level -> completed period -> id -> the shame score of its previous span
    # (`metrics.PREVIOUS`, None without data): what the period's score is compared with
    previous: dict[str, dict[str, dict[int, float | None]]] = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        return list(metrics.PERIODS)

    def ride_history(self, ride_id: int) -> list[dict[str, Any]]:
        """A ride's daily rows over the window, in day order (the settled days read on the
        first call)."""
        if "ride_trends" not in self.memo:
            past = self.past_rides.get()["ride_trends"] if self.past_rides else {}
            self.memo["ride_trends"] = _joined(past, self.ride_trends)
        return self.memo["ride_trends"].get(ride_id, [])

    def ride_year(self, ride_id: int) -> tuple[date | None, array]:
        """A ride's first day and its daily uptime codes from that day on (`uptime_code`) over
        the CALENDAR_DAYS before the window's end: the settled days before the window (read
        with the other settled ride rows) then the window's (`ride_history`)."""
        past = self.past_rides.get()["ride_year"] if self.past_rides else {}
        first, blob = past.get(ride_id, (None, b""))
        codes = array("H", blob)
        for row in self.ride_history(ride_id):
            first = first or row["day"]
            at = (row["day"] - first).days
            codes.extend(array("H", [NO_ROW]) * (at + 1 - len(codes)))
            codes[at] = uptime_code(row["uptime_pct"])
        return first, codes

    def ride_outages(self, ride_id: int) -> list[dict[str, Any]]:
        """A ride's outages over the window, longest first."""
        if "ride_outages" not in self.memo:
            past = self.past_rides.get()["outages"] if self.past_rides else []
            self.memo["ride_outages"] = group_by(
                sorted([*past, *self.outages], key=longest_first), "ride_id"
            )
        return self.memo["ride_outages"].get(ride_id, [])

    def recent_outages(self, ride_id: int) -> list[dict[str, Any]]:
        """A ride's outages of the days read in this publish (all of them without a cache)."""
        return self._recent_by("ride_id").get(ride_id, [])

    def park_recent_outages(self, park_id: int) -> list[dict[str, Any]]:
        """A park's outages of the days read in this publish, longest first."""
        return self._recent_by("park_id").get(park_id, [])

    def _recent_by(self, key: str) -> dict[int, list[dict[str, Any]]]:
        name = f"recent_outages_by_{key}"
        if name not in self.memo:
            self.memo[name] = group_by(self.outages, key)
        return self.memo[name]


def group_by(events: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    """Events per park_id or ride_id, in their order."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        grouped.setdefault(event[key], []).append(event)
    return grouped


def load(engine: Engine, now: datetime, cache: SettledCache) -> SiteData:
    """One batch of queries: the catalogue, every period's stats at both levels, live states,
    heatmaps, trends and outages of the last 30 days, read on a few connections at once (the
    publish holds the pipeline's lock: nothing writes meanwhile). What `cache` holds for the
    current settled version is not read again, and is unpickled only when a page asks for it."""
    timings: dict[str, float] = {}
    began = time.monotonic()
    with engine.connect() as conn:
        catalog = batch.catalog(conn)
        cut = earliest_today(catalog, now)
        settled = (batch.settled_version(conn, cut), _ids_signature(catalog), cut, CODE_VERSION)
        per_park = batch.settled_versions(conn, cut)
        window = batch.window(batch.latest_day(conn), TREND_DAYS)
    todays = tuple(sorted({metrics.local_day(now, p.timezone) for p in catalog.parks.values()}))
    lazies: dict[tuple, Lazy] = {}
    futures: dict[tuple, Any] = {}
    with ThreadPoolExecutor(READERS) as pool:

        def submit(key: tuple, build: Any, keep: bool = True) -> None:
            if keep and cache.has((*key, settled)):
                fetch = lambda: _on_connection(engine, build)  # noqa: E731
                lazies[key] = Lazy(cache, (*key, settled), fetch, SHAPES[key[0]])
            else:
                futures[key] = pool.submit(read_and_keep, key, build, keep)

        def read_and_keep(key: tuple, build: Any, keep: bool) -> Any:
            """A read, stored in the cache on its own thread while the other reads run."""
            value = _on_connection(engine, build)
            if keep:
                cache.save((*key, settled), value)
            return value

        past_parts: dict[str, Any] = {}
        joining = threading.Lock()

        def read_past(name: str, read: Any, parts: int) -> None:
            """A part of the settled rows; the last part read joins and stores them all."""
            value = _on_connection(engine, read)
            with joining:
                past_parts[name] = value
                if len(past_parts) < parts:
                    return
            for key, joined in zip(past_keys, _split(past_parts), strict=True):
                cache.save((*key, settled), joined)
                past_found[key] = joined

        # Longest first, so that no long read starts last while the other connections idle:
        # the rides' periods from the longest (this year), with the settled rows' parts (a year
        # of ride calendars, outages, trends) after the first.
        reads = [
            (
                ("stats", level, period, todays),
                _stats_reader(level, period, now),
                period not in metrics.PROVISIONAL_PERIODS,
            )
            for level in (RIDE, PARK)
            for period in reversed(metrics.PERIODS)
        ]
        reads += [
            (("previous", level, period, todays), _previous_reader(level, period, now), True)
            for level in (RIDE, PARK)
            for period in reversed(metrics.COMPARED_PERIODS)
        ]
        submit(*reads[0])
        past_keys = [("past-parks", window), ("past-rides", window)]
        past_found: dict[tuple, Any] = {}
        if all(cache.has((*key, settled)) for key in past_keys):
            for key, part in zip(past_keys, (0, 1), strict=True):
                build = lambda conn, part=part: _split(_past(conn, window, cut))[part]  # noqa: E731
                submit(key, build)
        else:
            parts = _past_reads(window, cut)
            for name, read in parts.items():
                futures[("past", name)] = pool.submit(read_past, name, read, len(parts))
        for read in reads[1:]:
            submit(*read)
        futures[("recent",)] = pool.submit(
            _on_connection, engine, lambda conn: _recent(conn, window, cut)
        )
    found = {key: future.result() for key, future in futures.items()}  # a failed read raises
    found = {key: value for key, value in found.items() if key[0] != "past"} | past_found
    stats = {level: _by_period(lazies, found, "stats", level, todays) for level in (PARK, RIDE)}
    previous = {
        level: _by_period(lazies, found, "previous", level, todays) for level in (PARK, RIDE)
    }
    timings["stats"] = time.monotonic() - began
    recent = found[("recent",)]
    past_parks = found.get(past_keys[0]) or lazies[past_keys[0]].get()
    data = SiteData(
        now=now,
        catalog=catalog,
        stats=stats,
        live_waits=_on_connection(engine, batch.live_waits),
        heatmaps=_joined(past_parks["heatmaps"], recent["heatmaps"]),
        park_trends=_joined(past_parks["park_trends"], recent["park_trends"]),
        ride_trends=recent["ride_trends"],
        outages=sorted(recent["outages"], key=longest_first),
        park_outages=_longest_per_park(past_parks["park_outages"], recent["outages"]),
        past_rides=lazies.get(past_keys[1]) or Ready(found.get(past_keys[1])),
        data_as_of=_on_connection(engine, batch.data_as_of),
        simulated=_on_connection(engine, batch.is_simulated),
        window=window,
        cut=cut,
        settled=hashlib.sha256(repr(settled).encode()).hexdigest()[:16],
        park_settled={k: repr((v, settled[1:])) for k, v in per_park.items()},
        todays=todays,
        catalog_digest=hashlib.sha256(repr(catalog).encode()).hexdigest()[:16],
        timings=timings,
        previous=previous,
    )
    zones = sorted({p.timezone for p in catalog.parks.values()})
    data.last_readings = _on_connection(engine, lambda conn: last_readings(conn, zones, now))
    timings["load"] = time.monotonic() - began
    return data


def last_readings(
    conn: Connection, zones: list[str], now: datetime
) -> dict[tuple[str, str], datetime | None]:
    """Per time zone and completed period, the last aggregated cycle inside the period's local
    days there: a finished period is stamped with its own last reading, which is never before
    the first reading and never after the period's end."""
    cycle_at = schema.aggregated_cycles.c.cycle_at
    found: dict[tuple[str, str], datetime | None] = {}
    for zone in zones:
        today = metrics.local_day(now, zone)
        for period in metrics.PERIODS:
            if period in metrics.PROVISIONAL_PERIODS:
                continue
            first, last = metrics.period_span(period, today)
            if first > last:
                found[(zone, period)] = None
                continue
            start, end = metrics.day_bounds(first, zone)[0], metrics.day_bounds(last, zone)[1]
            inside = (cycle_at >= to_db(start)) & (cycle_at < to_db(end))
            at = conn.scalar(select(func.max(cycle_at)).where(inside))
            found[(zone, period)] = as_utc(at) if at is not None else None
    return found


def load_everything(data: SiteData, rides: bool = True) -> None:
    """Read the lazily loaded values now (before forking: a child must not use the database
    connections it inherits); the settled days' ride rows only when ride pages are built."""
    for kind, periods in ((data.stats, metrics.PERIODS), (data.previous, metrics.COMPARED_PERIODS)):
        for level in kind.values():
            for period in periods:
                _ = level[period]  # a LazyDict loads on access
    if rides:
        data.ride_history(0)
        data.ride_outages(0)


def longest_first(event: dict[str, Any]) -> tuple:
    """The order of outages: longest first, then earliest, then by ride."""
    return (-event["minutes"], event["start_at"], event["ride_id"])


def _split(past: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settled rows parks' pages need (small, read every publish) and those only ride
    pages need (the bulk: read when a ride page is built)."""
    outages = sorted(past["outages"], key=longest_first)
    parks = {
        "heatmaps": past["heatmaps"],
        "park_trends": past["park_trends"],
        "park_outages": _longest_per_park({}, outages),
    }
    rides = {"ride_trends": past["ride_trends"], "outages": outages, "ride_year": past["ride_year"]}
    return parks, rides


def _longest_per_park(
    past: dict[int, list[dict[str, Any]]], events: list[dict[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """Each park's PARK_OUTAGES longest outages of the window: the longest of the settled days'
    longest and the recent days' events."""
    grouped: dict[int, list[dict[str, Any]]] = {k: list(v) for k, v in past.items()}
    for event in events:
        grouped.setdefault(event["park_id"], []).append(event)
    return {k: sorted(v, key=longest_first)[:PARK_OUTAGES] for k, v in grouped.items()}


def uptime_code(uptime: float | None) -> int:
    """A day's uptime (`metrics.uptime_pct`) as a code of a ride's year (`UPTIMES`)."""
    if uptime is None:
        return UNMEASURED
    return round(fields.for_display("uptime_pct", uptime) * UPTIME_STEPS)


PACK = 1 << 16  # one day of `ride_years` as one integer: (offset * PACK + open) * PACK + down
GROUP_CONCAT_MAX = 1 << 24  # MariaDB's group_concat_max_len while `ride_years` reads


def ride_years(conn: Connection, first: date, last: date) -> dict[int, tuple[date, bytes]]:
    """Each ride's first day in [first, last] and its uptime codes (`uptime_code`) from then
    to its last row, as bytes. The database joins each ride's days into one string of
    integers, a day's offset from `first` and its open and down minutes packed into one: 5,000
    rows cross the driver, not 1.7 million rows of dates. A ride whose string came back cut
    short, or whose minutes do not fit the packing, is read row by row."""
    d = schema.ride_daily.c
    packed = (db.days_since(d.day, first) * PACK + d.open_minutes) * PACK + d.down_minutes
    query = (
        select(
            d.ride_id,
            func.count(),
            func.min(d.open_minutes),
            func.max(d.open_minutes),
            func.min(d.down_minutes),
            func.max(d.down_minutes),
            func.group_concat(packed),
        )
        .where(d.day >= first, d.day <= last)
        .group_by(d.ride_id)
    )
    if conn.dialect.name in ("mysql", "mariadb"):
        conn.exec_driver_sql(f"SET SESSION group_concat_max_len = {GROUP_CONCAT_MAX}")
    years = {}
    coded: dict[int, int] = {}  # packed (open, down) minutes: their code (they repeat a lot)
    unpacked = []
    for ride_id, days, *minutes, joined in conn.execute(query):
        text = joined.decode("ascii") if isinstance(joined, bytes) else joined
        whole = len(text) < GROUP_CONCAT_MAX and _fits(minutes)
        values = np.fromstring(text, dtype=np.int64, sep=",") if whole else ()
        if len(values) != days:
            unpacked.append(ride_id)
            continue
        years[ride_id] = _year_of(first, values, coded)
    if unpacked:
        years.update(_years_row_by_row(conn, first, last, unpacked))
    return years


def _fits(minutes: list[int]) -> bool:
    """Open and down minutes (their least and largest) that the packing can hold."""
    return all(0 <= value < PACK for value in minutes)


def _year_of(first: date, values: Any, coded: dict[int, int]) -> tuple[date, bytes]:
    """A ride's packed days (`ride_years`, in any order) as its first day and its codes."""
    offsets, pairs = np.divmod(values, PACK * PACK)
    kinds, which = np.unique(pairs, return_inverse=True)
    codes = np.empty(len(kinds), np.uint16)
    for n, pair in enumerate(kinds.tolist()):
        code = coded.get(pair)
        if code is None:
            code = coded[pair] = uptime_code(metrics.uptime_pct(*divmod(pair, PACK)))
        codes[n] = code
    low = int(offsets.min())
    year = np.full(int(offsets.max()) - low + 1, NO_ROW, np.uint16)
    year[offsets - low] = codes[which]
    return first + timedelta(days=low), year.tobytes()


def _years_row_by_row(
    conn: Connection, first: date, last: date, ride_ids: list[int]
) -> dict[int, tuple[date, bytes]]:
    """`ride_years` of a few rides, one row a day."""
    d = schema.ride_daily.c
    query = (
        select(d.ride_id, d.day, d.open_minutes, d.down_minutes)
        .where(d.day >= first, d.day <= last, d.ride_id.in_(ride_ids))
        .order_by(d.ride_id, d.day)
    )
    years = {}
    for ride_id, rows in itertools.groupby(conn.execute(query).all(), key=lambda row: row[0]):
        rows = list(rows)
        start = rows[0][1].toordinal()
        codes = array("H", [NO_ROW]) * (rows[-1][1].toordinal() - start + 1)
        for _, day, open_minutes, down_minutes in rows:
            codes[day.toordinal() - start] = uptime_code(
                metrics.uptime_pct(open_minutes, down_minutes)
            )
        years[ride_id] = (rows[0][1], codes.tobytes())
    return years


def _is_years(value: Any) -> bool:
    """Years per ride: {int: (date, bytes of uptime codes)}, every code one of `UPTIMES`."""
    return isinstance(value, dict) and all(
        type(i) is int
        and type(year) is tuple
        and len(year) == 2
        and type(year[0]) is date
        and type(year[1]) is bytes
        and len(year[1]) % 2 == 0
        and CODES.issuperset(array("H", year[1]))
        for i, year in value.items()
    )


def _is_rows(value: Any, keys: frozenset[str] = frozenset()) -> bool:
    """Rows per id: {int: [dict with `keys`, ...]}."""
    return isinstance(value, dict) and all(
        type(i) is int and isinstance(rows, list) and all(_is_row(r, keys) for r in rows)
        for i, rows in value.items()
    )


def _is_row(row: Any, keys: frozenset[str]) -> bool:
    return isinstance(row, dict) and keys <= row.keys()


OUTAGE_KEYS = frozenset(("ride_id", "park_id", "start_at", "minutes"))  # `longest_first`
# The shape a cached value of each kind must have (`publisher.cache`): a wrong one is a miss.
SHAPES: dict[str, Callable[[Any], bool]] = {
    "stats": lambda v: (
        isinstance(v, dict) and all(type(i) is int and type(s) is Stats for i, s in v.items())
    ),
    "previous": lambda v: (
        isinstance(v, dict)
        and all(type(i) is int and (s is None or type(s) is float) for i, s in v.items())
    ),
    "past-parks": lambda v: (
        isinstance(v, dict)
        and v.keys() == {"heatmaps", "park_trends", "park_outages"}
        and _is_rows(v["heatmaps"])
        and _is_rows(v["park_trends"])
        and _is_rows(v["park_outages"], OUTAGE_KEYS)
    ),
    "past-rides": lambda v: (
        isinstance(v, dict)
        and v.keys() == {"ride_trends", "outages", "ride_year"}
        and _is_rows(v["ride_trends"])
        and _is_years(v["ride_year"])
        and isinstance(v["outages"], list)
        and all(_is_row(e, OUTAGE_KEYS) for e in v["outages"])
    ),
}


class Ready:
    """A value already at hand, with the `Lazy` interface."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def get(self) -> Any:
        return self.value


def _code_version() -> str:
    """The code that computes cached numbers: when it changes, nothing cached is reused."""
    digest = hashlib.sha256()
    for module in (batch, spans, metrics):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def earliest_today(catalog: batch.Catalog, now: datetime) -> date:
    """The earliest park-local date of `now`: every day before it has ended in every park."""
    zones = {p.timezone for p in catalog.parks.values()} or {"UTC"}
    return min(metrics.local_day(now, zone) for zone in zones)


def _stats_reader(level: str, period: str, now: datetime) -> Any:
    return lambda conn: batch.all_period_stats(conn, level, period, now)


def _previous_reader(level: str, period: str, now: datetime) -> Any:
    """Each park's (or ride's) shame score over the previous span of `period`: all a page
    compares with, kept rather than the spans' sums (cached and loaded after every cycle)."""
    return lambda conn: {
        id_: stats.shame_score
        for id_, stats in spans.previous_period_stats(conn, level, None, period, now).items()
    }


def _by_period(
    lazies: dict[tuple, Lazy], found: dict[tuple, Any], kind: str, level: str, todays: tuple
) -> LazyDict:
    """Period -> stats of one kind and level: those read now, and the cached ones on access."""
    keys = {p: (kind, level, p, todays) for p in metrics.PERIODS}
    return LazyDict(
        {p: lazies[k] for p, k in keys.items() if k in lazies},
        {p: found[k] for p, k in keys.items() if k in found},
    )


def _on_connection(engine: Engine, work: Any) -> Any:
    with engine.connect() as conn:
        return work(conn)


def _ids_signature(catalog: batch.Catalog) -> str:
    """Which parks and rides (and their time zones) exist: new ones need their own rows."""
    text = repr((sorted((p.id, p.timezone) for p in catalog.parks.values()), sorted(catalog.rides)))
    return hashlib.sha256(text.encode()).hexdigest()


def _past(conn: Connection, window: tuple[date, date] | None, cut: date) -> dict[str, Any]:
    """Trend, heatmap and outage rows of the window's days before `cut`, and the rides' years
    of daily uptime before the window (or `cut`)."""
    return {name: read(conn) for name, read in _past_reads(window, cut).items()}


def _past_reads(window: tuple[date, date] | None, cut: date) -> dict[str, Callable]:
    """`_past`'s parts, each a read of its own (a publish runs them on several connections)."""
    reads: dict[str, Callable] = {name: lambda conn, name=name: _empty()[name] for name in _empty()}
    if window is None:
        return reads
    if window[0] < cut:
        reads.update(_row_reads(window[0], min(window[1], cut - DAY)))
    year = window[1] - timedelta(days=CALENDAR_DAYS - 1), min(window[0], cut) - DAY
    if year[0] <= year[1]:
        reads["ride_year"] = lambda conn: ride_years(conn, *year)
    return dict(sorted(reads.items(), key=lambda read: read[0] != "ride_year"))  # longest first


def _recent(conn: Connection, window: tuple[date, date] | None, cut: date) -> dict[str, Any]:
    """... and of the days from `cut` on (today's rows move with every cycle)."""
    if window is None or window[1] < cut:
        return _empty()
    return _rows(conn, max(window[0], cut), window[1])


def _rows(conn: Connection, first: date, last: date) -> dict[str, Any]:
    return {name: read(conn) for name, read in _row_reads(first, last).items()}


def _row_reads(first: date, last: date) -> dict[str, Callable]:
    return {
        "heatmaps": lambda conn: batch.heatmap(conn, first, last),
        "park_trends": lambda conn: batch.daily_trends(conn, PARK, first, last),
        "ride_trends": lambda conn: batch.daily_trends(conn, RIDE, first, last),
        "outages": lambda conn: batch.outages(conn, first, last),
    }


def _empty() -> dict[str, Any]:
    return {"heatmaps": {}, "park_trends": {}, "ride_trends": {}, "outages": [], "ride_year": {}}


def _joined(past: Rows, recent: Rows) -> Rows:
    """Per id, the past rows then the recent ones (both in day order)."""
    joined = {key: list(rows) for key, rows in past.items()}
    for key, rows in recent.items():
        joined.setdefault(key, []).extend(rows)
    return joined


CODE_VERSION = _code_version()
