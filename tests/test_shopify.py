"""The Shopify section and snippet: published with the site's URL filled in, rendered here by a
Liquid engine (python-liquid) as Shopify would, under the settings a merchant can pick.

The rendering tests read one publish of the seeded world on SQLite (what is tested is the
Liquid); the publish itself, the data page's link and a refused SITE_URL run on both databases.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from liquid import DictLoader, Environment
from liquid.builtin.tags.comment_tag import CommentNode
from liquid.exceptions import LiquidSyntaxError
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_TAG

from hallofshame import db, metrics
from hallofshame.settings import Settings, load_settings
from publisher import publish
from publisher.context import EMBED_ROWS
from publisher.release import PublishError
from publisher.shopify import DEFAULT_ACCENT, origin_of
from publisher.urls import file_of, url
from tests.seeding import HOSTILE_NAMES, World, seed
from tests.site_tree import links_of

WORLD = World()
SITE = "https://hallofshame.example.org"
SECTION = file_of(url("shopify_section"))
SNIPPET = file_of(url("shopify_snippet"))
ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {  # what a merchant picks: every test changes some of these
    "level": "parks",
    "period": "today",
    "filter": "all",
    "theme": "light",
    "accent": "#112233",
    "rows": 10,
    "compact": False,
    "transparent": False,
    "heading": "Worst parks today",
}


class SchemaTag(Tag):
    """Shopify's `{% schema %}`: JSON for the theme editor, which renders nothing."""

    name = "schema"
    end = "endschema"

    def parse(self, stream: Any) -> CommentNode:
        token = stream.eat(TOKEN_TAG)
        while not (stream.current.kind == TOKEN_TAG and stream.current.value == self.end):
            if stream.current.kind == TOKEN_EOF:
                raise LiquidSyntaxError("schema tag was never closed", token=token)
            next(stream)
        return CommentNode(token)


def liquid_env(snippet: str) -> Environment:
    """A Liquid environment with Shopify's schema tag and the snippet as `hallofshame`."""
    env = Environment(loader=DictLoader({"hallofshame": snippet}))
    env.add_tag(SchemaTag)
    return env


def render_section(env: Environment, section: str, **changes: Any) -> str:
    settings = {**SETTINGS, **changes}
    return env.from_string(section).render(section={"id": "main-1", "settings": settings})


def render_snippet(env: Environment, arguments: str) -> str:
    return env.from_string(f"{{% render 'hallofshame'{arguments} %}}").render()


class Embed(HTMLParser):
    """The iframe, the heading and the script of a rendered section."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []
        self.headings: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))
        elif tag == "h2":
            self.headings.append("")
        self._in = tag if tag in ("h2", "script") else None

    def handle_data(self, data: str) -> None:
        if self._in == "h2":
            self.headings[-1] += data.strip()
        elif self._in == "script":
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    @property
    def frame(self) -> dict[str, str | None]:
        assert len(self.frames) == 1
        return self.frames[0]

    def source(self) -> tuple[str, dict[str, str]]:
        """The frame's URL without its query, and its query (each parameter once)."""
        src = self.frame["src"] or ""
        parts = urlsplit(src)
        query = parse_qs(parts.query, strict_parsing=True)
        assert all(len(values) == 1 for values in query.values()), src
        return src.split("?", 1)[0], {k: v[0] for k, v in query.items()}


