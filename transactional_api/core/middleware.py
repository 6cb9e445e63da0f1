"""Pure ASGI middleware: request ids, body size cap, simulated clock, access log."""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime

from transactional_api.core import clock
from transactional_api.core.errors import error_body
from transactional_api.core.logging import request_id_var

log = logging.getLogger("flywheel.api.access")
CLOCK_HEADER = b"x-flywheel-clock"


class _TooLarge(Exception):
    pass


def _parse_clock(raw: bytes) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw.decode())
    except ValueError:
        return None
    return value.astimezone(UTC) if value.tzinfo else None


class RequestContextMiddleware:
    def __init__(self, app, *, max_body_bytes: int, simulated_clock: bool):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.simulated_clock = simulated_clock

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        rid_token = request_id_var.set(rid)
        clock_token = None
        start = time.perf_counter()
        status = {"code": 500}
        try:
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                return await self._reject(send, 413, "payload_too_large", "request body too large")
            if self.simulated_clock and CLOCK_HEADER in headers:
                when = _parse_clock(headers[CLOCK_HEADER])
                if when is None:
                    return await self._reject(
                        send, 400, "bad_clock", "X-Flywheel-Clock must be ISO-8601 with offset"
                    )
                clock_token = clock.set_override(when)

            seen = 0

            async def limited_receive():
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > self.max_body_bytes:
                        raise _TooLarge
                return message

            async def send_with_id(message):
                if message["type"] == "http.response.start":
                    status["code"] = message["status"]
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
                await send(message)

            try:
                await self.app(scope, limited_receive, send_with_id)
            except _TooLarge:
                await self._reject(send, 413, "payload_too_large", "request body too large")
                status["code"] = 413
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status["code"],
                    "ms": round((time.perf_counter() - start) * 1000, 2),
                },
            )
            if clock_token is not None:
                clock.reset(clock_token)
            request_id_var.reset(rid_token)

    @staticmethod
    async def _reject(send, status: int, code: str, message: str) -> None:
        body = json.dumps(error_body(code, message)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
