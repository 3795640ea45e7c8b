"""Whatever the feed names a continent, park or ride, every publish succeeds and its output is
well formed: filters get their own URLs, XML parses, names cannot reorder the text around them.

The database tests publish a small seeded world (tests/seeding.py) on SQLite and on MariaDB.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update

from hallofshame import metrics, schema
from publisher import publish
from tests.seeding import World, seed
from tests.site_tree import files, links_of

NOW = World().end
CONTINENTS = (
    "All",
    "Disney Universal",
    "!!!",
    "North America",
    "north america",
    "アジア",
    "Europe " + "x" * 92,  # the column's 100 characters
    "Europe",
)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_continent_gets_its_own_stable_filter_apart_from_the_fixed_ones():
    slugs = {name: metrics.continent_slug(name) for name in CONTINENTS}
    assert slugs["North America"] == "north-america" and slugs["Europe"] == "europe"
    assert len(set(slugs.values())) == len(CONTINENTS)
    for name, found in slugs.items():
        assert found not in metrics.FILTERS and len(found) <= 60, name
        assert found.replace("-", "").isascii() and found.replace("-", "").isalnum(), found
        assert not found.startswith("-") and not found.endswith("-"), found
    assert slugs["All"].startswith("all-") and slugs["!!!"].startswith("continent-")
    assert metrics.filter_names([*CONTINENTS, None]) == [
        "all",
        "disney-universal",
        *sorted(slugs.values()),
    ]
    alone = metrics.filter_names(["north america"])[2:]
    assert alone == [slugs["north america"]]  # the same whatever other names exist
    assert metrics.park_matches(slugs["All"], None, "All")
    assert not metrics.park_matches(slugs["All"], None, "all")
    assert metrics.park_matches("all", None, "All")


def test_no_continent_name_stops_a_publish(engine, settings, tmp_path):
    """ "All" or "Disney Universal" once made every publish fail (a page written twice), and
    "!!!" wrote a dotfile with links to `//`."""
    world = World(parks=len(CONTINENTS), rides=len(CONTINENTS) * 2)
    seed(engine, world)
    with engine.begin() as conn:
        for index, name in enumerate(CONTINENTS):
            conn.execute(
                update(schema.parks).where(schema.parks.c.id == 100 + index).values(continent=name)
            )
    publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    rankings = site / "data/v1/rankings/parks/today"
    assert not [p for p in rankings.iterdir() if p.name.startswith(".")]
    everyone = {item["park_id"] for item in load(rankings / "all.json")["items"]}
    assert everyone == {100 + i for i in range(len(CONTINENTS))}
    for index, name in enumerate(CONTINENTS):
        found = metrics.continent_slug(name)
        members = [item["park_id"] for item in load(rankings / f"{found}.json")["items"]]
        assert members == [100 + index], name
        assert (site / f"rankings/rides/live/{found}/index.html").is_file()
    for page in files(site, ".html"):
        assert not [link for link in links_of(page) if "//" in link.split("://")[-1]], page
