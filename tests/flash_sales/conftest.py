"""A live API whose flash jobs and worker are driven by the tests (never by a timer), on
a queue of its own (the tests share one Redis)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.flash_sales import jobs, worker


@pytest.fixture
def flash_api(tmp_path, redis_server):
    yield from run_api(make_settings(
        tmp_path / "var", redis_server.url, flash_worker_interval_seconds=0,
        flash_jobs_interval_seconds=0, flash_queue=f"test:flash:{uuid.uuid4().hex}",
        members_consumer_interval_seconds=0, reach_interval_seconds=0,
        members_housekeeping_interval_seconds=0))


def drain(api) -> int:
    return worker.drain(api.sessions, api.app.state.redis, queue=api.settings.flash_queue)


def tick(api) -> dict:
    return jobs.tick(api.sessions, api.app.state.redis, api.settings)


def schedule(admin, sku_id: str, *, quantity: int = 5, price: int = 500, limit: int = 1,
             starts_in: float = -1, lasts: float = 3600, arm: bool = True, **extra) -> dict:
    now = datetime.now(UTC)
    body = {"name": "Flash", "sku_id": sku_id, "flash_price_cents": price,
            "quantity": quantity, "per_user_limit": limit,
            "starts_at": (now + timedelta(seconds=starts_in)).isoformat(),
            "ends_at": (now + timedelta(seconds=starts_in + lasts)).isoformat(), **extra}
    r = admin.post("/v1/admin/flash-sales", json=body)
    assert r.status_code == 201, r.text
    sale = r.json()
    if arm:
        r = admin.post(f"/v1/admin/flash-sales/{sale['id']}/arm")
        assert r.status_code == 200, r.text
        sale = r.json()
    return sale


def shopper(api, email: str | None = None) -> str:
    return register(api, email or f"{uuid.uuid4().hex[:10]}@example.com")


def flash_pass(api, token: str, sale_id: str) -> str:
    with api.client(token) as c:
        r = c.post(f"/v1/flash-sales/{sale_id}/pass")
        assert r.status_code == 200, r.text
        return r.json()["flash_pass"]


def reserve(api, sale_id: str, flash: str, request_id: str | None = None, quantity: int = 1):
    with api.client() as c:
        return c.post(f"/v1/flash-sales/{sale_id}/reserve",
                      headers={"X-Flash-Pass": flash},
                      json={"request_id": request_id or uuid.uuid4().hex,
                            "quantity": quantity})


def product(admin, *, stock: int = 10, price: int = 1000) -> tuple[str, str]:
    """(product id, sku id) of a fresh product."""
    p = create_product(admin, price_cents=price, stock=stock, code=uuid.uuid4().hex[:8])
    return p["id"], p["skus"][0]["id"]


def code(response) -> str:
    return response.json()["error"]["code"]
