"""Context builders: one function per page type, each returning the one object that both the
JSON file and the HTML page of that view are rendered from (datasette's habit).

Numbers enter here only through `Stats.as_json()` and `fields.for_display`, at the published
precision of their field (`hallofshame.fields`). Presentation extras that are not part of the
JSON contract go under `ctx["view"]`; `generated_at` is filled in by the publish loop (it is
not part of the page's content hash, so an unchanged page keeps its bytes).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hallofshame import fields, metrics
from hallofshame.clock import as_utc, iso
from publisher import columns
from publisher.data import CALENDAR_DAYS, NO_ROW, PARK_OUTAGES, UPTIMES, SiteData
from publisher.urls import LEVELS, url
from reader.spans import PARK, RIDE, Stats

SOURCE = "Queue-Times.com"
SOURCE_URL = "https://queue-times.com"
ATTRIBUTION = "Powered by Queue-Times.com"
AWARD_PERIODS = ("yesterday", "last-week", "last-month")
HOME_ROWS = 10
EMBED_ROWS = 10  # an embed's rows without ?rows=N
EMBED_MAX_ROWS = 50  # the most ?rows=N shows (the page holds them, hidden after EMBED_ROWS)
# Rows of a ranking's HTML table: every park, the worst 200 rides (a 5,000-row table helps no
# reader and weighs a megabyte); the JSON and CSV carry every item.
PAGE_ROWS = {"parks": None, "rides": 200}
PARK_WORST_RIDES = 10
# A ride's numbers where a page lists them briefly (today on its park's page, the worst rides)
RIDE_NUMBERS = tuple(f.name for f in fields.FIELDS_LIST if fields.SUMMARY in f.groups)
FEED_ENTRIES = 50  # a park's breakdown feed: its newest outages
LEVEL_OF = {"parks": PARK, "rides": RIDE}
STATUS_LABELS = {name: term.label for name, term in fields.STATUSES.items()}


def shown(data: SiteData, stats: Stats) -> dict[str, Any]:
    """`stats.as_json()`, computed once per publish for each Stats (a ride's today numbers
    appear in several rankings, the live ranking and its park's page); a copy to change."""
    return dict(_once(data, "shown", stats, None, stats.as_json))


def _once(data: SiteData, name: str, stats: Stats, key: Any, make: Callable[[], Any]) -> Any:
    """`make()`, worked out once per publish for a Stats object and `key` (kept in `name` of
    the publish's memo; a Stats freed and another made at its address is not mistaken for it)."""
    memo = data.memo.setdefault(name, {})
    found = memo.get((id(stats), key))
    if found is None or found[0] is not stats:
        found = memo[(id(stats), key)] = (stats, make())
    return found[1]


def common(data: SiteData, as_of: datetime | None) -> dict[str, Any]:
    """The freshness stamps and attribution every JSON file carries."""
    return {
        "generated_at": None,
        "data_as_of": iso(as_of),
        "source": {"name": SOURCE, "url": SOURCE_URL},
        "attribution": ATTRIBUTION,
    }


# --- Rankings ----------------------------------------------------------------------------------


def ranking(data: SiteData, level: str, period: str, filter: str) -> dict[str, Any]:
    """A ranking of parks or rides for a period under a filter: ranked items, worst first, then
    the ones without data (no rank, null numbers). Built once per publish (the home page and
    the awards use some too)."""
    memo = data.memo.setdefault("ranking", {})
    key = (level, period, filter)
    if key not in memo:
        memo[key] = _ranking(data, level, period, filter)
    return memo[key]


def completed_signature(data: SiteData, **ids: Any) -> tuple | None:
    """What a page of completed periods is made of: the settled data (the park-local todays
    decide which days each period spans) and the catalogue; None for live and today (built
    every time)."""
    if ids.get("period") in metrics.PROVISIONAL_PERIODS:
        return None
    latest = max(data.todays, default=None)
    clamp = None
    if latest is not None and data.data_as_of is not None:
        midnight = datetime.combine(latest, datetime.min.time()).replace(tzinfo=UTC)
        clamp = min(as_utc(data.data_as_of), midnight)
    return (data.settled, data.todays, data.catalog_digest, clamp)


def _ranking(data: SiteData, level: str, period: str, filter: str) -> dict[str, Any]:
    ids = member_ids(data, level, filter)
    stats = data.stats[LEVEL_OF[level]][period]
    order, unranked = ranking_order(data, level, period, ids)
    item = park_item if level == "parks" else ride_item
    items = [item(data, stats[i], period, rank) for rank, i in enumerate(order, 1)]
    items += [item(data, stats[i], period, None) for i in unranked]
    span = span_of([stats[i] for i in ids if i in stats], period, data)
    reading = last_reading(data, period, park_zones(data, filter))
    ctx = {
        "period": period,
        "filter": filter,
        "level": level,
        "span": {"from": span[0], "to": span[1]},
        **common(data, None),
        "data_as_of": reading,
        "items": items,
    }
    ctx["view"] = {
        "title": ranking_title(level, period, filter, filter_labels(data)),
        "periods": data.periods,
        "filters": data.catalog.filters,
        "ranked": len(order),
        "json_url": url("ranking_json", level=level, period=period, filter=filter),
        "csv_url": url("ranking_csv", level=level, period=period, filter=filter),
        "embed_url": url("embed_ranking", level=level, period=period, filter=filter),
        "page_url": url("ranking", level=level, period=period, filter=filter),
        "embed_rows": EMBED_ROWS,
        "embed_max_rows": EMBED_MAX_ROWS,
        "page_rows": PAGE_ROWS[level],
        "columns": item_columns(level, period),
        "display_columns": columns.ranking_columns(level, period),
        "last_reading": reading,
    }
    return ctx


def park_zones(data: SiteData, filter: str) -> list[str]:
    return sorted({data.catalog.parks[i].timezone for i in data.catalog.park_ids(filter)})


def last_reading(data: SiteData, period: str, zones: list[str]) -> str | None:
    """What a page of a finished period is stamped with: the last reading inside the period in
    any of these time zones (None: none inside it); live and today: the latest cycle."""
    if period in metrics.PROVISIONAL_PERIODS:
        return iso(data.data_as_of)
    found = [at for zone in zones if (at := data.last_readings.get((zone, period)))]
    return iso(max(found)) if found else None


def item_columns(level: str, period: str) -> list[str]:
    """The keys of a ranking's items, in order (the CSV header): the table of published
    fields (`hallofshame.fields`) decides."""
    return [f.name for f in fields.item_fields(LEVEL_OF[level], period)]


def member_ids(data: SiteData, level: str, filter: str) -> list[int]:
    parks = set(data.catalog.park_ids(filter))
    if level == "parks":
        return sorted(parks)
    return sorted(r.id for r in data.catalog.rides.values() if r.ranked and r.park_id in parks)


def ranking_order(
    data: SiteData, level: str, period: str, ids: list[int]
) -> tuple[list[int], list[int]]:
    """(ranked ids worst first, the rest by name). Live rides: the rides down now, headliners
    first, then by today's downtime (a ride has no live score of its own)."""
    stats = data.stats[LEVEL_OF[level]][period]
    if level == "rides" and period == metrics.LIVE:
        today = data.stats[RIDE]["today"]
        down = [i for i in ids if stats[i].live_status == metrics.DOWN]
        order = sorted(down, key=lambda i: (stats[i].tier or 9, -(today[i].down_minutes or 0), i))
    else:
        order = [s.id for s in metrics.worst_first(stats[i] for i in ids)]
    ranked = set(order)
    names = _names(data, level)
    rest = sorted((i for i in ids if i not in ranked), key=lambda i: (names[i].casefold(), i))
    return order, rest


def _names(data: SiteData, level: str) -> dict[int, str]:
    if level == "parks":
        return {i: p.name for i, p in data.catalog.parks.items()}
    return {i: r.name for i, r in data.catalog.rides.items()}


def park_item(data: SiteData, stats: Stats, period: str, rank: int | None) -> dict[str, Any]:
    park = data.catalog.parks[stats.id]
    numbers = ranked_numbers(data, stats, period) if rank is not None else {}
    facts = {"rank": rank, "park_id": park.id, "name": park.name}
    facts.update({"country": park.country, "continent": park.continent})
    if period in metrics.PROVISIONAL_PERIODS:
        facts["rides_down_now"] = rides_down_now(data, park.id)
    return _item(level="parks", period=period, facts=facts, numbers=numbers)


def _item(
    level: str, period: str, facts: dict[str, Any], numbers: dict[str, Any]
) -> dict[str, Any]:
    """An item's keys in the order of the table of fields: its facts, else its numbers."""
    return {
        name: facts[name] if name in facts else numbers.get(name)
        for name in _columns(level, period)
    }


def _columns(level: str, period: str) -> list[str]:
    """item_columns, worked out once per (level, period): every item of a ranking asks."""
    key = (level, period)
    if key not in _COLUMNS:
        _COLUMNS[key] = item_columns(level, period)
    return _COLUMNS[key]


_COLUMNS: dict[tuple[str, str], list[str]] = {}


def rides_down_now(data: SiteData, park_id: int) -> int | None:
    live = data.stats[PARK][metrics.LIVE].get(park_id)
    return live.numbers()["rides_down"] if live else None


def ride_item(data: SiteData, stats: Stats, period: str, rank: int | None) -> dict[str, Any]:
    ride = data.catalog.rides[stats.id]
    park = data.catalog.parks[ride.park_id]
    shown_stats = data.stats[RIDE]["today"][ride.id] if period == metrics.LIVE else stats
    numbers = ranked_numbers(data, shown_stats, period) if rank is not None else {}
    facts = {
        "rank": rank,
        "ride_id": ride.id,
        "park_id": park.id,
        "park_name": park.name,
        "name": ride.name,
        "tier": ride.tier,
    }
    if period in metrics.PROVISIONAL_PERIODS:
        now = ride_now(data, ride.id)
        facts.update(status=now["status"], park_closed=now["park_closed"])
    return _item(level="rides", period=period, facts=facts, numbers=numbers)


def ranked_numbers(data: SiteData, stats: Stats, period: str) -> dict[str, Any]:
    """`compared`, worked out once per publish for each Stats and period: a ride is ranked
    under every filter it is in (all, its continent, Disney and Universal). Not to be changed:
    an item copies what it shows."""
    return _once(data, "ranked", stats, period, lambda: compared(data, stats, period))


def compared(data: SiteData, stats: Stats, period: str) -> dict[str, Any]:
    """A period's published numbers (`shown`) and, for a completed period, the change of its
    shame score against the previous period of the same length (`metrics.PREVIOUS`)."""
    numbers = shown(data, stats)
    if period in metrics.COMPARED_PERIODS:
        before = data.previous[stats.level][period].get(stats.id)
        numbers["shame_score_change"] = metrics.score_change(
            stats.shame_score, before, SCORE_DECIMALS
        )
    return numbers


SCORE_DECIMALS = fields.DECIMALS["shame_score"]  # a change is shown as precisely as the score


def ride_now(data: SiteData, ride_id: int) -> dict[str, Any]:
    """A ride at the latest cycle, as every page and file says it (a ranking's status, its
    park's file and page, the script of its own page): a ride of a closed park is closed,
    whatever its feed says (at night a feed goes quiet or stale, and "unknown" would read
    as a fault; only a ride seen open stays open), and a posted wait is given only while the
    ride is open (a closed or broken-down ride's posted wait means nothing)."""
    live = data.stats[RIDE][metrics.LIVE].get(ride_id)
    status = (live.live_status if live else None) or metrics.NO_DATA
    park = data.stats[PARK][metrics.LIVE].get(data.catalog.rides[ride_id].park_id)
    park_closed = park is not None and park.live_status == metrics.CLOSED
    if park_closed and status != metrics.OPEN:
        status = metrics.CLOSED
    wait = data.live_waits.get(ride_id) if status == metrics.OPEN else None
    return {"status": status, "park_closed": park_closed, "wait_time": wait}


def span_of(stats: list[Stats], period: str, data: SiteData) -> tuple[str | None, str | None]:
    """A ranking's span: from the earliest park-local first day to the latest last day (parks
    in different time zones are on different days); live: the cycle."""
    if period == metrics.LIVE:
        at = iso(data.data_as_of)
        return at, at
    firsts = [s.first_day for s in stats if s.first_day]
    lasts = [s.last_day for s in stats if s.last_day]
    first = min(firsts).isoformat() if firsts else None
    last = max(lasts).isoformat() if lasts else None
    return first, last


def ranking_title(level: str, period: str, filter: str, labels: dict[str, str]) -> str:
    """ "Parks: Last 7 days (Europe)": the words of the table of fields, the filter's label
    from `filter_labels` (a continent's own name; a page isolates it as it prints it)."""
    scope = "" if filter == "all" else f" ({labels[filter]})"
    return f"{fields.LEVELS[level].label}: {fields.PERIODS[period].label}{scope}"


def filter_labels(data: SiteData) -> dict[str, str]:
    """Every filter's label, once per publish."""
    continents = [p.continent for p in data.catalog.parks.values()]
    return _memo(data, "filter_labels", lambda: fields.filter_labels(continents))


# --- Parks and rides -----------------------------------------------------------------------------


def park(data: SiteData, park_id: int) -> dict[str, Any]:
    """A park's page and JSON: live state of each ride, its numbers for every period, worst
    rides, longest outages, heatmap and daily trend."""
    info = data.catalog.parks[park_id]
    rides = _memo(data, "rides_of", data.catalog.rides_of).get(park_id, [])
    live = data.stats[PARK][metrics.LIVE][park_id]
    ctx = {
        "park": {
            "park_id": info.id,
            "name": info.name,
            "country": info.country,
            "continent": info.continent,
            "timezone": info.timezone,
            "group": info.group_name,
        },
        **common(data, data.data_as_of),
        "data_as_of_local": local_iso(data.data_as_of, info.timezone),
        "live": {
            "status": live.live_status,
            "shame_score": fields.for_display("shame_score", live.shame_score),
            "rides_down_now": rides_down_now(data, park_id),
        },
        "periods": {p: period_numbers(data, data.stats[PARK][p][park_id], p) for p in data.periods},
        "rides": [ride_row(data, r) for r in rides],
        "worst_rides": worst_rides(data, [r.id for r in rides if r.ranked]),
        "longest_outages": longest_outages(data, park_id),
        "heatmap": heatmap(data, park_id),
        "trend": [_shown(row) for row in data.park_trends.get(park_id, [])],
    }
    ctx["view"] = {
        "json_url": url("park_json", park_id=park_id),
        "embed_url": url("embed_park", park_id=park_id),
        "page_url": url("park", park_id=park_id),
        **park_windows(data, ctx, info.timezone),
        "feed_url": url("park_feed", park_id=park_id),
        "period_columns": columns.period_columns("parks", numbered(ctx["periods"])),
        "ride_columns": columns.park_rides_columns(any(r.land_name for r in rides)),
        "worst_columns": columns.worst_rides_columns(),
        "feed_entries": park_feed_entries(data, park_id),
    }
    return ctx


def numbered(periods: dict[str, dict[str, Any]]) -> list[str]:
    """The numbers some period has a value for: a column of the period table none has is left
    out rather than shown empty."""
    return sorted({k for numbers in periods.values() for k, v in numbers.items() if v is not None})


def park_feed(ctx: dict[str, Any]) -> dict[str, Any]:
    """What a park's feed is made of (`park_feed.xml`): the park, its links and its outages,
    not the live rows that move every cycle."""
    view = ctx["view"]
    return {
        "park": ctx["park"],
        "data_as_of": ctx["data_as_of"],
        "view": {k: view[k] for k in ("feed_url", "page_url", "feed_entries")},
    }


def park_feed_entries(data: SiteData, park_id: int) -> list[dict[str, Any]]:
    """The park's Atom feed of breakdowns, newest first: every outage of the days read in this
    publish (today's, in every park) and the park's longest of the last 30 days. Read from what
    the page already holds, so the feed costs the publish no query."""
    events = [*data.park_recent_outages(park_id), *data.park_outages.get(park_id, [])]
    unique = {(e["ride_id"], e["start_at"]): e for e in events}
    newest = sorted(unique.values(), key=lambda e: (e["start_at"], e["ride_id"]), reverse=True)
    return [outage_row(data, e) for e in newest[:FEED_ENTRIES]]


def park_windows(data: SiteData, ctx: dict[str, Any], timezone: str) -> dict[str, Any]:
    """The park page's sections over the park's own days: "last 30 days" is exactly the
    period's days (the same as its row in the period table), and the charts run from its
    first day (the heatmap: from the park's first day with data, if later) to the park's
    today, never to a day that has not begun in the park (the JSON keeps the publish's
    window)."""
    today = park_today(data, timezone)
    first, last = metrics.period_span("last-30-days", today)
    days = (first.isoformat(), last.isoformat())
    charted = (first.isoformat(), today.isoformat())
    cells = [c for c in ctx["heatmap"]["cells"] if charted[0] <= c["day"] <= charted[1]]
    begins = min((c["day"] for c in cells), default=charted[0])
    return {
        "last_30_days": {"from": days[0], "to": days[1]},
        "outages_30": [o for o in ctx["longest_outages"] if days[0] <= o["day"] <= days[1]],
        # a young park's map begins at its first day with data, said once, not empty rows
        "heatmap": {"from": begins, "to": charted[1], "cells": cells, "cut": begins > charted[0]},
        "trend": [r for r in ctx["trend"] if charted[0] <= r["day"] <= charted[1]],
        "chart_days": {"from": charted[0], "to": charted[1]},
    }


def _memo(data: SiteData, key: str, build: Any) -> Any:
    """Groupings every page of a kind shares, computed once per publish."""
    if key not in data.memo:
        data.memo[key] = build()
    return data.memo[key]


def local_iso(at: datetime | None, timezone: str) -> str | None:
    """An instant in a park's local time, with its offset (`2026-07-04T11:00:00-04:00`)."""
    if at is None:
        return None
    return as_utc(at).astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def period_numbers(data: SiteData, stats: Stats, period: str) -> dict[str, Any]:
    """A period's numbers on a park or ride page (`compared`). Not `live_at`: the page's
    `data_as_of` says it, and a stamp in the content would make every page change with every
    cycle."""
    numbers = compared(data, stats, period)
    numbers.pop(f"{stats.level}_id", None)
    numbers.pop("live_at", None)
    return numbers


def ride_row(data: SiteData, ride: Any) -> dict[str, Any]:
    return {
        "ride_id": ride.id,
        "name": ride.name,
        "kind": ride.kind,
        "tier": ride.tier,
        "land": ride.land_name,
        **ride_now(data, ride.id),
        "today": today_numbers(data, ride.id),
    }


def today_numbers(data: SiteData, ride_id: int) -> dict[str, Any]:
    """A ride's numbers so far today (on its park's page: the ride's own page holds ended days)."""
    numbers = shown(data, data.stats[RIDE]["today"][ride_id])
    return {name: numbers.get(name) for name in RIDE_NUMBERS}


def worst_rides(data: SiteData, ride_ids: list[int]) -> list[dict[str, Any]]:
    period = "last-30-days"
    stats = data.stats[RIDE][period]
    worst = metrics.worst_first(stats[i] for i in ride_ids)[:PARK_WORST_RIDES]
    return [
        {"ride_id": s.id, "name": data.catalog.rides[s.id].name, "period": period}
        | {k: shown(data, s)[k] for k in RIDE_NUMBERS}
        for s in worst
    ]


def longest_outages(data: SiteData, park_id: int) -> list[dict[str, Any]]:
    events = data.park_outages.get(park_id, [])
    return [outage_row(data, e) for e in events[:PARK_OUTAGES]]


def outage_row(data: SiteData, event: dict[str, Any]) -> dict[str, Any]:
    return {
        "ride_id": event["ride_id"],
        "ride_name": data.catalog.rides[event["ride_id"]].name,
        "day": event["day"].isoformat(),
        "start_at": iso(event["start_at"]),
        "end_at": iso(event["end_at"]),
        "minutes": event["minutes"],
    }


def heatmap(data: SiteData, park_id: int) -> dict[str, Any]:
    """Down, open and unknown minutes per local day x hour over the last 30 days (missing
    cells: no data)."""
    first, last = data.window or (None, None)
    return {
        "from": first.isoformat() if first else None,
        "to": last.isoformat() if last else None,
        "cells": [
            {
                "day": c["day"].isoformat(),
                "hour": c["local_hour"],
                "down_minutes": c["down_minutes"],
                "open_minutes": c["open_minutes"],
                "unknown_minutes": c["unknown_minutes"],
                "breakdowns": c["breakdowns"],
            }
            for c in data.heatmaps.get(park_id, [])
        ],
    }


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else fields.for_display(k, v))
        for k, v in row.items()
    }


