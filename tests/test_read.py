"""reader.batch: batch reads for every reader of numbers (that they load no pandas is an
import-linter contract in pyproject.toml)."""

from __future__ import annotations

from datetime import timedelta

from hallofshame import metrics
from reader import batch
from reader import spans as spans_module
from reader.spans import PARK, RIDE, period_stats
from tests.seeding import World, seed

WORLD = World()


def test_catalog_names_every_park_ride_group_and_continent(engine):
    seed(engine, WORLD)
    with engine.connect() as conn:
        catalog = batch.catalog(conn)
    assert len(catalog.parks) == WORLD.parks and len(catalog.rides) == WORLD.rides
    assert catalog.continents == ["Asia", "Europe", "North America"]
    assert catalog.filters == ["all", "disney-universal", "asia", "europe", "north-america"]
    assert catalog.park_ids("disney-universal") == [100, 101]  # Universal, then Disney
    assert catalog.parks[101].group_name == "Walt Disney Attractions"
    assert catalog.parks[102].timezone == "Asia/Tokyo"
    assert sum(len(r) for r in catalog.rides_of().values()) == WORLD.rides


def test_all_period_stats_is_period_stats_of_every_id(engine):
    seed(engine, WORLD)
    with engine.connect() as conn:
        for level in (PARK, RIDE):
            every = batch.all_period_stats(conn, level, "last-7-days", WORLD.end)
            one = period_stats(conn, level, [min(every)], "last-7-days", WORLD.end)
            assert every[min(every)] == one[min(every)]
            ranked = metrics.worst_first(every.values())
            scores = [s.shame_score for s in ranked]
            assert scores == sorted(scores, reverse=True) and len(ranked) > 0


def test_heatmap_trends_outages_and_live(engine):
    seed(engine, WORLD)
    with engine.connect() as conn:
        last = batch.latest_day(conn)
        first, end = batch.window(last, 30)
        cells = batch.heatmap(conn, first, end)
        trends = batch.daily_trends(conn, PARK, first, end)
        ride_trends = batch.daily_trends(conn, RIDE, first, end)
        events = batch.outages(conn, first, end)
        live = batch.all_period_stats(conn, RIDE, metrics.LIVE, WORLD.end)
        stale = batch.all_period_stats(conn, RIDE, metrics.LIVE, WORLD.end + timedelta(hours=1))
        as_of = batch.data_as_of(conn)
        simulated = batch.is_simulated(conn)
    assert end - first == timedelta(days=29)
    assert set(cells) == {100, 101, 102} and len(cells[100]) == WORLD.days * 10
    assert {c["local_hour"] for c in cells[100]} == set(range(9, 19))
    assert len(trends[100]) == WORLD.days and trends[100][-1]["final"] is False
    assert all(0 <= row["uptime_pct"] <= 100 for row in ride_trends[1000])
    minutes = [e["minutes"] for e in events]
    assert minutes == sorted(minutes, reverse=True) and minutes[0] > 0
    assert {s.live_status for s in live.values()} <= {"open", "down", "closed"}
    assert {s.live_status for s in stale.values()} == {"stale"}
    assert as_of == WORLD.end and simulated is False


def test_overlapping_spans_read_run_by_run_add_up_to_each_span_read_alone(engine):
    """The same period is a different span in each time zone: read together, the shared days
    are read once and added up per ride; every number equals the ride's span read alone."""
    seed(engine, WORLD)
    with engine.connect() as conn:
        for period in ("this-year", "last-30-days"):
            every = batch.all_period_stats(conn, RIDE, period, WORLD.end)
            assert len({(s.first_day, s.last_day) for s in every.values()}) > 1  # zones differ
            for ride_id in sorted(every)[:: max(1, len(every) // 12)]:
                alone = period_stats(conn, RIDE, [ride_id], period, WORLD.end)[ride_id]
                assert every[ride_id] == alone


def test_runs_cut_spans_where_they_differ():
    day = WORLD.end.date()
    spans = {1: (day - timedelta(days=9), day), 2: (day - timedelta(days=8), day), 3: (day, day)}
    assert spans_module._runs(spans) == {
        (day - timedelta(days=9), day - timedelta(days=9)): [1],
        (day - timedelta(days=8), day - timedelta(days=1)): [1, 2],
        (day, day): [1, 2, 3],
    }
    assert spans_module._runs({4: (day, day - timedelta(days=1))}) == {}  # an empty span
