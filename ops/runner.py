"""Run one job for cron: a lock so runs of the same job never overlap, a timeout, the output
appended to the job's log, structured start and end lines, metrics, and alert mails.

The job itself is the same `hallofshame` subcommand a person runs, started as a child process
(so a hang anywhere in it can be killed with its whole process group). Its exit status decides
the incident: non-zero opens `job:<name>` (or the incidents the job declared, see
`ops.summaries`), zero closes it; `ops.incidents` makes sure each is mailed once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hallofshame.clock import iso, utcnow
from hallofshame.lock import FileLockBusy, file_lock
from hallofshame.logs import formatter, mask_text, secrets_of
from hallofshame.settings import Settings
from ops import incidents, promfile, summaries
from ops.mail import mail_configured, send_mail

log = logging.getLogger("hallofshame.job")

EXIT_TIMEOUT = 124  # as timeout(1)
EXIT_LOCKED = 75  # EX_TEMPFAIL: the previous run still holds the lock
TAIL_LINES = 40
KILL_GRACE_S = 10.0


@dataclass
class JobResult:
    job: str
    exit_status: int
    duration_s: float = 0.0
    skipped: bool = False
    timed_out: bool = False
    tail: list[str] = field(default_factory=list)
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    failing: dict[str, str] = field(default_factory=dict)  # incident key -> one line
    mails_failed: list[str] = field(default_factory=list)  # subjects SendGrid did not take
    # Alerts for `cron/job` to print, so cron's MAILTO mails them: without SendGrid they are
    # delivered that way (once, like a mail); with it, only those SendGrid did not take.
    to_print: list[str] = field(default_factory=list)


def run_job(
    settings: Settings, job: str, command: Sequence[str], timeout_s: float | None = None
) -> JobResult:
    """Run `command` (argv) as job `job` under its lock; never raises for the job's failures."""
    log_path = Path(settings.log_dir) / f"{job}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with _JobLogHandler(settings, log_path, job), ExitStack() as held:
        try:
            held.enter_context(file_lock(_job_lock(settings, job), wait_s=0))
        except FileLockBusy:
            log.warning("%s is still running: this run exits at once", job, extra=_fields())
            result = JobResult(job, EXIT_LOCKED, skipped=True)
            _write_metrics(settings, result)
            return result
        result = _run_locked(settings, job, command, timeout_s or settings.job_timeout_s, log_path)
        _write_metrics(settings, result)
        _alert(settings, result, command)
    return result


def _fields(**more: Any) -> dict[str, Any]:
    return {"host": socket.gethostname(), **more}


class _JobLogHandler:
    """While a job runs, the runner's own log lines go to the job's log file too."""

    def __init__(self, settings: Settings, path: Path, job: str) -> None:
        self.handler = logging.FileHandler(path, encoding="utf-8")
        self.handler.setFormatter(formatter(settings.log_format, secrets_of(settings), job=job))
        for name in ("hallofshame.job", "ops"):  # at LOG_LEVEL, however the caller set up logs
            logging.getLogger(name).setLevel(settings.log_level.upper())

    def __enter__(self) -> None:
        logging.getLogger().addHandler(self.handler)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()


def _job_lock(settings: Settings, job: str) -> Path:
    """STATE_DIR/locks/<job>.lock, never waited for: the lock `flock(1)` takes too."""
    return Path(settings.state_dir) / "locks" / f"{job}.lock"


def _run_locked(
    settings: Settings, job: str, command: Sequence[str], timeout_s: float, log_path: Path
) -> JobResult:
    log.info("%s started", job, extra=_fields(command=list(command), timeout_s=timeout_s))
    with tempfile.TemporaryDirectory(prefix="hallofshame-job-") as tmp:
        summary_file = Path(tmp) / "summary.jsonl"
        env = {**os.environ, summaries.JOB_ENV: job, summaries.SUMMARY_ENV: str(summary_file)}
        start = time.monotonic()
        with open(log_path, "ab") as out:
            offset = out.tell()
            status, timed_out = _wait(command, env, out, timeout_s, secrets_of(settings))
        result = JobResult(job, status, time.monotonic() - start, timed_out=timed_out)
        result.stages, declared = summaries.read(summary_file)
    result.tail = _tail(log_path, offset)
    if status != 0:
        last = result.tail[-1] if result.tail else "no output"
        what = f"timed out after {timeout_s:.0f} s" if timed_out else f"exit status {status}"
        result.failing = declared or {f"job:{job}": f"{job} failed ({what}): {last}"}
    level = logging.INFO if status == 0 else logging.ERROR
    log.log(
        level,
        "%s finished with exit status %s in %.1f s",
        job,
        status,
        result.duration_s,
        extra=_fields(
            exit_status=status,
            duration_s=round(result.duration_s, 3),
            timed_out=timed_out,
            summaries=result.stages,
        ),
    )
    return result


