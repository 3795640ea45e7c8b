"""`hallofshame serve` answers the site and the API on one port, as Apache does in production."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.test import Client

from cli.common import api_mount
from publisher.serve import StaticSite


def test_serve_mounts_the_api_beside_the_site(database_url, tmp_path: Path):
    release = tmp_path / "docroot" / "releases" / "r1"
    release.mkdir(parents=True)
    (release / "index.html").write_text("<p>home</p>")
    (tmp_path / "docroot" / "current").symlink_to("releases/r1")
    command = [sys.executable, "-c", "import cli; cli.main()", "--env-file", "", "--database-url"]
    command += [database_url, "--docroot", str(tmp_path / "docroot"), "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "/api/" in line, line + server.stderr.read()
        url = line.split(" at ")[-1].strip()
        with urllib.request.urlopen(url) as page:
            assert page.read() == b"<p>home</p>"
        status, body = fetch(url + "api/health")
        assert status == 503 and body["problems"] == ["stale: no successful collection cycle yet"]
        status, body = fetch(url + "api/v1/parks/1/stats?from=2026-07-04&to=2026-07-04")
        assert status == 404 and body["error"]["status"] == 404
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url: str) -> tuple[int, dict]:
    """Status and JSON body, for success and error answers alike."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_trusts_no_forwarded_for_header(settings, tmp_path: Path):
    """Reached directly, a rotating X-Forwarded-For must not make every request a new client,
    even where API_PROXY_COUNT (for gunicorn behind Apache) says one proxy is trusted."""
    limited = settings.with_overrides(api_rate_limit="3 per minute", api_proxy_count=1)
    client = Client(StaticSite(tmp_path, api_mount(limited)))
    statuses = [
        client.get(
            "/api/openapi.json",
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("url", ["not a url", "mysql+nosuchdriver://u:s3cret@h/db"])
def test_serve_refuses_an_unusable_database_url_in_one_line(url, tmp_path: Path):
    (tmp_path / "releases" / "r1").mkdir(parents=True)
    (tmp_path / "current").symlink_to("releases/r1")
    command = [sys.executable, "-c", "import cli; cli.main()", "--env-file", "", "--database-url"]
    command += [url, "--docroot", str(tmp_path), "serve", "--port", "0"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("hallofshame: cannot use DATABASE_URL: ")
    assert "s3cret" not in line
