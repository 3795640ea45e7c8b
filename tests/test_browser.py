"""The published site in a real browser: Debian's Chromium driven by Playwright (pip).

One publish of a small seeded world (tests/seeding.py, simulated so the banner shows, hostile
ride names included) is served on 127.0.0.1 by a thread HTTP server; a second server on another
port (another origin) serves a shop page holding the README's Shopify snippet. The checks, over
every page type and embed at 375, 768 and 1,280 px, light and dark: pages render and sort
(worst first), the park page has its charts, no console error, axe-core finds no violation,
no page scrolls sideways, no element is wider than a 1,280 px viewport, a table's key cells
stay on a phone's screen; the embed resizes its frame, is light in a light shop under a dark
system preference and takes its options; the home page with everything it loads stays under
60 KB compressed. Screenshots of every page type at 375 and 1,280 px, light and dark, land in
this session's temporary directory (or $HALLOFSHAME_ARTIFACTS).

Playwright's own browser download is not reachable here: Chromium comes from apt (`.ci/run`) and
is launched by its path. Without it these tests skip, which HALLOFSHAME_STRICT=1 turns into
failures. The seed runs on SQLite only: what is tested is the presentation, and the publisher's
own tests cover both databases.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hallofshame import db
from hallofshame.settings import load_settings
from publisher import columns, publish
from publisher.formats import num
from tests.seeding import HOSTILE_NAMES, OPEN_HOURS, World, seed

playwright_sync = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

ROOT = Path(__file__).resolve().parent.parent
WORLD = World(simulated=True)
PARK = 101  # a park of the seeded world with ordinary names
RIDE = 1000  # the ride named <script>alert(1)</script>
PAGES = {  # every page type
    "home": "/",
    "rankings": "/rankings/",
    "ranking": "/rankings/parks/last-7-days/all/",
    "ranking-rides-live": "/rankings/rides/live/all/",
    "ranking-rides-today": "/rankings/rides/today/all/",
    "parks": "/parks/",
    "park": f"/parks/{PARK}/",
    "ride": f"/rides/{RIDE}/",
    "awards": "/awards/",
    "how-we-measure": "/how-we-measure/",
    "data": "/data/",
    "404": "/404.html",
    "embed": "/embed/rankings/rides/today/all/",
    "embed-live": "/embed/rankings/rides/live/all/",
    "embed-park": f"/embed/parks/{PARK}/",
}
WIDTHS = (375, 768, 1280)
KEY_CELLS = (
    "table.stack tbody tr:not([hidden]) > "
    ":is(.c-rank, .c-name, .c-shame-score, .c-downtime-hours, .c-status)"
)
EMBED = "/embed/rankings/parks/today/all/"
README_ORIGIN = "https://hallofshame.example.org"
HOME_BUDGET = 60_000  # bytes, gzip-compressed, the home page and everything it loads


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


def serve_dir(directory: Path) -> Iterator[str]:
    """Serve a directory on a free loopback port in a thread; yields its origin."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_root(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The current release of one publish of the seeded world."""
    work = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, work / "site.sqlite3")
    url = f"sqlite:///{work / 'site.sqlite3'}"
    settings = load_settings(
        {"database_url": url, "docroot": str(work / "docroot")}, env_file=None, environ={}
    )
    engine = db.make_engine(url)
    try:
        seed(engine, WORLD)
        publish(engine, settings, work / "docroot", WORLD.end)
    finally:
        engine.dispose()
    return (work / "docroot" / "current").resolve()


@pytest.fixture(scope="session")
def site_origin(site_root: Path) -> Iterator[str]:
    yield from serve_dir(site_root)


@pytest.fixture(scope="session")
def shop_origin(site_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second origin serving a shop page with the README's snippet pointed at the site."""
    shop = tmp_path_factory.mktemp("shop")
    snippet = readme_snippet().replace(README_ORIGIN, site_origin)
    snippet = re.sub(r"/embed/rankings/[^\"]+", EMBED, snippet)
    (shop / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Shop</title>"
        "<link rel='icon' href='data:,'></head>"
        f"<body><h1>Our shop</h1>{snippet}<p id='after'>Footer</p></body></html>",
        encoding="utf-8",
    )
    yield from serve_dir(shop)


def readme_snippet() -> str:
    """The Shopify snippet exactly as the README documents it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Embedding a ranking in a Shopify store.**", 1)[1]
    return section.split("```html\n", 1)[1].split("```", 1)[0]


class Watched:
    """A page whose console errors, uncaught exceptions and dialogs are recorded."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.message}")  # a name ran as script
        dialog.dismiss()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def watched(context: Any) -> Watched:
    return Watched(context)


