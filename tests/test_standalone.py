"""A clone stands alone and harms nothing: the demo keeps to its own database, simulated ids
never look real, printed settings hide every password, a missing override file is an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import cli
from hallofshame import db, schema
from hallofshame.kinds import OverrideFileError, read_overrides
from hallofshame.settings import load_settings
from simulator import SimConfig, Simulator, World
from simulator.build import LAND_ID_BASE, PARK_ID_BASE, RIDE_ID_BASE
from tests.conftest import FIXTURES
from tests.test_cli import NOW, run

DEMO = ("demo", "--days", "0.05", "--parks", "2", "--rides", "30", "--until", "2026-07-04T18:00Z")
DEMO += ("--no-serve",)  # the demo serves its site until Ctrl-C otherwise


def count(url: str, table) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(table))
    finally:
        engine.dispose()


def test_the_demo_database_is_its_own_by_default():
    defaults = load_settings(env_file=None, environ={})
    assert defaults.demo_database_url == "sqlite:///var/demo.sqlite3"
    assert defaults.database_url != defaults.demo_database_url


def test_the_demo_never_writes_to_database_url(database_url, tmp_path, monkeypatch):
    """DATABASE_URL from the environment and from .env (here the test database, SQLite or
    MariaDB) is left alone: the demo writes to DEMO_DATABASE_URL."""
    demo_url = f"sqlite:///{tmp_path}/demo.sqlite3"
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL={database_url}\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEMO_DATABASE_URL", demo_url)
    docroot = ["--docroot", str(tmp_path / "docroot")]  # it publishes too
    result = CliRunner().invoke(cli, ["--env-file", str(env_file), *docroot, *DEMO])
    assert result.exit_code == 0, result.output
    assert f"-> sqlite:///{tmp_path}/demo.sqlite3" in result.stdout
    assert count(demo_url, schema.parks) == 2
    assert count(database_url, schema.parks) == count(database_url, schema.ride_snapshots) == 0


def test_an_explicit_database_url_is_the_demo_s(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_DATABASE_URL", f"sqlite:///{tmp_path}/not-this.sqlite3")
    url = f"sqlite:///{tmp_path}/chosen.sqlite3"
    result = run("--database-url", url, "--docroot", str(tmp_path / "docroot"), *DEMO)
    assert result.exit_code == 0, result.output
    assert count(url, schema.parks) == 2
    assert not (tmp_path / "not-this.sqlite3").exists()


@pytest.mark.parametrize(
    "config", [SimConfig(), SimConfig(seed=1, parks=150, rides=5000), SimConfig(seed=9, parks=1)]
)
def test_simulated_ids_sit_above_every_real_queue_times_id(config):
    world = World(config)
    real_parks, real_rides = real_ids()
    assert max(real_parks) < PARK_ID_BASE and max(real_rides) < RIDE_ID_BASE
    assert all(park.id > PARK_ID_BASE for park in world.parks)
    rides = [ride for park in world.parks for ride in park.rides]
    assert len(rides) == max(config.rides, config.parks)
    assert all(ride.id > RIDE_ID_BASE for ride in rides)
    lands = [land for park in world.parks for land in park.lands]
    assert all(land.id > LAND_ID_BASE for land in lands)
    assert max(ride.id for ride in rides) < 2**31  # still fits an INT column


def real_ids() -> tuple[set[int], set[int]]:
    """Park and ride ids in the real Queue-Times samples of tests/fixtures/."""
    parks, rides = set(), set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "wait_time" in node:
                rides.add(node["id"])
            elif "timezone" in node:
                parks.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in Path(FIXTURES).glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    assert parks and rides
    return parks, rides


SECRET_FORMS = [
    "mysql+mysqldb://hos:s3cret@db/hos",
    "mysql+mysqldb://hos:s3cret@db:3306/hos?charset=utf8mb4",
    "mysql+mysqldb://hos:p@s3cret:/x@db/hos",  # @ : / unescaped in the password
    "mysql+mysqldb://hos:p%40s3cret@db/hos",  # the same, escaped
    "mysql+mysqldb://:s3cret@db/hos",
    "mysql+mysqldb://hos@db/hos?password=s3cret",
    "mysql+mysqldb://hos@db/hos?charset=utf8mb4&passwd=s3cret",
]


@pytest.mark.parametrize("url", SECRET_FORMS)
@pytest.mark.parametrize("where", ["option", "environment", "env-file"])
def test_settings_never_print_the_password(url, where, tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("", encoding="utf-8")
    args = ["--env-file", str(env_file)]
    if where == "option":
        args += ["--database-url", url]
    elif where == "environment":
        monkeypatch.setenv("DATABASE_URL", url)
    else:
        env_file.write_text(f"DATABASE_URL='{url}'\n", encoding="utf-8")
    monkeypatch.setenv("DEMO_DATABASE_URL", url)
    result = CliRunner().invoke(cli, [*args, "settings"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    shown = [line for line in result.stdout.splitlines() if "DATABASE_URL=" in line]
    assert len(shown) == 2 and all("***" in line and "@db" in line for line in shown)


def test_a_password_in_an_unusable_url_is_not_printed_either():
    result = run("--database-url", "mysql+nosuchdriver://hos:s3cret@db/hos", "collect")
    assert result.exit_code == 1
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    "setting, column", [("KIND_OVERRIDES_FILE", "kind"), ("TIER_OVERRIDES_FILE", "tier")]
)
def test_a_missing_override_file_is_an_error(setting, column, tmp_path):
    with pytest.raises(OverrideFileError, match=rf"^{setting} names .*missing.csv, which is not"):
        read_overrides(tmp_path / "missing.csv", column, {"1"})


def test_collect_with_a_missing_kind_file_is_one_line_and_writes_nothing(
    database_url, tmp_path, monkeypatch
):
    missing = tmp_path / "typo.csv"
    monkeypatch.setenv("KIND_OVERRIDES_FILE", str(missing))
    with simulator_running() as sim:
        result = run(
            "--database-url", database_url, "--queue-times-url", sim.url,
            "collect", "--now", "2026-07-04T18:00:00Z",
        )  # fmt: skip
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(f"failed: KIND_OVERRIDES_FILE names {missing}, which is not a file")
    assert count(database_url, schema.collection_cycles) == 0


def test_aggregate_with_a_missing_tier_file_is_one_line_and_writes_nothing(
    database_url, tmp_path, monkeypatch
):
    with simulator_running() as sim:
        assert run(
            "--database-url", database_url, "--queue-times-url", sim.url,
            "collect", "--now", "2026-07-04T18:00:00Z",
        ).exit_code == 0  # fmt: skip
    missing = tmp_path / "typo.csv"
    monkeypatch.setenv("TIER_OVERRIDES_FILE", str(missing))
    result = run("--database-url", database_url, "aggregate", "--now", "2026-07-04T18:00:30Z")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(f"TIER_OVERRIDES_FILE names {missing}, which is not a file")
    assert count(database_url, schema.aggregated_cycles) == count(database_url, schema.ride_daily)
    assert count(database_url, schema.ride_daily) == 0


def simulator_running() -> Simulator:
    return Simulator(SimConfig(seed=7, parks=3, rides=40), now=NOW, speed=0)
