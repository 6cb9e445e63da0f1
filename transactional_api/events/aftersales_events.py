"""After-sales requests (refund only, return and refund, exchange), decisions, returns."""

from __future__ import annotations

from transactional_api.events.envelope import Envelope

AFTERSALES_EVENTS: dict[str, type[Envelope]] = {}
