"""Context builders: one function per page type, each returning the one object that both the
JSON file and the HTML page of that view are rendered from (datasette's habit).

Numbers enter here only through `Stats.as_json()` and `metrics.for_display`, at the published
precision of METRICS.md. Presentation extras that are not part of the JSON contract go under
`ctx["view"]`; `generated_at` is filled in by the publish loop (it is not part of the page's
content hash, so an unchanged page keeps its bytes).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hallofshame import metrics
from hallofshame.clock import as_utc, iso
from publisher.data import PARK_OUTAGES, SiteData
from publisher.urls import LEVELS, url
from reader.spans import PARK, RIDE, Stats

SOURCE = "Queue-Times.com"
SOURCE_URL = "https://queue-times.com"
ATTRIBUTION = "Powered by Queue-Times.com"
LIVE_PERIODS = ("live", "today")  # views the next cycle changes; their items carry live states
AWARD_PERIODS = ("yesterday", "last-week", "last-month")
HOME_ROWS = 10
EMBED_ROWS = 10
# Rows of a ranking's HTML table: every park, the worst 200 rides (a 5,000-row table helps no
# reader and weighs a megabyte); the JSON and CSV carry every item.
PAGE_ROWS = {"parks": None, "rides": 200}
PARK_WORST_RIDES = 10
PARK_NUMBERS = ("shame_score", "downtime_hours", "uptime_pct", "breakdowns")
RIDE_NUMBERS = (*PARK_NUMBERS, "longest_outage_minutes")
LEVEL_OF = {"parks": PARK, "rides": RIDE}


def shown(data: SiteData, stats: Stats) -> dict[str, Any]:
    """`stats.as_json()`, computed once per publish for each Stats (a ride's today numbers
    appear in several rankings, the live ranking and its park's page); a copy to change."""
    memo = data.memo.setdefault("shown", {})
    found = memo.get(id(stats))
    if found is None or found[0] is not stats:
        found = memo[id(stats)] = (stats, stats.as_json())
    return dict(found[1])


def common(data: SiteData, as_of: datetime | None) -> dict[str, Any]:
    """The freshness stamps and attribution every JSON file carries."""
    return {
        "generated_at": None,
        "data_as_of": iso(as_of),
        "source": {"name": SOURCE, "url": SOURCE_URL},
        "attribution": ATTRIBUTION,
    }


def completed_as_of(data: SiteData, span: tuple[date | None, date | None]) -> datetime | None:
    """A completed period's data is as of the end of its last day (or the latest cycle when
    that is earlier): the same for every cycle of today, so its pages keep their bytes."""
    if span[1] is None or data.data_as_of is None:
        return data.data_as_of
    end = datetime.combine(span[1] + timedelta(days=1), datetime.min.time()).replace(
        tzinfo=data.data_as_of.tzinfo
    )
    return min(end, data.data_as_of)


def period_as_of(data: SiteData, period: str, span: tuple[date | None, date | None]) -> Any:
    return data.data_as_of if period in LIVE_PERIODS else completed_as_of(data, span)


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
    ctx = {
        "period": period,
        "filter": filter,
        "level": level,
        "span": {"from": span[0], "to": span[1]},
        **common(data, period_as_of(data, period, _dates(span))),
        "items": items,
    }
    ctx["view"] = {
        "title": ranking_title(level, period, filter),
        "periods": data.periods,
        "filters": data.catalog.filters,
        "ranked": len(order),
        "json_url": url("ranking_json", level=level, period=period, filter=filter),
        "csv_url": url("ranking_csv", level=level, period=period, filter=filter),
        "embed_url": url("embed_ranking", level=level, period=period, filter=filter),
        "page_url": url("ranking", level=level, period=period, filter=filter),
        "embed_rows": EMBED_ROWS,
        "page_rows": PAGE_ROWS[level],
        "columns": item_columns(level, period),
    }
    return ctx


def item_columns(level: str, period: str) -> list[str]:
    """The keys of a ranking's items, in order (the CSV header)."""
    if level == "parks":
        keys = ["rank", "park_id", "name", *PARK_NUMBERS, "longest_outage_minutes"]
        keys += ["country", "continent"]
        return [*keys, "rides_down_now"] if period in LIVE_PERIODS else keys
    keys = ["rank", "ride_id", "park_id", "park_name", "name", "tier", *RIDE_NUMBERS]
    return [*keys, "status"] if period in LIVE_PERIODS else keys


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
        down = [i for i in ids if stats[i].live_status == "down"]
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
    numbers = shown(data, stats) if rank is not None else {}
    item: dict[str, Any] = {"rank": rank, "park_id": park.id, "name": park.name}
    item.update({name: numbers.get(name) for name in (*PARK_NUMBERS, "longest_outage_minutes")})
    item.update({"country": park.country, "continent": park.continent})
    if period in LIVE_PERIODS:
        item["rides_down_now"] = rides_down_now(data, park.id)
    return item


def rides_down_now(data: SiteData, park_id: int) -> int | None:
    live = data.stats[PARK][metrics.LIVE].get(park_id)
    return live.numbers()["rides_down"] if live else None


def ride_item(data: SiteData, stats: Stats, period: str, rank: int | None) -> dict[str, Any]:
    ride = data.catalog.rides[stats.id]
    park = data.catalog.parks[ride.park_id]
    shown_stats = data.stats[RIDE]["today"][ride.id] if period == metrics.LIVE else stats
    numbers = shown(data, shown_stats) if rank is not None else {}
    item: dict[str, Any] = {
        "rank": rank,
        "ride_id": ride.id,
        "park_id": park.id,
        "park_name": park.name,
        "name": ride.name,
        "tier": ride.tier,
    }
    item.update({name: numbers.get(name) for name in RIDE_NUMBERS})
    if period in LIVE_PERIODS:
        item["status"] = live_status(data, ride.id)
    return item


def live_status(data: SiteData, ride_id: int) -> str:
    live = data.stats[RIDE][metrics.LIVE].get(ride_id)
    return (live.live_status if live else None) or "no data"


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


def _dates(span: tuple[str | None, str | None]) -> tuple[date | None, date | None]:
    try:
        return tuple(date.fromisoformat(s) if s else None for s in span)  # type: ignore[return-value]
    except ValueError:  # live: instants
        return None, None


def ranking_title(level: str, period: str, filter: str) -> str:
    what = "Parks" if level == "parks" else "Rides"
    scope = "" if filter == "all" else f" ({filter_label(filter)})"
    return f"{what}: {period_label(period)}{scope}"


def period_label(period: str) -> str:
    return {"live": "right now", "last-7-days": "last 7 days", "last-30-days": "last 30 days"}.get(
        period, period.replace("-", " ")
    )


def filter_label(filter: str) -> str:
    if filter == "disney-universal":
        return "Disney & Universal"
    return filter.replace("-", " ").title() if filter != "all" else "all parks"


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
            "shame_score": metrics.for_display("shame_score", live.shame_score),
            "rides_down_now": rides_down_now(data, park_id),
        },
        "periods": {p: period_numbers(data, data.stats[PARK][p][park_id]) for p in data.periods},
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
    }
    return ctx


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