def column_values(page: Any, table: str, key: str) -> list[str]:
    """The texts of one column of a ranking table's ranked rows, top to bottom."""
    return page.locator(
        f"{table} tbody:first-of-type tr[data-id] [data-key={key}]"
    ).all_inner_texts()


def click_header(page: Any, table: str, label: str) -> Any:
    header = page.locator(f"{table} thead th", has_text=label)
    header.locator("button").click()
    return header


def test_home_renders_today_and_sorts_by_a_header(watched: Watched, site_origin: str) -> None:
    page = watched.page
    page.goto(site_origin + "/")
    assert "break down the most" in page.locator("h1").inner_text()
    assert "Simulated data" in page.locator("header").inner_text()
    assert "Powered by Queue-Times.com" in page.locator("footer").inner_text()
    assert page.locator("footer a[href='https://queue-times.com']").count() == 1
    table = "#home-today"
    before = column_values(page, table, "name")
    assert len(before) == WORLD.parks
    header = click_header(page, table, "Uptime")  # worst first: the lowest uptime
    assert header.get_attribute("aria-sort") == "ascending"
    uptimes = [float(u) for u in column_values(page, table, "uptime_pct")]
    assert uptimes == sorted(uptimes)
    after = column_values(page, table, "name")
    assert sorted(after) == sorted(before)
    header = click_header(page, table, "Shame score")  # worst first: the highest score
    assert header.get_attribute("aria-sort") == "descending"
    scores = [float(s) for s in column_values(page, table, "shame_score")]
    assert scores == sorted(scores, reverse=True)
    assert watched.problems == []


@pytest.mark.parametrize(
    ("label", "key", "worst_first"),
    [
        ("Shame score", "shame_score", "descending"),
        ("Downtime", "downtime_hours", "descending"),
        ("Breakdowns", "breakdowns", "descending"),
        ("Longest outage", "longest_outage_minutes", "descending"),
        ("Uptime", "uptime_pct", "ascending"),
    ],
)
def test_a_number_column_sorts_worst_first_on_the_first_click(
    watched: Watched, site_origin: str, label: str, key: str, worst_first: str
) -> None:
    page = watched.page
    page.goto(site_origin + "/rankings/rides/last-7-days/all/")
    header = click_header(page, "#ranking", label)
    assert header.get_attribute("aria-sort") == worst_first
    values = [float(v) for v in column_values(page, "#ranking", key)]
    assert values == sorted(values, reverse=worst_first == "descending")


def test_a_filter_that_matches_nothing_says_so(watched: Watched, site_origin: str) -> None:
    page = watched.page
    page.goto(site_origin + "/rankings/rides/last-7-days/all/")
    box = page.get_by_role("searchbox", name="Filter this table")
    box.fill("no such ride anywhere")
    assert page.locator("#ranking tbody tr[data-id]:visible").count() == 0
    assert page.locator(".filter-empty").inner_text() == (
        "Nothing in this table matches \u201cno such ride anywhere\u201d."
    )
    box.fill("")
    assert page.locator(".filter-empty").inner_text() == ""
    assert watched.problems == []


