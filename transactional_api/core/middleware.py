"""Pure ASGI middleware: request ids, body size cap, simulated clock, security headers,
the last-resort 500, and the access log."""

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
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def _parse_clock(raw: bytes) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw.decode())
        return value.astimezone(UTC) if value.tzinfo else None
    except (ValueError, OverflowError, UnicodeDecodeError):
        return None


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
        state = {"status": 500, "started": False}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS,
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                return await self._reject(send_with_headers, 413, "payload_too_large",
                                          "request body too large")
            if length is None and b"chunked" in headers.get(b"transfer-encoding", b""):
                # A chunked body has no declared size: read it here, up to the cap, so an
                # oversized one is a 413 before any handler sees (and misreports) it.
                receive = await self._buffered(receive)
                if receive is None:
                    return await self._reject(send_with_headers, 413, "payload_too_large",
                                              "request body too large")
            if self.simulated_clock and CLOCK_HEADER in headers:
                when = _parse_clock(headers[CLOCK_HEADER])
                if when is None:
                    return await self._reject(
                        send_with_headers, 400, "bad_clock",
                        "X-Flywheel-Clock must be ISO-8601 with offset")
                clock_token = clock.set_override(when)
            try:
                await self.app(scope, receive, send_with_headers)
            except Exception:
                # Answered here rather than re-raised: the server would drop the keep-alive
                # connection of a client that did nothing wrong.
                log.exception("unhandled error", extra={"path": scope.get("path")})
                if state["started"]:
                    raise
                await self._reject(send_with_headers, 500, "internal_error",
                                   "internal server error")
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": state["status"],
                    "ms": round((time.perf_counter() - start) * 1000, 2),
                },
            )
            if clock_token is not None:
                clock.reset(clock_token)
            request_id_var.reset(rid_token)

    async def _buffered(self, receive):
        """The whole body as one message, or None when it passes the cap."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return receive  # client went away: let the app see the disconnect
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

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
