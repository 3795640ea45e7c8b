"""A real local HTTP server that can answer one byte a second, the way a sick server does."""

from __future__ import annotations

import json
import threading
import time
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WHOLE, BODY, HEADERS = "whole", "body", "headers"  # what arrives one byte a second


class TrickleServer:
    """Serves `route()`d paths; 404 for the rest. Every connection has its own thread."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str, bool]] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def route(self, path: str, document: Any, slow: str = WHOLE, length: bool = True) -> None:
        """Serve `document` (JSON) at `path`; `slow` is BODY or HEADERS to trickle that part;
        `length=False` sends no Content-Length (the body ends when the connection closes)."""
        self.routes[path] = (json.dumps(document).encode(), slow, length)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: TrickleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path not in server.routes:
                self.send_error(404)
                return
            body, slow, length = server.routes[self.path]
            # One request per connection, said so: a client never reuses one we are closing.
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            head += f"Content-Length: {len(body)}\r\n" if length else ""
            head_bytes = (head + "\r\n").encode()
            with suppress(OSError):  # the client gave up: that is the point
                self._send(head_bytes, slowly=slow == HEADERS)
                self._send(body, slowly=slow == BODY)
            self.close_connection = True

        def _send(self, data: bytes, slowly: bool) -> None:
            if not slowly:
                self.wfile.write(data)
                self.wfile.flush()
                return
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(1.0)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
