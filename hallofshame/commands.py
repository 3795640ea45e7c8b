"""Subcommands around the pipeline: the simulator and the demo."""

from __future__ import annotations

from datetime import datetime

import click

from hallofshame.cli import INSTANT, cli, engine_for, fail, run_stage, settings_of
from hallofshame.clock import utcnow


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def simulate(ctx: click.Context) -> None:
    """Serve a simulated Queue-Times for a seeded world (options: `simulate -- --help`).

    Example: hallofshame simulate --port 8765 --parks 150 --rides 5000 --speed 60
    """
    from simulator import main as simulator_main

    ctx.exit(simulator_main(ctx.args))


@cli.command()
@click.option("--days", default=3.0, show_default=True, help="Simulated days to collect.")
@click.option("--parks", default=12, show_default=True, help="Parks in the simulated world.")
@click.option("--rides", default=400, show_default=True, help="Rides in the simulated world.")
@click.option("--seed", default=42, show_default=True, help="Seed of the simulated world.")
@click.option("--until", type=INSTANT, help="End of the simulated span (default: now).")
@click.pass_context
def demo(
    ctx: click.Context, days: float, parks: int, rides: int, seed: int, until: datetime | None
) -> None:
    """Run the pipeline on the simulator into DATABASE_URL (default: an SQLite file): every
    cycle collected and aggregated, then the worst parks printed.

    Example: hallofshame demo --days 3 --parks 20
    """
    from hallofshame.demo import ranking_lines, simulated_days
    from simulator import SimConfig

    settings = settings_of(ctx)
    config = SimConfig(seed=seed, parks=parks, rides=rides)
    end = until or utcnow()
    click.echo(
        f"demo: {parks} simulated parks, {rides} rides, {days:g} days -> {settings.database_url}"
    )
    summary, counts = run_stage("demo", simulated_days, settings, config, days, end)
    click.echo(summary.line())
    click.echo(counts.line())
    engine = engine_for(settings)
    for period in ("yesterday", "today"):
        click.echo("\n".join(run_stage("demo", ranking_lines, engine, period, end)))


@cli.command()
@click.option("--now", type=INSTANT, help="Cycle time (replay, tests); default: the clock.")
@click.pass_context
def cycle(ctx: click.Context, now: datetime | None) -> None:
    """What cron runs every interval: collect one cycle, then aggregate.

    Aggregation runs even when every park failed (it also finalises days that have ended); the
    exit status is non-zero when either step failed. Example: hallofshame cycle
    """
    from aggregator import aggregate
    from collector.cycle import collect

    settings = settings_of(ctx)
    engine = engine_for(settings)
    collected = run_stage("collect", collect, engine, settings, now=now)
    click.echo(collected.line())
    click.echo(run_stage("aggregate", aggregate, engine, settings, now=now).line())
    if collected.every_park_failed:
        fail(f"collect: every park failed ({collected.parks_failed})")


@cli.command("settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """Print every setting with its value in force (secrets masked).

    Example: hallofshame --env-file /etc/hallofshame.env settings
    """
    from dataclasses import fields

    settings = settings_of(ctx)
    for f in fields(settings):
        value = getattr(settings, f.name)
        shown = mask_secret(str(value)) if f.metadata["secret"] else value
        click.echo(f"{f.name.upper()}={shown}")


def mask_secret(value: str) -> str:
    """A URL keeps its shape, its password becomes ***; any other secret is hidden whole."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return "***" if value else ""
