"""The Jinja environment every page is rendered with (autoescape on: ride names come from
outside and may contain markup).

Globals: `site` (generated_at, simulated, source and attribution), `asset(name)` (the
fingerprinted URL of a file of `site/`), `url(kind, **ids)` (a root-relative URL of
`publisher.urls`). Filters show numbers at the published precision of METRICS.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hallofshame import metrics
from hallofshame.clock import parse_instant
from publisher import charts, urls
from publisher.formats import NO_DATA, num, pct

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def make_env(asset_urls: Mapping[str, str], site: Mapping[str, Any] | None = None) -> Environment:
    """The environment for one publish. `asset_urls` maps a `site/` file name to its
    fingerprinted URL; an unknown asset is an error at render time, never a dead link."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(site=dict(site or {}), url=urls.url, asset=_asset_lookup(asset_urls))
    env.filters.update(
        num=num, local_time=local_time, pct=pct, day=day, clock=clock, day_span=day_span
    )
    env.globals["charts"] = charts  # chart geometry for templates/_charts.html (presentation)
    env.globals["rules"] = {  # the METRICS.md constants the pages explain in words
        "tier_weights": metrics.TIER_WEIGHTS,
        "headliner_wait": metrics.TIER_HEADLINER_WAIT,
        "major_wait": metrics.TIER_MAJOR_WAIT,
    }
    return env


def _asset_lookup(asset_urls: Mapping[str, str]) -> Any:
    def asset(name: str) -> str:
        if name not in asset_urls:
            raise KeyError(f"no asset {name!r} in site/ (known: {', '.join(sorted(asset_urls))})")
        return asset_urls[name]

    return asset


def day(value: str | date | None) -> str:
    """A date as people write it: `3 Dec 2026` (ISO dates stay in the markup's datetime)."""
    if value is None:
        return NO_DATA
    found = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{found.day} {found.strftime('%b %Y')}"


def day_span(first: str | None, last: str | None = None) -> str:
    """Park-local days in words: `27 Jun to 3 Jul 2026`, `3 Jul 2026`."""
    if not first:
        return NO_DATA
    if not last or last == first:
        return day(first)
    start = day(first)
    if first[:4] == last[:4]:
        start = start.rsplit(" ", 1)[0]
    return f"{start} to {day(last)}"


def clock(value: str | datetime | None, timezone: str | None = None) -> str:
    """An instant as people read it, in a park's time with its zone abbreviation
    (`3 Dec 2026, 23:50 EST`), or in UTC without a park."""
    if value is None:
        return NO_DATA
    instant = parse_instant(value) if isinstance(value, str) else value
    instant = instant.astimezone(ZoneInfo(timezone or "UTC"))
    return f"{day(instant.date())}, {instant.strftime('%H:%M %Z')}"


def local_time(value: str | datetime | None, timezone: str | None = None) -> str:
    """An instant shown in a park's local time (`2026-07-04 11:00 EDT`), or UTC without one."""
    if value is None:
        return NO_DATA
    instant = parse_instant(value) if isinstance(value, str) else value
    if timezone:
        instant = instant.astimezone(ZoneInfo(timezone))
        return instant.strftime("%Y-%m-%d %H:%M %Z")
    return instant.strftime("%Y-%m-%d %H:%M UTC")