def _wait(
    command: Sequence[str],
    env: dict[str, str],
    out: IO[bytes],
    timeout_s: float,
    secrets: Iterable[str] = (),
) -> tuple[int, bool]:
    """Run the child in its own process group, its output copied to `out` line by line with
    secrets masked; on timeout TERM, then KILL, the whole group.
    (exit status as a shell reports it: 128 + N when killed by signal N, timed out)"""
    proc = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None
    copier = threading.Thread(target=_copy_masked, args=(proc.stdout, out, list(secrets)))
    copier.daemon = True  # a descendant that left the group may hold the pipe open
    copier.start()
    try:
        status = proc.wait(timeout=timeout_s)
        result = (128 - status if status < 0 else status), False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        result = EXIT_TIMEOUT, True
    copier.join(KILL_GRACE_S)
    return result


def _copy_masked(source: IO[bytes], out: IO[bytes], secrets: list[str]) -> None:
    """The child's output into the job's log as it comes, no secret in it (a driver's error
    may quote the database URL)."""
    for line in source:
        text = line.decode("utf-8", errors="replace")
        out.write(mask_text(text, secrets).encode("utf-8"))
        out.flush()


def _tail(path: Path, offset: int) -> list[str]:
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", errors="replace")
    return text.splitlines()[-TAIL_LINES:]


def _write_metrics(settings: Settings, result: JobResult) -> None:
    directory = Path(settings.metrics_dir)
    previous = _last_success(directory / f"hallofshame_{result.job}.prom")
    now = time.time()
    promfile.write(
        directory,
        promfile.JobMetrics(
            job=result.job,
            exit_status=result.exit_status,
            duration_s=result.duration_s,
            finished_at=now,
            last_success_at=now if result.exit_status == 0 else previous,
            skipped=result.skipped,
            timed_out=result.timed_out,
            stages=result.stages,
        ),
    )


def _last_success(path: Path) -> float | None:
    """The last-success time the previous metrics file recorded (kept across failures)."""
    from prometheus_client.parser import text_string_to_metric_families

    if not path.is_file():
        return None
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        if family.name == "hallofshame_job_last_success_timestamp_seconds":
            return family.samples[0].value if family.samples else None
    return None


def _alert(settings: Settings, result: JobResult, command: Sequence[str]) -> None:
    """Each incident's opening and closing alert, once: by SendGrid, or without a key by
    `cron/job` printing it for cron's MAILTO (so that counts as sent). A mail SendGrid refused
    is printed too, and tried again by the next run."""
    state = incidents.state_file(settings)
    by_mail = mail_configured(settings)
    secrets = secrets_of(settings)
    for event in incidents.update(state, result.job, result.failing, utcnow()):
        subject, body = (mask_text(text, secrets) for text in _message(event, result, command))
        sent = send_mail(settings, subject, body)
        if not sent:
            result.mails_failed.append(subject)
            result.to_print.append(f"{subject}\n{body}")
        if event.kind == "opened" and (sent or not by_mail):
            incidents.mark_mailed(state, event.key)


def _message(event: incidents.Event, result: JobResult, command: Sequence[str]) -> tuple[str, str]:
    host = socket.gethostname()
    if event.kind == "opened":
        subject = f"[hallofshame] FAILING {event.key} on {host}"
        status = f"exit status: {result.exit_status}" + (" (timed out)" if result.timed_out else "")
        lines = [event.detail, "", f"job: {result.job}", status, f"since: {iso(event.since)}"]
    else:
        subject = f"[hallofshame] RECOVERED {event.key} on {host}"
        lines = [
            f"{event.key} is fine again.",
            "",
            f"job: {result.job}",
            f"failing since: {iso(event.since)}",
            f"was: {event.detail}",
        ]
    lines += [f"command: {' '.join(command)}", "", "last lines of its output:", *result.tail]
    return subject, "\n".join(lines) + "\n"


def hallofshame_command(global_args: Sequence[str], args: Sequence[str]) -> list[str]:
    """argv that runs `hallofshame <global_args> <args>` with this very interpreter."""
    return [sys.executable, "-m", "cli", *global_args, *args]
