"""Ride kinds: one pattern file, an override file that beats it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hallofshame.kinds import KindRules, OverrideFileError, kind_from_name, read_overrides
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Star Wars Hyperspace Mountain", "ride"),
        ("Star Wars Hyperspace Mountain Single Rider", "single_rider"),
        ("Test Track Presented by Chevrolet Single Rider", "single_rider"),
        ("Meet Mickey Mouse", "other"),
        ("Indiana Jones™ Epic Stunt Spectacular!", "other"),
        ("Disneyland Railroad Main Street Station", "other"),
        ("Frontierland Playground", "other"),
        ("For the First Time in Forever: A Frozen Sing-Along Celebration", "other"),
        ("Big Thunder Mountain", "ride"),
        ("“it’s a small world with Groot”", "ride"),
        ("Le Carrousel de Lancelot ", "ride"),
    ],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_override_beats_pattern(tmp_path):
    path = tmp_path / "kinds.csv"
    path.write_text("# comment\npark_id,ride_id,kind\n4,99,ride\n")
    rules = KindRules.from_file(path)
    assert rules.kind(4, 99, "Meet Mickey Mouse") == "ride"
    assert rules.kind(5, 99, "Meet Mickey Mouse") == "other"


@pytest.mark.parametrize(
    "body", ["park_id,ride_id,kind\n4,x,ride\n", "park_id,ride_id,kind\n4,9,coaster\n"]
)
def test_a_bad_override_line_names_file_and_line(tmp_path, body):
    path = tmp_path / "kinds.csv"
    path.write_text(body)
    with pytest.raises(OverrideFileError, match=r"kinds\.csv:2"):
        read_overrides(path, "kind", {"ride", "other", "single_rider"})


def test_the_shipped_override_files_are_valid():
    assert (
        read_overrides(
            ROOT / "config/ride_kind_overrides.csv", "kind", {"ride", "other", "single_rider"}
        )
        == {}
    )
    assert read_overrides(ROOT / "config/ride_tier_overrides.csv", "tier", {"1", "2", "3"}) == {}


@pytest.mark.parametrize(
    "name",
    [
        "Alton Towers Gardens",
        "The Gardens",
        "Sharkbait Reef by SEA LIFE",
        "SEA LIFE Centre",
        "Aquarium",
        "Skyride",
        "Sky Ride (Towers Station)",
        "Skyway",
        "Cable Car - X-Sector to Forbidden Valley",
        "Chair Lift",
        "Monorail",
        "Disneyland Railroad",
        "Steam Railway",
        "Midway Games",
        "Carnival Games",
        "Hook-a-Duck",
    ],
)
def test_gardens_aquariums_transport_and_games_are_not_rides(name):
    assert kind_from_name(name) == "other"


@pytest.mark.parametrize(
    "name",
    [
        "Runaway Mine Train",
        "Mickey & Minnie's Runaway Railway",
        "Derren Brown's Ghost Train",
        "Casey Jr. – le Petit Train du Cirque",
        "The Seas with Nemo & Friends",
        "Toy Story Mania!",
        "Game of Thrones: Iron Throne",
        "Sky Scream",
        "Gondoletta",
    ],
)
def test_real_rides_near_those_names_stay_rides(name):
    assert kind_from_name(name) == "ride"


# Every name the patterns do not rank, among the real documents in tests/fixtures/queue_times/
# (five Disney parks, 141 names): shows, meet-and-greets, play areas, walk-throughs,
# stations, railways and single-rider lines. Every other name there is a ride.
FIXTURE_NON_RIDES = {
    "single_rider": {
        "Avengers Assemble: Flight Force Single Rider",
        "Crush's Coaster Single Rider",
        "Indiana Jones and the Temple of Peril Single Rider",
        "Millennium Falcon: Smugglers Run Single Rider",
        "RC Racer Single Rider",
        "Ratatouille: The Adventure Single Rider",
        "Remy's Ratatouille Adventure Single Rider",
        "Rock 'n' Roller Coaster Starring Aerosmith Single Rider",
        "Spider-Man W.E.B. Adventure Single Rider",
        "Star Wars Hyperspace Mountain Single Rider",
        "Test Track Presented by Chevrolet Single Rider",
        "Toy Soldiers Parachute Drop Single Rider",
    },
    "other": {
        "Adventure Isle",
        "Alice's Curious Labyrinth",
        "Armageddon : les Effets Spéciaux",
        "Art of Disney Animation",
        "Beauty & The Beast Live on Stage",
        "Canada Far and Wide in Circle-Vision 360",
        "Chip 'n Dale's Treehouse",
        "Cinderella's Fairy Tale Hall",
        "Country Bear Theater",
        "Disney Junior Play and Dance!",
        "Disney and Pixar Short Film Festival",
        "Disneyland Railroad",
        "Disneyland Railroad Discoveryland Station",
        "Disneyland Railroad Fantasyland Station",
        "Disneyland Railroad Frontierland Depot",
        "Disneyland Railroad Main Street Station",
        "Donald's Boat",
        "For the First Time in Forever: A Frozen Sing-Along Celebration",
        "Frontierland Playground",
        "Goofy's Paint 'n' Play House",
        "Indiana Jones™ Epic Stunt Spectacular!",
        "La Cabane des Robinson",
        "La Tanière du Dragon",
        "Le Passage Enchanté d'Aladdin",
        "Le Pays des Contes de Fées",
        "Main Street Vehicles",
        "Meet Anna and Elsa at Royal Sommerhus",
        "Meet Disney Stars at Red Carpet Dreams",
        "Meet Mickey Mouse",
        "Meet Olaf at Celebrity Spotlight",
        "Meet Spider Man",
        "Meet Sulley at Walt Disney Presents",
        "Mickey's PhilharMagic",
        "Mickey’s PhilharMagic",
        "Minnie's House",
        "Muppet*Vision 3D",
        "Omnibus",
        "Penny Arcade",
        "Pirates' Beach",
        "Princess Pavilion",
        "Rustler Roundup Shootin' Gallery",
        "Stitch Encounter",
        "Swiss Family Treehouse",
        "The Enchanted Tiki Room: Stitch Presents “Aloha E Komo Mai!”",
        "Thunder Mesa Riverboat Landing",
        "Toon Park",
        "Turtle Talk With Crush",
        "Vacation Fun - An Original Animated Short with Mickey & Minnie",
        "Walt Disney Presents",
        "Welcome to Starport: A Star Wars Encounter",
        "Western River Railroad",
        "Westernland Shootin' Gallery",
    },
}


def fixture_names() -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*queue_times*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        lands = document.get("lands") or []
        names += [r["name"] for land in lands for r in land["rides"]]
        names += [r["name"] for r in document.get("rides") or []]
    return names


def test_the_real_names_in_the_fixtures_classify_as_listed():
    """Every non-ride among the real names is listed above, and every listed name is there;
    real rides near the new patterns (Runaway Railway, Casey Jr.'s train) stay rides."""
    names = fixture_names()
    assert len(names) == 141
    found: dict[str, set[str]] = {"single_rider": set(), "other": set()}
    for name in names:
        kind = kind_from_name(name)
        if kind != "ride":
            found[kind].add(name)
    assert found == FIXTURE_NON_RIDES
    rides = {name for name in names if kind_from_name(name) == "ride"}
    assert {"Mickey & Minnie's Runaway Railway", "Big Thunder Mountain", "Test Track"} <= rides
    assert "Casey Jr. – le Petit Train du Cirque" in rides
