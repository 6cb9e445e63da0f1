"""Steps the duties tests share: a shop with a phone (category phones, under electronics)
and a book, a GB duty table, and shoppers with addresses abroad."""

from __future__ import annotations

import httpx

from tests.api.catalog_helpers import category, product, sku
from tests.orders.helpers import ADDRESS, set_rates

GB = {"name": "Ada Shopper", "line1": "10 Downing Street", "city": "London",
      "postal_code": "SW1A 2AA", "country": "GB"}
DE = {"name": "Ada Shopper", "line1": "Unter den Linden 1", "city": "Berlin",
      "postal_code": "10117", "country": "DE"}
US = ADDRESS
SHIPPING = 500  # one flat fee: nothing weighs past base_grams


def shop(admin: httpx.Client) -> dict:
    electronics = category(admin, "electronics")
    phones = category(admin, "phones", parent=electronics)
    books = category(admin, "books")
    phone = product(admin, phones, [sku("PHONE", stock=20, price_cents=10000)], name="Phone")
    book = product(admin, books, [sku("BOOK", stock=50, price_cents=2000)], name="Book")
    set_rates(admin, base=SHIPPING, base_grams=100_000, free_over=None)
    return {"phone": phone["skus"][0]["id"], "book": book["skus"][0]["id"],
            "electronics": electronics, "phones": phones, "books": books}


def rate(admin: httpx.Client, country: str, duty_bps: int, tax_bps: int, *,
         category_id: str | None = None, de_minimis: int = 0, currency: str = "USD",
         **extra) -> dict:
    r = admin.post("/v1/admin/duty-rates", json={
        "country": country, "category_id": category_id, "duty_bps": duty_bps,
        "import_tax_bps": tax_bps, "de_minimis_cents": de_minimis,
        "de_minimis_currency": currency, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def address(c: httpx.Client, fields: dict) -> str:
    r = c.post("/v1/me/addresses", json=fields)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def items(**qty: int) -> list[dict]:
    return [{"sku_id": s, "quantity": q} for s, q in qty.items()]
