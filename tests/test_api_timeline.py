"""A ride's day through the API: segments from raw rows, then from stored outages once the raw
rows are gone; its down time always the day's published down minutes (SQLite and MariaDB)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from tests.api_world import DAY1, DAY1_TIMELINES, DAY2_OVER, PARK, TEN1, app_for, play_two_days
from tests.test_frozen_feed import FINAL, FROZEN


def timeline(settings, now: datetime, ride: int, day=DAY1):
    response = app_for(settings, now).test_client().get(f"/api/v1/rides/{ride}/timeline?date={day}")
    assert response.status_code == 200, response.json
    return response


def down_minutes(body: dict) -> float:
    return sum(
        (datetime.fromisoformat(s["to"]) - datetime.fromisoformat(s["from"])) / timedelta(minutes=1)
        for s in body["segments"]
        if s["state"] == "down"
    )


def spans(body: dict) -> list[tuple[str, str, str]]:
    return [(s["from"][11:16], s["to"][11:16], s["state"]) for s in body["segments"]]


def assert_covers_in_order(body: dict, start: str, end: str | None) -> None:
    segments = body["segments"]
    assert segments[0]["from"] == start
    if end is not None:
        assert segments[-1]["to"] == end
    for a, b in pairwise(segments):
        assert a["to"] == b["from"] and a["state"] != b["state"]


def test_a_finished_day_from_raw_rows(scenario, settings):
    """Ride 2 (times UTC; Paris midnight is 22:00): open from 08:00, down 08:20-08:40, stale
    (unknown) at 08:40, down again 08:50, missing from the feed 09:00, open 09:10; our gap after
    the 09:20 cycle holds it 20 minutes, the rest unknown; closed for the night from 10:10 (the
    end-of-day rule: not down); the last cycle holds 20 minutes, then nothing is known."""
    play_two_days(scenario, DAY2_OVER)
    body = timeline(settings, DAY2_OVER, 2).json
    assert (body["ride_id"], body["park_id"], body["date"]) == (2, PARK, "2026-07-04")
    assert (body["timezone"], body["source"]) == ("Europe/Paris", "snapshots")
    assert spans(body) == [
        ("22:00", "08:00", "unknown"),
        ("08:00", "08:20", "open"),
        ("08:20", "08:40", "down"),
        ("08:40", "08:50", "unknown"),
        ("08:50", "09:00", "down"),
        ("09:00", "09:10", "unknown"),
        ("09:10", "09:40", "open"),
        ("09:40", "10:00", "unknown"),
        ("10:00", "10:10", "open"),
        ("10:10", "10:50", "closed"),
        ("10:50", "22:00", "unknown"),
    ]
    assert_covers_in_order(body, "2026-07-03T22:00:00Z", "2026-07-04T22:00:00Z")
    assert down_minutes(body) == body["down_minutes"] == 30


def test_every_ride_s_down_segments_are_its_down_minutes(scenario, settings):
    play_two_days(scenario, DAY2_OVER)
    for ride in DAY1_TIMELINES:
        for day in ("2026-07-04", "2026-07-05"):
            body = timeline(settings, DAY2_OVER, ride, day).json
            assert down_minutes(body) == body["down_minutes"], (ride, day)
    late = timeline(settings, DAY2_OVER, 3).json  # opens late: closed, never down
    assert ("08:00", "08:30", "closed") in spans(late) and down_minutes(late) == 0


def test_a_frozen_run_shows_as_unknown(scenario, settings):
    """The frozen day of tests/test_frozen_feed.py (times UTC): every reading of the park
    repeats 08:30-09:30, so the run's cycles after its first (08:40-09:30) are stale for every
    ride (METRICS.md, "A frozen feed"). Ride 2 here goes down at 08:20 and stays closed until
    10:00: its outage runs through the frozen hour, which is unknown, not down, so its down
    segments are its 40 published down minutes (20 before the run, 20 after it)."""
    timelines = {**FROZEN, 2: "oo" + "c" * 10 + "o" * 6 + "c"}
    scenario.play(PARK, TEN1, timelines)
    scenario.aggregate(FINAL)
    body = timeline(settings, FINAL, 2).json
    assert body["source"] == "snapshots"
    assert spans(body) == [
        ("22:00", "08:00", "unknown"),
        ("08:00", "08:20", "open"),
        ("08:20", "08:40", "down"),
        ("08:40", "09:40", "unknown"),
        ("09:40", "10:00", "down"),
        ("10:00", "11:00", "open"),
        ("11:00", "11:20", "closed"),
        ("11:20", "22:00", "unknown"),
    ]
    assert down_minutes(body) == body["down_minutes"] == 40
    ride1 = timeline(settings, FINAL, 1).json  # open before and after the run, never down
    assert ("08:40", "09:40", "unknown") in spans(ride1) and down_minutes(ride1) == 0


def test_today_stops_at_the_latest_cycle(scenario, settings):
    """A running day: the latest cycle (09:10) has no length yet, as in the aggregator."""
    scenario.play(PARK, TEN1, {ride: line[:8] for ride, line in DAY1_TIMELINES.items()})
    now = TEN1 + timedelta(minutes=75)
    scenario.aggregate(now)
    response = timeline(settings, now, 2)
    body = response.json
    assert body["segments"][-1]["to"] == "2026-07-04T09:10:00Z"
    assert down_minutes(body) == body["down_minutes"] == 30
    assert (
        response.headers["Cache-Control"]
        == "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
    )


def test_after_raw_rows_are_deleted_the_stored_outages_remain(scenario, settings):
    """Two days later the raw rows are gone: the day is its open span and its outages. Ride 4's
    outage (08:30-09:00) is its 30 down minutes; ride 2's outage spans 08:20-09:00, with its
    10 unknown minutes inside (down_minutes still says 30)."""
    play_two_days(scenario, DAY2_OVER)
    later = DAY2_OVER + timedelta(days=2)
    assert scenario.aggregate(later).raw_deleted > 0
    ride4 = timeline(settings, later, 4)
    body = ride4.json
    assert body["source"] == "events"
    assert spans(body) == [
        ("22:00", "08:00", "closed"),
        ("08:00", "08:30", "open"),
        ("08:30", "09:00", "down"),
        ("09:00", "10:50", "open"),
        ("10:50", "22:00", "closed"),
    ]
    assert down_minutes(body) == body["down_minutes"] == 30
    assert ride4.headers["Cache-Control"] == "public, max-age=86400, stale-if-error=86400"
    ride2 = timeline(settings, later, 2).json
    assert ("08:20", "09:00", "down") in spans(ride2) and ride2["down_minutes"] == 30


def test_a_day_without_data_is_unknown(scenario, settings):
    play_two_days(scenario, DAY2_OVER)
    body = timeline(settings, DAY2_OVER, 2, "2026-01-15").json
    assert body["source"] == "none" and body["down_minutes"] is None
    assert [s["state"] for s in body["segments"]] == ["unknown"]


def test_timeline_parameters_are_validated(scenario, settings):
    play_two_days(scenario, DAY2_OVER)
    client = app_for(settings, DAY2_OVER).test_client()
    cases = [
        ("/api/v1/rides/999/timeline?date=2026-07-04", 404, "no ride with id 999"),
        ("/api/v1/rides/2/timeline", 400, "'date' is required"),
        ("/api/v1/rides/2/timeline?date=2026-7-4", 400, "YYYY-MM-DD"),
        ("/api/v1/rides/2/timeline?date=2026-07-04&date=x&from=1", 400, "unknown parameter"),
        ("/api/v1/rides/abc/timeline?date=2026-07-04", 400, "whole number"),
    ]
    for url, status, message in cases:
        response = client.get(url)
        assert response.status_code == status, url
        assert message in response.json["error"]["message"], url
