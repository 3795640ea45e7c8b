"""The "How we measure" page: docs/metrics.md (written for the site's readers) rendered to HTML,
and the named constants of `hallofshame.metrics`, so the page states the rules the code runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from hallofshame import metrics
from hallofshame.package_data import shipped
from publisher.data import SiteData

DOC = shipped("docs") / "metrics.md"

RULES = (
    ("STALE_AFTER", "A reading older than this is no data"),
    ("ACTIVE_WINDOW_DAYS", "Days a ride must have opened in to be active"),
    ("PARK_OPEN_SHARE", "Share of active rides open for the park to count as open"),
    ("GAP_CAP_INTERVALS", "Collection intervals a reading holds for at most"),
    ("TIER_HEADLINER_WAIT", "Median posted wait (minutes) of a headliner (tier 1)"),
    ("TIER_MAJOR_WAIT", "Median posted wait (minutes) of a major ride (tier 2)"),
    ("TIER_WINDOW_DAYS", "Days the median wait is taken over"),
    ("TIER_WEIGHTS", "Weight of each tier in the shame score"),
    ("END_OF_DAY_WINDOW", "A closure this close to the park's closing is not a breakdown"),
    ("SHAME_SCALE", "The shame score's scale"),
    ("LIVE_MAX_AGE", "Live numbers are published only from a cycle this fresh"),
)


def context(data: SiteData) -> dict[str, Any]:
    """The page's context: the rendered document (shipped with the package) and the rules."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = Markup(parser.render(DOC.read_text(encoding="utf-8")))  # raw HTML is escaped
    rules = [
        {"name": name, "value": _plain(getattr(metrics, name)), "meaning": meaning}
        for name, meaning in RULES
        if hasattr(metrics, name)
    ]
    periods = [{"period": p} for p in metrics.PERIODS]
    return {"view": {"body_html": body, "rules": rules, "periods": periods}}


def _plain(value: Any) -> str:
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds() // 60)} minutes"
    if isinstance(value, dict):
        return ", ".join(f"tier {k}: {v}" for k, v in value.items())
    return str(value)
