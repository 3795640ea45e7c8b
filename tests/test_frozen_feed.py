"""A frozen feed (METRICS.md, "One collection cycle"): a park whose readings stop moving while
`last_updated` keeps advancing.

Park 30 (Europe/Paris, UTC+2), cycles every 10 minutes from 10:00 local (08:00 UTC) on Saturday
2026-07-04, gap cap 20 minutes, every ride a new `ride`-kind ride (tier 2, weight 2). Timeline
marks: see tests/scenario.py (`o` open with a 20-minute wait, `O` 45 minutes, `z` open with a
posted 0, `c` closed). Every reading carries a fresh `last_updated`, so only the frozen rule can
see that nothing moved. Times are local.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from aggregator import aggregate
from hallofshame import metrics, schema
from publisher import publish
from tests.scenario import Scenario, one, rows
from tests.test_aggregate_periods import contents

D = date(2026, 7, 4)
TEN = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
FINAL = datetime(2026, 7, 4, 22, 1, tzinfo=UTC)
rd, ph = schema.ride_daily.c, schema.park_hourly.c

# 19 cycles, 10:00..13:00. Ride 1's wait moves (20, 45, 20, 45) until 10:30, then every reading
# of the park repeats from 10:30 to 11:30: seven cycles spanning 60 minutes with six rides
# posting a wait. At 11:40 ride 1's wait moves and ride 2 closes (down 11:40-12:00), and from
# then on ride 1's wait moves again. Everything closes at 13:00.
FROZEN = {
    1: "oOo" + "O" * 7 + "oOoOoOoO" + "c",
    2: "o" * 10 + "cc" + "o" * 6 + "c",
    **{r: "o" * 18 + "c" for r in range(3, 7)},
}


def minutes(row: dict) -> tuple[int, int, int]:
    return row["open_minutes"], row["down_minutes"], row["unknown_minutes"]


def hours(engine) -> dict[int, tuple[int, int, int]]:
    return {h["local_hour"]: minutes(h) for h in rows(engine, schema.park_hourly, ph.park_id == 30)}


def test_frozen_cycles_after_a_runs_first_once_it_spans_frozen_after():
    """One park: a run of seven equal readings 10 minutes apart spans 60 minutes (frozen after
    its first); six span 50 (not); with 4 rides posting a wait nothing is frozen."""
    at = np.arange("2026-07-04T08:00", "2026-07-04T09:20", 10, dtype="datetime64[m]")
    seven = [False] + [True] * 6 + [False]
    assert timedelta(minutes=60) == metrics.FROZEN_AFTER and metrics.FROZEN_MIN_POSTING == 5
    assert metrics.frozen_cycles(seven, at, [5] * 8).tolist() == seven
    six = [False] + [True] * 5 + [False, True]
    assert not metrics.frozen_cycles(six, at, [5] * 8).any()
    assert not metrics.frozen_cycles(seven, at, [4] * 8).any()


def test_a_frozen_hour_becomes_unknown_time(engine, scenario: Scenario):
    """10:40..11:30 (six cycles after the run's first) are stale for every ride: 60 unknown
    minutes each, with the park open (its repeated readings say so). 11:40, where readings
    change, counts again: ride 2 is down 11:40-12:00, one breakdown.

        ride 1:    open 10:00-10:40 and 11:40-13:00 (120), unknown 60
        ride 2:    open 40 + 60 = 100, down 20, unknown 60
        rides 3-6: open 120, unknown 60

    Park: open 700, down 20, unknown 360; hours 10: open 240 (10:00-10:30), unknown 120 (10:40,
    10:50); 11: open 100, down 20 (11:40, 11:50), unknown 240 (11:00-11:30); 12: open 360.
    Ride 2's waits: 10 open cycles counted (the six frozen ones are not), 10 x 20."""
    scenario.play(30, TEN, FROZEN)
    scenario.aggregate(FINAL)
    ride1 = one(engine, schema.ride_daily, rd.ride_id == 1, rd.day == D)
    ride2 = one(engine, schema.ride_daily, rd.ride_id == 2, rd.day == D)
    assert minutes(ride1) == (120, 0, 60)
    assert (minutes(ride2), ride2["breakdowns"]) == ((100, 20, 60), 1)
    assert (ride2["wait_count"], ride2["wait_sum"]) == (10, 200)
    for ride_id in range(3, 7):
        assert minutes(one(engine, schema.ride_daily, rd.ride_id == ride_id)) == (120, 0, 60)
    park = one(engine, schema.park_daily, schema.park_daily.c.park_id == 30)
    assert (minutes(park), park["breakdowns"], park["park_open_minutes"]) == (
        (700, 20, 360),
        1,
        180,
    )
    assert hours(engine) == {10: (240, 0, 120), 11: (100, 20, 240), 12: (360, 0, 0), 13: (0, 0, 0)}


def test_after_each_cycle_a_freeze_gives_the_numbers_of_a_whole_recompute(engine, scenario):
    """The frozen day aggregated after every cycle: a run turns frozen only once it spans
    FROZEN_AFTER, so the hours counted before then are taken over again. The result equals the
    same day recomputed whole, and the final day's numbers are those of the test above."""
    scenario.play(30, TEN, FROZEN, aggregate_each=True)
    updated = contents(engine)
    later = datetime(2026, 7, 4, 11, 5, tzinfo=UTC)
    aggregate(engine, scenario.settings, now=later, redo=[(30, D)])
    assert contents(engine) == updated
    assert hours(engine)[10] == (240, 0, 120) and hours(engine)[11] == (100, 20, 240)
    scenario.aggregate(FINAL)
    park = one(engine, schema.park_daily, schema.park_daily.c.park_id == 30)
    assert minutes(park) == (700, 20, 360)


@pytest.mark.parametrize(("posting", "unknown"), [(4, 0), (5, 60)])
def test_a_park_whose_waits_really_stay_put_is_untouched(engine, scenario, posting, unknown):
    """Six rides with the same readings 10:00..12:00 (13 cycles, 120 minutes): `posting` of them
    post a 20-minute wait, the others a 0. With 4 the waits may really stay put: untouched, open
    120 each. With 5 the feed is frozen: 11 cycles (10:10..11:50) are stale, and every ride
    has 10 open minutes and 110 unknown."""
    timelines = {r: ("o" if r <= posting else "z") * 12 + "c" for r in range(1, 7)}
    scenario.play(30, TEN, timelines)
    scenario.aggregate(FINAL)
    found = {minutes(r) for r in rows(engine, schema.ride_daily)}
    assert found == ({(120, 0, 0)} if unknown == 0 else {(10, 0, 110)})


def test_a_run_shorter_than_frozen_after_is_untouched(engine, scenario):
    """The frozen day with ride 1's wait moving at 11:30: the run 10:30..11:20 spans 50 minutes,
    so nothing is stale. Ride 1 open 180, ride 2 open 160 and down 20, nothing unknown."""
    timelines = dict(FROZEN)
    timelines[1] = "oOo" + "O" * 6 + "o" + "oOoOoOoO" + "c"
    scenario.play(30, TEN, timelines)
    scenario.aggregate(FINAL)
    assert minutes(one(engine, schema.ride_daily, rd.ride_id == 1)) == (180, 0, 0)
    assert minutes(one(engine, schema.ride_daily, rd.ride_id == 2)) == (160, 20, 0)
    park = one(engine, schema.park_daily, schema.park_daily.c.park_id == 30)
    assert minutes(park) == (1060, 20, 0)


def test_the_park_page_draws_a_frozen_hour_as_unknown(engine, scenario, settings):
    """Published: hour 11 (240 of its 360 ride minutes unknown) is drawn as unknown, in its own
    explained colour, not as the blank of a closed hour; hour 10 (120 of 360 unknown) and 12
    keep their share of ride time down. The park's JSON carries each hour's unknown minutes."""
    scenario.play(30, TEN, FROZEN)
    scenario.aggregate(FINAL)
    publish(engine, settings, Path(settings.docroot), FINAL)
    current = Path(settings.docroot) / "current"
    page = (current / "parks" / "30" / "index.html").read_text(encoding="utf-8")
    cells = {
        hour: cls
        for cls, hour in re.findall(r'<rect class="(h\w+)"[^>]*><title>2026-07-04 (\d\d):00', page)
    }
    assert cells == {"10": "h0", "11": "hunknown", "12": "h0"}
    assert "2026-07-04 11:00: unknown (66.7 % of ride time without a usable reading)" in page
    legend = re.findall(r'<rect class="(h\w+)" width="10" height="10"/></svg> ([^<]+)</li>', page)
    assert ("hunknown", "unknown: most of the hour without a usable reading") in legend
    data = json.loads((current / "data" / "v1" / "parks" / "30.json").read_text())
    by_hour = {c["hour"]: c for c in data["heatmap"]["cells"] if c["day"] == "2026-07-04"}
    assert {h: by_hour[h]["unknown_minutes"] for h in (10, 11, 12)} == {10: 120, 11: 240, 12: 0}
