"""Logging for every job and the web app: JSON lines (LOG_FORMAT=json) or text for people.

JSON lines carry `time` (UTC ISO 8601), `level`, `logger`, `message`, the fields given once
(`job`) and any `extra={...}` of a call, so a log shipper (CloudWatch Logs, journald) can filter
and count without parsing prose.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter

from hallofshame.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def formatter(log_format: str, **static_fields: Any) -> logging.Formatter:
    """The formatter for LOG_FORMAT; `static_fields` (e.g. job=cycle) go into every JSON line."""
    if log_format == "json":
        return JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            static_fields=static_fields,
        )
    return logging.Formatter(TEXT_FORMAT)


def configure_logging(
    settings: Settings, verbose: bool = False, stream: IO[str] | None = None, **static_fields: Any
) -> None:
    """Send every log record to `stream` (stderr) in the configured format.

    Replaces the handler an earlier call installed, and only that one (pytest's stay)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(settings.log_format, **static_fields))
    handler.hallofshame = True  # type: ignore[attr-defined]
    quiet()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else settings.log_level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)  # not every schema check, please


def quiet() -> None:
    """Remove the handler `configure_logging` installed (a cron job logs to its file only)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "hallofshame", False)]:
        root.removeHandler(handler)
