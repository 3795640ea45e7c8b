"""Every error of the API is JSON: `{"error": {"status": 404, "message": "..."}}`.

No HTML error page and no stack trace ever reaches a client: werkzeug's HTTP errors (404, 405,
429 from the rate limiter...), a database that cannot answer (503, with Retry-After: the
connection failed, timed out or found the file locked) and any unexpected exception (logged
here, answered 500) all go through `error_response`.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from hallofshame.db import one_line

UNAVAILABLE_RETRY_AFTER_S = 30
log = logging.getLogger(__name__)


class ApiError(Exception):
    """An expected failure of one request: its status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> Response:
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message)


def _http_error(exc: HTTPException) -> Response:
    response = error_response(exc.code or 500, _describe(exc))
    if exc.code == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _describe(exc: HTTPException) -> str:
    if exc.code == 404:
        return "no such endpoint: see /api/openapi.json"
    if exc.code == 429:
        return f"too many requests: the limit is {exc.description}"
    return exc.description or exc.name


def _database_unavailable(exc: Exception) -> Response:
    log.warning("database unavailable: %s", one_line(exc))
    response = error_response(503, "the database is not answering; try again shortly")
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_S)
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error answering a request")
    return error_response(500, "internal error (logged for the operator)")


def register(app: Flask) -> None:
    """JSON answers for every error the app can raise."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)
