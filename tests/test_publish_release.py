"""Atomic, incremental releases: kill a publish, publish twice, roll back, fail cleanly."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from cli import cli
from hallofshame import schema
from hallofshame.clock import to_db
from publisher import PublishError, publish, rollback
from publisher.publish import PublishSummary
from publisher.release import Docroot
from publisher.writer import Writer
from tests.seeding import World, seed
from tests.site_tree import files

WORLD = World()
NOW = WORLD.end


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under a release: its content hash and modification time."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in files(root)
    }


@pytest.fixture
def seeded(engine):
    seed(engine, WORLD)
    return engine


def test_a_second_publish_without_new_data_rewrites_no_file(seeded, settings, tmp_path):
    first = publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    time.sleep(0.01)  # a rewrite would show in the modification times
    second = publish(seeded, settings, tmp_path, NOW)
    assert second.mode == "incremental" and second.rendered == second.written == 0
    assert second.unchanged == second.files == first.files
    assert snapshot(tmp_path / "current") == before
    assert first.release != second.release


def test_full_publish_keeps_the_files_whose_bytes_did_not_change(seeded, settings, tmp_path):
    publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    again = publish(seeded, settings, tmp_path, NOW, full=True)
    assert again.mode == "full" and again.rendered > 0 and again.written == 0
    assert snapshot(tmp_path / "current") == before


def test_after_cycle_publish_renders_only_what_moved(seeded, settings, tmp_path):
    publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    with seeded.begin() as conn:  # a ride of park 101 breaks down in the new cycle
        later = to_db(NOW + timedelta(minutes=10))
        conn.execute(schema.aggregated_cycles.insert().values(cycle_at=later, aggregated_at=later))
        live = schema.ride_live
        conn.execute(update(live).values(cycle_at=later))
        conn.execute(update(schema.park_live).values(cycle_at=later))
        conn.execute(update(live).where(live.c.ride_id == 1001).values(status="down"))
        daily = schema.ride_daily
        conn.execute(
            update(daily)
            .where(daily.c.ride_id == 1001, daily.c.final.is_(False))
            .values(down_minutes=daily.c.down_minutes + 10, breakdowns=daily.c.breakdowns + 1)
        )
    after = publish(seeded, settings, tmp_path, NOW + timedelta(minutes=10))
    changed = {
        rel for rel, value in snapshot(tmp_path / "current").items() if before.get(rel) != value
    }
    park_id = json.loads((tmp_path / "current/data/v1/rides/1001.json").read_text())["ride"][
        "park_id"
    ]
    assert {f"parks/{park_id}/index.html", f"data/v1/parks/{park_id}.json"} <= changed
    assert "rankings/rides/today/all/index.html" in changed
    assert "rankings/parks/yesterday/all/index.html" not in changed
    # A ride's page holds the days that have ended: today's breakdown is on its park's page.
    assert "rides/1001/index.html" not in changed and "data/v1/rides/1001.json" not in changed
    park = json.loads((tmp_path / f"current/data/v1/parks/{park_id}.json").read_text())
    row = next(r for r in park["rides"] if r["ride_id"] == 1001)
    assert park["data_as_of"] == "2026-07-04T18:10:00Z" and row["status"] == "down"
    assert 0 < after.rendered < after.files / 4
    # The ride files kept without building their context are what rendering them gives.
    publish(seeded, settings, tmp_path / "fresh", NOW + timedelta(minutes=10), full=True)
    assert ride_files(tmp_path / "current") == ride_files(tmp_path / "fresh/current")


def test_a_day_finalised_in_one_park_renders_only_that_parks_ride_pages(seeded, settings, tmp_path):
    """Parks finish their days at their own midnights: a recomputed day of park 101 renders
    its rides' pages again, not the other parks' (a recomputed day everywhere renders all)."""
    publish(seeded, settings, tmp_path, NOW)
    yesterday = (NOW - timedelta(days=1)).date()
    park_daily = schema.park_daily

    def recompute(minutes: int, *where: Any) -> PublishSummary:
        with seeded.begin() as conn:
            conn.execute(
                update(park_daily)
                .where(park_daily.c.day == yesterday, *where)
                .values(computed_at=to_db(NOW + timedelta(days=1, minutes=minutes)))
            )
        return publish(seeded, settings, tmp_path, NOW)

    one_park = recompute(1, park_daily.c.park_id == 101)
    everywhere = recompute(2)
    with seeded.connect() as conn:
        rides = schema.rides
        others = conn.scalar(select(func.count()).where(rides.c.park_id != 101))
    assert others > 0
    assert one_park.built + others <= everywhere.built


def test_a_page_missing_one_of_its_files_is_rendered_again(seeded, settings, tmp_path):
    """A ride page is carried over only whole: its JSON gone from the live release (someone
    deleted it), the next publish renders both files again instead of keeping the page."""
    publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    (tmp_path / "current/data/v1/rides/1002.json").unlink()
    (tmp_path / "current/data/v1/rides/1002.json.gz").unlink(missing_ok=True)
    after = publish(seeded, settings, tmp_path, NOW)
    assert after.rendered == 1 and after.written == 1  # the page unchanged: linked by hash
    assert (
        snapshot(tmp_path / "current")["rides/1002/index.html"] == before["rides/1002/index.html"]
    )
    assert json.loads((tmp_path / "current/data/v1/rides/1002.json").read_text())["ride"]


def test_cached_settled_numbers_give_the_pages_a_fresh_read_gives(seeded, settings, tmp_path):
    """The after-cycle publish takes the settled days from the cache, reading a file only when
    a page asks: a renamed ride's page is built from cached history, a damaged file is read
    again from the database, and both give the bytes of a publish that read everything."""
    publish(seeded, settings, tmp_path, NOW)
    cached = sorted((tmp_path / ".publish-cache").iterdir())
    assert cached
    for path in cached[::2]:  # every other file damaged: those asked for are read again
        path.write_bytes(b"\x80\x05 damaged")
    with seeded.begin() as conn:
        rides = schema.rides
        conn.execute(update(rides).where(rides.c.id == 1001).values(name="Renamed Coaster"))
    later = NOW + timedelta(minutes=10)
    after = publish(seeded, settings, tmp_path, later)
    assert after.mode == "incremental" and after.rendered < after.files / 2
    publish(seeded, settings, tmp_path / "fresh", later, full=True)
    assert ride_files(tmp_path / "current") == ride_files(tmp_path / "fresh/current")
    ride = json.loads((tmp_path / "current/data/v1/rides/1001.json").read_text())
    assert ride["ride"]["name"] == "Renamed Coaster" and ride["uptime_history"]


def ride_files(root: Path) -> dict[str, bytes]:
    """Every ride page and file and every park file of a release, without the stamps a kept
    file keeps from the publish that wrote it (a ride's data_as_of is its park's midnight)."""
    found = {}
    rides = [*files(root / "rides", ".html"), *files(root / "data/v1/rides", ".json")]
    for path in [*rides, *files(root / "data/v1/parks", ".json")]:
        body = path.read_bytes()
        if path.suffix == ".json":
            stamps = (
                ("generated_at", "data_as_of", "data_as_of_local")
                if "parks" in path.parts
                else ("generated_at",)
            )
            body = json.dumps({**json.loads(body), **dict.fromkeys(stamps)}).encode()
        found[path.relative_to(root).as_posix()] = body
    assert found
    return found


def test_a_ride_page_changes_when_an_ended_day_does(seeded, settings, tmp_path):
    """Finalising yesterday with one more outage minute moves the ride's page (the settled
    version changed), and only the pages made of it."""
    publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    yesterday = (NOW - timedelta(days=1)).date()
    with seeded.begin() as conn:
        daily = schema.ride_daily
        conn.execute(
            update(daily)
            .where(daily.c.ride_id == 1001, daily.c.day == yesterday)
            .values(down_minutes=daily.c.down_minutes + 30, final=True)
        )
        park_daily = schema.park_daily
        conn.execute(
            update(park_daily)
            .where(park_daily.c.day == yesterday)
            .values(computed_at=to_db(NOW + timedelta(minutes=1)), final=True)
        )
    publish(seeded, settings, tmp_path, NOW)
    changed = {
        rel for rel, value in snapshot(tmp_path / "current").items() if before.get(rel) != value
    }
    assert {"rides/1001/index.html", "data/v1/rides/1001.json"} <= changed
    assert "data/v1/rides/1002.json" not in changed


def test_a_killed_publish_leaves_current_byte_for_byte(engine, settings, tmp_path, database_url):
    seed(engine, World(parks=4, rides=200))  # a few seconds of publishing to kill
    publish(engine, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")
    target = os.readlink(tmp_path / "current")
    hallofshame = str(Path(sys.executable).parent / "hallofshame")
    later = (NOW + timedelta(hours=1)).isoformat()
    command = [
        hallofshame, "--env-file", "/nonexistent", "--database-url", database_url,
        "publish", "--out", str(tmp_path), "--now", later, "--full",
    ]  # fmt: skip
    for delay in (0.0, 0.05, 0.2):  # after the staging directory appears: part-way
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PUBLISH_WORKERS": "2"},  # forked children are killed too
        )
        assert wait_for_staging(tmp_path / "releases", process), "the publish never staged"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL, "the publish finished before the kill"
        assert os.readlink(tmp_path / "current") == target
        assert snapshot(tmp_path / "current") == before
        assert no_process_left(str(tmp_path)), "a forked child outlived the killed publish"
    publish(engine, settings, tmp_path, NOW)  # the next run removes the stale staging
    assert not [p for p in (tmp_path / "releases").iterdir() if p.name.endswith(".tmp")]


def no_process_left(marker: str, wait_s: float = 10.0) -> bool:
    """Whether every process whose command line names `marker` is gone (within `wait_s`)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        alive = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if marker.encode() in cmdline.read_bytes():
                    alive.append(cmdline)
            except OSError:
                continue  # gone meanwhile
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_a_publish_forked_on_two_workers_writes_what_one_process_writes(seeded, settings, tmp_path):
    """Pages rendered by forked children are the pages one process renders, full and after a
    cycle, and the summary counts them all."""
    serial, forked = replace(settings, publish_workers=1), replace(settings, publish_workers=2)
    one = publish(seeded, serial, tmp_path / "one", NOW, full=True)
    two = publish(seeded, forked, tmp_path / "two", NOW, full=True)
    assert contents(tmp_path / "one/current") == contents(tmp_path / "two/current")
    assert (one.files, one.written, one.rendered, one.bytes) == (
        two.files,
        two.written,
        two.rendered,
        two.bytes,
    )
    with seeded.begin() as conn:
        live = schema.ride_live
        conn.execute(update(live).where(live.c.ride_id == 1001).values(status="down"))
    one = publish(seeded, serial, tmp_path / "one", NOW)
    two = publish(seeded, forked, tmp_path / "two", NOW)
    assert contents(tmp_path / "one/current") == contents(tmp_path / "two/current")
    assert (one.rendered, one.written, one.unchanged) == (two.rendered, two.written, two.unchanged)
    assert 0 < two.rendered < two.files / 4


