"""The OLTP rows of the order-flow story (order_flow_story.py) that its marts join to."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.dbt.order_flow_story import MOVES, ORDERS, SUB_ORDERS, D, M, T, order_total, sub_total
from transactional_api.core.models import Base, Merchant, Order, SubOrder, User, Warehouse


def build_oltp(url: str) -> None:
    """The OLTP side the marts join: accounts, merchants, locations, orders, sub-orders."""
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=T - 30 * D) for u in ("u1", "u2", "u3", "u4")])
        s.add_all([
            Merchant(id="self-operated", slug="self-operated", name="Self-operated",
                     created_at=T - 30 * D),
            Merchant(id="m2", slug="nordic", name="Nordic Goods", created_at=T - 30 * D),
            Warehouse(id="default", code="default", name="Main warehouse", regions=["*"],
                      created_at=T - 30 * D),
            Warehouse(id="north", code="north", name="North store", kind="store",
                      regions=["SC"], priority=10, created_at=T - 30 * D),
        ])
        for oid, (user, region, created, status, paid_at) in ORDERS.items():
            s.add(Order(id=oid, user_id=user, status=status, currency="USD",
                        subtotal_cents=order_total(oid), discount_cents=0,
                        total_cents=order_total(oid), shipping_region=region,
                        created_at=created, updated_at=created,
                        expires_at=created + 30 * M, paid_at=paid_at))
        s.flush()
        for seq, (sub, (oid, merchant, location, kind, subtotal, discount, shipping, tax,
                        _)) in enumerate(SUB_ORDERS.items()):
            s.add(SubOrder(id=sub, order_id=oid, seq=seq, merchant_id=merchant,
                           warehouse_id=location, kind=kind, status=MOVES[sub][-1][2],
                           currency="USD", subtotal_cents=subtotal, discount_cents=discount,
                           shipping_cents=shipping, tax_cents=tax, total_cents=sub_total(sub),
                           created_at=ORDERS[oid][2], updated_at=ORDERS[oid][2]))
    engine.dispose()
