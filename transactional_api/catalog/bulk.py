"""Writes a prepared batch of catalog rows with a few bulk statements in the caller's
transaction: the CSV import and the Olist loader share it.

Every product gets one audit row (action ``import``, from nothing to its status) and one
``product_status_changed`` event, so the lifecycle trail and the data side start complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from transactional_api.catalog.models import (
    Brand,
    Category,
    Merchant,
    Product,
    ProductStatusChange,
    Sku,
)
from transactional_api.core import clock
from transactional_api.events.catalog_events import (
    ProductStatusChanged,
    ProductStatusChangedPayload,
)
from transactional_api.events.outbox import emit_many
from transactional_api.inventory import service as inventory
from transactional_api.inventory.models import DEFAULT_WAREHOUSE

CHUNK = 2000
FULL_REINDEX_AT = 1000
# (stage, rows just written), first ("start", rows to write); the CLI draws it as a bar.
Progress = Callable[[str, int], None]


@dataclass
class CatalogBatch:
    """Rows as dicts of column values (ids included), ready for ``insert(Model)``."""

    merchants: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    brands: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    skus: list[dict[str, Any]] = field(default_factory=list)
    # Opening units in the default warehouse per stocked SKU (virtual SKUs have none), and
    # (quota, ship-from date) per pre-sale SKU.
    stock: dict[str, int] = field(default_factory=dict)
    presale: dict[str, tuple[int, date]] = field(default_factory=dict)

    def total_rows(self) -> int:
        # products count thrice (row, audit, event); SKUs once plus their stock
        return (len(self.merchants) + len(self.categories) + len(self.brands)
                + 3 * len(self.products) + len(self.skus) + len(self.stock)
                + len(self.presale))


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def write_batch(*, session: Session, batch: CatalogBatch, actor_id: str | None,
                reason: str, progress: Progress | None = None) -> None:
    tick = progress or (lambda stage, n: None)
    tick("start", batch.total_rows())
    for model, rows, stage in ((Merchant, batch.merchants, "merchants"),
                               (Category, batch.categories, "categories"),
                               (Brand, batch.brands, "brands"),
                               (Product, batch.products, "products"),
                               (Sku, batch.skus, "skus")):
        for part in _chunks(rows):
            session.execute(insert(model), part)
            tick(stage, len(part))
    now = clock.now()
    audit = [{"product_id": p["id"], "action": "import", "from_status": None,
              "to_status": p["status"], "reason": reason, "actor_id": actor_id,
              "created_at": now} for p in batch.products]
    for part in _chunks(audit):
        session.execute(insert(ProductStatusChange), part)
        tick("audit", len(part))
    for part in _chunks(batch.products):
        emit_many(session=session, events=(ProductStatusChanged(
            occurred_at=now, user_id=actor_id, payload=ProductStatusChangedPayload(
                product_id=p["id"], merchant_id=p["merchant_id"], from_status=None,
                to_status=p["status"], action="import", reason=reason)) for p in part))
        tick("events", len(part))
    stocked = list(batch.stock.items())
    for start in range(0, len(stocked), CHUNK):
        part = stocked[start:start + CHUNK]
        inventory.bulk_receive(session=session, rows=[
            (sku_id, DEFAULT_WAREHOUSE, units) for sku_id, units in part])
        tick("stock", len(part))
    for sku_id, (quota, ship_from) in batch.presale.items():
        inventory.set_presale(session=session, sku_id=sku_id, quota=quota,
                              ship_from_date=ship_from)
    tick("stock", len(batch.presale))
    if batch.products:
        tick("search index", 0)
        _reindex(session, [p["id"] for p in batch.products])
    session.flush()


def _reindex(session: Session, product_ids: list[str]) -> None:
    # Imported on use: search depends on the catalog, not the other way round at import.
    from transactional_api.search import service as search

    # A big load rebuilds the index once and moves the sync job's mark past it, instead of
    # rewriting each new product and having the sync job look at all of them again.
    if len(product_ids) >= FULL_REINDEX_AT:
        search.reindex_all(session=session)
    else:
        search.reindex_products(session=session, product_ids=product_ids)
