"""`hallofshame`: one console entry point, one subcommand per job. Cron runs these same commands.

Each subcommand parses its options, calls its stage's entry function and prints the summary.
Commands are added here explicitly, one line each; no module registers itself on import.
"""

from __future__ import annotations

import os
from typing import Any

import click

from cli import demo, kinds, ops, pipeline, publishing
from hallofshame.logs import configure_logging
from hallofshame.settings import SettingsError, load_settings


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
    job = os.environ.get("HALLOFSHAME_JOB")  # set by `hallofshame job` for its command
    configure_logging(settings, verbose, **({"job": job} if job else {}))
    ctx.obj = settings


for command in (
    pipeline.db_group,
    pipeline.collect,
    pipeline.aggregate,
    pipeline.cycle,
    pipeline.stats,
    pipeline.show_settings,
    kinds.kinds,
    demo.demo,
    demo.simulate,
    publishing.publish,
    publishing.serve,
    ops.job,
    ops.health,
    ops.report,
    ops.check,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    cli.main(args=argv, prog_name="hallofshame")
