"""The change of a shame score against the previous period of the same length: the rule of
each period's previous span, the published change (the difference of the two scores as
published; null without data on either side), the schema it validates against and the words a
page says it in. On SQLite and MariaDB."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from hallofshame import fields, metrics
from publisher import publish, schemas
from reader.spans import PARK, RIDE, span_stats
from tests.seeding import World, seed

WORLD = World()  # 10 days of data up to Saturday 4 Jul 2026, 18:00 UTC
TODAY = date(2026, 12, 5)  # a Saturday


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ("yesterday", (date(2026, 12, 3), date(2026, 12, 3))),
        ("last-7-days", (date(2026, 11, 21), date(2026, 11, 27))),
        ("last-30-days", (date(2026, 10, 6), date(2026, 11, 4))),
        ("last-week", (date(2026, 11, 16), date(2026, 11, 22))),
        ("last-month", (date(2026, 10, 1), date(2026, 10, 31))),
        ("this-year", (date(2025, 1, 1), date(2025, 12, 4))),
    ],
)
def test_each_completed_period_has_a_previous_span_of_the_same_length(period, previous):
    assert metrics.previous_span(period, TODAY) == previous
    first, last = metrics.period_span(period, TODAY)
    if period not in ("last-month", "this-year"):  # calendar months and years vary
        assert previous[1] - previous[0] == last - first
        assert previous[1] == first - timedelta(days=1)


def test_the_previous_month_and_year_follow_the_calendar():
    assert metrics.previous_span("last-month", date(2026, 3, 15)) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    # this year up to 29 Feb 2028 against 1 Jan to 28 Feb 2027; on 1 January both are empty
    assert metrics.previous_span("this-year", date(2028, 3, 1)) == (
        date(2027, 1, 1),
        date(2027, 2, 28),
    )
    first, last = metrics.previous_span("this-year", date(2027, 1, 1))
    assert first > last


@pytest.mark.parametrize("period", ["live", "today"])
def test_live_and_today_have_no_previous_period(period):
    assert period not in metrics.COMPARED_PERIODS
    with pytest.raises(ValueError, match="no previous period"):
        metrics.previous_span(period, TODAY)


def test_a_change_is_the_difference_of_the_scores_as_published():
    assert metrics.score_change(3.44, 3.05, 1) == 0.3  # 3.4 - 3.1, not round(0.39)
    assert metrics.score_change(0.25, 0.35, 1) == -0.1
    assert metrics.score_change(2.0, 2.04, 1) == 0.0
    assert metrics.score_change(None, 1.0, 1) is None
    assert metrics.score_change(1.0, None, 1) is None


@pytest.fixture
def site(engine, settings, tmp_path: Path) -> Path:
    seed(engine, WORLD)
    publish(engine, settings, tmp_path / "docroot", WORLD.end)
    return tmp_path / "docroot" / "current"


def ranking(site: Path, level: str, period: str) -> dict:
    path = site / f"data/v1/rankings/{level}/{period}/all.json"
    return json.loads(path.read_text(encoding="utf-8"))


def by_hand(engine, level: str, id_: int, span: tuple[date, date]) -> float | None:
    """A score over days stated by hand: what the change must be the difference of."""
    with engine.connect() as conn:
        return span_stats(conn, level, {id_: span})[id_].shame_score


def shown(score: float | None) -> float | None:
    return fields.for_display("shame_score", score)


def test_a_ranking_items_change_is_the_difference_of_the_two_periods_scores(engine, site):
    """Park 100 is in New York, where 4 Jul is today: the last 7 days are 27 Jun to 3 Jul and
    the 7 days before them 20 to 26 Jun, of which the seeded world holds 25 and 26 Jun."""
    item = next(i for i in ranking(site, "parks", "last-7-days")["items"] if i["park_id"] == 100)
    now = by_hand(engine, PARK, 100, (date(2026, 6, 27), date(2026, 7, 3)))
    before = by_hand(engine, PARK, 100, (date(2026, 6, 20), date(2026, 6, 26)))
    assert now is not None and before is not None
    assert item["shame_score"] == shown(now)
    assert item["shame_score_change"] == metrics.round_half_away(shown(now) - shown(before), 1)
    changes = [i["shame_score_change"] for i in ranking(site, "rides", "yesterday")["items"]]
    assert any(c not in (None, 0.0) for c in changes)  # rides are compared too


def test_the_change_is_null_when_the_previous_period_has_no_data(engine, site):
    """Ten days of data: nothing in the 30 days before the last 30, nor in last year."""
    for level in ("parks", "rides"):
        for period in ("last-30-days", "this-year"):
            items = ranking(site, level, period)["items"]
            assert any(i["rank"] for i in items)
            assert all(i["shame_score_change"] is None for i in items), (level, period)
    assert (
        by_hand(engine, RIDE, 1000, metrics.previous_span("last-30-days", date(2026, 7, 4))) is None
    )


def test_the_change_is_in_the_files_and_validates_against_the_published_schema(site):
    ranking_schema = jsonschema.Draft202012Validator(schemas.SCHEMAS["ranking"])
    for period in metrics.PERIODS:
        data = ranking(site, "parks", period)
        ranking_schema.validate(data)
        compared = period in metrics.COMPARED_PERIODS
        assert all(("shame_score_change" in i) == compared for i in data["items"]), period
    header = (site / "data/v1/rankings/rides/last-week/all.csv").read_text().splitlines()[0]
    assert "shame_score_change" in header.split(",")
    park = json.loads((site / "data/v1/parks/100.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schemas.SCHEMAS["park"]).validate(park)
    assert "shame_score_change" in park["periods"]["last-7-days"]
    assert "shame_score_change" not in park["periods"]["today"]
    dictionary = (site / "data/index.html").read_text(encoding="utf-8")
    assert "shame_score_change" in dictionary


def test_pages_say_the_change_in_words(site):
    page = (site / "rankings/parks/last-7-days/all/index.html").read_text(encoding="utf-8")
    assert "Change (points)" in page
    assert "from the previous 7 days</span>" in page
    assert "▲" in page or "▼" in page
    month = (site / "rankings/rides/last-30-days/all/index.html").read_text(encoding="utf-8")
    assert "Change (points)" not in month  # no ride has data for the 30 days before
    assert "no ranked ride has data for the previous 30 days" in month
    today = (site / "rankings/parks/today/all/index.html").read_text(encoding="utf-8")
    assert "Change (points)" not in today
    assert "No change against a previous period" in today
    park = (site / "parks/100/index.html").read_text(encoding="utf-8")
    assert "from the day before</span>" in park
    assert "Live and today are not compared" in park
