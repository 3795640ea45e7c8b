"""The production virtual host, for real: Debian's apache2 on a loopback port with the project's
own deploy/apache/hallofshame.conf (its Defines set for this test's paths) in front of a real
gunicorn serving web.wsgi, over HTTP. Debian enables mod_deflate by default; so does this
server, to show the precompressed files are served as they are, never compressed per request.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from wsgiref.simple_server import make_server

import pytest
from werkzeug.test import Client

from cli.common import api_mount
from hallofshame import db
from hallofshame.settings import load_settings
from publisher import publish
from publisher.serve import QuietHandler, StaticSite, ThreadingServer
from publisher.webserver import apache_section, vhost_section
from tests.local_servers import ROOT, VHOST, free_port, get, gunicorn_command, running
from tests.local_servers import apache as local_apache
from tests.seeding import World, seed

SHOPS = "https://shop.example.org https://tickets.example.com"
# As Debian ships it: mod_deflate compresses on the fly, except what the vhost serves precompressed.
DEFLATE_ON = "AddOutputFilterByType DEFLATE text/html text/css text/plain application/json"
WORLD = World()
PARK = f"/parks/{100}/"  # the seeded world's first park


MARK = b"<!-- served from index.html.gz -->"
# What a CDN keeps: pages that change every cycle a minute (served stale a minute more while it
# refetches), park pages 5 minutes in a browser but a minute in the CDN, finished periods an
# hour in a browser but 10 minutes in the CDN; all of them a day while the origin is down.
CYCLE = "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
PAGE = "public, max-age=300, s-maxage=60, stale-while-revalidate=60, stale-if-error=86400"
DAILY = "public, max-age=3600, s-maxage=600, stale-if-error=86400"


def build_docroot(site: Path) -> None:
    """A real publish of a small seeded world into site/docroot, plus what must stay hidden:
    a file outside, symlinks out of the release, an older release, a dot file."""
    database = site / "site.sqlite3"
    engine = db.make_engine(f"sqlite:///{database}")
    db.upgrade(engine)
    seed(engine, WORLD)
    settings = load_settings(
        {"database_url": f"sqlite:///{database}", "docroot": str(site / "docroot")},
        env_file=None,
        environ={},
    )
    publish(engine, settings, site / "docroot", WORLD.end)
    engine.dispose()
    current = site / "docroot" / "current"
    # The home page's .gz twin differs detectably from a compression of the page.
    home = (current / "index.html").read_bytes()
    (current / "index.html.gz").write_bytes(gzip.compress(home + MARK))
    (site / "secret.txt").write_text("outside the docroot")
    os.symlink(site / "secret.txt", current / "leak.txt")
    os.symlink(site, current / "up")
    (current / ".secret").write_text("outside the docroot")
    old = site / "docroot" / "releases" / "20200101T000000000000Z"
    old.mkdir()
    (old / "old.html").write_text("an old release")
    time.sleep(1.1)  # Apache makes the ETag of a file changed within the last second weak


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    """A world-readable directory (Apache's workers run as another user when we are root)."""
    path = Path(tempfile.mkdtemp(prefix="hos-apache-"))
    path.chmod(0o755)
    old = os.umask(0o022)
    try:
        build_docroot(path)
        yield path
    finally:
        os.umask(old)
        shutil.rmtree(path)


@pytest.fixture(scope="module")
def gunicorn(site: Path) -> Iterator[int]:
    """The API as production runs it: gunicorn serving web.wsgi on a migrated database."""
    database = site / "site.sqlite3"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DOCROOT": str(site / "docroot")}
    with running(gunicorn_command(port), port, "gunicorn", cwd=ROOT, env=env):
        yield port


@pytest.fixture(scope="module")
def apache(site: Path, gunicorn: int) -> Iterator[int]:
    with local_apache(site, free_port(), gunicorn, SHOPS, extra=DEFLATE_ON) as port:
        yield port


def current(site: Path, path: str) -> Path:
    return site / "docroot" / "current" / path.lstrip("/")


def asset(site: Path) -> str:
    return "/assets/" + sorted(p.name for p in current(site, "assets").glob("*.css"))[0]


def test_the_precompressed_file_is_served_when_gzip_is_accepted(apache, site):
    page = get(apache, "/", Accept_Encoding="gzip, deflate, br")
    assert page.status == 200
    assert page.header("Content-Encoding") == "gzip"
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    assert "Accept-Encoding" in page.header("Vary")
    twin = current(site, "index.html.gz")
    assert int(page.header("Content-Length")) == twin.stat().st_size == len(page.body)
    assert gzip.decompress(page.body).endswith(MARK)  # the file, not a compression of the page

    data = get(apache, "/data/v1/parks/100.json", Accept_Encoding="gzip")
    assert data.header("Content-Type") == "application/json; charset=utf-8"
    assert data.header("Content-Encoding") == "gzip"
    assert data.body == current(site, "data/v1/parks/100.json.gz").read_bytes()


def test_the_plain_file_is_served_otherwise_and_small_files_are_never_compressed(apache, site):
    page = get(apache, "/")
    assert page.status == 200 and page.header("Content-Encoding") is None
    assert page.body == current(site, "index.html").read_bytes()
    assert "Accept-Encoding" in page.header("Vary")
    path = "/data/v1/rankings/parks/today/europe.json"  # under 1 KB: no twin; mod_deflate is on
    assert current(site, path).stat().st_size < 1024
    assert not current(site, path + ".gz").exists()
    small = get(apache, path, Accept_Encoding="gzip")
    assert small.status == 200 and small.header("Content-Encoding") is None
    assert small.body == current(site, path).read_bytes()


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/", CYCLE),
        ("/rankings/parks/live/all/", CYCLE),
        ("/rankings/rides/today/all/", CYCLE),
        ("/embed/rankings/parks/today/all/", CYCLE),
        ("/data/v1/rankings/parks/today/all.json", CYCLE),
        ("/rankings/parks/yesterday/all/", DAILY),
        ("/data/v1/rankings/parks/last-week/all.csv", DAILY),
        ("/rankings/rides/this-year/all/", DAILY),
        (PARK, PAGE),
        ("/data/v1/catalog.json", PAGE),
        ("ASSET", "public, max-age=31536000, immutable"),
    ],
)
def test_cache_control_by_kind_with_and_without_gzip(apache, site, path, cache_control):
    path = asset(site) if path == "ASSET" else path
    for headers in ({}, {"Accept_Encoding": "gzip"}):
        response = get(apache, path, **headers)
        assert response.status == 200, path
        assert response.header("Cache-Control") == cache_control, (path, headers)
        assert response.header("ETag")


