"""A ride at the latest cycle, said the same way everywhere: the rides of a closed park are
"closed (park closed)" in its park's file and page and in the rankings, never "unknown", and
show a posted wait only while open (at night a feed goes quiet or stale)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import select, update

from hallofshame import schema
from publisher import publish
from tests.seeding import World, seed
from tests.site_tree import ranking_rows
from tests.test_fields import validator

WORLD = World()
PARK = 101  # closed for the night at the latest cycle
STILL_OPEN = 1  # its rides seen open at that cycle: the rest read "unknown" or "closed"


def close_for_the_night(engine) -> list[int]:
    """Park 101 closed at the latest cycle; its rides' feed stale (unknown, a posted 0), but
    one ride still seen open with a wait. Returns the park's ride ids, the open one first."""
    rl = schema.ride_live
    with engine.begin() as conn:
        conn.execute(
            update(schema.park_live)
            .where(schema.park_live.c.park_id == PARK)
            .values(is_open=False, rides_open=0, rides_down=0, weighted_down=0)
        )
        ids = sorted(conn.execute(select(rl.c.ride_id).where(rl.c.park_id == PARK)).scalars())
        conn.execute(update(rl).where(rl.c.park_id == PARK).values(status="unknown", wait_time=0))
        conn.execute(update(rl).where(rl.c.ride_id == ids[0]).values(status="open", wait_time=15))
        conn.execute(update(rl).where(rl.c.ride_id == ids[1]).values(status="closed"))
    return ids


def published(engine, settings, tmp_path: Path) -> tuple[Path, list[int]]:
    seed(engine, WORLD)
    ids = close_for_the_night(engine)
    publish(engine, settings, tmp_path / "docroot", WORLD.end)
    return tmp_path / "docroot" / "current", ids


def test_a_closed_parks_rides_are_closed_in_every_file(engine, settings, tmp_path):
    site, ids = published(engine, settings, tmp_path)
    park = json.loads((site / f"data/v1/parks/{PARK}.json").read_text())
    validator("park").validate(park)
    assert park["live"]["status"] == "closed"
    rows = {r["ride_id"]: r for r in park["rides"]}
    assert {rows[i]["status"] for i in ids[STILL_OPEN:]} == {"closed"}
    assert all(rows[i]["park_closed"] for i in ids)
    assert {rows[i]["wait_time"] for i in ids[STILL_OPEN:]} == {None}  # no wait: not open
    assert (rows[ids[0]]["status"], rows[ids[0]]["wait_time"]) == ("open", 15)  # seen open
    others = [
        r
        for p in (100, 102)
        for r in json.loads((site / f"data/v1/parks/{p}.json").read_text())["rides"]
    ]
    assert not any(r["park_closed"] for r in others)
    for level_file in ("rankings/rides/today/all", "rankings/rides/live/all"):
        ranking = json.loads((site / f"data/v1/{level_file}.json").read_text())
        validator("ranking").validate(ranking)
        items = {i["ride_id"]: i for i in ranking["items"] if i["park_id"] == PARK}
        assert items and all(items[i]["status"] == rows[i]["status"] for i in items)
        assert all(i["park_closed"] for i in items.values())
    text = (site / "data/v1/rankings/rides/today/all.csv").read_text()
    lines = list(csv.DictReader(io.StringIO(text)))
    assert {(r["status"], r["park_closed"]) for r in lines if r["park_id"] == str(PARK)} <= {
        ("closed", "true"),
        ("open", "true"),
    }
    assert {r["park_closed"] for r in lines if r["park_id"] != str(PARK)} == {"false"}


def test_a_closed_parks_rides_read_closed_on_the_pages(engine, settings, tmp_path):
    site, ids = published(engine, settings, tmp_path)
    rows = ranking_rows(site / "rankings/rides/today/all/index.html")
    mine = [r for r in rows if int(r["id"]) in ids[STILL_OPEN:]]
    assert mine and {r["status"] for r in mine} == {"Closed(park closed)"}
    assert not any("park closed" in r["status"] for r in rows if int(r["id"]) not in ids)
    page = (site / f"parks/{PARK}/index.html").read_text(encoding="utf-8")
    assert page.count("(park closed)</span>") == len(ids) - STILL_OPEN
    assert "Unknown" not in page.split('id="rides-table"')[1].split("</table>")[0]
