"""One ranking order (`metrics.worst_first`): the site, its data files, the park pages, the
`reader` rankings and the demo's printout list parks and rides in the same order, ties
included."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from demo import ranking_lines
from hallofshame import metrics, schema
from publisher import publish
from reader import rank_parks, rank_rides
from tests.seeding import World, seed

WORLD = World(parks=4, rides=32, hostile=False)
NOW = WORLD.end
TIED = (101, 103)  # London, Paris: 103 gets 101's days, so only the id breaks the tie


@dataclass(frozen=True)
class Place:
    id: int
    shame_score: float | None


def test_worst_first_highest_score_first_ties_by_id_no_data_left_out():
    places = [Place(5, 1.0), Place(2, None), Place(3, 4.5), Place(1, 1.0), Place(4, 0.0)]
    assert [p.id for p in metrics.worst_first(places)] == [3, 1, 5, 4]
    assert metrics.worst_first([]) == []


@pytest.fixture
def site(engine, settings, tmp_path) -> Path:
    seed(engine, WORLD)
    d = schema.park_daily
    with engine.begin() as conn:
        rows = conn.execute(select(d).where(d.c.park_id == TIED[0])).mappings().all()
        conn.execute(d.delete().where(d.c.park_id == TIED[1]))
        conn.execute(d.insert(), [{**row, "park_id": TIED[1]} for row in rows])
    publish(engine, settings, tmp_path / "docroot", NOW)
    return tmp_path / "docroot" / "current" / "data" / "v1"


def published_order(data: Path, level: str, period: str, filter_name: str) -> list[int]:
    path = data / "rankings" / level / period / f"{filter_name}.json"
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    key = "park_id" if level == "parks" else "ride_id"
    return [item[key] for item in items if item["rank"] is not None]


@pytest.mark.parametrize("period", ["last-7-days", "yesterday", "today", "live"])
def test_the_site_the_reader_and_the_demo_rank_parks_alike(site, engine, period):
    with engine.connect() as conn:
        ranked = rank_parks(conn, period, NOW, "all")
        europe = rank_parks(conn, period, NOW, "europe")
        names = dict(conn.execute(select(schema.parks.c.id, schema.parks.c.name)).all())
    order = [s.id for s in ranked]
    assert order, "the seeded world ranks some park"
    assert published_order(site, "parks", period, "all") == order
    assert published_order(site, "parks", period, "europe") == [s.id for s in europe]
    printed = ranking_lines(engine, period, NOW, top=len(names))[1:]
    shown = [line.split(". ", 1)[1].split(":")[0] for line in printed]
    assert shown == [f"{names[i]} (park {i})" for i in order]  # each park's id beside its name
    if period == "last-7-days":  # the tie: equal scores, the lower id first
        (first, second) = (order.index(i) for i in TIED)
        assert second == first + 1 and ranked[first].shame_score == ranked[second].shame_score


@pytest.mark.parametrize("period", ["last-7-days", "last-30-days", "today"])
def test_the_site_the_reader_and_park_pages_rank_rides_alike(site, engine, period):
    with engine.connect() as conn:
        ranked = rank_rides(conn, period, NOW, "all")
    order = [s.id for s in ranked]
    assert order and published_order(site, "rides", period, "all") == order
    if period != "last-30-days":
        return
    for park_id in range(100, 100 + WORLD.parks):  # a park page's worst rides: its own, in order
        page = json.loads((site / "parks" / f"{park_id}.json").read_text(encoding="utf-8"))
        worst = [r["ride_id"] for r in page["worst_rides"]]
        own = [s.id for s in ranked if s.id in {r["ride_id"] for r in page["rides"]}]
        assert worst and worst == own[: len(worst)]
