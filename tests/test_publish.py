"""The published tree: schemas, agreement between its views, links, hostile names, golden data.

Every test publishes a small seeded world (tests/seeding.py) on SQLite and on MariaDB.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from cli import cli
from hallofshame import schema
from publisher import publish
from publisher.context import EMBED_ROWS, PAGE_ROWS
from publisher.formats import num
from publisher.publish import csv_cell, to_csv
from publisher.schemas import SCHEMAS
from tests.seeding import HOSTILE_NAMES, World, seed
from tests.site_tree import files, links_of, ranking_rows, target_of

WORLD = World()
GOLDEN = Path(__file__).resolve().parent / "golden"
NOW = WORLD.end


@pytest.fixture
def site(engine, settings, tmp_path) -> Path:
    """The current release of a publish of the seeded world."""
    seed(engine, WORLD)
    summary = publish(engine, settings, tmp_path / "docroot", NOW)
    assert summary.mode == "full" and summary.written == summary.files > 300
    return tmp_path / "docroot" / "current"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def schema_of(rel: str) -> str:
    kind = rel.split("/")[2]
    return {"rankings": "ranking", "parks": "park", "rides": "ride"}.get(kind, rel)


def test_every_json_file_validates_against_its_schema(site):
    data = site / "data" / "v1"
    checked = 0
    for path in files(data, ".json"):
        rel = path.relative_to(site).as_posix()
        if "/schema/" in rel:
            jsonschema.Draft202012Validator.check_schema(load(path))
            continue
        if rel == "data/v1/openapi.json":  # the API's document (web/), not a data file
            assert load(path)["openapi"].startswith("3.1")
            continue
        name = "catalog" if rel.endswith("catalog.json") else schema_of(rel)
        jsonschema.validate(load(path), SCHEMAS[name], cls=jsonschema.Draft202012Validator)
        checked += 1
    assert checked == 2 * 8 * 5 + WORLD.parks + WORLD.rides + 1  # rankings, parks, rides, catalog


def test_every_ranking_agrees_in_html_json_and_csv(site):
    rankings = files(site / "data" / "v1" / "rankings", ".json")
    assert len(rankings) == 2 * 8 * 5
    for path in rankings:
        ranking = load(path)
        level, period, name = path.relative_to(site / "data/v1/rankings").with_suffix("").parts
        assert (ranking["period"], ranking["filter"]) == (period, name)
        items = ranking["items"]
        page = site / "rankings" / level / period / name / "index.html"
        rows = ranking_rows(page)
        key = "park_id" if level == "parks" else "ride_id"
        ranked = [i for i in items if i["rank"] is not None]
        shown = ranked[: PAGE_ROWS[level]] if PAGE_ROWS[level] else ranked
        assert [r["id"] for r in rows] == [str(i[key]) for i in shown], page
        fields = ("shame_score", "downtime_hours", "uptime_pct", "breakdowns")
        empty = {f for f in fields if shown and all(i[f] is None for i in shown)}
        for row, item in zip(rows, shown, strict=True):
            for field in fields:  # a column without any number is left out
                if field in empty:
                    assert field not in row, (page, field)
                else:
                    assert row[field] == num(item[field], field), (page, field)
            assert row["name"] == item["name"]
        if (level, period) == ("parks", "live") and shown:
            assert empty == {"downtime_hours", "uptime_pct", "breakdowns"}
        with open(path.with_suffix(".csv"), encoding="utf-8", newline="") as handle:
            table = list(csv.DictReader(handle))
        assert [r[key] for r in table] == [str(i[key]) for i in items]
        for line, item in zip(table, items, strict=True):
            assert line == {k: str(csv_cell(v)) for k, v in item.items()}


def test_ride_ranking_pages_show_the_worst_rides_and_point_to_the_rest(engine, settings, tmp_path):
    seed(engine, World(parks=2, rides=480, days=2))
    publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    items = load(site / "data/v1/rankings/rides/today/all.json")["items"]
    page = site / "rankings/rides/today/all/index.html"
    rows = ranking_rows(page)
    assert len(items) == 420 and len(rows) == PAGE_ROWS["rides"]
    assert [r["id"] for r in rows] == [str(i["ride_id"]) for i in items[: len(rows)]]
    assert f"The worst {len(rows)} of {len(items)}" in page.read_text(encoding="utf-8")


def test_ranked_items_come_first_then_no_data_without_rank(site):
    ranking = load(site / "data/v1/rankings/rides/today/all.json")
    ranks = [i["rank"] for i in ranking["items"]]
    ranked = [r for r in ranks if r is not None]
    assert ranked == list(range(1, len(ranked) + 1)) and ranks[: len(ranked)] == ranked
    scores = [i["shame_score"] for i in ranking["items"][: len(ranked)]]
    assert scores == sorted(scores, reverse=True)
    live = load(site / "data/v1/rankings/parks/live/all.json")
    assert {"rides_down_now"} <= set(live["items"][0])
    assert set(load(site / "data/v1/rankings/rides/today/europe.json")["items"][0]) >= {"status"}


def test_no_data_rides_follow_with_null_numbers(engine, settings, tmp_path):
    seed(engine, WORLD)
    with engine.begin() as conn:  # one ranked ride without any daily row: no data
        from hallofshame import schema

        conn.execute(schema.ride_daily.delete().where(schema.ride_daily.c.ride_id == 1002))
    publish(engine, settings, tmp_path, NOW)
    items = load(tmp_path / "current/data/v1/rankings/rides/last-7-days/all.json")["items"]
    last = items[-1]
    assert last["ride_id"] == 1002 and last["rank"] is None
    assert all(last[k] is None for k in ("shame_score", "downtime_hours", "uptime_pct"))
    assert all(i["rank"] is not None for i in items[:-1])


def test_ranking_park_page_and_stats_command_agree(site, database_url):
    park_id, period = 101, "last-7-days"
    item = next(
        i
        for i in load(site / f"data/v1/rankings/parks/{period}/all.json")["items"]
        if i["park_id"] == park_id
    )
    page = load(site / f"data/v1/parks/{park_id}.json")["periods"][period]
    args = ["--park", str(park_id), "--period", period, "--now", NOW.isoformat(), "--json"]
    result = CliRunner().invoke(
        cli, ["--env-file", "/nonexistent", "--database-url", database_url, "stats", *args]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    for key in ("shame_score", "downtime_hours", "uptime_pct", "breakdowns"):
        assert item[key] == page[key] == stats[key] is not None, key
    html = (site / f"parks/{park_id}/index.html").read_text(encoding="utf-8")
    assert f'data-period="{period}"' in html
    assert num(item["shame_score"], "shame_score") in html


def test_no_dead_internal_link(site):
    checked = 0
    for page in files(site, ".html"):
        for link in links_of(page):
            if link.startswith(("http://", "https://", "mailto:", "#")):
                continue
            assert link.startswith("/"), f"{page}: relative link {link}"
            assert target_of(site, link).is_file(), f"{page}: dead link {link}"
            checked += 1
    assert checked > 1000
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for loc in sitemap.split("<loc>")[1:]:
        path = loc.split("</loc>")[0].removeprefix("http://127.0.0.1:8000")
        assert target_of(site, path).is_file(), path


def test_hostile_names_are_text_everywhere(site):
    markup = [n.encode() for n in HOSTILE_NAMES]
    escaped = [n.replace("<", "&lt;").replace(">", "&gt;").encode() for n in HOSTILE_NAMES]
    seen = 0
    for path in files(site):
        if path.suffix != ".csv" and not path.name.endswith(".csv.gz"):
            body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            assert not any(m in body for m in markup), path
            seen += sum(e in body for e in escaped)
    assert seen > 20
    assert escaped[0] in (site / "rides/1000/index.html").read_bytes()
    embeds = 0
    for path in files(site / "data/v1/rankings/rides", ".json"):
        ranked = [i for i in load(path)["items"] if i["rank"] is not None]
        top = [i["ride_id"] for i in ranked[:EMBED_ROWS]]
        if 1000 in top:
            rel = path.relative_to(site / "data/v1/rankings").with_suffix("")
            assert escaped[0] in (site / "embed/rankings" / rel / "index.html").read_bytes()
            embeds += 1
    assert embeds > 0
    assert escaped[1] in (site / "parks/100/index.html").read_bytes()
    assert escaped[1] in (site / "embed/parks/100/index.html").read_bytes()
    ride = load(site / "data/v1/rides/1000.json")
    assert ride["ride"]["name"] == HOSTILE_NAMES[0]  # JSON keeps the name as sent


def test_feed_names_the_worst_park_as_text(engine, settings, tmp_path):
    seed(engine, World(parks=1, rides=8))  # the one park is the hostile one: it wins
    publish(engine, settings, tmp_path, NOW)
    feed = (tmp_path / "current/awards/feed.xml").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; Land" in feed
    assert "<img" not in feed


def test_an_award_waits_until_its_period_is_final(engine, settings, tmp_path):
    """The aggregator lags: one park's yesterday is still provisional. Yesterday's award names
    no winner and the feed has no entry for it; last week's (all final) is awarded."""
    seed(engine, World(parks=1, rides=8))
    yesterday = max_day(engine) - timedelta(days=1)
    daily = schema.park_daily
    with engine.begin() as conn:
        changed = conn.execute(
            update(daily).where(daily.c.day == yesterday).values(final=False)
        ).rowcount
    assert changed == 1
    publish(engine, settings, tmp_path, NOW)
    awards = (tmp_path / "current/awards/index.html").read_text(encoding="utf-8")
    yesterday_section = awards.split('id="award-yesterday"', 1)[1].split("</section>", 1)[0]
    assert "Not awarded yet" in yesterday_section and "Worst park" not in yesterday_section
    week_section = awards.split('id="award-last-week"', 1)[1].split("</section>", 1)[0]
    assert "Worst park" in week_section
    feed = (tmp_path / "current/awards/feed.xml").read_text(encoding="utf-8")
    assert "#yesterday-" not in feed and "#last-week-" in feed


