"""Whatever the feed names a continent, park or ride, every publish succeeds and its output is
well formed: filters get their own URLs, XML parses, names cannot reorder the text around them.

The database tests publish a small seeded world (tests/seeding.py) on SQLite and on MariaDB.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import update

from hallofshame import metrics, schema
from publisher import publish, render
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
    "آسيا",  # Asia, in Arabic: right-to-left
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


def test_a_continent_filter_is_labelled_with_the_continents_own_name(engine, settings, tmp_path):
    """The label is the name as the feed gives it ("All", not the slug's "All 1A2B3C4D"), a
    right-to-left one isolated like every name; the URL keeps the slug and its hash."""
    world = World(parks=len(CONTINENTS), rides=len(CONTINENTS) * 2)
    seed(engine, world)
    with engine.begin() as conn:
        for index, name in enumerate(CONTINENTS):
            conn.execute(
                update(schema.parks).where(schema.parks.c.id == 100 + index).values(continent=name)
            )
    publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    index = (site / "rankings/index.html").read_text(encoding="utf-8")
    for name in CONTINENTS:
        found = metrics.continent_slug(name)
        shown = html.escape(name)
        if name == CONTINENTS[-1]:
            shown = f"\u2068{shown}\u2069"
        assert f'<a href="/rankings/parks/today/{found}/">{shown}</a>' in index, name
        page = (site / f"rankings/parks/today/{found}/index.html").read_text(encoding="utf-8")
        assert f'<strong aria-current="page">{shown}</strong>' in page, name
    found = metrics.continent_slug("All")
    assert re.fullmatch("all-[0-9a-f]{8}", found)
    page = (site / f"rankings/rides/last-7-days/{found}/index.html").read_text(encoding="utf-8")
    assert "<title>Rides: Last 7 days (All)" in page
    catalog = load(site / "data/v1/catalog.json")["files"]
    titles = {f["url"]: f["title"] for f in catalog}
    assert titles[f"/data/v1/rankings/parks/today/{found}.json"] == "Parks: Today (All), JSON"


CONTROL_PARK = "Park\x00One\x01Land\x0b"
CONTROL_RIDE = "Ride\x0bTwo\x1f\ufffe"
OVERRIDE_PARK = "Evil\u202eLand"
OVERRIDE_RIDE = "\u202bWide\u202eRide"
ISOLATED = re.compile("\u2068[^\u2068\u2069<>]*\u2069")
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def rename(engine, parks: dict[int, str], rides: dict[int, str]) -> None:
    with engine.begin() as conn:
        for park_id, name in parks.items():
            conn.execute(update(schema.parks).where(schema.parks.c.id == park_id).values(name=name))
        for ride_id, name in rides.items():
            conn.execute(update(schema.rides).where(schema.rides.c.id == ride_id).values(name=name))


def test_every_xml_the_site_writes_parses_whatever_the_names(engine, settings, tmp_path):
    """U+0000, U+0001, U+000B... (which the feed validator accepts) made awards/feed.xml not
    well-formed. Pages, feed and sitemap show U+FFFD in their place; JSON keeps the names."""
    seed(engine, World(parks=1, rides=8))  # the one park wins the awards: it is in the feed
    rename(engine, {100: CONTROL_PARK}, {1000: CONTROL_RIDE, 1001: CONTROL_RIDE})
    publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    feed = ElementTree.parse(site / "awards/feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert titles and all("Park\ufffdOne\ufffdLand\ufffd" in t for t in titles)
    assert ElementTree.parse(site / "sitemap.xml").getroot()
    figures = 0
    for page in files(site, ".html"):
        text = page.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), page
        for svg in re.findall(r"<svg .*?</svg>", text, re.DOTALL):
            ElementTree.fromstring(svg)
            figures += 1
    assert figures > 10
    assert "Ride\ufffdTwo\ufffd\ufffd" in (site / "rides/1000/index.html").read_text()
    assert load(site / "data/v1/rides/1000.json")["ride"]["name"] == CONTROL_RIDE
    assert load(site / "data/v1/parks/100.json")["park"]["name"] == CONTROL_PARK


FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_a_right_to_left_override_in_a_name_reverses_nothing_around_it(engine, settings, tmp_path):
    """U+202E in a name reversed the rest of the <title> and of table cells: every name is
    isolated (U+2068 ... U+2069) wherever it is printed, so no bidi control reaches past it."""
    seed(engine, World(parks=1, rides=8))
    rename(engine, {100: OVERRIDE_PARK}, {1000: OVERRIDE_RIDE})
    publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    checked = 0
    for page in [*files(site, ".html"), site / "awards/feed.xml"]:
        text = page.read_text(encoding="utf-8")
        if "\u202e" in text:
            assert not BIDI_CONTROLS.search(ISOLATED.sub("", text)), page
            checked += 1
    assert checked > 20
    ride = (site / "rides/1000/index.html").read_text(encoding="utf-8")
    title = re.search("<title>(.*?)</title>", ride, re.DOTALL).group(1)
    assert title.startswith(f"\u2068{OVERRIDE_RIDE}\u2069 at \u2068{OVERRIDE_PARK}\u2069: ")
    assert f"<h1>\u2068{OVERRIDE_RIDE}\u2069</h1>" in ride
    assert f'-t">Daily uptime of \u2068{OVERRIDE_RIDE}\u2069, ' in ride  # the chart's title
    assert load(site / "data/v1/rides/1000.json")["ride"]["name"] == OVERRIDE_RIDE


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII <p>",
        "Café · Ride – 5 %",
        "a\x00null, a\x0bvertical tab and a\x1funit separator; tab\t, LF\n and CR\r stay",
        "a lone surrogate \ud800 and \udfff",
        "noncharacters \ufffe and \uffff, U+FFFD \ufffd and U+FFFC \ufffc",
        "\u202eright-to-left override\u202c and \U0001f3a2",
    ],
)
def test_a_page_is_encoded_with_each_forbidden_xml_character_replaced(text) -> None:
    """The fast check of a rendered page's bytes replaces what the character search did."""
    assert render.xml_bytes(text) == render.xml_chars(text).encode("utf-8")
    assert b"\xef\xbf\xbd" in render.xml_bytes(text) or not render.XML_FORBIDDEN.search(text)