def period_numbers(data: SiteData, stats: Stats) -> dict[str, Any]:
    """A period's numbers on a park or ride page. Not `live_at`: the page's `data_as_of` says
    it, and a stamp in the content would make every page change with every cycle."""
    numbers = shown(data, stats)
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
        "status": live_status(data, ride.id),
        "wait_time": data.live_waits.get(ride.id),
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
    """Down minutes per local day x hour over the last 30 days (missing cells: no data)."""
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
                "breakdowns": c["breakdowns"],
            }
            for c in data.heatmaps.get(park_id, [])
        ],
    }


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else metrics.for_display(k, v))
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
    as_of = ended_as_of(data, today, park_info.timezone)
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
        **common(data, as_of),
        "data_as_of_local": local_iso(as_of, park_info.timezone),
        "periods": {
            p: period_numbers(data, data.stats[RIDE][p][ride_id]) for p in completed_periods(data)
        },
        "outages": [outage_row(data, e) for e in sorted(ended, key=lambda e: e["start_at"])],
        "uptime_history": [_shown(row) for row in history],
    }
    ctx["view"] = {
        "json_url": url("ride_json", ride_id=ride_id),
        "page_url": url("ride", ride_id=ride_id),
        "park_url": url("park", park_id=park_info.id),
        "live_url": f"{url('park', park_id=park_info.id)}#ride-{ride_id}",
    }
    return ctx


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
        ended_as_of(data, today, park_info.timezone),
        (info.name, info.kind, info.ranked, info.tier, info.land_name, info.park_id),
        (park_info.name, park_info.timezone),
        unsettled,
        recent,
    )


def completed_periods(data: SiteData) -> list[str]:
    return [p for p in data.periods if p not in metrics.PROVISIONAL_PERIODS]


def park_today(data: SiteData, timezone: str) -> date:
    return metrics.local_day(data.now, timezone)


def ended_as_of(data: SiteData, today: date, timezone: str) -> datetime | None:
    """What a page of ended days is as of: the park's last local midnight (or the latest cycle
    when that is earlier), the same for every cycle of the day."""
    if data.data_as_of is None:
        return None
    return min(metrics.day_bounds(today, timezone)[0], as_utc(data.data_as_of))


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
        "view": {"periods": data.periods, "filters": data.catalog.filters, "levels": LEVELS},
    }


def rankings_index(data: SiteData) -> dict[str, Any]:
    rows = [
        {
            "level": level,
            "period": period,
            "filter": f,
            "title": ranking_title(level, period, f),
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
    days are not final yet (the aggregator lags) is pending: no winner, no feed entry."""
    found = []
    for period in AWARD_PERIODS:
        parks = ranking(data, "parks", period, "all")
        rides = ranking(data, "rides", period, "all")
        pending = any(s.provisional_days for s in data.stats[PARK][period].values())
        found.append(
            {
                "period": period,
                "title": period_label(period).capitalize(),
                "span": parks["span"],
                "pending": pending,
                "park": parks["items"][0] if parks["view"]["ranked"] and not pending else None,
                "ride": rides["items"][0] if rides["view"]["ranked"] and not pending else None,
                "updated": None if pending else award_updated(parks["span"]["to"]),
            }
        )
    as_of = max((a["updated"] for a in found if a["updated"]), default=None)
    return {**common(data, None), "data_as_of": as_of, "view": {"awards": found}}


def award_updated(last_day: str | None) -> str | None:
    """An award is final once its last local day has ended: stamp it then (deterministic, so
    the feed's bytes only change when an award does)."""
    if last_day is None:
        return None
    return f"{(date.fromisoformat(last_day) + timedelta(days=1)).isoformat()}T00:00:00Z"


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
            "catalog_url": url("catalog"),
            "park_json_pattern": "/data/v1/parks/{park_id}.json",
            "ride_json_pattern": "/data/v1/rides/{ride_id}.json",
        }
    }


SCHEMA_NAMES = ("ranking", "park", "ride", "catalog")
