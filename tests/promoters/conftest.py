"""A live API for the promoters tests: the promoters' and members' background jobs off (the
tests run the consumer through the admin route), the shop clock settable by header."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.api.catalog_helpers import pay
from tests.conftest import create_product, make_settings, register, run_api

QUIET = dict(promoters_interval_seconds=0, members_consumer_interval_seconds=0,
             members_housekeeping_interval_seconds=0, reach_interval_seconds=0,
             simulated_clock=True)


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url, **QUIET))


def shopper(api, name: str = "shopper", device: str | None = None) -> httpx.Client:
    c = api.client(register(api, f"{name}-{uuid.uuid4().hex[:8]}@example.com"))
    if device:
        c.headers["X-Device-Id"] = device
    return c


def promoter(api, admin: httpx.Client, *, parent_code: str | None = None,
             device: str | None = None) -> tuple[httpx.Client, dict]:
    """A shopper who applied (with parent_code) and was approved: (client, promoter)."""
    c = shopper(api, "promoter", device)
    r = c.post("/v1/promoters/applications",
               json={"parent_code": parent_code} if parent_code else {})
    assert r.status_code == 201, r.text
    r = admin.post(f"/v1/admin/promoters/{r.json()['id']}/decision",
                   json={"decision": "approve"})
    assert r.status_code == 200, r.text
    return c, r.json()


def product(admin: httpx.Client, price_cents: int, code: str | None = None) -> dict:
    return create_product(admin, price_cents=price_cents, stock=50,
                          code=code or f"P-{uuid.uuid4().hex[:6]}")


def buy(c: httpx.Client, sku_id: str, quantity: int = 1) -> dict:
    r = c.post("/v1/orders", json={"items": [{"sku_id": sku_id, "quantity": quantity}]})
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    assert order["status"] == "paid", order
    return order


def complete(admin: httpx.Client, order_id: str) -> None:
    assert admin.post(f"/v1/admin/orders/{order_id}/ship").status_code == 200
    r = admin.post(f"/v1/admin/orders/{order_id}/complete")
    assert r.status_code == 200, r.text


def run(admin: httpx.Client, at: datetime | None = None) -> dict:
    headers = {"X-Flywheel-Clock": at.isoformat()} if at else {}
    r = admin.post("/v1/admin/promoters/run", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def later(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def commissions(c: httpx.Client, **params) -> dict:
    r = c.get("/v1/promoters/me/commissions", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def consistent(admin: httpx.Client, promoter_id: str) -> bool:
    return admin.get(f"/v1/admin/promoters/{promoter_id}/ledger-check").json()["consistent"]
