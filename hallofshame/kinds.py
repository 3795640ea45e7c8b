"""Ride kinds (ride / single_rider / other): name patterns from one file, overrides beat them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hallofshame.errors import StageError
from hallofshame.metrics import KINDS, RIDE
from hallofshame.package_data import shipped, shipped_default

PATTERNS_FILE = shipped("ride_kinds")


class OverrideFileError(StageError, ValueError):
    """An override file has a line that cannot be used; the message names file and line."""


@cache
def _patterns(path: Path = PATTERNS_FILE) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, regex = line.partition(":")
        if kind.strip() not in KINDS:
            raise OverrideFileError(f"{path}:{number}: unknown kind {kind.strip()!r}")
        patterns.append((kind.strip(), re.compile(regex.strip(), re.IGNORECASE)))
    return tuple(patterns)


def kind_from_name(name: str) -> str:
    """The kind the name patterns give; `ride` when none matches."""
    for kind, pattern in _patterns():
        if pattern.search(name):
            return kind
    return RIDE


def read_overrides(path: str | Path, column: str, allowed: set[str]) -> dict[tuple[int, int], str]:
    """`park_id,ride_id,<column>` rows keyed on (park_id, ride_id).

    A missing file is an error, not "no overrides": a setting that names a file nobody can read
    (a typo, a path relative to another directory) would otherwise drop every override quietly.
    The default files are shipped in the package (with no rows), found from any directory."""
    path = shipped_default(path)
    if not path.is_file():
        where = "" if path.is_absolute() else f" (relative to {Path.cwd()})"
        setting = f"{column.upper()}_OVERRIDES_FILE"
        raise OverrideFileError(f"{setting} names {path}{where}, which is not a file")
    overrides: dict[tuple[int, int], str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.lstrip().startswith("#"))
        for number, row in enumerate(csv.DictReader(lines), 2):
            try:
                key = (int(row["park_id"]), int(row["ride_id"]))
                value = row[column].strip()
            except (KeyError, TypeError, ValueError, AttributeError):
                message = f"{path}:{number}: expected park_id,ride_id,{column}"
                raise OverrideFileError(message) from None
            if value not in allowed:
                raise OverrideFileError(f"{path}:{number}: {column} must be one of {allowed}")
            overrides[key] = value
    return overrides


@dataclass(frozen=True)
class KindRules:
    """Classifies rides: the override for (park, ride) if any, else the name patterns."""

    overrides: dict[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path) -> KindRules:
        return cls(read_overrides(path, "kind", set(KINDS)))

    def kind(self, park_id: int, ride_id: int, name: str) -> str:
        return self.overrides.get((park_id, ride_id)) or kind_from_name(name)
