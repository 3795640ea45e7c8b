"""A publish that fails on a bug (a template or a context asking for what is not there) logs
the traceback, so the one line the operator gets is not all there is to go on; a failure of
the disk stays one line (its message says it all). Either way the live site is unchanged."""

from __future__ import annotations

import logging
import sys

import pytest
from jinja2 import UndefinedError

from publisher import PublishError, publish
from tests.seeding import World

NOW = World().end


def broken_template(*args: object) -> None:
    raise UndefinedError("'dict object' has no attribute 'nope'")


def disk_full(*args: object) -> None:
    raise OSError(28, "No space left on device")


def test_a_bug_in_a_publish_is_logged_with_its_traceback(
    engine, settings, tmp_path, caplog, monkeypatch
):
    monkeypatch.setattr(sys.modules["publisher.publish"], "_write_extras", broken_template)
    with caplog.at_level(logging.ERROR), pytest.raises(PublishError, match=r"^UndefinedError: "):
        publish(engine, settings, tmp_path, NOW)
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.name == "publisher.publish" and record.exc_info[0] is UndefinedError
    assert "broken_template" in caplog.text  # the traceback: where it happened
    assert not (tmp_path / "current").exists()


def test_a_full_disk_is_one_line_without_a_traceback(
    engine, settings, tmp_path, caplog, monkeypatch
):
    monkeypatch.setattr(sys.modules["publisher.publish"], "_write_extras", disk_full)
    with caplog.at_level(logging.ERROR), pytest.raises(PublishError, match="No space left"):
        publish(engine, settings, tmp_path, NOW)
    assert not [r for r in caplog.records if r.exc_info]
