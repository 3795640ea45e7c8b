"""Seeded randomness that never touches the global `random` state.

Every random choice in the simulator is a function of the seed and a few named parts, so the same
seed, ride and instant always give the same answer, whatever order documents are asked for in.
"""

from __future__ import annotations

import random

_MASK = (1 << 64) - 1


def seeded(*parts: object) -> random.Random:
    """A Random seeded from the parts; string seeds hash the same in every process."""
    return random.Random(":".join(str(part) for part in parts))


def unit(*parts: int) -> float:
    """A cheap, stable pseudo-random number in [0, 1) from integers (a splitmix64-style mix).

    Used where a full Random per call would be too slow: wait-time noise per ride and 5-minute
    slot, and the per-request fault draws.
    """
    value = 0x9E3779B97F4A7C15
    for part in parts:
        value = ((value ^ (part & _MASK)) * 0xBF58476D1CE4E5B9) & _MASK
        value ^= value >> 31
        value = (value * 0x94D049BB133111EB) & _MASK
        value ^= value >> 29
    return (value >> 11) / float(1 << 53)
