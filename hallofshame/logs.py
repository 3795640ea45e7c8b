"""Logging for every job and the web app: JSON lines (LOG_FORMAT=json) or text for people.

JSON lines carry `time` (UTC ISO 8601), `level`, `logger`, `message`, the fields given once
(`job`) and any `extra={...}` of a call, so a log shipper (CloudWatch Logs, journald) can filter
and count without parsing prose.

No secret reaches a log line or a mail: every line is masked as it is formatted (`mask_text`),
whatever logged it (a command line with `--database-url`, a driver's error message).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import fields
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from hallofshame.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# A URL's user:password@ (the password may hold any character, even @ / :, unescaped) and query
# parameters that carry secrets (`?password=`, mysqlclient's `passwd=`, tokens, keys). In free
# text a URL ends at white space or a quote.
URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^:@/\s]*):(?P<password>.*)@")
URL_USERINFO_IN_TEXT = re.compile(
    r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^:@/\s\"']*):(?P<password>[^\s\"']*)@"
)
SECRET_QUERY = re.compile(
    r"(?i)(?P<name>[?&;](?:password|passwd|pass|pwd|secret|token|api_?key|key)=)[^&;#\s\"']*"
)
MIN_SECRET = 4  # a shorter secret value is masked inside URLs only, not wherever it appears


def mask_secret(value: str, whole: bool = True) -> str:
    """`value` with every password in it replaced by ***: a URL keeps its shape (user, host,
    database) but not its password, in the user part or in the query; any other value of a
    secret setting (`whole`) is hidden whole."""
    if "://" not in value:
        return MASK if whole and value else value
    masked = URL_USERINFO.sub(rf"\g<scheme>\g<user>:{MASK}@", value, count=1)
    return SECRET_QUERY.sub(rf"\g<name>{MASK}", masked)


def secrets_of(settings: Settings) -> list[str]:
    """The secret values in force: the password of each secret URL (also as written in it,
    percent-encoded), every other secret setting whole; longest first."""
    found: set[str] = set()
    for f in fields(settings):
        value = getattr(settings, f.name)
        if not (f.metadata.get("secret") and isinstance(value, str) and value):
            continue
        if "://" not in value:
            found.add(value)
            continue
        try:
            password = make_url(value).password
        except (ArgumentError, ValueError):
            password = None
        raw = URL_USERINFO.search(value)
        found |= {str(password or ""), raw["password"] if raw else ""}
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True)


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text (a log line, a mail, a command's output) with every URL password and every
    known secret value replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = URL_USERINFO_IN_TEXT.sub(rf"\g<scheme>\g<user>:{MASK}@", text)
    return SECRET_QUERY.sub(rf"\g<name>{MASK}", text)


class MaskingFormatter(logging.Formatter):
    """Another formatter's lines, secrets masked (the JSON extras and tracebacks too)."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(self.inner.format(record), self.secrets)


def formatter(
    log_format: str, secrets: Iterable[str] = (), **static_fields: Any
) -> logging.Formatter:
    """The formatter for LOG_FORMAT, masking `secrets` and URL passwords; `static_fields`
    (e.g. job=cycle) go into every JSON line."""
    if log_format == "json":
        inner: logging.Formatter = JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            static_fields=static_fields,
        )
    else:
        inner = logging.Formatter(TEXT_FORMAT)
    return MaskingFormatter(inner, secrets)


def configure_logging(
    settings: Settings, verbose: bool = False, stream: IO[str] | None = None, **static_fields: Any
) -> None:
    """Send every log record to `stream` (stderr) in the configured format.

    Replaces the handler an earlier call installed, and only that one (pytest's stay)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(settings.log_format, secrets_of(settings), **static_fields))
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
