"""The benchmarks drop and create only databases of their own (`hos_bench*`), on both
databases, and refuse any other name before they connect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bench import scratch_db
from tests.conftest import MARIADB_SERVER

ROOT = Path(__file__).resolve().parent.parent
NOWHERE = "mysql+mysqldb://root@127.0.0.1:9"  # the discard port: nothing listens


@pytest.mark.parametrize(
    "name",
    ["hallofshame", "hos_test_abc", "production", "hos_benc", "HOS_BENCH", "hos_bench`; DROP x"],
)
def test_any_other_name_is_refused_before_connecting(name):
    with pytest.raises(scratch_db.NotABenchDatabase, match=r"must start with 'hos_bench'"):
        scratch_db.recreate(f"{NOWHERE}/{name}")
    with pytest.raises(scratch_db.NotABenchDatabase):
        scratch_db.drop(f"{NOWHERE}/{name}")


def test_an_sqlite_file_must_be_named_like_one_too(tmp_path):
    precious = tmp_path / "hallofshame.sqlite3"
    precious.write_bytes(b"data")
    with pytest.raises(scratch_db.NotABenchDatabase):
        scratch_db.drop(f"sqlite:///{precious}")
    assert precious.read_bytes() == b"data"


@pytest.mark.parametrize("script", ["bench_aggregate.py", "bench_collect.py"])
def test_the_scripts_refuse_a_real_database_with_one_line(script):
    option = ["--database-url", f"{NOWHERE}/hallofshame"]
    if script == "bench_collect.py":
        option = ["--server", NOWHERE, "--database", "hallofshame"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *option],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "refusing to use database 'hallofshame': a benchmark drops and recreates its database, "
        "so its name must start with 'hos_bench' (letters, digits and _ only)"
    ]


def test_recreate_and_drop_a_bench_database(database_url, tmp_path, worker):
    """On SQLite a `hos_bench*.sqlite3` file; on MariaDB a `hos_bench_*` database."""
    if make_url(database_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path}/hos_bench_test.sqlite3"
        present = lambda: (tmp_path / "hos_bench_test.sqlite3").exists()  # noqa: E731
    else:
        name = f"hos_bench_test_{worker}"
        url = f"{MARIADB_SERVER}/{name}"
        present = lambda: name in databases()  # noqa: E731
    scratch_db.recreate(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    assert present() and inspect(engine).get_table_names() == ["t"]
    engine.dispose()
    scratch_db.recreate(url)  # fresh: the table is gone
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    scratch_db.drop(url)
    assert not present()


def databases() -> set[str]:
    engine = create_engine(MARIADB_SERVER)
    with engine.connect() as conn:
        found = set(conn.scalars(text("SHOW DATABASES")))
    engine.dispose()
    return found
