"""Does Redis, the OLTP stock ledger and the orders agree about a sale? Every check is
stated as an equation between two independent records; a difference names it.

- Redis conserves the quantity: pool + units won - units given back = quantity.
- Every token Redis issued has one reservation row, and every row one token (none
  queued at the end of a sale; none invented).
- Every reservation that reached the order step has exactly one order, placed under its
  token's idempotency key; a failed one has none.
- The ledger's hold (the sum of the sale's reserved deltas) equals the sale's held_units,
  which is what Redis still has to sell plus what is queued or on its way back.
- Nothing oversold: units in live orders never exceed the quantity.
"""

from __future__ import annotations

from collections import Counter

import redis as redis_lib
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.flash_sales import hot
from transactional_api.flash_sales.models import (
    ARMED,
    FAILED,
    LAPSED,
    ORDERED,
    RETURNED,
    FlashReservation,
    FlashSale,
)
from transactional_api.inventory import holds
from transactional_api.orders import service as orders
from transactional_api.orders.state import CANCELLED, PENDING_PAYMENT


def report(session: Session, client: redis_lib.Redis, sale: FlashSale) -> dict:
    live = hot.state(client, sale.id)
    issued = live["tokens"]
    rows = {r.token: r for r in session.scalars(
        select(FlashReservation).where(FlashReservation.sale_id == sale.id))}
    differences: list[str] = []

    won_units = sum(q for _, q, _ in issued.values())
    given_back = sum(issued[t][1] for t in live["returned"] if t in issued)
    pool = live["pool"] or 0
    if live["pool"] is None and sale.status == ARMED:
        differences.append("redis holds no pool for an armed sale")
    if pool + won_units - given_back != sale.quantity:
        differences.append(f"redis: pool {pool} + won {won_units} - given back {given_back} "
                           f"!= quantity {sale.quantity}")
    queued = sorted(set(issued) - set(rows))
    invented = sorted(set(rows) - set(issued))
    if invented:
        differences.append(f"{len(invented)} reservation rows without a redis token")
    if queued and sale.status != ARMED:
        differences.append(f"{len(queued)} won reservations never became orders")
    returned_rows = {t for t, r in rows.items() if r.state in (RETURNED, FAILED)}
    pushed = {t for t in returned_rows if not rows[t].pool_pending}
    if pushed != live["returned"] & set(rows):
        differences.append("tokens given back in redis differ from the rows returned")

    keys = [f"flash-{t}" for t in rows]
    placed = orders.by_idempotency_keys(session=session, keys=keys)
    duplicates = sum(len(v) - 1 for v in placed.values() if len(v) > 1)
    if duplicates:
        differences.append(f"{duplicates} duplicate orders")
    for token, row in rows.items():
        got = placed.get(f"flash-{token}", [])
        if row.state == FAILED and got:
            differences.append(f"failed reservation {token} has an order")
        if row.state != FAILED and got != [row.order_id]:
            differences.append(f"reservation {token} has orders {got}, not {row.order_id}")

    status = orders.statuses(session=session, order_ids=[r.order_id for r in rows.values()
                                                          if r.order_id])
    by_state = Counter()
    for row in rows.values():
        by_state[row.state] += row.quantity
    live_units = sum(r.quantity for r in rows.values() if r.state == ORDERED
                     and status.get(r.order_id) != CANCELLED)
    paid_units = sum(r.quantity for r in rows.values() if r.state == ORDERED
                     and status.get(r.order_id) not in (CANCELLED, PENDING_PAYMENT, None))
    oversold = max(0, live_units - sale.quantity)
    if oversold:
        differences.append(f"oversold by {oversold}")

    ledger_held = holds.held_by(session, ref=f"flash_sale:{sale.id}")
    if ledger_held != sale.held_units:
        differences.append(f"ledger hold {ledger_held} != sale's held units {sale.held_units}")
    queued_units = sum(issued[t][1] for t in queued)
    pending_units = sum(r.quantity for r in rows.values() if r.pool_pending)
    if sale.status == ARMED and sale.held_units != pool + queued_units + pending_units:
        differences.append(f"hold {sale.held_units} != pool {pool} + queued {queued_units} "
                           f"+ on the way back {pending_units}")
    return {
        "quantity": sale.quantity, "pool": pool, "won_units": won_units,
        "given_back_units": given_back, "queued": len(queued),
        "ordered_units": sum(r.quantity for r in rows.values() if r.order_id),
        "live_order_units": live_units, "paid_units": paid_units,
        "returned_units": by_state[RETURNED], "lapsed_units": by_state[LAPSED],
        "failed_units": by_state[FAILED], "held_units": sale.held_units,
        "ledger_held_units": ledger_held, "orders": sum(len(v) for v in placed.values()),
        "duplicate_orders": duplicates, "oversold": oversold,
        "counters": live["counters"], "differences": differences,
    }
