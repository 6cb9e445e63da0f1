"""Payment channels behind one interface.

A channel starts collecting a payment and later reports the outcome by a signed callback
(or at once, like the wallet). When a callback never comes (the process died, the provider
lost it), the payment sweeper asks the channel directly with ``lookup``: the same answer
the callback would have carried. Refunds go back through the channel that took the money,
and each channel produces a daily statement that reconciliation compares with our ledger.
New channels are added by registering a class (see registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

# Payment statuses. In progress: requires_action (the shopper must act at the provider),
# pending (the provider is working), authorized (card approved, capture to follow).
REQUIRES_ACTION, PENDING, AUTHORIZED = "requires_action", "pending", "authorized"
SUCCEEDED, FAILED = "succeeded", "failed"
# Money was captured that the order cannot take: owed back, refunded by the sweeper.
REFUND_DUE = "refund_due"
REFUNDED = "refunded"  # every captured cent went back
IN_PROGRESS = (REQUIRES_ACTION, PENDING, AUTHORIZED)


@dataclass(frozen=True)
class ProviderEvent:
    """What a provider says about a payment, by callback or when asked."""

    provider_event_id: str
    payment_id: str
    status: str  # authorized | succeeded | failed
    amount_cents: int
    currency: str
    occurred_at: datetime
    reason: str | None = None
    # The provider's id of the money movement (what its statement lists).
    provider_reference: str | None = None
    # Card channel only: the provider's token and the last four digits, never the number.
    card_token: str | None = None
    card_last4: str | None = None


@dataclass(frozen=True)
class StartResult:
    status: str = PENDING
    # What the shopper does next (a hosted page to visit, transfer instructions).
    next_action: dict | None = None
    provider_reference: str | None = None
    # Keep the order (and its stock) payable until then: slow channels like bank transfer.
    hold_until: datetime | None = None
    # An outcome known at once (the wallet): applied in the same transaction.
    event: ProviderEvent | None = None


@dataclass(frozen=True)
class StatementEntry:
    """One money movement as the channel's own records show it."""

    channel: str
    kind: str  # captured | refunded
    payment_id: str | None
    amount_cents: int
    currency: str
    provider_reference: str
    occurred_at: datetime


class PaymentChannel(Protocol):
    name: str

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult | None:
        """Begin collecting the payment; called inside the transaction that creates it."""

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        """The provider's outcome; None when it has never heard of the payment. Raises
        LookupPending while the provider is still working on it."""

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        """Give money back in the caller's transaction; returns the provider's reference."""

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        """The channel's captures and refunds of one (UTC) day."""

    def void(self, *, session: Session, payment_id: str) -> None:
        """Stop an unfinished payment the shopper replaced by another one."""


class LookupPending(Exception):
    """The provider has the payment but no outcome yet."""
