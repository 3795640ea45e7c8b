"""The table of published fields: the schemas, the CSV header, the item columns, the rounding
and the /data/ dictionary all come from it, and the schemas refuse wrong documents."""

from __future__ import annotations

import csv
import dataclasses
import html
import importlib
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from markupsafe import escape
from sqlalchemy import update

from hallofshame import fields, metrics, schema
from hallofshame.clock import to_db
from publisher import columns, context, publish, schemas
from publisher.formats import num
from tests.seeding import World, seed
from tests.site_tree import ranking_rows

GOLDEN = Path(__file__).resolve().parent / "golden" / "data" / "v1"
WORLD = World()
OPENAPI = Path(__file__).resolve().parent.parent / "web" / "openapi.json"
STATS_COMPONENTS = {"ParkStats": fields.PARK, "RideStats": fields.RIDE}


def components_from_table(doc: dict) -> dict:
    """The OpenAPI document with its stats components' published fields as the table says
    (`tests/golden/regenerate.py` writes it back to web/openapi.json)."""
    doc = json.loads(json.dumps(doc))
    for component, level in STATS_COMPONENTS.items():
        schema = doc["components"]["schemas"][component]
        for field in [fields.FIELDS[f"{level}_id"], *fields.numbers_of(level)]:
            schema["properties"][field.name] = fields.json_schema(field.name)
            if field.name not in schema["required"]:
                schema["required"].append(field.name)
    return doc


def openapi_text(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def validator(name: str, built: dict | None = None) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator((built or schemas.SCHEMAS)[name])


def golden(rel: str) -> dict:
    return json.loads((GOLDEN / rel).read_text(encoding="utf-8"))


def test_the_vocabulary_names_the_rules_periods_and_statuses():
    assert list(fields.PERIODS) == list(metrics.PERIODS)
    assert set(fields.FIXED_FILTERS) == set(metrics.FILTERS)
    assert fields.FIELDS["status"].enum == tuple(fields.STATUSES) == metrics.STATUSES
    compared = [name for name, term in fields.PERIODS.items() if term.previous]
    assert compared == list(metrics.COMPARED_PERIODS)
    assert fields.DECIMALS == {
        "shame_score": 1,
        "shame_score_change": 1,
        "downtime_hours": 2,
        "uptime_pct": 1,
        "mean_time_to_repair_minutes": 1,
        "wait_mean": 1,
        "wait_median": 1,
        "wait_p90": 1,
    }


def test_every_schema_property_is_described():
    def walk(node, path):
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert "description" in sub or "$ref" in sub or "allOf" in sub, f"{path}.{key}"
            for key, sub in node.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(node, list):
            for sub in node:
                walk(sub, path)

    for name, document in schemas.SCHEMAS.items():
        jsonschema.Draft202012Validator.check_schema(document)
        walk(document, name)
    items = schemas.SCHEMAS["ranking"]["$defs"]["ParkItem"]
    assert items["additionalProperties"] is False
    assert items["properties"]["uptime_pct"]["description"].endswith("in percent.")


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc.update(period="banana"),
        lambda doc: doc.update(filter="Not A Slug!"),
        lambda doc: doc["items"][0].update(shame_score=-5),
        lambda doc: doc["items"][0].update(uptime_pct=250),
        lambda doc: doc["items"][0].update(breakdowns=1.5),
        lambda doc: doc["items"][0].update(surprise=1),
        lambda doc: doc["items"].append(golden("rankings/rides/today/all.json")["items"][0]),
        lambda doc: doc["items"][0].pop("open_minutes"),
        lambda doc: doc.update(level="rides"),
    ],
    ids=[
        "unknown period",
        "bad filter",
        "negative score",
        "uptime over 100",
        "fractional count",
        "unknown property",
        "ride item in a park file",
        "raw minutes missing",
        "level not its items'",
    ],
)
def test_wrong_ranking_documents_are_rejected(change):
    doc = golden("rankings/parks/today/all.json")
    assert not list(validator("ranking").iter_errors(doc))
    change(doc)
    assert list(validator("ranking").iter_errors(doc))


