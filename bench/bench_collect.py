"""Collection benchmark: whole cycles against the simulator, written to MariaDB.

Targets (issue 2): 150 parks, 5,000 rides, 100 ms latency per response; a whole cycle in under
10 s of wall time and its database write in under 1 s. The simulator runs in its own process, as
Queue-Times would, and the cycles go through the production collector.

    .venv/bin/python bench/bench_collect.py [--cycles 6] [--server mysql+mysqldb://root@127.0.0.1]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import requests
import scratch_db

from collector.cycle import collect
from hallofshame import db
from hallofshame.clock import iso
from hallofshame.settings import load_settings

START = datetime(2026, 7, 4, 16, 0, tzinfo=UTC)  # midday in America, evening in Europe


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_simulator(args: argparse.Namespace, port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "simulator", "--port", str(port), "--parks", str(args.parks),
        "--rides", str(args.rides), "--latency-ms", str(args.latency_ms),
        "--now", iso(START), "--speed", "0",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_sim/state", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the simulator did not start")


def bench_database(server: str, name: str) -> str:
    """The URL of the benchmark's database on `server`; refuses any name but `hos_bench*`."""
    url = f"{server}/{name}?charset=utf8mb4"
    scratch_db.bench_url(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="mysql+mysqldb://root@127.0.0.1:3306")
    parser.add_argument(
        "--database", default="hos_bench_collect", help="Dropped and recreated: hos_bench* only."
    )
    parser.add_argument("--cycles", type=int, default=6)
    parser.add_argument("--parks", type=int, default=150)
    parser.add_argument("--rides", type=int, default=5000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    url = bench_database(args.server, args.database)  # before anything starts
    port = free_port()
    simulator = start_simulator(args, port)
    scratch_db.recreate(url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    settings = load_settings(
        {
            "database_url": url,
            "queue_times_url": f"http://127.0.0.1:{port}",
            "collect_concurrency": args.concurrency,
        },
        env_file=None,
    )
    print(
        f"collect: {args.parks} parks, {args.rides} rides, {args.latency_ms} ms latency, "
        f"concurrency {args.concurrency}, MariaDB {engine.dialect.server_version_info}"
    )
    walls, writes = [], []
    try:
        for number in range(args.cycles):
            at = START + timedelta(minutes=10 * number)
            requests.post(f"http://127.0.0.1:{port}/_sim/clock", params={"now": iso(at)}, timeout=5)
            summary = collect(engine, settings, now=at)
            note = " (first: parks.json and every ride inserted)" if number == 0 else ""
            print(
                f"  cycle {iso(at)}: {summary.parks_ok} ok / {summary.parks_failed} failed, "
                f"{summary.snapshots_written} snapshots, wall {summary.duration_s:.2f} s, "
                f"write {summary.write_s:.3f} s{note}"
            )
            walls.append(summary.duration_s)
            writes.append(summary.write_s)
    finally:
        simulator.terminate()
        engine.dispose()
        scratch_db.drop(url)
    print(
        f"wall per cycle: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s "
        f"(target < 10 s)"
    )
    print(
        f"database write per cycle: median {statistics.median(writes):.3f} s, "
        f"max {max(writes):.3f} s (target < 1 s)"
    )


if __name__ == "__main__":
    main()
