"""Shared fixtures: a real database (SQLite, and MariaDB where the server runs), a clock.

Every database test takes the `engine` fixture and so runs twice: on a fresh migrated SQLite file
and on a MariaDB database of its own (emptied between tests). Without a MariaDB server the
MariaDB half is skipped, except under HALLOFSHAME_STRICT=1 (CI), where any skip is a failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, create_engine, text

from hallofshame import db, schema
from hallofshame.settings import Settings, load_settings, setting_names
from tests import write_guard
from tests.scenario import Scenario

MARIADB_SERVER = os.environ.get("HALLOFSHAME_TEST_MARIADB", "mysql+mysqldb://root@127.0.0.1:3306")
STRICT = os.environ.get("HALLOFSHAME_STRICT") == "1"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queue_times"  # real responses
ROOT = Path(__file__).resolve().parents[1]
MARIADB_PACKAGES = "build-essential pkg-config libmariadb-dev"  # as the Makefile says


def pytest_configure(config: pytest.Config) -> None:
    """Scrub the settings from the environment (no subprocess a test starts inherits an
    exported DOCROOT or DATABASE_URL), and, in the process that runs the session (not in an
    xdist worker), snapshot where a stray write would land (tests/write_guard.py)."""
    removed = write_guard.scrub(os.environ, setting_names())
    if not hasattr(config, "workerinput"):
        paths = write_guard.watched(ROOT, removed)
        config.stash[WRITE_GUARD] = (paths, write_guard.snapshot(paths))


WRITE_GUARD = pytest.StashKey[tuple[list[Path], write_guard.Snapshot]]()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when any test wrote outside its temporary directories."""
    if WRITE_GUARD not in session.config.stash:
        return
    paths, before = session.config.stash[WRITE_GUARD]
    found = write_guard.changes(before, write_guard.snapshot(paths))
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["tests wrote outside their temporary directories:", *found[:20]]
        for line in lines:
            if reporter is not None:
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Strict mode: a skipped test fails, so CI cannot pass with a service missing."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under HALLOFSHAME_STRICT=1: {report.longrepr}"


@pytest.fixture(scope="session")
def http_server() -> Iterator[HTTPServer]:
    """One threaded local HTTP server per test worker (a timeout must not hold up the other
    parks; starting one per test costs 0.5 s at teardown). Users clear it before serving."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def worker(worker_id: str) -> str:
    return worker_id if worker_id != "master" else "main"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def mariadb_driver_missing() -> str | None:
    """Why the MariaDB half cannot run on this machine: no driver (its build needs headers)."""
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        return (
            "the MariaDB driver (mysqlclient) is not installed: apt-get install "
            f"{MARIADB_PACKAGES}, then make test"
        )
    return None


@pytest.fixture(scope="session")
def mariadb_url(worker: str) -> Iterator[str]:
    """A migrated MariaDB database of this test worker's own."""
    # One database per checkout and worker: two checkouts testing at once never share one.
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    name = f"hos_test_{checkout}_{worker}"
    missing = mariadb_driver_missing()
    if missing:
        pytest.skip(missing)
    server = create_engine(MARIADB_SERVER)
    try:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    except Exception as exc:
        pytest.skip(f"MariaDB not reachable at {MARIADB_SERVER}: {db.one_line(exc)}")
    url = f"{MARIADB_SERVER}/{name}?charset=utf8mb4"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    yield url
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    server.dispose()


def empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: SQLite, then MariaDB."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("mariadb_url")
    engine = db.make_engine(url)
    empty_tables(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for tests: short timeouts and back-off, no .env, the test database."""
    return load_settings(
        {
            "database_url": database_url,
            "docroot": str(tmp_path / "docroot"),
            "connect_timeout_s": 2.0,
            "read_timeout_s": 2.0,
            "retry_attempts": 3,
            "retry_max_wait_s": 0.2,
            "cycle_deadline_s": 20.0,
            "collect_concurrency": 8,
        },
        env_file=None,
        environ={},
    )


@pytest.fixture
def sendgrid(http_server: HTTPServer) -> HTTPServer:
    """A local stand-in for SendGrid's mail API (POST /v3/mail/send answers 202, as the
    service does); SENDGRID_HOST points the real library at it."""
    http_server.clear()
    http_server.expect_request("/v3/mail/send", method="POST").respond_with_data("", status=202)
    return http_server


@pytest.fixture
def scenario(http_server, settings: Settings, engine: Engine) -> Scenario:
    """Cycles against the local Queue-Times stand-in, into the test database (tests/scenario.py)."""
    return Scenario(http_server, settings, engine)


CHROMIUM = os.environ.get("HALLOFSHAME_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium per test worker, shared by every browser test module: Playwright's sync API
    runs one instance per process, so a second module starting its own on the same worker fails
    ("Sync API inside the asyncio loop"). Debian's Chromium, launched by its path."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with playwright_sync.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
