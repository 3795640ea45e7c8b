"""Crafted Queue-Times documents for tests: small, readable, built from plain tuples."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hallofshame.clock import iso

GROUPS = [
    (1, "Walt Disney Attractions", [(10, "Magic Park", "America/New_York", "North America")]),
    (2, "Universal Parks & Resorts", [(20, "Studio Park", "Asia/Tokyo", "Asia")]),
    (3, "Other", [(30, "Le Parc", "Europe/Paris", "Europe")]),
]


def parks_document(groups: list[Any] = GROUPS) -> list[dict[str, Any]]:
    return [
        {
            "id": group_id,
            "name": name,
            "parks": [
                {
                    "id": park_id,
                    "name": park_name,
                    "country": "Somewhere",
                    "continent": continent,
                    "latitude": "48.87",
                    "longitude": "2.77",
                    "timezone": zone,
                }
                for park_id, park_name, zone, continent in parks
            ],
        }
        for group_id, name, parks in groups
    ]


def ride(ride_id: int, name: str, is_open: bool, wait: int, updated: datetime) -> dict[str, Any]:
    stamp = iso(updated).replace("Z", ".000Z")
    return {
        "id": ride_id,
        "name": name,
        "is_open": is_open,
        "wait_time": wait,
        "last_updated": stamp,
    }


def queue_times(rides: list[dict[str, Any]], land: tuple[int, str] | None = (1, "Main Land")):
    """A park document: rides under one land, or (land=None) only at the top level."""
    if land is None:
        return {"lands": [], "rides": rides}
    return {"lands": [{"id": land[0], "name": land[1], "rides": rides}], "rides": []}
