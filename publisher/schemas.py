"""JSON Schemas (2020-12) of every file kind under /data/v1/: the public contract, published
beside the data and checked against every file by the tests."""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NUMBER = {"type": ["number", "null"]}
INTEGER = {"type": ["integer", "null"]}
TEXT = {"type": ["string", "null"]}
STAMP = {
    "type": ["string", "null"],
    "description": "ISO 8601 UTC instant, e.g. 2026-07-04T15:00:00Z",
}
STATUS = {"enum": ["open", "down", "closed", "unknown", "stale", "no data"]}

COMMON = {
    "generated_at": {"type": "string", "description": "When this file was rendered (UTC)."},
    "data_as_of": STAMP,
    "source": {
        "type": "object",
        "required": ["name", "url"],
        "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
    },
    "attribution": {"type": "string"},
}
NUMBERS = {
    "shame_score": NUMBER,
    "downtime_hours": NUMBER,
    "uptime_pct": NUMBER,
    "breakdowns": INTEGER,
    "longest_outage_minutes": INTEGER,
}
PARK_ITEM = {
    "type": "object",
    "required": ["rank", "park_id", "name", *NUMBERS],
    "properties": {
        "rank": INTEGER,
        "park_id": {"type": "integer"},
        "name": {"type": "string"},
        **NUMBERS,
        "country": TEXT,
        "continent": TEXT,
        "rides_down_now": INTEGER,
    },
    "additionalProperties": False,
}
RIDE_ITEM = {
    "type": "object",
    "required": ["rank", "ride_id", "park_id", "park_name", "name", "tier", *NUMBERS],
    "properties": {
        "rank": INTEGER,
        "ride_id": {"type": "integer"},
        "park_id": {"type": "integer"},
        "park_name": {"type": "string"},
        "name": {"type": "string"},
        "tier": {"enum": [1, 2, 3, None]},
        **NUMBERS,
        "status": STATUS,
    },
    "additionalProperties": False,
}
PERIOD_NUMBERS = {
    "type": "object",
    "properties": {
        **NUMBERS,
        "mean_time_to_repair_minutes": NUMBER,
        "open_minutes": INTEGER,
        "down_minutes": INTEGER,
        "unknown_minutes": INTEGER,
        "wait_mean": NUMBER,
        "wait_max": INTEGER,
        "rides_down": INTEGER,
        "first_day": TEXT,
        "last_day": TEXT,
        "tier": INTEGER,
        "live_status": TEXT,
        "live_at": STAMP,
    },
    "required": ["shame_score"],
}
OUTAGE = {
    "type": "object",
    "required": ["ride_id", "day", "start_at", "end_at", "minutes"],
    "properties": {
        "ride_id": {"type": "integer"},
        "ride_name": {"type": "string"},
        "day": {"type": "string", "format": "date"},
        "start_at": {"type": "string"},
        "end_at": {"type": "string"},
        "minutes": {"type": "integer"},
    },
}
DAY_ROW = {
    "type": "object",
    "required": ["day", "shame_score", "uptime_pct"],
    "properties": {
        "day": {"type": "string", "format": "date"},
        "final": {"type": "boolean"},
        "shame_score": NUMBER,
        "downtime_hours": NUMBER,
        "uptime_pct": NUMBER,
        "breakdowns": INTEGER,
    },
}


def _doc(name: str, title: str, required: list[str], properties: dict[str, Any]) -> dict:
    return {
        "$schema": DRAFT,
        "$id": f"/data/v1/schema/{name}.schema.json",
        "title": title,
        "type": "object",
        "required": [*COMMON, *required],
        "properties": {**COMMON, **properties},
    }


def periods_of(numbers: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": numbers}


SCHEMAS: dict[str, dict[str, Any]] = {
    "ranking": _doc(
        "ranking",
        "A ranking of parks or rides for one period under one filter",
        ["period", "filter", "span", "items"],
        {
            "period": {"type": "string"},
            "filter": {"type": "string"},
            "level": {"enum": ["parks", "rides"]},
            "span": {
                "type": "object",
                "required": ["from", "to"],
                "properties": {"from": TEXT, "to": TEXT},
            },
            "items": {"type": "array", "items": {"anyOf": [PARK_ITEM, RIDE_ITEM]}},
        },
    ),
    "park": _doc(
        "park",
        "One park: live state, numbers per period, rides, outages, heatmap and trend",
        ["park", "live", "periods", "rides", "worst_rides", "longest_outages", "heatmap", "trend"],
        {
            "park": {
                "type": "object",
                "required": ["park_id", "name", "timezone"],
                "properties": {"park_id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "data_as_of_local": TEXT,
            "live": {"type": "object", "required": ["status", "shame_score", "rides_down_now"]},
            "periods": periods_of(PERIOD_NUMBERS),
            "rides": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["ride_id", "name", "kind", "tier", "status", "wait_time", "today"],
                    "properties": {
                        "status": STATUS,
                        "wait_time": INTEGER,
                        "today": {
                            "type": "object",
                            "required": list(NUMBERS),
                            "properties": NUMBERS,
                        },
                    },
                },
            },
            "worst_rides": {"type": "array"},
            "longest_outages": {"type": "array", "items": OUTAGE},
            "heatmap": {
                "type": "object",
                "required": ["from", "to", "cells"],
                "properties": {
                    "cells": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["day", "hour", "down_minutes", "open_minutes"],
                            "properties": {"hour": {"type": "integer", "minimum": 0}},
                        },
                    }
                },
            },
            "trend": {"type": "array", "items": DAY_ROW},
        },
    ),
    "ride": _doc(
        "ride",
        "One ride's history: numbers and waits per finished period, outage history and daily "
        "uptime of the days that have ended in its park (live and today: its park's file)",
        ["ride", "periods", "outages", "uptime_history"],
        {
            "ride": {
                "type": "object",
                "required": ["ride_id", "name", "park_id", "park_name", "kind", "tier"],
            },
            "data_as_of_local": TEXT,
            "periods": periods_of(PERIOD_NUMBERS),
            "outages": {"type": "array", "items": OUTAGE},
            "uptime_history": {"type": "array", "items": DAY_ROW},
        },
    ),
    "catalog": {
        "$schema": DRAFT,
        "$id": "/data/v1/schema/catalog.schema.json",
        "title": "Every published file with the time it was generated",
        "type": "object",
        "required": ["generated_at", "source", "attribution", "files"],
        "properties": {
            **COMMON,
            "files": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url", "generated_at"],
                    "properties": {"url": {"type": "string"}, "generated_at": {"type": "string"}},
                },
            },
        },
    },
}
