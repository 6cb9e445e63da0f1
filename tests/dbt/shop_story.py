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
    """(first landing, second landing); the second repeats one event (at-least-once)."""
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
    first = full_funnel + gaps + others
    return first, [first[0], _ev(c.PageView, DAY2 + m, "a6", page="/late")]


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


