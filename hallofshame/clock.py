"""Time helpers. Inside the program every instant is an aware UTC datetime; the database stores
naive UTC (SQLite has no time zones), converted only here."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant (`2024-05-23T18:40:04.000Z`, offsets allowed; naive means UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a naive datetime (as read from the database) is taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_db(value: datetime | None) -> datetime | None:
    """Naive UTC, as stored in the database."""
    return None if value is None else as_utc(value).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """`2024-05-23T18:40:00Z`: the form every JSON output and CLI uses."""
    return None if value is None else as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
