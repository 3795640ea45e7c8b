"""Hostile feed values cost only their own entry, on SQLite and MariaDB.

Each case here once failed a whole cycle on MariaDB (or lost a park, or every later cycle, or
every later `aggregate`). Now the entry is refused at `collector.validate`, counted in the cycle
summary and named in `fetch_failures`; everything else is collected as sent.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from aggregator import aggregate
from collector.cycle import CollectError, collect
from hallofshame import schema
from tests import feeds
from tests.test_collect import CYCLE, NOW, count, qt, rows, serve, serve_all_real, server

__all__ = ["qt", "server"]  # test_collect's fixtures, which these tests take too

GOOD = feeds.ride(1, "Good Coaster", True, 20, NOW)
BAD_RIDES = {
    "name_over_500": {"name": "x" * 501},
    "wait_2_31": {"wait_time": 2**31},
    "id_2_31": {"id": 2**31},
    "wait_1e9": {"wait_time": 1e9},
    "wait_10_9": {"wait_time": 10**9},
    "wait_negative": {"wait_time": -5},
    "is_open_string": {"is_open": "true"},
    "last_updated_overflows_utc": {"last_updated": "9999-12-31T23:59:59-01:00"},
    "last_updated_far_ahead": {"last_updated": "2031-01-01T00:00:00Z"},
    "name_not_text": {"name": 42},
    "entry_not_an_object": None,
}


def bad_ride(change: dict | None) -> dict | None:
    return None if change is None else {**feeds.ride(2, "Bad Coaster", True, 10, NOW), **change}


def failures(engine):
    f = schema.fetch_failures.c
    return rows(engine, select(f.park_id, f.kind, f.detail).order_by(f.id))


@pytest.mark.parametrize("case", BAD_RIDES)
def test_a_bad_ride_is_skipped_and_the_cycle_kept(engine, qt, server, case):
    serve(server, 10, feeds.queue_times([GOOD, bad_ride(BAD_RIDES[case])]))
    serve(server, 20, feeds.queue_times([feeds.ride(3, "Other Park Ride", True, 5, NOW)]))
    serve(server, 30, feeds.queue_times([]))
    summary = collect(engine, qt, now=NOW)
    assert (summary.parks_ok, summary.parks_failed) == (3, 0)
    assert (summary.rides_seen, summary.rides_rejected) == (2, 1)
    assert "(1 rides rejected)" in summary.line()
    assert sorted(r.id for r in rows(engine, select(schema.rides.c.id))) == [1, 3]
    assert count(engine, schema.ride_snapshots) == 2
    ((park, kind, detail),) = failures(engine)
    assert (park, kind) == (10, "rejected_rides")
    assert detail.startswith("1 of 2 rides rejected: ride ")
    field = next(iter(BAD_RIDES[case] or {"entry": 0}))
    assert f": {field}: " in detail  # says which value, and why
    assert summary.as_json()["failures"][0]["detail"] == detail


def test_a_bad_land_refuses_its_rides_only(engine, qt, server):
    document = feeds.queue_times(
        [feeds.ride(2, "In A Bad Land", True, 5, NOW)], land=(7, "L" * 256)
    )
    document["rides"] = [GOOD]
    serve(server, 10, document)
    serve(server, 20, feeds.queue_times([]))
    serve(server, 30, feeds.queue_times([]))
    summary = collect(engine, qt, now=NOW)
    assert (summary.rides_seen, summary.rides_rejected) == (1, 1)
    assert "land_name: String should have at most 255 characters" in failures(engine)[0].detail


def test_a_lone_surrogate_in_a_name_is_refused(engine, qt, server):
    good = json.dumps(GOOD)
    body = (
        f'{{"lands": [], "rides": [{good}, {{"id": 2, "name": "Bad \\ud800", "is_open": true}}]}}'
    )
    server.expect_request("/parks/10/queue_times.json").respond_with_data(
        body, content_type="application/json"
    )
    serve(server, 20, feeds.queue_times([]))
    serve(server, 30, feeds.queue_times([]))
    summary = collect(engine, qt, now=NOW)
    assert (summary.rides_seen, summary.rides_rejected) == (1, 1)


def test_values_at_the_limits_are_stored_exactly_as_sent(engine, qt, server):
    name = "é" * 499 + "™"  # 500 characters, 1,001 bytes in UTF-8
    edge = feeds.ride(2**31 - 1, name, False, 24 * 60, NOW - timedelta(days=3000))
    serve(server, 10, feeds.queue_times([edge], land=(2**31 - 1, "Λ" * 255)))
    serve(server, 20, feeds.queue_times([]))
    serve(server, 30, feeds.queue_times([]))
    summary = collect(engine, qt, now=NOW)
    assert summary.rides_rejected == 0
    (ride,) = rows(engine, select(schema.rides))
    assert (ride.id, ride.name, ride.land_id) == (2**31 - 1, name, 2**31 - 1)
    assert ride.land_name == "Λ" * 255
    (snap,) = rows(engine, select(schema.ride_snapshots))
    assert (snap.wait_time, snap.state) == (24 * 60, "stale")


def test_a_ride_posting_a_billion_minutes_cannot_overflow_the_aggregates(engine, qt, server):
    """Stored, three such cycles summed past INT in ride_hourly.wait_sum on MariaDB, and every
    later `aggregate` failed. Refused at the gate, they never reach the aggregator."""
    for minutes in (0, 10, 20):
        at = NOW + timedelta(minutes=minutes)
        server.clear()
        server.expect_request("/parks.json").respond_with_json(feeds.parks_document())
        billion = {**feeds.ride(2, "Liar", True, 0, at), "wait_time": 10**9}
        serve(server, 10, feeds.queue_times([feeds.ride(1, "Good Coaster", True, 20, at), billion]))
        serve(server, 20, feeds.queue_times([]))
        serve(server, 30, feeds.queue_times([]))
        assert collect(engine, qt, now=at).rides_rejected == 1
    summary = aggregate(engine, qt, now=NOW + timedelta(minutes=21))
    assert summary.cycles == 3
    d = schema.ride_daily.c
    waits = rows(engine, select(d.ride_id, d.wait_count, d.wait_sum, d.wait_max))
    ((ride, counted, total, longest),) = waits  # the liar has no row at all
    assert (ride, longest, total) == (1, 20, 20 * counted) and counted >= 2


def parks_with(entry: dict | None = None, group: dict | None = None) -> list:
    """The crafted parks.json, with one more park (id 40) in group 3, or one more group."""
    document = feeds.parks_document()
    if entry is not None:
        good = {"id": 40, "name": "Bad Park", "timezone": "Europe/Paris", "latitude": "1.0"}
        document[2]["parks"].append({**good, **entry})
    if group is not None:
        document.append(group)
    return document


BAD_PARKS = {
    "name_over_255": parks_with({"name": "P" * 256}),
    "latitude_nan": parks_with({"latitude": "NaN"}),
    "latitude_1e999": parks_with({"latitude": "1e999"}),
    "latitude_out_of_range": parks_with({"latitude": 91}),
    "id_2_31": parks_with({"id": 2**31}),
    "timezone_unknown": parks_with({"timezone": "Mars/Olympus"}),
    "country_not_text": parks_with({"country": 7}),
    "parks_not_a_list": parks_with(group={"id": 4, "name": "G", "parks": "Bad Park"}),
    "group_id_not_an_int": parks_with(group={"id": "4", "name": "G", "parks": []}),
}


@pytest.mark.parametrize("case", BAD_PARKS)
def test_a_bad_park_entry_is_skipped_and_recorded(engine, qt, server, case):
    server.clear()
    server.expect_request("/parks.json").respond_with_json(BAD_PARKS[case])
    serve_all_real(server)
    summary = collect(engine, qt, now=NOW)
    assert summary.parks_refreshed and summary.parks_rejected == 1
    assert (summary.parks_ok, summary.parks_failed, summary.snapshots_written) == (3, 0, 98)
    assert sorted(rows(engine, select(schema.parks.c.id))) == [(10,), (20,), (30,)]
    ((park, kind, detail),) = failures(engine)
    assert (park, kind) == (None, "rejected_parks")
    assert detail.startswith("1 of 4 parks.json entries rejected: ")
    assert "(1 parks rejected)" in summary.line()


NO_USABLE_PARK = {
    "empty_list": [],
    "groups_without_parks": [{"id": 1, "name": "G", "parks": []}],
    "parks_not_a_list": [{"id": 1, "name": "G", "parks": {"id": 10}}],
    "every_park_bad": [{"id": 1, "name": "G", "parks": [{"id": 10, "name": "N" * 300}]}],
    "not_a_list": {"parks": []},
}


@pytest.mark.parametrize("case", NO_USABLE_PARK)
def test_a_refresh_without_a_usable_park_keeps_the_known_list(engine, qt, server, case):
    serve_all_real(server)
    collect(engine, qt, now=NOW)
    later = NOW + timedelta(hours=25)  # the list is due for a refresh
    for cycle in range(2):  # and every later cycle is collected, not only the first
        at = later + timedelta(minutes=10 * cycle)
        server.clear()
        server.expect_request("/parks.json").respond_with_json(NO_USABLE_PARK[case])
        serve_all_real(server)
        summary = collect(engine, qt, now=at)
        assert not summary.parks_refreshed
        assert (summary.parks_ok, summary.snapshots_written) == (3, 98)
    assert count(engine, schema.parks) == 3
    kinds = {(park, kind) for park, kind, _ in failures(engine)}
    expected = "bad_shape" if case == "not_a_list" else "no_usable_park"
    assert kinds == {(None, expected)}
    assert len(failures(engine)) == 2
    (listed,) = rows(engine, select(schema.parks.c.listed_at).distinct())
    assert listed == (CYCLE,)


@pytest.mark.parametrize("case", ["empty_list", "every_park_bad"])
def test_no_usable_park_and_no_list_is_one_clear_error(engine, settings, server, case):
    server.clear()
    server.expect_request("/parks.json").respond_with_json(NO_USABLE_PARK[case])
    settings = settings.with_overrides(queue_times_url=server.url_for("").rstrip("/"))
    with pytest.raises(CollectError, match="cannot read the park list: no_usable_park"):
        collect(engine, settings, now=NOW)
    assert count(engine, schema.collection_cycles) == 0


def test_a_known_park_whose_entry_goes_bad_is_still_collected(engine, qt, server):
    serve_all_real(server)
    collect(engine, qt, now=NOW)
    document = feeds.parks_document()
    document[1]["parks"][0]["name"] = "S" * 256  # park 20
    server.clear()
    server.expect_request("/parks.json").respond_with_json(document)
    serve_all_real(server)
    summary = collect(engine, qt, now=NOW + timedelta(hours=25))
    assert summary.parks_refreshed and summary.parks_rejected == 1
    assert (summary.parks_ok, summary.snapshots_written) == (3, 98)
    (name,) = rows(engine, select(schema.parks.c.name).where(schema.parks.c.id == 20))
    assert name == ("Studio Park",)  # the name it had, not the one refused


def test_a_ride_id_listed_by_two_parks_is_kept_once_and_the_second_recorded(engine, qt, server):
    shared = feeds.ride(5, "Shared Coaster", True, 20, NOW)
    serve(server, 10, feeds.queue_times([GOOD, shared]))
    serve(
        server,
        20,
        feeds.queue_times([{**shared, "name": "Impostor"}, feeds.ride(3, "R", True, 5, NOW)]),
    )
    serve(server, 30, feeds.queue_times([{**shared, "name": "Third"}]))
    summary = collect(engine, qt, now=NOW)
    assert (summary.parks_ok, summary.rides_seen, summary.rides_rejected) == (3, 3, 2)
    rides = rows(engine, select(schema.rides.c.id, schema.rides.c.park_id, schema.rides.c.name))
    assert sorted(map(tuple, rides)) == [
        (1, 10, "Good Coaster"),
        (3, 20, "R"),
        (5, 10, "Shared Coaster"),
    ]
    assert count(engine, schema.ride_snapshots) == 3
    assert [tuple(f) for f in failures(engine)] == [
        (20, "rejected_rides", "1 of 2 rides rejected: ride 5: id already listed by park 10"),
        (30, "rejected_rides", "1 of 1 rides rejected: ride 5: id already listed by park 10"),
    ]
