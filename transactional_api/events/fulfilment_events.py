"""Shipments, tracking, after-sales requests and invoices."""

from __future__ import annotations

from transactional_api.events.envelope import Envelope

FULFILMENT_EVENTS: dict[str, type[Envelope]] = {}