def ride(data: SiteData, ride_id: int) -> dict[str, Any]:
    """A ride's page and JSON: its history, made of the days that have ended in its park
    (numbers and wait statistics per completed period, outage history and daily uptime). Its
    live state and today's numbers move with every cycle: they are on its park's page and JSON
    and in the live and today rankings, so the 5,000 ride pages change once a day, not every
    ten minutes."""
    info = data.catalog.rides[ride_id]
    park_info = data.catalog.parks[info.park_id]
    today = park_today(data, park_info.timezone)
    ended = [e for e in data.ride_outages(ride_id) if e["day"] < today]
    history = [row for row in data.ride_history(ride_id) if row["day"] < today]
    reading = ended_reading(data, park_info.timezone)
    ctx = {
        "ride": {
            "ride_id": info.id,
            "name": info.name,
            "park_id": park_info.id,
            "park_name": park_info.name,
            "kind": info.kind,
            "ranked": info.ranked,
            "tier": info.tier,
            "land": info.land_name,
            "timezone": park_info.timezone,
        },
        **common(data, reading),
        "data_as_of_local": local_iso(reading, park_info.timezone),
        "periods": {
            p: period_numbers(data, data.stats[RIDE][p][ride_id], p)
            for p in completed_periods(data)
        },
        "outages": [outage_row(data, e) for e in sorted(ended, key=lambda e: e["start_at"])],
        "uptime_history": [_shown(row) for row in history],
    }
    ctx["view"] = {
        "json_url": url("ride_json", ride_id=ride_id),
        "page_url": url("ride", ride_id=ride_id),
        "park_url": url("park", park_id=park_info.id),
        "live_url": f"{url('park', park_id=park_info.id)}#ride-{ride_id}",
        "last_reading": iso(reading),
        **ride_windows(ctx, today),
        "year": ride_year(data, ride_id, today),
        "period_columns": columns.period_columns("rides", numbered(ctx["periods"])),
        "wait_columns": (waits := columns.wait_columns()),
        "has_waits": any(  # else one sentence, not a table of dashes
            numbers.get(c.name) is not None for numbers in ctx["periods"].values() for c in waits
        ),
        # for site/live.js, which fills in the ride's cards: their status words and values
        "status_labels": STATUS_LABELS,
        "live_cards": columns.live_cards(),
    }
    return ctx


