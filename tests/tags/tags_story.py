"""Eight users described by hand for fct_user_auto_tags (test_auto_tags_mart.py), where
every expected tag is worked out from this table.

The warehouse's latest moment is a page view at 2025-06-30 12:00 UTC (later than every
payment): computed_at, as_of_date 06-30. Orders are paid at 10:00 UTC on the day given.

    user  paid orders (MM-DD: cents; units, discounted units)         returns (order: what)
    t1    06-25: 3000 (2 units, 2 disc.), 06-28: 1000 (1, 0)          t1-1 withdrawn, t1-2
    t2    03-01: 500 (1 unit, discounted)                              -
    t3    04-01: 8000 (4 units, 2 disc.)                               -
    t4    04-02: 1500 (1, 0); an unpaid 05-01 order of 5 disc. units   -
    t5    06-01, 06-10, 06-20: 2000 each (1, 0)                        t5-1 approved, t5-2
                                                                       open exchange, t5-3
                                                                       refund_only
    t6    05-01 .. 05-30 (7 orders, 5 days apart): 1000 each (1 unit;  t6-1, t6-2 approved
          the first four discounted)
    t7    06-05, 06-15: 1200 each (1, 0)                               t7-1 twice (return,
                                                                       exchange), t7-2
                                                                       rejected
    t8    no orders; one growth entry (a member)

Members: t1 regular -> silver (05-01) -> gold (06-01); t2 regular -> silver (02-01) ->
regular (03-31, a period-end downgrade); t5 has points only; t8 growth only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from transactional_api.core.models import Base, Order, OrderItem, User
from transactional_api.events import aftersales_events as ae
from transactional_api.events import contract as c
from transactional_api.events import member_events as me

LATEST = datetime(2025, 6, 30, 12, tzinfo=UTC)
# user -> [(MM-DD, cents, [(quantity, discount_cents), ...])]
PAID: dict[str, list[tuple[str, int, list[tuple[int, int]]]]] = {
    "t1": [("06-25", 3000, [(2, 200)]), ("06-28", 1000, [(1, 0)])],
    "t2": [("03-01", 500, [(1, 50)])],
    "t3": [("04-01", 8000, [(2, 100), (2, 0)])],
    "t4": [("04-02", 1500, [(1, 0)])],
    "t5": [("06-01", 2000, [(1, 0)]), ("06-10", 2000, [(1, 0)]), ("06-20", 2000, [(1, 0)])],
    "t6": [(f"05-{d:02d}", 1000, [(1, 100 if n < 4 else 0)])
           for n, d in enumerate((1, 5, 10, 15, 20, 25, 30))],
    "t7": [("06-05", 1200, [(1, 0)]), ("06-15", 1200, [(1, 0)])],
}
# (request id, order id, type, decision or None, resolution when closed or None)
REQUESTS = [
    ("r1", "t5-1", "return_refund", "approve", None),
    ("r2", "t5-2", "exchange", None, None),
    ("r3", "t5-3", "refund_only", "approve", None),
    ("r4", "t6-1", "return_refund", "approve", None),
    ("r5", "t6-2", "return_refund", "approve", None),
    ("r6", "t7-1", "return_refund", "approve", None),
    ("r7", "t7-1", "exchange", "approve", None),
    ("r8", "t7-2", "return_refund", "reject", "rejected"),
    ("r9", "t1-1", "return_refund", None, "withdrawn"),
    ("r10", "t1-2", "return_refund", "approve", None),
]


def at(month_day: str, hour: int = 10) -> datetime:
    month, day = (int(part) for part in month_day.split("-"))
    return datetime(2025, month, day, hour, tzinfo=UTC)


def _order(oid: str, user: str, cents: int, when: datetime, paid: bool) -> Order:
    return Order(id=oid, user_id=user, status="completed" if paid else "cancelled",
                 currency="USD", subtotal_cents=cents, discount_cents=0, total_cents=cents,
                 created_at=when - timedelta(minutes=5), updated_at=when,
                 expires_at=when + timedelta(minutes=10), paid_at=when if paid else None)


def _items(oid: str, lines: list[tuple[int, int]]) -> list[OrderItem]:
    return [OrderItem(order_id=oid, sku_id=f"sku{n}", product_id=f"p{n}",
                      product_name="Mug", sku_name="Mug", list_price_cents=500,
                      discount_cents=discount, unit_price_cents=500 - discount // qty,
                      quantity=qty, line_total_cents=qty * 500 - discount)
            for n, (qty, discount) in enumerate(lines)]


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=f"t{n}", email=f"t{n}@example.com", password_hash="x",
                        role="shopper", created_at=at("01-01")) for n in range(1, 9)])
        s.flush()
        for user, orders in PAID.items():
            for n, (day, cents, lines) in enumerate(orders, start=1):
                s.add(_order(f"{user}-{n}", user, cents, at(day), paid=True))
                s.add_all(_items(f"{user}-{n}", lines))
        s.add(_order("t4-unpaid", "t4", 2500, at("05-01"), paid=False))
        s.add_all(_items("t4-unpaid", [(5, 500)]))
    engine.dispose()


def _requests() -> list[dict]:
    records = []
    for request_id, order_id, kind, decision, resolution in REQUESTS:
        user = order_id.split("-")[0]
        common = {"request_id": request_id, "order_id": order_id,
                  "sub_order_id": f"{order_id}-s1", "type": kind, "reason_code": "damaged"}
        opened = at("06-26", 9)
        records.append(ae.AfterSalesRequested(occurred_at=opened, user_id=user, payload={
            **common, "merchant_id": "self-operated", "lines": [{"sku_id": "sku0",
                                                                 "quantity": 1}],
            "requested_cents": 500, "currency": "USD",
            **({"exchange_sku_id": "sku9"} if kind == "exchange" else {})}))
        if decision:
            records.append(ae.AfterSalesDecided(
                occurred_at=opened + timedelta(hours=1), user_id="admin",
                payload={**common, "decision": decision, "reason": "looked at it"}))
        if resolution:
            records.append(ae.AfterSalesClosed(
                occurred_at=opened + timedelta(hours=2), user_id=user, payload={
                    **common, "resolution": resolution, "refunded_cents": 0,
                    "exchanged_cents": 0, "currency": "USD", "opened_at": opened}))
    return [c.to_record(r) for r in records]


def _level(user: str, day: str, to_level: str, from_level: str, direction: str) -> dict:
    return c.to_record(me.MemberLevelChanged(occurred_at=at(day), user_id=user, payload={
        "from_level": from_level, "to_level": to_level, "direction": direction,
        "window_growth": 600}))


def _members() -> list[dict]:
    growth = me.GrowthRecorded(occurred_at=at("06-01"), user_id="t8", payload={
        "growth": 5, "source": "adjustment", "window_growth": 5})
    points = me.PointsEarned(occurred_at=at("06-02"), user_id="t5", payload={
        "seq": 1, "points": 20, "balance_after": 20, "reason": "order"})
    return [_level("t1", "05-01", "silver", "regular", "upgrade"),
            _level("t1", "06-01", "gold", "silver", "upgrade"),
            _level("t2", "02-01", "silver", "regular", "upgrade"),
            _level("t2", "03-31", "regular", "silver", "downgrade"),
            c.to_record(growth), c.to_record(points)]


def landings() -> list[list[dict]]:
    view = c.PageView(occurred_at=LATEST, anonymous_id="v1", session_id="s1",
                      payload={"page": "/"})
    return [[*_requests(), *_members(), c.to_record(view)]]