def max_day(engine) -> date:
    """The seeded world's last local day (its provisional today)."""
    with engine.connect() as conn:
        return conn.scalar(select(func.max(schema.park_daily.c.day)))


def test_gzip_beside_text_files_over_1kb_with_the_same_mtime(site):
    big = [p for p in files(site) if p.suffix != ".gz" and p.stat().st_size > 1024]
    assert len(big) > 100
    for path in big:
        gz = path.with_name(path.name + ".gz")
        assert gzip.decompress(gz.read_bytes()) == path.read_bytes()
        assert gz.stat().st_mtime_ns == path.stat().st_mtime_ns
    small = [p for p in files(site) if p.suffix != ".gz" and p.stat().st_size <= 1024]
    assert not any(p.with_name(p.name + ".gz").exists() for p in small)


def test_assets_are_fingerprinted_and_catalogued(site):
    assets = files(site / "assets")
    assert assets and all(len(p.name.split(".")[-2]) == 8 for p in assets if p.suffix != ".gz")
    catalog = load(site / "data/v1/catalog.json")
    listed = {f["url"] for f in catalog["files"]}
    published = {
        "/" + p.relative_to(site).as_posix()
        for p in files(site)
        if p.suffix != ".gz" and p.name != "catalog.json"
    }
    assert listed == published
    assert all(f["generated_at"] == "2026-07-04T18:00:00Z" for f in catalog["files"])
    unnamed = [f["url"] for f in catalog["files"] if f["media_type"] == "application/octet-stream"]
    assert not unnamed  # the search index, park feeds and Shopify files have their own kinds
    kinds = {f["kind"] for f in catalog["files"]}
    assert {"search-index", "park-feed", "shopify"} <= kinds


