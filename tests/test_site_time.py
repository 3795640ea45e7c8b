"""Honest time on the published pages: a finished period is stamped with its own last reading
(never its end, never before the first reading), a page's "last 30 days" sections cover the
same days, and no chart has a row for a day that has not begun in the park. On SQLite and
MariaDB."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from hallofshame import metrics, schema
from hallofshame.clock import to_db
from publisher import publish
from publisher.render import clock, day
from tests.seeding import World, seed

WORLD = World()
NOW = WORLD.end  # Saturday 4 Jul 2026, 18:00 UTC: Sunday 5 Jul in Tokyo
# Readings inside last week (22 to 28 Jun) somewhere: 21:50 UTC on the 28th is inside it in New
# York and London, 03:50 UTC on the 29th only in New York (23:50 EDT); neither in Tokyo.
LONDON_LAST = datetime(2026, 6, 28, 21, 50, tzinfo=UTC)
NEW_YORK_LAST = datetime(2026, 6, 29, 3, 50, tzinfo=UTC)
FIRST = datetime(2026, 6, 28, 16, 0, tzinfo=UTC)  # the first reading (29 Jun in Tokyo)


def published(engine, settings, tmp_path: Path) -> Path:
    seed(engine, WORLD)
    extra = [FIRST, LONDON_LAST, NEW_YORK_LAST]
    with engine.begin() as conn:
        conn.execute(
            schema.aggregated_cycles.insert(),
            [{"cycle_at": to_db(at), "aggregated_at": to_db(at)} for at in extra],
        )
    publish(engine, settings, tmp_path / "docroot", NOW)
    return tmp_path / "docroot" / "current"


def stamp(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<p class="meta stamp">(.*?)</p>', html, re.S)
    assert found, page
    return found.group(1)


def stamped_at(page: Path) -> str | None:
    found = re.search(r'<time datetime="([^"]+)"', stamp(page))
    return found.group(1) if found else None


def test_a_finished_period_is_stamped_with_its_last_reading_inside_it(engine, settings, tmp_path):
    site = published(engine, settings, tmp_path)
    rankings = site / "rankings"
    # every park (New York's last reading is the latest) and Europe (London's)
    assert stamped_at(rankings / "parks/last-week/all/index.html") == "2026-06-29T03:50:00Z"
    assert stamped_at(rankings / "rides/last-week/europe/index.html") == "2026-06-28T21:50:00Z"
    assert stamp(rankings / "parks/last-week/all/index.html").startswith(
        "Final; last reading <time"
    )
    # Asia (Tokyo): no reading inside its last week, and no stamp from before the first one
    assert stamp(rankings / "parks/last-week/asia/index.html") == (
        "Final; no reading inside this period."
    )
    assert stamp(rankings / "parks/yesterday/all/index.html") == (
        "Final; no reading inside this period."
    )
    # the embed says the same
    embed = (site / "embed/rankings/parks/last-week/all/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-06-29T03:50:00Z" data-local>29 Jun 2026, 03:50 UTC</time>' in embed
    # live and today: the latest cycle
    assert stamped_at(rankings / "parks/today/all/index.html") == "2026-07-04T18:00:00Z"


def test_every_finished_stamp_is_inside_its_period_and_after_the_first_reading(
    engine, settings, tmp_path
):
    site = published(engine, settings, tmp_path)
    seen = 0
    for page in sorted((site / "rankings").glob("*/*/*/index.html")):
        period = page.parent.parent.name
        at = stamped_at(page)
        if period in metrics.PROVISIONAL_PERIODS or at is None:
            continue
        data = json.loads(
            (site / "data/v1" / page.parent.relative_to(site)).with_suffix(".json").read_text()
        )
        instant = datetime.fromisoformat(at)
        assert FIRST <= instant <= NOW, page
        span = data["span"]
        zones = ("America/New_York", "Europe/London", "Asia/Tokyo")
        local = {metrics.local_day(instant, zone).isoformat() for zone in zones}
        assert any(span["from"] <= d <= span["to"] for d in local), page
        seen += 1
    assert seen > 10


def test_times_read_in_the_park_time_zone_with_its_abbreviation() -> None:
    assert clock("2026-06-29T03:50:00Z", "America/New_York") == "28 Jun 2026, 23:50 EDT"
    assert clock("2026-12-03T23:50:00Z", "Europe/London") == "3 Dec 2026, 23:50 GMT"
    assert clock("2026-12-03T23:50:00Z") == "3 Dec 2026, 23:50 UTC"
    assert day("2026-12-03") == "3 Dec 2026"


def heatmap_days(html: str) -> list[str]:
    table = html.split('id="heatmap-cap"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><th scope="row">(\d{4}-\d\d-\d\d)</th>', table)


def test_a_park_page_sections_agree_and_no_chart_row_is_after_the_parks_today(
    engine, settings, tmp_path
):
    site = published(engine, settings, tmp_path)
    for park_id, zone in ((100, "America/New_York"), (102, "Asia/Tokyo")):
        html = (site / f"parks/{park_id}/index.html").read_text(encoding="utf-8")
        park = json.loads((site / f"data/v1/parks/{park_id}.json").read_text())
        today = metrics.local_day(NOW, zone)
        first, last = metrics.period_span("last-30-days", today)
        row = park["periods"]["last-30-days"]
        assert (row["first_day"], row["last_day"]) <= (first.isoformat(), last.isoformat())
        words = f"{first.day} {first:%b} to {day(last.isoformat())}"
        for heading in ("Worst rides, last 30 days", "Longest outages, last 30 days"):
            assert f'{heading} <span class="meta">({words})</span>' in html, heading
        outages = html.split('id="outages-caption"', 1)[1].split("</table>", 1)[0]
        starts = re.findall(r'<time datetime="([^"]+)" data-local', outages)[::2]
        assert starts and all(
            first <= metrics.local_day(datetime.fromisoformat(s), zone) <= last for s in starts
        )
        days = heatmap_days(html)
        # every day from its first with data (the seeded world has 10 days) to the park's today
        start = min(c["day"] for c in park["heatmap"]["cells"])
        assert days[-1] == today.isoformat() and days[0] == start > first.isoformat()
        assert len(days) == (today - date.fromisoformat(start)).days + 1
        assert f"(no data before {day(start)})" in html


def test_a_finished_periods_json_is_stamped_with_its_last_reading(engine, settings, tmp_path):
    """The JSON files say what their pages say: a finished period's `data_as_of` is its last
    reading inside it (null without one), never the end of its last day; live and today's are
    the latest cycle. No file is stamped before the first reading."""
    site = published(engine, settings, tmp_path)

    def stamp_of(rel: str) -> str | None:
        return json.loads((site / "data/v1" / rel).read_text(encoding="utf-8"))["data_as_of"]

    assert stamp_of("rankings/parks/last-week/all.json") == "2026-06-29T03:50:00Z"
    assert stamp_of("rankings/rides/last-week/europe.json") == "2026-06-28T21:50:00Z"
    assert stamp_of("rankings/parks/last-week/asia.json") is None
    assert stamp_of("rankings/parks/today/all.json") == "2026-07-04T18:00:00Z"
    # a ride page holds its park's ended days: their last reading (23:50 on 28 Jun in New York)
    assert stamp_of("rides/1000.json") == "2026-06-29T03:50:00Z"
    stamped = 0
    for path in sorted(site.rglob("*.json")):
        found = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(found, dict) and found.get("data_as_of"):
            assert FIRST <= datetime.fromisoformat(found["data_as_of"]) <= NOW, path
            stamped += 1
    assert stamped > 50


def test_a_young_parks_heatmap_begins_at_its_first_day_with_data(engine, settings, tmp_path):
    """A park measured for 3 days: its heatmap has rows from its first day with data to its
    today and says once that there is no data before, not 28 empty rows (London's hourly rows
    before 2 Jul removed)."""
    seed(engine, WORLD)
    hourly = schema.park_hourly
    with engine.begin() as conn:
        conn.execute(
            hourly.delete().where(
                hourly.c.park_id == 101, hourly.c.day < datetime(2026, 7, 2).date()
            )
        )
    publish(engine, settings, tmp_path / "docroot", NOW)
    html = (tmp_path / "docroot/current/parks/101/index.html").read_text(encoding="utf-8")
    assert heatmap_days(html) == ["2026-07-02", "2026-07-03", "2026-07-04"]
    assert "(no data before 2 Jul 2026)" in html
    other = (tmp_path / "docroot/current/parks/100/index.html").read_text(encoding="utf-8")
    assert heatmap_days(other)[0] == "2026-06-25"
