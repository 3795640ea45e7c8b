"""`python -m simulator`: serve a simulated Queue-Times until Ctrl-C."""

from __future__ import annotations

import argparse
import logging

from simulator.clock import parse_when
from simulator.model import SimConfig
from simulator.server import Simulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="A local Queue-Times.com look-alike for a seeded world. "
        "Example: python -m simulator --parks 150 --rides 5000 --speed 60",
    )
    defaults = SimConfig()
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="world seed")
    parser.add_argument("--parks", type=int, default=defaults.parks, help="number of parks")
    parser.add_argument("--rides", type=int, default=defaults.rides, help="total rides")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every response")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="fraction of park responses that fail"
    )
    parser.add_argument(
        "--timeout-s", type=float, default=defaults.timeout_s, help="sleep of a timeout fault"
    )
    parser.add_argument("--now", help="simulated start time, ISO 8601 (default: now, UTC)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second; 0 freezes"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the URL and serve until Ctrl-C."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = SimConfig(
        seed=args.seed,
        parks=args.parks,
        rides=args.rides,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        timeout_s=args.timeout_s,
    )
    simulator = Simulator(config, now=parse_when(args.now), speed=args.speed)
    try:
        simulator.serve_forever(args.host, args.port, ready=_announce)
    except KeyboardInterrupt:
        print("stopped")
    return 0


def _announce(url: str) -> None:
    print(f"Queue-Times simulator: {url}/parks.json (Ctrl-C to stop)", flush=True)
