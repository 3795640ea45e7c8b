"""`hallofshame serve`: a published docroot over HTTP, as a browser would ask for it."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from publisher.serve import StaticSite
from publisher.webserver import content_type


def call(app: StaticSite, path: str, **environ: str) -> tuple[str, dict[str, str], bytes]:
    found: dict[str, object] = {}

    def start(status: str, headers: list[tuple[str, str]]) -> None:
        found["status"], found["headers"] = status, dict(headers)

    env = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO(), **environ}
    body = b"".join(app(env, start))
    return found["status"], found["headers"], body  # type: ignore[return-value]


@pytest.fixture
def docroot(tmp_path: Path) -> Path:
    release = tmp_path / "releases" / "r1"
    (release / "parks" / "16").mkdir(parents=True)
    (release / "parks" / "16" / "index.html").write_text("<p>park</p>")
    page = "<p>" + "x" * 2000 + "</p>"
    (release / "index.html").write_text(page)
    (release / "index.html.gz").write_bytes(gzip.compress(page.encode()))
    (release / "404.html").write_text("<p>not here</p>")
    (release / "data.json").write_text("{}")
    (tmp_path / "current").symlink_to("releases/r1")
    return tmp_path


def test_directories_serve_index_html_with_its_type(docroot):
    status, headers, body = call(StaticSite(docroot), "/parks/16/")
    assert status == "200 OK" and body == b"<p>park</p>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    data_type = call(StaticSite(docroot), "/data.json")[1]["Content-Type"]
    assert data_type == "application/json; charset=utf-8"  # as Apache's AddCharset


def test_gzip_only_when_accepted(docroot):
    _, headers, body = call(StaticSite(docroot), "/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"<p>xx")
    _, headers, body = call(StaticSite(docroot), "/")
    assert "Content-Encoding" not in headers and body.startswith(b"<p>xx")


def test_missing_pages_get_the_404_page_and_escapes_a_400(docroot):
    (docroot / "secret.txt").write_text("outside the release")
    status, headers, body = call(StaticSite(docroot), "/nope/")
    assert status == "404 Not Found" and body == b"<p>not here</p>"
    assert headers["Cache-Control"] == "no-cache"
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/parks/../../secret.txt"):
        status, _, body = call(StaticSite(docroot), path)
        assert status == "400 Bad Request" and body == b"bad request", path


def test_symlinks_dot_files_and_bare_directories_are_refused(docroot, tmp_path):
    release = docroot / "releases" / "r1"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("outside the release")
    (release / "leak.txt").symlink_to(outside / "secret.txt")
    (release / "up").symlink_to(outside)
    (release / ".hidden").write_text("hidden")
    (release / "data").mkdir()
    for path in ("/leak.txt", "/up/secret.txt", "/up/", "/.hidden", "/data/"):
        status, _, body = call(StaticSite(docroot), path)
        assert status == "403 Forbidden" and body == b"forbidden", path


def test_a_gz_file_asked_for_by_name_says_its_encoding(docroot):
    _, headers, body = call(StaticSite(docroot), "/index.html.gz")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"<p>xx")


@pytest.mark.parametrize("accept", ["gzip;q=0", "gzip; q=0.000, br", "br", "*"])
def test_gzip_refused_with_q_0_or_not_named(docroot, accept):
    _, headers, body = call(StaticSite(docroot), "/", HTTP_ACCEPT_ENCODING=accept)
    assert "Content-Encoding" not in headers and body.startswith(b"<p>xx")


def test_etag_last_modified_and_304(docroot):
    site = StaticSite(docroot)
    _, headers, _ = call(site, "/parks/16/")
    page = docroot / "releases" / "r1" / "parks" / "16" / "index.html"
    size, mtime_us = page.stat().st_size, page.stat().st_mtime_ns // 1000
    assert headers["ETag"] == f'"{size:x}-{mtime_us:x}"'  # Apache's FileETag MTime Size
    for condition in (
        {"HTTP_IF_NONE_MATCH": f'"other", {headers["ETag"]}'},
        {"HTTP_IF_MODIFIED_SINCE": headers["Last-Modified"]},
    ):
        status, again, body = call(site, "/parks/16/", **condition)
        assert status == "304 Not Modified" and body == b""
        assert (
            again["ETag"] == headers["ETag"]
            and again["Cache-Control"]
            == "public, max-age=300, s-maxage=60, stale-while-revalidate=60, stale-if-error=86400"
        )
    status, _, _ = call(site, "/parks/16/", HTTP_IF_NONE_MATCH='"other"')
    assert status == "200 OK"


def test_the_production_headers(docroot):
    site = StaticSite(docroot, frame_ancestors="https://shop.example.org")
    _, home, _ = call(site, "/")
    assert (
        home["Cache-Control"]
        == "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
        and home["X-Frame-Options"] == "DENY"
    )
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in home
    embed = docroot / "releases" / "r1" / "embed" / "parks" / "16"
    embed.mkdir(parents=True)
    (embed / "index.html").write_text("<p>embed</p>")
    _, framed, _ = call(site, "/embed/parks/16/")
    assert "X-Frame-Options" not in framed
    assert "frame-ancestors https://shop.example.org" in framed["Content-Security-Policy"]
    _, data, _ = call(site, "/data.json")
    assert data["X-Content-Type-Options"] == "nosniff"
    assert call(site, "/data.json")[1].get("Access-Control-Allow-Origin") is None  # not /data/


def test_a_mounted_app_answers_under_its_prefix(docroot):
    def api(environ, start):
        start("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']

    status, _, body = call(StaticSite(docroot, {"/api/": api}), "/api/health")
    assert status == "200 OK" and body == b'{"ok": true}'


def test_shopify_liquid_files_are_text_a_merchant_can_read(docroot):
    """A .liquid file (Shopify's template language) is text: shown in the browser, not a
    download of unknown bytes, its .gz twin included."""
    shopify = docroot / "releases" / "r1" / "shopify" / "sections"
    shopify.mkdir(parents=True)
    section = "{% schema %}" + "x" * 2000 + "{% endschema %}"
    (shopify / "hallofshame.liquid").write_text(section)
    (shopify / "hallofshame.liquid.gz").write_bytes(gzip.compress(section.encode()))
    site = StaticSite(docroot)
    for accept in ("", "gzip"):
        status, headers, _ = call(
            site, "/shopify/sections/hallofshame.liquid", HTTP_ACCEPT_ENCODING=accept
        )
        assert status == "200 OK"
        assert headers["Content-Type"] == "text/plain; charset=utf-8", accept
    assert content_type(Path("hallofshame.liquid")) == "text/plain; charset=utf-8"  # --sync
    _, named, _ = call(site, "/shopify/sections/hallofshame.liquid.gz")
    assert named["Content-Type"] == "text/plain; charset=utf-8"
    assert named["Content-Encoding"] == "gzip"
