"""Ride kinds (ride / single_rider / other): name patterns from one file, overrides beat them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from sqlalchemy import Connection, select

from hallofshame import schema
from hallofshame.errors import StageError
from hallofshame.metrics import KINDS, RIDE
from hallofshame.package_data import shipped, shipped_default

PATTERNS_FILE = shipped("ride_kinds")


class OverrideFileError(StageError, ValueError):
    """An override file has a line that cannot be used; the message names file and line."""


@dataclass(frozen=True)
class Pattern:
    """One line of the pattern file: its kind, its expression and where it is."""

    kind: str
    regex: re.Pattern[str]
    line: int


@cache
def _patterns(path: Path = PATTERNS_FILE) -> tuple[Pattern, ...]:
    """The pattern file's lines, in order (the one place the file is read)."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, regex = line.partition(":")
        if kind.strip() not in KINDS:
            raise OverrideFileError(f"{path}:{number}: unknown kind {kind.strip()!r}")
        patterns.append(Pattern(kind.strip(), re.compile(regex.strip(), re.IGNORECASE), number))
    return tuple(patterns)


@dataclass(frozen=True)
class Decision:
    """A ride's kind and what decided it: an override, a pattern line, or no match (`ride`)."""

    kind: str
    source: str  # OVERRIDE, PATTERN or NO_MATCH
    line: int | None = None  # the pattern's line in PATTERNS_FILE
    pattern: str | None = None
    matched: str | None = None  # the part of the name it matched

    def describe(self) -> str:
        if self.source == PATTERN:
            return f"{PATTERNS_FILE.name}:{self.line} ({self.kind}: matched {self.matched!r})"
        return "override" if self.source == OVERRIDE else "no pattern"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "decided_by": self.source,
            "line": self.line,
            "pattern": self.pattern,
            "matched": self.matched,
        }


OVERRIDE, PATTERN, NO_MATCH = "override", "pattern", "none"


@lru_cache(maxsize=65_536)
def decide_by_name(name: str) -> Decision:
    """The first pattern line matching the name; `ride` decided by no pattern when none does.

    Kept per name: a cycle asks again for every one of its thousands of names, most of which no
    pattern matches, so each would try every line of every language (a fifth of a cycle's CPU).
    The patterns do not change while a process runs, and a Decision is immutable."""
    for pattern in _patterns():
        found = pattern.regex.search(name)
        if found:
            return Decision(
                pattern.kind, PATTERN, pattern.line, pattern.regex.pattern, found.group(0)
            )
    return Decision(RIDE, NO_MATCH)


def kind_from_name(name: str) -> str:
    """The kind the name patterns give; `ride` when none matches."""
    return decide_by_name(name).kind


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

    def decide(self, park_id: int, ride_id: int, name: str) -> Decision:
        """The kind with what decided it (`hallofshame kinds`, the data-quality report)."""
        forced = self.overrides.get((park_id, ride_id))
        return Decision(forced, OVERRIDE) if forced else decide_by_name(name)


@dataclass(frozen=True)
class RideKind:
    """A stored ride, the kind the rules give it now and why (the stored kind changes at the
    next collection cycle when the rules have changed)."""

    park_id: int
    ride_id: int
    name: str
    stored_kind: str
    decision: Decision

    def as_json(self) -> dict[str, object]:
        return {
            "park_id": self.park_id,
            "ride_id": self.ride_id,
            "name": self.name,
            "stored_kind": self.stored_kind,
            **self.decision.as_json(),
        }

    def line(self) -> str:
        moved = "" if self.stored_kind == self.decision.kind else f" (stored: {self.stored_kind})"
        return (
            f"{self.park_id:>7} {self.ride_id:>8} {self.decision.kind:<12} "
            f"{self.name}{moved}  <- {self.decision.describe()}"
        )


def ride_kinds(conn: Connection, rules: KindRules, park_id: int | None = None) -> list[RideKind]:
    """Every stored ride (of one park, or all) with its kind and what decided it."""
    r = schema.rides.c
    query = select(r.park_id, r.id, r.name, r.kind).order_by(r.park_id, r.name, r.id)
    if park_id is not None:
        query = query.where(r.park_id == park_id)
    return [
        RideKind(
            row.park_id, row.id, row.name, row.kind, rules.decide(row.park_id, row.id, row.name)
        )
        for row in conn.execute(query)
    ]
