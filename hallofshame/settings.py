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
    # Secrets stay out of repr(), so a logged or printed Settings never shows them.
    return field(default=default, repr=not secret, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///var/hallofshame.sqlite3",
        "SQLAlchemy URL of the database. Production: "
        "`mysql+mysqldb://USER:PASSWORD@HOST/DB?charset=utf8mb4`.",
        secret=True,
    )
    demo_database_url: str = _setting(
        "sqlite:///var/demo.sqlite3",
        "Database `hallofshame demo` writes to (never DATABASE_URL, unless --database-url is "
        "given): simulated parks must not land in a real database.",
        secret=True,
    )
    queue_times_url: str = _setting(
        "https://queue-times.com", "Base URL of the Queue-Times API (or of the simulator)."
    )
    docroot: str = _setting("var/docroot", "Directory the publisher writes the static site into.")
    demo_docroot: str = _setting(
        "var/demo-docroot",
        "Directory `hallofshame demo` publishes into (never DOCROOT, unless --docroot is given): "
        "simulated pages must not replace a real site.",
    )
    collect_interval_minutes: int = _setting(
        10, "Minutes between collection cycles (cron); gaps are capped at twice this."
    )
    collect_concurrency: int = _setting(16, "Parks fetched at the same time in one cycle.")
    connect_timeout_s: float = _setting(5.0, "Seconds to wait for a connection to Queue-Times.")
    read_timeout_s: float = _setting(
        20.0, "Seconds one try may take to receive a whole Queue-Times response, body included."
    )
    max_body_bytes: int = _setting(
        5_000_000, "Largest Queue-Times response body accepted (bytes, after decompression)."
    )
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
    job_lock_wait_s: float = _setting(
        300.0, "Seconds a job waits for another writing job to finish before it gives up."
    )
    publish_workers: int = _setting(
        0, "Processes a publish renders pages on: 0 = one per core (at most 4), 1 = no fork."
    )
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    # The web app (/api/): limits and cache lifetimes.
    api_rate_limit: str = _setting(
        "120 per minute", "Requests per client to /api/ (flask-limiter syntax, `;` between)."
    )
    api_max_range_days: int = _setting(366, "Longest from..to range of a stats lookup, in days.")
    api_cache_short_s: int = _setting(60, "Cache-Control max-age of answers that touch today.")
    api_cache_long_s: int = _setting(86400, "Cache-Control max-age of answers on finished days.")
    api_database_url: str = _setting(
        "",
        "Where the web app reads, e.g. a MariaDB replica of DATABASE_URL (the jobs write to "
        "DATABASE_URL); empty: DATABASE_URL.",
        secret=True,
    )
    api_max_replica_lag_s: int = _setting(
        120, "/api/health answers 503 when the replica API_DATABASE_URL is this far behind."
    )
    api_proxy_count: int = _setting(
        1, "Proxies in front of the app whose X-Forwarded-For is trusted (Apache: 1)."
    )
    health_max_cycle_age_minutes: int = _setting(
        30, "Health is stale (HTTP 503) without a successful cycle in this many minutes."
    )
    # Operations (issue 8): logs, metrics, job runs, alerts, health thresholds.
    log_format: str = _setting(
        "text", "`json` (one JSON object a line, for log shippers) or `text` (for people)."
    )
    log_dir: str = _setting("var/log", "Where `hallofshame job` appends each job's log.")
    metrics_dir: str = _setting(
        "var/metrics", "Where each job writes its Prometheus text file (node_exporter textfile)."
    )
    state_dir: str = _setting(
        "var/state", "Job locks and open incidents (each incident is mailed once when it starts)."
    )
    job_timeout_s: float = _setting(
        540.0, "`hallofshame job` kills a job still running after this many seconds."
    )
    sendgrid_api_key: str = _setting(
        "", "SendGrid API key for alert mails; empty: alerts are only logged.", secret=True
    )
    sendgrid_host: str = _setting(
        "https://api.sendgrid.com", "SendGrid API base URL (tests point it at a local server)."
    )
    alert_from: str = _setting("", "Sender address of alert mails (verified in SendGrid).")
    alert_to: str = _setting("", "Operator address(es) for alert mails, comma-separated.")
    failing_parks_pct: float = _setting(
        20.0, "Health fails when at least this share of parks failed in the latest cycle."
    )
    publish_lag_minutes: float = _setting(
        20.0, "Health fails when an aggregation this old has not been published yet."
    )

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given settings replaced (None means: keep)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def setting_names() -> list[str]:
    """The environment-variable names of every setting, in table order."""
    return [f.name.upper() for f in fields(Settings)]


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
    positive = (
        "collect_interval_minutes",
        "collect_concurrency",
        "retry_attempts",
        "max_body_bytes",
        "api_max_range_days",
        "health_max_cycle_age_minutes",
        "api_max_replica_lag_s",
    )
    for name in positive:
        if getattr(settings, name) < 1:
            raise SettingsError(f"{name.upper()} must be at least 1")
    if settings.job_lock_wait_s < 0:
        raise SettingsError("JOB_LOCK_WAIT_S must not be negative")
    if settings.publish_workers < 0:
        raise SettingsError("PUBLISH_WORKERS must not be negative (0: one per core)")
    for name in ("connect_timeout_s", "read_timeout_s", "cycle_deadline_s", "job_timeout_s"):
        if getattr(settings, name) <= 0:
            raise SettingsError(f"{name.upper()} must be positive")
    if settings.publish_lag_minutes <= 0:
        raise SettingsError("PUBLISH_LAG_MINUTES must be positive")
    if not 0 < settings.failing_parks_pct <= 100:
        raise SettingsError("FAILING_PARKS_PCT must be more than 0 and at most 100")
    if settings.log_format not in ("json", "text"):
        raise SettingsError(f"LOG_FORMAT={settings.log_format!r} is neither json nor text")
    bad = [a for a in [*alert_recipients(settings), settings.alert_from] if a and "@" not in a]
    if bad:
        raise SettingsError(f"not an e-mail address in ALERT_FROM/ALERT_TO: {bad[0]!r}")


def alert_recipients(settings: Settings) -> list[str]:
    """ALERT_TO as a list (it may name several operators, comma-separated)."""
    return [a.strip() for a in settings.alert_to.split(",") if a.strip()]
