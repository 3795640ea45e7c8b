"""`make test` on a machine without the MariaDB client headers: one line naming the packages,
the SQLite half runs, the MariaDB half is skipped with that reason (a failure when strict)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MARIADB_PACKAGES

ROOT = Path(__file__).resolve().parents[1]
# mysqlclient as if it could not be built: importing it fails.
WITHOUT_DRIVER = (
    "import sys; sys.modules['MySQLdb'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"
)


def make(*args: str) -> subprocess.CompletedProcess:
    # -o: take the installed test tools as they are (a test must not touch the venv)
    command = ["make", "-s", "-C", str(ROOT), "-o", ".venv/.installed-test", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("missing", ["PKG_CONFIG=/nonexistent/pkg-config", "CC_CHECK=false"])
def test_without_the_headers_make_names_the_packages_in_one_line(missing):
    run = make("mariadb-driver", "HAVE_DRIVER=false", missing)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "make: no MariaDB client headers, so the MariaDB half of the tests is skipped: "
        f"apt-get install {MARIADB_PACKAGES}"
    ]
    assert MARIADB_PACKAGES in (ROOT / "Makefile").read_text()


def test_with_the_driver_in_make_says_nothing():
    run = make("mariadb-driver")
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


@pytest.mark.parametrize("strict", ["", "1"])
def test_without_the_driver_the_sqlite_half_runs(strict):
    env = {**os.environ, "HALLOFSHAME_STRICT": strict, "PYTEST_ADDOPTS": ""}
    test = "tests/test_schema.py::test_migrations_match_the_schema_module"
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_DRIVER, "-p", "no:cacheprovider", "-n", "0", "-rs", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    reason = (
        f"the MariaDB driver (mysqlclient) is not installed: apt-get install {MARIADB_PACKAGES}"
    )
    assert reason in run.stdout
    if strict:
        assert run.returncode == 1 and "1 passed, 1 error" in run.stdout  # the skip, failed
    else:
        assert run.returncode == 0 and "1 passed, 1 skipped" in run.stdout
