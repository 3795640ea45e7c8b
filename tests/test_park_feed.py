"""A park's breakdowns as an Atom feed, linked from its page (a fan subscribes to "Park X
breakdowns"). On SQLite and MariaDB."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select, update

from hallofshame import schema
from hallofshame.clock import to_db
from publisher import publish
from publisher.publish import Run
from tests.seeding import HOSTILE_NAMES, World, seed

WORLD = World()
ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_park_feed_lists_its_newest_outages_and_its_page_links_it(engine, settings, tmp_path):
    seed(engine, WORLD)
    publish(engine, settings, tmp_path, WORLD.end)
    site = tmp_path / "current"
    park = json.loads((site / "data/v1/parks/100.json").read_text())
    feed = ET.fromstring((site / "parks/100/feed.xml").read_bytes())  # well-formed XML
    assert (
        feed.findtext(f"{ATOM}title")
        == f"{HOSTILE_NAMES[1]} Land breakdowns · Theme Park Hall of Shame"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    starts = [e.findtext(f"{ATOM}id").rsplit("#outage-", 1)[1] for e in entries]
    assert starts == sorted(starts, reverse=True)  # newest first
    longest = {(o["ride_id"], o["start_at"]) for o in park["longest_outages"]}
    listed = {
        (int(e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1]), s)
        for e, s in zip(entries, starts, strict=True)
    }
    assert longest <= listed  # the park's longest outages are all in it
    first = entries[0]
    assert " down for " in first.findtext(f"{ATOM}title")
    assert "(park time)" in first.findtext(f"{ATOM}summary")
    html = (site / "parks/100/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/parks/100/feed.xml"' in html
    raw = (site / "parks/100/feed.xml").read_text(encoding="utf-8")
    assert "<img" not in raw and "&lt;img src=x onerror=alert(1)&gt;" in raw


def test_a_park_feed_is_rendered_again_only_when_its_outages_move(
    engine, settings, tmp_path, monkeypatch
):
    """The feed is made from the park's outages, not its live rows: a cycle that only moves
    a ride's status renders the park's page again but carries its feed over; a new outage
    renders the feed again, with the outage in it."""
    seed(engine, WORLD)
    publish(engine, settings, tmp_path, WORLD.end)
    rendered: list[str] = []
    real = Run.render
    monkeypatch.setattr(
        Run, "render", lambda run, how, ctx: rendered.append(how) or real(run, how, ctx)
    )
    later = WORLD.end + timedelta(minutes=10)
    with engine.begin() as conn:
        at = to_db(later)
        conn.execute(schema.aggregated_cycles.insert().values(cycle_at=at, aggregated_at=at))
        conn.execute(update(schema.ride_live).values(cycle_at=at))
        conn.execute(update(schema.park_live).values(cycle_at=at))
        conn.execute(
            update(schema.ride_live).where(schema.ride_live.c.ride_id == 1001).values(status="down")
        )
    publish(engine, settings, tmp_path, later)
    assert "park.html" in rendered and "park_feed.xml" not in rendered

    rendered.clear()
    start = WORLD.end - timedelta(minutes=30)
    with engine.begin() as conn:
        park_id = conn.scalar(select(schema.rides.c.park_id).where(schema.rides.c.id == 1001))
        conn.execute(
            schema.outage_events.insert().values(
                ride_id=1001, park_id=park_id, day=start.date(), start_at=to_db(start),
                end_at=to_db(start + timedelta(minutes=20)), minutes=20,
            )
        )  # fmt: skip
    publish(engine, settings, tmp_path, later)
    assert rendered.count("park_feed.xml") == 1
    feed = (tmp_path / f"current/parks/{park_id}/feed.xml").read_text(encoding="utf-8")
    assert f"#outage-{start.strftime('%Y-%m-%dT%H:%M:%S')}Z" in feed