def ride_year(data: SiteData, ride_id: int, today: date) -> dict[str, Any]:
    """The ride's year calendar (on its page only): each ended local day's uptime up to its
    park's yesterday (None: no data), over the CALENDAR_DAYS before or from the week of its
    first daily row if that is later (weeks before anything was measured are not drawn as
    empty)."""
    last = today - timedelta(days=1)
    first = last - timedelta(days=CALENDAR_DAYS - 1)
    start, codes = data.ride_year(ride_id)
    if start is not None:
        shown = range(max((first - start).days, 0), min((last - start).days + 1, len(codes)))
        found = next((n for n in shown if codes[n] != NO_ROW), None)
        if found is not None:
            day = start + timedelta(days=found)
            first = max(first, day - timedelta(days=day.weekday()))
    values = _uptimes(start, codes, first, last)
    return {"from": first.isoformat(), "to": last.isoformat(), "values": values}


def _uptimes(start: date | None, codes: array, first: date, last: date) -> list[float | None]:
    """The published uptime of each day from `first` to `last` of a ride's year (`codes`, a
    day each from `start`); None for a day without one."""
    span = (last - first).days + 1
    if start is None:
        return [None] * span
    offset = (first - start).days  # where `first` is among the codes (negative: before them)
    shown = codes[max(offset, 0) : max(offset + span, 0)]
    values = [None] * min(-offset, span) + [UPTIMES[code] for code in shown]
    return values + [None] * (span - len(values))


