"""A hand-described shop for the money marts (issue 9): three days of June 2025 in USD, with
list prices, markdowns, discounts, shipping and tax, an order paid twice, a failed card, an
interception and refunds issued days after their orders. The figures the tests expect are
worked out by hand in tests/dbt/test_money_*.

Day 1 = Mon 2 June, day 2 = Tue 3 June, day 3 = Wed 4 June (UTC):
  m1  u1, 2 mugs listed at 1000, sold at 900 (markdown), 100 line discount, 500 shipping,
      170 tax: subtotal 1800, total 1800 - 100 + 500 + 170 = 2370. Card pm1 paid, day 1.
      On day 3 the shop refunds 500 of it by card (r1): a refund of day 3, not of day 1.
  m2  u2, a teapot at 3000 + 300 tax = 3300. Card pm2a declined, wallet pm2b paid, day 1.
      Day 3: an operator cancels its sub-order sm2 (interception), refund rm2 3300 to the
      wallet: a cancellation after payment of day 3.
  m3  u3, a kettle at 1000. Card pm3a paid at 12:05, day 1; its order_paid is delivered
      twice and also re-emitted under a new event id. The wallet took the money a second
      time (pm3b, captured and owed back), repaid on day 2 (rm3): never GMV, never revenue.
  m4  u1, 900, card pm4 started, never paid.
  m5  u1, a mug at 1000 (no markdown). Card pm5 paid, day 2.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt import mart_builds
from transactional_api.core.models import Base, Order, OrderItem, User
from transactional_api.events import contract as c
from transactional_api.events import order_events as oe
from transactional_api.events import payment_events as pe


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 1 + day, hour, minute, tzinfo=UTC)


# order -> (user, placed at, paid at or None, shipping, tax,
#           [(sku, product, quantity, list price, unit price, line discount)])
ORDERS = {
    "m1": ("u1", at(1, 9, 50), at(1, 10), 500, 170, [("s1", "p1", 2, 1000, 900, 100)]),
    "m2": ("u2", at(1, 10, 50), at(1, 11, 10), 0, 300, [("s2", "p2", 1, 3000, 3000, 0)]),
    "m3": ("u3", at(1, 12), at(1, 12, 5), 0, 0, [("s3", "p3", 1, 1000, 1000, 0)]),
    "m4": ("u1", at(1, 12, 55), None, 0, 0, [("s1", "p1", 1, 1000, 900, 0)]),
    "m5": ("u1", at(2, 9), at(2, 9, 5), 0, 0, [("s1", "p1", 1, 1000, 1000, 0)]),
}
# payment -> (order, channel, started at, outcome, outcome at); outcome paid, failed,
# refund_due (captured, owed back) or None (still pending)
PAYMENTS = {
    "pm1": ("m1", "card", at(1, 9, 55), "paid", at(1, 10)),
    "pm2a": ("m2", "card", at(1, 10, 55), "failed", at(1, 11)),
    "pm2b": ("m2", "wallet", at(1, 11, 5), "paid", at(1, 11, 10)),
    "pm3a": ("m3", "card", at(1, 12, 1), "paid", at(1, 12, 5)),
    "pm3b": ("m3", "wallet", at(1, 12, 20), "refund_due", at(1, 12, 30)),
    "pm4": ("m4", "card", at(1, 13), None, None),
    "pm5": ("m5", "card", at(2, 9, 1), "paid", at(2, 9, 5)),
}
# refund -> (payment, amount, reason, issued at)
REFUNDS = {
    "r1": ("pm1", 500, "damaged", at(3, 15)),
    "rm2": ("pm2b", 3300, "intercepted", at(3, 9)),
    "rm3": ("pm3b", 1000, "refund_due", at(2, 8)),
}


def _lines_total(oid: str) -> int:
    return sum(unit * qty - discount for _, _, qty, _, unit, discount in ORDERS[oid][5])


def order_total(oid: str) -> int:
    _, _, _, shipping, tax, _ = ORDERS[oid]
    return _lines_total(oid) + shipping + tax


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=at(0, 0)) for u in ("u1", "u2", "u3")])
        for oid, (user, placed, paid_at, shipping, tax, lines) in ORDERS.items():
            items = [OrderItem(sku_id=sku, product_id=product, product_name=product,
                               sku_name=sku, list_price_cents=list_price,
                               unit_price_cents=unit, quantity=qty, discount_cents=discount,
                               line_total_cents=unit * qty - discount)
                     for sku, product, qty, list_price, unit, discount in lines]
            s.add(Order(id=oid, user_id=user, status="paid" if paid_at else "pending_payment",
                        currency="USD",
                        subtotal_cents=sum(i.unit_price_cents * i.quantity for i in items),
                        discount_cents=sum(i.discount_cents for i in items),
                        shipping_cents=shipping, tax_cents=tax, total_cents=order_total(oid),
                        created_at=placed, updated_at=placed, expires_at=placed,
                        paid_at=paid_at, items=items))
    engine.dispose()


def _ev(model, when: datetime, user: str | None, **payload) -> dict:
    return c.to_record(model(occurred_at=when, user_id=user, payload=payload))


def _payment_events() -> list[dict]:
    events = []
    for pid, (oid, channel, started, outcome, outcome_at) in PAYMENTS.items():
        user = ORDERS[oid][0]
        money = {"payment_id": pid, "order_id": oid, "amount_cents": order_total(oid),
                 "currency": "USD"}
        events.append(_ev(pe.PaymentStarted, started, user, channel=channel, **money))
        if outcome in ("paid", "refund_due"):
            events.append(_ev(pe.PaymentCaptured, outcome_at, user, channel=channel, **money))
        if outcome == "paid":
            events.append(_ev(c.OrderPaid, outcome_at, user, **money))
        elif outcome == "refund_due":
            events.append(_ev(c.PaymentRefundDue, outcome_at, user,
                              reason="captured_after_payment", **money))
        elif outcome == "failed":
            events.append(_ev(c.PaymentFailed, outcome_at, user, order_id=oid,
                              payment_id=pid, reason="declined"))
    for rid, (pid, amount, reason, issued) in REFUNDS.items():
        oid, channel = PAYMENTS[pid][0], PAYMENTS[pid][1]
        events.append(_ev(pe.RefundSucceeded, issued, ORDERS[oid][0], refund_id=rid,
                          payment_id=pid, order_id=oid, amount_cents=amount, currency="USD",
                          reason=reason, channel=channel))
    return events


def _interception_events() -> list[dict]:
    """m2's sub-order sm2: placed, allocated once paid, cancelled by an operator on day 3."""
    ids = {"sub_order_id": "sm2", "order_id": "m2"}
    where = {"merchant_id": "self-operated", "warehouse_id": "default"}
    line = {"sku_id": "s2", "product_id": "p2", "quantity": 1, "list_price_cents": 3000,
            "unit_price_cents": 3000, "discount_cents": 0, "tax_cents": 300,
            "weight_grams": 900}
    return [
        _ev(oe.SubOrderCreated, ORDERS["m2"][1], "u2", kind="physical", currency="USD",
            subtotal_cents=3000, discount_cents=0, shipping_cents=0, tax_cents=300,
            total_cents=3300, lines=[line], **ids, **where),
        _ev(oe.SubOrderStatusChanged, at(1, 11, 10), "u2", from_status="awaiting_payment",
            to_status="allocated", **ids, **where),
        _ev(oe.SubOrderStatusChanged, at(3, 9), "u2", from_status="allocated",
            to_status="cancelled", reason="suspected fraud", **ids, **where),
        _ev(oe.SubOrderIntercepted, at(3, 9), "u2", action="cancel", reason="suspected fraud",
            actor_id="admin1", refunded_cents=3300, currency="USD", **ids),
    ]


def story_events() -> tuple[list[dict], list[dict]]:
    """(first landing, second landing). The second delivers m3's order_paid again (same
    event_id) and once more under a new event_id: m3 is still one paid order."""
    first = _payment_events() + _interception_events()
    paid_m3 = next(e for e in first if e["event_type"] == "order_paid"
                   and e["payload"]["order_id"] == "m3")
    reemitted = c.to_record(c.any_event_adapter.validate_python(
        {**paid_m3, "event_id": f"{paid_m3['event_id']}-again"}))
    return first, [paid_m3, reemitted]


MONEY_MARTS = ("+path:models/marts/money", "+assert_daily_revenue_adds_up_to_the_kpis")


def warehouse_path():
    return mart_builds.built_once("money", build_oltp, list(story_events()), MONEY_MARTS)
