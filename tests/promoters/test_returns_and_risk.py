"""A commission reversed on a return (in proportion to the money refunded), and risk:
self-referral refused, a shared device or a referral ring held for an operator."""

from __future__ import annotations

from tests.aftersales.helpers import decide, inspect, open_request, ship_back
from tests.api.payment_helpers import outbox_events
from tests.promoters.conftest import (
    buy,
    commissions,
    complete,
    consistent,
    later,
    product,
    promoter,
    run,
    shopper,
)

PRICE = 8_000


def test_a_return_reverses_the_commission_in_proportion_to_the_refund(api, admin):
    settings = api.settings
    promo_c, promo = promoter(api, admin)
    buyer = shopper(api)
    buyer.post("/v1/promoters/bind", json={"code": promo["code"]})
    sku = product(admin, PRICE)["skus"][0]["id"]
    order = buy(buyer, sku, quantity=3)
    complete(admin, order["id"])
    run(admin)
    (c,) = commissions(promo_c)["items"]
    assert c["amount_cents"] == 3 * PRICE * settings.promoters_default_level1_bp // 10_000

    sub = order["sub_orders"][0]["id"]
    req = open_request(buyer, order["id"], sub, "return_refund", {sku: 1}).json()
    assert decide(admin, req["id"]).status_code == 200
    assert ship_back(buyer, req["id"]).status_code == 200
    assert inspect(admin, req["id"], {sku: 1}).status_code == 200
    run(admin)
    refunds = [e["payload"] for e in outbox_events(api, "refund_succeeded")]
    refunded = sum(r["amount_cents"] for r in refunds if r["order_id"] == order["id"])
    paid = next(e["payload"]["amount_cents"] for e in outbox_events(api, "order_paid")
                if e["payload"]["order_id"] == order["id"])
    assert 0 < refunded < paid
    (after,) = commissions(promo_c)["items"]
    assert after["reversed_cents"] == c["amount_cents"] * refunded // paid
    reversed_events = [e["payload"] for e in outbox_events(api, "commission_reversed")]
    assert [e["amount_cents"] for e in reversed_events] == [after["reversed_cents"]]
    # the rest matures when the window has passed
    run(admin, later(settings.promoters_after_sales_days + 1))
    balances = commissions(promo_c)["balances"]
    assert (balances["pending_cents"], balances["withdrawable_cents"]) == (
        0, c["amount_cents"] - after["reversed_cents"])
    assert consistent(admin, promo["id"])


def test_self_referral_is_refused(api, admin):
    promo_c, promo = promoter(api, admin)
    r = promo_c.post("/v1/promoters/bind", json={"code": promo["code"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "self_referral"
    r = promo_c.post("/v1/promoters/bind", json={"code": "ZZZZ9999"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_referral_code"
    assert outbox_events(api, "buyer_bound") == []


def test_a_shared_device_holds_the_commission_until_an_operator_releases_it(api, admin):
    promo_c, promo = promoter(api, admin, device="phone-1")
    buyer = shopper(api, device="phone-1")
    r = buyer.post("/v1/promoters/bind", json={"code": promo["code"]})
    assert r.json()["risk_reason"] == "same_device"
    buy(buyer, product(admin, PRICE)["skus"][0]["id"])
    run(admin)
    (c,) = commissions(promo_c)["items"]
    assert (c["state"], c["hold_reason"]) == ("held", "same_device")
    assert commissions(promo_c)["balances"]["held_cents"] == c["amount_cents"]
    assert [e["payload"]["hold_reason"] for e in outbox_events(api, "commission_held")] \
        == ["same_device"]
    review = f"/v1/admin/promoters/commissions/{c['id']}/review"
    assert admin.post(review, json={"decision": "release"}).json()["state"] == "pending"
    assert admin.post(review, json={"decision": "release"}).json()["error"]["code"] \
        == "not_held"
    balances = commissions(promo_c)["balances"]
    assert (balances["held_cents"], balances["pending_cents"]) == (0, c["amount_cents"])
    assert consistent(admin, promo["id"])


def test_a_referral_ring_holds_both_levels(api, admin):
    a_c, a = promoter(api, admin)
    b_c, b = promoter(api, admin, parent_code=a["code"])
    # A buys through B, whom A recruited: A refers B refers A
    r = a_c.post("/v1/promoters/bind", json={"code": b["code"]})
    assert r.json()["risk_reason"] == "referral_ring"
    buy(a_c, product(admin, PRICE)["skus"][0]["id"])
    run(admin)
    (mine,) = commissions(b_c)["items"]
    (theirs,) = commissions(a_c)["items"]
    assert (mine["level"], mine["state"], mine["hold_reason"]) == (1, "held", "referral_ring")
    assert (theirs["level"], theirs["state"], theirs["hold_reason"]) == (
        2, "held", "self_referral")
    voided = admin.post(f"/v1/admin/promoters/commissions/{theirs['id']}/review",
                        json={"decision": "void"}).json()
    assert (voided["state"], voided["reversed_cents"]) == ("reversed", theirs["amount_cents"])
    assert commissions(a_c)["balances"]["held_cents"] == 0


def test_a_ring_through_a_third_promoter_is_held_too(api, admin):
    (a_c, a), (b_c, b), (c_c, c) = (promoter(api, admin) for _ in range(3))
    # B's user is bound to A, C's to B: A refers B refers C. A binding to C closes the ring.
    assert b_c.post("/v1/promoters/bind", json={"code": a["code"]}).json()["risk_reason"] \
        is None
    assert c_c.post("/v1/promoters/bind", json={"code": b["code"]}).json()["risk_reason"] \
        is None
    closing = a_c.post("/v1/promoters/bind", json={"code": c["code"]})
    assert closing.status_code == 200 and closing.json()["risk_reason"] == "referral_ring"
    # a plain shopper binding to C is no ring
    assert shopper(api).post("/v1/promoters/bind", json={"code": c["code"]}) \
        .json()["risk_reason"] is None


def test_first_touch_keeps_the_first_promoter_for_the_window(api, admin):
    _, first = promoter(api, admin)
    _, second = promoter(api, admin)
    buyer = shopper(api)
    assert buyer.post("/v1/promoters/bind", json={"code": first["code"]}).json()["changed"]
    r = buyer.post("/v1/promoters/bind", json={"code": second["code"]}).json()
    assert (r["promoter_id"], r["changed"]) == (first["id"], False)
    # past the window the next code takes the buyer
    r = buyer.post("/v1/promoters/bind", json={"code": second["code"]}, headers={
        "X-Flywheel-Clock": later(api.settings.promoters_binding_days + 1).isoformat()})
    assert (r.json()["promoter_id"], r.json()["changed"]) == (second["id"], True)
    bound = [e["payload"] for e in outbox_events(api, "buyer_bound")]
    assert [(e["promoter_id"], e["previous_promoter_id"]) for e in bound] == [
        (first["id"], None), (second["id"], first["id"])]
