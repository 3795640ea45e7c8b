"""The app factory, `create_app`: settings, the read-only engine, error handlers, rate limits,
the views. Nothing exists at import time; each call builds a new app."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask, Response, g, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from hallofshame.clock import utcnow
from hallofshame.settings import Settings, load_settings
from web import api, errors
from web.db import read_only_engine
from web.ratelimit import RateLimiter
from web.state import AppState

UNLIMITED = {"api.health", "static"}  # monitors poll health; it reads two rows


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> Flask:
    """The Flask app for `settings` (default: loaded from .env and the environment).
    `clock` is the app's notion of now (tests freeze it)."""
    settings = settings or load_settings()
    limiter = RateLimiter(settings.api_rate_limit)  # a bad API_RATE_LIMIT stops here
    app = Flask(__name__)
    app.json.sort_keys = False  # the documented field order; stable bytes keep ETags stable
    app.url_map.merge_slashes = False  # `//` is a JSON 404, not werkzeug's HTML 308 redirect
    app.extensions["hallofshame"] = AppState(
        settings, read_only_engine(*api_database(settings)), clock
    )
    errors.register(app)
    _limit_rate(app, limiter)
    _allow_other_sites(app)
    app.register_blueprint(api.bp)
    if settings.api_proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.api_proxy_count)  # type: ignore[method-assign]
    return app


def api_database(settings: Settings) -> tuple[str, str]:
    """The URL the API reads and the setting it came from (a replica's, else the jobs')."""
    if settings.api_database_url:
        return settings.api_database_url, "API_DATABASE_URL"
    return settings.database_url, "DATABASE_URL"


def _limit_rate(app: Flask, limiter: RateLimiter) -> None:
    """Every routed request but UNLIMITED counts against its client's limits (the client's
    address, X-Forwarded-For's behind API_PROXY_COUNT proxies); over them it is a JSON 429."""

    @app.before_request
    def count() -> None:
        if request.endpoint is None or request.endpoint in UNLIMITED:
            return
        verdict = limiter.hit(request.remote_addr or "127.0.0.1")
        g.rate_limit = verdict
        if not verdict.allowed:
            raise TooManyRequests(str(verdict.limit))

    @app.after_request
    def headers(response: Response) -> Response:
        verdict = g.get("rate_limit")
        if verdict is not None:
            response.headers.update(verdict.headers(time.time()))
        return response


CORS_PREFIX = "/api/v1/"
CORS = {
    "Access-Control-Allow-Origin": "*",  # open data: no cookies, no credentials, any site
    "Access-Control-Expose-Headers": "ETag, Retry-After, X-RateLimit-Limit, "
    "X-RateLimit-Remaining, X-RateLimit-Reset",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def _allow_other_sites(app: Flask) -> None:
    """Browser apps on other sites may GET /api/v1/ (errors included, so they can read why);
    a preflight (for If-None-Match) is answered with the one method and header allowed."""

    @app.after_request
    def cors(response: Response) -> Response:
        if request.path.startswith(CORS_PREFIX):
            response.headers.update(CORS)
            if request.method == "OPTIONS":
                response.headers.update(PREFLIGHT)
        return response