def test_continent_filters_and_other_files_validate_and_refuse():
    doc = golden("rankings/parks/last-7-days/north-america.json")
    assert not list(validator("ranking").iter_errors(doc))
    park = golden("parks/100.json")
    assert not list(validator("park").iter_errors(park))
    park["periods"]["banana"] = park["periods"]["today"]
    assert list(validator("park").iter_errors(park))
    ride = golden("rides/1000.json")
    assert not list(validator("ride").iter_errors(ride))
    ride["periods"]["yesterday"]["uptime_pct"] = 100.1
    assert list(validator("ride").iter_errors(ride))


def test_ranking_items_carry_the_raw_minutes_the_ratios_come_from():
    """uptime_pct and downtime_hours re-derived from the published minutes, as "How we
    measure" says (to the published precision)."""
    checked = 0
    for path in sorted((GOLDEN / "rankings").rglob("*.json")):
        if "/live/" in path.as_posix():
            continue
        for item in json.loads(path.read_text())["items"]:
            if item["rank"] is None:
                assert item["open_minutes"] is None and item["down_minutes"] is None
                continue
            up, down = item["open_minutes"], item["down_minutes"]
            assert item["downtime_hours"] == fields.for_display("downtime_hours", down / 60)
            if up + down:
                uptime = metrics.uptime_pct(up, down)
                assert item["uptime_pct"] == fields.for_display("uptime_pct", uptime)
            checked += 1
    assert checked > 100
    header = next(csv.reader(io.StringIO((GOLDEN / "rankings/rides/today/all.csv").read_text())))
    assert header == context.item_columns("rides", "today")
    assert header[-5:-1] == ["open_minutes", "down_minutes", "unknown_minutes", "status"]
    assert header[-1] == "park_closed"  # added last: the columns before it keep their places


def test_adding_a_field_is_one_row_of_the_table(engine, settings, tmp_path, monkeypatch):
    """A number the stats already compute (the mean time to repair) made a ranking column by
    changing only its row: the items, the CSV header, the published schema and the HTML
    table's columns follow."""
    old = fields.FIELDS["mean_time_to_repair_minutes"]
    row = dataclasses.replace(
        old, groups=(fields.ITEM, fields.NUMBERS), tables=(*old.tables, fields.PARK_RANKING)
    )
    table = tuple(row if f.name == row.name else f for f in fields.FIELDS_LIST)
    monkeypatch.setattr(fields, "FIELDS_LIST", table)
    monkeypatch.setattr(fields, "FIELDS", {f.name: f for f in table})
    monkeypatch.setattr(context, "_COLUMNS", {})
    columns.ranking_columns.cache_clear()
    try:
        importlib.reload(schemas)  # the schemas as a publish with this table would build them
        seed(engine, WORLD)
        publish(engine, settings, tmp_path / "docroot", WORLD.end, full=True)
    finally:
        monkeypatch.undo()
        importlib.reload(schemas)
        columns.ranking_columns.cache_clear()
    page = tmp_path / "docroot/current/rankings/parks/last-7-days/all/index.html"
    heading = f'data-worst="high">{html.escape(row.short)}</th>'
    assert heading in page.read_text(encoding="utf-8")
    data = tmp_path / "docroot" / "current" / "data" / "v1"
    ranking = json.loads((data / "rankings/parks/last-7-days/all.json").read_text())
    ranked = [i for i in ranking["items"] if i["rank"] is not None]
    assert ranked and all("mean_time_to_repair_minutes" in i for i in ranked)
    first = ranked[0]
    expected = metrics.mean_time_to_repair(first["down_minutes"], first["breakdowns"])
    assert first["mean_time_to_repair_minutes"] == fields.for_display(row.name, expected)
    rows = ranking_rows(page)
    assert [r[row.name] for r in rows] == [num(i[row.name], row.name) for i in ranked]
    header = (data / "rankings/parks/last-7-days/all.csv").read_text().splitlines()[0]
    assert header.split(",")[9] == "mean_time_to_repair_minutes"
    published = json.loads((data / "schema/ranking.schema.json").read_text())
    item = published["$defs"]["ParkItem"]["properties"][row.name]
    assert item["description"] == row.description
    jsonschema.validate(ranking, published, cls=jsonschema.Draft202012Validator)
    assert list(validator("ranking").iter_errors(ranking))  # today's table: a closed contract


