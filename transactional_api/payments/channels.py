"""Payment channels behind one interface.

A channel starts collecting a payment and later reports the outcome by a signed callback.
When a callback never comes (the process died, the provider lost it), the payment sweeper
asks the channel directly with ``lookup``: the same answer the callback would have carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ProviderEvent:
    """What a provider says about a payment, by callback or when asked."""

    provider_event_id: str
    payment_id: str
    status: str  # succeeded | failed
    amount_cents: int
    currency: str
    occurred_at: datetime
    reason: str | None = None


class PaymentChannel(Protocol):
    name: str

    def start(self, *, session: Session, payment_id: str, amount_cents: int, currency: str,
              started_at: datetime, options: dict) -> None:
        """Begin collecting the payment; called inside the transaction that creates it."""

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        """The provider's outcome; None when it has never heard of the payment. Raises
        LookupPending while the provider is still working on it."""


class LookupPending(Exception):
    """The provider has the payment but no outcome yet."""
