"""Every published URL, as data: one table of patterns (Pelican keeps its output paths as format
strings in settings). Pages and templates ask `url(kind, **ids)`; the writer maps a URL to its
file with `file_of`."""

from __future__ import annotations

from hallofshame import fields

LEVELS = ("parks", "rides")  # in URLs; the aggregator's levels are "park" and "ride"

URLS: dict[str, str] = {
    "home": "/",
    "rankings": "/rankings/",
    "ranking": "/rankings/{level}/{period}/{filter}/",
    "parks": "/parks/",
    "park": "/parks/{park_id}/",
    "park_feed": "/parks/{park_id}/feed.xml",
    "ride": "/rides/{ride_id}/",
    "awards": "/awards/",
    "feed": "/awards/feed.xml",
    "how_we_measure": "/how-we-measure/",
    "data": "/data/",
    "search_index": "/search.json",
    "embed_ranking": "/embed/rankings/{level}/{period}/{filter}/",
    "embed_park": "/embed/parks/{park_id}/",
    "ranking_json": "/data/v1/rankings/{level}/{period}/{filter}.json",
    "ranking_csv": "/data/v1/rankings/{level}/{period}/{filter}.csv",
    "park_json": "/data/v1/parks/{park_id}.json",
    "ride_json": "/data/v1/rides/{ride_id}.json",
    "catalog": fields.CATALOG_URL,
    "schema": "/data/v1/schema/{name}.schema.json",
    "openapi": "/data/v1/openapi.json",
    "shopify_section": "/shopify/sections/hallofshame.liquid",
    "shopify_snippet": "/shopify/snippets/hallofshame.liquid",
    "not_found": "/404.html",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
}


def url(kind: str, **ids: object) -> str:
    """The root-relative URL of a page or file: `url("park", park_id=16)` -> `/parks/16/`."""
    return URLS[kind].format(**ids)


def file_of(page_url: str) -> str:
    """The file (relative to a release) that serves a URL: directories serve index.html."""
    path = page_url.lstrip("/")
    return f"{path}index.html" if path == "" or path.endswith("/") else path
