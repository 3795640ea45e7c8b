"""From snapshots to minutes: the rules of METRICS.md applied to a whole day at once (pandas).

Input is a `Frames`: the ride snapshots of some parks' local days (or of the part of today not
yet counted), the parks' cycles, and each ride's standing for the day (counted, weight, and the
running state carried from earlier runs). Output is a `Result`: per-cycle minutes rolled up into
hourly rows, daily rows and outage events, plus each park's live status at its latest cycle.
Every rule is a function of `hallofshame.metrics` applied to whole columns; nothing loops over
rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hallofshame import metrics
from hallofshame.schema import ADDITIVE

MINUTE = pd.Timedelta(minutes=1)


@dataclass
class Frames:
    """What one computation reads.

    rows: ride_id, park_id, cycle_at, state, wait_time, is_open (snapshots after `since`, to the
        latest).
    cycles: park_id, cycle_at (the same parks' cycles over the same span).
    parks: park_id, day, timezone, day_end, final, after (the park's first cycle at or after
        day_end, NaT if none yet), since (last cycle already counted, NaT: none), rides_counted.
    rides: ride_id, counted, active, tier, weight and the carried state: first_open_at,
        last_counted, breakdowns_before, outage_start, outage_minutes.
    """

    rows: pd.DataFrame
    cycles: pd.DataFrame
    parks: pd.DataFrame
    rides: pd.DataFrame


@dataclass
class Result:
    """What one computation yields (the writer stores it)."""

    ride_hourly: pd.DataFrame
    park_hourly: pd.DataFrame
    ride_daily: pd.DataFrame
    park_daily: pd.DataFrame
    events: pd.DataFrame
    live: pd.DataFrame  # rows of each park's latest (pending) cycle, classified
    ride_waits: pd.DataFrame  # ride_id, wait, park_id, day, cycles of final days: tiers read them


def compute(frames: Frames, cap_minutes: int) -> Result:
    """Classify every snapshot, apply the end-of-day rule to final days, roll up.

    Snapshots at or before a park's `since` (already counted by an earlier run) are context:
    they only complete the wait statistics of the local hour the new cycles fall in.
    """
    cycles = frozen_runs(frames.rows, cycle_times(frames.cycles, frames.parks, cap_minutes))
    rows = attach(frames.rows, cycles, frames.rides)
    is_open = park_openness(rows, frames.parks)
    rows["state"] = rows["state"].mask(rows["frozen"], metrics.STALE)
    cycles = cycles.merge(is_open, on=["park_id", "cycle_at"], how="left")
    cycles["park_open"] = cycles["park_open"].fillna(False).astype(bool)
    rows = rows.merge(cycles[["park_id", "cycle_at", "park_open"]], on=["park_id", "cycle_at"])
    since = frames.parks.set_index("park_id")["since"]
    cycles = cycles[~(cycles["cycle_at"] <= cycles["park_id"].map(since))]
    in_context = rows["cycle_at"] <= rows["park_id"].map(since)
    context, rows = rows[in_context], classify(rows[~in_context].copy())
    done = rows[~rows["pending"]].copy()
    mark_breakdowns(done)
    events = outage_events(done)
    events = end_of_day(done, events, cycles, frames.parks)
    waits = open_waits(done)
    hour_waits = open_waits(pd.concat([context, done]))
    return Result(
        ride_hourly=ride_hourly(done, hour_waits),
        park_hourly=park_hourly(done, hour_waits, cycles),
        ride_daily=ride_daily(rows, done, waits, events, frames),
        park_daily=park_daily(done, waits, events, cycles, frames.parks),
        events=events,
        live=rows[rows["pending"]],
        ride_waits=tier_waits(done[done["park_id"].isin(final_parks(frames.parks))]),
    )


def final_parks(parks: pd.DataFrame) -> pd.Series:
    return parks.loc[parks["final"].astype(bool), "park_id"]


def tier_waits(done: pd.DataFrame) -> pd.DataFrame:
    """How many cycles posted each wait, per ride (`metrics.counts_for_tier`). Written for
    final days only: a tier reads the days before its own, which are final by then."""
    posted = done[metrics.counts_for_tier(done["state"], done["wait_time"].notna())]
    grouped = posted.groupby(["ride_id", "wait_time"], observed=True)
    out = grouped.agg(park_id=("park_id", "first"), day=("day", "first"), cycles=("day", "size"))
    out = out.reset_index().rename(columns={"wait_time": "wait"})
    out["wait"] = out["wait"].astype("int64")
    return out


def open_waits(rows: pd.DataFrame) -> pd.DataFrame:
    """Cycles a wait statistic is taken over (`metrics.wait_counts`): the park open, the ride
    observed open, with a posted wait."""
    counts = metrics.wait_counts(rows["state"], rows["park_open"], rows["wait_time"].notna())
    return rows[np.asarray(counts, dtype=bool)]


def cycle_times(cycles: pd.DataFrame, parks: pd.DataFrame, cap_minutes: int) -> pd.DataFrame:
    """Per park cycle: minutes its state holds, unknown minutes after it, its local hour.

    The latest cycle of a provisional day has no next cycle yet: it is pending (counts nothing).
    """
    c = cycles.sort_values(["park_id", "cycle_at"]).reset_index(drop=True)
    c["next_at"] = c.groupby("park_id")["cycle_at"].shift(-1)
    c = c.merge(parks[["park_id", "day", "timezone", "day_end", "final", "after"]], on="park_id")
    following = c["next_at"].fillna(c["after"])
    c["pending"] = following.isna() & ~c["final"].astype(bool)
    gap = ((following - c["cycle_at"]) / MINUTE).fillna(np.inf)
    held, unknown = metrics.split_gap(gap, (c["day_end"] - c["cycle_at"]) / MINUTE, cap_minutes)
    c["held"] = np.where(c["pending"], 0, held).astype("int64")
    c["unknown_after"] = np.where(c["pending"], 0, unknown).astype("int64")
    return add_local_hours(c)


def frozen_runs(rows: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    """The park cycles (sorted by park and time) with their run of repeated readings and
    whether they are frozen (`metrics.frozen_cycles`): `run` numbers the runs, `posting` counts
    the rides posting a wait above 0, `frozen` marks a frozen run's cycles after its first.

    A cycle's reading is summed from a hash of each ride's (ride, is_open, wait_time) with the
    number of rides, so two cycles repeat when the same rides report the same values. Numpy
    throughout: the after-cycle path runs this on every update."""
    c = cycles.sort_values(["park_id", "cycle_at"]).reset_index(drop=True)
    if rows.empty:  # no reading repeats
        return c.assign(posting=0, run=np.arange(1, len(c) + 1), frozen=False)
    hashed = pd.util.hash_pandas_object(rows[list(metrics.FROZEN_READING)], index=False)
    found, where = np.unique(_park_minutes(rows), return_inverse=True)
    sums = [  # per (park, cycle) with rows: 32-bit hashes summed exactly in float64, and rides
        np.bincount(where, weights=weights, minlength=len(found))
        for weights in ((hashed.to_numpy() >> np.uint64(32)).astype("float64"), None)
    ]
    posting = np.bincount(where, rows["wait_time"].to_numpy() > 0, minlength=len(found))
    at = _park_minutes(c)
    index = np.minimum(np.searchsorted(found, at), len(found) - 1)
    has_rows = found[index] == at
    reading = np.column_stack([np.where(has_rows, x[index], np.nan) for x in sums])
    changed = np.ones(len(c), dtype=bool)
    changed[1:] = (reading[1:] != reading[:-1]).any(axis=1)  # a cycle without rows: changed
    repeats = (c["park_id"] == c["park_id"].shift(1)).to_numpy() & ~changed
    c["posting"] = np.where(has_rows, posting[index], 0).astype("int64")
    c["run"] = np.cumsum(~repeats)
    c["frozen"] = metrics.frozen_cycles(repeats, c["cycle_at"], c["posting"])
    return c


def _park_minutes(frame: pd.DataFrame) -> np.ndarray:
    """(park, cycle) as one sortable integer: park id above the cycle's minute since 1970."""
    minutes = frame["cycle_at"].to_numpy("datetime64[m]").astype("int64")
    return frame["park_id"].to_numpy("int64") * (1 << 32) + minutes


def add_local_hours(c: pd.DataFrame) -> pd.DataFrame:
    """UTC start and number of each cycle's park-local hour (distinct on a 25-hour day)."""
    c["hour_start"] = pd.Series(pd.NaT, index=c.index, dtype=c["cycle_at"].dtype)
    c["local_hour"] = 0
    for zone, index in c.groupby("timezone").groups.items():
        utc = c.loc[index, "cycle_at"]
        local = utc.dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)
        c.loc[index, "hour_start"] = local.dt.floor("h") - (local - utc)
        c.loc[index, "local_hour"] = local.dt.hour
    return c