def test_a_ranking_sorts_both_ways_and_filters(watched: Watched, site_origin: str) -> None:
    page = watched.page
    page.goto(site_origin + "/rankings/rides/last-7-days/all/")
    table = "#ranking"
    ranks = column_values(page, table, "rank")
    assert ranks == [str(n) for n in range(1, len(ranks) + 1)] and len(ranks) > 5
    header = click_header(page, table, "Uptime (%)")
    uptimes = [float(u) for u in column_values(page, table, "uptime_pct")]
    assert uptimes == sorted(uptimes) and header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    uptimes = [float(u) for u in column_values(page, table, "uptime_pct")]
    assert uptimes == sorted(uptimes, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    page.get_by_role("searchbox", name="Filter this table").fill(
        HOSTILE_NAMES[0]
    )  # the name is text, so it matches
    visible = page.locator(f"{table} tbody tr[data-id]:visible")
    assert visible.count() == 1 and visible.first.get_attribute("data-id") == str(RIDE)
    assert watched.problems == []


def test_a_ride_page_fills_in_right_now_from_its_park_file(
    watched: Watched, site_origin: str, site_root: Path
) -> None:
    """The ride page (history, changed once a day) shows its ride's live state and today's
    numbers read from the park's file; its name stays text."""
    page = watched.page
    page.goto(site_origin + PAGES["ride"])
    cards = page.locator("#live-now ul.cards li")
    cards.first.wait_for()
    shown = dict(line.split("\n", 1) for line in cards.all_inner_texts())
    park_id = json.loads((site_root / f"data/v1/rides/{RIDE}.json").read_text())["ride"]["park_id"]
    park = json.loads((site_root / f"data/v1/parks/{park_id}.json").read_text())
    ride = next(r for r in park["rides"] if r["ride_id"] == RIDE)
    label = {c["name"]: c["label"] for c in columns.live_cards()}  # from the table of fields
    assert shown[label["wait_time"]].strip() == num(ride["wait_time"])  # null unless open
    today = ride["today"]
    assert shown[label["uptime_pct"]].strip() == num(today["uptime_pct"], "uptime_pct")
    assert shown[label["downtime_hours"]].strip() == num(today["downtime_hours"], "downtime_hours")
    assert shown[label["breakdowns"]].strip() == num(today["breakdowns"])
    assert page.locator(f"#live-now a[href$='#ride-{RIDE}']").count() == 1
    local = park["data_as_of_local"]  # 2026-07-04T14:00:00-04:00
    assert page.locator("#live-now p.meta").first.inner_text() == (
        f"As of the cycle of 4 Jul 2026, {local[11:16]} park time."
    )
    assert page.locator("h1").inner_text() == HOSTILE_NAMES[0]
    assert watched.problems == []


def test_a_ride_page_says_closed_with_its_park_and_no_wait(
    watched: Watched, site_origin: str, site_root: Path
) -> None:
    """At night the park's file says the ride is closed because its park is (`park_closed`):
    the ride page's card says so, and shows no posted wait."""
    page = watched.page
    ride_file = json.loads((site_root / f"data/v1/rides/{RIDE}.json").read_text())
    park_url = f"/data/v1/parks/{ride_file['ride']['park_id']}.json"
    park = json.loads((site_root / park_url.lstrip("/")).read_text())
    ride = next(r for r in park["rides"] if r["ride_id"] == RIDE)
    ride.update(status="closed", park_closed=True, wait_time=None)
    park["live"]["status"] = "closed"
    page.route(
        f"**{park_url}",
        lambda route: route.fulfill(json=park, headers={"Content-Type": "application/json"}),
    )
    page.goto(site_origin + PAGES["ride"])
    cards = page.locator("#live-now ul.cards li")
    cards.first.wait_for()
    shown = dict(line.split("\n", 1) for line in cards.all_inner_texts())
    label = {c["name"]: c["label"] for c in columns.live_cards()}
    assert shown[label["status"]].strip() == "Closed (park closed)"
    assert shown[label["wait_time"]].strip() == "–"
    assert watched.problems == []


def test_tables_read_the_same_without_javascript(browser: Any, site_origin: str) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site_origin + PAGES["ranking"])
        assert page.locator("#ranking tbody tr[data-id]").count() == WORLD.parks
        assert page.locator("#ranking thead button").count() == 0  # no dead controls
        assert page.locator("input[type=search]").count() == 1  # the site search (a form)
        assert page.get_by_role("searchbox", name="Filter this table").count() == 0
    finally:
        ctx.close()


def test_the_park_page_shows_its_charts_with_text_alternatives(
    watched: Watched, site_origin: str
) -> None:
    page = watched.page
    page.goto(site_origin + PAGES["park"])
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 2  # the day x hour heatmap and the daily shame trend
    for i in range(2):
        svg = charts.nth(i)
        assert (svg.locator("title").first.text_content() or "").strip()
        assert (svg.locator("desc").first.text_content() or "").strip()
        assert svg.bounding_box()["height"] > 50
    cells = page.locator("figure.chart svg[role=img] rect[class^=h]:not(.hnone)")
    assert cells.count() == WORLD.days * len(OPEN_HOURS)  # every seeded open hour, no other
    assert page.locator("figure.chart details.alt table").count() == 2
    assert page.locator("[data-period=last-7-days] [data-key=shame_score]").inner_text()
    page.goto(site_origin + PAGES["ride"])
    assert page.locator("figure.chart svg[role=img] rect.bar-up").count() > 0
    assert page.locator("h1").inner_text() == HOSTILE_NAMES[0]
    assert watched.problems == []