def with_row(monkeypatch: pytest.MonkeyPatch, row: fields.Field) -> None:
    """The table of fields with one row replaced, as a publish in this process reads it (the
    columns and the number format are worked out once per process, so they start over)."""
    table = tuple(row if f.name == row.name else f for f in fields.FIELDS_LIST)
    monkeypatch.setattr(fields, "FIELDS_LIST", table)
    monkeypatch.setattr(fields, "FIELDS", {f.name: f for f in table})
    decimals = {f.name: f.decimals for f in table if f.decimals is not None}
    monkeypatch.setattr(fields, "DECIMALS", decimals)
    monkeypatch.setattr(context, "_COLUMNS", {})
    forget_columns()


def forget_columns() -> None:
    for worked_out in (
        columns.ranking_columns,
        columns._period_columns,
        columns.wait_columns,
        columns.worst_rides_columns,
        columns.live_cards,
        columns._now_columns,
        num,
    ):
        worked_out.cache_clear()


def test_a_label_and_decimals_changed_in_the_table_reach_every_page(
    engine, settings, tmp_path, monkeypatch
):
    """The downtime's heading and precision changed in its row only: the ranking, the park
    page's two ride tables, the park file and the ride page's cards (the data its script
    formats with) all follow."""
    row = dataclasses.replace(
        fields.FIELDS["downtime_hours"], label="Lost time", short="Lost time (ride-h)", decimals=3
    )
    try:
        with_row(monkeypatch, row)
        seed(engine, WORLD)
        publish(engine, settings, tmp_path / "docroot", WORLD.end, full=True)
    finally:
        monkeypatch.undo()
        forget_columns()
    site = tmp_path / "docroot" / "current"
    three = re.compile(r"^\d+\.\d{3}$")
    page = site / "rankings/rides/today/all/index.html"
    assert 'data-worst="high">Lost time (ride-h)</th>' in page.read_text(encoding="utf-8")
    shown = [r["downtime_hours"] for r in ranking_rows(page)]
    assert shown and all(three.match(v) for v in shown)
    ranking = json.loads((site / "data/v1/rankings/rides/today/all.json").read_text())
    ranked = [i for i in ranking["items"] if i["rank"] is not None]
    exact = [metrics.round_half_away(i["down_minutes"] / 60, 3) for i in ranked]
    assert [i["downtime_hours"] for i in ranked] == exact
    park = (site / "data/v1/parks/101.json").read_text()
    text = (site / "parks/101/index.html").read_text(encoding="utf-8")
    for heading in ("Lost time today (ride-h)", "Lost time (ride-h)"):  # rides now, worst rides
        assert f'data-worst="high">{heading}</th>' in text
        cells = re.findall(f'data-label="{re.escape(heading)}" data-sort="[^"]*">([^<]*)<', text)
        assert cells and all(three.match(c) or c == num(None) for c in cells)
    today = [r["today"]["downtime_hours"] for r in json.loads(park)["rides"]]
    assert any(v is not None and len(str(v).split(".")[1]) == 3 for v in today)
    ride = (site / "rides/1000/index.html").read_text(encoding="utf-8")
    cards = json.loads(html.unescape(re.search("data-cards='([^']*)'", ride).group(1)))
    card = next(c for c in cards if c["name"] == "downtime_hours")
    assert card == {
        "name": "downtime_hours",
        "label": "Lost time today (ride-h)",
        "today": True,
        "decimals": 3,
    }