def ride_windows(ctx: dict[str, Any], today: date) -> dict[str, Any]:
    """The ride page's "last 30 days": exactly the period's days in its park (its uptime chart
    and outage history agree with its row of the period table)."""
    first, last = (d.isoformat() for d in metrics.period_span("last-30-days", today))
    return {
        "last_30_days": {"from": first, "to": last},
        "outages_30": [o for o in ctx["outages"] if first <= o["day"] <= last],
    }


def ended_reading(data: SiteData, timezone: str) -> datetime | None:
    """The last reading before the park's today began: what a page of ended days is as of (a
    stamp inside its days, never before the first reading; None without one)."""
    found = [at for (zone, _), at in data.last_readings.items() if zone == timezone and at]
    return max(found, default=None)


def ride_signature(data: SiteData, ride_id: int) -> tuple:
    """Everything a ride's page is made of, cheaply: its catalogue entry, its park's settled
    data version (a day finalised in another park leaves it alone), its park's today, and its
    own rows of the ended days the settled version does not cover yet (from the earliest
    park-local today to its park's). Equal signatures, equal pages: the after-cycle publish
    keeps a ride's files without building its context."""
    info = data.catalog.rides[ride_id]
    park_info = data.catalog.parks[info.park_id]
    today = park_today(data, park_info.timezone)
    cut = data.cut or today
    unsettled = [
        tuple(row.values())
        for row in data.ride_trends.get(ride_id, ())
        if cut <= row["day"] < today
    ]
    recent = [tuple(e.values()) for e in data.recent_outages(ride_id) if cut <= e["day"] < today]
    return (
        data.park_settled.get(info.park_id, data.settled),
        data.window,
        today,
        ended_reading(data, park_info.timezone),
        (info.name, info.kind, info.ranked, info.tier, info.land_name, info.park_id),
        (park_info.name, park_info.timezone),
        unsettled,
        recent,
    )


