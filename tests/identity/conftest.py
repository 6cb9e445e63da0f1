"""An API for the identity flows, and helpers reading what the sandbox sender sent."""

from __future__ import annotations

import json
import re

import pytest
import redis
from sqlalchemy import select

from tests.conftest import LiveApi, make_settings, run_api
from transactional_api.events.models import OutboxEvent


def _clear_throttles(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for pattern in ("flywheel:ratelimit:auth:*", "flywheel:identity:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.fixture
def idapi(tmp_path, redis_server):
    """Throttles out of the way (each test file that tests them sets its own)."""
    _clear_throttles(redis_server.url)
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     code_requests_per_hour_per_client=1e6,
                                     code_requests_per_hour_per_destination=1e6))


@pytest.fixture
def strict(tmp_path, redis_server):
    """Small budgets: 3 sign-ins a minute per account, 6 per address; codes: 2 an hour per
    destination, 4 per address."""
    _clear_throttles(redis_server.url)
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     login_attempts_per_minute_per_account=3,
                                     login_attempts_per_minute_per_client=6,
                                     code_requests_per_hour_per_client=4,
                                     code_requests_per_hour_per_destination=2))


def messages(api: LiveApi, to: str) -> list[dict]:
    with api.client(api.admin_token()) as c:
        r = c.get("/v1/admin/sandbox/messages", params={"to": to})
        assert r.status_code == 200, r.text
        return r.json()["items"]


def last_code(api: LiveApi, to: str) -> str:
    found = re.search(r"\b(\d{6})\b", messages(api, to)[0]["body"])
    assert found, "the newest message carries no code"
    return found.group(1)


def ask_code(c, channel: str, destination: str, purpose: str = "sign_in"):
    return c.post("/v1/auth/codes", json={"channel": channel, "destination": destination,
                                          "purpose": purpose})


def sign_in_by_code(api: LiveApi, channel: str, destination: str) -> dict:
    with api.client() as c:
        assert ask_code(c, channel, destination).status_code == 202
        r = c.post("/v1/auth/codes/verify", json={
            "channel": channel, "destination": destination,
            "code": last_code(api, destination)})
        assert r.status_code in (200, 201), r.text
        return r.json()


def outbox(api: LiveApi, *types: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type.in_(types))
                         .order_by(OutboxEvent.id)).all()
    return [json.loads(r) for r in rows]
