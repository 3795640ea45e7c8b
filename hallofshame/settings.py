"""Every setting of the Hall of Shame, in one documented table.

Layers, lowest first: the defaults below < a `.env` file < environment variables < command-line
options. The environment variable of a field is its name in upper case. `tests/test_settings.py`
fails when a setting is missing from the README's settings table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _setting(default: Any, help: str, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///var/hallofshame.sqlite3",
        "SQLAlchemy URL of the database. Production: "
        "`mysql+mysqldb://USER:PASSWORD@HOST/DB?charset=utf8mb4`.",
        secret=True,
    )
    queue_times_url: str = _setting(
        "https://queue-times.com", "Base URL of the Queue-Times API (or of the simulator)."
    )
    docroot: str = _setting("var/docroot", "Directory the publisher writes the static site into.")
    collect_interval_minutes: int = _setting(
        10, "Minutes between collection cycles (cron); gaps are capped at twice this."
    )
    collect_concurrency: int = _setting(16, "Parks fetched at the same time in one cycle.")
    connect_timeout_s: float = _setting(5.0, "Seconds to wait for a connection to Queue-Times.")
    read_timeout_s: float = _setting(20.0, "Seconds to wait for a Queue-Times response.")
    retry_attempts: int = _setting(4, "Tries per document (connection errors, timeouts, 5xx, 429).")
    retry_max_wait_s: float = _setting(30.0, "Longest back-off between two tries, in seconds.")
    cycle_deadline_s: float = _setting(
        240.0, "A cycle gives up on parks still unanswered after this many seconds."
    )
    parks_refresh_hours: float = _setting(24.0, "Refresh parks.json when older than this.")
    raw_retention_hours: float = _setting(
        48.0, "Raw per-cycle rows are kept at least this long (and until their day is final)."
    )
    kind_overrides_file: str = _setting(
        "config/ride_kind_overrides.csv", "CSV `park_id,ride_id,kind` that beats the name patterns."
    )
    tier_overrides_file: str = _setting(
        "config/ride_tier_overrides.csv", "CSV `park_id,ride_id,tier` that beats the data."
    )
    site_url: str = _setting(
        "http://127.0.0.1:8000",
        "Public base URL of the published site (sitemap, feed and robots.txt need absolute URLs).",
    )
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given settings replaced (None means: keep)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def setting_names() -> list[str]:
    """The environment-variable names of every setting, in table order."""
    return [f.name.upper() for f in fields(Settings)]


def setting_help() -> list[tuple[str, Any, str]]:
    """(NAME, default, help) for every setting: the source of the README table."""
    return [(f.name.upper(), f.default, f.metadata["help"]) for f in fields(Settings)]


def _convert(name: str, kind: type, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return kind(raw.strip()) if kind in (int, float) else raw
    except ValueError:
        raise SettingsError(f"{name.upper()}={raw!r} is not a valid {kind.__name__}") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    env_file: str | Path | None = ".env",
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from defaults < `.env` < environment < `overrides` (field names, None = unset)."""
    environ = os.environ if environ is None else environ
    dotenv = dotenv_values(env_file) if env_file and Path(env_file).is_file() else {}
    types = {"int": int, "float": float, "str": str}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = f.default if f.default is not MISSING else None
        for layer in (dotenv, environ):
            if layer.get(f.name.upper()) not in (None, ""):
                raw = layer[f.name.upper()]
        if overrides and overrides.get(f.name) is not None:
            raw = overrides[f.name]
        values[f.name] = _convert(f.name, types[str(f.type)], raw)
    settings = Settings(**values)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    positive = ("collect_interval_minutes", "collect_concurrency", "retry_attempts")
    for name in positive:
        if getattr(settings, name) < 1:
            raise SettingsError(f"{name.upper()} must be at least 1")
    for name in ("connect_timeout_s", "read_timeout_s", "cycle_deadline_s"):
        if getattr(settings, name) <= 0:
            raise SettingsError(f"{name.upper()} must be positive")
