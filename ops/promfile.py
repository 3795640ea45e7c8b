"""Per-job metrics as a Prometheus text file, the node_exporter textfile-collector format.

Each job rewrites its own `hallofshame_<job>.prom` atomically after every run, so a scraper
(node_exporter's textfile collector, the CloudWatch agent's Prometheus scraping, or anything
that reads the format) always sees one whole, current file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

# The named per-job figures: which (stage, field) of the stages' summaries add up to each.
NAMED = {
    "parks_collected": (("collect", "parks_ok"),),
    "api_errors": (("collect", "parks_failed"),),
    "rows_written": (("collect", "snapshots_written"), ("publish", "written")),
}


@dataclass
class JobMetrics:
    job: str
    exit_status: int
    duration_s: float
    finished_at: float  # Unix time
    last_success_at: float | None
    skipped: bool = False  # another run held the lock
    timed_out: bool = False
    stages: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _gauge(registry: CollectorRegistry, name: str, help: str, labels: tuple[str, ...]) -> Gauge:
    return Gauge(f"hallofshame_{name}", help, labels, registry=registry)


def write(directory: Path, metrics: JobMetrics) -> Path:
    """Write the job's metrics file; returns its path."""
    registry = CollectorRegistry()
    job = (metrics.job,)
    fixed = {
        "job_success": ("1 when the last run succeeded", int(metrics.exit_status == 0)),
        "job_exit_status": ("exit status of the last run (124: timed out)", metrics.exit_status),
        "job_duration_seconds": ("wall time of the last run", metrics.duration_s),
        "job_last_run_timestamp_seconds": ("when the last run ended", metrics.finished_at),
        "job_skipped": ("1 when the last start found the job still running", int(metrics.skipped)),
        "job_timed_out": ("1 when the last run was killed at JOB_TIMEOUT_S", metrics.timed_out),
    }
    if metrics.last_success_at is not None:
        fixed["job_last_success_timestamp_seconds"] = (
            "when a run last succeeded",
            metrics.last_success_at,
        )
    for name, (help, value) in fixed.items():
        _gauge(registry, name, help, ("job",)).labels(*job).set(value)
    for name, sources in NAMED.items():
        found = [metrics.stages.get(stage, {}).get(key) for stage, key in sources]
        values = [value for value in found if _number(value)]
        if values:
            gauge = _gauge(registry, f"job_{name}", f"{name.replace('_', ' ')}, last run", ("job",))
            gauge.labels(*job).set(sum(values))
    _stage_gauges(registry, metrics)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"hallofshame_{_safe(metrics.job)}.prom"
    write_to_textfile(str(path), registry)
    return path


def _stage_gauges(registry: CollectorRegistry, metrics: JobMetrics) -> None:
    """Every number of every stage summary, as hallofshame_<stage>_<field>{job=...}."""
    for stage, summary in metrics.stages.items():
        for key, value in summary.items():
            if _number(value):
                name = f"{_safe(stage)}_{_safe(key)}"
                gauge = _gauge(registry, name, f"{stage} summary: {key}", ("job",))
                gauge.labels(metrics.job).set(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _safe(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)
