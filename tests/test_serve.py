"""`hallofshame serve`: a published docroot over HTTP, as a browser would ask for it."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from publisher.serve import StaticSite


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
    assert call(StaticSite(docroot), "/data.json")[1]["Content-Type"] == "application/json"


def test_gzip_only_when_accepted(docroot):
    _, headers, body = call(StaticSite(docroot), "/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"<p>xx")
    _, headers, body = call(StaticSite(docroot), "/")
    assert "Content-Encoding" not in headers and body.startswith(b"<p>xx")


def test_missing_pages_and_escapes_get_the_404_page(docroot):
    (docroot / "secret.txt").write_text("outside the release")
    for path in ("/nope/", "/../secret.txt", "/%2e%2e/secret.txt", "/parks/../../secret.txt"):
        status, _, body = call(StaticSite(docroot), path)
        assert status == "404 Not Found" and body == b"<p>not here</p>", path


def test_a_mounted_app_answers_under_its_prefix(docroot):
    def api(environ, start):
        start("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']

    status, _, body = call(StaticSite(docroot, {"/api/": api}), "/api/health")
    assert status == "200 OK" and body == b'{"ok": true}'
