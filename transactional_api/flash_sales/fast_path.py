"""The reserve route answered in front of the framework: an ASGI middleware that takes
POST /v1/flash-sales/{id}/reserve and answers it itself, the same answers the documented
FastAPI route gives (router.py keeps it, for the schema and as the reference), without
routing, dependency injection, model validation and the per-request access log. At the
start of a sale this route is nearly all the traffic; every answer is still counted in
Redis (the sale's counters), so nothing the access log would have told goes unrecorded.
"""

from __future__ import annotations

import json
import math
import re

from transactional_api.flash_sales import hot

_PATH = re.compile(r"/v1/flash-sales/([^/]{1,36})/reserve")
_MAX_BODY = 4096
_FIELDS = {"request_id", "quantity", "utm_source", "utm_medium", "utm_campaign"}
_REFUSED = {"sold_out": "sold out", "over_limit": "over the per-shopper limit",
            "not_started": "the sale has not started", "closed": "the sale is over"}


class FlashFastPath:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        match = _PATH.fullmatch(scope["path"])
        if match is None:
            return await self.app(scope, receive, send)
        status, body, headers = await self._answer(scope, receive, match.group(1))
        raw = json.dumps(body, separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
            *headers]})
        await send({"type": "http.response.body", "body": raw})

    async def _answer(self, scope, receive, sale_id: str):
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > _MAX_BODY:
                return _error(413, "body_too_large", "the request body is too large")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        try:
            data = json.loads(b"".join(chunks) or b"null")
        except ValueError:
            return _error(422, "validation_error", "the body is not JSON")
        problem = _invalid(data)
        if problem:
            return _error(422, "validation_error", problem)
        state = scope["app"].state
        runner = _scripts(state)
        headers = {k: v for k, v in scope["headers"] if k == b"x-flash-pass"}
        user_id = hot.check_pass(state.flash_pass_secret,
                                 headers.get(b"x-flash-pass", b"").decode("latin-1"),
                                 sale_id=sale_id)
        if user_id is None:
            return _error(401, "unauthorized", "a valid X-Flash-Pass for this sale is required",
                          extra=[(b"www-authenticate", b"Bearer")])
        settings = state.settings
        ctx = {k: data[k] for k in ("utm_source", "utm_medium", "utm_campaign") if data.get(k)}
        got = runner.reserve(sale_id=sale_id, user_id=user_id, request_id=data["request_id"],
                             quantity=data.get("quantity", 1),
                             rate_per_second=settings.flash_client_rate_per_second,
                             burst=settings.flash_client_burst,
                             admission_per_second=settings.flash_admission_per_second,
                             admission_burst=settings.flash_admission_burst,
                             context=json.dumps(ctx))
        if got.outcome == "won":
            return (200 if got.repeat else 201,
                    {"token": got.token, "repeat": got.repeat,
                     "status_url": f"/v1/flash-sales/reservations/{got.token}"}, [])
        if got.outcome in ("rate_limited", "waiting_room"):
            wait = max(1, math.ceil(int(got.detail or "1000") / 1000))
            message = ("too many requests; retry later" if got.outcome == "rate_limited"
                       else "the sale is busy: you are in the waiting room")
            return _error(429, got.outcome, message, details={"retry_after_seconds": wait},
                          extra=[(b"retry-after", str(wait).encode())])
        if got.outcome == "closed" and got.detail == "unknown":
            return _error(404, "flash_sale_not_live", "no flash sale is running under this id")
        return _error(409, got.outcome, _REFUSED[got.outcome], details={"detail": got.detail})


def _scripts(state) -> hot.Scripts:
    if getattr(state, "flash_scripts", None) is None:
        state.flash_scripts = hot.Scripts(state.redis, state.settings.flash_queue)
        state.flash_pass_secret = hot.pass_secret(state.webhook_secret)
    return state.flash_scripts


def _invalid(data) -> str | None:
    """What ReserveIn would refuse, said plainly; None when the body is acceptable."""
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        return f"unknown fields: {', '.join(unknown)}"
    rid = data.get("request_id")
    if not isinstance(rid, str) or not 1 <= len(rid) <= 64:
        return "request_id: a string of 1 to 64 characters is required"
    qty = data.get("quantity", 1)
    if type(qty) is not int or not 1 <= qty <= 100:
        return "quantity: an integer from 1 to 100"
    for name in ("utm_source", "utm_medium", "utm_campaign"):
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 100):
            return f"{name}: a string of at most 100 characters"
    return None


def _error(status: int, code: str, message: str, *, details=None, extra=()):
    return status, {"error": {"code": code, "message": message, "details": details}}, \
        list(extra)
