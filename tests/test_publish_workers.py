"""Pages rendered on forked workers (`publisher.parallel`): a worker that dies (the OOM killer,
a crash) fails the publish at once with one line, and leaves the live site as it was; it never
leaves the publish waiting for an answer that cannot come until the job's timeout."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from dataclasses import replace

import pytest

from publisher import PublishError, parallel, publish
from publisher.writer import Writer
from tests.seeding import World, seed

WORLD = World()
NOW = WORLD.end


def test_a_worker_that_dies_fails_the_publish_at_once(engine, settings, tmp_path, monkeypatch):
    seed(engine, WORLD)
    publish(engine, settings, tmp_path, NOW)
    current = os.readlink(tmp_path / "current")
    module = sys.modules["publisher.publish"]
    parent, emit = os.getpid(), module.Run.emit

    def dies_in_a_child(self, *args, **kwargs):
        if os.getpid() != parent:
            os._exit(9)  # as if killed: no exception, no answer
        return emit(self, *args, **kwargs)

    def hung(*args: object) -> None:
        raise TimeoutError("the publish waited for a dead worker")

    monkeypatch.setattr(module.Run, "emit", dies_in_a_child)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(PublishError, match="a rendering process died"):
            publish(engine, replace(settings, publish_workers=2), tmp_path, NOW, full=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert os.readlink(tmp_path / "current") == current
    assert not [p for p in (tmp_path / "releases").iterdir() if p.name.endswith(".tmp")]


def test_the_processes_take_every_page_once_in_chunks() -> None:
    """Three processes take chunks of one list in turn: each page is rendered once, and the
    process whose first chunk is slow renders fewer pages while the others take the rest
    (dealt in equal shares up front, it rendered a third)."""
    items = [(n,) for n in range(10 * parallel.CHUNK + 3)]
    parent, seen, mine_in_parent = os.getpid(), [], []

    def render_share(share, check):
        mine = []
        for item in share:
            if check is not None:
                check()
            elif len(mine) < parallel.CHUNK:  # the parent's first chunk is slow
                time.sleep(0.05)
            mine.append(item)
        if os.getpid() == parent:
            mine_in_parent.extend(mine)
            return None
        return mine

    parallel.render_all(items, render_share, seen.extend, 3)
    assert sorted(seen + mine_in_parent) == items
    assert len(mine_in_parent) < len(items) / 3


def test_a_publish_leaves_garbage_collection_as_it_found_it(
    engine, settings, tmp_path, monkeypatch
):
    """The load runs without collection and its data is frozen while pages render: after a
    publish, whole or failed, nothing stays frozen and collection is on again."""
    seed(engine, WORLD)
    publish(engine, settings, tmp_path, NOW)
    assert gc.isenabled() and gc.get_freeze_count() == 0

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Writer, "write", full_disk)
    with pytest.raises(PublishError, match="No space left"):
        publish(engine, settings, tmp_path, NOW, full=True)
    assert gc.isenabled() and gc.get_freeze_count() == 0