def completed_periods(data: SiteData) -> list[str]:
    return [p for p in data.periods if p not in metrics.PROVISIONAL_PERIODS]


def park_today(data: SiteData, timezone: str) -> date:
    return metrics.local_day(data.now, timezone)


# --- Site pages --------------------------------------------------------------------------------


def home(data: SiteData) -> dict[str, Any]:
    """Today's park ranking and the rides down now, with links to everything."""
    today = ranking(data, "parks", "today", "all")
    down = ranking(data, "rides", metrics.LIVE, "all")
    return {
        **common(data, data.data_as_of),
        "today": {**today, "generated_at": None, "items": today["items"][:HOME_ROWS]},
        "rides_down": [i for i in down["items"] if i["rank"] is not None][:HOME_ROWS],
        "rides_down_total": down["view"]["ranked"],
        "view": {
            "periods": data.periods,
            "filters": data.catalog.filters,
            "levels": LEVELS,
            "home_rows": HOME_ROWS,
        },
    }


def rankings_index(data: SiteData) -> dict[str, Any]:
    rows = [
        {
            "level": level,
            "period": period,
            "filter": f,
            "title": ranking_title(level, period, f, filter_labels(data)),
            "url": url("ranking", level=level, period=period, filter=f),
        }
        for level in LEVELS
        for period in data.periods
        for f in data.catalog.filters
    ]
    return {"view": {"rankings": rows, "periods": data.periods, "filters": data.catalog.filters}}


