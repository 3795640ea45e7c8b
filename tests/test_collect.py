"""The collector against a real local HTTP server, on SQLite and MariaDB."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from collector.cycle import CollectError, collect
from hallofshame import schema
from tests import feeds
from tests.conftest import FIXTURES

NOW = datetime(2026, 7, 4, 15, 0, 27, tzinfo=UTC)
CYCLE = datetime(2026, 7, 4, 15, 0)


@pytest.fixture
def server(http_server):
    http_server.clear()
    return http_server


@pytest.fixture
def qt(server, settings):
    """The settings pointed at the local server, serving the crafted parks.json."""
    server.expect_request("/parks.json").respond_with_json(feeds.parks_document())
    return settings.with_overrides(queue_times_url=server.url_for("").rstrip("/"))


def serve_fixture(server, park_id, name):
    body = (FIXTURES / name).read_bytes()
    server.expect_request(f"/parks/{park_id}/queue_times.json").respond_with_data(
        body, content_type="application/json"
    )


def serve(server, park_id, document):
    server.expect_request(f"/parks/{park_id}/queue_times.json").respond_with_json(document)


def serve_one(server, document):
    """Park 10 gets the crafted document; parks 20 and 30 answer with no rides."""
    serve(server, 10, document)
    serve(server, 20, feeds.queue_times([], land=None))
    serve(server, 30, feeds.queue_times([]))


def serve_all_real(server):
    serve_fixture(server, 10, "JZXHanta_rideTimes__epcot_queue_times.json")
    serve_fixture(
        server, 20, "hiroyuki-togo_park-route-planner-1__tests_fixtures_queue_times_sample.json"
    )
    serve_fixture(server, 30, "01iwier_ThemeParkQueueTimes__queue_times.json")


def count(engine, table, *where):
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table).where(*where))


def rows(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).all()


def test_a_cycle_writes_every_park_and_ride(engine, qt, server):
    serve_all_real(server)
    summary = collect(engine, qt, now=NOW)
    assert (summary.parks_ok, summary.parks_failed) == (3, 0)
    assert summary.rides_seen == 19 + 37 + 42
    assert summary.snapshots_written == 98
    assert summary.cycle_at == CYCLE.replace(tzinfo=UTC)
    assert count(engine, schema.parks) == 3
    assert count(engine, schema.operator_groups) == 3
    assert count(engine, schema.rides) == 98
    assert count(engine, schema.ride_snapshots, schema.ride_snapshots.c.cycle_at == CYCLE) == 98
    assert count(engine, schema.park_snapshots) == 3
    (cycle,) = rows(engine, select(schema.collection_cycles))
    assert (cycle.parks_ok, cycle.parks_failed, cycle.snapshots_written) == (3, 0, 98)


def test_states_follow_the_metrics_rules(engine, qt, server):
    fresh, old = NOW - timedelta(minutes=5), NOW - timedelta(minutes=45)
    serve_one(
        server,
        feeds.queue_times(
            [
                feeds.ride(1, "Open Coaster", True, 20, fresh),
                feeds.ride(2, "Broken Coaster", False, 0, fresh),
                feeds.ride(3, "Posts A Wait", False, 15, fresh),  # closed but a posted wait: open
                feeds.ride(4, "Frozen Feed", True, 30, old),  # stale: neither open nor closed
            ]
        ),
    )
    collect(engine, qt, now=NOW)
    states = dict(
        rows(engine, select(schema.ride_snapshots.c.ride_id, schema.ride_snapshots.c.state))
    )
    assert states == {1: "open", 2: "closed", 3: "open", 4: "stale"}
    raw = rows(engine, select(schema.ride_snapshots).where(schema.ride_snapshots.c.ride_id == 3))
    assert (raw[0].is_open, raw[0].wait_time) == (False, 15)  # the raw values are kept too
    last_open = dict(rows(engine, select(schema.rides.c.id, schema.rides.c.last_open_at)))
    assert last_open == {1: CYCLE, 2: None, 3: CYCLE, 4: None}
    (park,) = rows(
        engine, select(schema.park_snapshots).where(schema.park_snapshots.c.park_id == 10)
    )
    assert (park.rides_total, park.rides_active, park.rides_open) == (4, 2, 2)
    assert "is_open" not in park._fields  # one rule for "park open": the aggregator's


def test_kinds_come_from_patterns_and_the_override_file(engine, qt, server, tmp_path):
    overrides = tmp_path / "kinds.csv"
    overrides.write_text("park_id,ride_id,kind\n10,3,ride\n")
    settings = qt.with_overrides(kind_overrides_file=str(overrides))
    serve_one(
        server,
        feeds.queue_times(
            [
                feeds.ride(1, "Space Coaster Single Rider", True, 5, NOW),
                feeds.ride(2, "Meet Mickey Mouse", True, 5, NOW),
                # a show by its name, a ride by the override:
                feeds.ride(3, "Tiki Show Coaster", True, 5, NOW),
                feeds.ride(4, "Space Coaster", True, 5, NOW),
            ]
        ),
    )
    collect(engine, settings, now=NOW)
    kinds = dict(rows(engine, select(schema.rides.c.id, schema.rides.c.kind)))
    assert kinds == {1: "single_rider", 2: "other", 3: "ride", 4: "ride"}


def test_names_full_of_markup_are_stored_exactly(engine, qt, server):
    name = '<script>alert("x")</script> Coaster™ “Loop” '
    serve_one(
        server, feeds.queue_times([feeds.ride(1, name, True, 5, NOW)], land=(7, "<b>Land</b>"))
    )
    collect(engine, qt, now=NOW)
    ((stored, land),) = rows(engine, select(schema.rides.c.name, schema.rides.c.land_name))
    assert (stored, land) == (name, "<b>Land</b>")


def test_renamed_rides_and_moved_lands_are_updated(engine, qt, server):
    serve_one(server, feeds.queue_times([feeds.ride(1, "Old Name", True, 5, NOW)], land=(1, "A")))
    collect(engine, qt, now=NOW)
    server.clear()
    server.expect_request("/parks.json").respond_with_json(feeds.parks_document())
    later = NOW + timedelta(minutes=10)
    serve_one(
        server, feeds.queue_times([feeds.ride(1, "New Name™", True, 5, later)], land=(2, "B"))
    )
    collect(engine, qt, now=later)
    (ride,) = rows(engine, select(schema.rides))
    assert (ride.name, ride.land_id, ride.land_name) == ("New Name™", 2, "B")
    assert ride.first_seen_at == CYCLE
    assert ride.last_seen_at == CYCLE + timedelta(minutes=10)
    assert count(engine, schema.ride_snapshots) == 2


def test_a_second_run_of_the_same_cycle_adds_nothing(engine, qt, server):
    serve_all_real(server)
    first = collect(engine, qt, now=NOW)
    second = collect(engine, qt, now=NOW + timedelta(seconds=20))  # same minute: same cycle
    assert first.snapshots_written == 98
    assert second.already_collected and second.snapshots_written == 0
    assert count(engine, schema.ride_snapshots) == 98
    assert count(engine, schema.collection_cycles) == 1


def test_park_list_is_refreshed_only_when_a_day_old(engine, qt, server):
    serve_all_real(server)
    assert collect(engine, qt, now=NOW).parks_refreshed
    assert not collect(engine, qt, now=NOW + timedelta(hours=1)).parks_refreshed
    assert collect(engine, qt, now=NOW + timedelta(hours=25)).parks_refreshed


def test_no_park_list_at_all_is_a_clear_error(engine, settings, server):
    server.expect_request("/parks.json").respond_with_data("", status=500)
    settings = settings.with_overrides(queue_times_url=server.url_for("").rstrip("/"))
    with pytest.raises(CollectError, match="park list"):
        collect(engine, settings, now=NOW)
    assert count(engine, schema.collection_cycles) == 0


def slow(_request):
    time.sleep(1.5)
    return Response("{}", content_type="application/json")


FAULTS = {
    "http_500": lambda r: r.respond_with_data("oops", status=500),
    "http_404": lambda r: r.respond_with_data("gone", status=404),
    "timeout": lambda r: r.respond_with_handler(slow),
    "bad_json": lambda r: r.respond_with_data(
        '{"lands": [{"id": 1, "na', content_type="application/json"
    ),
    "empty": lambda r: r.respond_with_data("", content_type="application/json"),
    "bad_shape": lambda r: r.respond_with_json({"error": "Park not found"}),
    "html": lambda r: r.respond_with_data("<html>Bad gateway</html>", content_type="text/html"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_one_failing_park_loses_only_its_own_rows(engine, qt, server, fault):
    serve_fixture(server, 10, "JZXHanta_rideTimes__epcot_queue_times.json")
    FAULTS[fault](server.expect_request("/parks/20/queue_times.json"))
    serve_fixture(server, 30, "01iwier_ThemeParkQueueTimes__queue_times.json")
    settings = qt.with_overrides(read_timeout_s=0.5, retry_attempts=2)
    summary = collect(engine, settings, now=NOW)
    assert (summary.parks_ok, summary.parks_failed) == (2, 1)
    assert summary.snapshots_written == 19 + 42
    assert count(engine, schema.ride_snapshots, schema.ride_snapshots.c.park_id == 20) == 0
    assert count(engine, schema.park_snapshots, schema.park_snapshots.c.park_id == 20) == 0
    ((park_id, kind),) = rows(
        engine, select(schema.fetch_failures.c.park_id, schema.fetch_failures.c.kind)
    )
    expected = {"html": "bad_shape"}.get(fault, fault)
    assert (park_id, kind) == (20, expected)


def test_429_and_500_are_retried_honouring_retry_after(engine, qt, server):
    serve_all_real(server)
    calls = []

    def flaky(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        if len(calls) == 2:
            return Response("oops", status=503)
        return Response(
            (FIXTURES / "JZXHanta_rideTimes__epcot_queue_times.json").read_bytes(),
            content_type="application/json",
        )

    server.clear()
    server.expect_request("/parks.json").respond_with_json(feeds.parks_document())
    server.expect_request("/parks/10/queue_times.json").respond_with_handler(flaky)
    serve_fixture(
        server, 20, "hiroyuki-togo_park-route-planner-1__tests_fixtures_queue_times_sample.json"
    )
    serve_fixture(server, 30, "01iwier_ThemeParkQueueTimes__queue_times.json")
    summary = collect(engine, qt.with_overrides(retry_max_wait_s=2.0), now=NOW)
    assert summary.parks_failed == 0 and len(calls) == 3
    assert calls[1] - calls[0] >= 0.95  # waited for Retry-After: 1
    assert count(engine, schema.ride_snapshots, schema.ride_snapshots.c.park_id == 10) == 19


def test_a_failure_while_writing_leaves_no_half_cycle(engine, qt, server):
    serve_all_real(server)

    def break_the_database():
        schema.park_snapshots.drop(engine)  # the write fails after the ride snapshots

    try:
        with pytest.raises(Exception, match="park_snapshots"):
            collect(engine, qt, now=NOW, on_fetched=break_the_database)
    finally:
        schema.park_snapshots.create(engine, checkfirst=True)
    assert count(engine, schema.ride_snapshots) == 0
    assert count(engine, schema.rides) == 0
    assert count(engine, schema.collection_cycles) == 0
    assert count(engine, schema.parks) == 0


def test_summary_json_names(engine, qt, server):
    serve_all_real(server)
    data = collect(engine, qt, now=NOW).as_json()
    assert json.loads(json.dumps(data))["cycle_at"] == "2026-07-04T15:00:00Z"
    for key in ("parks_ok", "parks_failed", "rides_seen", "snapshots_written", "duration_s"):
        assert key in data


def test_a_failing_park_list_keeps_the_one_we_have(engine, qt, server):
    serve_all_real(server)
    collect(engine, qt, now=NOW)
    server.clear()
    server.expect_request("/parks.json").respond_with_data("down", status=503)
    serve_all_real(server)
    later = NOW + timedelta(hours=25)  # the list is due for a refresh, which fails
    summary = collect(engine, qt, now=later)
    assert not summary.parks_refreshed
    assert (summary.parks_ok, summary.snapshots_written) == (3, 98)
    failures = rows(engine, select(schema.fetch_failures.c.park_id, schema.fetch_failures.c.kind))
    assert failures == [(None, "http_503")]
