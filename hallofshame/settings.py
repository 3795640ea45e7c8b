"""Every setting of the Hall of Shame, in one documented table.

Layers, lowest first: the defaults below < a `.env` file < environment variables < command-line
options. The environment variable of a field is its name in upper case. `tests/test_settings.py`
fails when a setting is missing from the README's settings table.

Each value is parsed and checked by pydantic against its declared type and bounds (`Positive`,
`AtLeastOne`...), the first refusal as one line naming the variable. The table stays a frozen
dataclass (a pydantic one), so `dataclasses.fields` walks it for the README, `settings` and the
masking of secrets, and `replace` checks again. pydantic-settings was weighed for the layering:
its environment source can only be pointed at a given mapping (as the tests do) by overriding a
private method, and python-dotenv plus one loop already give defaults < .env < environment <
options, with an empty value meaning unset.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import ConfigDict, Field, ValidationError
from pydantic.dataclasses import dataclass

# What SITE_URL may be: a plain http(s) URL. It is written as is into pages, feeds, the sitemap
# and the Shopify section's Liquid, HTML and JavaScript, so no quote, brace, space or %.
SAFE_URL = re.compile(r"https?://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*)?")
AtLeastOne = Annotated[int, Field(ge=1)]
NotNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _setting(default: Any, help: str, secret: bool = False) -> Any:
    # Secrets stay out of repr(), so a logged or printed Settings never shows them.
    return field(default=default, repr=not secret, metadata={"help": help, "secret": secret})


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
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
    collect_interval_minutes: AtLeastOne = _setting(
        10, "Minutes between collection cycles (cron); gaps are capped at twice this."
    )
    collect_concurrency: AtLeastOne = _setting(16, "Parks fetched at the same time in one cycle.")
    connect_timeout_s: Positive = _setting(5.0, "Seconds to wait for a connection to Queue-Times.")
    read_timeout_s: Positive = _setting(
        20.0, "Seconds one try may take to receive a whole Queue-Times response, body included."
    )
    max_body_bytes: AtLeastOne = _setting(
        5_000_000, "Largest Queue-Times response body accepted (bytes, after decompression)."
    )
    retry_attempts: AtLeastOne = _setting(
        4, "Tries per document (connection errors, timeouts, 5xx, 429)."
    )
    retry_max_wait_s: float = _setting(30.0, "Longest back-off between two tries, in seconds.")
    cycle_deadline_s: Positive = _setting(
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
    job_lock_wait_s: Annotated[float, Field(ge=0)] = _setting(
        300.0, "Seconds a job waits for another writing job to finish before it gives up."
    )
    publish_workers: NotNegative = _setting(
        0, "Processes a publish renders pages on: 0 = one per core (at most 4), 1 = no fork."
    )
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    # The web app (/api/): limits and cache lifetimes.
    api_rate_limit: str = _setting(
        "120 per minute", "Requests per client to /api/ (flask-limiter syntax, `;` between)."
    )
    api_max_range_days: AtLeastOne = _setting(
        366, "Longest from..to range of a stats lookup, in days."
    )
    api_cache_short_s: int = _setting(60, "Cache-Control max-age of answers that touch today.")
    api_cache_long_s: int = _setting(86400, "Cache-Control max-age of answers on finished days.")
    api_database_url: str = _setting(
        "",
        "Where the web app reads, e.g. a MariaDB replica of DATABASE_URL (the jobs write to "
        "DATABASE_URL); empty: DATABASE_URL.",
        secret=True,
    )
    api_max_replica_lag_s: AtLeastOne = _setting(
        120, "/api/health answers 503 when the replica API_DATABASE_URL is this far behind."
    )
    api_proxy_count: int = _setting(
        1, "Proxies in front of the app whose X-Forwarded-For is trusted (Apache: 1)."
    )
    health_max_cycle_age_minutes: AtLeastOne = _setting(
        30, "Health is stale (HTTP 503) without a successful cycle in this many minutes."
    )
    # Operations (issue 8): logs, metrics, job runs, alerts, health thresholds.
    log_format: Literal["json", "text"] = _setting(
        "text", "`json` (one JSON object a line, for log shippers) or `text` (for people)."
    )
    log_dir: str = _setting("var/log", "Where `hallofshame job` appends each job's log.")
    metrics_dir: str = _setting(
        "var/metrics", "Where each job writes its Prometheus text file (node_exporter textfile)."
    )
    state_dir: str = _setting(
        "var/state", "Job locks and open incidents (each incident is mailed once when it starts)."
    )
    job_timeout_s: Positive = _setting(
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
    failing_parks_pct: Annotated[float, Field(gt=0, le=100)] = _setting(
        20.0, "Health fails when at least this share of parks failed in the latest cycle."
    )
    publish_lag_minutes: Positive = _setting(
        20.0, "Health fails when an aggregation this old has not been published yet."
    )

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given settings replaced (None means: keep), checked again."""
        try:
            return replace(self, **{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None


def setting_names() -> list[str]:
    """The environment-variable names of every setting, in table order."""
    return [f.name.upper() for f in fields(Settings)]


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    env_file: str | Path | None = ".env",
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from defaults < `.env` < environment < `overrides` (field names, None = unset)."""
    environ = os.environ if environ is None else environ
    dotenv = dotenv_values(env_file) if env_file and Path(env_file).is_file() else {}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        for layer in (dotenv, environ):
            if layer.get(f.name.upper()) not in (None, ""):
                values[f.name] = layer[f.name.upper()]
        if overrides and overrides.get(f.name) is not None:
            values[f.name] = overrides[f.name]
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
    _check_addresses(settings)
    _check_site_url(settings)
    return settings


def _one_line(exc: ValidationError) -> str:
    """pydantic's first refusal, named as the operator wrote it: `READ_TIMEOUT_S='0': input
    should be greater than 0`."""
    error = exc.errors()[0]
    name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{name}={error['input']!r}: {message}"


def _check_addresses(settings: Settings) -> None:
    bad = [a for a in [*alert_recipients(settings), settings.alert_from] if a and "@" not in a]
    if bad:
        raise SettingsError(f"not an e-mail address in ALERT_FROM/ALERT_TO: {bad[0]!r}")


def _check_site_url(settings: Settings) -> None:
    if not SAFE_URL.fullmatch(settings.site_url):
        raise SettingsError(
            f"SITE_URL={settings.site_url!r}: not a plain http(s) URL (letters, digits and "
            ". - _ ~ / only: it is written into pages, feeds and the Shopify section as is)"
        )


def alert_recipients(settings: Settings) -> list[str]:
    """ALERT_TO as a list (it may name several operators, comma-separated)."""
    return [a.strip() for a in settings.alert_to.split(",") if a.strip()]
