"""The publish cache of settled numbers (`publisher.cache`): whatever is in it, a publish gives
the pages a fresh read gives, says once what it could not use, and runs no code from it.

Each test publishes the small seeded world (tests/seeding.py) on SQLite and on MariaDB.
"""

from __future__ import annotations

import logging
import os
import pickle
from array import array
from datetime import date, timedelta
from pathlib import Path

import pytest

from publisher import publish
from publisher.cache import DIRECTORY, Miss, SettledCache, read_entry
from publisher.data import SHAPES
from tests.seeding import World, seed
from tests.test_publish_release import ride_files

WORLD = World()
NOW = WORLD.end
LATER = NOW + timedelta(minutes=10)


@pytest.fixture
def cached(engine, settings, tmp_path) -> list[Path]:
    """The cache files a first publish of the seeded world leaves."""
    seed(engine, WORLD)
    publish(engine, settings, tmp_path, NOW)
    found = sorted((tmp_path / DIRECTORY).iterdir())
    assert len(found) > 10
    return found


def same_as_a_fresh_publish(engine, settings, tmp_path) -> None:
    publish(engine, settings, tmp_path / "fresh", LATER, full=True)
    assert ride_files(tmp_path / "current") == ride_files(tmp_path / "fresh/current")


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("publish cache")]


def test_a_flipped_byte_in_any_cache_file_is_a_miss_read_again(
    engine, settings, tmp_path, cached, caplog
):
    """One byte changed (`start_at` became `start_as`: a KeyError on every publish before),
    or any byte: each file asked for is read from the database again, said once."""
    for path in cached:
        body = bytearray(path.read_bytes())
        where = body.find(b"start_at")
        body[where + 7 if where >= 0 else len(body) // 2] ^= 0x01
        path.write_bytes(bytes(body))
    with caplog.at_level(logging.WARNING):
        publish(engine, settings, tmp_path, LATER, full=False)
    warned = cache_warnings(caplog)
    assert warned and all("damaged" in w for w in warned)
    assert len(warned) == len(set(warned)) <= len(cached)
    same_as_a_fresh_publish(engine, settings, tmp_path)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        publish(engine, settings, tmp_path, LATER)
    assert cache_warnings(caplog) == []  # stored again, whole


def test_foreign_or_wrongly_shaped_entries_are_misses(engine, settings, tmp_path, cached):
    """A bare pickled int (a TypeError before), an entry of the right key holding an int or a
    dict of the wrong shape, and one whose pickle would run a function."""
    marker = tmp_path / "ran"
    cache = SettledCache(tmp_path / DIRECTORY)
    wrong = (42, {"heatmaps": 1}, {1: "not stats"}, Runs(marker))
    for n, path in enumerate(cached):
        key, _ = read_entry(path)
        if n % 5 == 4:
            path.write_bytes(pickle.dumps(42))
        else:
            cache.save(key, wrong[n % 5])
            with pytest.raises(Miss):
                cache.load(key, SHAPES[key[0]])
            if n % 5 == 3:
                with pytest.raises(Miss, match="not a cached data type"):
                    cache.load(key)  # no function runs, with or without a shape check
    publish(engine, settings, tmp_path, LATER)
    same_as_a_fresh_publish(engine, settings, tmp_path)
    assert not marker.exists()


def test_a_ride_year_holding_a_code_of_no_uptime_is_a_miss(engine, settings, tmp_path, cached):
    """A ride's year is cached as 16-bit uptime codes: one that is no uptime (1001 tenths of
    a percent) fails the shape check, and the publish reads the rows again."""
    cache = SettledCache(tmp_path / DIRECTORY)
    planted = 0
    for path in cached:
        key, value = read_entry(path)
        if key[0] == "past-rides":
            value["ride_year"][1001] = (date(2026, 1, 1), array("H", [1000, 1001]).tobytes())
            cache.save(key, value)
            with pytest.raises(Miss, match="wrong shape"):
                cache.load(key, SHAPES[key[0]])
            planted += 1
    assert planted == 1
    publish(engine, settings, tmp_path, LATER)
    same_as_a_fresh_publish(engine, settings, tmp_path)


class Runs:
    """Unpickled, it would make a directory: a cache file must never run code."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


def test_directories_in_place_of_cache_files_are_misses_and_removed(
    engine, settings, tmp_path, cached
):
    for path in cached:
        path.unlink()
        (path / "inside").mkdir(parents=True)
    publish(engine, settings, tmp_path, LATER, full=True)
    publish(engine, settings, tmp_path, LATER)
    assert all(path.is_file() for path in cached)
    same_as_a_fresh_publish(engine, settings, tmp_path)


def test_a_full_disk_while_storing_the_cache_is_one_logged_line(
    engine, settings, tmp_path, cached, caplog
):
    """Every file the cache writes goes to /dev/full (ENOSPC on the first write): the publish
    goes on, says so once, and the next one reads the database."""
    for path in cached:
        path.unlink()
        Path(f"{path}.{os.getpid()}.tmp").symlink_to("/dev/full")
    with caplog.at_level(logging.WARNING):
        summary = publish(engine, settings, tmp_path, LATER, full=True)
    assert summary.files > 300
    (warned,) = cache_warnings(caplog)
    assert "No space left on device" in warned
    assert not any(path.exists() for path in cached)
    same_as_a_fresh_publish(engine, settings, tmp_path)
    publish(engine, settings, tmp_path, LATER)
    assert all(path.is_file() for path in cached)
