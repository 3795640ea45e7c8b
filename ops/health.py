"""What the cron health check alerts on, judged from the one health function the web app's
`/api/health` also answers with (`reader.health`): each problem has its own incident key, so
each is mailed once when it starts and once when it ends."""

from __future__ import annotations

from datetime import timedelta

from hallofshame.clock import iso
from hallofshame.settings import Settings
from reader.health import Health


def incidents_of(health: Health, settings: Settings) -> dict[str, str]:
    """{incident key: one line for the operator} for everything wrong with `health`."""
    found: dict[str, str] = {}
    for key, problem in health.problems.items():  # what makes /api/health answer 503
        found[f"health:{key}"] = problem
    failing = _failing_parks(health, settings)
    if failing:
        found["health:failing-parks"] = failing
    behind = _publish_behind(health, settings)
    if behind:
        found["health:publish-behind"] = behind
    return found


def _failing_parks(health: Health, settings: Settings) -> str | None:
    failed = health.last_cycle_parks_failed or 0
    total = failed + (health.last_cycle_parks_ok or 0)
    if not total or 100 * failed / total < settings.failing_parks_pct:
        return None
    return (
        f"{failed} of {total} parks failed in the cycle of {iso(health.parks_cycle_at)} "
        f"(FAILING_PARKS_PCT={settings.failing_parks_pct:g})"
    )


def _publish_behind(health: Health, settings: Settings) -> str | None:
    """An aggregation older than PUBLISH_LAG_MINUTES that no publish has caught up with."""
    aggregated, published = health.last_aggregation_at, health.last_publish_at
    if aggregated is None or (published is not None and published >= aggregated):
        return None
    if health.checked_at - aggregated <= timedelta(minutes=settings.publish_lag_minutes):
        return None  # the publish after this aggregation may still be on its way
    return (
        f"the site is behind: last publish {iso(published) or 'never'}, last aggregation "
        f"{iso(aggregated)} (PUBLISH_LAG_MINUTES={settings.publish_lag_minutes:g})"
    )