@pytest.mark.parametrize("accept", ["", "gzip"])
def test_revalidation_with_the_etag_answers_304(apache, accept):
    headers = {"Accept_Encoding": accept} if accept else {}
    first = get(apache, "/rankings/parks/yesterday/all/", **headers)
    etag = first.header("ETag")
    again = get(apache, "/rankings/parks/yesterday/all/", If_None_Match=etag, **headers)
    assert again.status == 304 and again.body == b""
    assert again.header("ETag") == etag
    assert again.header("Cache-Control") == DAILY


@pytest.mark.parametrize("path", ["/", PARK, "/data/v1/parks/100.json", "/robots.txt", "ASSET"])
def test_a_cache_keys_every_file_on_accept_encoding_once(apache, site, path):
    """A CDN must not hand a gzip body to a client that did not ask for one: every file may
    have a .gz twin, so every answer (and its 304) says Vary: Accept-Encoding, once."""
    path = asset(site) if path == "ASSET" else path
    for headers in ({}, {"Accept_Encoding": "gzip"}):
        first = get(apache, path, **headers)
        again = get(apache, path, If_None_Match=first.header("ETag"), **headers)
        assert (first.status, again.status) == (200, 304), path
        for response in (first, again):
            assert response.header("Vary") == "Accept-Encoding", (path, headers)


