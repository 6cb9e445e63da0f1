"""Orders to another country: duties and import tax per category (or the country's
default) in the quote before payment, stored on the order, paid, and refunded with the
units they were charged on. Orders at home stay exactly as they were."""

from __future__ import annotations

from sqlalchemy import select

from tests.aftersales.helpers import decide, open_request, refunded
from tests.api.catalog_helpers import pay
from tests.api.payment_helpers import outbox_events
from tests.conftest import register
from tests.duties.helpers import DE, GB, SHIPPING, US, address, items, rate, shop
from transactional_api.orders.models import Order, OrderItem
from transactional_api.payments.models import Payment


def _quote(c, address_id, lines):
    r = c.post("/v1/cart/quote", json={"items": lines, "address_id": address_id})
    assert r.status_code == 200, r.text
    return r.json()


def test_an_order_to_gb_pays_duties_by_category_and_default_and_refunds_them(api, admin):
    s = shop(admin)
    rate(admin, "GB", 400, 2000)  # the default: 4% duty, 20% import VAT
    rate(admin, "GB", 1000, 2000, category_id=s["electronics"])  # phones inherit it
    c = api.client(register(api, "gb@example.com"))
    gb = address(c, GB)
    lines = items(**{s["phone"]: 1, s["book"]: 2})

    q = _quote(c, gb, lines)
    # by hand: phone 10000 -> duty 10% 1000, VAT 20% of 11000 = 2200;
    # books 4000 -> duty 4% 160, VAT 20% of 4160 = 832
    assert (q["duties_cents"], q["import_tax_cents"]) == (1160, 3032)
    by_sku = {ln["sku_id"]: ln for ln in q["duty_lines"]}
    assert (by_sku[s["phone"]]["duty_cents"], by_sku[s["phone"]]["import_tax_cents"],
            by_sku[s["phone"]]["rule"]) == (1000, 2200, "category")
    assert (by_sku[s["book"]]["duty_cents"], by_sku[s["book"]]["import_tax_cents"],
            by_sku[s["book"]]["rule"]) == (160, 832, "default")
    assert q["tax_cents"] == 0  # the shop's own tax is untouched
    assert q["total_cents"] == 14000 + SHIPPING + 1160 + 3032

    pre = c.post("/v1/checkout/preview", json={"items": lines, "address_id": gb}).json()
    assert pre["total_cents"] == q["total_cents"]
    assert pre["pricing"]["duties_cents"] == 1160

    r = c.post("/v1/orders", json={"items": lines, "address_id": gb,
                                   "expected_total_cents": q["total_cents"]})
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["total_cents"] == q["total_cents"]
    with api.sessions() as db:
        row = db.get(Order, order["id"])
        assert (row.duties_cents, row.import_tax_cents) == (1160, 3032)
        lines_db = {i.sku_id: (i.duties_cents, i.import_tax_cents) for i in db.scalars(
            select(OrderItem).where(OrderItem.order_id == order["id"]))}
    assert lines_db == {s["phone"]: (1000, 2200), s["book"]: (160, 832)}

    [event] = [e for e in outbox_events(api, "order_duties_assessed")
               if e["payload"]["order_id"] == order["id"]]
    p = event["payload"]
    assert (p["destination_country"], p["origin_country"], p["currency"], p["goods_cents"],
            p["duties_cents"], p["import_tax_cents"]) == ("GB", "US", "USD", 14000, 1160, 3032)
    assert sorted(ln["duty_bps"] for ln in p["lines"]) == [400, 1000]

    paid = pay(c, order["id"])
    assert paid["status"] == "paid"
    with api.sessions() as db:
        [payment] = db.scalars(select(Payment).where(Payment.order_id == order["id"])).all()
        assert payment.amount_cents == q["total_cents"]

    # refund the phone before shipping: its goods, duty and import VAT come back
    sub = order["sub_orders"][0]["id"]
    req = open_request(c, order["id"], sub, "refund_only", {s["phone"]: 1}).json()
    assert req["requested_cents"] == 10000 + 1000 + 2200
    done = decide(admin, req["id"]).json()
    assert done["refunded_cents"] == 13200
    assert refunded(api, order["id"]) == 13200


def test_a_domestic_order_is_priced_as_before(api, admin):
    s = shop(admin)
    rate(admin, "US", 9000, 9000)  # a rule for the origin itself is never used
    c = api.client(register(api, "home@example.com"))
    home = address(c, US)
    lines = items(**{s["phone"]: 1, s["book"]: 2})
    q = _quote(c, home, lines)
    assert (q["duties_cents"], q["import_tax_cents"], q["duty_lines"]) == (0, 0, [])
    assert q["total_cents"] == 14000 + SHIPPING
    # a bare shipping region names no country: no duties either
    bare = c.post("/v1/cart/quote", json={"items": lines, "shipping_region": "N"}).json()
    assert bare["total_cents"] == 14000 + SHIPPING and bare["duty_lines"] == []
    order = c.post("/v1/orders", json={"items": lines, "address_id": home}).json()
    assert order["total_cents"] == 14500
    with api.sessions() as db:
        row = db.get(Order, order["id"])
        assert (row.duties_cents, row.import_tax_cents) == (0, 0)
    assert [e for e in outbox_events(api, "order_duties_assessed")
            if e["payload"]["order_id"] == order["id"]] == []


def test_de_minimis_exempts_duty_below_the_threshold_and_no_rule_charges_nothing(api, admin):
    s = shop(admin)
    rate(admin, "DE", 500, 1900, de_minimis=15_000)  # 150.00 USD of goods
    c = api.client(register(api, "de@example.com"))
    de = address(c, DE)
    small = _quote(c, de, items(**{s["book"]: 1}))  # 2000 < 15000: no duty, VAT still
    assert (small["duties_cents"], small["import_tax_cents"]) == (0, 380)
    assert small["duty_lines"][0]["de_minimis"] is True
    big = _quote(c, de, items(**{s["book"]: 8}))  # 16000: duty 800, VAT 19% of 16800
    assert (big["duties_cents"], big["import_tax_cents"]) == (800, 3192)
    edge = _quote(c, de, items(**{s["book"]: 7}))  # 14000: still below
    assert edge["duties_cents"] == 0

    fr = address(c, {**DE, "country": "FR", "postal_code": "75008", "city": "Paris"})
    none = _quote(c, fr, items(**{s["book"]: 1}))
    assert (none["duties_cents"], none["import_tax_cents"]) == (0, 0)
    assert none["duty_lines"][0]["rule"] == "none"


def test_a_newer_rate_applies_from_its_date_and_a_changed_total_is_refused(api, admin):
    s = shop(admin)
    rate(admin, "GB", 400, 2000, effective_from="2020-01-01T00:00:00Z")
    future = rate(admin, "GB", 800, 2000, effective_from="2100-01-01T00:00:00Z")
    c = api.client(register(api, "when@example.com"))
    gb = address(c, GB)
    q = _quote(c, gb, items(**{s["book"]: 1}))
    assert q["duties_cents"] == 80  # 4% of 2000: the 2100 row is not in force
    r = c.post("/v1/orders", json={"items": items(**{s["book"]: 1}), "address_id": gb,
                                   "expected_total_cents": 2000 + SHIPPING})  # no duties
    assert r.status_code == 409 and r.json()["error"]["code"] == "price_changed"
    assert admin.delete(f"/v1/admin/duty-rates/{future['id']}").status_code == 204
    listed = admin.get("/v1/admin/duty-rates", params={"country": "GB"}).json()
    assert [x["duty_bps"] for x in listed] == [400]
