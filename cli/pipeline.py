"""The pipeline's subcommands: db, collect, aggregate, cycle, stats, settings."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from cli.common import (
    INSTANT,
    engine_for,
    exclusive,
    fail,
    job_time,
    report,
    run_stage,
    settings_of,
)
from hallofshame import db, metrics, schema
from hallofshame.clock import utcnow
from hallofshame.logs import mask_secret
from hallofshame.settings import Settings
from reader.spans import Stats, period_stats


@click.command()
@click.option("--now", type=INSTANT, help="The time to aggregate as of (replay, tests).")
@click.option(
    "--redo-day",
    "redo_days",
    type=click.DateTime(["%Y-%m-%d"]),
    multiple=True,
    help="Also recompute this local day of every park that has it (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def aggregate(
    ctx: click.Context, now: datetime | None, redo_days: tuple[datetime, ...], as_json: bool
) -> None:
    """Turn new snapshots into hourly and daily stats, outages and tiers; finalise ended days.

    Example: hallofshame aggregate --now 2026-07-04T15:01:00Z
    """
    from aggregator import aggregate as run_aggregate

    settings = settings_of(ctx)
    now = job_time(now)
    engine = engine_for(settings)
    with exclusive("aggregate", engine, settings):
        redo = run_stage("aggregate", days_of_every_park, engine, [d.date() for d in redo_days])
        summary = run_stage("aggregate", run_aggregate, engine, settings, now=now, redo=redo)
    report("aggregate", summary.as_json())
    click.echo(json.dumps(summary.as_json()) if as_json else summary.line())


@click.command()
@click.option("--park", "park_id", type=int, help="A park's Queue-Times id.")
@click.option("--ride", "ride_id", type=int, help="A ride's Queue-Times id.")
@click.option(
    "--period", type=click.Choice(list(metrics.PERIODS)), default="today", show_default=True
)
@click.option("--now", type=INSTANT, help="The time the period is taken at (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def stats(
    ctx: click.Context,
    park_id: int | None,
    ride_id: int | None,
    period: str,
    now: datetime | None,
    as_json: bool,
) -> None:
    """Print one park's or ride's numbers for a period (the same numbers the rankings show).

    Example: hallofshame stats --park 16 --period last-7-days --json
    """
    from reader.spans import PARK, RIDE

    if (park_id is None) == (ride_id is None):
        raise click.UsageError("give exactly one of --park ID and --ride ID")
    level, id_ = (PARK, park_id) if park_id is not None else (RIDE, ride_id)
    now = job_time(now)
    settings = settings_of(ctx)
    engine = engine_for(settings)  # a URL it cannot use is one line, before the file check
    _refuse_a_missing_file(settings)
    found = run_stage("stats", read_period_stats, engine, level, id_, period, now or utcnow())
    if id_ not in found:
        where = mask_secret(settings.database_url)
        fail(f"no {level} with id {id_} in {where}{_demo_hint(settings)}")
    data = {"period": period, **found[id_].as_json()}
    if as_json:
        click.echo(json.dumps(data))
        return
    for name, value in data.items():
        click.echo(f"{name}: {'no data' if value is None else value}")


def _refuse_a_missing_file(settings: Settings) -> None:
    """A command that only reads does not make an empty SQLite file where none was (opening
    one does): one line instead, naming the demo's database, the likely one meant."""
    url = make_url(settings.database_url)
    path = url.database
    on_disk = path and path != ":memory:" and not path.startswith("file:")
    if url.get_backend_name() == "sqlite" and on_disk and not Path(path).exists():
        fail(f"no database at {path} (DATABASE_URL){_demo_hint(settings)}")


def _demo_hint(settings: Settings) -> str:
    demo = settings.demo_database_url
    if demo == settings.database_url:
        return ""
    return f"; the demo's is --database-url {mask_secret(demo)}"


def read_period_stats(
    engine: Engine, level: str, id_: int, period: str, now: datetime
) -> dict[int, Stats]:
    db.require_schema(engine)
    with engine.connect() as conn:
        return period_stats(conn, level, [id_], period, now)


def days_of_every_park(engine, days: list[date]) -> list[tuple[int, date]]:
    """(park, day) for every park with rows on these local days."""
    if not days:
        return []
    d = schema.park_daily.c
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(d.park_id, d.day).where(d.day.in_(days)))]


@click.group("db")
def db_group() -> None:
    """Database schema: versioned migrations."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every migration not yet applied. Example: hallofshame db upgrade"""
    settings = settings_of(ctx)
    engine = engine_for(settings)
    try:
        with exclusive("db upgrade", engine, settings):
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


@click.command()
@click.option("--now", type=INSTANT, help="Cycle time (replay, tests); default: the clock.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.pass_context
def collect(ctx: click.Context, now: datetime | None, as_json: bool) -> None:
    """Collect one cycle from Queue-Times into the database.

    Example: hallofshame collect --now 2026-07-04T15:00:00Z --json
    """
    from collector.cycle import collect as run_collect

    settings = settings_of(ctx)
    now = job_time(now)
    engine = engine_for(settings)
    with exclusive("collect", engine, settings):
        summary = run_stage("collect", run_collect, engine, settings, now=now)
    report("collect", summary.as_json())
    click.echo(json.dumps(summary.as_json()) if as_json else summary.line())
    if summary.every_park_failed:
        fail(f"collect: every park failed ({summary.parks_failed})")


@click.command()
@click.option("--now", type=INSTANT, help="Cycle time (replay, tests); default: the clock.")
@click.pass_context
def cycle(ctx: click.Context, now: datetime | None) -> None:
    """What cron runs every interval: collect one cycle, aggregate, then publish the site.

    Aggregation and publishing run even when every park failed (they also finalise days that
    have ended and age the live views); the exit status is non-zero when any step failed, and a
    failed publish leaves the live site as it was. Example: hallofshame cycle
    """
    from aggregator import aggregate
    from collector.cycle import collect
    from publisher import publish

    settings = settings_of(ctx)
    now = job_time(now)
    engine = engine_for(settings)
    with exclusive("cycle", engine, settings):
        collected = run_stage("collect", collect, engine, settings, now=now)
        report("collect", collected.as_json())
        click.echo(collected.line())
        aggregated = run_stage("aggregate", aggregate, engine, settings, now=now)
        report("aggregate", aggregated.as_json())
        click.echo(aggregated.line())
        published = run_stage("publish", publish, engine, settings, now=now)
        report("publish", published.as_json())
        click.echo(published.line())
    if collected.every_park_failed:
        fail(f"collect: every park failed ({collected.parks_failed})")


@click.command("settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """Print every setting with its value in force (secrets masked).

    Example: hallofshame --env-file /etc/hallofshame.env settings
    """
    from dataclasses import fields

    settings = settings_of(ctx)
    for f in fields(settings):
        value = getattr(settings, f.name)
        shown = mask_secret(str(value), whole=f.metadata["secret"]) if value else value
        click.echo(f"{f.name.upper()}={shown}")