def attach(rows: pd.DataFrame, cycles: pd.DataFrame, rides: pd.DataFrame) -> pd.DataFrame:
    """Snapshots with their cycle's times and their ride's standing, in ride-time order."""
    keep = ["park_id", "cycle_at", "day", "held", "unknown_after", "pending", "hour_start"]
    keep += ["frozen"]
    r = rows.merge(cycles[[*keep, "local_hour"]], on=["park_id", "cycle_at"])
    r = r.merge(rides, on="ride_id", how="left")
    r["counted"] = r["counted"].fillna(False).astype(bool)
    return r.sort_values(["ride_id", "cycle_at"]).reset_index(drop=True)


def classify(r: pd.DataFrame) -> pd.DataFrame:
    """Each ride-cycle (its park's openness attached): open, down or neutral, with its open,
    down and unknown minutes."""
    r["seen_open"] = (r["state"] == metrics.OPEN).astype("int64")
    earlier = r.groupby("ride_id")["seen_open"].cumsum() - r["seen_open"]
    carried = r["first_open_at"].notna() & (r["first_open_at"] < r["cycle_at"])
    r["opened_before"] = (earlier > 0) | carried
    r["cls"] = metrics.counted_state(r["state"], r["counted"], r["park_open"], r["opened_before"])
    measured = r["counted"] & r["park_open"]
    minutes = metrics.minutes_by_state(
        r["cls"], r["state"], r["held"], r["unknown_after"], measured
    )
    for name, values in zip(("open_m", "down_m", "unknown_m"), minutes, strict=True):
        r[name] = np.asarray(values, dtype="int64")
    weight = r["weight"].fillna(0).astype("int64")
    r["weighted_down"] = weight * r["down_m"]
    r["weighted_time"] = weight * (r["open_m"] + r["down_m"])
    return r


