"""An inventory on a real SQLite file: a few SKUs, a bundle, a pre-sale SKU, three
locations. Service functions are called directly, one transaction per step."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from transactional_api.catalog.models import SELF_OPERATED, Category, Merchant, Product, Sku
from transactional_api.core import clock
from transactional_api.core.db import make_engine, transaction
from transactional_api.core.models import Base
from transactional_api.inventory import service as inventory
from transactional_api.inventory.models import Warehouse

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PLAIN = ("a", "b", "c")
BUNDLE, PRESALE = "kit", "pre"
LOCATIONS = {"north": ["N"], "south": ["S"], "central": ["*"]}


def build(path: Path, stock: dict[tuple[str, str], int]) -> sessionmaker:
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    token = clock.set_override(T0)
    try:
        with transaction(sessions) as s:
            s.add(Merchant(id=SELF_OPERATED, slug=SELF_OPERATED, name="Self", status="active"))
            s.add(Category(id="cat", name="c", slug="c", path="/cat/", depth=0))
            s.add(Product(id="p", category_id="cat", name="p", status="listed"))
            for sku in (*PLAIN, BUNDLE, PRESALE):
                s.add(Sku(id=sku, product_id="p", code=sku, name=sku, price_cents=100,
                          currency="USD", kind={"kit": "bundle", "pre": "presale"}.get(
                              sku, "standard")))
            for i, (code, regions) in enumerate(sorted(LOCATIONS.items())):
                s.add(Warehouse(id=code, code=code, name=code, kind="warehouse",
                                regions=regions, priority=10 * i, active=True))
            s.flush()
            inventory.set_bundle(session=s, bundle_sku_id=BUNDLE, components={"a": 2, "b": 1})
            inventory.set_presale(session=s, sku_id=PRESALE, quota=5,
                                  ship_from_date=date(2026, 3, 10))
            for (sku, wh), qty in sorted(stock.items()):
                inventory.set_sellable(session=s, sku_id=sku, warehouse_id=wh, sellable=qty,
                                       reason="initial")
    finally:
        clock.reset(token)
    return sessions


@pytest.fixture
def shop(tmp_path):
    sessions = build(tmp_path / "inv.sqlite3", {("a", "north"): 5, ("a", "south"): 3,
                                                ("b", "central"): 2, ("c", "south"): 4})
    yield sessions
    sessions.kw["bind"].dispose()
