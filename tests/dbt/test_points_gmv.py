"""GMV of an order paid partly with points: GMV is the order's value before points (points
are a means of payment, not a discount), paid revenue the money part, and the marts agree
with the OLTP to the cent. Every figure is worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.core.models import Base, Order, OrderItem, User
from transactional_api.events.contract import PageView, to_record

DAY = date(2025, 6, 2)


def _at(hour: int) -> datetime:
    return datetime(2025, 6, 2, hour, tzinfo=UTC)


# order -> (user, paid, list/unit price, quantity, shipping, points spent, their worth)
ORDERS = {
    # 2 x 850 + 300 shipping = 2000, of which 5000 points paid 500: 1500 in money
    "o1": ("u1", True, 850, 2, 300, 5000, 500),
    # 1000 in money, no points
    "o2": ("u2", True, 1000, 1, 0, 0, 0),
    # never paid: its points count nowhere
    "o3": ("u1", False, 700, 1, 0, 2000, 200),
}


def _build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=_at(0)) for u in ("u1", "u2")])
        for oid, (user, paid, price, qty, shipping, points, worth) in ORDERS.items():
            item = OrderItem(sku_id="s1", product_id="p1", product_name="p1", sku_name="s1",
                             list_price_cents=price, unit_price_cents=price, quantity=qty,
                             discount_cents=0, line_total_cents=price * qty,
                             points_spent=points, points_discount_cents=worth)
            s.add(Order(id=oid, user_id=user, status="paid" if paid else "pending_payment",
                        currency="USD", subtotal_cents=price * qty, discount_cents=0,
                        shipping_cents=shipping, tax_cents=0,
                        total_cents=price * qty + shipping - worth, points_spent=points,
                        points_discount_cents=worth, created_at=_at(9), updated_at=_at(9),
                        expires_at=_at(10), paid_at=_at(10) if paid else None,
                        items=[item]))
    engine.dispose()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("points_gmv")
    path = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    _build_oltp(oltp_url)
    events = [to_record(PageView(occurred_at=_at(11), anonymous_id="a1",
                                 payload={"page": "/"}))]
    story.load_warehouse(path, work / "lake", oltp_url, [events])
    result = _dbt(work, path, "build", "--select", "+fct_orders", "+fct_daily_kpis",
                  "+fct_daily_revenue", "+fct_daily_revenue_by_channel",
                  "assert_daily_revenue_adds_up_to_the_kpis", "--indirect-selection", "cautious")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as conn:
        yield conn, oltp_url


def test_an_order_paid_partly_with_points_counts_at_its_value_before_points(warehouse):
    conn, _ = warehouse
    rows = conn.execute("select order_id, total_cents, points_spent, points_discount_cents, "
                        "gmv_cents from marts.fct_orders order by order_id").fetchall()
    assert rows == [("o1", 1500, 5000, 500, 2000), ("o2", 1000, 0, 0, 1000),
                    ("o3", 500, 2000, 200, 700)]


def test_daily_gmv_paid_revenue_and_net_revenue(warehouse):
    conn, _ = warehouse
    kpis = conn.execute("select gmv_cents, points_paid_cents, paid_revenue_cents, "
                        "net_revenue_cents, paid_orders, aov_cents from marts.fct_daily_kpis "
                        "where kpi_date = ?", [DAY]).fetchone()
    # GMV 2000 + 1000; 500 of it paid with points; 2500 in money, all kept; AOV 3000 / 2
    assert kpis == (3000, 500, 2500, 2500, 2, 1500)
    revenue = conn.execute(
        "select gross_cents, discount_cents, shipping_cents, gmv_cents, points_paid_cents, "
        "net_revenue_cents from marts.fct_daily_revenue where revenue_date = ?",
        [DAY]).fetchone()
    # the points are no discount: 2700 gross + 300 shipping = 3000
    assert revenue == (2700, 0, 300, 3000, 500, 2500)


def test_the_marts_gmv_equals_the_oltps_to_the_cent(warehouse):
    conn, oltp_url = warehouse
    engine = sa.create_engine(oltp_url)
    with engine.connect() as oltp:
        value, money = oltp.execute(sa.text(
            "select sum(subtotal_cents - discount_cents + shipping_cents + tax_cents), "
            "sum(total_cents) from orders where paid_at is not null")).one()
    engine.dispose()
    gmv, paid = conn.execute("select sum(gmv_cents), sum(paid_revenue_cents) "
                             "from marts.fct_daily_kpis").fetchone()
    assert (gmv, paid) == (value, money) == (3000, 2500)