def test_simulated_banner_only_for_simulator_data(engine, settings, tmp_path):
    seed(engine, World(simulated=True))
    publish(engine, settings, tmp_path, NOW)
    for rel in ("index.html", "parks/101/index.html", "embed/parks/101/index.html"):
        assert "Simulated data" in (tmp_path / "current" / rel).read_text(encoding="utf-8")


def test_real_data_has_no_banner(site):
    assert "Simulated data" not in (site / "index.html").read_text(encoding="utf-8")


def test_published_data_matches_the_golden_files(site):
    """The data contract on a fixed dataset. When output should change, regenerate on purpose:
    `.venv/bin/python tests/golden/regenerate.py` and review the diff."""
    golden = GOLDEN / "data" / "v1"
    expected = {p.relative_to(golden).as_posix() for p in files(golden)}
    actual = {
        p.relative_to(site / "data/v1").as_posix()
        for p in files(site / "data/v1")
        if p.suffix in (".json", ".csv") and p.name not in GOLDEN_SKIP
    }
    assert actual == expected
    for rel in sorted(expected):
        assert (site / "data/v1" / rel).read_bytes() == (golden / rel).read_bytes(), rel


GOLDEN_SKIP = ("catalog.json", "openapi.json")  # list every file and the API's own document


def test_csv_is_utf8_with_a_header(site):
    text = (site / "data/v1/rankings/rides/today/all.csv").read_bytes().decode("utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:6] == ["rank", "ride_id", "park_id", "park_name", "name", "tier"]
    assert HOSTILE_NAMES[0] in text


def test_csv_cells_never_read_as_formulas():
    """A feed's name a spreadsheet would run (=, +, -, @, tab, CR first) starts with an
    apostrophe in the CSV; numbers, negative ones too, and other names are as they are."""
    names = ['=HYPERLINK("http://x","y")', "+1 ride", "-Loop", "@SUM(A1)", "\tTab", "Ok = fine"]
    items = [{"name": n, "score": -1.5} for n in names]
    rows = list(csv.reader(io.StringIO(to_csv(items, ["name", "score"]).decode("utf-8"))))
    assert [r[0] for r in rows[1:]] == [f"'{n}" for n in names[:5]] + ["Ok = fine"]
    assert {r[1] for r in rows[1:]} == {"-1.5"}


def test_publish_leaves_nothing_but_releases_and_current(site):
    docroot = site.parent
    names = {p.name for p in docroot.iterdir()}
    assert names == {"current", "releases", ".publish.lock", ".publish-cache"}
    assert os.readlink(site).startswith("releases/")


def test_an_empty_database_publishes_a_valid_site(engine, settings, tmp_path):
    summary = publish(engine, settings, tmp_path, NOW)
    site = tmp_path / "current"
    assert summary.files > 20 and (site / "index.html").is_file()
    ranking = load(site / "data/v1/rankings/parks/today/all.json")
    assert ranking["items"] == [] and ranking["data_as_of"] is None
    jsonschema.validate(ranking, SCHEMAS["ranking"], cls=jsonschema.Draft202012Validator)
    assert (site / "data/v1/rankings/rides/live/disney-universal.csv").read_text().count("\n") == 1


def test_csv_cells_with_line_breaks_quotes_or_commas_are_quoted_and_round_trip():
    """A bare CR must not end a row (a spreadsheet would start the next one at `=1+1`): every
    cell with CR, LF, a quote or a comma is quoted, the formula guard still applies, and `csv`
    and pandas read back exactly the rows written."""
    import pandas

    names = ["\r=1+1", "a\rb", "a\nb", "a\r\nb", 'say "hi"', "x,y", "plain", "\n@cmd"]
    items = [{"name": n, "score": 1.5 + i} for i, n in enumerate(names)]
    text = to_csv(items, ["name", "score"]).decode("utf-8")
    expected = [[csv_cell(n), str(1.5 + i)] for i, n in enumerate(names)]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "score"], *expected]
    assert rows[1][0] == "'\r=1+1" and rows[8][0] == "\n@cmd"
    frame = pandas.read_csv(io.StringIO(text, newline=""), dtype={"name": str})
    assert frame["name"].tolist() == [r[0] for r in expected]
    assert frame["score"].tolist() == [1.5 + i for i in range(len(names))]
    assert text.startswith("name,score\n") and '"\'\r=1+1",1.5\n' in text


