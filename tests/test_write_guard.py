"""The write guard (tests/write_guard.py, wired in conftest.py) sees a stray write, and the
settings that would steer one are scrubbed from the environment of every test."""

from __future__ import annotations

import os
from pathlib import Path

from hallofshame.settings import setting_names
from tests import write_guard


def test_a_file_made_changed_or_removed_under_a_watched_path_is_named(tmp_path):
    var, docroot = tmp_path / "var", tmp_path / "exported-docroot"
    (var / "log").mkdir(parents=True)
    (var / "log" / "cycle.log").write_text("old")
    (var / "gone.txt").write_text("x")
    environ = {"DOCROOT": str(docroot), "DATABASE_URL": "sqlite:///db.sqlite3"}
    paths = write_guard.watched(tmp_path, environ)
    assert paths == [var, docroot, tmp_path / "db.sqlite3"]
    before = write_guard.snapshot(paths)
    assert write_guard.changes(before, write_guard.snapshot(paths)) == []

    (var / "log" / "cycle.log").write_text("a longer line")
    (var / "gone.txt").unlink()
    (docroot / "current").mkdir(parents=True)
    (tmp_path / "db.sqlite3").write_bytes(b"")
    assert write_guard.changes(before, write_guard.snapshot(paths)) == [
        f"made: {tmp_path / 'db.sqlite3'}",
        f"made: {docroot}",
        f"made: {docroot / 'current'}",
        f"changed: {var}",  # an entry went
        f"removed: {var / 'gone.txt'}",
        f"changed: {var / 'log' / 'cycle.log'}",
    ]


def test_no_setting_reaches_a_test_or_its_subprocesses():
    assert [name for name in setting_names() if name in os.environ] == []


def test_a_mariadb_url_or_no_url_is_not_watched(tmp_path: Path):
    environ = {"DATABASE_URL": "mysql+mysqldb://u:p@h/db", "DEMO_DATABASE_URL": "not a url"}
    assert write_guard.watched(tmp_path, environ) == [tmp_path / "var"]
