"""The production virtual host, for real: Debian's apache2 on a loopback port with the project's
own deploy/apache/hallofshame.conf (its Defines set for this test's paths) in front of a real
gunicorn serving web.wsgi, over HTTP. Debian enables mod_deflate by default; so does this
server, to show the precompressed files are served as they are, never compressed per request.
"""

from __future__ import annotations

import getpass
import grp
import gzip
import http.client
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hallofshame import db

ROOT = Path(__file__).resolve().parents[1]
VHOST = ROOT / "deploy" / "apache" / "hallofshame.conf"
MODULES = Path("/usr/lib/apache2/modules")
SHOPS = "https://shop.example.org https://tickets.example.com"
NEEDED = ["mpm_event", "authz_core", "mime", "dir", "env", "rewrite", "headers", "proxy"]
NEEDED += ["proxy_http", "filter", "deflate"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def run_as() -> tuple[str, str]:
    """Apache's workers drop root: to `nobody` when we are root, else they stay us."""
    if os.geteuid() == 0:
        return "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    return getpass.getuser(), grp.getgrgid(os.getegid()).gr_name


def httpd_conf(site: Path, port: int, gunicorn_port: int) -> str:
    user, group = run_as()
    loads = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in NEEDED)
    return f"""
ServerRoot {site}
PidFile {site}/httpd.pid
DefaultRuntimeDir {site}
Mutex file:{site}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
User {user}
Group {group}
ErrorLog {site}/error.log
LogLevel warn
{loads}
TypesConfig /etc/mime.types
AddOutputFilterByType DEFLATE text/html text/css text/plain application/json
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
Define HOS_PORT {port}
Define HOS_SERVER_NAME 127.0.0.1
Define HOS_DOCROOT {site}/docroot
Define HOS_GUNICORN http://127.0.0.1:{gunicorn_port}
Define HOS_SHOP_ORIGINS "{SHOPS}"
Include {VHOST}
"""


BIG_HTML = "<!doctype html><title>x</title>" + "<p>row</p>" * 200  # > 1 KB: has a .gz twin


def write(path: Path, text: str, gz: str | None = None) -> None:
    """A file and, given `gz`, a .gz twin whose content differs detectably (`gz` inside), so a
    response proves which file it came from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if gz is not None:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(gz.encode()))


def build_docroot(site: Path) -> None:
    """A published tree as the site contract lays it out: current -> releases/<stamp>."""
    release = site / "docroot" / "releases" / "20260704T180000Z"
    write(release / "index.html", BIG_HTML, gz=BIG_HTML + "<!-- from index.html.gz -->")
    for period in ("live", "today", "yesterday", "last-week"):
        page = release / "rankings" / "parks" / period / "all" / "index.html"
        write(page, BIG_HTML, gz=f"{period} gz")
        data = release / "data" / "v1" / "rankings" / "parks" / period / "all.json"
        write(data, '{"rows": [' + ", ".join(["1"] * 600) + "]}", gz=f'{{"period": "{period}"}}')
    write(release / "parks" / "16" / "index.html", BIG_HTML, gz="park gz")
    write(release / "data" / "v1" / "catalog.json", '{"parks": [' + "1, " * 200 + "1]}")  # < 1 KB
    write(release / "data" / "v1" / "parks" / "16.json", '{"park_id": 16}')  # a dir, no index
    write(release / "assets" / "site.0123abcd.css", "body { color: black }\n" * 80, gz="css gz")
    write(release / "embed" / "parks" / "16" / "index.html", "<p>embed</p>")
    write(release / "404.html", "<h1>Not here: the Hall of Shame 404</h1>")
    write(release / ".manifest.json", "{}")
    write(site / "docroot" / "releases" / "20260703T180000Z" / "old.html", "an old release")
    write(site / "secret.txt", "outside the docroot")
    os.symlink(site / "secret.txt", release / "leak.txt")
    os.symlink(site, release / "up")
    os.symlink(f"releases/{release.name}", site / "docroot" / "current")


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
    database = site / "api.sqlite3"
    engine = db.make_engine(f"sqlite:///{database}")
    db.upgrade(engine)
    engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DOCROOT": str(site / "docroot")}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    proc = subprocess.Popen([*command, "web.wsgi:application"], cwd=ROOT, env=env)
    try:
        wait_for_port(port, proc, "gunicorn")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def apache(site: Path, gunicorn: int) -> Iterator[int]:
    port = free_port()
    conf = site / "httpd.conf"
    conf.write_text(httpd_conf(site, port, gunicorn))
    check = subprocess.run(["apache2", "-f", str(conf), "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(["apache2", "-f", str(conf), "-DFOREGROUND"])
    try:
        wait_for_port(port, proc, "apache2")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def get(port: int, path: str, **headers: str) -> Response:
    """One request, the path sent exactly as given, the body exactly as received."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


def gz_size(site: Path, path: str) -> int:
    return (site / "docroot" / "current" / path.lstrip("/")).with_suffix(".gz").stat().st_size