def test_a_ride_page_shows_its_waits_up_front_as_its_json_has_them(site, engine):
    """Mean, median, p90 and longest posted wait per finished period, first on the ride page;
    the median and p90 are those of every counted reading of the period's days written out."""
    ride_id, period = 1000, "last-7-days"
    numbers = load(site / f"data/v1/rides/{ride_id}.json")["periods"][period]
    w = schema.ride_daily_waits.c
    first, last = (date.fromisoformat(numbers[k]) for k in ("first_day", "last_day"))
    query = select(w.wait, w.open_cycles).where(w.ride_id == ride_id, w.day >= first, w.day <= last)
    with engine.connect() as conn:
        readings = [wait for wait, n in conn.execute(query) for _ in range(n)]
    assert len(readings) > 100
    ordered = sorted(readings)
    middle = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2
    assert numbers["wait_median"] == round(middle, 1)
    assert numbers["wait_mean"] <= numbers["wait_p90"] <= numbers["wait_max"]
    html = (site / f"rides/{ride_id}/index.html").read_text(encoding="utf-8")
    assert html.index('id="ride-waits"') < html.index('id="ride-periods"')
    row = html[html.index(f'data-period="{period}"', html.index('id="ride-waits"')) :]
    row = row[: row.index("</tr>")]
    for key in ("wait_mean", "wait_median", "wait_p90", "wait_max"):
        assert f'data-key="{key}">{num(numbers[key], key)}</td>' in row, key


