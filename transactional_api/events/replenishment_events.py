"""Replenishment: an operator accepted a reorder suggestion into a draft purchase order, so
the warehouse can tell how many suggestions became orders (and of what size)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Envelope, Id, Quantity, Strict


class ReorderSuggestionAcceptedPayload(Strict):
    suggestion_id: Annotated[str, Field(min_length=1, max_length=120)]
    sku_id: Id
    location_id: Id
    supplier_id: Id
    purchase_order_id: Id
    quantity: Quantity
    suggested_quantity: Quantity
    as_of: date


class ReorderSuggestionAccepted(Envelope):
    event_type: Literal["reorder_suggestion_accepted"] = "reorder_suggestion_accepted"
    payload: ReorderSuggestionAcceptedPayload


REPLENISHMENT_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (ReorderSuggestionAccepted,)
}
