"""Time helpers. Inside the program every instant is an aware UTC datetime; the database stores
naive UTC (SQLite has no time zones), converted only here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hallofshame.errors import StageError

MAX_CLOCK_SKEW = timedelta(minutes=5)  # how far a --now may run ahead of this machine's clock
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # no replay before this (and no date arithmetic
# near year 1, where a day before or a time zone's offset overflows)


class InstantOutOfRange(ValueError):
    """An ISO 8601 text that names no instant a datetime holds in UTC."""


class TimeOutOfRange(StageError):
    """A time given for a job (`--now`) that no job should run at; the message says why."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def check_job_time(now: datetime, real: datetime | None = None) -> datetime:
    """`now` for a job, refused when it is ahead of the real clock by more than MAX_CLOCK_SKEW
    (a job run "in the future" would finalise today and delete its raw rows, or stop the park
    list from refreshing) or before EARLIEST. Returns it unchanged."""
    real = real or utcnow()
    now = as_utc(now)
    if now > real + MAX_CLOCK_SKEW:
        raise TimeOutOfRange(
            f"--now {iso(now)} is ahead of this machine's clock ({iso(real)}) by more than "
            f"{MAX_CLOCK_SKEW.total_seconds() / 60:g} minutes: refused"
        )
    if now < EARLIEST:
        raise TimeOutOfRange(f"--now {iso(now)} is before {iso(EARLIEST)}: refused")
    return now


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant (`2024-05-23T18:40:04.000Z`, offsets allowed; naive means UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        return as_utc(value)
    except OverflowError:  # 9999-12-31T23:59:59-01:00 is past the last datetime in UTC
        raise InstantOutOfRange(f"{text!r} is out of range") from None


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive datetime (as read from the database) is taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_db(value: datetime | None) -> datetime | None:
    """Naive UTC, as stored in the database."""
    return None if value is None else as_utc(value).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """`2024-05-23T18:40:00Z`: the form every JSON output and CLI uses (four-digit years, also
    before 1000, where strftime's %Y would write `1-01-01`)."""
    if value is None:
        return None
    if value.tzinfo is None:  # as read from the database: UTC
        return value.isoformat(timespec="seconds") + "Z"
    return value.astimezone(UTC).isoformat(timespec="seconds")[:-6] + "Z"  # without "+00:00"