def test_the_ride_page_leads_with_its_waits_and_draws_its_year(
    watched: Watched, site_origin: str, site_root: Path
) -> None:
    """The waits table comes first; the year calendar has a square per day from the week of
    its first measured day to yesterday (days without data dashed), a title, a description
    and a table; on a phone it keeps its size and scrolls inside its own box, on a wide screen
    it fits the page."""
    page = watched.page
    page.goto(site_origin + PAGES["ride"])
    waits = page.locator("#ride-waits")
    assert waits.locator("[data-period=last-7-days] [data-key=wait_median]").inner_text() != "–"
    assert waits.bounding_box()["y"] < page.locator("#ride-periods").bounding_box()["y"]
    calendar = page.locator("figure.calendar svg[role=img]")
    assert (calendar.locator("title").first.text_content() or "").strip()
    assert "no data" in (calendar.locator("desc").text_content() or "")
    squares = calendar.locator("path").evaluate_all(
        "ps => ps.map(p => [p.getAttribute('class'), p.getAttribute('d').split('M').length - 1])"
    )
    ride = json.loads((site_root / f"data/v1/rides/{RIDE}.json").read_text())
    ended = sorted(date.fromisoformat(row["day"]) for row in ride["uptime_history"])
    assert sum(n for _, n in squares) == (ended[-1] - ended[0]).days + ended[0].weekday() + 1
    assert sum(n for cls, n in squares if cls != "hnone") == WORLD.days - 1  # its ended days
    assert page.locator("figure.calendar details.alt table").count() == 1
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        box = page.locator("figure.calendar .chart-scroll").bounding_box()
        assert box["x"] + box["width"] <= width + 0.5
        assert calendar.bounding_box()["width"] == float(calendar.get_attribute("width"))
    assert watched.problems == []


@pytest.mark.parametrize("name", ["park", "ride"])
def test_a_period_tables_first_column_is_as_wide_as_its_words(
    watched: Watched, site_origin: str, name: str
) -> None:
    """At 1,280 px the period column ("Last 30 days", its days) takes its own width and the
    numbers share the rest: it took half the ride page's table (577 of 1,086 px)."""
    page = watched.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_origin + PAGES[name])
    table = page.locator(f"#{name}-periods")
    first = table.locator("thead th").first.bounding_box()["width"]
    numbers = table.locator("thead th.num").evaluate_all(
        "ths => ths.map(th => th.getBoundingClientRect().width)"
    )
    assert first < 250 < table.bounding_box()["width"] / 2
    assert first < 2 * min(numbers) and max(numbers) < 3 * min(numbers)
    assert watched.problems == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_console_error_and_no_accessibility_violation(
    watched: Watched, site_origin: str, name: str
) -> None:
    page = watched.page
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site_origin + PAGES[name])
        page.wait_for_load_state("load")
        for scheme in ("light", "dark"):  # contrast holds in both colour schemes
            page.emulate_media(color_scheme=scheme)
            results = axe_sync.Axe().run(page)
            found = [
                f"{width} {scheme}: {v['id']} ({v['impact']}): {v['help']} at "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"]
            ]
            assert found == [], "\n".join(found)
    assert watched.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_fits_its_width_with_its_key_columns_on_screen(
    browser: Any, site_origin: str, name: str, width: int, scheme: str
) -> None:
    """No sideways scroll of the page at any width; from 1,024 px no element is wider than the
    viewport (no table scrolls inside its box either); below, every key cell of a table (rank,
    name, shame score, downtime, status) is inside the viewport."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        page.goto(site_origin + PAGES[name])
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width >= 1024:
            wide = page.evaluate(
                """w => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > w + 0.5 && e.checkVisibility())
                  .map(e => e.tagName + '.' + e.className)""",
                width,
            )
            assert wide == []
        rights = page.locator(KEY_CELLS).evaluate_all(
            "els => els.filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect().right)"
        )
        assert all(right <= width + 0.5 for right in rights)
        if (name.startswith(("ranking-", "embed")) and name != "embed-park") or name == "ranking":
            assert rights, "a ranking shows its key cells"
    finally:
        ctx.close()


def test_the_embed_resizes_its_frame_on_another_origin(
    watched: Watched, site_origin: str, shop_origin: str
) -> None:
    assert shop_origin != site_origin
    page = watched.page
    page.goto(shop_origin + "/")
    frame_element = page.locator("#hallofshame-frame")
    assert frame_element.get_attribute("src") == site_origin + EMBED
    page.wait_for_function(
        "document.getElementById('hallofshame-frame').style.height !== '640px'", timeout=10_000
    )
    inner = page.frame_locator("#hallofshame-frame").locator("html")
    content = inner.evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
    height = frame_element.evaluate("e => e.getBoundingClientRect().height")
    assert height == content != 640
    assert "Powered by Queue-Times.com" in inner.locator(".embed-foot").inner_text()
    assert watched.problems == []


def test_the_home_page_with_everything_it_loads_is_under_60_kb_compressed(
    watched: Watched, site_origin: str
) -> None:
    bodies: list[bytes] = []
    watched.page.on("response", lambda response: bodies.append(response.body()))
    watched.page.goto(site_origin + "/")
    watched.page.wait_for_load_state("networkidle")
    assert len(bodies) >= 3  # the page, its stylesheet and its script at least
    compressed = sum(len(gzip.compress(body, 9)) for body in bodies)
    assert compressed < HOME_BUDGET, f"{compressed} bytes"


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $HALLOFSHAME_ARTIFACTS, or this session's temporary directory."""
    given = os.environ.get("HALLOFSHAME_ARTIFACTS")
    path = Path(given) if given else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_every_page_type(
    browser: Any, site_origin: str, artifacts: Path, width: int, scheme: str
) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        for name, path in PAGES.items():
            page.goto(site_origin + path)
            shot = artifacts / f"{name}-{width}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5_000
    finally:
        ctx.close()


