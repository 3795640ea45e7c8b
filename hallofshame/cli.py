"""`hallofshame`: one console entry point, one subcommand per job. Cron runs these same commands.

Each subcommand parses its options, calls its stage's entry function and prints the summary.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from hallofshame import db
from hallofshame.clock import parse_instant
from hallofshame.errors import StageError
from hallofshame.settings import Settings, SettingsError, load_settings

log = logging.getLogger("hallofshame")
T = TypeVar("T")


class Instant(click.ParamType):
    """An ISO 8601 instant on the command line (`2026-07-04T15:00:00Z`)."""

    name = "ISO8601"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-07-04T15:00:00Z", param, ctx)


INSTANT = Instant()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--env-file", default=".env", show_default=True, help="Settings file (python-dotenv)."
)
@click.option("--database-url", help="Overrides DATABASE_URL.")
@click.option("--queue-times-url", help="Overrides QUEUE_TIMES_URL.")
@click.option("--docroot", help="Overrides DOCROOT.")
@click.option("-v", "--verbose", is_flag=True, help="Log at DEBUG level.")
@click.pass_context
def cli(ctx: click.Context, env_file: str, verbose: bool, **overrides: Any) -> None:
    """Theme Park Hall of Shame: collect, aggregate and publish ride downtime.

    Example: hallofshame --database-url sqlite:///var/demo.sqlite3 collect --json
    """
    try:
        settings = load_settings(overrides, env_file=env_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    logging.basicConfig(
        level=logging.DEBUG if verbose else settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # not every schema check, please
    ctx.obj = settings


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


def engine_for(settings: Settings) -> Any:
    try:
        return db.make_engine(settings.database_url)
    except (db.DatabaseError, SQLAlchemyError, ImportError) as exc:
        fail(f"cannot use DATABASE_URL: {exc}")


@cli.group("db")
def db_group() -> None:
    """Database schema: versioned migrations."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every migration not yet applied. Example: hallofshame db upgrade"""
    engine = engine_for(settings_of(ctx))
    try:
        revision = db.upgrade(engine)
    except SQLAlchemyError as exc:
        fail(f"migration failed: {db.one_line(exc)}")
    click.echo(f"database at revision {revision}")


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the revision the database is at. Example: hallofshame db current"""
    engine = engine_for(settings_of(ctx))
    try:
        click.echo(db.current_revision(engine) or "empty (run `hallofshame db upgrade`)")
    except SQLAlchemyError as exc:
        fail(f"database unreachable: {db.one_line(exc)}")


@cli.command()
@click.option("--now", type=INSTANT, help="Cycle time (replay, tests); default: the clock.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def collect(ctx: click.Context, now: datetime | None, as_json: bool) -> None:
    """Collect one cycle from Queue-Times into the database.

    Example: hallofshame collect --now 2026-07-04T15:00:00Z --json
    """
    from collector.cycle import collect as run_collect

    settings = settings_of(ctx)
    summary = run_stage("collect", run_collect, engine_for(settings), settings, now=now)
    click.echo(json.dumps(summary.as_json()) if as_json else summary.line())
    if summary.every_park_failed:
        fail(f"collect: every park failed ({summary.parks_failed})")


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    from aggregator import commands as _aggregator  # noqa: F401  (registers subcommands)
    from hallofshame import commands as _commands  # noqa: F401

    cli.main(args=argv, prog_name="hallofshame")
