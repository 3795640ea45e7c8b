"""The Shopify theme section and snippet: a merchant adds the Hall of Shame from the theme
editor and sets it with pickers instead of editing an iframe by hand.

Both files are Liquid that Shopify runs, kept in `templates/shopify/` and filled in at publish
time by Jinja with other delimiters (`[% %]`, `[[ ]]`, `[# #]`), so the two languages never
meet: Jinja writes the site's URL and origin, the choices (periods, filters and parks of this
publish, with the site's own labels) and the `{% schema %}` JSON; Liquid reads the merchant's
settings, falls back to the default for anything unknown, and builds the `/embed/...` URL and
its query (`theme`, `accent`, `rows`, `columns`, `background`) as the embed pages read them.
"""

from __future__ import annotations

import functools
import html
import json
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment

from hallofshame import fields
from hallofshame.settings import SAFE_URL
from publisher.context import EMBED_MAX_ROWS, EMBED_ROWS, filter_labels
from publisher.data import SiteData
from publisher.release import PublishError
from publisher.urls import LEVELS, url

DELIMITERS = {
    "block_start_string": "[%",
    "block_end_string": "%]",
    "variable_start_string": "[[",
    "variable_end_string": "]]",
    "comment_start_string": "[#",
    "comment_end_string": "#]",
}
THEMES = (("light", "Light"), ("dark", "Dark"), ("auto", "Follow the visitor's setting"))
ROWS = (1, EMBED_MAX_ROWS)  # the embed pages' ?rows range
DEFAULT_ACCENT = "#b3261e"  # the site's own accent (site/style.css, light scheme)
PARK_PREFIX = "park-"  # level values of one park: park-16


# A site URL the section can carry in a Liquid string, an HTML attribute and a JS string as is.
def context(data: SiteData) -> dict[str, Any]:
    """The choices of this publish, the settings table and its `{% schema %}` JSON."""
    labels = filter_labels(data)
    levels = [_option(level, f"Worst {level}", "Rankings") for level in LEVELS]
    parks = sorted(data.catalog.parks.values(), key=lambda p: (p.name.casefold(), p.id))
    levels += [_option(f"{PARK_PREFIX}{p.id}", p.name, "One park") for p in parks]
    periods = [_option(p, fields.PERIODS[p].label) for p in data.periods]
    filters = [_option(f, labels[f]) for f in data.catalog.filters]
    settings = setting_table(levels, periods, filters)
    return {
        "view": {
            "levels": levels,
            "periods": periods,
            "filters": filters,
            "themes": [_option(v, label) for v, label in THEMES],
            "defaults": {s["id"]: s["default"] for s in settings},
            "rows": {"min": ROWS[0], "max": ROWS[1]},
            "park_prefix": PARK_PREFIX,
            "schema": schema_json(settings),
            "section_url": url("shopify_section"),
            "snippet_url": url("shopify_snippet"),
        }
    }


def setting_table(
    levels: list[dict[str, str]], periods: list[dict[str, str]], filters: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """The section's settings, each with a label and a default among its choices."""
    return [
        _select("level", "Show", levels, "parks", "A ranking, or one park's live summary."),
        _select("period", "Period", periods, "today", "For a ranking."),
        _select("filter", "Parks", filters, "all", "For a ranking."),
        _select("theme", "Colours", [_option(v, label) for v, label in THEMES], "light"),
        {
            "type": "color",
            "id": "accent",
            "label": "Accent colour",
            "alpha": False,
            "default": DEFAULT_ACCENT,
        },
        {
            "type": "range",
            "id": "rows",
            "label": "Rows",
            "min": ROWS[0],
            "max": ROWS[1],
            "step": 1,
            "default": EMBED_ROWS,
        },
        {"type": "checkbox", "id": "compact", "label": "Compact columns", "default": False},
        {
            "type": "checkbox",
            "id": "transparent",
            "label": "Transparent background (the shop's shows through)",
            "default": False,
        },
        {
            "type": "text",
            "id": "heading",
            "label": "Heading",
            "default": "Theme Park Hall of Shame",
            "info": "Leave blank for none.",
        },
    ]


def schema_json(settings: list[dict[str, Any]]) -> str:
    """The `{% schema %}` block's JSON. Park names come from the feed: `<`, `>`, `&` and `%`
    are written as \\u escapes (the same text once parsed), so no name can read as markup or
    end the block with `{% endschema %}`."""
    schema = {
        "name": "Hall of Shame",
        "tag": "section",
        "class": "section-hallofshame",
        "settings": settings,
        "presets": [{"name": "Theme Park Hall of Shame"}],
    }
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    for char in "<>&%":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def render_file(env: Environment, template: str, ctx: dict[str, Any]) -> bytes:
    """A Liquid file of `templates/shopify/` with this publish's site filled in."""
    site_url = str(env.globals["site"]["url"]).rstrip("/")
    liquid = env.overlay(**DELIMITERS)  # the same loader, globals and filters
    liquid.filters["liquid_text"] = liquid_text
    page = liquid.get_template(template).render(
        page=ctx, site_url=site_url, origin=origin_of(site_url)
    )
    return page.encode("utf-8")


def origin_of(site_url: str) -> str:
    """The origin the embeds' messages come from; refused unless SITE_URL is a plain
    http(s) URL (the section writes it into Liquid, HTML and JavaScript as is)."""
    if not SAFE_URL.fullmatch(site_url):
        raise PublishError(
            f"SITE_URL {site_url!r} is not a plain http(s) URL; the Shopify section needs it"
        )
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}"


def liquid_text(value: str) -> str:
    """Text for a Liquid string literal that ends up in an HTML attribute: escaped for HTML,
    with quotes, braces and % as character references, so it can neither end the string nor
    open or close a Liquid tag."""
    text = html.escape(value, quote=True)
    for char in "{}%":
        text = text.replace(char, f"&#{ord(char)};")
    return text


@functools.cache
def _option(value: str, label: str, group: str | None = None) -> dict[str, str]:
    return {"value": value, "label": label, **({"group": group} if group else {})}


def _select(
    key: str, label: str, options: list[dict[str, str]], default: str, info: str = ""
) -> dict[str, Any]:
    found = {"type": "select", "id": key, "label": label, "options": options, "default": default}
    return {**found, "info": info} if info else found
