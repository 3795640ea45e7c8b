"""The API's own per-client rate limiter (web.ratelimit) and the place cache (web.state): fixed
windows as flask-limiter counts them, its syntax, and ids found at once when they appear."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert

from hallofshame import schema
from hallofshame.settings import SettingsError
from tests.api_world import AFTER_DAY2, DAY1, DAY2, app_for, play_two_days
from tests.scenario import Scenario
from web.ratelimit import SWEEP_EVERY_S, RateLimiter


@pytest.fixture
def world(http_server, settings, engine) -> Scenario:
    scenario = Scenario(http_server, settings, engine)
    play_two_days(scenario)
    return scenario


def test_a_fixed_window_per_client_that_starts_afresh():
    limiter = RateLimiter("2 per minute")
    verdicts = [limiter.hit("alice", now=1000.0 + i) for i in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert [v.remaining for v in verdicts] == [1, 0, 0]
    assert verdicts[2].headers(now=1002.0) == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1060",
        "Retry-After": "58",
    }
    assert "Retry-After" not in verdicts[0].headers(now=1000.0)
    assert limiter.hit("bob", now=1002.0).allowed  # each client has its own count
    assert limiter.hit("alice", now=1060.0).allowed  # the window of the first hit is over


def test_several_limits_the_tightest_is_shown_and_the_exceeded_one_refuses():
    limiter = RateLimiter("3 per hour; 2 per second")
    first = limiter.hit("alice", now=0.0)
    assert (first.limit.amount, first.remaining) == (2, 1)  # the shortest period shows
    assert limiter.hit("alice", now=0.5).allowed
    refused = limiter.hit("alice", now=0.9)
    assert not refused.allowed and str(refused.limit) == "2 per 1 second"
    assert limiter.hit("alice", now=1.5).allowed  # 3rd of the hour, new second
    refused = limiter.hit("alice", now=2.5)
    assert not refused.allowed and str(refused.limit) == "3 per 1 hour"
    assert refused.headers(now=2.5)["Retry-After"] == "3598"


def test_ended_windows_are_swept_out():
    limiter = RateLimiter("5 per second")
    for i in range(100):
        limiter.hit(f"client{i}", now=0.0)
    limiter.hit("late", now=SWEEP_EVERY_S + 1)
    assert list(limiter._windows) == [("late", 0)]


@pytest.mark.parametrize("text", ["", "lots", "120 per fortnight", "many per minute"])
def test_a_limit_that_does_not_parse_is_a_settings_error(text):
    with pytest.raises(SettingsError, match="API_RATE_LIMIT"):
        RateLimiter(text)


def test_a_park_added_after_a_404_is_found_at_once(world, settings, engine):
    client = app_for(settings, AFTER_DAY2).test_client()
    url = f"/api/v1/parks/31/stats?from={DAY1}&to={DAY2}"
    assert client.get(url).status_code == 404
    stamp = datetime(2026, 7, 6, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.parks).values(
                id=31, name="New", timezone="Asia/Tokyo", first_seen_at=stamp, listed_at=stamp
            )
        )
    answer = client.get(url)
    assert answer.status_code == 200 and answer.json["shame_score"] is None
    assert client.get(url).status_code == 200  # now from the cache
