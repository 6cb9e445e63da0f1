"""Market CRUD (catalog operators), the public list, market_language for the
translations, and the events each change emits."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import create_product, register
from tests.markets.helpers import market, rate
from transactional_api.events.models import OutboxEvent
from transactional_api.markets import service


def _events(api, *types: str) -> list[dict]:
    with api.sessions() as s:
        rows = s.scalars(select(OutboxEvent.record).where(OutboxEvent.event_type.in_(types))
                         .order_by(OutboxEvent.id))
        return [json.loads(r) for r in rows]


def test_markets_crud_public_list_and_language(api, admin):
    market(admin, "br", "BRL", "pt-BR", ["BR"])
    market(admin, "eu", "EUR", "de", ["DE", "FR", "DE"])
    r = admin.patch("/v1/admin/markets/eu", json={"active": False, "name": "Europe"})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["countries"] == ["DE", "FR"]
    with api.client() as anon:
        public = anon.get("/v1/markets").json()
        assert [(m["code"], m["currency"], m["minor_units"], m["language"])
                for m in public] == [("br", "BRL", 2, "pt-BR")]
        # an inactive market prices nothing
        assert anon.get("/v1/products", params={"market": "eu"}).status_code == 422
    with api.sessions() as s:
        assert service.market_language(s, "br") == "pt-BR"
        assert service.market_language(s, "nowhere") is None
        assert service.market_language(s, None) is None
    assert admin.patch("/v1/admin/markets/eu", json={"currency": "XXX"}).status_code == 422
    assert admin.patch("/v1/admin/markets/eu", json={"name": None}).status_code == 422
    assert admin.patch("/v1/admin/markets/zz", json={"name": "Z"}).status_code == 404
    assert admin.delete("/v1/admin/markets/eu").status_code == 204
    assert [m["code"] for m in admin.get("/v1/admin/markets").json()] == ["br"]
    events = _events(api, "market_changed")
    assert [(e["payload"]["market"], e["payload"]["action"], e["payload"]["version"])
            for e in events] == [("br", "created", 1), ("eu", "created", 1),
                                 ("eu", "updated", 2), ("eu", "deleted", 2)]
    with api.client(register(api, "s@example.com")) as shopper:
        r = shopper.post("/v1/admin/markets", json={"code": "x", "name": "X",
                                                    "currency": "USD", "language": "en"})
        assert r.status_code == 403


def test_order_in_a_market_emits_its_currency_and_rate(api, admin):
    sku = create_product(admin, price_cents=2500, code="EV-1")["skus"][0]
    market(admin, "jp", "JPY", "ja", ["JP"])
    day = "2026-01-01T00:00:00+00:00"
    assert rate(admin, "USD", "JPY", "150", day)["result"] == "inserted"
    assert rate(admin, "USD", "JPY", "150", day)["result"] == "unchanged"
    r = admin.put(f"/v1/admin/skus/{sku['id']}/currency-prices/JPY", json={"amount_minor": 3600})
    assert r.status_code == 200
    with api.client(register(api, "jp@example.com")) as c:
        order = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 2}],
                                           "market": "jp"}).json()
        plain = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 1}]})
        assert plain.json()["currency"] == "USD"
    assert order["total_cents"] == 7200  # the explicit price, 2 x 3600 yen
    (fixed,) = _events(api, "order_currency_fixed")  # none for the order with no market
    assert fixed["payload"] == {
        "order_id": order["id"], "market": "jp", "currency": "JPY", "minor_units": 0,
        "rate_e9": 6666667, "base_currency": "USD", "base_minor_units": 2,
        "total_minor": 7200}
    (created,) = [e for e in _events(api, "order_created")
                  if e["payload"]["order_id"] == order["id"]]
    assert created["payload"]["currency"] == "JPY"
    assert [e["payload"]["rate_e9"] for e in _events(api, "fx_rate_set")] == [150 * 10**9]
    (price,) = _events(api, "sku_price_set")
    assert price["payload"] == {"sku_id": sku["id"], "currency": "JPY", "amount_minor": 3600,
                                "previous_amount_minor": None}
    r = admin.get(f"/v1/admin/skus/{sku['id']}/price-in/JPY")
    assert r.json() == {"sku_id": sku["id"], "currency": "JPY", "amount_minor": 3600,
                        "rate_e9": None}
    r = admin.get(f"/v1/admin/skus/{sku['id']}/price-in/KWD")
    assert r.status_code == 409 and r.json()["error"]["code"] == "fx_rate_missing"
