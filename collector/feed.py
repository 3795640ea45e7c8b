"""Reading the two Queue-Times documents into validated records.

A document of the wrong shape raises FeedError (the park's failure for this cycle). Each entry
in it goes through the one validation gate, `collector.validate`: an entry that fails is refused
with its reason and the others are kept, so one odd ride or park never loses the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from collector.validate import ParkInfo, Rejection, RideReading, reason

__all__ = [
    "FeedError",
    "ParkInfo",
    "Parsed",
    "RideReading",
    "decode",
    "parse_parks",
    "parse_queue_times",
]


class FeedError(ValueError):
    """A document that cannot be read. `kind` names the failure for fetch_failures."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Parsed:
    """What a document yielded, and the entries it refused (with their reasons)."""

    items: list[Any]
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.rejected)


def decode(body: bytes | str) -> Any:
    """JSON from a response body, or FeedError (`empty` or `bad_json`)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body.strip():
        raise FeedError("empty", "empty response body")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # also a 5,000-digit number, or [[[[…]]]]
        raise FeedError("bad_json", f"malformed JSON: {_first_line(exc)}") from None


def parse_parks(document: Any) -> Parsed:
    """`parks.json`: operator groups, each with its parks."""
    if not isinstance(document, list):
        raise FeedError("bad_shape", "parks.json is not a list of operator groups")
    parks: list[ParkInfo] = []
    rejected: list[Rejection] = []
    for number, group in enumerate(document):
        entries = group.get("parks") if isinstance(group, dict) else None
        if not (isinstance(group, dict) and _is_int(group.get("id")) and isinstance(entries, list)):
            why = "not an object with an integer `id` and a `parks` list"
            rejected.append(Rejection(f"group {_label(group, number)}", why))
            continue
        for index, entry in enumerate(entries):
            owner = {"group_id": group["id"], "group_name": group.get("name") or ""}
            data = {**entry, **owner} if isinstance(entry, dict) else entry
            try:
                parks.append(ParkInfo.model_validate(data))
            except ValidationError as exc:
                park = Rejection(f"park {_label(entry, index)}", reason(exc), _id(entry))
                rejected.append(park)
    return Parsed(parks, rejected)


def parse_queue_times(document: Any, cycle_at: datetime) -> Parsed:
    """`parks/{id}/queue_times.json`: rides under `lands` and under the top-level `rides`.
    `cycle_at` bounds the plausible `last_updated` times."""
    lands, top = (document.get(key) if isinstance(document, dict) else None for key in KEYS)
    if not (isinstance(lands, list) or isinstance(top, list)):
        raise FeedError("bad_shape", "queue_times.json has neither a `lands` nor a `rides` list")
    rides: dict[int, RideReading] = {}
    rejected: list[Rejection] = []
    context = {"cycle_at": cycle_at}
    for land, entries in _ride_lists(lands, top, rejected):
        for index, entry in enumerate(entries):
            data = {**entry, **land} if isinstance(entry, dict) and land else entry
            try:
                ride = RideReading.model_validate(data, context=context)
            except ValidationError as exc:
                rejected.append(Rejection(f"ride {_label(entry, index)}", reason(exc)))
                continue
            rides.setdefault(ride.id, ride)  # a ride listed twice keeps its first (land) entry
    return Parsed(list(rides.values()), rejected)


KEYS = ("lands", "rides")


def _ride_lists(
    lands: Any, top: Any, rejected: list[Rejection]
) -> list[tuple[dict[str, Any], list[Any]]]:
    """(land fields, ride entries) for every land, then the top-level rides (no land)."""
    lists = []
    for number, land in enumerate(lands if isinstance(lands, list) else []):
        rides = land.get("rides") if isinstance(land, dict) else None
        if not isinstance(rides, list):
            rejected.append(Rejection(f"land {_label(land, number)}", "no `rides` list"))
            continue
        lists.append(({"land_id": land.get("id"), "land_name": land.get("name")}, rides))
    if isinstance(top, list):
        lists.append(({}, top))
    return lists


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(entry: Any) -> int | None:
    value = entry.get("id") if isinstance(entry, dict) else None
    return value if _is_int(value) else None


def _label(entry: Any, index: int) -> str:
    """An entry's id as sent (shortened), or its position when it has none."""
    value = entry.get("id") if isinstance(entry, dict) else None
    return f"#{index}" if value is None else repr(value)[:24]


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
