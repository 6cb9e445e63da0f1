"""Markets set up through the admin API, for the markets tests."""

from __future__ import annotations


def market(admin, code: str, currency: str, language: str = "en", countries=()) -> dict:
    r = admin.post("/v1/admin/markets", json={
        "code": code, "name": code.upper(), "currency": currency, "language": language,
        "countries": list(countries)})
    assert r.status_code == 201, r.text
    return r.json()


def rate(admin, base: str, quote: str, value: str, effective_from: str | None = None) -> dict:
    body = {"base": base, "quote": quote, "rate": value}
    if effective_from:
        body["effective_from"] = effective_from
    r = admin.put("/v1/admin/fx-rates", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def quote(c, sku_id: str, quantity: int = 1, market: str | None = None, **extra):
    body = {"items": [{"sku_id": sku_id, "quantity": quantity}], **extra}
    if market:
        body["market"] = market
    return c.post("/v1/cart/quote", json=body)
