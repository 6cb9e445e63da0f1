"""Steps the points-mall tests share: a live API (risk rules and background consumers
off, so tests drive the give-back consumer), goods and coupon items, funded shoppers."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import select

from tests.conftest import create_product, make_settings, register, run_api
from transactional_api.config import Settings
from transactional_api.events.models import OutboxEvent

QUIET = dict(risk_enabled=False, members_consumer_interval_seconds=0,
             members_housekeeping_interval_seconds=0,
             points_mall_consumer_interval_seconds=0, reach_interval_seconds=0)
# other plays' background workers, off where they exist (they only add log noise here)
QUIET |= {k: 0 for k in ("flash_worker_interval_seconds", "flash_jobs_interval_seconds")
          if k in Settings.model_fields}


def start_api(tmp_path, redis_url: str, **over):
    return run_api(make_settings(tmp_path / "var", redis_url, **{**QUIET, **over}))


def sku(admin: httpx.Client, *, price_cents: int = 1999, stock: int = 50) -> str:
    code = f"MALL-{uuid.uuid4().hex[:8]}"
    return create_product(admin, price_cents=price_cents, stock=stock, code=code)["skus"][0]["id"]


def goods_item(admin: httpx.Client, sku_id: str, **over) -> dict:
    body = {"kind": "goods", "title": "Mug for points", "sku_id": sku_id, "points_price": 500,
            "cash_cents": 0, "stock": 5, "per_user_limit": 1, **over}
    r = admin.post("/v1/admin/points-mall/items", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def shopper(api, points: int = 0) -> tuple[httpx.Client, str]:
    client = api.client(register(api, f"mall-{uuid.uuid4().hex[:10]}@example.com"))
    uid = client.get("/v1/me").json()["id"]
    if points:
        with api.client(api.admin_token()) as admin:
            r = admin.post(f"/v1/admin/members/{uid}/points/adjustments",
                           json={"points": points, "reason": "mall test"})
            assert r.status_code == 201, r.text
    return client, uid


def redeem(client: httpx.Client, item_id: str, key: str | None = None, **body) -> httpx.Response:
    return client.post(f"/v1/points-mall/items/{item_id}/redeem",
                       headers={"Idempotency-Key": key or uuid.uuid4().hex}, json=body)


def balance(client: httpx.Client) -> int:
    return client.get("/v1/points-mall/items").json()["points_balance"]


def events(api, event_type: str) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r.record)["payload"] for r in s.scalars(select(OutboxEvent).where(
            OutboxEvent.event_type == event_type).order_by(OutboxEvent.id))]
