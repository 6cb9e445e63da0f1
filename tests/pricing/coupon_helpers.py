"""Steps the coupon tests share: a live API with quiet risk rules and the simulated clock,
templates made over HTTP, shoppers, the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from tests.conftest import make_settings, register, run_api
from transactional_api.core.db import transaction
from transactional_api.events.models import OutboxEvent
from transactional_api.orders.models import Order
from transactional_api.risk.limits import Limit, RiskLimits

OFF = Limit()
# every risk rule off unless a test turns one on: Redis (and its counters) is shared
QUIET = dict(per_user_hour=OFF, per_device_hour=OFF, per_address_hour=OFF,
             per_instrument_hour=OFF, per_client_hour=OFF, accounts_per_device_day=OFF,
             accounts_per_client_day=OFF, users_per_address=OFF, users_per_device=OFF,
             users_per_instrument=OFF, new_account_large_order_cents=0, score=OFF,
             reviews_per_user_hour=OFF, reviews_per_device_hour=OFF,
             users_per_merchant_device=OFF)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLOCK = "X-Flywheel-Clock"


def start_api(tmp_path, redis_url: str, **risk):
    return run_api(make_settings(tmp_path / "var", redis_url, simulated_clock=True,
                                 risk_limits=RiskLimits(**{**QUIET, **risk})))


def at(t: datetime) -> dict:
    return {CLOCK: t.isoformat()}


def body(kind: str = "full_reduction", **over) -> dict:
    params = {"full_reduction": {"tiers": [[5000, 500], [10000, 1500]]},
              "percent_off": {"percent_bp": 1000, "cap_cents": 2000},
              "random_amount": {"min_cents": 100, "max_cents": 900},
              "new_user": {"amount_cents": 700},
              "shipping": {"cap_cents": 800}}[kind]
    return {"name": f"{kind} {uuid.uuid4().hex[:6]}", "kind": kind, "params": params,
            "currency": "USD", "valid_days": 7, **over}


def template(client: httpx.Client, *, activate: bool = True, prefix: str = "/v1/admin",
             **over) -> dict:
    r = client.post(f"{prefix}/coupon-templates", json=body(**over))
    assert r.status_code == 201, r.text
    if activate:
        r = client.post(f"{prefix}/coupon-templates/{r.json()['id']}/transitions",
                        json={"action": "activate"})
        assert r.status_code == 200, r.text
    return r.json()


def shopper(api) -> tuple[httpx.Client, str]:
    client = api.client(register(api, f"c-{uuid.uuid4().hex[:10]}@example.com"))
    return client, client.get("/v1/me").json()["id"]


def claim(client: httpx.Client, template_id: str, when: datetime | None = None
          ) -> httpx.Response:
    return client.post(f"/v1/coupons/templates/{template_id}/claim",
                       headers=at(when) if when else {})


def events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type))]


def paid_order(api, user_id: str) -> None:
    """A paid order in the books (the new-user rule reads paid_order_counts)."""
    with transaction(api.sessions) as s:
        s.add(Order(user_id=user_id, status="paid", currency="USD", subtotal_cents=100,
                    total_cents=100, created_at=T0, updated_at=T0,
                    expires_at=T0 + timedelta(hours=1), paid_at=T0))


def error(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]