def test_the_data_page_has_the_dictionary_and_links_the_api(engine, settings, tmp_path):
    seed(engine, WORLD)
    publish(engine, settings, tmp_path / "docroot", WORLD.end)
    site = tmp_path / "docroot" / "current"
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for f in fields.FIELDS_LIST:
        assert f'id="field-{f.name}"' in page and f.description.replace("'", "&#39;") in page
    assert 'href="/data/v1/openapi.json"' in page and "/api/v1/" in page
    ranking = json.loads((site / "data/v1/schema/ranking.schema.json").read_text())
    for period in fields.PERIODS.values():  # one sentence: the schema, dictionary, pages
        assert escape(period.description) in page
        assert (
            period.description
            in ranking["$defs"]["ParkRanking"]["properties"]["period"]["description"]
        )
        shown = (site / f"rankings/parks/{period.name}/all/index.html").read_text("utf-8")
        assert period.name == "live" or f"Covers {escape(period.covers)}" in shown
    catalog = json.loads((site / "data/v1/catalog.json").read_text())
    validator("catalog").validate(catalog)
    by_url = {e["url"]: e for e in catalog["files"]}
    entry = by_url["/data/v1/rankings/parks/today/europe.csv"]
    assert entry["kind"] == "ranking-csv" and entry["media_type"] == "text/csv"
    assert entry["schema"] == "/data/v1/schema/ranking.schema.json"
    assert entry["bytes"] == (site / "data/v1/rankings/parks/today/europe.csv").stat().st_size
    assert by_url["/data/v1/parks/100.json"]["title"].startswith("Park: ")
    assert by_url["/data/index.html"]["kind"] == "page"


def test_openapi_components_come_from_the_table():
    """web/openapi.json's stats components say what the table says about each number; when
    the table changes, `tests/golden/regenerate.py` rewrites them."""
    text = OPENAPI.read_text(encoding="utf-8")
    assert text == openapi_text(components_from_table(json.loads(text)))
    uptime = json.loads(text)["components"]["schemas"]["RideStats"]["properties"]["uptime_pct"]
    assert uptime["anyOf"][0] == {"maximum": 100, "minimum": 0, "type": "number"}
    assert uptime["description"] == fields.FIELDS["uptime_pct"].description


STAMPS = ("generated_at", "data_as_of", "data_as_of_local")


def data_files(root: Path) -> dict[str, object]:
    """Every data file of a release, parsed, without the stamps a kept file keeps from the
    publish that wrote it."""
    found: dict[str, object] = {}
    for path in sorted((root / "data" / "v1").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".csv":
            found[rel] = path.read_bytes()
        elif path.suffix == ".json":
            doc = json.loads(path.read_bytes())
            if isinstance(doc, dict) and "source" in doc:
                doc = {k: v for k, v in doc.items() if k not in STAMPS}
            if rel.endswith("catalog.json"):
                doc["files"] = [{**e, "generated_at": None} for e in doc["files"]]
            found[rel] = doc
    return found


def test_after_cycle_and_full_publish_give_the_same_data(engine, settings, tmp_path):
    """Every data file of an after-cycle publish (kept, carried over or rebuilt) is what a
    full publish of the same data gives, the added fields and the catalogue included."""
    seed(engine, WORLD)
    publish(engine, settings, tmp_path / "a", WORLD.end)
    later = WORLD.end + timedelta(minutes=10)
    with engine.begin() as conn:  # the next cycle: a ride breaks down
        at = to_db(later)
        conn.execute(schema.aggregated_cycles.insert().values(cycle_at=at, aggregated_at=at))
        conn.execute(update(schema.ride_live).values(cycle_at=at))
        conn.execute(update(schema.park_live).values(cycle_at=at))
        live = schema.ride_live
        conn.execute(update(live).where(live.c.ride_id == 1001).values(status="down"))
        daily = schema.ride_daily
        conn.execute(
            update(daily)
            .where(daily.c.ride_id == 1001, daily.c.final.is_(False))
            .values(down_minutes=daily.c.down_minutes + 10, breakdowns=daily.c.breakdowns + 1)
        )
    after = publish(engine, settings, tmp_path / "a", later)
    assert after.mode == "incremental" and after.rendered < after.files / 2
    publish(engine, settings, tmp_path / "b", later, full=True)
    incremental, full = data_files(tmp_path / "a/current"), data_files(tmp_path / "b/current")
    assert len(incremental) > 100 and incremental == full
