"""The cron health check, the data-quality report and the deployment check, on both databases."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from cli import cli
from hallofshame import schema
from hallofshame.clock import to_db
from hallofshame.settings import load_settings
from ops.health import incidents_of
from ops.runner import hallofshame_command, run_job
from reader.health import Health
from tests.test_ops_jobs import mails, ops_settings

NOW = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)


def add_cycle(engine, at: datetime, ok: int, failed: int, aggregated_at: datetime | None = None):
    with engine.begin() as conn:
        conn.execute(
            schema.collection_cycles.insert(),
            {
                "cycle_at": to_db(at),
                "started_at": to_db(at),
                "finished_at": to_db(at),
                "parks_ok": ok,
                "parks_failed": failed,
                "rides_seen": 10 * ok,
                "snapshots_written": 10 * ok,
            },
        )
        if aggregated_at:
            conn.execute(
                schema.aggregated_cycles.insert(),
                {"cycle_at": to_db(at), "aggregated_at": to_db(aggregated_at)},
            )


def publish_at(docroot, at: datetime) -> None:
    """A release whose catalog says when it was generated, as the publisher writes it."""
    release = docroot / "releases" / "r1"
    (release / "data" / "v1").mkdir(parents=True)
    (release / "data" / "v1" / "catalog.json").write_text(
        json.dumps({"generated_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")})
    )
    os.symlink("releases/r1", docroot / "current")


def health(database_url, docroot, now=NOW, *more):
    args = ["--env-file", "/nonexistent", "--database-url", database_url, "--docroot", docroot]
    return CliRunner().invoke(cli, [*args, "health", "--now", now.isoformat(), "--json", *more])


def test_fresh_data_published_is_healthy(engine, database_url, tmp_path):
    add_cycle(engine, NOW - timedelta(minutes=5), ok=10, failed=1, aggregated_at=NOW)
    publish_at(tmp_path, NOW + timedelta(minutes=1))
    result = health(database_url, str(tmp_path), NOW + timedelta(minutes=2))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["incidents"] == {}


def test_each_problem_is_its_own_incident(engine, database_url, tmp_path):
    at = NOW - timedelta(minutes=45)
    add_cycle(engine, at, ok=6, failed=4, aggregated_at=at)  # stale, 40 % failed, unpublished
    result = health(database_url, str(tmp_path))
    assert result.exit_code == 1
    found = json.loads(result.stdout)["incidents"]
    assert sorted(found) == ["health:failing-parks", "health:publish-behind", "health:stale-data"]
    assert found["health:failing-parks"].startswith("4 of 10 parks failed")
    assert "last publish never" in found["health:publish-behind"]


def test_a_publish_on_its_way_is_not_yet_behind(engine, database_url, tmp_path):
    add_cycle(engine, NOW - timedelta(minutes=1), ok=10, failed=0, aggregated_at=NOW)
    publish_at(tmp_path, NOW - timedelta(minutes=20))  # older, but within PUBLISH_LAG_MINUTES
    result = health(database_url, str(tmp_path), NOW + timedelta(minutes=5))
    assert result.exit_code == 0, result.output


def test_an_unreachable_database_is_an_incident(tmp_path):
    result = health("mysql+mysqldb://nobody@127.0.0.1:9/none", str(tmp_path))
    assert result.exit_code == 1
    found = json.loads(result.stdout)["incidents"]
    assert list(found) == ["health:database"]


def test_an_incident_is_keyed_by_its_problem_not_by_its_wording():
    """A staleness message that happens to start with "database" is still stale data."""
    line = "database holds no cycle newer than 45 minutes"
    found = Health(checked_at=NOW, problems={"stale-data": line})
    assert incidents_of(found, load_settings(env_file=None, environ={})) == {
        "health:stale-data": line
    }
    assert found.as_json()["problems"] == [line]  # /api/health still lists the lines


def test_health_through_the_job_mails_each_problem_once_and_its_recovery(
    engine, database_url, tmp_path, sendgrid: HTTPServer
):
    settings = ops_settings(tmp_path, sendgrid)
    docroot = tmp_path / "docroot"
    docroot.mkdir()

    def run(now: datetime):
        args = ["--env-file", "/nonexistent", "--database-url", database_url]
        args += ["--docroot", str(docroot)]
        command = hallofshame_command(args, ["health", "--now", now.isoformat()])
        return run_job(settings, "health", command)

    add_cycle(engine, NOW - timedelta(minutes=5), ok=5, failed=5)  # half the parks failing
    assert run(NOW).exit_status == 1
    assert run(NOW + timedelta(minutes=1)).exit_status == 1  # the same incident: no new mail
    add_cycle(engine, NOW + timedelta(minutes=10), ok=10, failed=0)
    assert run(NOW + timedelta(minutes=11)).exit_status == 0
    subjects = [m["subject"].split(" on ")[0] for m in mails(sendgrid)]
    assert subjects == [
        "[hallofshame] FAILING health:failing-parks",
        "[hallofshame] RECOVERED health:failing-parks",
    ]
    assert "5 of 10 parks failed" in mails(sendgrid)[0]["content"][0]["value"]


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"sendgrid_api_key": "SG.x"}, "alert mails half configured, missing ALERT_FROM, ALERT_TO"),
        ({"docroot": "/nonexistent/docroot"}, "docroot /nonexistent/docroot: No such file"),
    ],
)
def test_check_refuses_an_incomplete_deployment(database_url, tmp_path, more, message):
    (tmp_path / "docroot").mkdir()
    options = {"docroot": str(tmp_path / "docroot"), **more}
    env = {k.upper(): v for k, v in options.items()}
    result = CliRunner(env=env).invoke(
        cli, ["--env-file", "/nonexistent", "--database-url", database_url, "check"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("hallofshame: not ready: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_check_refuses_an_unmigrated_database(tmp_path):
    (tmp_path / "docroot").mkdir()
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = CliRunner().invoke(
        cli,
        [
            "--env-file",
            "/nonexistent",
            "--database-url",
            url,
            "--docroot",
            str(tmp_path / "docroot"),
            "check",
        ],
    )
    assert result.exit_code == 1
    assert "run `hallofshame db upgrade`" in result.stderr


def test_check_passes_a_ready_deployment(database_url, tmp_path):
    (tmp_path / "docroot").mkdir()
    args = ["--env-file", "/nonexistent", "--database-url", database_url]
    result = CliRunner().invoke(cli, [*args, "--docroot", str(tmp_path / "docroot"), "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("ready: database at ")


def test_the_docroot_must_be_writable_by_the_service_user(tmp_path, monkeypatch):
    """Judged from owner and mode bits (the web unit mounts it read-only on purpose)."""
    from ops.check import docroot_problem

    docroot = tmp_path / "docroot"
    docroot.mkdir()
    monkeypatch.setattr(os, "geteuid", lambda: 4242)  # not the owner, not root
    monkeypatch.setattr(os, "getegid", lambda: 4242)
    monkeypatch.setattr(os, "getgroups", lambda: [4242])
    docroot.chmod(0o755)
    assert "is not writable by uid 4242" in docroot_problem(docroot)
    docroot.chmod(0o777)
    assert docroot_problem(docroot) is None
    (tmp_path / "file").write_text("")
    assert "is not a directory" in docroot_problem(tmp_path / "file")


@pytest.mark.parametrize("command", [["health"], ["report", "--days", "7"]])
@pytest.mark.parametrize(
    ("now", "why"),
    [
        ("0001-01-01T00:00:00Z", "--now 0001-01-01T00:00:00Z is before 1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "is before 1970-01-01T00:00:00Z: refused"),
        ("2999-01-01T00:00:00Z", "is ahead of this machine's clock"),
    ],
)
def test_health_and_report_take_the_now_every_job_takes(engine, database_url, command, now, why):
    add_cycle(engine, NOW - timedelta(minutes=5), ok=10, failed=0, aggregated_at=NOW)
    args = ["--env-file", "/nonexistent", "--database-url", database_url]
    result = CliRunner().invoke(cli, [*args, *command, "--now", now])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.output.splitlines()
    assert line.startswith("hallofshame: --now ") and why in line


def test_a_cycle_where_every_park_failed_counts_as_failing_parks(engine, database_url, tmp_path):
    """It used to read the latest cycle in which some park answered: `last_cycle_parks_failed:
    0` right after a cycle where all ten failed."""
    add_cycle(engine, NOW - timedelta(minutes=20), ok=10, failed=0, aggregated_at=NOW)
    add_cycle(engine, NOW - timedelta(minutes=10), ok=0, failed=10)
    publish_at(tmp_path, NOW)
    result = health(database_url, str(tmp_path))
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    assert found["last_cycle_at"] == "2026-07-04T17:40:00Z"  # the latest that was collected
    assert (found["last_cycle_parks_ok"], found["last_cycle_parks_failed"]) == (0, 10)
    assert found["incidents"] == {
        "health:failing-parks": "10 of 10 parks failed in the cycle of 2026-07-04T17:50:00Z "
        "(FAILING_PARKS_PCT=20)"
    }
