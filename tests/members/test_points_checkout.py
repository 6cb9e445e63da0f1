"""Paying part of an order with points, against a live API on SQLite: the preview shows
the discount, placement spends in its own transaction, payments capture the remainder, and
the points come back on cancellation, timeout, interception and refunds."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.api.catalog_helpers import pay
from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, register, run_api
from tests.orders.helpers import lines, set_rates, two_merchant_shop
from transactional_api.members import consumer, points
from transactional_api.members.models import MemberAccount, PointsEntry
from transactional_api.orders.models import Order
from transactional_api.payments.models import Payment

TAX_BP = 825


@pytest.fixture
def api(tmp_path, redis_server):
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     members_consumer_interval_seconds=0,
                                     members_housekeeping_interval_seconds=0,
                                     order_payment_timeout_seconds=60))


@pytest.fixture
def shop(api):
    with api.client(api.admin_token()) as admin:
        shop = two_merchant_shop(admin)
        set_rates(admin, free_over=None, tax_bp=TAX_BP)
        yield shop


def _shopper(api, email: str, fund: int) -> tuple:
    c = api.client(register(api, email))
    uid = c.get("/v1/me").json()["id"]
    if fund:
        with api.client(api.admin_token()) as admin:
            r = admin.post(f"/v1/admin/members/{uid}/points/adjustments",
                           json={"points": fund, "reason": "test fund"})
            assert r.status_code == 201, r.text
    return c, uid


def _balance(c) -> int:
    return c.get("/v1/members/me").json()["points_balance"]


def _body(shop, **extra) -> dict:
    s = shop["sku"]
    return {"items": lines(**{s["A"]: 2, s["B"]: 1}), "shipping_region": "N", **extra}


def _coverable(preview: dict) -> int:
    return sum(ln["line_total_cents"] + ln["tax_cents"] for ln in preview["lines"])


def test_preview_then_place_with_points_pays_the_rest_with_money(api, shop):
    c, uid = _shopper(api, "points-pay@example.com", 5000)
    plain = c.post("/v1/checkout/preview", json=_body(shop)).json()
    gross = plain["total_cents"]
    # 2 x 1250 + 2000 of goods, tax 8.25% per line, shipping per merchant by weight
    assert plain["subtotal_cents"] == 4500 and plain["points"]["balance"] == 5000
    assert plain["points"]["max_points"] == min(gross // 2, _coverable(plain))
    shown = c.post("/v1/checkout/preview", json=_body(shop, points_to_spend=1234)).json()
    assert shown["points_discount_cents"] == 1234
    assert shown["total_cents"] == gross - 1234
    assert shown["points"]["points_to_spend"] == 1234

    r = c.post("/v1/orders", json=_body(shop, points_to_spend=1234,
                                        expected_total_cents=gross - 1234))
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["points_spent"], order["points_discount_cents"]) == (1234, 1234)
    assert order["total_cents"] == gross - 1234
    # the sub-orders and lines share the discount exactly, and never their shipping
    assert sum(s["points_discount_cents"] for s in order["sub_orders"]) == 1234
    assert sum(i["points_discount_cents"] for i in order["items"]) == 1234
    assert sum(s["total_cents"] for s in order["sub_orders"]) == gross - 1234
    for sub in order["sub_orders"]:
        assert sub["total_cents"] == (sub["subtotal_cents"] - sub["discount_cents"]
                                      + sub["shipping_cents"] + sub["tax_cents"]
                                      - sub["points_discount_cents"])
    assert _balance(c) == 5000 - 1234
    spent = c.get("/v1/members/me/points/ledger").json()["items"][0]
    assert (spent["kind"], spent["points"], spent["order_id"]) == ("spend", -1234, order["id"])
    assert [e["payload"]["order_id"] for e in outbox_events(api, "points_spent")] == [order["id"]]

    paid = pay(c, order["id"])
    assert paid["status"] == "paid"
    with api.sessions() as s:
        payment = s.scalar(select(Payment).where(Payment.order_id == order["id"]))
        assert payment.captured_cents == gross - 1234  # exactly the remainder
    # the order events carry the money part and the points part: GMV is their sum
    [created] = [e for e in outbox_events(api, "order_created")
                 if e["payload"]["order_id"] == order["id"]]
    [paid_event] = [e for e in outbox_events(api, "order_paid")
                    if e["payload"]["order_id"] == order["id"]]
    assert (created["payload"]["total_cents"], created["payload"]["points_spent"],
            created["payload"]["points_discount_cents"]) == (gross - 1234, 1234, 1234)
    assert (paid_event["payload"]["amount_cents"], paid_event["payload"]["points_spent"],
            paid_event["payload"]["points_discount_cents"]) == (gross - 1234, 1234, 1234)
    # points are earned on the money paid, not on the points
    consumer.consume_all(api.sessions, api.settings)
    assert _balance(c) == 5000 - 1234 + (gross - 1234) // 100


def test_use_points_takes_as_many_as_the_cap_and_balance_allow(api, shop):
    c, _ = _shopper(api, "points-max@example.com", 100_000)
    plain = c.post("/v1/checkout/preview", json=_body(shop)).json()
    cap = min(plain["total_cents"] * 5000 // 10_000, _coverable(plain))
    r = c.post("/v1/orders", json=_body(shop, use_points=True))
    assert r.status_code == 201, r.text
    assert r.json()["points_spent"] == cap
    assert _balance(c) == 100_000 - cap

    poor, _ = _shopper(api, "points-poor@example.com", 300)
    r = poor.post("/v1/orders", json=_body(shop, use_points=True))
    assert r.json()["points_spent"] == 300 and _balance(poor) == 0


@pytest.mark.parametrize(("extra", "status", "code"), [
    ({"points_to_spend": 2001}, 409, "insufficient_points"),
    ({"points_to_spend": 10**9}, 422, "points_above_cap"),
    ({"points_to_spend": -5}, 422, None),
    ({"points_to_spend": "100"}, 422, None),
    ({"points_to_spend": 100, "use_points": True}, 422, "points_request_conflict"),
])
def test_a_bad_points_request_is_refused_and_changes_nothing(api, shop, extra, status, code):
    c, uid = _shopper(api, "points-bad@example.com", 2000)
    for path in ("/v1/checkout/preview", "/v1/orders"):
        r = c.post(path, json=_body(shop, **extra))
        assert r.status_code == status, r.text
        if code:
            assert r.json()["error"]["code"] == code
    assert _balance(c) == 2000
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0
        assert s.scalar(select(func.count()).select_from(PointsEntry)
                        .where(PointsEntry.kind == "spend")) == 0


def test_a_total_seen_without_points_is_not_placed_with_points(api, shop):
    c, _ = _shopper(api, "points-stale@example.com", 2000)
    plain = c.post("/v1/checkout/preview", json=_body(shop)).json()
    r = c.post("/v1/orders", json=_body(shop, points_to_spend=500,
                                        expected_total_cents=plain["total_cents"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "price_changed"
    assert _balance(c) == 2000


def test_cancelling_gives_every_point_back_once(api, shop):
    c, _ = _shopper(api, "points-cancel@example.com", 2000)
    order = c.post("/v1/orders", json=_body(shop, points_to_spend=800)).json()
    assert _balance(c) == 1200
    assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 200
    assert _balance(c) == 2000
    assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 409
    assert _balance(c) == 2000
    refunded = outbox_events(api, "points_refunded")
    assert [(e["payload"]["order_id"], e["payload"]["points"]) for e in refunded] == [
        (order["id"], 800)]
    with api.sessions() as s:
        assert points.check(s) == []


def test_an_unpaid_order_timing_out_gives_the_points_back(tmp_path, redis_server):
    for live in run_api(make_settings(tmp_path / "var", redis_server.url,
                                      members_consumer_interval_seconds=0,
                                      order_payment_timeout_seconds=1)):
        with live.client(live.admin_token()) as admin:
            shop = two_merchant_shop(admin)
            c, _ = _shopper(live, "points-timeout@example.com", 1000)
            order = c.post("/v1/orders", json=_body(shop, points_to_spend=600)).json()
            assert _balance(c) == 400
            time.sleep(1.2)
            assert admin.post("/v1/admin/orders/expire").json()["cancelled"] == 1
        assert c.get(f"/v1/orders/{order['id']}").json()["cancel_reason"] == "payment_timeout"
        assert _balance(c) == 1000


def test_intercepting_a_paid_sub_order_gives_back_the_points_of_its_money(api, shop):
    c, _ = _shopper(api, "points-intercept@example.com", 3000)
    order = pay(c, c.post("/v1/orders", json=_body(shop, points_to_spend=1500)).json()["id"])
    consumer.consume_all(api.sessions, api.settings)
    acme = next(s for s in order["sub_orders"] if s["merchant_id"] == shop["acme"])
    with api.client(api.admin_token()) as admin:
        r = admin.post(f"/v1/admin/sub-orders/{acme['id']}/intercept",
                       json={"action": "cancel", "reason": "fraud check"})
        assert r.status_code == 200, r.text
    refunds = outbox_events(api, "refund_succeeded")
    assert [e["payload"]["amount_cents"] for e in refunds] == [acme["total_cents"]]
    consumer.consume_all(api.sessions, api.settings)
    with api.sessions() as s:
        back = s.scalar(select(func.sum(PointsEntry.points)).where(
            PointsEntry.order_id == order["id"], PointsEntry.kind == "refund"))
        # the refunded share of the money brings back the same share of the points
        assert back == 1500 * acme["total_cents"] // order["total_cents"]
        assert points.check(s) == []


def test_refunds_give_back_the_refunded_share_of_the_points(api, shop):
    c, uid = _shopper(api, "points-refund@example.com", 3000)
    order = pay(c, c.post("/v1/orders", json=_body(shop, points_to_spend=1000)).json()["id"])
    paid_cents = order["total_cents"]
    with api.sessions() as s:
        payment_id = s.scalar(select(Payment.id).where(Payment.order_id == order["id"]))
    with api.client(api.admin_token()) as admin:
        third = paid_cents // 3
        r = admin.post(f"/v1/admin/payments/{payment_id}/refunds", json={
            "amount_cents": third, "reason": "partial"}, headers={"Idempotency-Key": "r1"})
        assert r.status_code in (200, 201), r.text
        consumer.consume_all(api.sessions, api.settings)
        with api.sessions() as s:
            back = s.scalar(select(func.sum(PointsEntry.points)).where(
                PointsEntry.order_id == order["id"], PointsEntry.kind == "refund"))
        assert back == 1000 * third // paid_cents
        r = admin.post(f"/v1/admin/payments/{payment_id}/refunds", json={
            "amount_cents": paid_cents - third, "reason": "rest"},
            headers={"Idempotency-Key": "r2"})
        assert r.status_code in (200, 201), r.text
    consumer.consume_all(api.sessions, api.settings)
    with api.sessions() as s:
        back = s.scalar(select(func.sum(PointsEntry.points)).where(
            PointsEntry.order_id == order["id"], PointsEntry.kind == "refund"))
        assert back == 1000  # all of it once all the money is back
        assert s.get(MemberAccount, uid).points_debt == 0
        assert points.check(s) == []
