"""A small, hand-described shop: a real SQLite OLTP made with the API's models and events made
with the contract models. Every expectation in the tests follows from the story written
here, not from numbers read off a run. Loaded by path (see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.ingest.events import load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from transactional_api.core.models import (
    Base,
    Brand,
    BundleComponent,
    Category,
    Merchant,
    Order,
    OrderItem,
    PresaleAllotment,
    Product,
    ProductStatusChange,
    Sku,
    StockLevel,
    User,
    Warehouse,
)
from transactional_api.events import catalog_events as ce
from transactional_api.events import contract as c
from transactional_api.events.lake import land

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
DAY2 = T0 + timedelta(days=1)

PAID_ORDERS = {"o1": ("u1", 5_000, T0 + timedelta(minutes=13)),
               "o2": ("u2", 3_000, T0 + timedelta(hours=2)),
               "o5": ("u2", 2_500, DAY2 + timedelta(hours=1))}
DAY3 = T0 + timedelta(days=2)
# Money captured that the shop owes back: payment_id -> (order, user, amount, reason, due at).
# pay4 paid o4 after it was cancelled; pay3 was captured after reporting o3's payment failed.
# pay3's event carries no user: nothing else happens on DAY3, so only the refund can put
# that day in the KPI mart.
REFUNDS_DUE = {
    "pay4": ("o4", "u3", 777, "order_not_payable", DAY2 + timedelta(hours=3)),
    "pay3": ("o3", None, 999, "captured_after_failure", DAY3 + timedelta(hours=9)),
}


# The stock ledger, one stock_moved event per row: movement_id -> (at, sku, location,
# on_hand_delta, reserved_delta, reason). The tests state the resulting daily positions by
# hand; this is only what happened.
STOCK_MOVES = {
    # DAY1, s1 at the main warehouse: receive 10, reserve 1 + 2, pay for 2, 1 expires
    1: (T0, "s1", "default", 10, 0, "receipt"),
    2: (T0 + timedelta(minutes=5), "s1", "default", 0, 1, "reserved"),
    3: (T0 + timedelta(minutes=12), "s1", "default", 0, 2, "reserved"),
    4: (T0 + timedelta(minutes=13), "s1", "default", -2, -2, "deducted"),
    5: (T0 + timedelta(minutes=20), "s1", "default", 0, -1, "expired"),
    # DAY2, s2 at the north store: receive 5, write off 1, reserve 2 (low: 2 <= safety 2)
    6: (DAY2 + timedelta(hours=1), "s2", "north", 5, 0, "receipt"),
    7: (DAY2 + timedelta(hours=2), "s2", "north", -1, 0, "adjustment"),
    8: (DAY2 + timedelta(hours=3), "s2", "north", 0, 2, "reserved"),
    # DAY3: s1 reserve 4 (low: 4 <= safety 5), then receive 10; s2 release 2, reserve 3 (low)
    9: (T0 + timedelta(days=2, hours=2), "s1", "default", 0, 4, "reserved"),
    10: (T0 + timedelta(days=2, hours=3), "s2", "north", 0, -2, "released"),
    11: (T0 + timedelta(days=2, hours=4), "s2", "north", 0, 3, "reserved"),
    12: (T0 + timedelta(days=2, hours=5), "s1", "default", 10, 0, "receipt"),
}
# stock_low events the ledger emitted: alert event id -> (at, sku, location, sellable, safety)
STOCK_ALERTS = {
    "alert-s2-day2": (DAY2 + timedelta(hours=3), "s2", "north", 2, 2),
    "alert-s1-day3": (T0 + timedelta(days=2, hours=2), "s1", "default", 4, 5),
    "alert-s2-day3": (T0 + timedelta(days=2, hours=4), "s2", "north", 1, 2),
}
# The OLTP levels now (the snapshot), consistent with the whole ledger above:
# (sku, location) -> (on_hand, reserved, safety_stock)
STOCK_LEVELS = {("s1", "default"): (18, 4, 5), ("s2", "north"): (4, 3, 2)}
# Searches: (at, source, query, results_count, visitor). DAY1 has only the storefront's
# events; DAY2 has the API's, so the storefront's search that day must not count again.
SEARCHES = [
    (T0 + timedelta(hours=2), "client", "Mug", 3, "a7"),
    (T0 + timedelta(hours=2, minutes=1), "client", "kettle", 0, "a7"),
    (DAY2 + timedelta(hours=4), "server", " MUG ", 3, None),
    (DAY2 + timedelta(hours=4, minutes=1), "client", "mug", 3, "a8"),
    (DAY2 + timedelta(hours=5), "server", "mug", 1, "a9"),
    (DAY2 + timedelta(hours=6), "server", "Kettle", 0, None),
    (DAY2 + timedelta(hours=7), "server", "", 3, None),
]
ADMIN = "admin1"  # an operator: the catalog and stock events carry their user id


def _order(oid: str, user: str, total: int, status: str, paid_at: datetime | None) -> Order:
    return Order(
        id=oid, user_id=user, status=status, currency="USD", subtotal_cents=total,
        discount_cents=0, total_cents=total, created_at=T0, updated_at=T0,
        expires_at=T0 + timedelta(minutes=15), paid_at=paid_at, utm_source="newsletter",
        items=[OrderItem(sku_id="s1", product_id="p1", product_name="Mug", sku_name="Mug",
                         unit_price_cents=total, quantity=1, line_total_cents=total)],
    )


def build_oltp(url: str, *, with_rows: bool = True) -> None:
    """A real SQLite OLTP made by the API's own models, so timestamps are stored as text."""
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    if with_rows:
        with Session(engine) as s, s.begin():
            s.add_all([
                User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                     created_at=T0 - timedelta(days=30))
                for u in ("u1", "u2", "u3")
            ])
            s.add_all([
                Merchant(id="self-operated", slug="self-operated", name="Self-operated",
                         created_at=T0),
                Merchant(id="m2", slug="nordic", name="Nordic Goods", created_at=T0),
                Brand(id="b1", slug="acme", name="Acme", created_at=T0),
                Warehouse(id="default", code="default", name="Main warehouse", regions=["*"],
                          created_at=T0),
                Warehouse(id="north", code="north", name="North store", kind="store",
                          regions=["RS", "SC"], priority=10, created_at=T0),
                Category(id="c0", name="Home", slug="home", path="/c0/", depth=0,
                         created_at=T0),
            ])
            s.flush()
            s.add(Category(id="c1", parent_id="c0", name="Kitchen", slug="kitchen",
                           path="/c0/c1/", depth=1, created_at=T0))
            s.flush()
            s.add_all([
                Product(id="p1", category_id="c1", brand_id="b1", name="Mug", status="listed",
                        labels=["new", "bestseller"], listed_at=T0 - timedelta(days=1),
                        created_at=T0, updated_at=T0),
                Product(id="p2", category_id="c1", merchant_id="m2", name="Teapot",
                        status="delisted", created_at=T0, updated_at=T0),
                Product(id="p3", category_id="c0", name="Gift card", created_at=T0,
                        updated_at=T0),
                Product(id="p4", category_id="c0", name="Winter boots",
                        status="pending_review", created_at=T0, updated_at=T0),
            ])
            s.flush()
            s.add_all([
                Sku(id="s1", product_id="p1", code="S1", name="s1", price_cents=500,
                    currency="USD", created_at=T0),
                Sku(id="s1b", product_id="p1", code="S1B", name="s1b", price_cents=900,
                    currency="USD", created_at=T0),
                Sku(id="s2", product_id="p2", code="S2", name="s2", price_cents=700,
                    currency="USD", created_at=T0),
                Sku(id="s2x", product_id="p2", code="S2X", name="Teapot + 2 mugs",
                    price_cents=1500, currency="USD", kind="bundle", created_at=T0),
                Sku(id="s3", product_id="p3", code="S3", name="Gift card 10",
                    price_cents=1000, currency="USD", kind="virtual", created_at=T0),
                Sku(id="s4", product_id="p4", code="S4", name="Boots 42", price_cents=9000,
                    currency="USD", kind="presale", ship_from_date=date(2025, 4, 1),
                    weight_grams=1200, created_at=T0),
            ])
            s.flush()
            s.add_all([
                BundleComponent(bundle_sku_id="s2x", component_sku_id="s2", quantity=1),
                BundleComponent(bundle_sku_id="s2x", component_sku_id="s1", quantity=2),
                PresaleAllotment(sku_id="s4", quota=50, taken=3,
                                 ship_from_date=date(2025, 4, 1), updated_at=T0),
                *(StockLevel(sku_id=sku, warehouse_id=loc, on_hand=on_hand, reserved=reserved,
                             safety_stock=safety, updated_at=T0)
                  for (sku, loc), (on_hand, reserved, safety) in STOCK_LEVELS.items()),
                ProductStatusChange(product_id="p1", action="submit", from_status="draft",
                                    to_status="pending_review", actor_id=ADMIN,
                                    created_at=T0 - timedelta(days=1, hours=1)),
                ProductStatusChange(product_id="p1", action="approve",
                                    from_status="pending_review", to_status="listed",
                                    actor_id=ADMIN, created_at=T0 - timedelta(days=1)),
            ])
            for oid, (user, total, paid_at) in PAID_ORDERS.items():
                s.add(_order(oid, user, total, "paid", paid_at))
            s.add(_order("o3", "u1", 999, "pending_payment", None))
            s.add(_order("o4", "u3", 777, "cancelled", None))
    engine.dispose()


