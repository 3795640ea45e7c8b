"""Parsing the Queue-Times documents, including every real response in tests/fixtures."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from collector.feed import FeedError, decode, parse_parks, parse_queue_times
from collector.validate import ParkInfo, RideReading, int_range
from hallofshame import schema
from tests.conftest import FIXTURES

QUEUE_TIMES = sorted(p for p in FIXTURES.glob("*queue_times*.json"))
PARKS = sorted(FIXTURES.glob("*__parks.json"))
AT = datetime(2026, 7, 4, 15, 0, tzinfo=UTC)  # the cycle the documents are read for


def test_fixtures_are_there():
    assert len(QUEUE_TIMES) == 6 and len(PARKS) == 1


@pytest.mark.parametrize("path", QUEUE_TIMES, ids=lambda p: p.name)
def test_every_real_queue_times_document_parses(path):
    raw = json.loads(path.read_bytes())
    parsed = parse_queue_times(decode(path.read_bytes()), AT)
    listed = {r["id"] for land in raw["lands"] for r in land["rides"]} | {
        r["id"] for r in raw["rides"]
    }
    assert {ride.id for ride in parsed.items} == listed
    assert parsed.skipped == 0
    for ride in parsed.items:
        assert ride.last_updated is not None and ride.last_updated.tzinfo is not None
        assert isinstance(ride.wait_time, int)


def test_rides_only_at_top_level_are_read():
    path = FIXTURES / "hiroyuki-togo_park-route-planner-1__tests_fixtures_queue_times_sample.json"
    parsed = parse_queue_times(decode(path.read_bytes()), AT)
    assert len(parsed.items) == 37
    assert all(ride.land_id is None for ride in parsed.items)
    assert "“it’s a small world with Groot”" in {ride.name for ride in parsed.items}


def test_names_are_kept_exactly_as_sent():
    path = FIXTURES / "01iwier_ThemeParkQueueTimes__queue_times.json"
    names = {ride.name for ride in parse_queue_times(decode(path.read_bytes()), AT).items}
    assert "Le Carrousel de Lancelot " in names  # trailing space kept
    assert "Indiana Jones™ and the Temple of Peril" in names
    assert "Mickey’s PhilharMagic" in names


def test_rides_carry_their_land():
    path = FIXTURES / "JZXHanta_rideTimes__epcot_queue_times.json"
    rides = {ride.id: ride for ride in parse_queue_times(decode(path.read_bytes()), AT).items}
    assert rides[159].name == "Spaceship Earth"
    assert (rides[159].land_id, rides[159].land_name) == (897, "World Celebration")


def test_real_parks_list_parses():
    parsed = parse_parks(decode(PARKS[0].read_bytes()))
    assert len(parsed.items) == 120 and parsed.skipped == 0
    park = next(p for p in parsed.items if p.id == 57)
    assert park.name == "California's Great America"
    assert park.group_name == "Cedar Fair Entertainment Company"
    assert park.latitude == pytest.approx(37.397799)  # a string in the feed
    assert park.timezone == "America/Los_Angeles"
    assert {p.continent for p in parsed.items} >= {"North America", "Europe", "Asia"}


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"", "empty"), (b"  \n", "empty"), (b'{"lands": [', "bad_json"), (b"<html>", "bad_json")],
)
def test_unreadable_bodies_name_their_failure(body, kind):
    with pytest.raises(FeedError) as caught:
        decode(body)
    assert caught.value.kind == kind


@pytest.mark.parametrize("document", [[], {"error": "not found"}, "text", 3, {"lands": "x"}])
def test_wrongly_shaped_queue_times_is_a_bad_shape(document):
    with pytest.raises(FeedError) as caught:
        parse_queue_times(document, AT)
    assert caught.value.kind == "bad_shape"


def test_wrongly_shaped_parks_is_a_bad_shape():
    with pytest.raises(FeedError):
        parse_parks({"parks": []})


def test_a_bad_ride_entry_is_skipped_not_fatal():
    good = {"id": 1, "name": "A", "is_open": True, "wait_time": 5, "last_updated": "2024-01-01Z"}
    document = {
        "lands": [{"id": 9, "name": "Land", "rides": [good, {"id": "x"}, None]}],
        "rides": [
            {"id": 2, "name": "B", "is_open": "yes", "wait_time": 0},
            {"id": 3, "name": "C", "is_open": False, "wait_time": 0, "last_updated": "garbage"},
            {"id": 4, "name": "D", "is_open": False, "wait_time": None, "last_updated": None},
            dict(good),  # listed again at top level: kept once, with its land
        ],
    }
    parsed = parse_queue_times(document, AT)
    assert [ride.id for ride in parsed.items] == [1, 4]
    assert parsed.items[0].land_id == 9
    assert parsed.skipped == 4


def test_a_park_with_a_bad_timezone_is_skipped():
    document = [
        {
            "id": 1,
            "name": "G",
            "parks": [
                {"id": 5, "name": "Good", "timezone": "Europe/Paris"},
                {"id": 6, "name": "Bad", "timezone": "Mars/Olympus"},
                {"id": 7, "name": "NoZone"},
            ],
        }
    ]
    parsed = parse_parks(document)
    assert [park.id for park in parsed.items] == [5]
    assert parsed.skipped == 2


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"id": ' + b"9" * 5000 + b"}"])
def test_json_no_parser_should_take_is_bad_json_not_a_crash(body):
    with pytest.raises(FeedError) as caught:
        decode(body)
    assert caught.value.kind == "bad_json"


def test_limits_are_read_from_the_schema():
    assert int_range(schema.rides.c.id) == (-(2**31), 2**31 - 1)
    assert RideReading.model_fields["name"].metadata[0].max_length == 500
    assert ParkInfo.model_fields["name"].metadata[0].max_length == 255
