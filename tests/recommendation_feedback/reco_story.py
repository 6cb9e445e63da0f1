"""A hand-written recommendation story for the recommendation marts: lists shown on two
days in two variants, clicks before and after orders, a double click, a click outside the
24-hour window, an anonymous visitor who signs in before buying, and paid and unpaid orders.
Every expected figure in the tests is worked out from what is written here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt import shop_story
from transactional_api.core.models import Order, OrderItem, User
from transactional_api.events import contract as c
from transactional_api.events.recommendation_events import (
    RecommendationClicked,
    RecommendationShown,
)

D1 = datetime(2025, 7, 1, tzinfo=UTC)
D2 = D1 + timedelta(days=1)


def at(day: datetime, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return day + timedelta(hours=hh, minutes=mm, seconds=ss)


# list_id -> (placement, model, variant, user, anonymous_id, shown at, products in order)
LISTS = {
    "L1": ("home", "als", "A", "u1", None, at(D1, 10), ["p1", "p2", "p3"]),
    "L6": ("home", "als", "A", None, "a8", at(D1, 10, 30), ["p1"]),  # never signs in
    "L7": ("cart", "session_knn", "A", "u1", None, at(D1, 10, 49), ["p1", "p2"]),
    "L3": ("home", "als", "B", "u2", None, at(D1, 9), ["p1", "p3"]),
    "L2": ("product", "session_knn", "B", None, "a9", at(D1, 12), ["p2", "p3"]),
    "L5": ("cart", "als", "A", "u1", None, at(D2, 8), ["p2"]),
}
# (list_id, product_id, clicked at)
CLICKS = [
    ("L1", "p1", at(D1, 10, 5)),
    ("L1", "p1", at(D1, 10, 6)),   # the same item clicked again: one click
    ("L7", "p1", at(D1, 10, 50)),  # u1's last click on p1 before o1 (11:00): gets o1's p1
    ("L3", "p1", at(D1, 9, 10)),   # o4 (p1) comes 24 h and 1 s after it: not attributed
    ("L3", "p3", at(D1, 10)),      # after o2 (09:30), which bought p3: not attributed
    ("L2", "p2", at(D1, 12, 1)),   # anonymous a9, who becomes u3 before buying p2 in o3
]
# order -> (user, created, paid or None, [(product, line total cents)])
ORDERS = {
    "o1": ("u1", at(D1, 11), at(D1, 11, 1), [("p1", 2000), ("p4", 500)]),
    "o2": ("u2", at(D1, 9, 30), at(D1, 9, 31), [("p3", 1500)]),
    "o3": ("u3", at(D1, 13), at(D1, 13, 2), [("p2", 3000)]),
    "o4": ("u2", at(D2, 9, 10, 1), at(D2, 9, 12), [("p1", 1200)]),
    "o5": ("u1", at(D1, 10, 30), None, [("p1", 2000)]),  # never paid
}


def _payload(list_id: str, product: str) -> dict:
    placement, model, variant, *_rest, products = LISTS[list_id]
    return {"list_id": list_id, "placement": placement, "model": model, "version": "r1",
            "variant": variant, "product_id": product,
            "position": products.index(product) + 1}


def events() -> list[dict]:
    evs = []
    for list_id, (_p, _m, _v, user, anon, shown_at, products) in LISTS.items():
        evs += [RecommendationShown(occurred_at=shown_at, user_id=user, anonymous_id=anon,
                                    payload=_payload(list_id, p)) for p in products]
    for list_id, product, clicked_at in CLICKS:
        user, anon = LISTS[list_id][3], LISTS[list_id][4]
        evs.append(RecommendationClicked(occurred_at=clicked_at, user_id=user,
                                         anonymous_id=anon, payload=_payload(list_id, product)))
    # a9 signs in as u3 (a product view carrying both ids links the device to the account)
    evs.append(c.ProductView(occurred_at=at(D1, 12, 30), user_id="u3", anonymous_id="a9",
                             payload={"product_id": "p2"}))
    return [c.to_record(e) for e in evs]


def landings() -> list[list[dict]]:
    batch = events()
    return [batch, batch[:1]]  # at-least-once delivery: the first impression lands twice


def build_oltp(url: str) -> None:
    shop_story.build_oltp(url, with_rows=False)
    engine = sa.create_engine(url)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=D1 - timedelta(days=30)) for u in ("u1", "u2", "u3")])
        for oid, (user, created, paid, lines) in ORDERS.items():
            total = sum(cents for _, cents in lines)
            s.add(Order(
                id=oid, user_id=user, status="paid" if paid else "pending_payment",
                currency="USD", subtotal_cents=total, discount_cents=0, total_cents=total,
                created_at=created, updated_at=created,
                expires_at=created + timedelta(minutes=15), paid_at=paid,
                items=[OrderItem(sku_id=f"s-{p}", product_id=p, product_name=p, sku_name=p,
                                 unit_price_cents=cents, quantity=1, line_total_cents=cents)
                       for p, cents in lines]))
    engine.dispose()
