"""How a job tells `hallofshame job` what it did: one JSON line per stage summary in a file.

`hallofshame job` starts the job's command with HALLOFSHAME_JOB_SUMMARY naming a fresh file; the
command appends its stages' summaries (`record`) and, for the health check, the incidents it
found (`declare_incidents`). Run by hand, without the variable, both do nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

JOB_ENV = "HALLOFSHAME_JOB"  # the job's name, for the `job` field of the command's JSON logs
SUMMARY_ENV = "HALLOFSHAME_JOB_SUMMARY"


def _append(entry: Mapping[str, Any]) -> None:
    path = os.environ.get(SUMMARY_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry, default=str) + "\n")


def record(stage: str, summary: Mapping[str, Any]) -> None:
    """Note a stage's summary (the dict its `as_json()` gives) for the running job."""
    _append({"stage": stage, "summary": dict(summary)})


def declare_incidents(incidents: Mapping[str, str]) -> None:
    """Name the problems a failing run found ({key: one line}), each its own incident."""
    _append({"incidents": dict(incidents)})


def read(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """({stage: summary}, {incident key: line}) from a summary file; a torn line is skipped."""
    stages: dict[str, dict[str, Any]] = {}
    incidents: dict[str, str] = {}
    if not path.is_file():
        return stages, incidents
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a job killed mid-write: what was written before still counts
        if "stage" in entry:
            stages[str(entry["stage"])] = entry.get("summary") or {}
        incidents.update(entry.get("incidents") or {})
    return stages, incidents
