"""A shop with three storefronts driven through the real API: base (USD), jp (JPY, 0
decimals) and kw (KWD, 3 decimals); its OLTP file and outbox events feed the mart tests."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select

from tests.api.catalog_helpers import pay
from tests.conftest import create_product, register
from tests.markets.helpers import market, rate
from transactional_api.events.models import OutboxEvent


def run(api, admin) -> list[dict]:
    """Places and pays the orders; returns each order as the API answered it."""
    sku = create_product(admin, price_cents=1999, code="MART-1", stock=50)["skus"][0]
    market(admin, "jp", "JPY", "ja", ["JP"])
    market(admin, "kw", "KWD", "ar", ["KW"])
    rate(admin, "USD", "JPY", "151.37")
    rate(admin, "USD", "KWD", "0.30712")
    orders = []
    with api.client(register(api, "mart@example.com")) as c:
        for qty, mkt in ((1, None), (2, None), (3, "jp"), (1, "jp"), (2, "kw")):
            body = {"items": [{"sku_id": sku["id"], "quantity": qty}]}
            if mkt:
                body["market"] = mkt
            r = c.post("/v1/orders", json=body)
            assert r.status_code == 201, r.text
            orders.append(pay(c, r.json()["id"]))
        # placed, never paid: not a sale
        assert c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 1}],
                                          "market": "jp"}).status_code == 201
    assert all(o["status"] == "paid" for o in orders)
    return orders


def copy_oltp(api, url: str) -> None:
    """The live SQLite (WAL included) copied to ``url`` with SQLite's backup API."""
    src = sqlite3.connect(api.settings.resolved_database_url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def events(api) -> list[dict]:
    with api.sessions() as s:
        return [json.loads(r) for r in s.scalars(select(OutboxEvent.record)
                                                 .order_by(OutboxEvent.id))]
