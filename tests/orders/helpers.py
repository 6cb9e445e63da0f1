"""Steps the order-flow tests share: addresses, rates, a two-merchant two-location shop."""

from __future__ import annotations

import httpx

from tests.api.catalog_helpers import category, product, sku

ADDRESS = {"name": "Ada Shopper", "line1": "1 Main St", "city": "Springfield", "region": "N",
           "postal_code": "12345", "country": "US", "phone": "+1 555 0100"}


def address(c: httpx.Client, **extra) -> dict:
    r = c.post("/v1/me/addresses", json={**ADDRESS, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def set_rates(admin: httpx.Client, *, region: str = "*", base: int = 500,
              base_grams: int = 1000, step: int = 200, step_grams: int = 500,
              free_over: int | None = 5000, tax_bp: int | None = None) -> None:
    r = admin.put(f"/v1/admin/shipping-rates/{region}/USD", json={
        "base_cents": base, "base_grams": base_grams, "step_cents": step,
        "step_grams": step_grams, "free_over_cents": free_over})
    assert r.status_code == 200, r.text
    if tax_bp is not None:
        assert admin.put(f"/v1/admin/tax-rates/{region}",
                         json={"rate_bp": tax_bp}).status_code == 200


def two_merchant_shop(admin: httpx.Client) -> dict:
    """Self-operated goods at two locations (north has only A), a second merchant's B."""
    wh = {}
    for code, prio in (("north", 10), ("hub", 50)):
        r = admin.post("/v1/admin/warehouses", json={"code": code, "name": code,
                                                     "regions": ["N"], "priority": prio})
        assert r.status_code == 201, r.text
        wh[code] = r.json()["id"]
    r = admin.post("/v1/admin/merchants", json={"name": "Acme", "slug": "acme"})
    assert r.status_code == 201, r.text
    acme = r.json()["id"]
    cat = category(admin)
    own = product(admin, cat, [sku("A", price_cents=1250, weight_grams=700),
                               sku("C", price_cents=900, weight_grams=300)])
    theirs = product(admin, cat, [sku("B", price_cents=2000, weight_grams=1500)],
                     merchant_id=acme, name="Acme thing")
    ids = {s["code"]: s["id"] for p in (own, theirs) for s in p["skus"]}
    for code, w, q in (("A", "north", 10), ("C", "hub", 10), ("B", "hub", 10)):
        r = admin.post("/v1/admin/stock/receipts", json={
            "sku_id": ids[code], "warehouse_id": wh[w], "quantity": q})
        assert r.status_code == 201, r.text
    return {"sku": ids, "wh": wh, "acme": acme, "own": own, "theirs": theirs}


def lines(**qty: int) -> list[dict]:
    return [{"sku_id": s, "quantity": q} for s, q in qty.items()]
