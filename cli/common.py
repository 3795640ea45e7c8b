"""What every subcommand shares: the time option, the settings, one-line failures."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from hallofshame import db
from hallofshame.clock import InstantOutOfRange, TimeOutOfRange, check_job_time, parse_instant
from hallofshame.errors import StageError
from hallofshame.lock import job_lock
from hallofshame.logs import mask_secret
from hallofshame.settings import Settings
from ops import summaries

T = TypeVar("T")


class Instant(click.ParamType):
    """An ISO 8601 instant on the command line (`2026-07-04T15:00:00Z`)."""

    name = "ISO8601"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value)
        except InstantOutOfRange as exc:
            self.fail(str(exc), param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-07-04T15:00:00Z", param, ctx)


INSTANT = Instant()


def settings_of(ctx: click.Context) -> Settings:
    return ctx.find_root().obj


def fail(message: str) -> None:
    """Print one line for the operator (and cron's e-mail) and exit non-zero."""
    click.echo(f"hallofshame: {message}", err=True)
    sys.exit(1)


def run_stage(step: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a stage's entry function; an expected failure becomes one line and exit status 1."""
    try:
        return func(*args, **kwargs)
    except StageError as exc:
        fail(f"{step} failed: {exc}")
    except SQLAlchemyError as exc:
        fail(f"{step} failed, its transaction rolled back: database error: {db.one_line(exc)}")
    raise AssertionError("unreachable")  # fail() exits


# What creating an engine raises for a DATABASE_URL it cannot use (malformed, unknown driver).
UNUSABLE_URL = (db.DatabaseError, SQLAlchemyError, ImportError)


def engine_for(settings: Settings) -> Any:
    try:
        return db.make_engine(settings.database_url)
    except UNUSABLE_URL as exc:
        unusable_url(exc)


def unusable_url(exc: Exception) -> None:
    """One line, no secret, exit 1: DATABASE_URL cannot be used."""
    fail(f"cannot use DATABASE_URL: {mask_secret(str(exc), whole=False)}")


def job_time(now: datetime | None) -> datetime | None:
    """A `--now` fit for a job (not ahead of the clock, not before 1970), or one line and exit 1.
    None (the clock) passes."""
    if now is None:
        return None
    try:
        return check_job_time(now)
    except TimeOutOfRange as exc:
        fail(str(exc))
    raise AssertionError("unreachable")  # fail() exits


@contextmanager
def exclusive(job: str, engine: Any, settings: Settings) -> Iterator[None]:
    """Hold the database's job lock around a writing command (see hallofshame/lock.py): a second
    job waits up to JOB_LOCK_WAIT_S, then exits 1 with one line, having done nothing."""
    with ExitStack() as stack:
        try:
            stack.enter_context(job_lock(engine, job, settings.job_lock_wait_s))
        except StageError as exc:
            fail(f"{job} not started: {exc}")
        yield


def api_mount(settings: Settings) -> dict[str, Any]:
    """The API (`web.create_app`) at /api/, for the commands that serve the site locally, so
    the site and its lookups answer on one port as they do behind Apache. Clients reach it
    directly: no proxy's X-Forwarded-For is trusted (any client could send one and so pass
    the rate limit under a new name each time), whatever API_PROXY_COUNT says for gunicorn."""
    from web import create_app  # only the serving commands pay for building the Flask app

    try:
        return {"/api/": create_app(settings.with_overrides(api_proxy_count=0))}
    except UNUSABLE_URL as exc:
        unusable_url(exc)
    raise AssertionError("unreachable")  # unusable_url() exits


def report(stage: str, summary: Mapping[str, Any]) -> None:
    """A stage's summary as one structured log line, and for `hallofshame job`'s metrics."""
    logging.getLogger(f"hallofshame.{stage}").info(
        "%s summary", stage, extra={"stage": stage, "summary": dict(summary)}
    )
    summaries.record(stage, summary)
