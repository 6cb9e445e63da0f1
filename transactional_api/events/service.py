"""Behaviour events from storefront clients: validate each against the contract, the server
clock and the catalog, and store the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.cart.service import MAX_QUANTITY
from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.events.contract import behaviour_adapter
from transactional_api.events.models import OutboxEvent
from transactional_api.events.outbox import emit

Errors = list[dict[str, Any]]
CART_EVENTS = frozenset({"add_to_cart", "remove_from_cart"})
PRODUCT_EVENTS = CART_EVENTS | {"product_view", "recommendation_shown",
                                "recommendation_clicked"}


def _error(loc: list[str], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}


def _shift(moment: datetime, seconds: int) -> datetime:
    # A simulated clock near year 1 or 9999 must not turn the window into a 500.
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return (datetime.min if seconds < 0 else datetime.max).replace(tzinfo=UTC)


def _window_errors(event: Any, earliest: datetime, latest: datetime) -> Errors:
    if earliest <= event.occurred_at <= latest:
        return []
    # Outside it, an event would open lake partitions the pipelines never look back to.
    return [_error(["occurred_at"], f"occurred_at must lie between {earliest.isoformat()} and "
                   f"{latest.isoformat()} (server time)", "occurred_at_out_of_range")]


def _catalog_errors(event: Any, known: dict[str, set[str]]) -> Errors:
    if event.event_type not in PRODUCT_EVENTS:
        return []
    payload, errors = event.payload, []
    if payload.product_id not in known:
        errors.append(_error(["payload", "product_id"], "no such product in the catalog",
                             "unknown_product"))
    elif getattr(payload, "sku_id", None) is not None and payload.sku_id not in known[
            payload.product_id]:
        errors.append(_error(["payload", "sku_id"], "no such SKU of this product",
                             "unknown_sku"))
    # The contract allows more (it describes the warehouse); no cart line holds more.
    if event.event_type in CART_EVENTS and payload.quantity > MAX_QUANTITY:
        errors.append(_error(["payload", "quantity"],
                             f"Input should be less than or equal to {MAX_QUANTITY}",
                             "less_than_equal"))
    return errors


def ingest_behaviour(
    *, session: Session, items: list[Any], user_id: str | None, max_lateness_seconds: int,
    max_future_skew_seconds: int,
) -> tuple[int, list[tuple[int, Errors]]]:
    """Returns (accepted, [(index, errors)]). The caller's identity overrides any user_id sent."""
    now = clock.now()
    earliest, latest = _shift(now, -max_lateness_seconds), _shift(now, max_future_skew_seconds)
    parsed, rejected = [], []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            rejected.append((i, [_error([], "event must be an object", "type")]))
            continue
        try:
            # Without occurred_at the event happened now, by the (possibly simulated) server clock.
            event = behaviour_adapter.validate_python(
                {"occurred_at": now, **item, "user_id": user_id})
        except ValidationError as exc:
            rejected.append((i, [_error(list(e["loc"]), e["msg"], e["type"])
                                 for e in exc.errors(include_url=False)]))
            continue
        parsed.append((i, event))
    mentioned = [e.payload for _, e in parsed if e.event_type in PRODUCT_EVENTS]
    known = catalog.product_skus(
        session=session, product_ids=sorted({p.product_id for p in mentioned}),
        sku_ids=sorted({p.sku_id for p in mentioned if getattr(p, "sku_id", None) is not None}))
    valid = []
    for i, event in parsed:
        errors = _window_errors(event, earliest, latest) + _catalog_errors(event, known)
        if errors:
            rejected.append((i, errors))
        else:
            valid.append(event)
    rejected.sort(key=lambda r: r[0])
    # A client retrying a batch resends the same event_ids: store each once.
    ids = [e.event_id for e in valid]
    known_ids = set(session.scalars(
        select(OutboxEvent.event_id).where(OutboxEvent.event_id.in_(ids))))
    seen: set[str] = set()
    for event in valid:
        if event.event_id in known_ids or event.event_id in seen:
            continue
        seen.add(event.event_id)
        emit(session=session, event=event)
    return len(valid), rejected