def contents(root: Path) -> dict[str, str]:
    return {rel: digest for rel, (digest, _) in snapshot(root).items()}


def wait_for_staging(releases: Path, process: subprocess.Popen) -> bool:
    while process.poll() is None:
        if any(p.name.endswith(".tmp") for p in releases.iterdir()):
            return True
        time.sleep(0.005)
    return False


def test_rollback_switches_to_the_previous_release(seeded, settings, tmp_path):
    first = publish(seeded, settings, tmp_path, NOW)
    first_files = snapshot(tmp_path / "current")
    second = publish(seeded, settings, tmp_path, NOW + timedelta(days=1))
    assert snapshot(tmp_path / "current") != first_files
    assert rollback(tmp_path).name == first.release
    assert snapshot(tmp_path / "current") == first_files
    with pytest.raises(PublishError, match="no release before"):
        rollback(tmp_path)
    assert second.release in {p.name for p in Docroot(tmp_path).releases()}


def test_only_the_last_releases_are_kept(seeded, settings, tmp_path):
    for hours in range(7):
        publish(seeded, settings, tmp_path, NOW + timedelta(hours=hours))
    releases = Docroot(tmp_path).releases()
    assert len(releases) == 5 and Docroot(tmp_path).current() == releases[-1]
    manifests = sorted((tmp_path / "releases").glob("*.manifest.json"))
    assert [m.name.removesuffix(".manifest.json") for m in manifests] == [r.name for r in releases]


