"""Carriers behind one small interface; a carrier is added by registering a class.

A carrier hands out tracking numbers (when the operator has none), learns about a new
shipment in the shipment's own transaction (``book``), and tells us what happened through
a signed callback that it alone knows how to authenticate and read (``authenticate``,
``parse``). Everything after parsing (dedupe, ordering, sub-order moves) is ours and the
same for every carrier: see tracking.py.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session

from transactional_api.config import Settings

# Progress along the way; "exception" is a detour outside it (see tracking.py).
PROGRESS = ("label_created", "accepted", "in_transit", "out_for_delivery", "delivered")
EVENT_STATUSES = frozenset({"accepted", "in_transit", "out_for_delivery", "exception",
                            "delivered"})


@dataclass(frozen=True)
class CarrierEvent:
    """One tracking event, already read from the carrier's own wire format."""

    event_id: str
    tracking_number: str
    status: str
    occurred_at: datetime
    location: str | None = None
    description: str | None = None


class CarrierBase:
    name: ClassVar[str]
    label: ClassVar[str]

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> CarrierBase:
        raise NotImplementedError

    def tracking_number(self, *, shipment_id: str) -> str:
        """A new tracking number, for an operator who did not give one."""
        raise NotImplementedError

    def book(self, *, session: Session, shipment, at: datetime) -> None:
        """Told of a new shipment inside its transaction (a real carrier: nothing to do,
        or queue a pickup request)."""

    def authenticate(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def parse(self, raw: bytes) -> CarrierEvent:
        """Raises ValueError on a body it cannot read."""
        raise NotImplementedError


REGISTRY: dict[str, type[CarrierBase]] = {}


def register(cls: type[CarrierBase]) -> type[CarrierBase]:
    REGISTRY[cls.name] = cls
    return cls


def carrier_secret(settings: Settings, payment_secret: str) -> str:
    """FLYWHEEL_CARRIER_WEBHOOK_SECRET, or one derived from the installation's webhook
    secret: stored nowhere new, the same in every worker, and a payment callback's
    signature is never valid as a carrier's (nor the other way round)."""
    if settings.carrier_webhook_secret:
        return settings.carrier_webhook_secret
    return hmac.new(payment_secret.encode(), b"flywheel/carrier-webhooks/v1",
                    hashlib.sha256).hexdigest()


def build(settings: Settings, *, secret: str) -> dict[str, CarrierBase]:
    """The enabled carriers by name (the sandbox only where sandboxes are on)."""
    # Imported for its @register side effect.
    from transactional_api.fulfillment import sandbox_carrier  # noqa: F401

    names = settings.carriers if settings.carriers is not None else (
        ["sandbox"] if settings.carrier_sandbox_on else [])
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise ValueError(f"unknown carriers in FLYWHEEL_CARRIERS: {unknown}")
    return {n: REGISTRY[n].from_settings(settings, secret=secret) for n in names}