def test_the_precompressed_file_is_served_when_gzip_is_accepted(apache, site):
    page = get(apache, "/", Accept_Encoding="gzip, deflate, br")
    assert page.status == 200
    assert page.header("Content-Encoding") == "gzip"
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    assert "Accept-Encoding" in page.header("Vary")
    twin = site / "docroot" / "current" / "index.html.gz"
    assert int(page.header("Content-Length")) == twin.stat().st_size == len(page.body)
    assert gzip.decompress(page.body).decode().endswith("<!-- from index.html.gz -->")

    data = get(apache, "/data/v1/rankings/parks/today/all.json", Accept_Encoding="gzip")
    assert data.header("Content-Type") == "application/json; charset=utf-8"
    assert data.header("Content-Encoding") == "gzip"
    assert gzip.decompress(data.body) == b'{"period": "today"}'


def test_the_plain_file_is_served_otherwise_and_small_files_are_never_compressed(apache):
    page = get(apache, "/")
    assert page.status == 200 and page.header("Content-Encoding") is None
    assert page.body.decode() == BIG_HTML
    assert "Accept-Encoding" in page.header("Vary")
    small = get(apache, "/data/v1/catalog.json", Accept_Encoding="gzip")  # mod_deflate is on
    assert small.status == 200 and small.header("Content-Encoding") is None
    assert small.body.startswith(b'{"parks": [')


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("/", "public, max-age=60"),
        ("/rankings/parks/live/all/", "public, max-age=60"),
        ("/rankings/parks/today/all/", "public, max-age=60"),
        ("/data/v1/rankings/parks/today/all.json", "public, max-age=60"),
        ("/rankings/parks/yesterday/all/", "public, max-age=3600"),
        ("/data/v1/rankings/parks/last-week/all.json", "public, max-age=3600"),
        ("/parks/16/", "public, max-age=300"),
        ("/assets/site.0123abcd.css", "public, max-age=31536000, immutable"),
    ],
)
def test_cache_control_by_kind_with_and_without_gzip(apache, path, cache_control):
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
    assert again.header("Cache-Control") == "public, max-age=3600"


def test_the_gzip_and_plain_files_have_different_etags(apache):
    plain = get(apache, "/parks/16/").header("ETag")
    packed = get(apache, "/parks/16/", Accept_Encoding="gzip").header("ETag")
    assert plain and packed and plain != packed


def test_open_data_allows_any_origin(apache):
    for path in ("/data/v1/catalog.json", "/data/v1/rankings/parks/today/all.json"):
        assert get(apache, path).header("Access-Control-Allow-Origin") == "*"
    assert get(apache, "/").header("Access-Control-Allow-Origin") is None


def test_embeds_may_be_framed_by_the_shops_only_and_nothing_else_at_all(apache):
    embed = get(apache, "/embed/parks/16/")
    assert embed.status == 200
    assert embed.header("X-Frame-Options") is None
    assert f"frame-ancestors {SHOPS}" in embed.header("Content-Security-Policy")
    for path in ("/", "/parks/16/", "/data/v1/catalog.json", "/no-such-page"):
        response = get(apache, path)
        assert response.header("X-Frame-Options") == "DENY", path
        assert "frame-ancestors 'none'" in response.header("Content-Security-Policy"), path


def test_security_headers_everywhere(apache):
    for path in ("/", "/embed/parks/16/", "/assets/site.0123abcd.css", "/api/health"):
        response = get(apache, path)
        assert response.header("X-Content-Type-Options") == "nosniff", path
        assert response.header("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert "default-src 'self'" in response.header("Content-Security-Policy"), path


def test_the_api_is_proxied_to_gunicorn(apache):
    health = get(apache, "/api/health")
    assert health.status == 503  # no cycle collected yet: the app says so
    assert health.header("Content-Type").startswith("application/json")
    assert b'"status": "unhealthy"' in health.body or b'"status":"unhealthy"' in health.body
    assert health.header("Cache-Control") != "public, max-age=300"  # the app's own
    missing = get(apache, "/api/v1/parks/99999/stats?from=2026-07-01&to=2026-07-02")
    assert missing.status == 404 and missing.body.startswith(b'{"error"')


def test_no_directory_listing(apache):
    listing = get(apache, "/data/v1/parks/")
    assert listing.status in (403, 404)
    assert b"16.json" not in listing.body


def test_missing_pages_get_the_site_404_page(apache):
    response = get(apache, "/rankings/parks/next-year/all/")
    assert response.status == 404
    assert b"the Hall of Shame 404" in response.body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/rankings/../../secret.txt",
        "/leak.txt",  # a symlink to a file outside the release
        "/up/secret.txt",  # a symlink to a directory outside
        "/current/index.html",
        "/releases/20260703T180000Z/old.html",
        "/.manifest.json",
        "/api.sqlite3",
        "/httpd.conf",
    ],
)
def test_nothing_outside_the_docroot_is_reachable(apache, path):
    response = get(apache, path)
    assert response.status in (400, 403, 404), path
    assert b"outside the docroot" not in response.body
    assert b"an old release" not in response.body
