"""The Shopify section in a real browser, framed as a shop frames it.

A publish of the seeded world whose SITE_URL is the loopback origin that serves it; the section
and snippet it publishes are rendered by python-liquid (tests/test_shopify.py) into pages of a
shop served on another port (another origin). Chromium is launched as tests/test_browser.py
launches it (Debian's, driven by Playwright; skipped without it, failed under
HALLOFSHAME_STRICT=1).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hallofshame import db
from hallofshame.settings import load_settings
from publisher import publish
from publisher.urls import file_of, url
from tests import test_browser
from tests.seeding import World, seed
from tests.test_shopify import liquid_env, render_section, render_snippet

Watched = test_browser.Watched
LIGHT_BG, DARK_BG = test_browser.LIGHT_BG, test_browser.DARK_BG
WORLD = World(simulated=True)
COLUMN = 560  # px: the shop's content column
FRAMES = "iframe[data-hallofshame]"


@pytest.fixture(scope="module")
def site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The origin and current release of a publish whose SITE_URL is that origin (the server
    starts first and serves `current` as soon as the publish makes it)."""
    work = tmp_path_factory.mktemp("shopify-site")
    shutil.copy(sqlite_template, work / "site.sqlite3")
    database_url = f"sqlite:///{work / 'site.sqlite3'}"
    server = test_browser.serve_dir(work / "docroot" / "current")
    origin = next(server)
    try:
        settings = load_settings(
            {"database_url": database_url, "docroot": str(work / "docroot"), "site_url": origin},
            env_file=None,
            environ={},
        )
        engine = db.make_engine(database_url)
        try:
            seed(engine, WORLD)
            publish(engine, settings, work / "docroot", WORLD.end)
        finally:
            engine.dispose()
        yield origin, work / "docroot" / "current"
    finally:
        server.close()  # stops the server


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A shop on another origin: its origin and the directory of its pages."""
    root = tmp_path_factory.mktemp("shop")
    for origin in test_browser.serve_dir(root):
        yield origin, root


@pytest.fixture(scope="module")
def liquid(site: tuple[str, Path]) -> tuple[Any, str]:
    """A Liquid environment holding the published snippet, and the published section."""
    root = site[1]
    snippet = (root / file_of(url("shopify_snippet"))).read_text(encoding="utf-8")
    section = (root / file_of(url("shopify_section"))).read_text(encoding="utf-8")
    return liquid_env(snippet), section


def shop_page(shop: tuple[str, Path], name: str, *sections: str) -> str:
    """A page of the shop with the sections in its content column; its URL."""
    origin, root = shop
    (root / f"{name}.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Our shop</title>"
        "<link rel='icon' href='data:,'><style>body{margin:0;font-family:sans-serif}"
        f"main{{max-width:{COLUMN}px;margin:0 auto;padding:0 12px}}</style></head>"
        f"<body><h1>Our shop</h1><main>{''.join(sections)}</main>"
        "<footer id='after'>Footer</footer></body></html>",
        encoding="utf-8",
    )
    return f"{origin}/{name}.html"


def frame_height(page: Any, index: int) -> float:
    return page.locator(FRAMES).nth(index).evaluate("f => f.getBoundingClientRect().height")


def fitted(page: Any, index: int = 0, unlike: float | None = None) -> tuple[Any, int]:
    """Wait until frame `index` is as tall as its content (and no longer `unlike` px tall);
    the frame and that height."""
    frame = page.locator(FRAMES).nth(index).element_handle().content_frame()
    frame.wait_for_load_state("load")
    shown = content = 0.0
    for _ in range(150):
        content = frame.evaluate(
            "Math.ceil(document.documentElement.getBoundingClientRect().height)"
        )
        shown = frame_height(page, index)
        if shown == content and shown != unlike:
            return frame, content
        page.wait_for_timeout(100)
    raise AssertionError(f"frame {index} is {shown} px tall, its content {content} px")


def background(frame: Any) -> str:
    return frame.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize(
    ("theme", "system", "expected"),
    [("light", "dark", LIGHT_BG), ("dark", "light", DARK_BG), ("auto", "dark", DARK_BG)],
)
def test_the_section_fits_its_column_follows_its_theme_and_resizes(
    browser: Any,
    site: tuple[str, Path],
    shop: tuple[str, Path],
    liquid: tuple[Any, str],
    theme: str,
    system: str,
    expected: str,
) -> None:
    env, section = liquid
    markup = render_section(
        env, section, level="rides", theme=theme, rows=10, heading="Worst rides today"
    )
    address = shop_page(shop, f"section-{theme}", markup)
    ctx = browser.new_context(viewport={"width": 1280, "height": 1400}, color_scheme=system)
    try:
        watched = Watched(ctx)
        page = watched.page
        page.goto(address)
        assert (
            page.locator(FRAMES)
            .get_attribute("src")
            .startswith(site[0] + "/embed/rankings/rides/today/all/?")
        )
        frame, height = fitted(page)
        column = page.locator("main").evaluate("m => m.clientWidth - 24")  # less its padding
        assert page.locator(FRAMES).evaluate("f => f.getBoundingClientRect().width") == column
        assert frame.evaluate("document.documentElement.scrollWidth") <= column
        assert background(frame) == expected
        assert frame.locator("table.ranking tbody tr[data-id]:visible").count() == 10
        assert page.get_by_role("heading", name="Worst rides today").is_visible()
        page.locator("main").evaluate("m => { m.style.maxWidth = '340px'; }")  # a phone's column
        frame, narrow = fitted(page, unlike=height)
        assert narrow > height  # the same rows, wrapped: the frame grew to fit them
        column = page.locator("main").evaluate("m => m.clientWidth - 24")
        assert column == 340
        assert page.locator(FRAMES).evaluate("f => f.getBoundingClientRect().width") == column
        assert frame.evaluate("document.documentElement.scrollWidth") <= column
        assert watched.problems == []
    finally:
        ctx.close()


def test_the_listener_ignores_other_origins_and_other_shapes(
    browser: Any, site: tuple[str, Path], shop: tuple[str, Path], liquid: tuple[Any, str]
) -> None:
    env, section = liquid
    address = shop_page(shop, "listener", render_section(env, section, rows=5))
    ctx = browser.new_context(viewport={"width": 1280, "height": 1400})
    try:
        page = ctx.new_page()
        page.goto(address)
        frame, _ = fitted(page)
        page.locator(FRAMES).evaluate(  # every height the frame is given, from now on
            "f => { window.heights = []; new MutationObserver(() => "
            "window.heights.push(f.style.height)).observe(f, {attributes: true}); }"
        )
        page.evaluate("window.postMessage({type: 'hallofshame:height', height: 77}, '*')")
        for bad in (
            "{type: 'hallofshame:height', height: '78'}",
            "{type: 'other', height: 79}",
            "{height: 80}",
            "'hallofshame:height'",
            "{type: 'hallofshame:height', height: 1e9}",
        ):
            frame.evaluate(f"parent.postMessage({bad}, '*')")
        frame.evaluate("parent.postMessage({type: 'hallofshame:height', height: 91}, '*')")
        page.wait_for_function("window.heights.includes('91px')", timeout=10_000)
        assert page.evaluate("window.heights") == ["91px"]
    finally:
        ctx.close()


def test_a_section_and_a_snippet_on_one_page_each_fit_their_own_frame(
    browser: Any, site: tuple[str, Path], shop: tuple[str, Path], liquid: tuple[Any, str]
) -> None:
    env, section = liquid
    top = render_section(env, section, level="parks", rows=3, heading="")
    below = render_snippet(env, ", level: 'park-101', theme: 'dark', compact: true")
    address = shop_page(shop, "product", top, below)
    ctx = browser.new_context(viewport={"width": 1280, "height": 2400}, color_scheme="light")
    try:
        watched = Watched(ctx)
        page = watched.page
        page.goto(address)
        first, one = fitted(page, 0)
        second, two = fitted(page, 1)
        assert one != two and background(first) == LIGHT_BG and background(second) == DARK_BG
        assert (
            page.locator(FRAMES)
            .nth(1)
            .get_attribute("src")
            .split("?")[0]
            .endswith(url("embed_park", park_id=101))
        )
        assert page.locator("h2").count() == 0  # a blank heading and none given
        assert watched.problems == []
    finally:
        ctx.close()
