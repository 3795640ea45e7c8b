"""`hallofshame aggregate` and `hallofshame stats`, on the day of a ride that breaks twice.

Park 30 (Europe/Paris), cycles 10:00..12:00 local on 2026-07-04: ride 1 o o c c o o o c c c
o o c (open 70, down 50, 2 breakdowns, longest 30), ride 2 open until 12:00 (open 120). Park:
shame 10 x 100 / 480 = 2.08 -> 2.1, downtime 50 / 60 = 0.83 h, uptime 190 / 240 = 79.2 %.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from cli import cli
from hallofshame.logs import mask_secret
from tests.scenario import Scenario


@pytest.fixture
def invoke(http_server, settings, engine, tmp_path):
    scenario = Scenario(http_server, settings, engine)
    scenario.play(
        30, datetime(2026, 7, 4, 8, 0, tzinfo=UTC), {1: "ooccoooccc" + "ooc", 2: "o" * 12 + "c"}
    )
    base = ["--env-file", str(tmp_path / "none.env"), "--database-url", settings.database_url]

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def test_aggregate_then_stats_of_a_park(invoke):
    summary = json.loads(invoke("aggregate", "--now", "2026-07-04T22:01:00Z", "--json"))
    assert (summary["cycles"], summary["days_final"]) == (13, 1)
    out = json.loads(
        invoke(
            "stats",
            "--park",
            "30",
            "--period",
            "yesterday",
            "--now",
            "2026-07-05T10:00:00Z",
            "--json",
        )
    )
    assert (out["shame_score"], out["downtime_hours"], out["uptime_pct"], out["breakdowns"]) == (
        2.1,
        0.83,
        79.2,
        2,
    )
    assert out["park_id"] == 30 and out["period"] == "yesterday"


def test_stats_of_a_ride_has_its_tier_and_longest_outage(invoke):
    invoke("aggregate", "--now", "2026-07-04T22:01:00Z")
    out = json.loads(
        invoke(
            "stats",
            "--ride",
            "1",
            "--period",
            "last-7-days",
            "--now",
            "2026-07-05T10:00:00Z",
            "--json",
        )
    )
    assert (out["tier"], out["longest_outage_minutes"], out["breakdowns"]) == (2, 30, 2)
    assert (out["shame_score"], out["uptime_pct"]) == (4.2, 58.3)  # 10 x 100 / 240


def test_no_data_is_null_and_the_text_form_says_so(invoke):
    """Today (July 5) has no cycle yet: every number is null / "no data"."""
    invoke("aggregate", "--now", "2026-07-04T22:01:00Z")
    args = ["stats", "--park", "30", "--period", "today", "--now", "2026-07-05T10:00:00Z"]
    out = json.loads(invoke(*args, "--json"))
    assert [out[k] for k in ("shame_score", "downtime_hours", "uptime_pct", "breakdowns")] == [
        None
    ] * 4
    assert "shame_score: no data" in invoke(*args)


def test_stats_needs_exactly_one_of_park_and_ride(invoke, settings, tmp_path):
    result = CliRunner().invoke(
        cli, ["--env-file", str(tmp_path / "x"), "--database-url", settings.database_url, "stats"]
    )
    assert result.exit_code == 2 and "exactly one of --park" in result.output


def test_a_bad_tier_override_file_is_one_clear_line(invoke, settings, tmp_path):
    """Tier 7 does not exist: the run stops with one line naming the file and line."""
    bad = tmp_path / "tiers.csv"
    bad.write_text("park_id,ride_id,tier\n30,1,7\n")
    args = ["--env-file", str(tmp_path / "x"), "--database-url", settings.database_url]
    result = CliRunner().invoke(cli, [*args, "aggregate"], env={"TIER_OVERRIDES_FILE": str(bad)})
    assert result.exit_code == 1
    assert "aggregate failed:" in result.output and "tier must be one of" in result.output


def test_redo_day_recomputes_that_day_of_every_park(invoke):
    invoke("aggregate", "--now", "2026-07-04T22:01:00Z")
    args = ("aggregate", "--now", "2026-07-05T09:00:00Z", "--redo-day", "2026-07-04", "--json")
    summary = json.loads(invoke(*args))
    assert summary["days"] == [{"park_id": 30, "day": "2026-07-04", "how": "final"}]


def test_stats_on_a_missing_database_file_names_the_demos_and_creates_nothing(tmp_path):
    missing = tmp_path / "hallofshame.sqlite3"
    args = ["--env-file", str(tmp_path / "x"), "--database-url", f"sqlite:///{missing}"]
    result = CliRunner().invoke(cli, [*args, "stats", "--park", "900001"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"hallofshame: no database at {missing} (DATABASE_URL); "
        "the demo's is --database-url sqlite:///var/demo.sqlite3"
    ]
    assert list(tmp_path.iterdir()) == []


def test_stats_of_an_unknown_park_names_the_database_it_read(invoke, settings):
    result = CliRunner().invoke(
        cli, ["--env-file", "/x", "--database-url", settings.database_url, "stats", "--park", "7"]
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"hallofshame: no park with id 7 in {mask_secret(settings.database_url)}; "
        "the demo's is --database-url sqlite:///var/demo.sqlite3"
    ]
