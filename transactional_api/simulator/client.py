"""A thin HTTP client for the simulator: every request carries the simulated clock."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)

CLOCK_HEADER = "X-Flywheel-Clock"


class ApiError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} -> {status}: {body}")
        self.status = status
        self.body = body

    @property
    def code(self) -> str | None:
        if isinstance(self.body, dict):
            return (self.body.get("error") or {}).get("code")
        return None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _retry_delay(resp: httpx.Response, attempt: int) -> float:
    # A throttled client must wait as told: short blind retries would all be refused too.
    after = resp.headers.get("Retry-After", "")
    if after.isdigit():
        return min(float(after), 60.0)
    return 0.2 * (attempt + 1)


class ApiClient:
    """Sync client around one connection pool; callers pass the clock per request."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.requests_sent = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        clock: datetime | None = None,
        token: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 202, 204),
        retries: int = 5,
    ) -> Any:
        sent_headers = dict(headers or {})
        if clock is not None:
            sent_headers[CLOCK_HEADER] = iso(clock)
        if token:
            sent_headers["Authorization"] = f"Bearer {token}"
        # A local SQLite API can answer 503/429 under a burst; retry a few times, then fail.
        # (retries=1: no retry, e.g. a code throttle's Retry-After is an hour)
        for attempt in range(retries):
            resp = self._http.request(
                method, path, json=json, params=params, headers=sent_headers
            )
            self.requests_sent += 1
            if resp.status_code not in (429, 503) or attempt == retries - 1:
                break
            time.sleep(_retry_delay(resp, attempt))
        body: Any = None
        if resp.content:
            try:
                body = resp.json()
            except ValueError:
                body = resp.text
        if resp.status_code not in ok:
            raise ApiError(method, path, resp.status_code, body)
        return body

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if self._http.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError as exc:
                last = exc
            time.sleep(0.1)
        raise TimeoutError(f"API at {self._http.base_url} not healthy after {timeout}s: {last}")

    def login(self, email: str, password: str, *, clock: datetime | None = None) -> str:
        body = self.post(
            "/v1/auth/login", json={"email": email, "password": password}, clock=clock
        )
        return body["token"]

    def all_products(self, *, clock: datetime | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self.get(
                "/v1/products", params={"limit": 100, "offset": offset}, clock=clock
            )
            items.extend(page["items"])
            offset += len(page["items"])
            if not page["items"] or offset >= page.get("total", 0):
                return items