def test_the_apis_answers_tell_a_cdn_what_to_keep(apache):
    """Health passes through a CDN (never stored); the API's documents are kept, and served
    stale for a day if the origin is down."""
    assert get(apache, "/api/health").header("Cache-Control") == "no-store"
    document = get(apache, "/api/openapi.json")
    assert document.status == 200
    assert document.header("Cache-Control") == "public, max-age=3600, stale-if-error=86400"


def test_serve_gives_the_apis_answers_the_vhosts_cache_headers(apache, site):
    """Through `serve` (the API mounted) and through the vhost (gunicorn), the same answers."""
    settings = load_settings(
        {"database_url": f"sqlite:///{site / 'site.sqlite3'}", "docroot": str(site / "docroot")},
        env_file=None,
        environ={},
    )
    preview = Client(StaticSite(site / "docroot", api_mount(settings)))
    for path in (
        "/api/health",
        "/api/openapi.json",
        "/api/v1/parks/100/stats?from=2026-06-28&to=2026-07-02",
        "/api/v1/rides/1000/timeline?date=2026-07-03",
    ):
        ours, theirs = preview.get(path), get(apache, path)
        assert ours.status_code == theirs.status, path
        assert ours.headers.get("Cache-Control") == theirs.header("Cache-Control"), path
        assert "stale-if-error" in theirs.header("Cache-Control") or path == "/api/health"


@pytest.mark.parametrize("name", ["sections", "snippets"])
def test_the_shopify_liquid_files_are_plain_text(apache, site, name):
    """A merchant opens the section or snippet in a browser and reads (or saves) it as text."""
    path = f"/shopify/{name}/hallofshame.liquid"
    for headers in ({}, {"Accept_Encoding": "gzip"}):
        response = get(apache, path, **headers)
        assert response.status == 200, (path, headers)
        assert response.headers.get_all("Content-Type") == ["text/plain; charset=utf-8"]
        assert response.header("X-Content-Type-Options") == "nosniff"
    twin = current(site, path + ".gz")
    assert twin.exists()  # the gzip branch above really served the precompressed twin
    assert get(apache, path, Accept_Encoding="gzip").header("Content-Encoding") == "gzip"


def test_the_gzip_and_plain_files_have_different_etags(apache):
    plain = get(apache, PARK).header("ETag")
    packed = get(apache, PARK, Accept_Encoding="gzip").header("ETag")
    assert plain and packed and plain != packed


def test_open_data_allows_any_origin(apache):
    for path in ("/data/v1/catalog.json", "/data/v1/rankings/parks/today/all.csv"):
        assert get(apache, path).header("Access-Control-Allow-Origin") == "*"
    assert get(apache, "/").header("Access-Control-Allow-Origin") is None


def test_embeds_may_be_framed_by_the_shops_only_and_nothing_else_at_all(apache):
    embed = get(apache, "/embed/parks/100/")
    assert embed.status == 200
    assert embed.header("X-Frame-Options") is None
    assert f"frame-ancestors {SHOPS}" in embed.header("Content-Security-Policy")
    for path in ("/", PARK, "/data/v1/catalog.json", "/no-such-page"):
        response = get(apache, path)
        assert response.header("X-Frame-Options") == "DENY", path
        assert "frame-ancestors 'none'" in response.header("Content-Security-Policy"), path


