"""Where an order's units are held, line by line: what splits an order into sub-orders."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from transactional_api.inventory.reservations import (
    ACTIVE,
    BACKORDERED,
    CONSUMED,
    DEFERRED,
    _order_reservations,
)


def line_locations(*, session: Session, order_id: str,
                   lines: dict[str, int]) -> dict[str, dict[str | None, int]]:
    """Where each order line's units are held: line SKU -> {location (None: pre-sale not
    yet placed): units of the line}. A bundle goes wholly to the location holding most of
    its components (allocation keeps a bundle together whenever it can)."""
    rows = _order_reservations(session, order_id, (ACTIVE, DEFERRED, BACKORDERED, CONSUMED))
    by_line: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    bundles: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r.sku_id == r.line_sku_id or r.warehouse_id is None:
            by_line[r.line_sku_id][r.warehouse_id] += r.quantity
        else:
            bundles[r.line_sku_id][r.warehouse_id] += r.quantity
    out = {line: dict(w) for line, w in by_line.items()}
    for line, per_wh in bundles.items():
        if line not in out:
            out[line] = {max(sorted(per_wh, key=str), key=per_wh.get): lines[line]}
    return out
