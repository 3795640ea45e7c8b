"""The `hallofshame` command line: collect against the simulator, clear failures."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cli import cli
from collector.cycle import collect
from hallofshame import db, metrics, schema
from hallofshame.settings import load_settings
from simulator import SimConfig, Simulator, World
from tests.conftest import empty_tables
from tests.tcp_proxy import TcpProxy

NOW = datetime(2026, 7, 4, 18, 0, tzinfo=UTC)  # 14:00 in New York, evening in Europe


@pytest.fixture(scope="module")
def simulator():
    with Simulator(SimConfig(seed=7, parks=6, rides=150), now=NOW, speed=0) as sim:
        yield sim


def run(*args: str):
    return CliRunner().invoke(cli, ["--env-file", "/nonexistent", *args])


def run_on(database_url: str, simulator: Simulator, *args: str):
    """A command against this database and the simulator."""
    return run("--database-url", database_url, "--queue-times-url", simulator.url, *args)


def test_collect_json_summary(database_url, simulator):
    result = run_on(database_url, simulator, "collect", "--now", "2026-07-04T18:00:41Z", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["cycle_at"] == "2026-07-04T18:00:00Z"
    assert summary["parks_ok"] == 6 and summary["parks_failed"] == 0
    assert summary["rides_seen"] == summary["snapshots_written"] == simulator.world.ride_count
    assert summary["duration_s"] > 0


def test_collect_prints_one_line_without_json(database_url, simulator):
    result = run_on(database_url, simulator, "collect", "--now", "2026-07-04T18:00:00Z")
    assert result.exit_code == 0
    assert result.stdout.startswith("cycle 2026-07-04T18:00:00Z: 6 parks ok, 0 failed")


def test_a_bad_now_is_a_usage_error():
    result = run("collect", "--now", "yesterday-ish")
    assert result.exit_code == 2
    assert "is not an ISO 8601 time" in result.output


def test_a_bad_setting_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("COLLECT_CONCURRENCY", "lots")
    result = run("collect")
    assert result.exit_code == 2 and "COLLECT_CONCURRENCY" in result.output


def test_an_unmigrated_database_says_what_to_run(tmp_path, simulator):
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    before = simulator.requests_served
    result = run("--database-url", url, "--queue-times-url", simulator.url, "collect")
    assert result.exit_code == 1
    assert "run `hallofshame db upgrade`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert simulator.requests_served == before  # nothing fetched for a cycle it cannot write


def test_an_unreachable_database_is_one_line_and_nonzero(simulator):
    url = "mysql+mysqldb://root@127.0.0.1:9/nothing"  # the discard port: nothing listens
    before = simulator.requests_served
    result = run("--database-url", url, "--queue-times-url", simulator.url, "collect")
    assert result.exit_code == 1
    assert "database unreachable" in result.stderr
    assert simulator.requests_served == before  # no fetching for a database we cannot write


def test_every_park_failing_exits_nonzero(database_url, simulator):
    for park in simulator.world.parks:
        simulator.set_fault(park.id, "500")
    try:
        result = run_on(database_url, simulator, "collect", "--now", "2026-07-04T18:10:00Z")
    finally:
        simulator.clear_faults()
    assert result.exit_code == 1
    assert "every park failed (6)" in result.stderr


def test_db_upgrade_and_current(tmp_path):
    url = f"sqlite:///{tmp_path}/new.sqlite3"
    assert run("--database-url", url, "db", "upgrade").output.startswith("database at revision")
    assert run("--database-url", url, "db", "current").output.strip() == db.head_revision()


def test_database_stopped_before_the_write_leaves_nothing(mariadb_url, simulator):
    """The MariaDB connection goes away after fetching: no partial cycle, a clear error."""
    url = make_url(mariadb_url)
    engine = db.make_engine(mariadb_url)
    empty_tables(engine)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 3306)
    proxied = db.make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    settings = load_settings(
        {"database_url": mariadb_url, "queue_times_url": simulator.url}, env_file=None, environ={}
    )
    with pytest.raises(Exception, match=r"(?i)lost connection|gone away|can't connect|refused"):
        collect(proxied, settings, now=NOW, on_fetched=proxy.cut)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.ride_snapshots)) == 0
        assert conn.scalar(select(func.count()).select_from(schema.collection_cycles)) == 0
    proxied.dispose()
    engine.dispose()


def test_settings_masks_the_database_password():
    result = run("--database-url", "mysql+mysqldb://hos:s3cret@db/hos", "settings")
    assert "s3cret" not in result.output
    assert "DATABASE_URL=mysql+mysqldb://hos:***@db/hos" in result.output


def test_cycle_collects_then_aggregates_then_publishes(database_url, simulator, tmp_path):
    docroot = ("--docroot", str(tmp_path / "docroot"))
    first = run_on(database_url, simulator, *docroot, "cycle", "--now", "2026-07-04T18:00:00Z")
    second = run_on(database_url, simulator, *docroot, "cycle", "--now", "2026-07-04T18:10:00Z")
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    lines = second.stdout.splitlines()
    assert lines[0].startswith("cycle 2026-07-04T18:10:00Z: 6 parks ok")
    assert lines[1].startswith("aggregate 2026-07-04T18:10:00Z: 1 new cycles")
    assert lines[2].startswith("published ") and "(incremental)" in lines[2]
    assert (tmp_path / "docroot" / "current" / "index.html").is_file()


def test_demo_runs_the_pipeline_and_prints_rankings(tmp_path):
    """12 simulated hours ending at 03:30 UTC: the parks in the Americas are still in their
    2026-07-04 (today), Sao Paulo's has just ended (yesterday). Each ranking lists exactly the
    parks the seeded world opened on that local day within the span, and no other."""
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    end = datetime(2026, 7, 5, 3, 30, tzinfo=UTC)
    result = run(
        "--database-url", url, "--docroot", str(tmp_path / "docroot"), "demo", "--days", "0.5",
        "--parks", "4", "--rides", "40", "--until", "2026-07-05T03:30:00Z", "--no-serve",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "collected 73 cycles from 2026-07-04T15:30:00Z to 2026-07-05T03:30:00Z" in out
    assert "the database now holds 4 parks, 40 rides, 73 cycles" in out
    world = World(SimConfig(seed=42, parks=4, rides=40))
    for period, days_back in (("yesterday", 1), ("today", 0)):
        expected = open_parks(world, end - timedelta(hours=12), end, days_back)
        assert expected  # the span was chosen so that both periods have parks
        assert ranked(out, period) == expected
    assert "published " in out and "(full)" in out
    home = (tmp_path / "docroot" / "current" / "index.html").read_text()
    assert "Simulated data" in home  # the demo marks its database as simulated


def open_parks(world: World, start: datetime, end: datetime, days_back: int) -> set[str]:
    """Names of the parks open within [start, end] on their local day `days_back` before the
    local day of `end`."""
    found = set()
    for park in world.parks:
        day = metrics.local_day(end, park.timezone) - timedelta(days=days_back)
        hours = world.park_hours(park.id, day)
        if hours and min(hours[1], end) - max(hours[0], start) >= timedelta(hours=1):
            found.add(park.name)
    return found


def ranked(out: str, period: str) -> set[str]:
    """The park names the demo ranked for a period (each line `  N. Name (park ID): shame S,
    ...`, the id that `stats --park` takes)."""
    lines = out.split(f"worst parks, {period}:\n", 1)[1].split("worst parks,")[0].splitlines()
    entries = [line for line in lines if line.startswith("  ")]
    assert all(" h down, uptime " in line for line in entries)
    found = [re.match(r"  \d+\. (.+) \(park (9\d{5})\): shame ", line) for line in entries]
    assert all(found), entries
    return {match[1] for match in found}