def park_openness(r: pd.DataFrame, parks: pd.DataFrame) -> pd.DataFrame:
    """park_id, cycle_at, park_open: enough of the day's counted rides observed open."""
    threshold = parks.set_index("park_id")["rides_counted"].map(metrics.park_open_threshold)
    opened = (r["counted"] & (r["state"] == metrics.OPEN)).rename("opened")
    counts = opened.groupby([r["park_id"], r["cycle_at"]]).sum().reset_index()
    counts["park_open"] = counts["opened"] >= counts["park_id"].map(threshold)
    return counts[["park_id", "cycle_at", "park_open"]]


def mark_breakdowns(done: pd.DataFrame) -> None:
    """Breakdowns (open->down transitions, neutral time skipped) and each down row's outage."""
    counted_only = done["cls"].where(done["cls"] != metrics.NEUTRAL)
    last_seen = counted_only.groupby(done["ride_id"]).ffill()
    previous = last_seen.groupby(done["ride_id"]).shift(1)
    previous = previous.fillna(done["last_counted"]).fillna(metrics.NEUTRAL)
    done["breakdown"] = np.asarray(metrics.is_breakdown(done["cls"], previous), dtype=bool)
    counter = done.groupby("ride_id")["breakdown"].cumsum()
    done["outage_no"] = done["breakdowns_before"].fillna(0).astype("int64") + counter
    done["last_state"] = last_seen


def outage_events(done: pd.DataFrame) -> pd.DataFrame:
    """One row per outage: start, end, down minutes; an outage carried in from an earlier run
    keeps its start and adds its minutes so far."""
    down = done[done["cls"] == metrics.COUNTED_DOWN]
    ends = down["cycle_at"] + down["held"] * MINUTE
    ev = (
        down.assign(end_at=ends)
        .groupby(["ride_id", "outage_no"])
        .agg(
            park_id=("park_id", "first"),
            day=("day", "first"),
            start_at=("cycle_at", "min"),
            end_at=("end_at", "max"),
            minutes=("down_m", "sum"),
            carried_no=("breakdowns_before", "first"),
            carried_start=("outage_start", "first"),
            carried_minutes=("outage_minutes", "first"),
        )
        .reset_index()
    )
    carried = (ev["outage_no"] == ev["carried_no"]) & ev["carried_start"].notna()
    ev.loc[carried, "start_at"] = ev.loc[carried, "carried_start"]
    ev.loc[carried, "minutes"] += ev.loc[carried, "carried_minutes"].astype("int64")
    return ev.drop(columns=["carried_no", "carried_start", "carried_minutes"])


