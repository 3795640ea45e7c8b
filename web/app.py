"""The app factory: settings, the read-only engine, error handlers, rate limits, the views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from hallofshame.settings import Settings, SettingsError, load_settings
from web import api, errors
from web.db import read_only_engine
from web.state import AppState


def build(settings: Settings | None, clock: Callable[[], datetime]) -> Flask:
    """The Flask app for `settings` (default: loaded from .env and the environment).
    `clock` is the app's notion of now (tests freeze it)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.json.sort_keys = False  # the documented field order; stable bytes keep ETags stable
    app.extensions["hallofshame"] = AppState(
        settings, read_only_engine(settings.database_url), clock
    )
    errors.register(app)
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[_limits(settings.api_rate_limit)],
        storage_uri="memory://",
        headers_enabled=True,
    )
    limiter.exempt(api.health)  # monitors poll it; it reads two rows
    app.register_blueprint(api.bp)
    if settings.api_proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.api_proxy_count)  # type: ignore[method-assign]
    return app


def _limits(text: str) -> str:
    try:
        parse_many(text)
    except ValueError:
        raise SettingsError(
            f"API_RATE_LIMIT={text!r} is not a limit such as '120 per minute'"
        ) from None
    return text
