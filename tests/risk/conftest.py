"""A live API with small risk limits, and the steps the risk tests share."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.events.models import OutboxEvent
from transactional_api.risk.limits import Limit, RiskLimits
from transactional_api.risk.models import RiskDecision

OFF = Limit()
# every default rule off except those a test turns on, so shared Redis counters of other
# tests (one client address, many users) cannot interfere
QUIET = dict(per_user_hour=OFF, per_device_hour=OFF, per_address_hour=OFF,
             per_instrument_hour=OFF, per_client_hour=OFF, accounts_per_device_day=OFF,
             accounts_per_client_day=OFF, users_per_address=OFF, users_per_device=OFF,
             users_per_instrument=OFF, new_account_large_order_cents=0, score=OFF,
             reviews_per_user_hour=OFF, reviews_per_device_hour=OFF,
             users_per_merchant_device=OFF)
ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "region": "N",
           "postal_code": "12345", "country": "US", "phone": "+1 555 0100"}


@pytest.fixture
def risk_api(tmp_path, redis_server):
    """risk_api(**limits) -> a live API whose risk limits are QUIET plus these."""
    stack = []

    def start(**limits):
        gen = run_api(make_settings(tmp_path / f"var{len(stack)}", redis_server.url,
                                    risk_limits=RiskLimits(**{**QUIET, **limits})))
        stack.append(gen)
        return next(gen)

    yield start
    for gen in stack:
        next(gen, None)


def device() -> dict:
    return {"X-Device-Id": f"dev-{uuid.uuid4()}"}


def shopper(api, **headers):
    email = f"s-{uuid.uuid4().hex[:10]}@example.com"
    return api.client(register(api, email), **headers)


def product_sku(api, *, price_cents: int = 1500, stock: int = 20) -> tuple[str, str]:
    with api.client(api.admin_token()) as admin:
        p = create_product(admin, price_cents=price_cents, stock=stock,
                           code=f"R-{uuid.uuid4().hex[:8]}")
    return p["id"], p["skus"][0]["id"]


def place(c, sku: str, quantity: int = 1, **body):
    return c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": quantity}], **body})


def available(c, product_id: str) -> int:
    return c.get(f"/v1/products/{product_id}").json()["skus"][0]["available"]


def decisions(api) -> list[RiskDecision]:
    with api.sessions() as s:
        return list(s.scalars(select(RiskDecision).order_by(RiskDecision.created_at)))


def events(api, event_type: str) -> list[dict]:
    import json
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id))]
