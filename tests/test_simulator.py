"""The Queue-Times simulator: a seeded world, the real feed's shapes and quirks, HTTP, faults."""

from __future__ import annotations

import json
import re
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

import pytest
import requests

from hallofshame.kinds import kind_from_name
from simulator import SimConfig, Simulator, World
from simulator.cli import parse_args
from simulator.schedule import clocks_go_back_tonight
from tests.conftest import FIXTURES

AT = datetime(2024, 5, 23, 18, 40, tzinfo=UTC)  # Los Angeles late morning, Tokyo at night
STALE = timedelta(minutes=30)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")


@pytest.fixture(scope="module")
def world() -> World:
    return World(SimConfig())


@pytest.fixture(scope="module")
def day_of_documents(world: World) -> list[tuple[datetime, int, dict]]:
    """Every park's document every 10 minutes over one UTC day."""
    start = datetime(2024, 5, 23, tzinfo=UTC)
    times = [start + timedelta(minutes=10 * step) for step in range(144)]
    return [
        (at, park.id, world.queue_times_document(park.id, at))
        for at in times
        for park in world.parks
    ]


@pytest.fixture
def sim():
    with Simulator(SimConfig(seed=7, parks=6, rides=120, timeout_s=30), now=AT, speed=0) as running:
        yield running


def rides_of(document: dict) -> list[dict]:
    return [ride for land in document["lands"] for ride in land["rides"]] + document["rides"]


