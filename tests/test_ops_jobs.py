"""`hallofshame job` (what cron runs): lock, timeout, log, metrics, and alert mails through
SendGrid's real library, pointed at a local HTTP server standing in for the service."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from hallofshame import db, schema
from hallofshame.settings import load_settings
from ops import incidents
from ops.runner import EXIT_LOCKED, EXIT_TIMEOUT, hallofshame_command, run_job
from simulator import SimConfig, Simulator

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)
NOW_ARG = "2026-07-04T18:00:00Z"
MAIL_PATH = "/v3/mail/send"


def ops_settings(tmp_path: Path, server: HTTPServer | None = None, **more):
    values = {
        "log_dir": str(tmp_path / "log"),
        "metrics_dir": str(tmp_path / "metrics"),
        "state_dir": str(tmp_path / "state"),
        "docroot": str(tmp_path / "docroot"),
        **more,
    }
    if server is not None:
        values |= {
            "sendgrid_api_key": "SG.test-key",
            "sendgrid_host": server.url_for("").rstrip("/"),
            "alert_from": "alerts@example.org",
            "alert_to": "ops@example.org, oncall@example.org",
        }
    return load_settings(values, env_file=None, environ={})


def python_job(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def mails(server: HTTPServer) -> list[dict]:
    return [json.loads(req.get_data()) for req, _ in server.log if req.path == MAIL_PATH]


def metrics_of(path: Path) -> dict[str, float]:
    text = path.read_text(encoding="utf-8")
    return {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}


def test_a_failing_job_mails_once_per_incident_and_once_on_recovery(tmp_path, sendgrid):
    settings = ops_settings(tmp_path, sendgrid)
    fails = python_job("import sys; print('fetching parks'); print('boom: db gone'); sys.exit(3)")
    first = run_job(settings, "cycle", fails)
    second = run_job(settings, "cycle", fails)  # same incident: no second mail
    assert first.exit_status == second.exit_status == 3
    sent = mails(sendgrid)
    assert len(sent) == 1
    mail = sent[0]
    assert mail["subject"].startswith("[hallofshame] FAILING job:cycle")
    assert mail["from"]["email"] == "alerts@example.org"
    assert [to["email"] for to in mail["personalizations"][0]["to"]] == [
        "ops@example.org",
        "oncall@example.org",
    ]
    body = mail["content"][0]["value"]
    assert "job: cycle" in body and "exit status: 3" in body and "boom: db gone" in body
    req = sendgrid.log[0][0]
    assert req.headers["Authorization"] == "Bearer SG.test-key"

    assert run_job(settings, "cycle", python_job("print('ok')")).exit_status == 0
    assert run_job(settings, "cycle", python_job("print('ok')")).exit_status == 0
    sent = mails(sendgrid)
    assert len(sent) == 2
    assert sent[1]["subject"].startswith("[hallofshame] RECOVERED job:cycle")
    assert not open_incidents(settings)

    run_job(settings, "cycle", fails)  # a new incident: a new mail
    assert len(mails(sendgrid)) == 3


def open_incidents(settings) -> dict:
    """The incidents open in the state file (a job writes it whole, under its lock)."""
    path = incidents.state_file(settings)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def test_each_job_is_its_own_incident(tmp_path, sendgrid):
    settings = ops_settings(tmp_path, sendgrid)
    run_job(settings, "cycle", python_job("raise SystemExit(1)"))
    run_job(settings, "publish", python_job("raise SystemExit(2)"))
    run_job(settings, "cycle", python_job("pass"))  # cycle recovers, publish still fails
    subjects = [m["subject"].split(" on ")[0] for m in mails(sendgrid)]
    assert subjects == [
        "[hallofshame] FAILING job:cycle",
        "[hallofshame] FAILING job:publish",
        "[hallofshame] RECOVERED job:cycle",
    ]
    assert list(open_incidents(settings)) == ["job:publish"]


def test_a_refused_mail_is_retried_by_the_next_run_not_lost(tmp_path, http_server):
    http_server.clear()
    http_server.expect_oneshot_request(MAIL_PATH).respond_with_data("down", status=503)
    http_server.expect_request(MAIL_PATH).respond_with_data("", status=202)
    settings = ops_settings(tmp_path, http_server)
    first = run_job(settings, "cycle", python_job("raise SystemExit(1)"))
    assert first.mails_failed  # SendGrid said 503: reported, not raised
    second = run_job(settings, "cycle", python_job("raise SystemExit(1)"))
    assert not second.mails_failed
    run_job(settings, "cycle", python_job("raise SystemExit(1)"))
    assert len(mails(http_server)) == 2  # the refused one, then the one that went out: no more


def test_without_a_sendgrid_key_alerts_are_logged(tmp_path):
    settings = ops_settings(tmp_path, log_format="json")
    result = run_job(settings, "cycle", python_job("raise SystemExit(4)"))
    assert result.exit_status == 4
    assert result.mails_failed == ["[hallofshame] FAILING job:cycle on " + os.uname().nodename]
    lines = [json.loads(x) for x in (tmp_path / "log" / "cycle.log").read_text().splitlines()]
    warning = next(x for x in lines if x["logger"] == "ops.mail")
    assert warning["level"] == "WARNING" and "no mail sent" in warning["message"]
    assert warning["job"] == "cycle" and "exit status: 4" in warning["mail_body"]


def test_the_job_log_has_structured_start_and_end_lines(tmp_path):
    settings = ops_settings(tmp_path, log_format="json")
    run_job(settings, "report", python_job("print('the report')"))
    lines = (tmp_path / "log" / "report.log").read_text().splitlines()
    start, output, end = json.loads(lines[0]), lines[1], json.loads(lines[2])
    assert start["message"] == "report started" and start["job"] == "report"
    assert output == "the report"
    assert end["exit_status"] == 0 and end["duration_s"] > 0 and end["level"] == "INFO"
    assert datetime.fromisoformat(end["time"]).tzinfo is not None


def test_a_hung_job_is_killed_with_its_children_at_the_timeout(tmp_path, sendgrid):
    settings = ops_settings(tmp_path, sendgrid)
    pid_file = tmp_path / "child.pid"
    hang = python_job(
        "import subprocess, sys, time; "
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pid_file)!r}, 'w').write(str(c.pid)); print('hanging', flush=True); "
        "time.sleep(60)"
    )
    started = time.monotonic()
    result = run_job(settings, "cycle", hang, timeout_s=2)
    assert time.monotonic() - started < 10
    assert result.exit_status == EXIT_TIMEOUT and result.timed_out
    grandchild = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # the kill reaches the whole group; reaping may take a moment
            os.kill(grandchild, 0)
            time.sleep(0.1)
    body = mails(sendgrid)[0]["content"][0]["value"]
    assert "timed out" in body and "hanging" in body
    found = metrics_of(tmp_path / "metrics" / "hallofshame_cycle.prom")
    assert found["hallofshame_job_timed_out"] == 1 and found["hallofshame_job_exit_status"] == 124


def test_a_cycle_job_writes_its_metrics(database_url, tmp_path):
    settings = ops_settings(tmp_path)
    with Simulator(SimConfig(seed=3, parks=4, rides=60), now=NOW, speed=0) as sim:
        cycle = hallofshame_command(
            ["--env-file", "/nonexistent", "--database-url", database_url],
            [
                "--docroot",
                settings.docroot,
                "--queue-times-url",
                sim.url,
                "cycle",
                "--now",
                NOW_ARG,
            ],
        )
        result = run_job(settings, "cycle", cycle)
    assert result.exit_status == 0, result.tail
    found = metrics_of(tmp_path / "metrics" / "hallofshame_cycle.prom")
    assert found["hallofshame_job_success"] == 1
    assert found["hallofshame_job_parks_collected"] == 4
    assert found["hallofshame_job_api_errors"] == 0
    written = result.stages["collect"]["snapshots_written"] + result.stages["publish"]["written"]
    assert found["hallofshame_job_rows_written"] == written  # the cycle publishes too
    assert result.stages["collect"]["snapshots_written"] > 0
    assert found["hallofshame_aggregate_cycles"] == 1
    assert found["hallofshame_job_last_success_timestamp_seconds"] > 0
    assert (tmp_path / "docroot" / "current" / "index.html").is_file()  # its own, not var/'s

    run_job(settings, "cycle", python_job("raise SystemExit(1)"))
    after = metrics_of(tmp_path / "metrics" / "hallofshame_cycle.prom")
    assert after["hallofshame_job_success"] == 0
    assert (
        after["hallofshame_job_last_success_timestamp_seconds"]
        == found["hallofshame_job_last_success_timestamp_seconds"]
    )


def test_an_overlapping_run_exits_at_once_without_touching_the_database(database_url, tmp_path):
    """Through cron/job itself, as cron runs it, while the first run holds the lock."""
    settings = ops_settings(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUEUE_TIMES_URL": "http://127.0.0.1:9",  # never reached
        "LOG_DIR": settings.log_dir,
        "METRICS_DIR": settings.metrics_dir,
        "STATE_DIR": settings.state_dir,
    }
    lock = Path(settings.state_dir) / "locks" / "cycle.lock"
    lock.parent.mkdir(parents=True)
    engine = db.make_engine(database_url)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first run, still going
        # It returns while the lock is still held: it did not wait (a wait would never end
        # here, and the timeout would fail the test).
        second = subprocess.run(
            [str(ROOT / "cron" / "job"), "cycle"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert second.stdout == second.stderr == ""
    log = (tmp_path / "log" / "cycle.log").read_text()
    assert "still running" in log and "started" not in log
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(schema.collection_cycles)).scalar() == 0
        )
    engine.dispose()
    found = metrics_of(tmp_path / "metrics" / "hallofshame_cycle.prom")
    assert found["hallofshame_job_skipped"] == 1


def cron_env(tmp_path: Path, database_url: str, **more: str) -> dict[str, str]:
    settings = ops_settings(tmp_path)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DOCROOT": str(tmp_path / "docroot"),
        "LOG_DIR": settings.log_dir,
        "METRICS_DIR": settings.metrics_dir,
        "STATE_DIR": settings.state_dir,
        **more,
    }


def test_cron_job_is_silent_when_the_alert_mail_went_out(database_url, tmp_path, sendgrid):
    """cron/job health on an empty database (stale data): a mail, nothing for cron to mail."""
    mail = ops_settings(tmp_path, sendgrid)
    env = cron_env(
        tmp_path,
        database_url,
        SENDGRID_API_KEY=mail.sendgrid_api_key,
        SENDGRID_HOST=mail.sendgrid_host,
        ALERT_FROM=mail.alert_from,
        ALERT_TO=mail.alert_to,
    )
    job = [str(ROOT / "cron" / "job"), "health"]
    run = subprocess.run(job, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stdout == run.stderr == ""
    (sent,) = mails(sendgrid)
    assert sent["subject"].startswith("[hallofshame] FAILING health:stale-data")


def test_cron_job_prints_the_alert_when_no_mail_could_be_sent(database_url, tmp_path):
    """Without a SendGrid key the alert is logged, and printed so cron's MAILTO still has it."""
    job = [str(ROOT / "cron" / "job"), "--timeout", "60", "health"]
    env = cron_env(tmp_path, database_url, SENDGRID_API_KEY="")
    run = subprocess.run(job, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == "hallofshame job health: exit status 1"
    assert lines[1].startswith("alert mails not sent: [hallofshame] FAILING health:stale-data")
    assert lines[2].startswith("[hallofshame] FAILING health:stale-data on ")
    assert "stale" in lines[-1]
    again = subprocess.run(job, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1  # the same incident: cron gets nothing to mail this time
    assert again.stdout == again.stderr == ""


def test_without_a_sendgrid_key_each_incident_is_printed_once_and_its_end_once(tmp_path):
    settings = ops_settings(tmp_path)
    fails, works = python_job("print('db gone'); raise SystemExit(2)"), python_job("pass")
    runs = [run_job(settings, "cycle", job) for job in (fails, fails, fails, works, works, fails)]
    printed = [[text.split(" on ")[0] for text in run.to_print] for run in runs]
    assert printed == [
        ["[hallofshame] FAILING job:cycle"],
        [],
        [],
        ["[hallofshame] RECOVERED job:cycle"],
        [],
        ["[hallofshame] FAILING job:cycle"],
    ]
    assert "db gone" in runs[0].to_print[0] and "exit status: 2" in runs[0].to_print[0]


def test_a_job_killed_by_a_signal_reports_it_as_a_shell_does(tmp_path):
    settings = ops_settings(tmp_path)
    killed = python_job("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    result = run_job(settings, "cycle", killed)
    assert result.exit_status == 128 + 9
    assert result.failing == {"job:cycle": "cycle failed (exit status 137): no output"}


SECRET = "S3cr3t@pass"  # with an @, as real passwords have
SECRET_URL = "mysql+mysqldb://hos:S3cr3t%40pass@127.0.0.1:9/hos?charset=utf8mb4"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_secret_reaches_the_job_log_or_the_alerts(tmp_path, sendgrid, log_format):
    """`hallofshame job --database-url 'mysql://hos:SECRET@…' collect`: the password is in the
    command line, in what the child prints, in a driver message quoting the URL."""
    settings = ops_settings(tmp_path, sendgrid, database_url=SECRET_URL, log_format=log_format)
    leaky = python_job(
        f"print('url:', {SECRET_URL!r}); print('raw: mysql://hos:{SECRET}@db/hos', flush=True); "
        f"print('bare: {SECRET} and S3cr3t%40pass'); raise SystemExit(1)"
    )
    collect = hallofshame_command(
        ["--env-file", "/nonexistent", "--database-url", SECRET_URL], ["collect"]
    )
    runs = [run_job(settings, "collect", command) for command in (collect, leaky, leaky)]
    assert [run.exit_status for run in runs] == [1, 1, 1]
    unmailed = ops_settings(tmp_path / "nokey", database_url=SECRET_URL, log_format=log_format)
    printed = run_job(unmailed, "collect", leaky).to_print
    log = (tmp_path / "log" / "collect.log").read_text()
    sent = mails(sendgrid)
    bodies = [m["subject"] + m["content"][0]["value"] for m in sent]
    assert len(sent) == 1 and len(printed) == 1
    assert "--database-url mysql+mysqldb://hos:***@127.0.0.1:9/hos" in bodies[0]
    assert "bare: *** and ***" in log and "raw: mysql://hos:***@db/hos" in log
    for text in [log, *bodies, *printed, *(line for run in runs for line in run.tail)]:
        assert "S3cr3t" not in text
        assert "SG.test-key" not in text
