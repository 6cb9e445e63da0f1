"""Payments, their transaction ledger, refunds, wallets and reconciliation."""

from __future__ import annotations

from transactional_api.events.envelope import Envelope

PAYMENT_EVENTS: dict[str, type[Envelope]] = {}
