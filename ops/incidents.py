"""Incidents: one alert mail when a problem starts, one when it ends, silence in between.

An incident is a key (`job:cycle`, `health:stale-data`) owned by the job that found it. Each run
of a job reports the keys that fail now; `update` opens the new ones, closes that job's keys that
no longer fail, and says which to mail. The state is a small JSON file, not the database: the
database being down is itself an incident. Read-modify-write runs under an exclusive lock.
A mail that could not be sent (SendGrid down) is retried by the next run, never repeated once
sent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hallofshame.clock import iso, parse_instant
from hallofshame.lock import file_lock
from hallofshame.settings import Settings


@dataclass(frozen=True)
class Event:
    """A mail to send: an incident started (`opened`) or ended (`closed`)."""

    key: str
    kind: str  # opened | closed
    detail: str
    since: datetime


def state_file(settings: Settings) -> Path:
    return Path(settings.state_dir) / "incidents.json"


@contextmanager
def _locked_state(path: Path) -> Iterator[dict[str, Any]]:
    with file_lock(path.with_name(path.name + ".lock"), wait_s=None):
        state = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        yield state
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def update(path: Path, owner: str, failing: Mapping[str, str], now: datetime) -> list[Event]:
    """Record that `owner` now fails with exactly `failing` ({key: detail}); the events to mail.

    Open incidents whose mail was not sent yet are returned again (as `opened`).
    """
    events: list[Event] = []
    with _locked_state(path) as state:
        for key, detail in failing.items():
            entry = state.setdefault(
                key, {"owner": owner, "since": iso(now), "detail": detail, "mailed": False}
            )
            if not entry["mailed"]:
                events.append(Event(key, "opened", entry["detail"], parse_instant(entry["since"])))
        for key in [k for k, e in state.items() if e["owner"] == owner and k not in failing]:
            entry = state.pop(key)
            if entry["mailed"]:  # nobody was told it started: no need to say it ended
                events.append(Event(key, "closed", entry["detail"], parse_instant(entry["since"])))
    return events


def mark_mailed(path: Path, key: str) -> None:
    """The opening mail of `key` went out: never send it again for this incident."""
    with _locked_state(path) as state:
        if key in state:
            state[key]["mailed"] = True
