"""`hallofshame kinds`: every ride's kind and what decided it (to audit a park, write overrides)."""

from __future__ import annotations

import json

import click

from cli.common import engine_for, run_stage, settings_of
from hallofshame import db
from hallofshame.kinds import KindRules, ride_kinds


@click.command()
@click.option("--park", "park_id", type=int, help="Only this park's rides.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list.")
@click.pass_context
def kinds(ctx: click.Context, park_id: int | None, as_json: bool) -> None:
    """Every ride with its kind and what decided it: the pattern line, an override, or no
    pattern (a ride). Rules changed since the last cycle show the stored kind beside the new.

    Example: hallofshame kinds --park 12
    """
    settings = settings_of(ctx)
    engine = engine_for(settings)
    found = run_stage("kinds", _kinds, engine, settings.kind_overrides_file, park_id)
    if as_json:
        click.echo(json.dumps([ride.as_json() for ride in found]))
        return
    click.echo(f"{'park':>7} {'ride':>8} {'kind':<12} name  <- decided by")
    for ride in found:
        click.echo(ride.line())


def _kinds(engine, overrides_file: str, park_id: int | None):
    db.require_schema(engine)
    rules = KindRules.from_file(overrides_file)
    with engine.connect() as conn:
        return ride_kinds(conn, rules, park_id)
