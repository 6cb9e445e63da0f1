"""A hand-described shop for the product marts (issue 9): nine products sold over April and
May 2025, a stock ledger, product views and searches. Everything the tests expect follows
from what is written here; the figures are worked out by hand in tests/dbt/test_products_*.

The last event happens on Tue 2025-05-20, so that is the warehouse's latest day (the as-of
day of the slow movers, the last stock position). All money is USD.

Revenue per product and month (line totals: unit price x quantity - line discount):
  April: p2 5000, p4 2500, p5 1200, p8 800, p7 500                       = 10000
  May:   p1 5000 (s1a 4000 + s1b 1000), p2 3000, p7 1000, p8 600, p9 400  = 10000
oa4 is never paid: its umbrella (s6) is not a sale.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt import mart_builds
from transactional_api.core.models import (
    Base,
    Category,
    Merchant,
    Order,
    OrderItem,
    Product,
    Sku,
    StockLevel,
    User,
    Warehouse,
)
from transactional_api.events import catalog_events as ce
from transactional_api.events import contract as c

AS_OF = date(2025, 5, 20)
CREATED = datetime(2025, 3, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


# sku -> (product, product name, sku name, catalog price)
SKUS = {
    "s1a": ("p1", "Mug", "Mug blue", 1000), "s1b": ("p1", "Mug", "Mug red", 1000),
    "s2": ("p2", "Teapot", "Teapot 1 l", 3000), "s3": ("p3", "Kettle", "Kettle", 4000),
    "s4": ("p4", "Scarf", "Scarf", 2500), "s5": ("p5", "Gloves", "Gloves", 1200),
    "s6": ("p6", "Umbrella", "Umbrella", 1500), "s7": ("p7", "Candle", "Candle", 500),
    "s8": ("p8", "Vase", "Vase", 800), "s9": ("p9", "Tray", "Tray", 400),
}
# order -> (user, paid at or None, [(sku, quantity, unit price, line discount)])
ORDERS = {
    "oa1": ("u1", at(4, 20, 10), [("s5", 1, 1200, 0)]),
    "oa2": ("u2", at(4, 21), [("s4", 1, 2500, 0), ("s2", 2, 2500, 0)]),
    "oa3": ("u3", at(4, 22), [("s8", 1, 800, 0), ("s7", 1, 500, 0)]),
    "oa4": ("u1", None, [("s6", 1, 1500, 0)]),
    "ob1": ("u1", at(5, 11, 10), [("s1a", 4, 1000, 0), ("s7", 2, 500, 0)]),
    "ob2": ("u2", at(5, 12), [("s1b", 1, 1000, 0), ("s2", 1, 3000, 0)]),
    "ob3": ("u3", at(5, 13), [("s8", 1, 700, 100), ("s9", 1, 400, 0)]),
}
# The stock ledger, one stock_moved event each: id -> (at, sku, location, on-hand delta,
# reason). s1b, s7 and s9 have no stock tracked.
STOCK_MOVES = {
    1: (at(4, 1), "s2", "default", 3, "receipt"),
    2: (at(4, 1), "s4", "default", 5, "receipt"),
    3: (at(4, 1), "s5", "north", 5, "receipt"),
    4: (at(4, 1), "s6", "default", 10, "receipt"),
    5: (at(4, 1), "s6", "north", 2, "receipt"),
    6: (at(4, 1), "s8", "default", 5, "receipt"),
    7: (at(4, 20, 10), "s5", "north", -1, "deducted"),
    8: (at(4, 21), "s4", "default", -1, "deducted"),
    9: (at(4, 21), "s2", "default", -2, "deducted"),
    10: (at(4, 22), "s8", "default", -1, "deducted"),
    11: (at(4, 25), "s1a", "default", 10, "receipt"),
    12: (at(5, 10), "s3", "default", 5, "receipt"),
    13: (at(5, 11, 10), "s1a", "default", -4, "deducted"),
    14: (at(5, 12), "s2", "default", -1, "deducted"),
    15: (at(5, 13), "s8", "default", -1, "deducted"),
}
# Product views: (at, visitor, product, how many)
VIEWS = [
    (at(5, 5), "a1", "p1", 3),
    (at(5, 11, 8), "a2", "p1", 2),
    (at(5, 12, 8), "a3", "p1", 1),
    (at(5, 20, 14), "a4", "p1", 2),
    (at(5, 12, 7), "a3", "p2", 3),
    (at(5, 15), "a5", "p3", 2),
    (at(5, 15, 11), "a6", "p3", 2),
]
# The storefront's searches: (at, query as typed, results)
SEARCHES = [
    (at(4, 10), "Mug", 3),
    (at(5, 5), "mug", 3), (at(5, 6), " MUG ", 2), (at(5, 7), "Mug", 4),
    (at(5, 8), "kettle", 0), (at(5, 9), "Kettle ", 0),
    (at(5, 10), "teapot", 1), (at(5, 12), "teapot", 0),
    (at(5, 14), "umbrela", 0),
]


def _on_hand_now() -> dict[tuple[str, str], int]:
    levels: dict[tuple[str, str], int] = {}
    for _, sku, location, delta, _ in STOCK_MOVES.values():
        levels[sku, location] = levels.get((sku, location), 0) + delta
    return levels


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=CREATED) for u in ("u1", "u2", "u3")])
        s.add_all([
            Merchant(id="self-operated", slug="self-operated", name="Self-operated",
                     created_at=CREATED),
            Warehouse(id="default", code="default", name="Main warehouse", regions=["*"],
                      created_at=CREATED),
            Warehouse(id="north", code="north", name="North store", kind="store",
                      regions=["SC"], priority=10, created_at=CREATED),
            Category(id="c1", name="Home", slug="home", path="/c1/", depth=0,
                     created_at=CREATED),
        ])
        s.flush()
        products = {product: name for product, name, _, _ in SKUS.values()}
        s.add_all([Product(id=p, category_id="c1", merchant_id="self-operated", name=name,
                           status="listed", created_at=CREATED, updated_at=CREATED)
                   for p, name in products.items()])
        s.flush()
        s.add_all([Sku(id=sku, product_id=p, code=sku.upper(), name=name, price_cents=price,
                       currency="USD", created_at=CREATED)
                   for sku, (p, _, name, price) in SKUS.items()])
        s.flush()
        s.add_all([StockLevel(sku_id=sku, warehouse_id=location, on_hand=on_hand, reserved=0,
                              safety_stock=0, updated_at=CREATED)
                   for (sku, location), on_hand in _on_hand_now().items()])
        for oid, (user, paid_at, lines) in ORDERS.items():
            items = [OrderItem(sku_id=sku, product_id=SKUS[sku][0], product_name=SKUS[sku][1],
                               sku_name=SKUS[sku][2], list_price_cents=SKUS[sku][3],
                               unit_price_cents=unit, quantity=qty, discount_cents=discount,
                               line_total_cents=unit * qty - discount)
                     for sku, qty, unit, discount in lines]
            total = sum(i.line_total_cents for i in items)
            placed = (paid_at or at(4, 23)).replace(hour=8)
            s.add(Order(id=oid, user_id=user, status="paid" if paid_at else "pending_payment",
                        currency="USD", subtotal_cents=sum(u * q for _, q, u, _ in lines),
                        discount_cents=sum(d for *_, d in lines), total_cents=total,
                        created_at=placed, updated_at=placed, expires_at=placed,
                        paid_at=paid_at, items=items))
    engine.dispose()


def _ev(model, when: datetime, visitor: str | None, **payload) -> dict:
    return c.to_record(model(occurred_at=when, anonymous_id=visitor, payload=payload))


def story_events() -> tuple[list[dict], list[dict]]:
    """(first landing, second landing); the second delivers one product view again (same
    event_id): it counts once."""
    views = [_ev(c.ProductView, when.replace(minute=n), visitor, product_id=product)
             for when, visitor, product, times in VIEWS for n in range(times)]
    moves = [_ev(ce.StockMoved, when, None, movement_id=mid, sku_id=sku,
                 warehouse_id=location, on_hand_delta=delta, reserved_delta=0, reason=reason)
             for mid, (when, sku, location, delta, reason) in STOCK_MOVES.items()]
    searches = [_ev(c.Search, when, "a9", query=query, results_count=results)
                for when, query, results in SEARCHES]
    first = views + moves + searches
    return first, [views[0]]


PRODUCT_MARTS = ("+path:models/marts/products",)


def warehouse_path():
    return mart_builds.built_once("products", build_oltp, list(story_events()), PRODUCT_MARTS)