def parks_index(data: SiteData) -> dict[str, Any]:
    """Every park A-Z with its country, group, live state and today's score."""
    today = data.stats[PARK]["today"]
    parks = sorted(data.catalog.parks.values(), key=lambda p: (p.name.casefold(), p.id))
    rows = [
        {
            "park_id": p.id,
            "name": p.name,
            "country": p.country,
            "continent": p.continent,
            "group": p.group_name,
            "status": data.stats[PARK][metrics.LIVE][p.id].live_status,
            "shame_score": shown(data, today[p.id])["shame_score"],
            "url": url("park", park_id=p.id),
        }
        for p in parks
    ]
    return {**common(data, data.data_as_of), "view": {"parks": rows}}


def awards(data: SiteData) -> dict[str, Any]:
    """The worst park and ride (all parks) of each completed period; a period some of whose
    days are not final yet (the aggregator lags) is pending: no winner, no feed entry. The
    file's data is as of the latest last reading inside an awarded period (`last_reading`);
    the feed is updated when its newest award became final (`award_updated`)."""
    found = []
    for period in AWARD_PERIODS:
        parks = ranking(data, "parks", period, "all")
        rides = ranking(data, "rides", period, "all")
        pending = any(s.provisional_days for s in data.stats[PARK][period].values())
        found.append(
            {
                "period": period,
                "title": fields.PERIODS[period].label,
                "span": parks["span"],
                "pending": pending,
                "park": parks["items"][0] if parks["view"]["ranked"] and not pending else None,
                "ride": rides["items"][0] if rides["view"]["ranked"] and not pending else None,
                "updated": None if pending else award_updated(parks["span"]["to"]),
                "last_reading": last_reading(data, period, park_zones(data, "all")),
            }
        )
    updated = max((a["updated"] for a in found if a["updated"]), default=None)
    reading = max(
        (a["last_reading"] for a in found if a["updated"] and a["last_reading"]), default=None
    )
    return {
        **common(data, None),
        "data_as_of": reading,
        "view": {"awards": found, "updated": updated},
    }


