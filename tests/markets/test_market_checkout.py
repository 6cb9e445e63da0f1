"""Checkout in a market's currency: a 0-decimal (JPY) and a 3-decimal (KWD) currency
through quote, order, payment and refund; rounding rules; explicit prices; rates with
effective dates; a missing rate. Expected figures are worked out by hand in comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.catalog_helpers import pay
from tests.conftest import create_product, register
from tests.markets.helpers import market, quote, rate


def _shopper(api):
    return api.client(register(api, "buyer@example.com"))


def test_yen_quote_and_order_have_no_fractional_units(api, admin):
    sku = create_product(admin, price_cents=1999, code="JP-1")["skus"][0]
    market(admin, "jp", "JPY", "ja", ["JP"])
    rate(admin, "USD", "JPY", "151.37")
    assert admin.put("/v1/admin/tax-rates/*", json={"rate_bp": 1000}).status_code == 200
    with _shopper(api) as c:
        base = quote(c, sku["id"], 3).json()
        assert base["currency"] == "USD" and base["lines"][0]["unit_price_cents"] == 1999
        q = quote(c, sku["id"], 3, market="jp")
        assert q.status_code == 200, q.text
        q = q.json()
        # 19.99 USD * 151.37 = 3025.8863 JPY -> 3026 yen; 3 units 9078; 10 % tax 907.8 -> 908
        assert q["currency"] == "JPY"
        line = q["lines"][0]
        assert (line["list_price_cents"], line["unit_price_cents"]) == (3026, 3026)
        assert (line["line_total_cents"], line["tax_cents"]) == (9078, 908)
        assert q["total_cents"] == 9986
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 3}],
                                       "market": "jp", "expected_total_cents": 9986})
        assert r.status_code == 201, r.text
        order = r.json()
        assert (order["currency"], order["market"], order["total_cents"]) == ("JPY", "jp", 9986)
        # 1 / 151.37 = 0.006606328863...
        assert order["fx_rate_e9"] == 6606329
        assert sum(s["total_cents"] for s in order["sub_orders"]) == 9986
        paid = pay(c, order["id"])
        assert paid["status"] == "paid"
        payment = c.get(f"/v1/orders/{order['id']}/payment-options")
        assert payment.status_code == 200
    with api.sessions() as s:
        from transactional_api.payments.models import Payment
        p = s.query(Payment).filter_by(order_id=order["id"]).one()
        assert (p.currency, p.amount_cents) == ("JPY", 9986)
        payment_id = p.id
    r = admin.post(f"/v1/admin/payments/{payment_id}/refunds",
                   json={"amount_cents": 1000, "reason": "test"},
                   headers={"Idempotency-Key": "jp-refund-1"})
    assert r.status_code in (200, 201), r.text
    assert (r.json()["currency"], r.json()["amount_cents"]) == ("JPY", 1000)


def test_kuwaiti_dinar_has_three_decimals_and_shipping_converts(api, admin):
    sku = create_product(admin, price_cents=1999, code="KW-1")["skus"][0]
    market(admin, "kw", "KWD", "ar", ["KW"])
    rate(admin, "USD", "KWD", "0.30712")
    # a base fee of 5.00 USD anywhere; KWD has no shipping rates of its own: converted
    assert admin.put("/v1/admin/shipping-rates/*/USD", json={
        "base_cents": 500, "base_grams": 100000}).status_code == 200
    with _shopper(api) as c:
        q = quote(c, sku["id"], 2, market="kw", shipping_region="KW").json()
        # 19.99 * 0.30712 = 6.1393288 KWD -> 6.139 (6139 fils); 2 units 12278
        # shipping 5.00 * 0.30712 = 1.5356 -> 1.536
        assert q["currency"] == "KWD"
        assert q["lines"][0]["unit_price_cents"] == 6139
        assert q["shipping_cents"] == 1536
        assert q["total_cents"] == 12278 + 1536
        # KWD's own rate wins once there is one
        assert admin.put("/v1/admin/shipping-rates/*/KWD", json={
            "base_cents": 1250, "base_grams": 100000}).status_code == 200
        q = quote(c, sku["id"], 2, market="kw", shipping_region="KW").json()
        assert q["shipping_cents"] == 1250 and q["total_cents"] == 12278 + 1250
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 2}],
                                       "shipping_region": "KW", "market": "kw"})
        assert r.status_code == 201, r.text
        assert (r.json()["currency"], r.json()["total_cents"]) == ("KWD", 13528)


def test_rounding_rule_and_explicit_price(api, admin):
    sku = create_product(admin, price_cents=1999, code="CH-1")["skus"][0]
    market(admin, "ch", "CHF", "de", ["CH"])
    rate(admin, "USD", "CHF", "0.8843")
    with _shopper(api) as c:
        # 19.99 * 0.8843 = 17.677157 -> 17.68 CHF by default
        assert quote(c, sku["id"], market="ch").json()["lines"][0]["unit_price_cents"] == 1768
        r = admin.put("/v1/admin/currencies/CHF/rounding", json={"increment_minor": 5})
        assert r.status_code == 200, r.text
        # to 0.05: 17.677157 -> 17.70 (17.675 and above rounds up)
        assert quote(c, sku["id"], market="ch").json()["lines"][0]["unit_price_cents"] == 1770
        admin.put("/v1/admin/currencies/CHF/rounding", json={"increment_minor": 5,
                                                             "mode": "down"})
        assert quote(c, sku["id"], market="ch").json()["lines"][0]["unit_price_cents"] == 1765
        r = admin.put(f"/v1/admin/skus/{sku['id']}/currency-prices/CHF",
                      json={"amount_minor": 1500})
        assert r.status_code == 200, r.text
        assert r.json()["prices"] == [{"currency": "CHF", "amount_minor": 1500}]
        assert quote(c, sku["id"], market="ch").json()["lines"][0]["unit_price_cents"] == 1500
    # the catalog shows the same price in the market, and the base price without one
    with api.client() as anon:
        page = anon.get("/v1/products", params={"market": "ch"}).json()
        (shown,) = [s for p in page["items"] for s in p["skus"] if s["id"] == sku["id"]]
        assert (shown["price_cents"], shown["currency"]) == (1500, "CHF")
        page = anon.get("/v1/products", headers={"X-Market": "ch"}).json()
        (shown,) = [s for p in page["items"] for s in p["skus"] if s["id"] == sku["id"]]
        assert shown["currency"] == "CHF"
        plain = anon.get("/v1/products").json()
        (shown,) = [s for p in plain["items"] for s in p["skus"] if s["id"] == sku["id"]]
        assert (shown["price_cents"], shown["currency"]) == (1999, "USD")
    r = admin.delete(f"/v1/admin/skus/{sku['id']}/currency-prices/CHF")
    assert r.status_code == 200 and r.json()["prices"] == []


def test_an_order_keeps_the_rate_it_was_placed_at(api, admin):
    sku = create_product(admin, price_cents=10000, code="BR-1")["skus"][0]
    market(admin, "br", "BRL", "pt", ["BR"])
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    rate(admin, "USD", "BRL", "5", effective_from=yesterday)
    with _shopper(api) as c:
        first = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 1}],
                                           "market": "br"}).json()
        assert (first["total_cents"], first["fx_rate_e9"]) == (50000, 200_000_000)
        # a new rate from now on: new quotes use it, the order placed before keeps its own
        rate(admin, "USD", "BRL", "5.5")
        assert quote(c, sku["id"], market="br").json()["total_cents"] == 55000
        again = c.get(f"/v1/orders/{first['id']}").json()
        assert (again["total_cents"], again["fx_rate_e9"]) == (50000, 200_000_000)
    with api.sessions() as s:
        from transactional_api.markets import fx
        at = datetime.now(UTC) - timedelta(hours=1)
        assert fx.rate_at(s, "USD", "BRL", at) == 5_000_000_000
        assert fx.rate_at(s, "USD", "BRL") == 5_500_000_000
        assert fx.rate_at(s, "BRL", "USD", at) == 200_000_000


def test_missing_rate_and_bad_input_are_4xx_and_change_nothing(api, admin):
    sku = create_product(admin, price_cents=1000, code="MX-1")["skus"][0]
    market(admin, "mx", "MXN", "es", ["MX"])
    with _shopper(api) as c:
        r = quote(c, sku["id"], market="mx")
        assert r.status_code == 409 and r.json()["error"]["code"] == "fx_rate_missing"
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 1}],
                                       "market": "mx"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "fx_rate_missing"
        assert c.get("/v1/orders").json()["total"] == 0
        r = quote(c, sku["id"], market="nowhere")
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_market"
        r = quote(c, sku["id"], market="Bad Code")
        assert r.status_code == 422
    with api.client() as anon:
        r = anon.get("/v1/products", params={"market": "mx"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "fx_rate_missing"
    bad = [
        ("post", "/v1/admin/markets", {"code": "zz", "name": "Z", "currency": "XYZ",
                                       "language": "en"}, "unknown_currency"),
        ("put", "/v1/admin/fx-rates", {"base": "USD", "quote": "ABC", "rate": "1"},
         "unknown_currency"),
        ("put", "/v1/admin/fx-rates", {"base": "USD", "quote": "USD", "rate": "1"},
         "same_currency"),
        ("put", "/v1/admin/fx-rates", {"base": "USD", "quote": "EUR", "rate": "0"},
         "invalid_rate"),
        ("put", "/v1/admin/fx-rates", {"base": "USD", "quote": "EUR",
                                       "rate": "0.1234567891"}, "invalid_rate"),
        ("put", "/v1/admin/currencies/QQQ/rounding", {"increment_minor": 5},
         "unknown_currency"),
    ]
    for method, path, body, code in bad:
        r = getattr(admin, method)(path, json=body)
        assert r.status_code == 422, (path, r.text)
        if code != "unknown_currency" or "markets" not in path:
            assert r.json()["error"]["code"] in (code, "validation_error"), r.text
    assert admin.get("/v1/admin/fx-rates").json() == []
    assert [m["code"] for m in admin.get("/v1/admin/markets").json()] == ["mx"]
    r = admin.post("/v1/admin/markets", json={"code": "mx", "name": "M", "currency": "MXN",
                                              "language": "es"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "market_exists"


def test_no_market_is_todays_behaviour(api, admin):
    sku = create_product(admin, price_cents=1999, code="US-1")["skus"][0]
    with _shopper(api) as c:
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku["id"], "quantity": 1}]})
        order = r.json()
        assert (order["currency"], order["total_cents"], order["market"]) == ("USD", 1999, None)
        assert order["fx_rate_e9"] == 10**9
