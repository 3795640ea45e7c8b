"""The Jinja environment every page is rendered with (autoescape on: ride names come from
outside and may contain markup).

Globals: `site` (generated_at, simulated, source and attribution), `asset(name)` (the
fingerprinted URL of a file of `site/`), `url(kind, **ids)` (a root-relative URL of
`publisher.urls`), `fields` (the table of published fields,
`hallofshame.fields`: labels, units, meanings). Filters show numbers at their fields' precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hallofshame import fields
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
    env.filters.update(num=num, local_time=local_time, pct=pct)
    env.globals["fields"] = fields.FIELDS  # the table of published fields: labels, units
    env.globals["charts"] = charts  # chart geometry for templates/_charts.html (presentation)
    return env


def _asset_lookup(asset_urls: Mapping[str, str]) -> Any:
    def asset(name: str) -> str:
        if name not in asset_urls:
            raise KeyError(f"no asset {name!r} in site/ (known: {', '.join(sorted(asset_urls))})")
        return asset_urls[name]

    return asset


def local_time(value: str | datetime | None, timezone: str | None = None) -> str:
    """An instant shown in a park's local time (`2026-07-04 11:00 EDT`), or UTC without one."""
    if value is None:
        return NO_DATA
    instant = parse_instant(value) if isinstance(value, str) else value
    if timezone:
        instant = instant.astimezone(ZoneInfo(timezone))
        return instant.strftime("%Y-%m-%d %H:%M %Z")
    return instant.strftime("%Y-%m-%d %H:%M UTC")
