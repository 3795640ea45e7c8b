"""`hallofshame serve`: the published site on localhost, a faithful preview of production.

A small WSGI app over DOCROOT/current that answers as the production vhost does for what a
browser sees: the headers of publisher/webserver.py's table (Cache-Control, CORS on /data/,
framing only for /embed/, the security headers), the `.gz` twin when the client accepts gzip,
`ETag`/`Last-Modified` and `304`, index.html for directories, the 404 page, and the same
refusals (no symlink inside a release is followed, no dot file, no listing). `mount` lets a
second WSGI app (the Flask API) answer under a prefix such as /api/, with the table's headers.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from publisher.release import CURRENT
from publisher.webserver import accepts_gzip, content_type, headers_for

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Local pages may frame the embeds (production: the shop origins of HOS_SHOP_ORIGINS).
LOCAL_FRAMERS = "http://127.0.0.1:* http://localhost:*"
FORBIDDEN = object()  # resolve(): the path exists but is refused (Apache's 403)


class StaticSite:
    """Serves the release `current` points at, read anew on every request (a publish or a
    rollback shows at once)."""

    def __init__(
        self,
        docroot: Path | str,
        mounts: dict[str, WSGIApp] | None = None,
        frame_ancestors: str = LOCAL_FRAMERS,
    ) -> None:
        self.current = Path(docroot) / CURRENT
        self.mounts = mounts or {}
        self.frame_ancestors = frame_ancestors

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ.get("PATH_INFO", "/")
        path = _normalize(raw)
        if path is None:
            return _plain(start, "400 Bad Request", {})
        site_headers = headers_for(path, self.frame_ancestors)
        for prefix, app in self.mounts.items():
            if raw.startswith(prefix):
                return app(environ, _adding(start, site_headers))
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _plain(start, "405 Method Not Allowed", site_headers, [("Allow", "GET, HEAD")])
        found = self.resolve(path)
        if found is FORBIDDEN:
            return _plain(start, "403 Forbidden", site_headers)
        if found is None:
            page = self.current / "404.html"
            if not page.is_file():
                return _plain(start, "404 Not Found", site_headers)
            return self.send(environ, start, "404 Not Found", page, "/404.html")
        return self.send(environ, start, "200 OK", found, path)

    def resolve(self, url_path: str) -> Path | object | None:
        """The file for a normalized URL path (`_normalize`); directories give index.html.
        FORBIDDEN for what Apache refuses: a dot file, a symlink inside the release, a
        directory without index.html."""
        parts = [p for p in url_path.split("/") if p]
        if any(p.startswith(".") for p in parts):
            return FORBIDDEN
        target = self.current
        for part in parts:
            target = target / part
            if target.is_symlink():
                return FORBIDDEN
            if not target.exists():
                return None
        if target.is_dir():
            target = target / "index.html"
            if not target.is_file() or target.is_symlink():
                return FORBIDDEN
        return target if target.is_file() else None

    def send(
        self,
        environ: dict[str, Any],
        start: Callable[..., Any],
        status: str,
        path: Path,
        url_path: str,
    ) -> Iterable[bytes]:
        headers = headers_for(url_path, self.frame_ancestors)
        gz = path.with_name(path.name + ".gz")
        if path.suffix == ".gz":  # asked for by name: the type of what it holds, gzip-encoded
            headers |= {"Content-Type": content_type(Path(path.stem)), "Content-Encoding": "gzip"}
        else:
            headers["Content-Type"] = content_type(path)
            if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")) and _plain_file(gz):
                path = gz
                headers["Content-Encoding"] = "gzip"
        stat = path.stat()
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns // 1000:x}"'  # Apache's FileETag MTime Size
        headers |= {
            "ETag": etag,
            "Last-Modified": formatdate(int(stat.st_mtime), usegmt=True),
        }
        if status == "200 OK" and _not_modified(environ, etag, int(stat.st_mtime)):
            del headers["Content-Type"]
            headers.pop("Content-Encoding", None)
            start("304 Not Modified", list(headers.items()))
            return [b""]
        body = path.read_bytes()
        headers["Content-Length"] = str(len(body))
        start(status, list(headers.items()))
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def _normalize(url_path: str) -> str | None:
    """The URL path decoded, without `.` or `..` segments, its trailing slash kept; None when
    `..` would climb above the root (Apache answers 400)."""
    decoded = unquote(url_path)
    depth = 0
    for part in decoded.split("/"):
        depth += -1 if part == ".." else part not in ("", ".")
        if depth < 0:
            return None
    clean = posixpath.normpath("/" + decoded.lstrip("/"))
    keep_slash = decoded.endswith("/") and clean != "/"
    return clean + "/" if keep_slash else clean


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _not_modified(environ: dict[str, Any], etag: str, mtime: int) -> bool:
    """If-None-Match decides when sent; otherwise If-Modified-Since (as Apache does)."""
    tags = environ.get("HTTP_IF_NONE_MATCH")
    if tags is not None:
        return tags.strip() == "*" or etag in [t.strip() for t in tags.split(",")]
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not since:
        return False
    try:
        return mtime <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False


def _plain(
    start: Callable[..., Any],
    status: str,
    site_headers: dict[str, str],
    extra: list[tuple[str, str]] | None = None,
) -> Iterable[bytes]:
    body = status.split(" ", 1)[1].lower().encode()
    headers = site_headers | {"Content-Type": "text/plain; charset=utf-8"}
    start(status, [*headers.items(), ("Content-Length", str(len(body))), *(extra or [])])
    return [body]


def _adding(start: Callable[..., Any], site_headers: dict[str, str]) -> Callable[..., Any]:
    """A start_response that adds the site's headers the mounted app did not set itself."""

    def start_with(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        own = {name.lower() for name, _ in headers}
        extra = [(k, v) for k, v in site_headers.items() if k.lower() not in own]
        return start(status, [*headers, *extra], *exc_info)

    return start_with


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a browser's parallel requests; nothing to wait for on exit


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(
    docroot: Path | str,
    host: str,
    port: int,
    ready: Callable[[str], None],
    mounts: dict[str, WSGIApp] | None = None,
) -> None:
    """Serve until interrupted; `ready` gets the URL once the socket listens. `mounts`: WSGI
    apps answering under a path prefix (the CLI mounts the API at /api/)."""
    site = StaticSite(docroot, mounts)
    with make_server(
        host, port, site, server_class=ThreadingServer, handler_class=QuietHandler
    ) as server:
        ready(f"http://{host}:{server.server_port}/")
        server.serve_forever()
