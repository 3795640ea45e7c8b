"""The suite's guard against tests that write outside their temporary directories.

A test once published into the checkout's `var/docroot` (or an exported DOCROOT): afterwards
`hallofshame serve` showed a fake site and `health` read its stamp. `conftest.py` snapshots the
places a stray write lands in (the checkout's `var/`, and the directories and SQLite files the
environment's settings name) when the run starts, compares at the end, and fails the run on any
difference; it also scrubs those settings from the environment, so no subprocess a test starts
inherits them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PATH_SETTINGS = ("DOCROOT", "DEMO_DOCROOT", "LOG_DIR", "METRICS_DIR", "STATE_DIR")
URL_SETTINGS = ("DATABASE_URL", "DEMO_DATABASE_URL")

Snapshot = dict[str, tuple[int, int] | None]  # path -> (size, mtime_ns), None when absent


def watched(root: Path, environ: Mapping[str, str]) -> list[Path]:
    """`root/var` and every path the environment's settings name (relative ones from `root`)."""
    paths = [root / "var"]
    paths += [root / environ[name] for name in PATH_SETTINGS if environ.get(name)]
    for name in URL_SETTINGS:
        try:
            url = make_url(environ.get(name) or "")
        except ArgumentError:
            continue
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            paths.append(root / url.database)
    return paths


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Every file and directory under `paths`, with its size and modification time."""
    found: Snapshot = {}
    for top in paths:
        if not top.exists():
            found[str(top)] = None
            continue
        for path in [top, *top.rglob("*")] if top.is_dir() else [top]:
            try:
                stat = path.lstat()
            except OSError:  # gone while walking: another process writes here
                continue
            found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """One line per path made, changed or removed between two snapshots."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        what = "made" if old is None else "removed" if new is None else "changed"
        lines.append(f"{what}: {path}")
    return lines


def scrub(environ: os._Environ | dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """Remove the settings from the environment; returns what was removed."""
    return {name: environ.pop(name) for name in list(names) if name in environ}
