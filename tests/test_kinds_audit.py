"""Auditing kinds: `hallofshame kinds` says what decided each ride's kind, and the data-quality
report names rides no pattern classified that look like non-rides. On both databases.

Park 30 (Europe/Paris), 41 cycles 10 minutes apart from 10:00 local on 2026-07-04 (marks: see
tests/scenario.py): rides 1-3 open with moving waits; ride 4 ("Lagoon Walk") never open; ride 5
("Magic Circle") open with a posted 0 wait at every cycle; ride 6 ("Pirate Show") never open,
but a pattern classifies it; ride 7 ("Monorotaia") open, a pattern makes it `other`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from cli import cli
from ops.report import quality_report

TEN = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
NEXT_DAY = datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
NAMES = {4: "Lagoon Walk", 5: "Magic Circle", 6: "Pirate Show", 7: "Monorotaia"}
TIMELINES = {
    1: "oO" * 20 + "c",
    2: "Oo" * 20 + "c",
    3: "ol" * 20 + "c",
    4: "c" * 41,
    5: "z" * 40 + "c",
    6: "c" * 41,
    7: "o" * 40 + "c",
}


@pytest.fixture
def park_day(scenario):
    scenario.play(30, TEN, TIMELINES, names=NAMES)
    scenario.aggregate(NEXT_DAY)
    return scenario


def run(database_url: str, *args: str, env: dict[str, str] | None = None):
    base = ["--env-file", "/nonexistent", "--database-url", database_url]
    return CliRunner(env=env).invoke(cli, [*base, *args])


def test_the_kinds_command_says_what_decided_each_kind(park_day, database_url):
    result = run(database_url, "kinds", "--park", "30", "--json")
    assert result.exit_code == 0, result.output
    found = {r["ride_id"]: r for r in json.loads(result.stdout)}
    assert sorted(found) == [1, 2, 3, 4, 5, 6, 7]
    assert {found[r]["decided_by"] for r in (1, 2, 3, 4, 5)} == {"none"}
    assert {found[r]["kind"] for r in (1, 2, 3, 4, 5)} == {"ride"}
    show, monorail = found[6], found[7]
    assert (show["kind"], show["decided_by"], show["matched"]) == ("other", "pattern", "Show")
    assert (monorail["kind"], monorail["matched"], monorail["stored_kind"]) == (
        "other",
        "Monorotaia",
        "other",
    )
    assert isinstance(show["line"], int) and show["pattern"]
    text = run(database_url, "kinds", "--park", "30").stdout
    assert "Pirate Show  <- ride_kinds.txt:" in text and "(other: matched 'Show')" in text
    assert "Ride 1  <- no pattern" in text


def test_an_override_decides_and_the_stored_kind_shows_until_the_next_cycle(
    park_day, database_url, tmp_path
):
    overrides = tmp_path / "kinds.csv"
    overrides.write_text("park_id,ride_id,kind\n30,4,other\n")
    env = {"KIND_OVERRIDES_FILE": str(overrides)}
    result = run(database_url, "kinds", "--park", "30", "--json", env=env)
    found = {r["ride_id"]: r for r in json.loads(result.stdout)}
    assert (found[4]["kind"], found[4]["decided_by"], found[4]["stored_kind"]) == (
        "other",
        "override",
        "ride",
    )
    text = run(database_url, "kinds", "--park", "30", env=env).stdout
    assert "Lagoon Walk (stored: ride)  <- override" in text
    assert json.loads(run(database_url, "kinds", "--park", "31", "--json").stdout) == []


def test_the_report_names_unclassified_rides_that_look_like_non_rides(park_day, engine, tmp_path):
    """Ride 4: never open while the park was open; ride 5: a 0 wait at its 40 open cycles.
    Ride 6 is never open too, but a pattern decided it; an override takes ride 4 off."""
    report = quality_report(engine, NEXT_DAY, days=7)
    assert [(r["ride_id"], r["why"]) for r in report.like_non_rides] == [
        (4, "never open while its park was open (1 days)"),
        (5, "a 0 wait at 40 of 40 open cycles"),
    ]
    assert "4 Lagoon Walk (Le Parc, park 30): never open while" in report.text()
    overrides = tmp_path / "kinds.csv"
    overrides.write_text("park_id,ride_id,kind\n30,4,other\n")
    report = quality_report(engine, NEXT_DAY, days=7, kind_overrides_file=str(overrides))
    assert [r["ride_id"] for r in report.like_non_rides] == [5]
