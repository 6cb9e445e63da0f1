"""A two-merchant story played through the real API and relayed to the lake: Alpha sells
two paid sub-orders (one shipped), Beta one paid and one left unpaid."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from tests.api.catalog_helpers import pay, product, sku
from tests.conftest import register
from tests.merchants.helpers import category, onboard
from transactional_api.events import relay


@dataclass
class Story:
    merchants: dict[str, str] = field(default_factory=dict)
    sub_orders: dict[str, list[str]] = field(default_factory=dict)


def play(api, admin) -> Story:
    story = Story()
    skus = {}
    for name in ("alpha", "beta"):
        owner, merchant_id, _ = onboard(api, admin, f"{name.title()} Shop")
        story.merchants[name] = merchant_id
        p = product(admin, category(admin), [sku(f"{name}-1", stock=20, price_cents=1200)],
                    merchant_id=merchant_id, name=f"{name} goods")
        skus[name] = p["skus"][0]["id"]
        owner.close()
    buyer = api.client(register(api, "story-buyer@example.com"))
    for name, quantity, paid in (("alpha", 1, True), ("alpha", 2, True), ("beta", 3, True),
                                 ("beta", 1, False)):
        r = buyer.post("/v1/orders", json={"shipping_region": "N", "items": [
            {"sku_id": skus[name], "quantity": quantity}]})
        assert r.status_code == 201, r.text
        order = pay(buyer, r.json()["id"]) if paid else r.json()
        story.sub_orders.setdefault(name, []).extend(s["id"] for s in order["sub_orders"])
    # Alpha ships its first order
    first = story.sub_orders["alpha"][0]
    order_id = next(o["id"] for o in buyer.get("/v1/orders").json()["items"]
                    if any(s["id"] == first for s in o["sub_orders"]))
    assert admin.post(f"/v1/admin/orders/{order_id}/ship").status_code == 200
    buyer.close()
    relay.drain(sessions=api.sessions, lake_dir=api.settings.resolved_lake_dir,
                redis_client=redis.Redis.from_url(api.settings.redis_url),
                stream=api.settings.redis_stream, stream_maxlen=10_000)
    return story