def test_security_headers_everywhere(apache, site):
    for path in ("/", "/embed/parks/100/", asset(site), "/api/health"):
        response = get(apache, path)
        assert response.header("X-Content-Type-Options") == "nosniff", path
        assert response.header("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert "default-src 'self'" in response.header("Content-Security-Policy"), path


def test_the_api_is_proxied_to_gunicorn(apache):
    health = get(apache, "/api/health")
    assert health.status == 503  # no cycle collected yet: the app says so
    assert health.header("Content-Type").startswith("application/json")
    assert b'"status": "unhealthy"' in health.body or b'"status":"unhealthy"' in health.body
    assert health.header("Cache-Control") == "no-store"  # the app's own: never cached
    missing = get(apache, "/api/v1/parks/99999/stats?from=2026-07-01&to=2026-07-02")
    assert missing.status == 404 and missing.body.startswith(b'{"error"')


def test_no_directory_listing(apache):
    for path in ("/data/v1/parks/", "/assets/", "/data/v1/rankings/parks/today/"):
        listing = get(apache, path)
        assert listing.status in (403, 404), path
        assert b"Index of" not in listing.body
        assert b"100.json" not in listing.body and b"all.json" not in listing.body


def test_missing_pages_get_the_site_404_page(apache, site):
    response = get(apache, "/rankings/parks/next-year/all/")
    assert response.status == 404
    assert response.body == current(site, "404.html").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/rankings/../../secret.txt",
        "/leak.txt",  # a symlink to a file outside the release
        "/up/secret.txt",  # a symlink to a directory outside
        "/current/index.html",
        "/releases/20200101T000000000000Z/old.html",
        "/.secret",
        "/site.sqlite3",
        "/httpd.conf",
    ],
)
def test_nothing_outside_the_docroot_is_reachable(apache, path):
    response = get(apache, path)
    assert response.status in (400, 403, 404), path
    assert b"outside the docroot" not in response.body
    assert b"an old release" not in response.body


