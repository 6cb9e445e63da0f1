from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import create_product, register
from transactional_api.inventory.models import StockMovement
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
        # 10 units still on hand, all 10 held for the unpaid orders; the ledger agrees
        assert s.execute(select(func.sum(StockMovement.on_hand_delta),
                                func.sum(StockMovement.reserved_delta))
                         .where(StockMovement.sku_id == sku)).one() == (10, 10)
