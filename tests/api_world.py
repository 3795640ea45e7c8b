"""A small crafted world for the API tests: park 30 (Europe/Paris), two collected days.

Cycles every 10 minutes from 10:00 Paris (08:00 UTC); positions 9-11 are a gap in our
collection (no cycle at all). Timeline marks: see tests/scenario.py. Day 1, ride by ride:
1 open all day; 2 down at cycles 2-3, stale at 4 (unknown, the outage goes on), down at 5,
missing from the feed at 6, open again at 7; closes at 13 for the night (end-of-day rule: not
down); 3 opens late (late is not down), closes at 14 for the night; 4 one clean outage, cycles
3-5. So ride 2 is down 30 minutes in one outage, ride 4 30 minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask

from hallofshame.settings import Settings
from tests.scenario import Scenario
from web import create_app

PARK = 30
DAY1, DAY2 = date(2026, 7, 4), date(2026, 7, 5)
TEN1 = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
TEN2 = datetime(2026, 7, 5, 8, 0, tzinfo=UTC)
AFTER_DAY2 = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)  # Monday July 6, 11:00 in Paris
DAY2_OVER = datetime(2026, 7, 5, 23, 0, tzinfo=UTC)  # both days final, no raw row deleted yet
DAY1_TIMELINES = {
    1: "ooooooooo...oooo",
    2: "ooccsc-oo...occc",
    3: "cccoooooo...oocc",
    4: "ooocccooo...oooo",
}
DAY2_TIMELINES = {
    1: "oooooooooooo",
    2: "ooooccoooooo",
    3: "oooooooooooo",
    4: "oocooooooooo",
}


def play_two_days(scenario: Scenario, now: datetime = AFTER_DAY2) -> None:
    """Collect both days, then aggregate as of `now`."""
    scenario.play(PARK, TEN1, DAY1_TIMELINES)
    scenario.play(PARK, TEN2, DAY2_TIMELINES)
    scenario.aggregate(now)


def app_for(settings: Settings, now: datetime, **overrides) -> Flask:
    """The app on the test database with a frozen clock."""
    return create_app(settings.with_overrides(**overrides), clock=lambda: now)


def later(days: float) -> datetime:
    return AFTER_DAY2 + timedelta(days=days)
