"""Ride kinds: one pattern file, an override file that beats it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallofshame.kinds import KindRules, OverrideFileError, kind_from_name, read_overrides

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
