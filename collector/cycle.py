"""One collection cycle: fetch every park concurrently, write it all in one transaction.

CYCLE_DEADLINE_S bounds the whole fetch phase, the park list included: when a list is known,
parks.json may use half of it, so the known parks always keep the other half.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from collector import store
from collector.client import FetchError, QueueTimesClient, fetch_all
from collector.feed import Parsed
from collector.validate import describe
from hallofshame import metrics, schema
from hallofshame.clock import MAX_CLOCK_SKEW, as_utc, iso, to_db, utcnow
from hallofshame.db import require_schema
from hallofshame.errors import StageError
from hallofshame.kinds import KindRules
from hallofshame.settings import Settings

log = logging.getLogger(__name__)


class CollectError(StageError):
    """The cycle could not be collected at all; the message is one line for the operator."""


@dataclass
class CycleSummary:
    cycle_at: datetime
    parks_ok: int = 0
    parks_failed: int = 0
    rides_seen: int = 0
    rides_rejected: int = 0  # refused by collector.validate; why: in `failures`
    parks_rejected: int = 0  # parks.json entries refused
    snapshots_written: int = 0
    duration_s: float = 0.0
    write_s: float = 0.0
    already_collected: bool = False
    parks_refreshed: bool = False
    failures: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def every_park_failed(self) -> bool:
        return self.parks_ok == 0 and self.parks_failed > 0

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["cycle_at"] = iso(self.cycle_at)
        data["duration_s"] = round(self.duration_s, 3)
        data["write_s"] = round(self.write_s, 3)
        data["failures"] = [
            {"park_id": park, "kind": kind, "detail": detail}
            for park, kind, detail in self.failures
        ]
        return data

    def line(self) -> str:
        if self.already_collected:
            return f"cycle {iso(self.cycle_at)} was already collected: nothing written"
        rejected = ", ".join(
            f"{count} {what} rejected"
            for count, what in ((self.rides_rejected, "rides"), (self.parks_rejected, "parks"))
            if count
        )
        return (
            f"cycle {iso(self.cycle_at)}: {self.parks_ok} parks ok, {self.parks_failed} failed, "
            f"{self.rides_seen} rides, {self.snapshots_written} snapshots written "
            f"in {self.duration_s:.2f} s" + (f" ({rejected})" if rejected else "")
        )


def collect(
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    on_fetched: Callable[[], None] | None = None,
) -> CycleSummary:
    """Collect one cycle at `now` (default: the clock). Idempotent per `cycle_at`.

    `on_fetched` runs between fetching and writing (tests use it to break the database there).
    """
    started = utcnow()
    clock_start = time.monotonic()
    summary = CycleSummary(cycle_at=metrics.cycle_time(now or started))
    require_schema(engine)
    if _already_collected(engine, summary.cycle_at):
        summary.already_collected = True
        return summary
    deadline = clock_start + settings.cycle_deadline_s
    with QueueTimesClient(settings, deadline=deadline) as client:
        park_list = _refresh_parks(engine, client, settings, summary, clock_start)
        park_ids = _to_collect(engine, park_list)
        jobs = {park: _queue_times(client, park, summary.cycle_at) for park in sorted(park_ids)}
        results = fetch_all(jobs, settings.collect_concurrency, deadline)
    if on_fetched:
        on_fetched()
    write_start = time.monotonic()
    _write(engine, settings, summary, park_list, results, started)
    summary.write_s = time.monotonic() - write_start
    summary.duration_s = time.monotonic() - clock_start
    log.info(summary.line())
    return summary


def _already_collected(engine: Engine, cycle_at: datetime) -> bool:
    query = select(func.count()).where(schema.collection_cycles.c.cycle_at == to_db(cycle_at))
    with engine.connect() as conn:
        return bool(conn.scalar(query))


def _refresh_parks(
    engine: Engine,
    client: QueueTimesClient,
    settings: Settings,
    summary: CycleSummary,
    clock_start: float,
) -> Parsed | None:
    """parks.json, when the list is missing or older than PARKS_REFRESH_HOURS; else None.

    A refresh that fails, or yields no usable park, keeps the list we have (and is retried next
    cycle); without a list there is nothing to collect, which is the cycle's one error."""
    with engine.connect() as conn:
        listed = conn.scalar(select(func.max(schema.parks.c.listed_at)))
    if listed is not None and as_utc(listed) > utcnow() + MAX_CLOCK_SKEW:
        listed = None  # stamped by a run told a future time: refresh, and stamp it right
    age_hours = (
        None if listed is None else (to_db(summary.cycle_at) - listed).total_seconds() / 3600
    )
    if age_hours is not None and age_hours < settings.parks_refresh_hours:
        return None  # fresh enough (a replay of an older cycle finds a newer list: fresh too)
    share = 1.0 if listed is None else 0.5  # a known list keeps half the time for its parks
    result = _fetch_park_list(client, clock_start + settings.cycle_deadline_s * share)
    if isinstance(result, FetchError):
        if listed is None:
            raise CollectError(f"cannot read the park list: {result}")
        summary.failures.append((None, result.kind, f"parks.json: {result.detail}"))
        log.warning("parks.json failed (%s); keeping the park list we have", result)
        return None
    if result.rejected:
        total = len(result.items) + result.skipped
        detail = describe(result.rejected, total, "parks.json entries")
        summary.failures.append((None, "rejected_parks", detail))
        summary.parks_rejected = result.skipped
    summary.parks_refreshed = True
    return result


