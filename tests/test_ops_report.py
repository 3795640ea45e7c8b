"""The daily data-quality report, from stored tables, on both databases; the crontab; JSON logs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from hallofshame import schema
from hallofshame.clock import to_db
from ops.report import quality_report
from tests.test_ops_jobs import mails, ops_settings

NOW = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def seed(engine) -> None:
    """Two parks over three cycles: park 1 fails twice; ride 11 reports stale data; ride 12 was
    never open in its three weeks; ride 13 is new."""
    long_ago, cycles = NOW - timedelta(days=21), [NOW - timedelta(minutes=m) for m in (20, 10, 0)]
    with engine.begin() as conn:
        conn.execute(
            schema.parks.insert(),
            [
                {
                    "id": p,
                    "name": f"Park <{p}>",
                    "timezone": "Europe/Paris",
                    "first_seen_at": to_db(long_ago),
                    "listed_at": to_db(NOW),
                }
                for p in (1, 2)
            ],
        )
        conn.execute(
            schema.rides.insert(),
            [
                {
                    "id": r,
                    "park_id": 1,
                    "name": f"Ride {r}",
                    "kind": "ride",
                    "first_seen_at": to_db(first),
                    "last_seen_at": to_db(NOW),
                    "last_open_at": to_db(opened),
                }
                for r, first, opened in [
                    (11, long_ago, NOW),
                    (12, long_ago, None),
                    (13, NOW - timedelta(days=1), None),
                ]
            ],
        )
        conn.execute(
            schema.collection_cycles.insert(),
            [
                {
                    "cycle_at": to_db(c),
                    "started_at": to_db(c),
                    "finished_at": to_db(c),
                    "parks_ok": 1,
                    "parks_failed": 1,
                    "rides_seen": 3,
                    "snapshots_written": 3,
                }
                for c in cycles
            ],
        )
        conn.execute(
            schema.fetch_failures.insert(),
            [
                {"cycle_at": to_db(cycles[0]), "park_id": 1, "kind": "timeout", "detail": "t"},
                {"cycle_at": to_db(cycles[2]), "park_id": 1, "kind": "http_500", "detail": "x"},
                {"cycle_at": to_db(cycles[2]), "park_id": None, "kind": "parks", "detail": "y"},
            ],
        )
        conn.execute(
            schema.ride_snapshots.insert(),
            [
                {
                    "ride_id": 11,
                    "cycle_at": to_db(c),
                    "park_id": 1,
                    "is_open": True,
                    "wait_time": 5,
                    "state": state,
                }
                for c, state in zip(cycles, ["stale", "open", "stale"], strict=True)
            ],
        )


def test_the_report_names_failing_parks_stale_rides_and_rides_never_open(engine):
    seed(engine)
    report = quality_report(engine, NOW, days=7)
    assert report.cycles == 3
    assert report.failing_parks == [
        {
            "park_id": 1,
            "name": "Park <1>",
            "failures": 2,
            "failed_pct": 66.7,
            "last_kind": "http_500",
        }
    ]
    assert report.stale_rides == [
        {"ride_id": 11, "name": "Ride 11", "park": "Park <1>", "stale": 2, "snapshots": 3}
    ]
    assert [r["ride_id"] for r in report.never_open] == [12]
    text = report.text()
    assert "Park <1>: 2/3 (66.7 %), http_500" in text and "Ride 12 (Park <1>)" in text


def test_the_report_command_mails_it(engine, database_url, sendgrid, tmp_path):
    seed(engine)
    settings = ops_settings(tmp_path, sendgrid)
    env = {
        "SENDGRID_API_KEY": settings.sendgrid_api_key,
        "SENDGRID_HOST": settings.sendgrid_host,
        "ALERT_FROM": settings.alert_from,
        "ALERT_TO": settings.alert_to,
    }
    args = ["--env-file", "/nonexistent", "--database-url", database_url, "report", "--mail"]
    result = CliRunner(env=env).invoke(cli, [*args, "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    (mail,) = mails(sendgrid)
    assert mail["subject"] == "[hallofshame] data quality, 7 days"
    assert mail["content"][0]["value"] == result.stdout


def test_an_empty_database_gives_an_empty_report(engine):
    report = quality_report(engine, NOW)
    assert (report.cycles, report.failing_parks, report.stale_rides) == (0, [], [])
    assert report.text().count("  none") == 4


def test_every_crontab_line_is_a_one_liner_through_the_wrapper_with_a_real_command():
    commands = set(cli.commands)
    lines = [
        line
        for line in (ROOT / "cron" / "hallofshame.crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    jobs = []
    for line in lines:
        fields = line.split()
        assert fields[5] == "/opt/hallofshame/cron/job", line
        assert not set(line) & set(";&|>`$"), f"logic inside a crontab line: {line}"
        rest = fields[6:]
        if rest[0] == "--timeout":
            assert float(rest[1]) > 0
            rest = rest[2:]
        assert rest[0] in commands, f"{rest[0]} is not a hallofshame command"
        jobs.append(rest[0])
    assert {"cycle", "aggregate", "health", "report"} <= set(jobs)
    assert re.search(r"^\*/10 \* \* \* \*\s+\S+ cycle$", "\n".join(lines), re.M)


def test_commands_log_json_lines_with_their_summary(database_url, tmp_path):
    env = {"LOG_FORMAT": "json", "HALLOFSHAME_JOB": "aggregate"}
    args = ["--env-file", "/nonexistent", "--database-url", database_url, "aggregate"]
    result = CliRunner(env=env).invoke(cli, [*args, "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    summary = next(line for line in lines if line["message"] == "aggregate summary")
    assert summary["job"] == "aggregate" and summary["level"] == "INFO"
    assert summary["summary"]["cycles"] == 0 and summary["logger"] == "hallofshame.aggregate"