def stamp(ride: dict) -> datetime | None:
    """A ride's `last_updated`; None when the entry has none (a rare quirk)."""
    if "last_updated" not in ride:
        return None
    return datetime.strptime(ride["last_updated"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def shape(value):
    """Key sets and value types, recursively (first element of each list)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


# The world


def test_same_seed_gives_same_documents_and_other_seeds_differ():
    first, second, other = (
        World(SimConfig(seed=5)),
        World(SimConfig(seed=5)),
        World(SimConfig(seed=6)),
    )
    assert first.parks_document() == second.parks_document()
    park_id = first.parks[2].id
    assert first.queue_times_document(park_id, AT) == second.queue_times_document(park_id, AT)
    assert first.parks_document() != other.parks_document()


def test_state_is_a_pure_function_of_time(world: World):
    """Asking in any order, or from a fresh world, gives the same document."""
    park_id = world.parks[0].id
    later = AT + timedelta(hours=3)
    world.queue_times_document(park_id, later)
    assert world.queue_times_document(park_id, AT) == World(SimConfig()).queue_times_document(
        park_id, AT
    )


def test_counts_and_ids(world: World):
    assert len(world.parks) == 12
    rides = [ride for park in world.parks for ride in park.rides]
    assert abs(len(rides) - 400) <= 20
    assert len({ride.id for ride in rides}) == len(rides)
    assert len({park.id for park in world.parks}) == 12
    assert {ride.kind for ride in rides} == {"ride", "single_rider", "other"}


def test_kinds_agree_with_the_projects_name_patterns(world: World):
    for park in world.parks:
        for ride in park.rides:
            assert kind_from_name(ride.name) == ride.kind, ride.name


def test_parks_document_has_the_real_shape(world: World):
    real = fixture("JZXHanta_rideTimes__parks.json")
    document = world.parks_document()
    assert shape(document[0]) == shape(real[0])
    assert all(shape(group) == shape(real[0]) for group in document)
    names = " ".join(group["name"] for group in document)
    assert "Disney" in names and "Universal" in names
    parks = [park for group in document for park in group["parks"]]
    assert {park["continent"] for park in parks} == {
        "North America",
        "South America",
        "Europe",
        "Asia",
    }
    zones = {park["timezone"] for park in parks}
    assert {"America/Los_Angeles", "Asia/Tokyo"} <= zones
    assert all(isinstance(park["latitude"], str) and float(park["longitude"]) for park in parks)


def test_queue_times_documents_have_the_real_shape_and_both_layouts(world: World):
    lands_ride = rides_of(fixture("01iwier_ThemeParkQueueTimes__queue_times.json"))[0]
    flat_real = fixture(
        "hiroyuki-togo_park-route-planner-1__tests_fixtures_queue_times_sample.json"
    )
    documents = [world.queue_times_document(park.id, AT) for park in world.parks]
    with_lands = [doc for doc in documents if doc["lands"]]
    flat = [doc for doc in documents if not doc["lands"]]
    assert with_lands and flat
    assert all(doc["rides"] == [] for doc in with_lands)
    assert set(with_lands[0]["lands"][0]) == {"id", "name", "rides"}
    assert set(flat[0]) == set(flat_real) == {"lands", "rides"}
    for document in documents:
        for ride in rides_of(document):
            assert shape(ride) == shape(lands_ride)
            assert STAMP.fullmatch(ride["last_updated"])
            assert ride["wait_time"] % 5 == 0


def test_names_carry_the_feeds_quirks(world: World):
    names = [ride.name for park in world.parks for ride in park.rides]
    assert any(name.endswith(" Single Rider") for name in names)
    assert any(name.startswith("Meet ") for name in names)
    assert any(re.search(r"Show|Parade|Festival", name) for name in names)
    assert any(name.endswith(" Station") for name in names)
    assert any("<script>" in name for name in names)
    assert any("<b>" in name for name in names)
    assert any("™" in name or "®" in name for name in names)
    assert any("’" in name for name in names)
    assert any(name != name.strip() for name in names)
    assert len(set(names)) < len(names)  # the same names in different parks


def test_a_day_shows_the_feeds_quirks(day_of_documents):
    """Waits posted while closed, stale data at night, rides lagging the park's updates; and,
    rarer, a ride gone stale while its park updates (open), and entries with no
    `last_updated` at all."""
    wait_while_closed = stale_after_close = lagging = stale_while_open = blank = live = 0
    for at, _park_id, document in day_of_documents:
        rides = rides_of(document)
        wait_while_closed += sum(
            1 for ride in rides if not ride["is_open"] and ride["wait_time"] > 0
        )
        stamps = [stamp(ride) for ride in rides]
        blank += stamps.count(None)
        old = sum(1 for s in stamps if s is not None and at - s > STALE)
        updating = any(s is not None and at - s <= STALE for s in stamps)
        stale_while_open += old if updating else 0
        live += len(rides) if updating else 0
        stale_after_close += old if not updating else 0
        lagging += len({s for s in stamps if s is not None}) > 1
    assert wait_while_closed > 0
    assert stale_after_close > 0
    assert lagging > 0
    assert 0 < stale_while_open < live / 200  # rare: under 0.5 % of the running feed's rows
    assert 0 < blank < live / 200


def test_a_stalled_ride_repeats_its_last_reading_while_its_park_updates(day_of_documents):
    """During a stall a ride's entry stays as it was when its updates stopped (same state,
    wait and `last_updated`) while the rest of its park updates: the collector sees it stale."""
    previous: dict[tuple[int, int], dict] = {}
    repeated = 0
    for at, park_id, document in day_of_documents:
        rides = rides_of(document)
        stamps = [stamp(ride) for ride in rides]
        updating = any(s is not None and at - s <= STALE for s in stamps)
        for ride, updated in zip(rides, stamps, strict=True):
            key = (park_id, ride["id"])
            if updating and updated is not None and at - updated > STALE + timedelta(minutes=10):
                assert previous[key] == ride
                repeated += 1
            previous[key] = ride
    assert repeated > 0


def test_on_the_night_the_clocks_go_back_some_parks_stay_open_past_midnight(world: World):
    """Late-night events: on the night summer time ends a park may close at 03:30 local the next
    day, after the repeated hour. Its rides are open and fresh at 01:30 local (both times
    round), closed at 04:00."""
    late, nights = [], 0
    for park in world.parks:
        for year in range(2024, 2031):  # seven autumns: some late night whatever the world
            for offset in range(61):
                day = date(year, 10, 1) + timedelta(days=offset)
                nights += clocks_go_back_tonight(park, day)
                hours = world.park_hours(park.id, day)
                if hours and hours[1].astimezone(ZoneInfo(park.timezone)).date() > day:
                    assert clocks_go_back_tonight(park, day)
                    late.append((park, day, hours[1]))
    assert late and len(late) < nights  # seeded, and not every such night
    for park, day, closes in late:
        zone = ZoneInfo(park.timezone)
        assert closes.astimezone(zone).time() == wall_time(3, 30)
        next_day = day + timedelta(days=1)
        for fold in (0, 1):
            night = datetime.combine(next_day, wall_time(1, 30), tzinfo=zone).replace(fold=fold)
            rides = rides_of(world.queue_times_document(park.id, night.astimezone(UTC)))
            assert any(r["is_open"] for r in rides)
            fresh = [s for s in map(stamp, rides) if s is not None and night - s <= STALE]
            assert len(fresh) > len(rides) / 2  # the feed runs (a ride may stall, rarely)
        after = datetime.combine(next_day, wall_time(4, 0), tzinfo=zone)
        rides = rides_of(world.queue_times_document(park.id, after.astimezone(UTC)))
        assert not any(r["is_open"] for r in rides)


def test_parks_open_in_their_hours_and_close_at_night_in_their_own_zone(world: World):
    day = date(2024, 5, 23)  # a Thursday
    checked = 0
    for park in world.parks:
        hours = world.park_hours(park.id, day)
        if hours is None:
            continue
        zone = ZoneInfo(park.timezone)
        opens, closes = (moment.astimezone(zone) for moment in hours)
        assert 7 <= opens.hour <= 11 and 16 <= closes.hour <= 23
        midday = datetime(2024, 5, 23, 13, 30, tzinfo=zone)
        night = datetime(2024, 5, 23, 3, 30, tzinfo=zone)
        open_rides = [
            r for r in rides_of(world.queue_times_document(park.id, midday)) if r["is_open"]
        ]
        assert len(open_rides) > len(park.rides) / 2
        night_rides = rides_of(world.queue_times_document(park.id, night))
        assert not any(ride["is_open"] for ride in night_rides)
        assert all(night - stamp(ride) > STALE for ride in night_rides)
        checked += 1
    assert checked >= 8


def test_some_parks_close_on_some_days(world: World):
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(14)]
    closed = [
        (park, day) for park in world.parks for day in days if not world.park_hours(park.id, day)
    ]
    assert closed
    park, day = closed[0]
    noon = datetime.combine(day, datetime.min.time(), ZoneInfo(park.timezone)) + timedelta(hours=13)
    assert not any(ride["is_open"] for ride in rides_of(world.queue_times_document(park.id, noon)))
    assert world.park_hours(world.parks[0].id, day) is not None  # the Disney park opens every day


def test_waits_rise_from_opening_to_the_afternoon(world: World):
    park = world.parks[0]
    opens, _ = world.park_hours(park.id, date(2024, 5, 23))

    def mean_wait(at: datetime) -> float:
        return statistics.mean(
            ride["wait_time"] for ride in rides_of(world.queue_times_document(park.id, at))
        )

    afternoon = datetime(2024, 5, 23, 14, 0, tzinfo=ZoneInfo(park.timezone))
    assert mean_wait(afternoon) > 2 * mean_wait(opens + timedelta(minutes=10))
    headliners = [
        ride.peak_wait for p in world.parks for ride in p.rides if ride.category == "headliner"
    ]
    assert headliners and all(30 <= wait <= 90 for wait in headliners)


def test_rides_break_down_and_come_back(day_of_documents, world: World):
    kinds = {ride.id: ride.kind for park in world.parks for ride in park.rides}
    history: dict[int, list[bool]] = {}
    for _at, _park_id, document in day_of_documents:
        for ride in rides_of(document):
            history.setdefault(ride["id"], []).append(ride["is_open"])
    repaired = [
        ride_id
        for ride_id, states in history.items()
        if kinds[ride_id] == "ride"
        and re.search("10+1", "".join("1" if s else "0" for s in states))
    ]
    assert len(repaired) > 20


def test_refurbishment_closes_a_ride_for_days(world: World):
    park, ride = next((p, r) for p in world.parks for r in p.rides if r.refurb_start)
    start = date(2023, 1, 1) + timedelta(days=ride.refurb_start - 1)
    open_days = [
        d
        for d in (start + timedelta(days=n) for n in range(ride.refurb_days))
        if world.park_hours(park.id, d)
    ]
    assert open_days
    for day in open_days:
        opens, closes = world.park_hours(park.id, day)
        for step in range(0, int((closes - opens).total_seconds()), 3600):
            document = world.queue_times_document(park.id, opens + timedelta(seconds=step))
            entry = next(r for r in rides_of(document) if r["id"] == ride.id)
            assert not entry["is_open"] and entry["wait_time"] == 0
    assert ride.refurb_days >= 3


def test_a_full_size_world_is_cheap():
    big = World(SimConfig(parks=150, rides=5000))
    assert len(big.parks) == 150 and abs(big.ride_count - 5000) <= 250
    started = time.process_time()
    documents = [big.queue_times_document(park.id, AT) for park in big.parks]
    assert time.process_time() - started < 1.0
    assert sum(len(rides_of(document)) for document in documents) == big.ride_count


# The server


def test_server_serves_both_documents_and_404s(sim: Simulator):
    parks = requests.get(f"{sim.url}/parks.json", timeout=5)
    assert parks.status_code == 200 and parks.headers["Content-Type"].startswith("application/json")
    assert parks.json() == sim.world.parks_document()
    park_id = sim.world.parks[0].id
    queue = requests.get(f"{sim.url}/parks/{park_id}/queue_times.json", timeout=5)
    assert queue.json() == sim.world.queue_times_document(park_id, AT)
    assert requests.get(f"{sim.url}/parks/999999/queue_times.json", timeout=5).status_code == 404
    assert requests.get(f"{sim.url}/nothing.json", timeout=5).status_code == 404
    assert sim.requests_served == 4


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("500", 500),
        ("429", 429),
        ("truncated", 200),
        ("empty", 200),
        ("bad_shape", 200),
        ("html", 200),
    ],
)
def test_each_fault_then_recovery(sim: Simulator, fault: str, status: int):
    park_id = sim.world.parks[1].id
    url = f"{sim.url}/parks/{park_id}/queue_times.json"
    sim.set_fault(park_id, fault, count=1)
    response = requests.get(url, timeout=5)
    assert response.status_code == status
    if fault == "429":
        assert response.headers["Retry-After"] == "1"
    if fault in ("truncated", "empty"):
        with pytest.raises(ValueError):
            response.json()
        assert response.content.strip() == b"" or response.content.startswith(b'{"lands":')
    if fault == "bad_shape":
        assert not (isinstance(response.json(), dict) and "lands" in response.json())
    if fault == "html":
        assert response.headers["Content-Type"].startswith("text/html")
    assert requests.get(url, timeout=5).json() == sim.world.queue_times_document(park_id, AT)


def test_faults_last_until_cleared_and_only_hit_their_park(sim: Simulator):
    first, second = (park.id for park in sim.world.parks[:2])
    sim.set_fault(first, "500")
    for _ in range(3):
        assert (
            requests.get(f"{sim.url}/parks/{first}/queue_times.json", timeout=5).status_code == 500
        )
    assert requests.get(f"{sim.url}/parks/{second}/queue_times.json", timeout=5).status_code == 200
    sim.set_fault(first, None)
    assert requests.get(f"{sim.url}/parks/{first}/queue_times.json", timeout=5).status_code == 200
    sim.set_fault(0, "html", count=1)  # park 0 is /parks.json
    assert (
        requests.get(f"{sim.url}/parks.json", timeout=5)
        .headers["Content-Type"]
        .startswith("text/html")
    )
    with pytest.raises(ValueError):
        sim.set_fault(first, "explode")


def test_timeout_fault_blocks_neither_other_parks_nor_stop():
    simulator = Simulator(SimConfig(seed=7, parks=3, rides=30), now=AT, speed=0)
    simulator.start()
    try:
        slow, fast = (park.id for park in simulator.world.parks[:2])
        simulator.set_fault(slow, "timeout")
        with pytest.raises(requests.exceptions.Timeout):
            requests.get(f"{simulator.url}/parks/{slow}/queue_times.json", timeout=0.3)
        assert requests.get(f"{simulator.url}/parks/{fast}/queue_times.json", timeout=2).ok
    finally:
        started = time.monotonic()
        simulator.stop()
    assert time.monotonic() - started < 2


def test_timeout_fault_answers_after_timeout_s():
    with Simulator(SimConfig(parks=2, rides=20, timeout_s=0.3), now=AT, speed=0) as simulator:
        park_id = simulator.world.parks[0].id
        simulator.set_fault(park_id, "timeout", count=1)
        started = time.monotonic()
        response = requests.get(f"{simulator.url}/parks/{park_id}/queue_times.json", timeout=5)
        assert response.status_code == 200 and time.monotonic() - started >= 0.3


def test_latency_and_random_faults_are_seeded():
    def statuses() -> list[int]:
        config = SimConfig(seed=3, parks=2, rides=20, latency_ms=20, fault_rate=0.5)
        with Simulator(config, now=AT, speed=0) as simulator:
            url = f"{simulator.url}/parks/{simulator.world.parks[0].id}/queue_times.json"
            started = time.monotonic()
            codes = [requests.get(url, timeout=5).status_code for _ in range(12)]
            assert time.monotonic() - started >= 12 * 0.02
            return codes

    first = statuses()
    assert first == statuses()
    assert 200 in first and ({500, 429} & set(first))


def test_clock_frozen_running_and_set(sim: Simulator):
    assert sim.now() == AT
    sim.set_now(AT + timedelta(hours=1))
    assert sim.now() == AT + timedelta(hours=1)  # still frozen: speed kept
    sim.set_now(AT, speed=3600)
    time.sleep(0.05)
    assert sim.now() - AT >= timedelta(seconds=100)
    with pytest.raises(ValueError):
        sim.set_now(datetime(2024, 1, 1))


def test_control_endpoints(sim: Simulator):
    state = requests.get(f"{sim.url}/_sim/state", timeout=5).json()
    assert state["now"].startswith("2024-05-23T18:40:00") and state["speed"] == 0
    assert (state["parks"], state["rides"], state["faults"]) == (6, sim.world.ride_count, {})
    moved = requests.post(
        f"{sim.url}/_sim/clock?now=2024-06-01T12:00:00Z&speed=0", timeout=5
    ).json()
    assert moved["now"].startswith("2024-06-01T12:00:00")
    assert sim.now() == datetime(2024, 6, 1, 12, tzinfo=UTC)
    park_id = sim.world.parks[0].id
    faults = requests.post(
        f"{sim.url}/_sim/faults?park={park_id}&fault=429&count=2", timeout=5
    ).json()
    assert faults["faults"] == {str(park_id): {"fault": "429", "remaining": 2}}
    assert requests.get(f"{sim.url}/parks/{park_id}/queue_times.json", timeout=5).status_code == 429
    requests.post(f"{sim.url}/_sim/faults?park={park_id}&fault=", timeout=5)
    assert requests.get(f"{sim.url}/_sim/state", timeout=5).json()["faults"] == {}
    requests.post(f"{sim.url}/_sim/faults?park={park_id}&fault=500", timeout=5)
    assert requests.post(f"{sim.url}/_sim/reset", timeout=5).json()["faults"] == {}
    assert requests.post(f"{sim.url}/_sim/faults?park=1&fault=nope", timeout=5).status_code == 400
    assert requests.post(f"{sim.url}/_sim/clock?now=yesterday", timeout=5).status_code == 400


def test_cli_arguments():
    args = parse_args(
        ["--port", "0", "--parks", "150", "--rides", "5000", "--now", "2024-05-23T18:40:00Z"]
    )
    assert (args.host, args.port, args.parks, args.rides, args.speed) == (
        "127.0.0.1",
        0,
        150,
        5000,
        1.0,
    )


def test_a_frozen_park_repeats_its_readings_while_last_updated_advances(sim: Simulator):
    """`frozen` for 2 responses: both carry the readings of the first with the stamps of their
    own time; the third is the world's document again. /parks.json cannot be frozen."""
    park_id = sim.world.parks[0].id
    url = f"{sim.url}/parks/{park_id}/queue_times.json"
    later = AT + timedelta(minutes=20)
    sim.set_fault(park_id, "frozen", count=2)
    first = requests.get(url, timeout=5).json()
    sim.set_now(later, speed=0)
    second = requests.get(url, timeout=5).json()
    readings = [
        [(r["id"], r["is_open"], r["wait_time"]) for r in rides_of(d)] for d in (first, second)
    ]
    assert readings[0] == readings[1]
    assert first == sim.world.queue_times_document(park_id, AT)
    fresh = sim.world.queue_times_document(park_id, later)
    assert [r.get("last_updated") for r in rides_of(second)] == [
        r.get("last_updated") for r in rides_of(fresh)
    ]
    assert [(r["is_open"], r["wait_time"]) for r in rides_of(fresh)] != [
        (r["is_open"], r["wait_time"]) for r in rides_of(first)
    ]
    assert requests.get(url, timeout=5).json() == fresh
    with pytest.raises(ValueError, match="needs a park"):
        sim.set_fault(0, "frozen")


def test_a_freeze_by_the_clock_starts_and_ends_with_it(sim: Simulator):
    """`freeze(park, start, end)`: the `frozen` fault while the simulated clock is in
    [start, end); the demo freezes its first park for an afternoon this way."""
    park_id = sim.world.parks[0].id
    url = f"{sim.url}/parks/{park_id}/queue_times.json"
    start, end = AT + timedelta(minutes=10), AT + timedelta(minutes=30)
    sim.freeze(park_id, start, end)
    assert requests.get(url, timeout=5).json() == sim.world.queue_times_document(park_id, AT)
    documents = []
    for minutes in (10, 20):
        sim.set_now(AT + timedelta(minutes=minutes), speed=0)
        documents.append(requests.get(url, timeout=5).json())
    readings = [[(r["id"], r["is_open"], r["wait_time"]) for r in rides_of(d)] for d in documents]
    assert readings[0] == readings[1]
    assert documents[0] == sim.world.queue_times_document(park_id, start)
    sim.set_now(end, speed=0)
    assert requests.get(url, timeout=5).json() == sim.world.queue_times_document(park_id, end)
    assert "frozen on" in sim.freeze_an_afternoon(AT)
