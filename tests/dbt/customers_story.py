"""Ten buyers and their paid orders, described by hand for the customer marts' tests
(test_customers_*.py). Every expectation there is worked out from this table, in comments.

As of 2025-06-30 (the latest paid day). Orders are paid at 10:00 UTC on the day given.

    buyer  paid orders (day: cents)                                  orders  net cents  recency
    c01    01-10: 10000, 04-20: 20000, 06-30: 30000                  3        60000       0
    c02    06-30: 5000                                              1         5000       0
    c03    06-20: 8000, 06-20: 4000 (two orders, one day)            2        12000      10
    c04    05-01: 50000, 05-20: 30000                                2        80000      41
    c05    04-15: 3000                                              1         3000      76
    c06    02-01, 03-15, 04-01, 04-02: 40000 each                    4       160000      89
    c07    03-01: 15000, of which 10000 refunded on 03-05            1         5000     121
    c08    02-10: 2000                                              1         2000     140
    c09    01-05, 01-20, 01-25: 25000 each                           3        75000     156
    c10    01-02: 1000                                              1         1000     179

Recency: days from the last paid day to 06-30 (May 20 -> Jun 30 = 11 + 30 = 41; Apr 15 ->
15 + 31 + 30 = 76; Apr 2 -> 28 + 31 + 30 = 89; Mar 1 -> 30 + 30 + 31 + 30 = 121; Feb 10 ->
18 + 31 + 30 + 31 + 30 = 140; Feb to Jun is 28 + 31 + 30 + 31 + 30 = 150 days, so Jan 25 ->
6 + 150 = 156 and Jan 2 -> 29 + 150 = 179).
Not buyers: c11's order was cancelled unpaid, c12's is still pending payment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from transactional_api.core.models import Base, Order, User
from transactional_api.events import contract as c
from transactional_api.events import payment_events as pe

AS_OF = date(2025, 6, 30)
PAID: dict[str, list[tuple[str, int]]] = {  # buyer -> [(MM-DD, cents)]
    "c01": [("01-10", 10000), ("04-20", 20000), ("06-30", 30000)],
    "c02": [("06-30", 5000)],
    "c03": [("06-20", 8000), ("06-20", 4000)],
    "c04": [("05-01", 50000), ("05-20", 30000)],
    "c05": [("04-15", 3000)],
    "c06": [("02-01", 40000), ("03-15", 40000), ("04-01", 40000), ("04-02", 40000)],
    "c07": [("03-01", 15000)],
    "c08": [("02-10", 2000)],
    "c09": [("01-05", 25000), ("01-20", 25000), ("01-25", 25000)],
    "c10": [("01-02", 1000)],
}
REFUNDED_ORDER, REFUND_CENTS = "c07-1", 10000


def at(month_day: str) -> datetime:
    month, day = (int(part) for part in month_day.split("-"))
    return datetime(2025, month, day, 10, tzinfo=UTC)


def _order(oid: str, user: str, cents: int, when: datetime, *, paid: bool,
           status: str) -> Order:
    return Order(id=oid, user_id=user, status=status, currency="USD", subtotal_cents=cents,
                 discount_cents=0, total_cents=cents, created_at=when - timedelta(minutes=5),
                 updated_at=when, expires_at=when + timedelta(minutes=10),
                 paid_at=when if paid else None)


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=at("01-01")) for u in [*PAID, "c11", "c12"]])
        s.flush()
        for user, orders in PAID.items():
            for n, (day, cents) in enumerate(orders, start=1):
                s.add(_order(f"{user}-{n}", user, cents, at(day), paid=True, status="completed"))
        s.add(_order("c11-1", "c11", 9000, at("06-29"), paid=False, status="cancelled"))
        s.add(_order("c12-1", "c12", 7000, at("06-30"), paid=False, status="pending_payment"))
    engine.dispose()


def landings() -> list[list[dict]]:
    """c07's order paid through pay7, and 10000 of it refunded four days later."""
    paid = c.OrderPaid(occurred_at=at("03-01"), user_id="c07", payload={
        "order_id": REFUNDED_ORDER, "payment_id": "pay7", "amount_cents": 15000,
        "currency": "USD"})
    refunded = pe.RefundSucceeded(occurred_at=at("03-05"), user_id="c07", payload={
        "refund_id": "rf7", "payment_id": "pay7", "order_id": REFUNDED_ORDER,
        "amount_cents": REFUND_CENTS, "currency": "USD", "reason": "customer_request",
        "channel": "card"})
    return [[c.to_record(paid), c.to_record(refunded)]]
