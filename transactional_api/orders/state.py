"""The two order statuses.

Each sub-order runs the fulfilment-side machine below; every transition not listed is
refused with 409 and changes nothing. The parent's customer-facing status is derived from
its sub-orders (``derive``), never set by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from transactional_api.core.errors import Conflict

# customer-facing (the parent order)
PENDING_PAYMENT = "pending_payment"
PAID = "paid"
PREPARING = "preparing"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
AFTER_SALES = "after_sales"
CANCELLED = "cancelled"

# fulfilment-side (each sub-order)
AWAITING_PAYMENT = "awaiting_payment"
ALLOCATED = "allocated"
PICKING = "picking"
PACKED = "packed"
SUB_SHIPPED = "shipped"
SUB_DELIVERED = "delivered"
SUB_COMPLETED = "completed"
SUB_CANCELLED = "cancelled"

TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING_PAYMENT: frozenset({ALLOCATED, SUB_CANCELLED}),
    ALLOCATED: frozenset({PICKING, SUB_CANCELLED}),
    PICKING: frozenset({PACKED, SUB_CANCELLED}),
    PACKED: frozenset({SUB_SHIPPED, SUB_CANCELLED}),
    SUB_SHIPPED: frozenset({SUB_DELIVERED}),
    SUB_DELIVERED: frozenset({SUB_COMPLETED}),
    SUB_COMPLETED: frozenset(),
    SUB_CANCELLED: frozenset(),
}
# Virtual goods are delivered the moment the supplier confirms them.
VIRTUAL_TRANSITIONS = {**TRANSITIONS, ALLOCATED: frozenset({SUB_DELIVERED, SUB_CANCELLED})}
BEFORE_SHIPPING = frozenset({AWAITING_PAYMENT, ALLOCATED, PICKING, PACKED})
FORWARD_TO_SHIPPED = (PICKING, PACKED, SUB_SHIPPED)

CUSTOMER_OF = {AWAITING_PAYMENT: PENDING_PAYMENT, ALLOCATED: PAID, PICKING: PREPARING,
               PACKED: PREPARING, SUB_SHIPPED: SHIPPED, SUB_DELIVERED: DELIVERED,
               SUB_COMPLETED: COMPLETED, SUB_CANCELLED: CANCELLED}
_PROGRESS = (PENDING_PAYMENT, PAID, PREPARING, SHIPPED, DELIVERED, COMPLETED)


def transitions_for(kind: str) -> dict[str, frozenset[str]]:
    return VIRTUAL_TRANSITIONS if kind == "virtual" else TRANSITIONS


def check_transition(current: str, target: str, kind: str = "physical") -> None:
    allowed = transitions_for(kind).get(current, frozenset())
    if target not in allowed:
        raise Conflict(f"cannot move a sub-order from {current} to {target}",
                       code="illegal_transition",
                       details={"from": current, "to": target, "allowed": sorted(allowed)})


def customer_status(sub_status: str, after_sales_open: bool = False) -> str:
    return AFTER_SALES if after_sales_open else CUSTOMER_OF[sub_status]


def derive(subs: Iterable[tuple[str, bool]]) -> str:
    """(sub status, after-sales open) pairs -> the parent's status: after-sales while any
    request is open, cancelled when nothing is left, else the least advanced sub-order."""
    subs = list(subs)
    if any(open_ for _, open_ in subs):
        return AFTER_SALES
    live = [CUSTOMER_OF[s] for s, _ in subs if s != SUB_CANCELLED]
    if not live:
        return CANCELLED
    return min(live, key=_PROGRESS.index)
