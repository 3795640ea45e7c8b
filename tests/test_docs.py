"""docs/metrics.md, the site's "How we measure": one H1, H2 sections, and the numbers of the
rules as hallofshame/metrics.py holds them (a changed constant must change the page too)."""

from __future__ import annotations

import re
from pathlib import Path

from hallofshame import fields, metrics

PAGE = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def test_one_h1_then_h2_sections():
    headings = re.findall(r"^(#+) (.+)$", PAGE.read_text(encoding="utf-8"), re.MULTILINE)
    assert [level for level, _ in headings].count("#") == 1
    assert headings[0] == ("#", "How we measure")
    assert {level for level, _ in headings[1:]} == {"##"}


def test_the_page_states_the_rules_numbers():
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    expected = [
        f"more than {minutes(metrics.STALE_AFTER)} minutes before our cycle",
        f"at least once in the {metrics.ACTIVE_WINDOW_DAYS} days up to",
        f"over the {metrics.TIER_WINDOW_DAYS} complete local days before",
        f"A median of {metrics.TIER_HEADLINER_WAIT} minutes or more makes a headliner",
        f"{metrics.TIER_MAJOR_WAIT} minutes or more a major ride",
        "a headliner (tier 1) counts three times, a major ride (tier 2) twice, a minor ride "
        "(tier 3) once",
        f"in the last {minutes(metrics.END_OF_DAY_WINDOW)} minutes of the span",
        f"in the last {minutes(metrics.GROUP_CLOSING_WINDOW) // 60} hours of the span",
        f"at least {metrics.GROUP_CLOSING_OTHERS} other counted rides",
        f"within {minutes(metrics.GROUP_CLOSING_WITHIN)} minutes of it",
        f"under {minutes(metrics.LIVE_MAX_AGE)} minutes old",
        "1.25 shows as 1.3, 81.25 as 81.3",
        "at least a quarter of its active rides",
        f"consecutive cycles spanning at least {minutes(metrics.FROZEN_AFTER)} minutes",
        f"at least {metrics.FROZEN_MIN_POSTING} of its rides post a wait above zero",
        f"fewer than {metrics.FROZEN_MIN_POSTING} rides posting a wait",
    ]
    assert [phrase for phrase in expected if phrase not in text] == []
    assert metrics.TIER_WEIGHTS == {1: 3, 2: 2, 3: 1} and metrics.PARK_OPEN_SHARE == 0.25
    assert fields.for_display("shame_score", 1.25) == 1.3
    assert fields.for_display("uptime_pct", 81.25) == 81.3
