"""Parsing the two Queue-Times documents into plain records.

The feed is outside input: every value is checked for type before use. A document of the wrong
shape raises FeedError (the park's failure for this cycle); a single unusable ride or park entry
is skipped and counted, so one odd row never loses the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hallofshame.clock import parse_instant


class FeedError(ValueError):
    """A document that cannot be read. `kind` names the failure for fetch_failures."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class ParkInfo:
    id: int
    name: str
    group_id: int
    group_name: str
    country: str | None
    continent: str | None
    latitude: float | None
    longitude: float | None
    timezone: str


@dataclass(frozen=True)
class RideReading:
    id: int
    name: str
    land_id: int | None
    land_name: str | None
    is_open: bool
    wait_time: int | None
    last_updated: datetime | None


@dataclass(frozen=True)
class Parsed:
    """What a document yielded, and how many of its entries had to be skipped."""

    items: list[Any]
    skipped: int = 0


def decode(body: bytes | str) -> Any:
    """JSON from a response body, or FeedError (`empty` or `bad_json`)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body.strip():
        raise FeedError("empty", "empty response body")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise FeedError("bad_json", f"malformed JSON: {exc}") from None


def parse_parks(document: Any) -> Parsed:
    """`parks.json`: operator groups, each with its parks."""
    if not isinstance(document, list):
        raise FeedError("bad_shape", "parks.json is not a list of operator groups")
    parks, skipped = [], 0
    for group in document:
        if not (isinstance(group, dict) and _is_int(group.get("id"))):
            skipped += 1
            continue
        for entry in group.get("parks") or []:
            park = _park(entry, group)
            if park is None:
                skipped += 1
            else:
                parks.append(park)
    return Parsed(parks, skipped)


def _park(entry: Any, group: dict[str, Any]) -> ParkInfo | None:
    if not (isinstance(entry, dict) and _is_int(entry.get("id"))):
        return None
    if not isinstance(entry.get("name"), str) or not _valid_zone(entry.get("timezone")):
        return None
    return ParkInfo(
        id=entry["id"],
        name=entry["name"],
        group_id=group["id"],
        group_name=str(group.get("name") or ""),
        country=_text(entry.get("country")),
        continent=_text(entry.get("continent")),
        latitude=_float(entry.get("latitude")),
        longitude=_float(entry.get("longitude")),
        timezone=entry["timezone"],
    )


def parse_queue_times(document: Any) -> Parsed:
    """`parks/{id}/queue_times.json`: rides under `lands` and under the top-level `rides`."""
    if not isinstance(document, dict) or not (
        isinstance(document.get("lands"), list) or isinstance(document.get("rides"), list)
    ):
        raise FeedError("bad_shape", "queue_times.json has neither a `lands` nor a `rides` list")
    rides: dict[int, RideReading] = {}
    skipped = 0
    sources = [(land, land.get("rides")) for land in document.get("lands") or [] if _is_dict(land)]
    sources.append((None, document.get("rides")))
    for land, entries in sources:
        for entry in entries if isinstance(entries, list) else []:
            ride = _ride(entry, land)
            if ride is None:
                skipped += 1
            elif ride.id not in rides:  # a ride listed twice keeps its first (land) entry
                rides[ride.id] = ride
    return Parsed(list(rides.values()), skipped)


def _ride(entry: Any, land: dict[str, Any] | None) -> RideReading | None:
    if not (isinstance(entry, dict) and _is_int(entry.get("id"))):
        return None
    if not isinstance(entry.get("name"), str) or not isinstance(entry.get("is_open"), bool):
        return None
    wait = entry.get("wait_time")
    if wait is not None and not _is_int(wait):
        return None
    try:
        updated = entry.get("last_updated")
        last_updated = parse_instant(updated) if isinstance(updated, str) else None
    except ValueError:
        return None
    return RideReading(
        id=entry["id"],
        name=entry["name"],
        land_id=land.get("id") if land and _is_int(land.get("id")) else None,
        land_name=_text(land.get("name")) if land else None,
        is_open=entry["is_open"],
        wait_time=wait,
        last_updated=last_updated,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _valid_zone(name: Any) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