# --- Embeds a shop can wear ----------------------------------------------------------------------

RIDES_EMBED = "/embed/rankings/rides/today/all/"
LIGHT_BG, DARK_BG = "rgb(255, 255, 255)", "rgb(18, 19, 23)"


def embed_page(browser: Any, url: str, width: int = 600, scheme: str = "dark") -> Any:
    """A page of its own (the caller closes its context) showing one embed."""
    ctx = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(url)
    return page


def body_background(page: Any) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def ranked_items(site_root: Path, path: str) -> list[dict[str, Any]]:
    rel = path.removeprefix("/embed/rankings/").strip("/")
    items = json.loads((site_root / f"data/v1/rankings/{rel}.json").read_text())["items"]
    return [i for i in items if i["rank"] is not None]


def test_an_embed_framed_by_a_light_shop_is_light_under_a_dark_system(
    browser: Any, site_origin: str, shop_origin: str
) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = ctx.new_page()
        page.goto(shop_origin + "/")
        frame = page.frame_locator("#hallofshame-frame")
        frame.locator("table.ranking").wait_for()
        # retried until the frame's stylesheet applies (before it, every background is clear)
        playwright_sync.expect(frame.locator("body")).to_have_css("background-color", LIGHT_BG)
        assert frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == (
            LIGHT_BG
        )
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", LIGHT_BG),
        ("?theme=light", LIGHT_BG),
        ("?theme=dark", DARK_BG),
        ("?theme=auto", DARK_BG),
    ],
)
def test_the_embed_theme_option(browser: Any, site_origin: str, query: str, expected: str) -> None:
    page = embed_page(browser, site_origin + RIDES_EMBED + query, scheme="dark")
    try:
        assert body_background(page) == expected
    finally:
        page.context.close()


def test_an_embed_is_light_without_javascript_under_a_dark_system(
    browser: Any, site_origin: str
) -> None:
    ctx = browser.new_context(color_scheme="dark", java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site_origin + RIDES_EMBED + "?theme=dark")  # options need the script
        assert body_background(page) == LIGHT_BG
        assert page.locator("table.ranking tbody tr[data-id]:visible").count() == 10
    finally:
        ctx.close()


def test_the_embed_rows_option_shows_that_many_ranked_rows(
    browser: Any, site_origin: str, site_root: Path
) -> None:
    ranked = ranked_items(site_root, RIDES_EMBED)
    assert len(ranked) > 10  # the default cuts the list
    rows = "table.ranking tbody tr[data-id]:visible"
    for query, expected in [("", 10), ("?rows=3", 3), ("?rows=50", min(50, len(ranked)))]:
        page = embed_page(browser, site_origin + RIDES_EMBED + query)
        try:
            ids = [int(i) for i in page.locator(rows).evaluate_all("r => r.map(e => e.dataset.id)")]
            assert ids == [i["ride_id"] for i in ranked[:expected]], query
            more = page.locator(".embed-more")
            if expected < len(ranked):
                assert more.inner_text() == f"Top {expected} of {len(ranked)} ranked."
            else:
                assert not more.is_visible()
        finally:
            page.context.close()


