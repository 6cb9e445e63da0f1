"""A small, hand-described shop: a real SQLite OLTP made with the API's models and events made
with the contract models. Every expectation in the tests follows from the story written
here, not from numbers read off a run. Loaded by path (see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.ingest.events import load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from transactional_api.core.models import (
    Base,
    Category,
    Order,
    OrderItem,
    Product,
    Sku,
    User,
)
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
            s.add(Category(id="c1", name="Kitchen", slug="kitchen", created_at=T0))
            s.flush()
            s.add_all([Product(id=p, category_id="c1", name=p, created_at=T0)
                       for p in ("p1", "p2", "p3")])
            s.flush()
            s.add_all([
                Sku(id="s1", product_id="p1", code="S1", name="s1", price_cents=500,
                    currency="USD", created_at=T0),
                Sku(id="s1b", product_id="p1", code="S1B", name="s1b", price_cents=900,
                    currency="USD", created_at=T0),
                Sku(id="s2", product_id="p2", code="S2", name="s2", price_cents=700,
                    currency="USD", created_at=T0),
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
    first = full_funnel + gaps + others + refunds
    order, user, amount, reason, due_at = REFUNDS_DUE["pay4"]
    # Owed once per payment: a later event for pay4 under a new event_id adds nothing.
    pay4_again = _ev(c.PaymentRefundDue, due_at + 120 * m, None, user, order_id=order,
                     payment_id="pay4", amount_cents=amount, currency="USD", reason=reason)
    second = [first[0], refunds[0], _ev(c.PageView, DAY2 + m, "a6", page="/late"), pay4_again]
    return first, second


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