def end_of_day(
    done: pd.DataFrame, events: pd.DataFrame, cycles: pd.DataFrame, parks: pd.DataFrame
) -> pd.DataFrame:
    """Finished days: a ride's last outage that lasts until the park's open span ends and
    starts in its last hour, or in its last 3 hours together with a group of other such
    closures, is closing for the night (`metrics.closing_for_the_night`): not downtime."""
    final = final_parks(parks)
    if events.empty or final.empty:
        return events
    last = last_outages(done, events, open_spans(cycles)["span_end"])
    last = last[last["park_id"].isin(final)]
    lasting = last[~last["reopened"]]
    others = pd.Series(0, index=last.index)
    others[lasting.index] = metrics.shared_closures(lasting["park_id"], lasting["start_at"])
    closing = metrics.closing_for_the_night(
        last["start_at"], last["span_end"], last["reopened"], others
    )
    drop = last[np.asarray(closing, dtype=bool)]
    if drop.empty:
        return events
    not_downtime(done, drop)
    return events.drop(index=drop.index)


def last_outages(done: pd.DataFrame, events: pd.DataFrame, span_end: pd.Series) -> pd.DataFrame:
    """Each ride's last outage with its park's span end, and whether the ride was observed
    open after the outage started and before the span ended (`reopened`)."""
    ev = events[events["outage_no"] == events.groupby("ride_id")["outage_no"].transform("max")]
    ev = ev.assign(span_end=ev["park_id"].map(span_end)).dropna(subset=["span_end"])
    seen = done.loc[done["state"] == metrics.OPEN, ["ride_id", "cycle_at"]]
    seen = seen.merge(ev[["ride_id", "span_end"]], on="ride_id")
    last_open = seen[seen["cycle_at"] < seen["span_end"]].groupby("ride_id")["cycle_at"].max()
    return ev.assign(reopened=(ev["ride_id"].map(last_open) > ev["start_at"]).to_numpy())


def not_downtime(done: pd.DataFrame, outages: pd.DataFrame) -> None:
    """The down cycles of these outages become neutral: no minutes, no breakdown."""
    keys = pd.MultiIndex.from_frame(outages[["ride_id", "outage_no"]])
    hit = pd.MultiIndex.from_frame(done[["ride_id", "outage_no"]]).isin(keys)
    hit &= (done["cls"] == metrics.COUNTED_DOWN).to_numpy()
    done.loc[hit, ["down_m", "weighted_down", "weighted_time"]] = 0
    done.loc[hit, "breakdown"] = False
    done.loc[hit, "cls"] = metrics.NEUTRAL


def open_spans(cycles: pd.DataFrame) -> pd.DataFrame:
    """Per park: first open cycle, end of the last open cycle's time, open minutes."""
    c = cycles[cycles["park_open"] & ~cycles["pending"]]
    ends = c["cycle_at"] + c["held"] * MINUTE
    return (
        c.assign(end=ends)
        .groupby("park_id")
        .agg(
            span_start=("cycle_at", "min"),
            span_end=("end", "max"),
            park_open_minutes=("held", "sum"),
        )
    )


