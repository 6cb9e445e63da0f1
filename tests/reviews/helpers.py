"""Steps the review tests share: a shop, buyers whose orders were delivered, the calls."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select

from tests.api.catalog_helpers import category, pay, product, sku
from tests.api.payment_helpers import outbox_events
from tests.conftest import register
from transactional_api.reviews.models import ProductRating, Review


def shop(admin: httpx.Client, *names: str) -> dict[str, dict]:
    """Listed products by name, each with SKUs <name>-A and <name>-B in stock."""
    cat = category(admin, f"cat-{uuid.uuid4().hex[:6]}")
    return {name: product(admin, cat, [sku(f"{name}-A", stock=50), sku(f"{name}-B", stock=50)],
                          name=name)
            for name in names}


def sku_id(prod: dict, suffix: str = "A") -> str:
    return next(s["id"] for s in prod["skus"] if s["code"].endswith(f"-{suffix}"))


def buy(api, c: httpx.Client, admin: httpx.Client, skus: list[str], *,
        deliver: bool = True) -> dict:
    """One order of one unit of each SKU, paid, and (deliver) shipped and completed."""
    r = c.post("/v1/orders", json={"items": [{"sku_id": s, "quantity": 1} for s in skus]})
    assert r.status_code == 201, r.text
    order = pay(c, r.json()["id"])
    assert order["status"] == "paid", order
    if deliver:
        assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
        r = admin.post(f"/v1/admin/orders/{order['id']}/complete")
        assert r.status_code == 200, r.text
        order = r.json()
    return order


def buyer(api, admin: httpx.Client, skus: list[str], *, deliver: bool = True
          ) -> tuple[httpx.Client, dict]:
    """A new shopper with one delivered order of skus: (their client, the order)."""
    c = api.client(register(api, f"buyer-{uuid.uuid4().hex[:8]}@example.com"))
    return c, buy(api, c, admin, skus, deliver=deliver)


def review(c: httpx.Client, product_id: str, order_id: str, sku: str, rating=4,
           **extra) -> httpx.Response:
    return c.post(f"/v1/products/{product_id}/reviews",
                  json={"order_id": order_id, "sku_id": sku, "rating": rating, **extra})


def moderate(admin: httpx.Client, review_id: str, decision: str = "publish",
             reason: str | None = None) -> httpx.Response:
    body = {"decision": decision, **({"reason": reason} if reason is not None else {})}
    return admin.post(f"/v1/admin/reviews/{review_id}/moderation", json=body)


def published_review(api, admin: httpx.Client, prod: dict, rating: int,
                     sku: str | None = None) -> dict:
    """A new buyer's review of prod, published."""
    sku = sku or sku_id(prod)
    c, order = buyer(api, admin, [sku])
    r = review(c, prod["id"], order["id"], sku, rating)
    c.close()
    assert r.status_code == 201, r.text
    r = moderate(admin, r.json()["id"])
    assert r.status_code == 200, r.text
    return r.json()


def error(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


def review_rows(api) -> int:
    with api.sessions() as s:
        return s.scalar(select(func.count()).select_from(Review))


def rating_row(api, product_id: str) -> tuple | None:
    with api.sessions() as s:
        row = s.get(ProductRating, product_id)
        return None if row is None else (row.rating_count, row.rating_sum, row.count_1,
                                         row.count_2, row.count_3, row.count_4, row.count_5)


def events(api, event_type: str, review_id: str | None = None) -> list[dict]:
    return [e for e in outbox_events(api, event_type)
            if review_id is None or e["payload"]["review_id"] == review_id]