def test_the_writer_refuses_a_path_twice(tmp_path):
    writer = Writer(tmp_path, None)
    writer.write("a/b.html", b"x")
    with pytest.raises(PublishError, match="written twice"):
        writer.write("a/b.html", b"y")


def test_a_failed_publish_is_one_line_and_leaves_the_site(
    seeded, settings, tmp_path, database_url, monkeypatch
):
    publish(seeded, settings, tmp_path, NOW)
    before = snapshot(tmp_path / "current")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys.modules["publisher.publish"], "_write_extras", disk_full)
    args = ["--out", str(tmp_path), "--now", (NOW + timedelta(hours=1)).isoformat(), "--full"]
    result = CliRunner().invoke(
        cli, ["--env-file", "/nonexistent", "--database-url", database_url, "publish", *args]
    )
    assert result.exit_code == 1
    assert result.output.startswith("hallofshame: publish failed: OSError")
    assert "No space left on device" in result.output and result.output.count("\n") == 1
    assert snapshot(tmp_path / "current") == before
    assert [p.name for p in (tmp_path / "releases").iterdir() if p.name.endswith(".tmp")] == []


def test_a_recomputed_settled_day_reaches_the_completed_periods(seeded, settings, tmp_path):
    """Completed periods are kept between publishes until a settled day changes (redo-day)."""
    publish(seeded, settings, tmp_path, NOW)
    path = tmp_path / "current/data/v1/parks/101.json"
    before = json.loads(path.read_text())["periods"]["yesterday"]
    park, ride = schema.park_daily, schema.ride_daily
    with seeded.begin() as conn:
        yesterday = conn.scalar(
            select(func.max(park.c.day)).where(park.c.park_id == 101, park.c.final.is_(True))
        )
        for table in (park, ride):
            conn.execute(
                update(table)
                .where(table.c.park_id == 101, table.c.day == yesterday)
                .values(down_minutes=table.c.down_minutes + 60)
            )
        later = to_db(NOW + timedelta(minutes=5))
        conn.execute(
            update(park)
            .where(park.c.park_id == 101, park.c.day == yesterday)
            .values(computed_at=later)
        )
    publish(seeded, settings, tmp_path, NOW)
    after = json.loads(path.read_text())["periods"]["yesterday"]
    assert after["downtime_hours"] > before["downtime_hours"]
    ranking = json.loads(
        (tmp_path / "current/data/v1/rankings/parks/yesterday/all.json").read_text()
    )
    item = next(i for i in ranking["items"] if i["park_id"] == 101)
    assert item["downtime_hours"] == after["downtime_hours"]


def test_one_publish_at_a_time_in_a_docroot(tmp_path):
    """A second publish (or rollback) in the same docroot is refused at once, in one line."""
    docroot = Docroot(tmp_path / "docroot")
    busy = r"^another publish is running in .*docroot$"
    with docroot.locked(), pytest.raises(PublishError, match=busy), docroot.locked():
        raise AssertionError("two publishes ran at once")
    with docroot.locked():  # free again
        pass


def test_a_docroot_whose_lock_file_cannot_be_made_is_one_line(tmp_path):
    docroot = Docroot(tmp_path / "docroot")
    (tmp_path / "docroot" / "releases").mkdir(parents=True)
    (tmp_path / "docroot" / ".publish.lock").symlink_to(tmp_path / "nowhere" / "lock")
    unusable = r"^cannot use docroot .*No such file"
    with pytest.raises(PublishError, match=unusable), docroot.locked():
        raise AssertionError("published without the lock")
