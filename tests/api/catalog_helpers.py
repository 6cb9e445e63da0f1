"""Steps the catalog and inventory API tests share."""

from __future__ import annotations

import time

import httpx


def category(admin: httpx.Client, slug: str = "general", parent: str | None = None) -> str:
    body = {"name": slug.title(), "slug": slug, **({"parent_id": parent} if parent else {})}
    r = admin.post("/v1/admin/categories", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def product(admin: httpx.Client, cat: str, skus: list[dict], *, status: str = "listed",
            **extra) -> dict:
    r = admin.post("/v1/admin/products", json={"category_id": cat, "name": extra.pop(
        "name", "Thing"), "skus": skus, "status": status, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def sku(code: str, stock: int = 0, price_cents: int = 1000, **extra) -> dict:
    return {"code": code, "name": code, "price_cents": price_cents, "stock": stock, **extra}


def available(c: httpx.Client, product_id: str) -> dict[str, int | None]:
    return {s["code"]: s["available"]
            for s in c.get(f"/v1/products/{product_id}").json()["skus"]}


def pay(c: httpx.Client, order_id: str, outcome: str = "succeed") -> dict:
    r = c.post(f"/v1/orders/{order_id}/payments", json={"sandbox_outcome": outcome})
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 15
    while True:
        order = c.get(f"/v1/orders/{order_id}").json()
        if order["status"] != "pending_payment" or time.monotonic() > deadline:
            return order
        time.sleep(0.05)