def test_a_ride_pages_year_calendar_reaches_back_past_the_30_day_window(engine, settings, tmp_path):
    """Forty seeded days: the calendar shows every ended day's uptime from the week of its
    first (up to yesterday, one square a day), the ten before the 30-day window too (read with
    the settled days), and the same again when a publish after the next cycle reuses the
    settled rows it cached."""
    world = World(days=40)
    seed(engine, world)
    d = schema.ride_daily.c
    query = select(d.day, d.open_minutes, d.down_minutes).where(d.ride_id == 1001, d.final)
    with engine.connect() as conn:
        days = {day: 100 * o / (o + w) for day, o, w in conn.execute(query) if o + w}
    assert len(days) == 39
    for at in (world.end, world.end + timedelta(minutes=10)):
        publish(engine, settings, tmp_path / "docroot", at)
        html = (tmp_path / "docroot/current/rides/1001/index.html").read_text(encoding="utf-8")
        figure = html[html.index('<figure class="chart calendar"') :]
        figure = figure[: figure.index("</figure>")]
        paths = dict(re.findall(r'<path class="(h\w+)" d="([^"]*)"', figure))
        first_monday = min(days) - timedelta(days=min(days).weekday())  # its first measured week
        assert sum(d.count("M") for d in paths.values()) == (max(days) - first_monday).days + 1
        assert sum(d.count("M") for cls, d in paths.items() if cls != "hnone") == len(days)
        oldest = min(day for day, uptime in days.items() if uptime < 100)
        shown = (
            f"{oldest.day}\u00a0{oldest.strftime('%b')}: {num(days[oldest], 'uptime_pct')}\u00a0%"
        )
        assert shown in figure  # the table lists the days with downtime, the oldest too
