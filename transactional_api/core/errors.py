"""The one error shape: {"error": {"code", "message", "details"}}; 4xx never change state."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("flywheel.api")


class DomainError(Exception):
    """Raised by services; routers never build error responses themselves."""

    status_code = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, details: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Unprocessable(DomainError):
    status_code = 422
    code = "unprocessable"


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    """What every 4xx and 5xx answers."""

    error: ErrorDetail


# Documented on every route, replacing FastAPI's own 422 shape, which we never send.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        400: "Bad request", 401: "Missing or invalid bearer token", 403: "Not allowed",
        404: "Not found", 409: "Conflicts with the current state",
        413: "Request body too large", 422: "Invalid input",
        429: "Too many requests: retry after the Retry-After header's seconds",
        503: "Temporarily unavailable: retry after the Retry-After header's seconds",
    }.items()
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _json_safe_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors
    ]


# SQLSTATEs after which the same request, retried, should succeed: the server cancelled a
# statement (statement_timeout), gave up on a row lock (lock_timeout), or broke a deadlock.
RETRYABLE_SQLSTATES = {"57014": "statement_timeout", "55P03": "lock_timeout",
                       "40P01": "deadlock", "40001": "serialization_failure"}
BUSY_RETRY_AFTER_SECONDS = 1


def database_busy_reason(exc: BaseException) -> str | None:
    """Why the database turned this request away for now, or None for a real fault."""
    if isinstance(exc, sa_exc.TimeoutError):
        return "pool_exhausted"  # no free connection within db_pool_timeout_seconds
    if isinstance(exc, sa_exc.OperationalError):
        code = getattr(exc.orig, "sqlstate", None)
        if code in RETRYABLE_SQLSTATES:
            return RETRYABLE_SQLSTATES[code]
        if "database is locked" in str(exc.orig):
            return "sqlite_locked"  # the busy timeout ran out behind another writer
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), exc.status_code, headers=headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body("validation_error", "request is not valid", _json_safe_errors(exc.errors())),
            422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers
        )

    @app.exception_handler(sa_exc.SQLAlchemyError)
    async def _database(request: Request, exc: sa_exc.SQLAlchemyError) -> JSONResponse:
        # The unit of work rolled back as the error left it: nothing was written.
        reason = database_busy_reason(exc)
        if reason is None:
            return await _unexpected(request, exc)
        log.warning("database busy", extra={"path": request.url.path, "reason": reason})
        return JSONResponse(
            error_body("database_busy", "the database is busy; retry shortly",
                       {"reason": reason}), 503,
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse(error_body("internal_error", "internal server error"), 500)
