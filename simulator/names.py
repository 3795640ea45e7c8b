"""Name pools for the simulated world.

The names carry the real feed's awkward habits on purpose (trademarks, curly quotes, stray
spaces, markup, names repeated across parks), so the code that reads them meets those habits in
tests and demos. Kinds must agree with the project's name patterns
(`hallofshame/data/ride_kinds.txt`): a `ride` name never contains a word such as "show",
"station", "play" or "isle".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """Where a park can be: the feed's country and continent names, and a rough position."""

    timezone: str
    country: str
    continent: str
    latitude: float
    longitude: float
    weight: int  # how common parks are there (the real feed is mostly US and Europe)


# West to east, Los Angeles to Tokyo; the first parks take these in order so any world of nine
# or more parks spans every offset.
PLACES = (
    Place("America/Los_Angeles", "United States", "North America", 33.81, -117.92, 12),
    Place("America/Chicago", "United States", "North America", 32.76, -97.07, 12),
    Place("America/New_York", "United States", "North America", 28.42, -81.58, 30),
    Place("America/Sao_Paulo", "Brazil", "South America", -23.10, -47.02, 2),
    Place("Europe/London", "United Kingdom", "Europe", 51.40, -0.51, 7),
    Place("Europe/Paris", "France", "Europe", 48.87, 2.78, 8),
    Place("Europe/Berlin", "Germany", "Europe", 48.27, 7.72, 10),
    Place("Asia/Shanghai", "China", "Asia", 31.14, 121.66, 3),
    Place("Asia/Tokyo", "Japan", "Asia", 35.63, 139.88, 5),
    Place("America/Toronto", "Canada", "North America", 43.84, -79.54, 3),
    Place("Europe/Madrid", "Spain", "Europe", 41.09, 1.15, 4),
)

# (group id, group name). The first two always get the first two parks.
GROUPS = (
    (2, "Walt Disney Attractions"),
    (1, "Universal Parks & Resorts"),
    (11, "Cedar Fair Entertainment Company"),
    (3, "Six Flags Entertainment Corporation"),
    (4, "Merlin Entertainments"),
    (5, "SeaWorld Parks & Entertainment"),
    (6, "Compagnie des Alpes"),
    (7, "Parques Reunidos"),
    (8, "Looping Group"),
    (9, "Other"),
)

PARK_FIRST = (
    "Thunder",
    "Silver",
    "Golden",
    "Enchanted",
    "Pirate",
    "Dragon",
    "Mystic",
    "Wild",
    "Sunset",
    "Starlight",
    "Frontier",
    "Crystal",
    "Adventure",
    "Harbor",
    "Kings",
    "Lake",
    "Canyon",
    "Emerald",
    "Liberty",
    "Coral",
    "Maple",
    "Aurora",
    "Cascade",
    "Royal",
    "Sapphire",
    "Eagle",
    "Lucky",
)
PARK_SECOND = (
    "Kingdom",
    "Park",
    "World",
    "Land",
    "Valley",
    "Gardens",
    "Resort",
    "Adventure Park",
    "Fun Park",
    "Studios",
    "Pleasure Beach",
    "Mountain Park",
    "Coast",
)

LANDS = (
    "Adventureland",
    "Frontierland",
    "Fantasyland",
    "Tomorrowland",
    "Discoveryland",
    "Main Street, U.S.A.",
    "Toon Town",
    "Wild West",
    "Pirate Cove",
    "Kiddie Kingdom",
    "Future World",
    "Hollywood Boulevard",
    "Sunset Boulevard",
    "The Wizarding World",
    "Seuss Landing",
    "Jurassic Coast",
    "Marvel Super Hero Island",
    "Asia",
    "Africa",
    "Pandora",
)

RIDE_FIRST = (
    "Big Thunder",
    "Space",
    "Dragon",
    "Pirate",
    "Jungle",
    "Haunted",
    "Wild",
    "Runaway",
    "Mystic",
    "Galactic",
    "Frontier",
    "Rocket",
    "Cosmic",
    "Storm",
    "Viking",
    "Timber",
    "Goliath",
    "Phantom",
    "Crystal",
    "Raging",
    "Mine Train",
    "Sky",
)
RIDE_SECOND = (
    "Mountain",
    "Coaster",
    "Flyer",
    "Rapids",
    "Mansion",
    "Cruise",
    "Drop",
    "Spinner",
    "Express",
    "Voyage",
    "Falls",
    "Racers",
    "Carousel",
    "Tea Cups",
    "Log Flume",
    "Odyssey",
    "Twister",
)

# Real-looking names with the feed's quirks. The first ones go to the first parks, so a default
# world always contains the markup, the curly quotes and the trailing space.
SPECIAL_RIDES = (
    "<script>alert(1)</script> Coaster",
    '<b>Blast</b> & "Zap"',
    "“it’s a small world”",
    "Indiana Jones™ and the Temple of Peril",
    "Space Mountain ",
    "Test Track™ Presented by Chevrolet®",
    "Soarin’ Around the World®",
    "Autopia, presented by Avis",
    "  Dumbo the Flying Elephant",
    "Peter Pan's Flight",
    "Pirates of the Caribbean",
    "Big Thunder Mountain",
    "Buzz Lightyear Laser Blast",
    "The Twilight Zone Tower of Terror™",
    "Rock ’n’ Roller Coaster Starring Aerosmith",
    "Star Wars: Rise of the Resistance",
    "Mickey & Minnie's Runaway Railway",
    "Guardians of the Galaxy: Cosmic Rewind",
)

# "Other" kinds: (category, names). Categories also decide waits and opening patterns.
SHOWS = (
    "Festival of the Lion King",
    "Mickey's PhilharMagic",
    "Frozen Sing-Along Celebration",
    "Stunt Show Spectacular",
    "Enchanted Tiki Room",
    "Dolphin Show",
    "Fireworks Spectacular",
    "Disney and Pixar Short Film Festival",
)
MEET_AND_GREETS = (
    "Meet Mickey Mouse",
    "Meet Minnie Mouse",
    "Meet Elsa and Anna",
    "Meet Spider-Man",
    "Meet the Minions",
    "Meet Princess Tiana",
)
PARADES = ("Main Street Electrical Parade", "Festival of Fantasy Parade", "Carnival Parade")
STATIONS = (
    "Main Street Station",
    "Frontierland Station",
    "Fantasyland Station",
    "Disneyland Railroad Discoveryland Station",
)
PLAY_AREAS = ("Pirates' Beach", "Kids Play Area", "Treehouse Playground", "Adventure Isle")

OTHER_POOLS = {
    "show": SHOWS,
    "meet": MEET_AND_GREETS,
    "parade": PARADES,
    "station": STATIONS,
    "play": PLAY_AREAS,
}

TRADEMARKS = ("™", "®")


def single_rider_name(ride_name: str) -> str:
    """The feed names a single-rider line after its ride, without the trademark signs."""
    plain = ride_name
    for mark in TRADEMARKS:
        plain = plain.replace(mark, "")
    return f"{plain.strip()} Single Rider"
