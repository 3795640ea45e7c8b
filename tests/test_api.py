"""The API's custom-range stats: the published numbers, validation, errors, caching, limits.

Runs on SQLite and MariaDB (the `engine` fixture), on the crafted world of tests/api_world.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from hallofshame import metrics, schema
from reader import PARK, RIDE, period_stats
from tests.api_world import AFTER_DAY2, DAY1, DAY2, app_for, play_two_days
from tests.scenario import Scenario


@pytest.fixture
def world(http_server, settings, engine) -> Scenario:
    scenario = Scenario(http_server, settings, engine)
    play_two_days(scenario)
    return scenario


@pytest.fixture
def client(world, settings):
    return app_for(settings, AFTER_DAY2).test_client()


def get_stats(client, level: str, id_: int, first, last):
    return client.get(f"/api/v1/{level}s/{id_}/stats?from={first}&to={last}")


def test_a_range_equal_to_a_period_gives_the_published_numbers(client, engine):
    """Parks and rides, every period but live: the API's numbers are period_stats' exactly."""
    today = metrics.local_day(AFTER_DAY2, "Europe/Paris")
    periods = [p for p in metrics.PERIODS if p != metrics.LIVE]
    checks = [
        (p, level, ids) for p in periods for level, ids in ((PARK, [30]), (RIDE, [1, 2, 3, 4]))
    ]
    with_data = set()
    for period, level, ids in checks:
        first, last = metrics.period_span(period, today)
        with engine.connect() as conn:
            published = period_stats(conn, level, ids, period, AFTER_DAY2)
        for id_ in ids:
            response = get_stats(client, level, id_, first, last)
            assert response.status_code == 200, response.json
            body = response.json
            assert (body["from"], body["to"]) == (first.isoformat(), last.isoformat())
            expected = published[id_].as_json()
            del expected["first_day"], expected["last_day"]
            assert {k: v for k, v in body.items() if k not in ("from", "to")} == expected
            if body["shame_score"] is not None:
                with_data.add(period)
    assert with_data == {"yesterday", "last-7-days", "last-30-days", "last-week", "this-year"}


def test_stats_of_a_park_over_both_days(client):
    """Day 1: rides 2 and 4 down 30 minutes each (ride 2's stale cycle and the night closings
    are not down); day 2: ride 2 down 20, ride 4 down 10. 90 minutes = 1.5 hours in total."""
    body = get_stats(client, PARK, 30, DAY1, DAY2).json
    assert body["park_id"] == 30
    assert (body["downtime_hours"], body["breakdowns"], body["down_minutes"]) == (1.5, 4, 90)
    assert body["shame_score"] is not None and 0 < body["shame_score"] < 10
    ride = get_stats(client, RIDE, 2, DAY1, DAY1).json
    assert (ride["ride_id"], ride["down_minutes"], ride["breakdowns"]) == (2, 30, 1)
    assert ride["longest_outage_minutes"] == 30 and ride["tier"] in (1, 2, 3)


def test_a_range_without_data_is_nulls_not_zeros(client):
    body = get_stats(client, PARK, 30, "2026-06-01", "2026-06-30").json
    assert body["shame_score"] is None and body["downtime_hours"] is None
    assert body["uptime_pct"] is None and body["breakdowns"] is None


BAD_REQUESTS = [
    ("/api/v1/parks/999/stats?from=2026-07-04&to=2026-07-05", 404, "no park with id 999"),
    ("/api/v1/rides/999/stats?from=2026-07-04&to=2026-07-05", 404, "no ride with id 999"),
    ("/api/v1/parks/30/stats?from=2026-07-05&to=2026-07-04", 400, "'from' is after 'to'"),
    ("/api/v1/parks/30/stats?from=2025-07-01&to=2026-07-04", 400, "at most 366"),
    ("/api/v1/parks/30/stats?from=2026-02-30&to=2026-03-01", 400, "not a calendar date"),
    ("/api/v1/parks/30/stats?from=26-07-04&to=2026-07-05", 400, "YYYY-MM-DD"),
    ("/api/v1/parks/30/stats?from=%D9%A2%D9%A0%D9%A2%D9%A6-07-04&to=2026-07-05", 400, "YYYY"),
    ("/api/v1/parks/30/stats?from=1999-12-31&to=2000-01-01", 400, "between 2000-01-01"),
    ("/api/v1/parks/30/stats?from=2026-07-04", 400, "'to' is required"),
    ("/api/v1/parks/30/stats?from=2026-07-04&to=2026-07-05&x=1", 400, "unknown parameter"),
    ("/api/v1/parks/30/stats?from=2026-07-04';DROP TABLE parks;--&to=2026-07-05", 400, "'from'"),
    ("/api/v1/parks/0/stats?from=2026-07-04&to=2026-07-05", 400, "whole number"),
    ("/api/v1/parks/-1/stats?from=2026-07-04&to=2026-07-05", 400, "whole number"),
    ("/api/v1/parks/1.5/stats?from=2026-07-04&to=2026-07-05", 400, "whole number"),
    ("/api/v1/parks/99999999999/stats?from=2026-07-04&to=2026-07-05", 400, "whole number"),
    ("/api/v1/parks/%00/stats?from=2026-07-04&to=2026-07-05", 400, "whole number"),
    ("/api/v1/parks/30/nope", 404, "no such endpoint"),
    ("/api/", 404, "no such endpoint"),
    ("/elsewhere", 404, "no such endpoint"),
]


def test_bad_requests_are_one_json_error(client, engine):
    """Each hostile or malformed request gets one JSON error naming the problem."""
    for url, status, message in BAD_REQUESTS:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json"
        assert response.json["error"]["status"] == status
        assert message in response.json["error"]["message"], url
    with engine.connect() as conn:  # nothing was harmed
        assert conn.scalar(select(func.count()).select_from(schema.parks)) == 3


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/v1/parks/30/stats?from=2026-07-04&to=2026-07-05")
    assert response.status_code == 405 and response.json["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_failure_is_a_json_500_without_a_trace(world, settings, monkeypatch):
    app = app_for(settings, AFTER_DAY2)

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("web.api.span_stats", broken)
    response = app.test_client().get("/api/v1/parks/30/stats?from=2026-07-04&to=2026-07-05")
    assert response.status_code == 500 and response.json["error"]["status"] == 500
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_finished_ranges_are_cached_long_and_today_short(client):
    finished = get_stats(client, PARK, 30, DAY1, DAY2)
    assert finished.headers["Cache-Control"] == "public, max-age=86400, stale-if-error=86400"
    today = get_stats(client, PARK, 30, DAY1, "2026-07-06")
    assert (
        today.headers["Cache-Control"]
        == "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
    )


def test_etag_revalidation_answers_304(client):
    first = get_stats(client, PARK, 30, DAY1, DAY2)
    etag = first.headers["ETag"]
    again = client.get(
        f"/api/v1/parks/30/stats?from={DAY1}&to={DAY2}", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.get_data() == b""
    other = get_stats(client, PARK, 30, DAY1, DAY1)
    assert other.headers["ETag"] != etag


def test_rate_limit_per_client_is_a_json_429(world, settings):
    client = app_for(settings, AFTER_DAY2, api_rate_limit="3 per minute").test_client()
    url = f"/api/v1/parks/30/stats?from={DAY1}&to={DAY2}"
    alice = {"X-Forwarded-For": "198.51.100.1"}
    assert [client.get(url, headers=alice).status_code for _ in range(3)] == [200] * 3
    limited = client.get(url, headers=alice)
    assert limited.status_code == 429 and limited.json["error"]["status"] == 429
    assert "Retry-After" in limited.headers
    assert client.get(url, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    assert client.get("/api/health", headers=alice).status_code in (200, 503)  # never limited


def test_the_app_cannot_write(world, settings):
    app = app_for(settings, AFTER_DAY2)
    engine = app.extensions["hallofshame"].engine
    with pytest.raises(Exception, match=r"(?i)read.?only"), engine.begin() as conn:
        conn.execute(insert(schema.operator_groups).values(id=99, name="Intruder"))


def test_the_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.1")
    assert "/api/v1/rides/{ride_id}/timeline" in response.json["paths"]


def test_double_slashes_are_a_json_404_not_a_redirect(client):
    for url in ("/api//health", "/api/v1//parks/30/stats?from=2026-07-04&to=2026-07-05"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["error"]["status"] == 404, url


def test_browser_apps_on_other_sites_may_read_v1(client):
    origin = {"Origin": "https://fan-app.example.net"}
    answer = client.get(f"/api/v1/parks/30/stats?from={DAY1}&to={DAY2}", headers=origin)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer.headers
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    missing = client.get("/api/v1/parks/99/stats?from=2026-07-04&to=2026-07-05", headers=origin)
    assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/parks/30/stats?from=2026-07-04&to=2026-07-05",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET"
    assert preflight.headers["Access-Control-Allow-Headers"] == "If-None-Match"
    assert "Access-Control-Allow-Origin" not in client.get("/api/health", headers=origin).headers
