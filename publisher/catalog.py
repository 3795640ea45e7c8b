"""The catalogue's entries: what each published file is (its kind, a title, its media type and
the schema it follows), so a machine can walk /data/v1/catalog.json without guessing from
paths."""

from __future__ import annotations

import re
from typing import Any

from publisher import context
from publisher.data import SiteData
from publisher.schemas import SCHEMA_URL

# (pattern of a file's path in a release, kind, media type, schema name); first match wins
KINDS: tuple[tuple[re.Pattern[str], str, str, str | None], ...] = tuple(
    (re.compile(pattern), kind, media, schema)
    for pattern, kind, media, schema in (
        (r"^data/v1/rankings/(?P<level>[^/]+)/(?P<period>[^/]+)/(?P<filter>[^/]+)\.json$",
         "ranking", "application/json", "ranking"),
        (r"^data/v1/rankings/(?P<level>[^/]+)/(?P<period>[^/]+)/(?P<filter>[^/]+)\.csv$",
         "ranking-csv", "text/csv", "ranking"),
        (r"^data/v1/parks/(?P<park_id>\d+)\.json$", "park", "application/json", "park"),
        (r"^data/v1/rides/(?P<ride_id>\d+)\.json$", "ride", "application/json", "ride"),
        (r"^data/v1/schema/(?P<name>[^/]+)\.schema\.json$", "schema", "application/schema+json",
         None),
        (r"^data/v1/openapi\.json$", "openapi", "application/vnd.oai.openapi+json", None),
        (r"^awards/feed\.xml$", "feed", "application/atom+xml", None),
        (r"^parks/(?P<park_id>\d+)/feed\.xml$", "park-feed", "application/atom+xml", None),
        (r"^search\.json$", "search-index", "application/json", None),
        (r"^shopify/.*\.liquid$", "shopify", "text/plain", None),
        (r"^sitemap\.xml$", "sitemap", "application/xml", None),
        (r"^robots\.txt$", "robots", "text/plain", None),
        (r"\.html$", "page", "text/html", None),
        (r"\.css$", "asset", "text/css", None),
        (r"\.js$", "asset", "text/javascript", None),
        (r"\.svg$", "asset", "image/svg+xml", None),
        (r"", "file", "application/octet-stream", None),
    )
)  # fmt: skip


def entry(data: SiteData, rel: str, size: int, generated_at: str | None) -> dict[str, Any]:
    """One catalogue entry of the file at `rel` (relative to the release)."""
    for pattern, kind, media, schema in KINDS:
        found = pattern.search(rel)
        if found:
            return {
                "url": f"/{rel}",
                "kind": kind,
                "title": title(data, kind, found.groupdict(), rel),
                "media_type": media,
                "schema": SCHEMA_URL.format(name=schema) if schema else None,
                "bytes": size,
                "generated_at": generated_at,
            }
    raise AssertionError("the last pattern matches every path")


def title(data: SiteData, kind: str, ids: dict[str, str], rel: str) -> str:
    if kind in ("ranking", "ranking-csv"):
        labels = context.filter_labels(data)
        what = context.ranking_title(ids["level"], ids["period"], ids["filter"], labels)
        return f"{what}, {'JSON' if kind == 'ranking' else 'CSV'}"
    if kind == "park":
        park = data.catalog.parks.get(int(ids["park_id"]))
        return f"Park: {park.name}" if park else f"Park {ids['park_id']}"
    if kind == "ride":
        ride = data.catalog.rides.get(int(ids["ride_id"]))
        return f"Ride: {ride.name}" if ride else f"Ride {ids['ride_id']}"
    if kind == "park-feed":
        park = data.catalog.parks.get(int(ids["park_id"]))
        return f"Breakdowns at {park.name if park else 'park ' + ids['park_id']} (Atom)"
    if kind == "shopify":
        return f"Shopify {'section' if '/sections/' in rel else 'snippet'} (Liquid)"
    if kind == "schema":
        return f"JSON Schema of the {ids['name']} files"
    return {
        "openapi": "The API's OpenAPI document",
        "feed": "Awards feed (Atom)",
        "sitemap": "Sitemap",
        "robots": "robots.txt",
        "search-index": "Search index of every park and ride",
    }.get(kind, f"/{rel}")
