"""The publisher's subcommands: publish and serve."""

from __future__ import annotations

import json
from datetime import datetime

import click

from cli.common import (
    INSTANT,
    api_mount,
    engine_for,
    exclusive,
    fail,
    job_time,
    report,
    run_stage,
    settings_of,
)


@click.command()
@click.option("--out", type=click.Path(file_okay=False), help="Docroot (default: DOCROOT).")
@click.option("--now", type=INSTANT, help="The time to publish as of (replay, tests).")
@click.option("--full", is_flag=True, help="Render every page, not only what changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--rollback", is_flag=True, help="Switch the site back to the previous release.")
@click.option(
    "--sync",
    "sync_url",
    metavar="s3://BUCKET/PREFIX",
    help="Then upload what changed since the last sync to this bucket (needs boto3).",
)
@click.pass_context
def publish(
    ctx: click.Context,
    out: str | None,
    now: datetime | None,
    full: bool,
    as_json: bool,
    rollback: bool,
    sync_url: str | None,
) -> None:
    """Render the static site (HTML, JSON, CSV) from the stored numbers and make it live.

    Example: hallofshame publish --json --sync s3://my-bucket/site
    """
    from publisher import publish as run_publish
    from publisher import rollback as run_rollback
    from publisher.sync import parse_url, sync

    settings = settings_of(ctx)
    docroot = out or settings.docroot
    if sync_url:
        run_stage("publish --sync", parse_url, sync_url)  # a bad URL stops before the publish
    if rollback:
        release = run_stage("publish --rollback", run_rollback, docroot)
        click.echo(f"current is now {release.name}")
    else:
        now = job_time(now)
        engine = engine_for(settings)
        with exclusive("publish", engine, settings):  # never while a job writes the numbers
            summary = run_stage("publish", run_publish, engine, settings, docroot, now, full)
        report("publish", summary.as_json())
        click.echo(json.dumps(summary.as_json()) if as_json else summary.line())
    if sync_url:
        synced = run_stage("publish --sync", sync, docroot, sync_url)
        click.echo(json.dumps(synced.as_json()) if as_json else synced.line())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--out", type=click.Path(file_okay=False), help="Docroot (default: DOCROOT).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, out: str | None) -> None:
    """Serve the published site (DOCROOT/current) and the API (/api/) until interrupted.

    Example: hallofshame serve --port 8000
    """
    from pathlib import Path

    from publisher.release import CURRENT
    from publisher.serve import serve as run_serve

    docroot = Path(out or settings_of(ctx).docroot)
    if not (docroot / CURRENT).is_dir():
        fail(f"nothing published in {docroot} yet: run `hallofshame publish` first")
    try:
        run_serve(
            docroot,
            host,
            port,
            lambda url: click.echo(f"serving {docroot} and the API (/api/) at {url}"),
            mounts=api_mount(settings_of(ctx)),
        )
    except OSError as exc:
        fail(f"cannot serve on {host}:{port}: {exc}")
    except KeyboardInterrupt:
        click.echo("stopped")
