"""The order state machine; every transition not listed here is refused with 409."""

from __future__ import annotations

from transactional_api.core.errors import Conflict

PENDING_PAYMENT = "pending_payment"
PAID = "paid"
SHIPPED = "shipped"
COMPLETED = "completed"
CANCELLED = "cancelled"

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING_PAYMENT: frozenset({PAID, CANCELLED}),
    PAID: frozenset({SHIPPED}),
    SHIPPED: frozenset({COMPLETED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise Conflict(
            f"cannot move an order from {current} to {target}",
            code="illegal_transition",
            details={"from": current, "to": target,
                     "allowed": sorted(TRANSITIONS.get(current, ()))},
        )
