"""Reorder suggestions as the pipelines published them (Redis), and the one call that turns
one into a draft purchase order through procurement.

Idempotent per published suggestion: the first call claims the suggestion with a unique
row (replenishment_orders.suggestion_id) before asking procurement for the draft, in one
transaction, so two concurrent calls make one draft; the loser's transaction rolls back
whole and the call answers with the winner's draft.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

import redis
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events.outbox import emit
from transactional_api.events.replenishment_events import ReorderSuggestionAccepted
from transactional_api.replenishment import keys, supply
from transactional_api.replenishment.models import ReplenishmentOrder
from transactional_api.replenishment.schemas import DraftOrderOut, SuggestionList, SuggestionOut

log = logging.getLogger("flywheel.replenishment")
SOURCE = "replenishment"  # the purchase order's source


def published(*, redis_client: redis.Redis | None) -> SuggestionList:
    """What the pipelines published; empty when Redis is absent or down, nothing was
    published yet, or the value is not the agreed shape (entries that are not are skipped)."""
    empty = SuggestionList(as_of=None, generated_at=None, items=[])
    if redis_client is None:
        return empty
    try:
        raw = redis_client.get(keys.SUGGESTIONS)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("reorder suggestions unavailable", extra={"error": str(exc)})
        return empty
    if not raw:
        return empty
    try:
        doc = json.loads(raw)
        listing = SuggestionList(as_of=doc.get("as_of"), generated_at=doc.get("generated_at"),
                                 items=[])
    except (ValueError, AttributeError, ValidationError):
        log.warning("reorder suggestions key holds no suggestion list")
        return empty
    for entry in doc.get("suggestions") or []:
        try:
            listing.items.append(SuggestionOut.model_validate(entry))
        except ValidationError:
            log.warning("skipped a malformed reorder suggestion")
    return listing


def find(*, redis_client: redis.Redis | None, sku_id: str, location_id: str) -> SuggestionOut:
    for item in published(redis_client=redis_client).items:
        if item.sku_id == sku_id and item.location_id == location_id:
            return item
    raise NotFound("no reorder suggestion is published for this SKU and location",
                   code="no_suggestion", details={"sku_id": sku_id, "location_id": location_id})


def _out(row: ReplenishmentOrder) -> DraftOrderOut:
    return DraftOrderOut(suggestion_id=row.suggestion_id, sku_id=row.sku_id,
                         location_id=row.location_id, supplier_id=row.supplier_id,
                         purchase_order_id=row.purchase_order_id,
                         quantity=row.quantity, accepted_at=row.accepted_at)


def existing(*, session: Session, suggestion_id: str) -> DraftOrderOut | None:
    row = session.scalar(select(ReplenishmentOrder)
                         .where(ReplenishmentOrder.suggestion_id == suggestion_id))
    return None if row is None else _out(row)


def order_quantity(suggested: int, moq: int) -> int:
    """The suggested units, at least the contract's minimum order quantity."""
    return max(int(suggested), int(moq), 1)


def accept(*, session: Session, suggestion: SuggestionOut, actor_id: str,
           now: datetime) -> tuple[DraftOrderOut, bool]:
    """The draft purchase order of a published suggestion: (draft, True) when this call made
    it, (draft, False) when an earlier call had. 409 `no_contract` when no supplier has a
    contract for the SKU (the suggestion then names no supplier to order from)."""
    found = existing(session=session, suggestion_id=suggestion.suggestion_id)
    if found is not None:
        return found, False
    terms = supply.terms_for(session=session, sku_id=suggestion.sku_id)
    if terms is None:
        raise Conflict("no supplier has a contract for this SKU", code="no_contract",
                       details={"sku_id": suggestion.sku_id})
    quantity = order_quantity(suggestion.quantity, terms.moq)
    row = ReplenishmentOrder(
        id=str(uuid.uuid4()), suggestion_id=suggestion.suggestion_id,
        sku_id=suggestion.sku_id, location_id=suggestion.location_id,
        supplier_id=terms.supplier_id, quantity=quantity,
        suggested_quantity=max(1, suggestion.quantity), accepted_by=actor_id, accepted_at=now)
    session.add(row)
    session.flush()  # the claim: a concurrent second call fails here, before any draft
    from transactional_api.procurement import service as procurement

    po = procurement.create_draft_po(
        session=session, supplier_id=terms.supplier_id, location_id=suggestion.location_id,
        lines=[(suggestion.sku_id, quantity)], source=SOURCE)
    row.purchase_order_id = po.id
    emit(session=session, event=ReorderSuggestionAccepted(
        occurred_at=now, user_id=actor_id, payload={
            "suggestion_id": suggestion.suggestion_id, "sku_id": suggestion.sku_id,
            "location_id": suggestion.location_id, "supplier_id": terms.supplier_id,
            "purchase_order_id": po.id, "quantity": quantity,
            "suggested_quantity": max(1, suggestion.quantity), "as_of": suggestion.as_of}))
    session.flush()
    return _out(row), True
