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
# (five Disney parks and Gardaland, 177 names): shows, meet-and-greets, play areas, walk-throughs,
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
        # Gardaland (Italy): a monorail, a park train, a little train, a cinema, a maze, a
        # tree house, a pirate island, a house and two areas
        "Cinema 4D Experience:  Prezzemolo and the Mystery of the Hidden Worlds",
        "Jumanji The Labyrinth",
        "L'Albero di Prezzemolo",
        "Monorotaia",
        "Peppa Pig Land - Il Trenino di Nonno Pig",
        "Peppa Pig Land - L'isola dei Pirati",
        "Peppa Pig Land - La Casa di Peppa Pig",
        "Prezzemolo Land",
        "Prezzemolo Magic Village",
        "Transgardaland Express",
    },
}

# ... and every other real name there is a ride, by name (Gardaland's included).
FIXTURE_RIDES = {
    '"it\'s a small world"',
    "Alice's Tea Party",
    "Alien Swirling Saucers",
    "Animal Treasure Island",
    "Autopia, presented by Avis",
    "Avengers Assemble: Flight Force",
    "Awesome Planet",
    "Baby Pilota",
    "Baby Tour",
    "Beaver Brothers Explorer Canoes",
    "Big Thunder Mountain",
    "Blanche-Neige et les Sept Nains®",
    "Blue Tornado",
    "Buzz Lightyear Laser Blast",
    "Cars Quatre Roues Rallye",
    "Cars ROAD TRIP",
    "Casey Jr. – le Petit Train du Cirque",
    "Castle Carrousel",
    "Colorado Boat",
    "Crush's Coaster",
    "Doremifarm",
    "Dragon Rush",
    "Dumbo The Flying Elephant",
    "Dumbo the Flying Elephant",
    "Enchanted Tale of Beauty and the Beast",
    "Flying Island",
    "Frozen Ever After",
    "Fuga da Atlantide",
    "Funny Express",
    "Gadget's Go Coaster",
    "Giostra Cavalli",
    "Gran Fiesta Tour Starring The Three Caballeros",
    "Guardians of the Galaxy: Cosmic Rewind",
    "Haunted Mansion",
    "Indiana Jones™ and the Temple of Peril",
    "Journey Into Imagination With Figment",
    "Journey of Water, Inspired by Moana",
    "Jumanji - The Adventure",
    "Jungle Cruise: Wildlife Expeditions",
    "Jungle Rapids",
    "Le Carrousel de Lancelot ",
    "Les Mystères du Nautilus",
    "Les Tapis Volants - Flying Carpets Over Agrabah®",
    "Les Voyages de Pinocchio",
    "Lightning McQueen's Racing Academy",
    "Living with the Land",
    "Mad Hatter's Tea Cups",
    "Magic House",
    "Mammut",
    "Mark Twain Riverboat",
    "Mickey & Minnie's Runaway Railway",
    "Millennium Falcon: Smugglers Run",
    "Mission: SPACE",
    "Monsters, Inc. Ride & Go Seek!",
    "Oblivion The Black Hole",
    "Orbitron®",
    "Ortobruco Tour",
    "Peppa Pig Land - La Mongolfiera di Peppa Pig",
    "Peter Pan",
    "Peter Pan's Flight",
    "Phantom Manor",
    "Pinocchio's Daring Journey",
    "Pirate Galleon",
    "Pirates of the Caribbean",
    "Pooh's Hunny Hunt",
    "RC Racer",
    "Raptor",
    "Ratatouille: The Adventure",
    "Remy's Ratatouille Adventure",
    "River Rogue Keelboats",
    "Rock 'n' Roller Coaster Starring Aerosmith",
    "Rock'n'Roller Coaster starring Aerosmith",
    "Rocket Factory",
    "Roger Rabbit's Car Toon Spin",
    "Shaman",
    "Slinky Dog Dash",
    "Slinky® Dog Zigzag Spin",
    "Snow White's Adventures",
    "Soarin' Over California",
    "Space Vertigo",
    "Spaceship Earth",
    "Spider-Man W.E.B. Adventure",
    "Splash Mountain",
    "Star Tours – The Adventures Continue",
    "Star Tours: The Adventures Continue",
    "Star Tours: The Adventures Continue*",
    "Star Wars Hyperspace Mountain",
    "Star Wars: Rise of the Resistance",
    "Superbaby",
    "Test Track",
    "The Happy Ride with Baymax",
    "The Seas with Nemo & Friends",
    "The Twilight Zone Tower of Terror",
    "The Twilight Zone Tower of Terror™",
    "Tom Sawyer Island Rafts",
    "Toy Soldiers Parachute Drop",
    "Toy Story Mania!",
    "Volaplano",
    "Wolf Legend",
    "“it’s a small world with Groot”",
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
    """Every real name in the fixtures has the kind written out above: each listed name is
    there, and each name there is listed once, under its kind."""
    names = fixture_names()
    assert len(names) == 177
    expected = {name: kind for kind, listed in FIXTURE_NON_RIDES.items() for name in listed}
    expected |= {name: "ride" for name in FIXTURE_RIDES}
    assert len(expected) == len(FIXTURE_RIDES) + sum(map(len, FIXTURE_NON_RIDES.values()))
    assert {name: kind_from_name(name) for name in names} == expected


@pytest.mark.parametrize(
    "name",
    [
        "Monorotaia",
        "Transgardaland Express",
        "Prezzemolo Land",
        "L'Albero di Prezzemolo",
    ],
)
def test_gardaland_transport_areas_and_tree_house_are_not_rides(name):
    assert kind_from_name(name) == "other"


@pytest.mark.parametrize(
    "name",
    [
        "In The Night Garden Magical Boat Ride",  # Alton Towers: "garden", and a boat ride
        "Garden Coaster",
        "Wildwasserbahn im Märchengarten",
        "Jardin Rapids",
        "Showboat Flume",
        "Living with the Land",  # Epcot's boat ride, not an area named "... Land"
    ],
)
def test_a_name_that_says_it_is_a_ride_stays_a_ride(name):
    assert kind_from_name(name) == "ride"


# Shows, parades, meet-and-greets, play areas, gardens, walk-throughs, stations, monorails,
# railways, cable cars and chair lifts, in the languages of the parks Queue-Times lists.
NAMES_IN_THEIR_LANGUAGE = {
    "fr": [
        "Spectacle du Roi Lion",
        "La Grande Parade",
        "Rencontre avec Gaston",
        "Aire de jeux des Pirates",
        "Les Jardins de Alice",
        "Labyrinthe des Marais",
        "Gare de Fantasia",
        "Le Monorail",
        "Chemin de fer du Far West",
        "Téléphérique du Mont",
        "Télésiège",
    ],
    "de": [
        "Piratenshow im Theater",
        "Sommerparade",
        "Triff die Maus",
        "Spielplatz am See",
        "Märchengarten",
        "Irrgarten",
        "Bahnhof Nord",
        "Einschienenbahn",
        "Parkeisenbahn",
        "Gondelbahn",
        "Sessellift",
    ],
    "nl": [
        "Voorstelling in het Theater",
        "Optocht",
        "Ontmoet Sinterklaas",
        "Speeltuin De Bengel",
        "Sprookjesbos",
        "Doolhof",
        "Station Oost",
        "Monorail",
        "Stoomtrein",
        "Kabelbaan",
        "Stoeltjeslift",
    ],
    "es": [
        "Espectáculo de Piratas",
        "Desfile de Carnaval",
        "Encuentro con Woody",
        "Zona de juegos Tiki",
        "Jardines del Sultán",
        "Laberinto del Minotauro",
        "Estación del Oeste",
        "Monorraíl",
        "Ferrocarril del Oeste",
        "Teleférico",
        "Telesilla",
    ],
    "it": [
        "Spettacolo dei Pirati",
        "Parata di Natale",
        "Incontra Prezzemolo",
        "Area giochi dei Bimbi",
        "Giardino Incantato",
        "Labirinto Magico",
        "Stazione Centrale",
        "Monorotaia",
        "Ferrovia del Lago",
        "Funivia",
        "Seggiovia",
    ],
    "da": [
        "Forestilling i Pantomimeteatret",
        "Parade",
        "Mød Julemanden",
        "Legeplads",
        "Haven og Trädgård",
        "Labyrint",
        "Station",
        "Monorail",
        "Veteranjernbane",
        "Svævebane",
        "Stolelift",
    ],
    "sv": [
        "Föreställning på scenen",
        "Parad",
        "Träffa Pippi",
        "Lekplats",
        "Trädgård",
        "Labyrint",
        "Hållplats Syd",
        "Monorail",
        "Järnväg",
        "Linbana",
        "Stollift",
    ],
    "pl": [
        "Pokaz Iluzji",
        "Parada Bajek",
        "Spotkanie z Smokiem",
        "Plac zabaw",
        "Ogród Dinozaurów",
        "Labirynt",
        "Stacja Zachód",
        "Monorail",
        "Kolej Parkowa",
        "Kolej linowa",
        "Wyciąg krzesełkowy",
    ],
    "ja": [
        "Harbour Show",
        "Electrical Parade Dreamlights",
        "Mickey Greeting",
        "Kids Asobiba",
        "Nihon Teien",
        "Meiro",
        "Chuo Eki",
        "Monorēru",
        "Tetsudō",
        "Ropeway",
        "Chair Lift",
    ],
}


@pytest.mark.parametrize(
    "name", [name for names in NAMES_IN_THEIR_LANGUAGE.values() for name in names]
)
def test_non_rides_in_the_parks_languages_are_not_rides(name):
    assert kind_from_name(name) == "other"


@pytest.mark.parametrize(
    "name",
    [
        "Montagnes Russes du Far West",
        "Wilde Achterbahn",
        "Montaña Rusa",
        "Rutschebanen",
        "Berg- och dalbanan",
        "Kolejka górska Zadra",
        "Jetto Kōsutā Coaster",
        "Funny Express",  # a train on its own is a ride; a park-crossing express is not
        "Tom Sawyer Island Rafts",
    ],
)
def test_rides_in_the_parks_languages_stay_rides(name):
    assert kind_from_name(name) == "ride"
