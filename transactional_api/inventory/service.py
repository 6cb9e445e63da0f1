"""Stock: atomic reservation by conditional UPDATE, so stock never goes below zero.

``UPDATE … SET available = available - q WHERE available >= q`` is a single atomic
statement on SQLite and PostgreSQL alike; a zero rowcount means not enough stock. Lines
are reserved in sku_id order so concurrent multi-line orders never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict
from transactional_api.inventory.models import DEFAULT_WAREHOUSE, StockLevel, StockMovement


def set_stock(*, session: Session, sku_id: str, available: int, reason: str = "adjustment") -> None:
    level = session.get(StockLevel, (sku_id, DEFAULT_WAREHOUSE))
    before = level.available if level else 0
    if level is None:
        session.add(StockLevel(sku_id=sku_id, warehouse_id=DEFAULT_WAREHOUSE,
                               available=available, updated_at=clock.now()))
    else:
        level.available = available
    if available != before:
        _movement(session, sku_id, available - before, reason, None)


def available(*, session: Session, sku_ids: Iterable[str]) -> dict[str, int]:
    ids = list(sku_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(StockLevel.sku_id, StockLevel.available).where(StockLevel.sku_id.in_(ids))
    )
    found = {sku: qty for sku, qty in rows}
    return {sku: found.get(sku, 0) for sku in ids}


def reserve(*, session: Session, lines: dict[str, int], order_id: str) -> None:
    """Take every line or none (the caller's transaction rolls back on Conflict)."""
    for sku_id in sorted(lines):
        qty = lines[sku_id]
        result = session.execute(
            update(StockLevel)
            .where(StockLevel.sku_id == sku_id, StockLevel.warehouse_id == DEFAULT_WAREHOUSE,
                   StockLevel.available >= qty)
            .values(available=StockLevel.available - qty, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict("not enough stock", code="out_of_stock",
                           details={"sku_id": sku_id, "requested": qty})
        _movement(session, sku_id, -qty, "order_reserved", order_id)


def release(*, session: Session, lines: dict[str, int], order_id: str) -> None:
    for sku_id in sorted(lines):
        session.execute(
            update(StockLevel)
            .where(StockLevel.sku_id == sku_id, StockLevel.warehouse_id == DEFAULT_WAREHOUSE)
            .values(available=StockLevel.available + lines[sku_id], updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        _movement(session, sku_id, lines[sku_id], "order_released", order_id)


def _movement(session: Session, sku_id: str, delta: int, reason: str, order_id: str | None):
    session.add(StockMovement(sku_id=sku_id, warehouse_id=DEFAULT_WAREHOUSE, delta=delta,
                              reason=reason, order_id=order_id, created_at=clock.now()))
