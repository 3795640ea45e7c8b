"""A local Queue-Times.com look-alike: a seeded world of parks and rides served over HTTP.

The collector is tested and demoed against it with no network: same documents, same quirks
(stale data after closing, waits posted while closed, markup in names) and injectable faults.
"""

from simulator.cli import main
from simulator.faults import FAULTS, PARKS_DOCUMENT
from simulator.model import SimConfig, SimLand, SimPark, SimRide
from simulator.server import Simulator
from simulator.world import World

__all__ = [
    "FAULTS",
    "PARKS_DOCUMENT",
    "SimConfig",
    "SimLand",
    "SimPark",
    "SimRide",
    "Simulator",
    "World",
    "main",
]