def schema_of(section: str) -> dict[str, Any]:
    blocks = re.findall(r"\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}", section, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def publish_world(database_url: str, settings: Settings, docroot: Path) -> Path:
    engine = db.make_engine(database_url)
    try:
        seed(engine, WORLD)
        publish(engine, settings, docroot, WORLD.end)
    finally:
        engine.dispose()
    return docroot / "current"


@pytest.fixture(scope="module")
def published(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One publish of the seeded world with SITE_URL set (SQLite)."""
    work = tmp_path_factory.mktemp("shopify")
    shutil.copy(sqlite_template, work / "site.sqlite3")
    database_url = f"sqlite:///{work / 'site.sqlite3'}"
    settings = load_settings(
        {"database_url": database_url, "docroot": str(work / "docroot"), "site_url": SITE + "/"},
        env_file=None,
        environ={},
    )
    return publish_world(database_url, settings, work / "docroot")


@pytest.fixture(scope="module")
def section(published: Path) -> str:
    return (published / SECTION).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def env(published: Path) -> Environment:
    return liquid_env((published / SNIPPET).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema(section: str) -> dict[str, Any]:
    return schema_of(section)


def options(schema: dict[str, Any], key: str) -> list[str]:
    setting = next(s for s in schema["settings"] if s["id"] == key)
    return [o["value"] for o in setting["options"]]


def test_the_schema_is_json_and_every_setting_has_a_label_and_a_default_among_its_choices(
    schema: dict[str, Any],
) -> None:
    ids = [s["id"] for s in schema["settings"]]
    assert ids == list(SETTINGS)
    for setting in schema["settings"]:
        assert {"type", "id", "label", "default"} <= set(setting), setting["id"]
        assert setting["label"].strip()
        kind, default = setting["type"], setting["default"]
        if kind == "select":
            values = [o["value"] for o in setting["options"]]
            assert default in values and len(set(values)) == len(values)
            assert all(o["label"].strip() for o in setting["options"])
        elif kind == "range":
            assert setting["min"] <= default <= setting["max"]
            assert (setting["min"], setting["max"], setting["step"]) == (1, 50, 1)
        elif kind == "color":
            assert re.fullmatch(r"#[0-9a-f]{6}", default)
        elif kind == "checkbox":
            assert default is False
        else:
            assert kind == "text" and isinstance(default, str)
    assert schema["presets"] and schema["presets"][0]["name"].strip()
    assert schema["name"].strip() and len(schema["name"]) <= 25  # Shopify's limit


def test_the_choices_are_this_publishs_periods_filters_and_parks(schema: dict[str, Any]) -> None:
    assert options(schema, "period") == list(metrics.PERIODS)
    assert options(schema, "filter") == metrics.filter_names(["Asia", "Europe", "North America"])
    assert options(schema, "level") == ["parks", "rides", "park-100", "park-101", "park-102"]
    assert options(schema, "theme") == ["light", "dark", "auto"]
    level = next(s for s in schema["settings"] if s["id"] == "level")
    park = next(o for o in level["options"] if o["value"] == "park-100")
    assert park["label"] == f"{HOSTILE_NAMES[1]} Land"  # the feed's name, as text once parsed
    labels = {o["value"]: o["label"] for o in schema["settings"][2]["options"]}
    assert labels["disney-universal"] == "Disney & Universal"  # the site's own words


def test_markup_in_a_park_name_stays_text_in_the_section(section: str) -> None:
    assert HOSTILE_NAMES[1] not in section and section.count("endschema") == 1
    assert "\\u003cimg src=x onerror=alert(1)\\u003e Land" in section


@pytest.mark.parametrize("level", ["parks", "rides"])
@pytest.mark.parametrize("theme", ["light", "dark", "auto"])
def test_every_period_and_filter_gives_its_embed_url_and_query(
    env: Environment, section: str, schema: dict[str, Any], level: str, theme: str
) -> None:
    seen = 0
    for period in options(schema, "period"):
        for f in options(schema, "filter"):
            markup = render_section(env, section, level=level, period=period, filter=f, theme=theme)
            embed = Embed(markup)
            src, query = embed.source()
            assert src == SITE + url("embed_ranking", level=level, period=period, filter=f)
            assert query == {"theme": theme, "accent": "112233", "rows": "10"}
            assert embed.frame["loading"] == "lazy"
            title = embed.frame["title"] or ""
            assert title.startswith("Theme Park Hall of Shame: Worst ") and level in title
            seen += 1
    assert seen == len(metrics.PERIODS) * 5


def test_one_park_gives_its_embed_and_its_name_as_the_title(env: Environment, section: str) -> None:
    embed = Embed(render_section(env, section, level="park-100", theme="dark"))
    src, query = embed.source()
    assert src == SITE + url("embed_park", park_id=100)
    assert query == {"theme": "dark", "accent": "112233", "rows": "10"}
    assert embed.frame["title"] == f"Theme Park Hall of Shame: {HOSTILE_NAMES[1]} Land"


@pytest.mark.parametrize("rows", [1, 50])
def test_rows_compact_columns_and_a_transparent_background_reach_the_query(
    env: Environment, section: str, rows: int
) -> None:
    embed = Embed(render_section(env, section, rows=rows, compact=True, transparent=True))
    assert embed.source()[1] == {
        "theme": "light",
        "accent": "112233",
        "rows": str(rows),
        "columns": "compact",
        "background": "transparent",
    }
    height = int(re.search(r"height:(\d+)px", embed.frame["style"] or "").group(1))
    assert height > 37 * rows  # a first guess near the embed's size, before it reports


def test_a_heading_is_shown_as_text_and_a_blank_one_not_at_all(
    env: Environment, section: str
) -> None:
    assert Embed(render_section(env, section, heading="Worst <b>parks</b>")).headings == [
        "Worst <b>parks</b>"
    ]
    for blank in ("", "   "):
        markup = render_section(env, section, heading=blank)
        assert Embed(markup).headings == [] and "<h2" not in markup


def test_the_listener_takes_only_the_sites_origin_and_the_documented_shape(
    env: Environment, section: str
) -> None:
    embed = Embed(render_section(env, section))
    script = "".join(embed.scripts)
    assert f'var origin = "{SITE}";' in script
    assert "if (event.origin !== origin) return;" in script
    assert 'data.type !== "hallofshame:height"' in script
    assert 'typeof height !== "number"' in script and "height < 20000" in script
    assert "frames[i].contentWindow === event.source" in script
    assert "data-hallofshame" in embed.frame  # the attribute the listener looks for


def test_the_snippet_takes_the_same_options_as_render_variables(
    env: Environment, section: str
) -> None:
    picked = {"level": "rides", "period": "last-7-days", "filter": "europe", "theme": "auto"}
    arguments = "".join(f", {k}: '{v}'" for k, v in picked.items())
    snippet = Embed(render_snippet(env, f"{arguments}, accent: '#112233', rows: 25, compact: true"))
    section_embed = Embed(render_section(env, section, rows=25, compact=True, **picked))
    assert snippet.frame["src"] == section_embed.frame["src"]
    assert snippet.frame["title"] == section_embed.frame["title"]
    assert snippet.headings == []  # no heading unless one is given


def test_the_snippet_falls_back_to_the_defaults_for_anything_unknown(env: Environment) -> None:
    for arguments in ("", ", level: 'park-99999', period: 'forever', theme: 'pink', rows: 0"):
        src, query = Embed(render_snippet(env, arguments)).source()
        assert src == SITE + url("embed_ranking", level="parks", period="today", filter="all")
        rows = "1" if "rows" in arguments else str(EMBED_ROWS)
        assert query == {"theme": "light", "accent": DEFAULT_ACCENT[1:], "rows": rows}
    _, query = Embed(render_snippet(env, ", rows: 500, accent: 'red'")).source()
    assert query == {"theme": "light", "rows": "50"}  # no accent that is not RRGGBB


def test_the_default_accent_is_the_sites_own() -> None:
    css = (ROOT / "site" / "style.css").read_text(encoding="utf-8")
    light = re.search(r"--accent:\s*(?:light-dark\()?(#[0-9a-fA-F]{6})", css)  # light first
    assert light.group(1).lower() == DEFAULT_ACCENT


def test_the_origin_is_the_site_urls_and_only_a_plain_url_is_accepted() -> None:
    assert origin_of("https://hallofshame.example.org/hos") == "https://hallofshame.example.org"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    for bad in ("javascript:alert(1)", 'https://x.org/"+alert(1)+"', "https://x.org/{{ a }}", ""):
        with pytest.raises(PublishError, match=r"SITE_URL .* is not a plain http"):
            origin_of(bad)


def test_a_published_site_carries_both_files_with_its_url_and_the_data_page_links_them(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """And a SITE_URL the files cannot carry fails the next publish, the live site kept."""
    site = publish_world(database_url, replace(settings, site_url=SITE), tmp_path / "docroot")
    for rel in (SECTION, SNIPPET):
        text = (site / rel).read_text(encoding="utf-8")
        assert f'var origin = "{SITE}";' in text and f"{SITE}/embed/" in text
        assert "[[" not in text and "[%" not in text  # nothing of the publish-time template
    links = links_of(site / "data/index.html")
    assert url("shopify_section") in links and url("shopify_snippet") in links
    catalog = json.loads((site / "data/v1/catalog.json").read_text(encoding="utf-8"))
    assert {f"/{SECTION}", f"/{SNIPPET}"} <= {f["url"] for f in catalog["files"]}
    live = site.resolve()
    engine = db.make_engine(database_url)
    try:
        bad = replace(settings, site_url='https://x.org/"onload="alert(1)')
        with pytest.raises(PublishError, match=r"SITE_URL .* is not a plain http"):
            publish(engine, bad, tmp_path / "docroot", WORLD.end, full=True)
    finally:
        engine.dispose()
    assert site.resolve() == live and (live / SECTION).is_file()
