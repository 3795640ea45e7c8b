"""A clone stands alone and harms nothing: the demo keeps to its own database, simulated ids
never look real, printed settings hide every password, a missing override file is an error.
And the package stands alone: installed (not editable) into a fresh venv, every command runs
from any directory, with the templates, assets, docs and default files it ships."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import cli
from hallofshame import db, schema
from hallofshame.kinds import OverrideFileError, read_overrides
from hallofshame.metrics import TIERS
from hallofshame.package_data import SHIPPED, shipped
from hallofshame.settings import load_settings
from simulator import SimConfig, Simulator, World
from simulator.build import LAND_ID_BASE, PARK_ID_BASE, RIDE_ID_BASE
from tests.conftest import FIXTURES
from tests.local_servers import free_port, get, running
from tests.test_cli import NOW, run

DEMO = ("demo", "--days", "0.05", "--parks", "2", "--rides", "30", "--until", "2026-07-04T18:00Z",
        "--no-serve")  # fmt: skip


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
    monkeypatch.setenv("DOCROOT", str(tmp_path / "real-docroot"))
    monkeypatch.setenv("DEMO_DOCROOT", str(tmp_path / "demo-docroot"))
    result = CliRunner().invoke(cli, ["--env-file", str(env_file), *DEMO])
    assert result.exit_code == 0, result.output
    assert f"-> sqlite:///{tmp_path}/demo.sqlite3" in result.stdout
    assert count(demo_url, schema.parks) == 2
    assert count(database_url, schema.parks) == count(database_url, schema.ride_snapshots) == 0
    assert (tmp_path / "demo-docroot" / "current" / "index.html").is_file()
    assert not (tmp_path / "real-docroot").exists()  # simulated pages never replace the site


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
    monkeypatch.setenv("API_DATABASE_URL", url)
    result = CliRunner().invoke(cli, [*args, "settings"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    shown = [line for line in result.stdout.splitlines() if "DATABASE_URL=" in line]
    assert len(shown) == 3 and all("***" in line and "@db" in line for line in shown)


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


def test_the_default_override_files_are_found_from_any_directory(tmp_path, monkeypatch):
    """The defaults name files shipped in the package, not files relative to where one runs."""
    monkeypatch.chdir(tmp_path)
    defaults = load_settings(env_file=None, environ={})
    assert read_overrides(defaults.kind_overrides_file, "kind", {"ride"}) == {}
    assert read_overrides(defaults.tier_overrides_file, "tier", {str(t) for t in TIERS}) == {}
    mine = tmp_path / "config" / "mine.csv"  # any other relative path is the caller's
    mine.parent.mkdir()
    mine.write_text("park_id,ride_id,kind\n1,2,other\n", encoding="utf-8")
    assert read_overrides("config/mine.csv", "kind", {"other"}) == {(1, 2): "other"}


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_every_kind_of_shipped_file_is_found(kind):
    found = shipped(kind)
    assert found.exists()
    assert found.is_dir() or found.stat().st_size > 0


ROOT = Path(__file__).resolve().parents[1]
NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests"
)


@pytest.mark.venv
def test_a_plain_install_runs_every_command_from_anywhere(tmp_path):
    """`pip install .` (not editable) into a fresh venv, then, from a directory that is not the
    checkout and with the default settings: db upgrade, collect from the simulator, aggregate,
    publish and serve. The source is copied first, so the build writes nothing into the
    checkout."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SHIPPED)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-input", "--no-compile"]
    subprocess.run([*pip, source], check=True, capture_output=True)
    shutil.rmtree(source)  # nothing may be read from a checkout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = [str(venv / "bin" / "hallofshame")]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}

    def hos(*args: str) -> str:
        done = subprocess.run(
            [*command, *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{args}: {done.stderr}"
        return done.stdout

    sim_port, now = free_port(), "2026-07-04T18:00:00Z"
    simulate = [*command, "simulate", "--port", str(sim_port), "--parks", "3", "--rides", "40",
                "--seed", "7", "--speed", "0", "--now", now]  # fmt: skip
    hos("db", "upgrade")
    with running(simulate, sim_port, "the simulator", cwd=elsewhere, env=env):
        env["QUEUE_TIMES_URL"] = f"http://127.0.0.1:{sim_port}"
        collected = json.loads(hos("collect", "--now", now, "--json"))
    assert collected["parks_ok"] == 3 and collected["rides_seen"] == 40
    hos("aggregate", "--now", "2026-07-04T18:00:30Z")
    published = json.loads(hos("publish", "--now", "2026-07-04T18:01:00Z", "--json"))
    assert published["files"] > 50
    assert (elsewhere / "var" / "docroot" / "current" / "index.html").is_file()

    port = free_port()
    serve = [*command, "serve", "--port", str(port)]
    with running(serve, port, "hallofshame serve", cwd=elsewhere, env=env):
        home, how = get(port, "/"), get(port, "/how-we-measure/")
        openapi, api = get(port, "/data/v1/openapi.json"), get(port, "/api/openapi.json")
    assert home.status == how.status == openapi.status == api.status == 200
    assert b"/assets/style." in home.body  # the shipped stylesheet, fingerprinted
    doc = shipped("docs").joinpath("metrics.md").read_text(encoding="utf-8").splitlines()
    first_words = next(line for line in doc if line and not line.startswith("#"))
    assert first_words.encode() in how.body  # docs/metrics.md, rendered
    assert (
        json.loads(openapi.body)
        == json.loads(api.body)
        == json.loads(shipped("openapi").read_bytes())
    )