def award_updated(last_day: str | None) -> str | None:
    """An award is final once its last local day has ended: stamp it then (deterministic, so
    the feed's bytes only change when an award does)."""
    if last_day is None:
        return None
    return f"{(date.fromisoformat(last_day) + timedelta(days=1)).isoformat()}T00:00:00Z"


def search_index(data: SiteData) -> dict[str, Any]:
    """Every park and ride by name, for the search box (fetched only when a visitor uses it):
    `[name, url, park name or null]` rows, parks first."""
    parks = sorted(data.catalog.parks.values(), key=lambda p: (p.name.casefold(), p.id))
    rides = sorted(data.catalog.rides.values(), key=lambda r: (r.name.casefold(), r.id))
    rows: list[list[Any]] = [[p.name, url("park", park_id=p.id), None] for p in parks]
    rows += [[r.name, url("ride", ride_id=r.id), data.catalog.parks[r.park_id].name] for r in rides]
    return {"items": rows}


def data_page(data: SiteData) -> dict[str, Any]:
    rankings = [
        {
            "level": level,
            "period": period,
            "filter": f,
            "json_url": url("ranking_json", level=level, period=period, filter=f),
            "csv_url": url("ranking_csv", level=level, period=period, filter=f),
        }
        for level in LEVELS
        for period in data.periods
        for f in data.catalog.filters
    ]
    schemas = [{"name": n, "url": url("schema", name=n)} for n in SCHEMA_NAMES]
    return {
        "view": {
            "rankings": rankings,
            "schemas": schemas,
            "fields": fields.FIELDS_LIST,
            "all_periods": fields.ALL_PERIODS,
            "terms": {
                "period": list(fields.PERIODS.values()),
                "filter": [*fields.FIXED_FILTERS.values(), fields.CONTINENT_FILTER],
                "level": list(fields.LEVELS.values()),
                "status": list(fields.STATUSES.values()),
            },
            "openapi_url": url("openapi"),
            "api_url": API_URL,
            "catalog_url": url("catalog"),
            "park_json_pattern": "/data/v1/parks/{park_id}.json",
            "ride_json_pattern": "/data/v1/rides/{ride_id}.json",
        }
    }


SCHEMA_NAMES = ("ranking", "park", "ride", "catalog")
API_URL = "/api/v1/"  # the API's base (web/), its OpenAPI document at /api/openapi.json
