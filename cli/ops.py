"""The operations subcommands: job (what cron runs), health, report, check."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from cli.common import INSTANT, engine_for, fail, job_time, run_stage, settings_of
from hallofshame.clock import utcnow
from hallofshame.logs import quiet
from ops import summaries
from ops.check import check_deployment
from ops.health import incidents_of
from ops.mail import send_mail
from ops.report import quality_report
from ops.runner import hallofshame_command, run_job
from reader.health import check_health

GLOBAL_OPTIONS = ("env_file", "database_url", "queue_times_url", "docroot")


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--timeout", type=float, help="Seconds before the job is killed (JOB_TIMEOUT_S).")
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED)
@click.pass_context
def job(ctx: click.Context, timeout: float | None, args: tuple[str, ...]) -> None:
    """Run a subcommand as a cron job: lock, timeout, log, metrics, alert mails.

    The job is named after the subcommand; everything goes to LOG_DIR/<job>.log. Nothing is
    printed but an alert that SendGrid did not send (no key, or refused), once when an incident
    starts and once when it ends, so cron's MAILTO mails it instead.
    Example: hallofshame job --timeout 540 cycle
    """
    settings = settings_of(ctx)
    quiet()  # nothing on stderr for cron: the job's log file has it all
    command = hallofshame_command(_global_args(ctx), args)
    result = run_job(settings, args[0], command, timeout)
    if result.to_print:
        click.echo(f"hallofshame job {args[0]}: exit status {result.exit_status}", err=True)
        click.echo("alert mails not sent: " + "; ".join(result.mails_failed), err=True)
        click.echo("\n".join(result.to_print), err=True, nl=False)
    sys.exit(result.exit_status)


def _global_args(ctx: click.Context) -> list[str]:
    """The group's options as given, so the job's command sees the very same settings."""
    params = ctx.find_root().params
    args = []
    for name in GLOBAL_OPTIONS:
        if params.get(name) is not None:
            args += [f"--{name.replace('_', '-')}", str(params[name])]
    return args + (["-v"] if params.get("verbose") else [])


@click.command()
@click.option("--now", type=INSTANT, help="Judge as of this time (tests); default: the clock.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def health(ctx: click.Context, now: datetime | None, as_json: bool) -> None:
    """Check that the site is fed: fresh data, few failing parks, the last aggregation published.

    The facts are those /api/health answers with. Exit status 1 when a check fails; run
    through `hallofshame job`, each failing check is its own incident (one mail when it
    starts, one when it ends). Example: hallofshame health
    """
    settings = settings_of(ctx)
    now = job_time(now) or utcnow()
    found = check_health(engine_for(settings), settings, now)
    problems = incidents_of(found, settings)
    summaries.record("health", {**found.as_json(), "incidents": len(problems)})
    if as_json:
        click.echo(json.dumps({**found.as_json(), "incidents": problems}))
    else:
        click.echo("\n".join(problems.values()) if problems else "healthy")
    if problems:
        summaries.declare_incidents(problems)
        sys.exit(1)


@click.command()
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True)
@click.option("--now", type=INSTANT, help="End of the window (tests); default: the clock.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--mail", is_flag=True, help="Also mail it to ALERT_TO.")
@click.pass_context
def report(ctx: click.Context, days: int, now: datetime | None, as_json: bool, mail: bool) -> None:
    """The data-quality report: parks failing most, stale rides, rides never open, rides no
    pattern classified that look like non-rides.

    Example: hallofshame report --days 7 --mail
    """
    settings = settings_of(ctx)
    now = job_time(now) or utcnow()
    engine = engine_for(settings)
    overrides = settings.kind_overrides_file
    found = run_stage("report", quality_report, engine, now, days, overrides)
    summaries.record("report", {"cycles": found.cycles, "failing_parks": len(found.failing_parks)})
    click.echo(json.dumps(found.as_json()) if as_json else found.text(), nl=as_json)
    if mail and not send_mail(settings, f"[hallofshame] data quality, {days} days", found.text()):
        fail("the report could not be mailed (see the log line above)")


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Refuse a broken deployment: settings complete, database migrated, docroot writable.

    systemd runs it before gunicorn starts. Example: hallofshame check
    """
    settings = settings_of(ctx)
    readiness = check_deployment(settings)
    if not readiness.ready:
        fail("not ready: " + "; ".join(readiness.problems))
    for note in readiness.notes:
        click.echo(f"note: {note}")
    click.echo(f"ready: database at {readiness.revision}, docroot {settings.docroot} writable")