def _fetch_park_list(client: QueueTimesClient, until: float) -> Parsed | FetchError:
    """parks.json by `until` at the latest; a list without one usable park is a failure."""
    result = fetch_all({"parks.json": lambda: client.parks(until)}, 1, until)["parks.json"]
    if isinstance(result, Parsed) and not result.items:
        why = describe(result.rejected, result.skipped, "entries") if result.rejected else "empty"
        return FetchError("no_usable_park", why)
    return result


def _queue_times(
    client: QueueTimesClient, park_id: int, cycle_at: datetime
) -> Callable[[], Parsed]:
    return lambda: client.queue_times(park_id, cycle_at)


def _to_collect(engine: Engine, park_list: Parsed | None) -> set[int]:
    """The parks a fresh list names, and the known parks whose entry it refused (a bad name
    in parks.json must not stop collecting a park we know); the known list without one."""
    known = set(_park_ids(engine))
    if park_list is None:
        return known
    refused = {rejection.id for rejection in park_list.rejected}
    return {park.id for park in park_list.items} | (known & refused)


def _park_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(schema.parks.c.id).order_by(schema.parks.c.id)))


def _write(
    engine: Engine,
    settings: Settings,
    summary: CycleSummary,
    park_list: Parsed | None,
    results: dict[int, Parsed | FetchError],
    started: datetime,
) -> None:
    """The whole cycle in one transaction: a failure anywhere leaves no part of it behind."""
    ok = store.unique_rides(
        {park: parsed for park, parsed in results.items() if isinstance(parsed, Parsed)}
    )
    for park, result in results.items():
        if isinstance(result, FetchError):
            summary.failures.append((park, result.kind, result.detail))
    summary.parks_ok = len(ok)
    summary.parks_failed = len(results) - len(ok)
    summary.rides_seen = sum(len(parsed.items) for parsed in ok.values())
    for park, parsed in ok.items():
        if parsed.rejected:
            total = len(parsed.items) + parsed.skipped
            detail = describe(parsed.rejected, total, "rides")
            summary.failures.append((park, "rejected_rides", detail))
            summary.rides_rejected += parsed.skipped
    rules = KindRules.from_file(settings.kind_overrides_file)
    try:
        with engine.begin() as conn:
            if park_list is not None:
                # the list's clock never runs ahead of the real one (a --now in the future
                # would stop it refreshing until then)
                listed_at = min(summary.cycle_at, started)
                store.save_park_list(conn, park_list.items, listed_at)
            written = store.save_cycle(conn, summary.cycle_at, ok, rules)
            store.save_failures(conn, summary.cycle_at, summary.failures)
            summary.snapshots_written = written
            store.save_cycle_row(conn, summary, started, utcnow())
    except IntegrityError:
        if _already_collected(engine, summary.cycle_at):  # another run wrote it meanwhile
            summary.already_collected = True
            summary.snapshots_written = 0
            return
        raise
