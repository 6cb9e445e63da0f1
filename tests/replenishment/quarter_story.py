"""A simulated quarter for replenishment: 13 weeks of paid sub-orders for three SKUs at two
locations, with a weekday pattern (busy weekends) and a rising trend, drawn from a seeded
Poisson process and landed as the API's own events. What was sold each day is kept in
UNITS, so the tests check the marts against the story, not against the code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from transactional_api.core.models import (
    Base,
    Category,
    Merchant,
    Product,
    Sku,
    StockLevel,
    Warehouse,
)
from transactional_api.events.contract import to_record
from transactional_api.events.order_events import SubOrderCreated, SubOrderStatusChanged

START = date(2025, 1, 6)  # a Monday
DAYS = 91
T0 = datetime(2025, 1, 1, tzinfo=UTC)
WEEKDAY = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 1.5])  # Monday .. Sunday
# (sku, location) -> (units per day at the start, growth per day)
SERIES = {("sku-a", "main"): (10.0, 0.008), ("sku-b", "main"): (6.0, 0.004),
          ("sku-c", "main"): (4.0, 0.006), ("sku-a", "north"): (5.0, 0.010)}
# stock at the snapshot: sku-a at main runs low, sku-c at main is plentiful
STOCK = {("sku-a", "main"): (30, 4), ("sku-b", "main"): (400, 0),
         ("sku-c", "main"): (2_000, 0), ("sku-a", "north"): (12, 0)}


def day(i: int) -> date:
    return START + timedelta(days=int(i))


def units() -> dict[tuple[str, str], np.ndarray]:
    """Units paid per day of each series: the story itself."""
    rng = np.random.default_rng(15)
    out = {}
    for key, (base, growth) in SERIES.items():
        i = np.arange(DAYS)
        rate = base * (1 + growth * i) * WEEKDAY[[day(k).weekday() for k in i]]
        out[key] = rng.poisson(rate)
    return out


UNITS = units()


def _sub_order(n: int, sku: str, location: str | None, quantity: int, at: datetime,
               paid: bool) -> list[dict]:
    sid, oid = f"so-{n}", f"o-{n}"
    created = SubOrderCreated(occurred_at=at, user_id=f"u{n % 17}", payload={
        "sub_order_id": sid, "order_id": oid, "merchant_id": "self-operated",
        "warehouse_id": location, "kind": "physical" if location else "virtual",
        "currency": "USD", "subtotal_cents": 500 * quantity, "discount_cents": 0,
        "shipping_cents": 0, "tax_cents": 0, "total_cents": 500 * quantity,
        "lines": [{"sku_id": sku, "product_id": "p1", "quantity": quantity,
                   "list_price_cents": 500, "unit_price_cents": 500, "discount_cents": 0,
                   "tax_cents": 0, "weight_grams": 100}]})
    events = [created]
    if paid:
        events.append(SubOrderStatusChanged(
            occurred_at=at + timedelta(minutes=3), user_id=f"u{n % 17}", payload={
                "sub_order_id": sid, "order_id": oid, "merchant_id": "self-operated",
                "warehouse_id": location, "from_status": "awaiting_payment",
                "to_status": "allocated"}))
    return [to_record(e) for e in events]


def events() -> list[dict]:
    """The day's units of each series in sub-orders of at most 3 units, paid through the
    day; plus what must not count: an unpaid sub-order and a virtual one every Monday."""
    out: list[dict] = []
    n = 0
    for (sku, location), daily in UNITS.items():
        for i, total in enumerate(daily):
            left, slot = int(total), 0
            while left > 0:
                q = min(3, left)
                at = datetime(day(i).year, day(i).month, day(i).day, 8, tzinfo=UTC) + \
                    timedelta(minutes=7 * slot)
                n += 1
                out.extend(_sub_order(n, sku, location, q, at, paid=True))
                left, slot = left - q, slot + 1
    for i in range(0, DAYS, 7):
        at = datetime(day(i).year, day(i).month, day(i).day, 20, tzinfo=UTC)
        n += 1
        out.extend(_sub_order(n, "sku-a", "main", 2, at, paid=False))
        n += 1
        out.extend(_sub_order(n, "sku-a", None, 2, at, paid=True))
    return out


def landings() -> list[list[dict]]:
    batch = events()
    # at-least-once delivery: the first day's sub-orders land a second time
    first_day = [r for r in batch if r["occurred_at"].startswith(START.isoformat())]
    return [batch, first_day]


def build_oltp(url: str, *, with_rows: bool = True) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    if with_rows:
        with Session(engine) as s, s.begin():
            s.add_all([
                Merchant(id="self-operated", slug="self-operated", name="Self-operated",
                         created_at=T0),
                Warehouse(id="main", code="main", name="Main warehouse", regions=["*"],
                          created_at=T0),
                Warehouse(id="north", code="north", name="North store", kind="store",
                          regions=["SC"], priority=10, created_at=T0),
                Category(id="c0", name="Home", slug="home", path="/c0/", depth=0,
                         created_at=T0),
            ])
            s.flush()
            s.add(Product(id="p1", category_id="c0", name="Mug", status="listed",
                          created_at=T0, updated_at=T0))
            s.flush()
            s.add_all([Sku(id=sku, product_id="p1", code=sku.upper(), name=sku,
                           price_cents=500, currency="USD", created_at=T0)
                       for sku in ("sku-a", "sku-b", "sku-c")])
            s.flush()
            s.add_all([StockLevel(sku_id=sku, warehouse_id=loc, on_hand=on_hand,
                                  reserved=reserved, safety_stock=0, updated_at=T0)
                       for (sku, loc), (on_hand, reserved) in STOCK.items()])
    engine.dispose()
