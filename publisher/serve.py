"""`hallofshame serve`: the published site on localhost, for trying it out.

A small WSGI app over DOCROOT/current: the right content types, the `.gz` beside a file when
the client accepts gzip, index.html for directories, the 404 page. `mount` lets a second WSGI
app (the Flask API) answer under a prefix such as /api/.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from publisher.release import CURRENT

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


class StaticSite:
    """Serves the release `current` points at, read anew on every request (a publish or a
    rollback shows at once)."""

    def __init__(self, docroot: Path | str, mounts: dict[str, WSGIApp] | None = None) -> None:
        self.current = Path(docroot) / CURRENT
        self.mounts = mounts or {}

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        for prefix, app in self.mounts.items():
            if path.startswith(prefix):
                return app(environ, start)
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start("405 Method Not Allowed", [("Allow", "GET, HEAD")])
            return [b""]
        found = self.resolve(path)
        status = "200 OK"
        if found is None:
            status, found = "404 Not Found", self.current / "404.html"
            if not found.is_file():
                start(status, [("Content-Type", "text/plain")])
                return [b"not found"]
        return self.send(environ, start, status, found)

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, never outside the release; directories give index.html."""
        clean = posixpath.normpath(unquote(url_path))
        parts = [p for p in clean.split("/") if p and p not in (".", "..")]
        if any(p.startswith(".") for p in parts):
            return None
        target = self.current.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def send(
        self, environ: dict[str, Any], start: Callable[..., Any], status: str, path: Path
    ) -> Iterable[bytes]:
        kind = (
            TYPES.get(path.suffix)
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        headers = [("Content-Type", kind), ("Vary", "Accept-Encoding")]
        gz = path.with_name(path.name + ".gz")
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and gz.is_file():
            path = gz
            headers.append(("Content-Encoding", "gzip"))
        body = path.read_bytes()
        headers.append(("Content-Length", str(len(body))))
        start(status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a browser's parallel requests; nothing to wait for on exit


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(docroot: Path | str, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve until interrupted; `ready` gets the URL once the socket listens."""
    with make_server(
        host, port, StaticSite(docroot), server_class=ThreadingServer, handler_class=QuietHandler
    ) as server:
        ready(f"http://{host}:{server.server_port}/")
        server.serve_forever()
