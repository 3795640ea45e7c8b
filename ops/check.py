"""`hallofshame check`: refuse a broken deployment before anything starts (systemd runs it as
the gunicorn unit's ExecStartPre). Every problem found is named; none means ready."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from hallofshame import db
from hallofshame.settings import Settings, alert_recipients


@dataclass
class Readiness:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revision: str | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


def check_deployment(settings: Settings) -> Readiness:
    """Settings complete, database reachable and migrated, docroot writable."""
    readiness = Readiness()
    _check_alert_settings(settings, readiness)
    try:
        engine = db.make_engine(settings.database_url)
        try:
            db.require_schema(engine)
            readiness.revision = db.head_revision()
        finally:
            engine.dispose()
    except Exception as exc:  # a bad URL, a missing driver, a dead server: all one line
        readiness.problems.append(f"database: {db.one_line(exc)}")
    problem = docroot_problem(Path(settings.docroot))
    if problem:
        readiness.problems.append(problem)
    return readiness


def _check_alert_settings(settings: Settings, readiness: Readiness) -> None:
    given = {
        "SENDGRID_API_KEY": bool(settings.sendgrid_api_key),
        "ALERT_FROM": bool(settings.alert_from),
        "ALERT_TO": bool(alert_recipients(settings)),
    }
    if not any(given.values()):
        readiness.notes.append("alert mails are off (no SENDGRID_API_KEY): alerts are logged only")
    elif not all(given.values()):
        missing = ", ".join(name for name, ok in given.items() if not ok)
        readiness.problems.append(f"settings: alert mails half configured, missing {missing}")


def docroot_problem(docroot: Path) -> str | None:
    """Why the publisher (this user) could not write DOCROOT, or None.

    Judged from ownership and mode bits, not by writing: the web unit runs with the docroot
    mounted read-only on purpose, while the publisher (the same user, from cron) writes it.
    """
    try:
        info = docroot.stat()
    except OSError as exc:
        return f"docroot {docroot}: {exc.strerror}; create it, owned by the service user"
    if not stat.S_ISDIR(info.st_mode):
        return f"docroot {docroot} is not a directory"
    if not _may_write(info):
        return f"docroot {docroot} is not writable by uid {os.geteuid()} (owner uid {info.st_uid})"
    return None


def _may_write(info: os.stat_result) -> bool:
    uid = os.geteuid()
    if uid == 0:
        return True
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IWUSR and info.st_mode & stat.S_IXUSR)
    if info.st_gid in os.getgroups() or info.st_gid == os.getegid():
        return bool(info.st_mode & stat.S_IWGRP and info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IWOTH and info.st_mode & stat.S_IXOTH)