def wait_stats(waits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Posted waits over open cycles: count, sum, median, 90th percentile, maximum."""
    g = waits.groupby(keys)["wait_time"]
    return pd.DataFrame(
        {
            "wait_count": g.size(),
            "wait_sum": g.sum(),
            "wait_median": g.median().round(metrics.WAIT_STORED_DECIMALS),
            "wait_p90": g.quantile(metrics.WAIT_PERCENTILE).round(metrics.WAIT_STORED_DECIMALS),
            "wait_max": g.max(),
        }
    )


def sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The additive columns of hourly and daily rows, summed by `keys`."""
    renamed = frame.rename(
        columns={
            "open_m": "open_minutes",
            "down_m": "down_minutes",
            "unknown_m": "unknown_minutes",
            "breakdown": "breakdowns",
        }
    )
    return renamed.groupby(keys)[ADDITIVE].sum()


def with_waits(base: pd.DataFrame, waits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    joined = base.join(wait_stats(waits, keys), how="left")
    joined[["wait_count", "wait_sum"]] = joined[["wait_count", "wait_sum"]].fillna(0)
    return joined


def ride_hourly(done: pd.DataFrame, waits: pd.DataFrame) -> pd.DataFrame:
    """Counted rides' hours with something in them (minutes or waits): heatmap cells."""
    counted = done[done["counted"]]
    keys = ["ride_id", "hour_start"]
    where = counted.groupby(keys)[["park_id", "day", "local_hour"]].first()
    rows = with_waits(sums(counted, keys).join(where), waits[waits["counted"]], keys)
    content = rows[["open_minutes", "down_minutes", "unknown_minutes", "wait_count"]].sum(axis=1)
    return rows[content > 0].reset_index()


def park_hourly(done: pd.DataFrame, waits: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    keys = ["park_id", "hour_start"]
    done_cycles = cycles[~cycles["pending"]]
    open_time = done_cycles["held"].where(done_cycles["park_open"], 0)
    base = (
        done_cycles.assign(park_open_minutes=open_time)
        .groupby(keys)
        .agg(
            day=("day", "first"),
            local_hour=("local_hour", "first"),
            park_open_minutes=("park_open_minutes", "sum"),
        )
    )
    base = base.join(sums(done[done["counted"]], keys), how="left")
    base[ADDITIVE] = base[ADDITIVE].fillna(0)
    return with_waits(base, waits[waits["counted"]], keys).reset_index()


def ride_daily(
    rows: pd.DataFrame,
    done: pd.DataFrame,
    waits: pd.DataFrame,
    events: pd.DataFrame,
    frames: Frames,
) -> pd.DataFrame:
    """Every ride seen that day (counted or not: first openings decide tomorrow's active set),
    and every counted ride even if the feed never listed it that day (it is in the park's A)."""
    base = rows.groupby("ride_id").agg(park_id=("park_id", "first"), day=("day", "first"))
    base = with_absent_rides(base, frames)
    base["first_open_at"] = rows[rows["state"] == metrics.OPEN].groupby("ride_id")["cycle_at"].min()
    base = base.join(sums(done, ["ride_id"]), how="left")
    base[ADDITIVE] = base[ADDITIVE].fillna(0)
    base = day_waits(base, waits, "ride_id", frames.parks)
    base["longest_outage_minutes"] = events.groupby("ride_id")["minutes"].max()
    latest = events.sort_values("outage_no").groupby("ride_id").last()
    base["outage_start"] = latest["start_at"]
    base["outage_minutes"] = latest["minutes"].reindex(base.index).fillna(0)
    base["final"] = base["park_id"].map(frames.parks.set_index("park_id")["final"])
    base["last_counted"] = done.groupby("ride_id")["last_state"].last()
    standing = frames.rides.set_index("ride_id")[
        ["active", "counted", "tier", "tier_source", "weight"]
    ]
    return base.join(standing).reset_index()


def with_absent_rides(base: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """Add counted rides without a snapshot in the frames (the whole-day path: nothing was
    carried for them) so that the day's rows hold the park's whole counted set."""
    standing = frames.rides.set_index("ride_id")
    whole_day = frames.parks.loc[frames.parks["since"].isna(), "park_id"]
    absent = standing[standing["counted"] & standing["home_park_id"].isin(whole_day)]
    absent = absent[~absent.index.isin(base.index)]
    if absent.empty:
        return base
    days = absent["home_park_id"].map(frames.parks.set_index("park_id")["day"])
    extra = pd.DataFrame({"park_id": absent["home_park_id"], "day": days})
    return pd.concat([base, extra])


def day_waits(base: pd.DataFrame, waits: pd.DataFrame, key: str, parks: pd.DataFrame):
    """Wait statistics of a day. Median and p90 are not additive: they are kept for final days
    only (computed from the whole day at once); today's are in the hourly rows."""
    base = base.join(wait_stats(waits, [key]), how="left")
    base[["wait_count", "wait_sum"]] = base[["wait_count", "wait_sum"]].fillna(0)
    final = base["park_id"].map(parks.set_index("park_id")["final"]).astype(bool)
    base.loc[~final, ["wait_median", "wait_p90"]] = np.nan
    return base


def park_daily(
    done: pd.DataFrame,
    waits: pd.DataFrame,
    events: pd.DataFrame,
    cycles: pd.DataFrame,
    parks: pd.DataFrame,
) -> pd.DataFrame:
    """Each park-day: sums over its counted rides, its open span, its counted rides."""
    base = parks.set_index("park_id")[["day", "final", "rides_counted"]].copy()
    base = base.join(open_spans(cycles))
    base["park_open_minutes"] = base["park_open_minutes"].fillna(0)
    base = base.join(sums(done[done["counted"]], ["park_id"]), how="left")
    base[ADDITIVE] = base[ADDITIVE].fillna(0)
    base["park_id"] = base.index
    base = day_waits(base, waits[waits["counted"]], "park_id", parks).drop(columns="park_id")
    base["longest_outage_minutes"] = events.groupby("park_id")["minutes"].max()
    base["processed_through"] = cycles[~cycles["pending"]].groupby("park_id")["cycle_at"].max()
    return base.reset_index()
