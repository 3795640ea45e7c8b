"""The HTTP side: a local server that speaks the two Queue-Times documents, with a clock and faults.

Feed paths: `GET /parks.json`, `GET /parks/{id}/queue_times.json`.
Control paths (simulator only): `GET /_sim/state`, `POST /_sim/clock?now=ISO[&speed=N]`,
`POST /_sim/faults?park=ID&fault=KIND[&count=N]` (`fault=` empty clears; park 0 is /parks.json;
`frozen` repeats the park's readings of its first frozen response with a fresh `last_updated`),
`POST /_sim/reset` (clears every fault).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from simulator.clock import SimClock, parse_when
from simulator.faults import FROZEN, PARKS_DOCUMENT, FaultBook, Response, fault_response
from simulator.model import SimConfig
from simulator.world import World

log = logging.getLogger(__name__)

QUEUE_TIMES_PATH = re.compile(r"/parks/(\d+)/queue_times\.json")
NOT_FOUND = Response(404, b"<html><body><h1>Not Found</h1></body></html>\n", "text/html")
POLL_INTERVAL_S = 0.05  # how often serve_forever checks for stop(): keeps stop() prompt


class Simulator:
    """A Queue-Times look-alike for a seeded world; usable as a context manager."""

    def __init__(
        self, config: SimConfig | None = None, now: datetime | None = None, speed: float = 1.0
    ) -> None:
        self.config = config or SimConfig()
        self.world = World(self.config)
        self.clock = SimClock(now, speed)
        self.faults = FaultBook(self.config.seed, self.config.fault_rate)
        self.requests_served = 0  # feed requests (not /_sim/), counted on arrival
        self.url: str | None = None
        self._count_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._parks_body: bytes | None = None
        self._frozen: dict[int, dict[int, tuple[bool, int]]] = {}  # park -> ride -> reading
        self._freezes: list[tuple[int, datetime, datetime]] = []  # (park, from, to) by the clock
        self._frozen_lock = threading.Lock()

    # Lifecycle

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a daemon thread; returns the base URL."""
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        server = self._bind(host, port)
        self._thread = threading.Thread(
            target=server.serve_forever, args=(POLL_INTERVAL_S,), name="simulator", daemon=True
        )
        self._thread.start()
        return self.url or ""

    def serve_forever(
        self, host: str, port: int, ready: Callable[[str], None] | None = None
    ) -> None:
        """Serve in this thread until stop() is called from another one (or Ctrl-C).

        `ready` is called with the base URL once the port is bound (useful with port 0).
        """
        server = self._bind(host, port)
        if ready is not None:
            ready(self.url or "")
        try:
            server.serve_forever(POLL_INTERVAL_S)
        finally:
            server.server_close()
            self._server = None

    def stop(self) -> None:
        """Stop serving now: sleeping "timeout" faults and latencies wake up and give up."""
        self._stopping.set()
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _bind(self, host: str, port: int) -> ThreadingHTTPServer:
        self._stopping.clear()
        server = _Server((host, port), _Handler)
        server.simulator = self
        self._server = server
        self.url = f"http://{host}:{server.server_address[1]}"
        log.info(
            "Queue-Times simulator at %s: %d parks, %d rides",
            self.url,
            len(self.world.parks),
            self.world.ride_count,
        )
        return server

    # Clock and faults

    def now(self) -> datetime:
        return self.clock.now()

    def set_now(self, when: datetime, speed: float | None = None) -> None:
        """Set the simulated clock (aware); keeps the current speed unless given; 0 freezes."""
        self.clock.set(when, speed)

    def set_fault(self, park_id: int, fault: str | None, count: int | None = None) -> None:
        self.faults.set(park_id, fault, count)

    def clear_faults(self) -> None:
        self.faults.clear()

    def freeze(self, park_id: int, start: datetime, end: datetime) -> None:
        """The `frozen` fault by the simulated clock: the park's readings repeat from `start`
        (aware) until `end`, when they move again."""
        self.world.park(park_id)  # KeyError for an unknown park
        self._freezes.append((park_id, start, end))

    def freeze_an_afternoon(self, end: datetime) -> str:
        """For the demo: the first park's feed frozen from 14:00 to 16:00 local on the day
        before `end`'s local day. Returns a line saying so."""
        park = self.world.parks[0]
        zone = ZoneInfo(park.timezone)
        day = end.astimezone(zone).date() - timedelta(days=1)
        start = datetime.combine(day, time(14), tzinfo=zone)
        self.freeze(park.id, start, start + timedelta(hours=2))
        return f"park {park.id} ({park.name}): feed frozen on {day} from 14:00 to 16:00 local"

    def state(self) -> dict:
        """What /_sim/state reports."""
        return {
            "now": self.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "speed": self.clock.speed,
            "seed": self.config.seed,
            "parks": len(self.world.parks),
            "rides": self.world.ride_count,
            "latency_ms": self.config.latency_ms,
            "fault_rate": self.config.fault_rate,
            "timeout_s": self.config.timeout_s,
            "faults": self.faults.snapshot(),
            "requests_served": self.requests_served,
        }

    # Responses (None: the server is stopping, give no answer)

    def respond(self, method: str, target: str) -> Response | None:
        if self.config.latency_ms and self._stopping.wait(self.config.latency_ms / 1000):
            return None
        url = urlsplit(target)
        if url.path.startswith("/_sim/"):
            return self._control(method, url.path, parse_qs(url.query, keep_blank_values=True))
        if method != "GET":
            return _json_response(405, {"error": "method not allowed"})
        return self._feed(url.path)

    def _feed(self, path: str) -> Response | None:
        with self._count_lock:
            self.requests_served += 1
        key = _document_key(path)
        if key is None:
            return NOT_FOUND
        fault, number = self.faults.take(key)
        if fault is None and any(
            park == key and start <= self.now() < end for park, start, end in self._freezes
        ):
            fault = FROZEN
        if fault == "timeout":
            if self._stopping.wait(self.config.timeout_s):
                return None
            fault = None
        if fault == FROZEN:
            try:
                return Response(200, _encode(self._frozen_document(key)))
            except KeyError:
                return NOT_FOUND
        with self._frozen_lock:
            self._frozen.pop(key, None)  # a freeze that ended: the next one starts afresh
        if fault not in (None, "truncated"):
            return fault_response(fault, b"", number)
        try:
            body = self._document(key)
        except KeyError:
            return NOT_FOUND
        return fault_response(fault, body, number) if fault else Response(200, body)

    def _document(self, key: int) -> bytes:
        if key == PARKS_DOCUMENT:
            if self._parks_body is None:
                self._parks_body = _encode(self.world.parks_document())
            return self._parks_body
        return _encode(self.world.queue_times_document(key, self.now()))

    def _frozen_document(self, park_id: int) -> dict:
        """The park's document now (its `last_updated` stamps advance), with every ride's
        `is_open` and `wait_time` as they were at the freeze's first response."""
        document = self.world.queue_times_document(park_id, self.now())
        entries = [*document["rides"], *(r for land in document["lands"] for r in land["rides"])]
        with self._frozen_lock:
            held = self._frozen.setdefault(
                park_id, {e["id"]: (e["is_open"], e["wait_time"]) for e in entries}
            )
        for entry in entries:
            entry["is_open"], entry["wait_time"] = held.get(
                entry["id"], (entry["is_open"], entry["wait_time"])
            )
        return document

    def _control(self, method: str, path: str, query: dict[str, list[str]]) -> Response:
        args = {name: values[-1] for name, values in query.items()}
        try:
            if (method, path) == ("GET", "/_sim/state"):
                pass
            elif (method, path) == ("POST", "/_sim/clock"):
                self.clock.set(parse_when(args.get("now")), _optional(float, args.get("speed")))
            elif (method, path) == ("POST", "/_sim/faults"):
                park = int(args["park"])
                self.set_fault(park, args.get("fault") or None, _optional(int, args.get("count")))
            elif (method, path) == ("POST", "/_sim/reset"):
                self.clear_faults()
            else:
                return _json_response(404, {"error": f"no control endpoint {method} {path}"})
        except (KeyError, ValueError) as error:
            return _json_response(400, {"error": f"bad request: {error}"})
        return _json_response(200, self.state())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a handler sleeping in a "timeout" fault
    request_queue_size = 256  # the default backlog of 5 drops a concurrent cycle's connections
    simulator: Simulator


class _Handler(BaseHTTPRequestHandler):
    server_version = "QueueTimesSimulator/1.0"
    server: _Server

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        response = self.server.simulator.respond(method, self.path)
        if response is None:
            self.close_connection = True
            return
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client left before %s %s was answered", method, self.path)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def _document_key(path: str) -> int | None:
    if path == "/parks.json":
        return PARKS_DOCUMENT
    match = QUEUE_TIMES_PATH.fullmatch(path)
    return int(match.group(1)) if match else None


def _encode(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_response(status: int, document: object) -> Response:
    return Response(status, _encode(document))


def _optional(convert, value: str | None):
    return convert(value) if value not in (None, "") else None