@pytest.fixture(scope="module")
def serve(site: Path) -> Iterator[int]:
    """`hallofshame serve`'s site over the same docroot, its embeds framed by the same shops."""
    app = StaticSite(site / "docroot", frame_ancestors=SHOPS)
    server = make_server("127.0.0.1", 0, app, ThreadingServer, QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


SEEN = (
    "Content-Type",
    "Content-Encoding",
    "Content-Length",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Access-Control-Allow-Origin",
    "X-Frame-Options",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Vary",
)
PREVIEWED = [
    "/",
    "/index.html",
    "/index.html.gz",
    PARK,
    "/rankings/parks/live/all/",
    "/rankings/rides/yesterday/all/",
    "/embed/rankings/parks/today/all/",
    "/embed/parks/100/",
    "/data/v1/catalog.json",
    "/data/v1/parks/100.json",
    "/data/v1/rankings/parks/today/all.csv",
    "/data/v1/rankings/parks/last-week/all.json",
    "/sitemap.xml",
    "/robots.txt",
    "/shopify/sections/hallofshame.liquid",
    "/shopify/snippets/hallofshame.liquid",
    "/x/..",
    "/rankings/./parks/live/all/",
    "ASSET",
]


@pytest.mark.parametrize("accept", ["", "gzip", "gzip;q=0", "br, gzip;q=0.5", "GZIP, deflate"])
@pytest.mark.parametrize("path", PREVIEWED)
def test_serve_answers_what_the_vhost_answers(apache, serve, site, path, accept):
    """The same bytes and the same headers from `hallofshame serve` as from production."""
    path = asset(site) if path == "ASSET" else path
    headers = {"Accept_Encoding": accept} if accept else {}
    ours, theirs = get(serve, path, **headers), get(apache, path, **headers)
    assert (ours.status, ours.body) == (theirs.status, theirs.body), path
    assert {h: ours.header(h) for h in SEEN} == {h: theirs.header(h) for h in SEEN}, path
    assert "Accept-Encoding" in ours.header("Vary") and "Accept-Encoding" in theirs.header("Vary")
    etag, modified = theirs.header("ETag"), theirs.header("Last-Modified")
    for condition in ({"If_None_Match": etag}, {"If_Modified_Since": modified}):
        ours, theirs = (
            get(serve, path, **headers, **condition),
            get(apache, path, **headers, **condition),
        )
        assert ours.status == theirs.status == 304, (path, condition)
        assert ours.header("ETag") == theirs.header("ETag") == etag
        assert ours.header("Cache-Control") == theirs.header("Cache-Control")


@pytest.mark.parametrize(
    "path",
    [
        "/leak.txt",
        "/up/secret.txt",
        "/.secret",
        "/data/v1/parks/",
        "/assets/",
        "/rankings/parks/next-year/all/",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/rankings/../../secret.txt",
        "/current/index.html",
        "/releases/20200101T000000000000Z/old.html",
    ],
)
def test_serve_refuses_what_the_vhost_refuses(apache, serve, path):
    ours, theirs = get(serve, path), get(apache, path)
    assert ours.status == theirs.status, path
    assert b"outside the docroot" not in ours.body and b"an old release" not in ours.body


def test_gzip_with_q_0_is_refused(apache, site):
    for accept in ("gzip;q=0", "gzip; q=0.0, br", "identity, gzip;q=0.000"):
        page = get(apache, "/", Accept_Encoding=accept)
        assert page.status == 200 and page.header("Content-Encoding") is None, accept
        assert page.body == current(site, "index.html").read_bytes()


def test_the_vhost_holds_the_table_serve_follows():
    assert vhost_section(VHOST) == apache_section(), "run `python -m publisher.webserver`"


ERRORS = ROOT / "deploy" / "apache" / "errors"


def assert_json_error(response, status: int) -> None:
    assert response.status == status
    assert response.header("Content-Type") == "application/json; charset=utf-8"
    assert json.loads(response.body) == json.loads((ERRORS / f"{status}.json").read_bytes())
    assert response.header("Cache-Control") == "no-store"


def test_every_error_document_is_the_apps_shape():
    for path in sorted(ERRORS.glob("*.json")):
        body = json.loads(path.read_bytes())
        assert list(body) == ["error"] and list(body["error"]) == ["status", "message"], path
        assert body["error"]["status"] == int(path.stem) and body["error"]["message"], path


class Garbage:
    """A backend that reads every request and hangs up without a word."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with suppress(OSError):
            while True:
                conn, _ = self.listener.accept()
                conn.recv(65536)
                conn.close()


@pytest.fixture(scope="module")
def broken_backends(tmp_path_factory) -> Iterator[dict[int, int]]:
    """The vhost in front of no gunicorn at all (503) and of one that speaks garbage (502)."""
    garbage = Garbage()
    with (
        local_apache(tmp_path_factory.mktemp("down"), free_port(), free_port(), SHOPS) as down,
        local_apache(tmp_path_factory.mktemp("bad"), free_port(), garbage.port, SHOPS) as bad,
    ):
        yield {503: down, 502: bad}
    garbage.listener.close()


@pytest.mark.parametrize("status", [502, 503])
def test_apaches_own_api_errors_are_json(broken_backends, status):
    for path in ("/api/health", "/api/v1/parks/1/stats?from=2026-07-04&to=2026-07-04"):
        assert_json_error(get(broken_backends[status], path), status)


def test_what_apache_passes_on_gunicorn_never_refuses_in_html(apache):
    """gunicorn alone answers these with its HTML 414 and 400; behind the vhost the app
    answers them, in JSON."""
    long = get(apache, "/api/v1/parks/1/stats?from=2026-07-04&to=2026-07-04&x=" + "a" * 6000)
    assert long.status == 400 and json.loads(long.body)["error"]["message"].startswith("unknown")
    many = {f"X_Extra_{n}": "1" for n in range(99)}  # and Host: Apache's 100; it adds three
    crowded = get(apache, "/api/health", **many)
    assert crowded.status == 503 and json.loads(crowded.body)["status"] == "unhealthy"
    slashes = get(apache, "/api//health")  # Apache merges the slashes: the app's health
    assert slashes.status == 503 and json.loads(slashes.body)["status"] == "unhealthy"
