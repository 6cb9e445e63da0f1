from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import create_product, register
from transactional_api.core.db import Base, make_engine, transaction
from transactional_api.core.errors import Conflict
from transactional_api.inventory import service as inventory
from transactional_api.inventory.models import StockLevel, StockMovement
from transactional_api.orders.models import Order


def test_fifty_clients_race_for_the_last_ten_units(api, admin):
    product = create_product(admin, stock=10, price_cents=999)
    sku = product["skus"][0]["id"]
    tokens = [register(api, f"racer{i}@example.com") for i in range(50)]
    start = threading.Barrier(50)

    def buy(token: str) -> int:
        with api.client(token) as c:
            start.wait()
            return c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}
                          ).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(buy, tokens))
    assert sorted(codes) == [201] * 10 + [409] * 40
    with api.client() as c:
        assert c.get(f"/v1/products/{product['id']}").json()["skus"][0]["available"] == 0
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 10
        assert s.scalar(select(func.sum(StockMovement.delta))
                        .where(StockMovement.sku_id == sku)) == 0


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.integers(0, 20),
    ops=st.lists(st.tuples(st.sampled_from(["reserve", "release"]), st.integers(1, 8)),
                 max_size=25),
)
def test_stock_never_negative_and_ledger_balances(tmp_path_factory, initial, ops):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('inv')}/inv.sqlite3")
    Base.metadata.create_all(engine)
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(engine, expire_on_commit=False)
    from transactional_api.catalog.models import Category, Product, Sku

    with transaction(sessions) as s:
        s.add(Category(id="c", name="c", slug="c"))
        s.add(Product(id="p", category_id="c", name="p"))
        s.add(Sku(id="s", product_id="p", code="s", name="s", price_cents=1, currency="USD"))
        s.flush()
        inventory.set_stock(session=s, sku_id="s", available=initial)
    expected, held = initial, []
    for op, qty in ops:
        if op == "reserve":
            try:
                with transaction(sessions) as s:
                    inventory.reserve(session=s, lines={"s": qty}, order_id="o")
                expected -= qty
                held.append(qty)
            except Conflict:
                assert qty > expected  # refused only when there really was not enough
        elif held:
            back = held.pop()
            with transaction(sessions) as s:
                inventory.release(session=s, lines={"s": back}, order_id="o")
            expected += back
    with sessions() as s:
        level = s.get(StockLevel, ("s", "default")).available
        ledger = s.scalar(select(func.coalesce(func.sum(StockMovement.delta), 0)))
    assert level == expected >= 0
    assert ledger == level
    engine.dispose()
