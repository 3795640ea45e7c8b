"""A park's breakdowns as an Atom feed, linked from its page (a fan subscribes to "Park X
breakdowns"). On SQLite and MariaDB."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from publisher import publish
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