def _ev(model, at: datetime, visitor: str | None, user: str | None = None, **payload):
    return c.to_record(model(occurred_at=at, anonymous_id=visitor, user_id=user,
                             payload=payload))


def story_events() -> tuple[list[dict], list[dict]]:
    """(first landing, second landing); the second repeats two events of the first
    (at-least-once delivery), one of them pay4's refund due."""
    m = timedelta(minutes=1)
    items = [{"sku_id": "s1", "product_id": "p1", "quantity": 1, "unit_price_cents": 5000}]
    full_funnel = [  # a1 buys: every funnel step in one session
        _ev(c.ProductView, T0, "a1", "u1", product_id="p1"),
        _ev(c.AddToCart, T0 + 5 * m, "a1", "u1", product_id="p1", sku_id="s1", quantity=1),
        _ev(c.CheckoutStarted, T0 + 10 * m, "a1", "u1", item_count=1, subtotal_cents=5000),
        _ev(c.OrderCreated, T0 + 12 * m, "a1", "u1", order_id="o1", currency="USD",
            total_cents=5000, items=items),
        _ev(c.OrderPaid, T0 + 13 * m, "a1", "u1", order_id="o1", payment_id="pay1",
            amount_cents=5000, currency="USD"),
    ]
    gaps = [  # a2: 31 minutes apart -> two sessions; a3: 29 minutes apart -> one session
        _ev(c.PageView, T0, "a2", page="/"),
        _ev(c.PageView, T0 + 31 * m, "a2", page="/"),
        _ev(c.PageView, T0, "a3", page="/"),
        _ev(c.PageView, T0 + 29 * m, "a3", page="/"),
    ]
    others = [
        _ev(c.ProductView, T0, "a4", product_id="p2"),
        _ev(c.AddToCart, T0 + m, "a4", product_id="p2", sku_id="s2", quantity=2),
        # a5 adds to cart without viewing: the cumulative funnel stops before step 2
        _ev(c.AddToCart, DAY2, "a5", product_id="p3", sku_id="s3", quantity=1),
        _ev(c.ProductView, DAY2, None, "u2", product_id="p2"),
    ]
    refunds = [_refund_due(pid) for pid in REFUNDS_DUE]
    moves = [_stock_moved(movement_id) for movement_id in STOCK_MOVES]
    first = (full_funnel + gaps + others + refunds + moves + _stock_alerts() + _searches()
             + _back_office())
    order, user, amount, reason, due_at = REFUNDS_DUE["pay4"]
    # Owed once per payment: a later event for pay4 under a new event_id adds nothing.
    pay4_again = _ev(c.PaymentRefundDue, due_at + 120 * m, None, user, order_id=order,
                     payment_id="pay4", amount_cents=amount, currency="USD", reason=reason)
    # A ledger row counts once: movement 4 emitted again under a new event_id adds nothing.
    move4_again = _stock_moved(4)
    second = [first[0], refunds[0], _ev(c.PageView, DAY2 + m, "a6", page="/late"), pay4_again,
              moves[0], move4_again]
    return first, second


