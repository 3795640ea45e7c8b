"""The simulator and the demo."""

from __future__ import annotations

import socket
from datetime import datetime

import click

from cli.common import (
    INSTANT,
    api_mount,
    engine_for,
    exclusive,
    fail,
    run_stage,
    settings_of,
)
from hallofshame.clock import utcnow
from hallofshame.logs import mask_secret
from hallofshame.settings import Settings


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def simulate(ctx: click.Context) -> None:
    """Serve a simulated Queue-Times for a seeded world (options: `simulate -- --help`).

    Example: hallofshame simulate --port 8765 --parks 150 --rides 5000 --speed 60
    """
    from simulator import main as simulator_main

    ctx.exit(simulator_main(ctx.args))


@click.command()
@click.option("--days", default=3.0, show_default=True, help="Simulated days to collect.")
@click.option("--parks", default=12, show_default=True, help="Parks in the simulated world.")
@click.option("--rides", default=400, show_default=True, help="Rides in the simulated world.")
@click.option("--seed", default=42, show_default=True, help="Seed of the simulated world.")
@click.option("--until", type=INSTANT, help="End of the simulated span (default: now).")
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Serve the site when done."
)
@click.option("--port", default=8000, show_default=True, help="Port to serve the site on.")
@click.pass_context
def demo(
    ctx: click.Context,
    days: float,
    parks: int,
    rides: int,
    seed: int,
    until: datetime | None,
    serve: bool,
    port: int,
) -> None:
    """Run the pipeline on the simulator into its own database (DEMO_DATABASE_URL, default
    var/demo.sqlite3, or --database-url): every cycle collected and aggregated, the worst parks
    printed, the site published into its own docroot (DEMO_DOCROOT, default var/demo-docroot, or
    --docroot; never DOCROOT, on a server the real site) and served on localhost (until Ctrl-C;
    --no-serve for scripts).

    Example: hallofshame demo --days 3 --parks 20
    """
    from demo import ranking_lines, simulated_days, start_afresh
    from publisher import publish
    from simulator import SimConfig

    settings = demo_settings(ctx)
    if serve:
        _check_port(port)  # before minutes of work, not after
    config = SimConfig(seed=seed, parks=parks, rides=rides)
    end = until or utcnow()
    shown = mask_secret(settings.database_url)
    click.echo(f"demo: {parks} simulated parks, {rides} rides, {days:g} days -> {shown}")
    engine = engine_for(settings)
    with exclusive("demo", engine, settings):
        previous = run_stage("demo", start_afresh, engine)
        if previous:
            click.echo(
                f"demo: emptied the previous run's data first ({previous.parks} parks, "
                f"{previous.cycles} cycles), so this run starts afresh"
            )
        summary, counts = run_stage("demo", simulated_days, settings, config, days, end)
        click.echo(summary.line())
        click.echo(counts.line())
        for period in ("yesterday", "today"):
            click.echo("\n".join(run_stage("demo", ranking_lines, engine, period, end)))
        # full: nothing carried over from an earlier run's pages or cached numbers
        click.echo(run_stage("publish", publish, engine, settings, now=end, full=True).line())
    database = f".venv/bin/hallofshame --database-url '{shown}'"
    click.echo(f"ask it anything: {database} stats --park ID --period yesterday")
    if not serve:
        click.echo(f"serve it again: {database} --docroot '{settings.docroot}' serve")
        return
    from publisher.serve import serve as serve_site

    def ready(url: str) -> None:
        click.echo(f"the demo site is at {url} (Ctrl-C to stop)")

    try:
        serve_site(settings.docroot, "127.0.0.1", port, ready, mounts=api_mount(settings))
    except OSError as exc:
        fail(f"cannot serve on port {port}: {exc} (try --port 0)")
    except KeyboardInterrupt:
        click.echo("stopped")


def _check_port(port: int) -> None:
    """Refuse a port already taken, in one line, before the pipeline runs (the server binds it
    the same way, reusing an address in TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            fail(f"cannot serve on port {port}: {exc.strerror or exc} (try --port 0)")


def demo_settings(ctx: click.Context) -> Settings:
    """The settings with the demo's own database and docroot: `--database-url` / `--docroot`
    when given on the command line, else DEMO_DATABASE_URL / DEMO_DOCROOT, never DATABASE_URL or
    DOCROOT (on a server those are the real database and the real site)."""
    settings = settings_of(ctx)
    given = ctx.find_root().params
    return settings.with_overrides(
        database_url=given.get("database_url") or settings.demo_database_url,
        docroot=given.get("docroot") or settings.demo_docroot,
    )
