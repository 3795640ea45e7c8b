"""The page table: every page type as one row (which pages, how to build the context, which
files to render from it), and one loop over it. Periods, filters and formats are data here, so
no page type has a near-copy of another (Pelican's archives work the same way)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from publisher import context, how, shopify
from publisher.data import SiteData
from publisher.urls import LEVELS

Ids = dict[str, Any]


@dataclass(frozen=True)
class Output:
    """One file rendered from a page's context: `url_kind` of `publisher.urls`, and `render`
    a template name or one of the data formats "json" and "csv". `shows`: the part of the
    context the file is made from, when it is much less than all of it (a park's feed: its
    outages, not its live rows); the file is rendered from that part alone and carried over
    while that part's hash stands, however the rest moved."""

    url_kind: str
    render: str
    shows: Callable[[dict[str, Any]], dict[str, Any]] | None = None


@dataclass(frozen=True)
class PageKind:
    name: str
    keys: Callable[[SiteData], Iterable[Ids]]  # the URL ids of each page of the kind
    build: Callable[..., dict[str, Any]]  # (data, **ids) -> the page's context
    outputs: tuple[Output, ...]
    # (data, **ids) -> a cheap stand-in for the context: when it equals the previous publish's,
    # the page's files are kept without building the context (None: always build and hash it)
    signature: Callable[..., Any] | None = None
    # False: the signature moves only when the page does (a ride's own days), so a page whose
    # signature moved is rendered without hashing its context first (5,000 hashes a full publish)
    rehash: bool = True


def one(data: SiteData) -> list[Ids]:
    return [{}]


def ranking_keys(data: SiteData) -> list[Ids]:
    return [
        {"level": level, "period": period, "filter": f}
        for level in LEVELS
        for period in data.periods
        for f in data.catalog.filters
    ]


def park_keys(data: SiteData) -> list[Ids]:
    return [{"park_id": i} for i in sorted(data.catalog.parks)]


def ride_keys(data: SiteData) -> list[Ids]:
    return [{"ride_id": i} for i in sorted(data.catalog.rides)]


def _page(url_kind: str, template: str) -> tuple[Output, ...]:
    return (Output(url_kind, template),)


PAGES: tuple[PageKind, ...] = (
    PageKind("home", one, context.home, _page("home", "home.html")),
    PageKind("rankings", one, context.rankings_index, _page("rankings", "rankings.html")),
    PageKind(
        "ranking",
        ranking_keys,
        context.ranking,
        (
            Output("ranking", "ranking.html"),
            Output("embed_ranking", "embed_ranking.html"),
            Output("ranking_json", "json"),
            Output("ranking_csv", "csv"),
        ),
        signature=context.completed_signature,
    ),
    PageKind("parks", one, context.parks_index, _page("parks", "parks.html")),
    PageKind(
        "park",
        park_keys,
        context.park,
        (
            Output("park", "park.html"),
            Output("park_feed", "park_feed.xml", context.park_feed),
            Output("embed_park", "embed_park.html"),
            Output("park_json", "json"),
        ),
    ),
    PageKind(
        "ride",
        ride_keys,
        context.ride,
        (Output("ride", "ride.html"), Output("ride_json", "json")),
        signature=context.ride_signature,
        rehash=False,
    ),
    PageKind(
        "awards",
        one,
        context.awards,
        (Output("awards", "awards.html"), Output("feed", "feed.xml")),
        signature=context.completed_signature,
    ),
    PageKind("search", one, context.search_index, (Output("search_index", "json"),)),
    PageKind("how_we_measure", one, how.context, _page("how_we_measure", "how_we_measure.html")),
    PageKind("data", one, context.data_page, _page("data", "data.html")),
    PageKind(
        "shopify",
        one,
        shopify.context,
        (
            Output("shopify_section", "shopify/section.liquid"),
            Output("shopify_snippet", "shopify/snippet.liquid"),
        ),
    ),
    PageKind("not_found", one, lambda data: {"view": {}}, _page("not_found", "404.html")),
)


def html_urls(data: SiteData) -> list[str]:
    """Every page a search engine should know (not the embeds, the 404 or the data files)."""
    from publisher.urls import url

    skip = {"embed_ranking", "embed_park", "not_found", "feed", "park_feed"}
    found = []
    for kind in PAGES:
        for ids in kind.keys(data):
            for out in kind.outputs:
                if out.render.endswith(".html") and out.url_kind not in skip:
                    found.append(url(out.url_kind, **ids))
    return found