def _stock_moved(movement_id: int) -> dict:
    at, sku, location, on_hand, reserved, reason = STOCK_MOVES[movement_id]
    # The operator's user id on receipts and adjustments: still no session for them.
    user = ADMIN if reason in {"receipt", "adjustment"} else None
    return _ev(ce.StockMoved, at, None, user, movement_id=movement_id, sku_id=sku,
               warehouse_id=location, on_hand_delta=on_hand, reserved_delta=reserved,
               reason=reason)


def _stock_alerts() -> list[dict]:
    return [
        c.to_record(ce.StockLow(event_id=event_id, occurred_at=at, payload={
            "sku_id": sku, "warehouse_id": location, "sellable": sellable,
            "safety_stock": safety}))
        for event_id, (at, sku, location, sellable, safety) in STOCK_ALERTS.items()
    ]


def _searches() -> list[dict]:
    events = []
    for at, source, query, results, visitor in SEARCHES:
        if source == "client":
            events.append(_ev(c.Search, at, visitor, query=query, results_count=results))
        else:
            events.append(_ev(ce.SearchPerformed, at, visitor, query=query,
                              results_count=results, sort="relevance",
                              category_id=None if query else "c1"))
    return events


def _back_office() -> list[dict]:
    """Catalog events an operator caused, and the fulfilment side's own events."""
    before = T0 - timedelta(days=1)
    return [
        _ev(ce.ProductStatusChanged, before - timedelta(hours=1), None, ADMIN,
            product_id="p1", merchant_id="self-operated", from_status="draft",
            to_status="pending_review", action="submit"),
        _ev(ce.ProductStatusChanged, before, None, ADMIN, product_id="p1",
            merchant_id="self-operated", from_status="pending_review", to_status="listed",
            action="approve"),
        _ev(ce.SkuPriceChanged, before, None, ADMIN, product_id="p1", sku_id="s1",
            currency="USD", old_price_cents=550, new_price_cents=500),
        _ev(ce.VirtualFulfilment, DAY2 + timedelta(hours=8), None, "u2", order_id="o5",
            sku_id="s3", quantity=1, status="fulfilled", amount_cents=1000, currency="USD",
            supplier_reference="SUP-1"),
        _ev(ce.PresaleAllocated, DAY2 + timedelta(hours=9), None, "u1", order_id="o1",
            sku_id="s4", warehouse_id="default", quantity=1, ship_from_date=date(2025, 4, 1)),
    ]


def _refund_due(payment_id: str) -> dict:
    order, user, amount, reason, due_at = REFUNDS_DUE[payment_id]
    return _ev(c.PaymentRefundDue, due_at, None, user, order_id=order, payment_id=payment_id,
               amount_cents=amount, currency="USD", reason=reason)


def load_warehouse(warehouse: Path, lake: Path, oltp_url: str, landings: list[list[dict]]):
    with duckdb.connect(str(warehouse)) as conn:
        write_snapshot(conn, read_oltp(oltp_url))
        load_new_files(conn, lake)  # creates raw.events even when nothing was landed
        for batch in landings:
            land(lake, batch)
            load_new_files(conn, lake)


def dbt_build(warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLYWHEEL_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), "build", "--profiles-dir", str(DBT_PROJECT), "--project-dir",
         str(DBT_PROJECT)],
        cwd=DBT_PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )


