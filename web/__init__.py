"""The web app: the few lookups that cannot be pre-rendered, under /api/ (read-only).

`create_app(settings)` builds everything: nothing exists at import time. Apache proxies /api/ to
gunicorn running `web.wsgi:application`; `hallofshame serve` mounts the same app beside the
static site. Importing `web` (or `web.health`, which the cron health check uses) loads no Flask:
the factory's imports wait until an app is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from hallofshame.clock import utcnow

if TYPE_CHECKING:
    from flask import Flask

    from hallofshame.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> Flask:
    """The Flask app for `settings` (default: loaded from .env and the environment).
    `clock` is the app's notion of now (tests freeze it)."""
    from web.app import build

    return build(settings, clock)
