"""The state machine of one after-sales request.

    requested ─┬─ approved ─┬─ refunded ──────────────────────────── closed   (refund_only)
               │            └─ return_in_transit ─ received ─┬─ refunded ─ closed
               │                                             ├─ exchanged ─ closed
               │                                             └─ closed (nothing accepted)
               └─ rejected ─ closed

A shopper may withdraw a request before the goods travel (requested, approved -> closed).
Every move not listed answers 409 illegal_transition and changes nothing.
"""

from __future__ import annotations

from transactional_api.core.errors import Conflict

REFUND_ONLY, RETURN_REFUND, EXCHANGE = "refund_only", "return_refund", "exchange"
TYPES = (REFUND_ONLY, RETURN_REFUND, EXCHANGE)
REASON_CODES = ("damaged", "wrong_item", "not_as_described", "no_longer_needed", "late",
                "other")

REQUESTED, APPROVED, REJECTED = "requested", "approved", "rejected"
RETURN_IN_TRANSIT, RECEIVED = "return_in_transit", "received"
REFUNDED, EXCHANGED, CLOSED = "refunded", "exchanged", "closed"
STATUSES = (REQUESTED, APPROVED, REJECTED, RETURN_IN_TRANSIT, RECEIVED, REFUNDED, EXCHANGED,
            CLOSED)

TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({APPROVED, REJECTED, CLOSED}),
    APPROVED: frozenset({REFUNDED, RETURN_IN_TRANSIT, CLOSED}),
    REJECTED: frozenset({CLOSED}),
    RETURN_IN_TRANSIT: frozenset({RECEIVED}),
    RECEIVED: frozenset({REFUNDED, EXCHANGED, CLOSED}),
    REFUNDED: frozenset({CLOSED}),
    EXCHANGED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}

# resolutions recorded on close
RES_REFUNDED, RES_EXCHANGED, RES_REJECTED = "refunded", "exchanged", "rejected"
RES_WITHDRAWN, RES_NOTHING = "withdrawn", "nothing_accepted"


def check(current: str, target: str) -> None:
    allowed = TRANSITIONS.get(current, frozenset())
    if target not in allowed:
        raise Conflict(f"cannot move an after-sales request from {current} to {target}",
                       code="illegal_transition",
                       details={"from": current, "to": target, "allowed": sorted(allowed)})
