"""Parent orders, sub-orders, addresses and checkout: the order flow beyond placement."""

from __future__ import annotations

from transactional_api.events.envelope import Envelope

ORDER_FLOW_EVENTS: dict[str, type[Envelope]] = {}
