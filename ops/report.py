"""The daily data-quality report, from stored tables only: which parks fail most, which rides
report stale data, which rides have never been seen open, which rides no name pattern classified
look like non-rides. For the operator, not the public."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, case, func, select

from hallofshame import db, schema
from hallofshame.clock import as_utc, iso, to_db
from hallofshame.kinds import NO_MATCH, KindRules

TOP = 20  # rows per section
# A ride no pattern classified "looks like a non-ride" (a show, a walk-through, an area) when,
# over the report's days, it was never open while its park was open, or it posted a 0 wait at
# nearly every open cycle (this share, over at least this many cycles with a posted wait).
ZERO_WAIT_SHARE = 0.95
ZERO_WAIT_MIN_CYCLES = 30


@dataclass
class QualityReport:
    now: datetime
    days: int
    cycles: int = 0  # collection cycles in the window
    failing_parks: list[dict[str, object]] = field(default_factory=list)
    stale_rides: list[dict[str, object]] = field(default_factory=list)
    never_open: list[dict[str, object]] = field(default_factory=list)
    like_non_rides: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "now": iso(self.now),
            "days": self.days,
            "cycles": self.cycles,
            "failing_parks": self.failing_parks,
            "stale_rides": self.stale_rides,
            "never_open": self.never_open,
            "like_non_rides": self.like_non_rides,
        }

    def text(self) -> str:
        """The report as plain text (the mail body and the command's output)."""
        lines = [f"Data quality, {self.days} days to {iso(self.now)}: {self.cycles} cycles", ""]
        lines.append("Parks failing most (failed cycles / cycles, latest kind):")
        lines += [
            f"  {p['park_id']:>6} {p['name']}: {p['failures']}/{self.cycles} "
            f"({p['failed_pct']} %), {p['last_kind']}"
            for p in self.failing_parks
        ] or ["  none"]
        lines.append("Rides whose data was stale (stale snapshots among the raw rows kept):")
        lines += [
            f"  {r['ride_id']:>6} {r['name']} ({r['park']}): {r['stale']}/{r['snapshots']}"
            for r in self.stale_rides
        ] or ["  none"]
        lines.append(f"Rides never seen open, listed for more than {self.days} days:")
        lines += [
            f"  {r['ride_id']:>6} {r['name']} ({r['park']}), first seen {r['first_seen_at']}"
            for r in self.never_open
        ] or ["  none"]
        lines.append("Rides no pattern classified that look like non-rides (add an override):")
        lines += [
            f"  {r['ride_id']:>6} {r['name']} ({r['park']}, park {r['park_id']}): {r['why']}"
            for r in self.like_non_rides
        ] or ["  none"]
        return "\n".join(lines) + "\n"


def quality_report(
    engine: Engine, now: datetime, days: int = 7, kind_overrides_file: str | None = None
) -> QualityReport:
    """The report over the `days` days before `now` (rides an override classifies, from
    KIND_OVERRIDES_FILE, are not suspects)."""
    db.require_schema(engine)
    rules = KindRules.from_file(kind_overrides_file) if kind_overrides_file else KindRules()
    report = QualityReport(now=as_utc(now), days=days)
    since = to_db(now - timedelta(days=days))
    with engine.connect() as conn:
        c = schema.collection_cycles.c
        report.cycles = conn.execute(
            select(func.count()).where(c.cycle_at > since, c.cycle_at <= to_db(now))
        ).scalar_one()
        report.failing_parks = _failing_parks(conn, since, to_db(now), report.cycles)
        report.stale_rides = _stale_rides(conn, since, to_db(now))
        report.never_open = _never_open(conn, since)
        first_day = (as_utc(now) - timedelta(days=days)).date()
        report.like_non_rides = _like_non_rides(conn, first_day, rules)
    return report


def _failing_parks(conn: Connection, since: datetime, until: datetime, cycles: int) -> list:
    f, p = schema.fetch_failures.c, schema.parks.c
    failures = func.count(func.distinct(f.cycle_at)).label("failures")
    rows = conn.execute(
        select(f.park_id, p.name, failures, func.max(f.cycle_at).label("last_at"))
        .join(schema.parks, p.id == f.park_id)
        .where(f.park_id.is_not(None), f.cycle_at > since, f.cycle_at <= until)
        .group_by(f.park_id, p.name)
        .order_by(failures.desc(), f.park_id)
        .limit(TOP)
    ).all()
    result = []
    for row in rows:
        kind = conn.execute(
            select(f.kind).where(f.park_id == row.park_id, f.cycle_at == row.last_at).limit(1)
        ).scalar()
        result.append(
            {
                "park_id": row.park_id,
                "name": row.name,
                "failures": row.failures,
                "failed_pct": round(100 * row.failures / cycles, 1) if cycles else None,
                "last_kind": kind,
            }
        )
    return result


def _stale_rides(conn: Connection, since: datetime, until: datetime) -> list:
    s, r, p = schema.ride_snapshots.c, schema.rides.c, schema.parks.c
    stale = func.sum(case((s.state == "stale", 1), else_=0)).label("stale")
    rows = conn.execute(
        select(s.ride_id, r.name, p.name.label("park"), stale, func.count().label("snapshots"))
        .join(schema.rides, r.id == s.ride_id)
        .join(schema.parks, p.id == r.park_id)
        .where(s.cycle_at > since, s.cycle_at <= until)
        .group_by(s.ride_id, r.name, p.name)
        .having(stale > 0)
        .order_by(stale.desc(), s.ride_id)
        .limit(TOP)
    ).all()
    return [
        {
            "ride_id": x.ride_id,
            "name": x.name,
            "park": x.park,
            "stale": int(x.stale),
            "snapshots": x.snapshots,
        }
        for x in rows
    ]


def _never_open(conn: Connection, since: datetime) -> list:
    r, p = schema.rides.c, schema.parks.c
    rows = conn.execute(
        select(r.id, r.name, p.name.label("park"), r.first_seen_at)
        .join(schema.parks, p.id == r.park_id)
        .where(r.last_open_at.is_(None), r.first_seen_at <= since, r.last_seen_at > since)
        .order_by(r.first_seen_at, r.id)
        .limit(TOP)
    ).all()
    return [
        {"ride_id": x.id, "name": x.name, "park": x.park, "first_seen_at": iso(x.first_seen_at)}
        for x in rows
    ]


def _like_non_rides(conn: Connection, first_day: date, rules: KindRules) -> list:
    """Rides whose kind no pattern or override decided (so ranked as rides) that, from
    `first_day` on, were never open while their park was open (on days it was open and listed
    them), or posted a 0 wait at nearly every open cycle (ZERO_WAIT_SHARE)."""
    d, pd_, w = schema.ride_daily.c, schema.park_daily.c, schema.ride_daily_waits.c
    open_days = (
        select(d.ride_id, func.sum(d.open_minutes).label("open"), func.count().label("days"))
        .join(schema.park_daily, (pd_.park_id == d.park_id) & (pd_.day == d.day))
        .where(d.day >= first_day, pd_.park_open_minutes > 0)
        .group_by(d.ride_id)
    )
    why = {
        x.ride_id: f"never open while its park was open ({x.days} days)"
        for x in conn.execute(open_days)
        if not x.open
    }
    zero = func.sum(case((w.wait == 0, w.cycles), else_=0)).label("zero")
    waits = select(w.ride_id, zero, func.sum(w.cycles).label("cycles")).where(w.day >= first_day)
    for ride_id, zeros, cycles in conn.execute(waits.group_by(w.ride_id)):
        zeros, cycles = int(zeros), int(cycles)  # MariaDB sums are decimals
        if cycles >= ZERO_WAIT_MIN_CYCLES and zeros >= ZERO_WAIT_SHARE * cycles:
            why.setdefault(ride_id, f"a 0 wait at {zeros} of {cycles} open cycles")
    if not why:
        return []
    r, p = schema.rides.c, schema.parks.c
    rows = conn.execute(
        select(r.id, r.park_id, r.name, p.name.label("park"))
        .join(schema.parks, p.id == r.park_id)
        .where(r.id.in_(sorted(why)))
        .order_by(r.park_id, r.id)
    ).all()
    suspects = [x for x in rows if rules.decide(x.park_id, x.id, x.name).source == NO_MATCH]
    return [
        {"ride_id": x.id, "park_id": x.park_id, "name": x.name, "park": x.park, "why": why[x.id]}
        for x in suspects[:TOP]
    ]
