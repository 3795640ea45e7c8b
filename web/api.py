"""The API's views: a park's or ride's numbers over a custom range, a ride's day, health.

Each view validates its parameters (web.params), reads through the same functions every other
output uses (reader.span_stats, metrics), and answers JSON with Cache-Control and an ETag.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import Connection, select

from hallofshame import metrics, schema
from hallofshame.caching import cache_control
from hallofshame.package_data import shipped
from reader import PARK, RIDE, span_stats
from reader.health import check_health, reads_replica
from reader.timeline import ride_timeline
from web.errors import ApiError
from web.params import DayQuery, IdPath, RangeQuery, parse
from web.state import AppState

bp = Blueprint("api", __name__, url_prefix="/api")


def state() -> AppState:
    return current_app.extensions["hallofshame"]


@bp.get("/v1/parks/<raw_id>/stats")
def park_stats(raw_id: str) -> Response:
    """GET /api/v1/parks/ID/stats?from=YYYY-MM-DD&to=YYYY-MM-DD"""
    return _stats(PARK, raw_id)


@bp.get("/v1/rides/<raw_id>/stats")
def ride_stats(raw_id: str) -> Response:
    """GET /api/v1/rides/ID/stats?from=YYYY-MM-DD&to=YYYY-MM-DD"""
    return _stats(RIDE, raw_id)


def _stats(level: str, raw_id: str) -> Response:
    id_ = parse(IdPath, {"id": raw_id}).id
    query = parse(RangeQuery, request.args.to_dict())
    app = state()
    length = (query.last - query.first).days + 1
    if length < 1:
        raise ApiError(400, "parameter 'from' is after 'to'")
    if length > app.settings.api_max_range_days:
        limit = app.settings.api_max_range_days
        raise ApiError(400, f"the range is {length} days; at most {limit} are allowed")
    with app.engine.connect() as conn:
        _park_id, timezone = _find(conn, level, id_)
        stats = span_stats(conn, level, {id_: (query.first, query.last)})[id_]
    body = stats.as_json()
    del body["first_day"], body["last_day"]
    body = {
        f"{level}_id": id_,
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
    } | body
    return cached_json(body, _lifetime(query.last, timezone))


@bp.get("/v1/rides/<raw_id>/timeline")
def timeline(raw_id: str) -> Response:
    """GET /api/v1/rides/ID/timeline?date=YYYY-MM-DD"""
    id_ = parse(IdPath, {"id": raw_id}).id
    day = parse(DayQuery, request.args.to_dict()).date
    app = state()
    cap = metrics.gap_cap(app.settings.collect_interval_minutes) // timedelta(minutes=1)
    with app.engine.connect() as conn:
        park_id, timezone = _find(conn, RIDE, id_)
        found = ride_timeline(conn, id_, park_id, day, timezone, app.clock(), cap)
        down = conn.scalar(
            select(schema.ride_daily.c.down_minutes).where(
                schema.ride_daily.c.ride_id == id_, schema.ride_daily.c.day == day
            )
        )
    body = {
        "ride_id": id_,
        "park_id": park_id,
        "date": day.isoformat(),
        "timezone": timezone,
        "source": found.source,
        "down_minutes": down,
        "segments": found.as_json(),
    }
    return cached_json(body, _lifetime(day, timezone))


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 when fresh; 503 when the data is stale or the database unreachable."""
    app = state()
    found = check_health(app.engine, app.settings, app.clock(), reads_replica(app.settings))
    response = jsonify(found.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if found.ok else 503


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (the publisher also copies it to /data/v1/)."""
    text = shipped("openapi").read_text(encoding="utf-8")
    response = current_app.response_class(text, mimetype="application/json")
    return _conditional(response, cache_control(3600, revalidate=False))


def _find(conn: Connection, level: str, id_: int) -> tuple[int, str]:
    """(park id, park time zone) of a park or ride, or a 404."""
    found = state().places.find(conn, level, id_)
    if found is None:
        raise ApiError(404, f"no {level} with id {id_}")
    return found


def _lifetime(last_day: date, timezone: str) -> str:
    """Long for days that are over and settled (the aggregator has finalised them by the time
    the gap cap has passed after the park's midnight); short, and served stale while a shared
    cache refetches it, for anything touching today (it changes every cycle)."""
    app = state()
    settle = metrics.gap_cap(app.settings.collect_interval_minutes)
    _, end = metrics.day_bounds(last_day, timezone)
    if app.clock() >= end + settle:
        return cache_control(app.settings.api_cache_long_s, revalidate=False)
    return cache_control(app.settings.api_cache_short_s)


def cached_json(body: dict[str, Any], cache: str) -> Response:
    return _conditional(jsonify(body), cache)


def _conditional(response: Response, cache: str) -> Response:
    """Cache-Control, a strong ETag of the body, and 304 when the client already has it."""
    response.headers["Cache-Control"] = cache
    response.add_etag()
    return response.make_conditional(request)