@pytest.mark.parametrize("bad", ["rows=0", "rows=51", "rows=x", "theme=pink", "accent=red"])
def test_a_bad_embed_option_is_ignored_with_one_warning(
    browser: Any, site_origin: str, bad: str
) -> None:
    ctx = browser.new_context(color_scheme="dark")
    try:
        page = ctx.new_page()
        warnings: list[str] = []
        page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
        page.goto(site_origin + RIDES_EMBED + "?" + bad)
        assert page.locator("table.ranking tbody tr[data-id]:visible").count() == 10
        assert body_background(page) == LIGHT_BG
        assert len(warnings) == 1
        assert warnings[0].startswith(f"Hall of Shame embed: ignoring {bad} (expected ")
    finally:
        ctx.close()


def test_the_embed_compact_columns_accent_and_transparent_background(
    browser: Any, site_origin: str
) -> None:
    page = embed_page(browser, site_origin + RIDES_EMBED, width=1100)
    try:
        heads = page.locator("table.ranking thead th:visible").all_inner_texts()
        assert any("Uptime" in h for h in heads) and any("Tier" in h for h in heads)
    finally:
        page.context.close()
    query = "?columns=compact&accent=0A7B83&background=transparent"
    page = embed_page(browser, site_origin + RIDES_EMBED + query, width=1100)
    try:
        heads = [
            h.strip() for h in page.locator("table.ranking thead th:visible").all_inner_texts()
        ]
        assert [h.split(" (")[0] for h in heads] == [
            "Rank",
            "Ride",
            "Park",
            "Shame score",
            "Status now",
        ]
        first = page.locator("table.ranking tbody tr[data-id]").first
        assert first.locator("[data-key=uptime_pct]").is_hidden()
        assert first.locator("[data-key=shame_score]").is_visible()
        link = first.locator("[data-key=name] a")
        assert link.evaluate("a => getComputedStyle(a).color") == "rgb(10, 123, 131)"
        assert body_background(page) == "rgba(0, 0, 0, 0)"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [320, 375, 768, 1100])
@pytest.mark.parametrize(
    "path", [RIDES_EMBED, "/embed/rankings/rides/live/all/", EMBED, f"/embed/parks/{PARK}/"]
)
def test_an_embed_fits_its_column_without_sideways_scroll(
    browser: Any, site_origin: str, path: str, width: int
) -> None:
    page = embed_page(browser, site_origin + path + "?rows=50", width=width)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        title = page.locator("h1").inner_text()
        visible = page.get_by_text(title, exact=True).evaluate_all(
            "els => els.filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 1)"
            ".length"
        )
        assert visible == 1  # the title once
        if path.startswith("/embed/rankings/"):
            assert page.locator("table.ranking tr[data-id]:not([data-id])").count() == 0
            key = page.locator("table.ranking tbody tr[data-id] [data-key=shame_score]")
            for box in key.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
                assert box <= width
    finally:
        page.context.close()


def test_the_search_box_fetches_its_index_only_when_used(watched: Watched, site_origin: str):
    page = watched.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_origin + PAGES["park"])
    page.wait_for_load_state("networkidle")
    assert not any(u.endswith("/search.json") for u in fetched)
    box = page.get_by_role("searchbox", name="Find a park or ride")
    box.fill("script")
    results = page.locator(".search-results a")
    results.first.wait_for()
    assert results.all_inner_texts() == [HOSTILE_NAMES[0]]  # a name stays text
    assert results.first.get_attribute("href") == f"/rides/{RIDE}/"
    assert sum(u.endswith("/search.json") for u in fetched) == 1
    box.fill("no such thing")
    assert page.locator(".search-results").inner_text() == (
        "No park or ride matches \u201cno such thing\u201d."
    )
    box.fill("Park 3")
    box.press("Enter")
    page.wait_for_url("**/parks/102/")
    assert watched.problems == []


def test_the_search_box_opens_the_a_to_z_list_without_javascript(browser: Any, site_origin: str):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site_origin + "/")
        page.get_by_role("searchbox", name="Find a park or ride").fill("Park")
        page.get_by_role("searchbox", name="Find a park or ride").press("Enter")
        page.wait_for_url("**/parks/?q=Park")
        assert page.locator("h1").inner_text() == "Every park A–Z"
    finally:
        ctx.close()
