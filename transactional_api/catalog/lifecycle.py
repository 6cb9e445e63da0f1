"""Product lifecycle: draft -> pending_review -> listed -> delisted, reviewed by operators,
each move audited and emitted. Any other move answers 409 and changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.models import Product, ProductStatusChange
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events.catalog_events import (
    ProductStatusChanged,
    ProductStatusChangedPayload,
)
from transactional_api.events.outbox import emit

DRAFT, PENDING, LISTED, DELISTED = "draft", "pending_review", "listed", "delisted"
# action -> (allowed from, to, reason required)
ACTIONS: dict[str, tuple[frozenset[str], str, bool]] = {
    "submit": (frozenset({DRAFT, DELISTED}), PENDING, False),
    "approve": (frozenset({PENDING}), LISTED, False),
    "reject": (frozenset({PENDING}), DRAFT, True),
    "delist": (frozenset({LISTED}), DELISTED, True),
    "relist": (frozenset({DELISTED}), LISTED, False),
}


def record(session: Session, product: Product, *, action: str, from_status: str | None,
           to_status: str, reason: str | None, actor_id: str | None) -> None:
    now = clock.now()
    product.status = to_status
    product.updated_at = now
    if to_status == LISTED:
        product.listed_at = now
    session.add(ProductStatusChange(product_id=product.id, action=action,
                                    from_status=from_status, to_status=to_status,
                                    reason=reason, actor_id=actor_id, created_at=now))
    emit(session=session, event=ProductStatusChanged(
        occurred_at=now, user_id=actor_id, payload=ProductStatusChangedPayload(
            product_id=product.id, merchant_id=product.merchant_id, from_status=from_status,
            to_status=to_status, action=action, reason=reason)))


def transition(*, session: Session, product_id: str, action: str, reason: str | None,
               actor_id: str | None) -> Product:
    product = session.scalar(select(Product).where(Product.id == product_id).with_for_update()
                             .execution_options(populate_existing=True))
    if product is None:
        raise NotFound("product not found")
    allowed, target, needs_reason = ACTIONS[action]
    if product.status not in allowed:
        raise Conflict(f"cannot {action} a product that is {product.status}",
                       code="illegal_transition",
                       details={"from": product.status, "action": action,
                                "allowed_actions": sorted(a for a, (src, _, _) in
                                                          ACTIONS.items()
                                                          if product.status in src)})
    if needs_reason and not reason:
        raise Unprocessable(f"{action} needs a reason", code="reason_required")
    record(session, product, action=action, from_status=product.status, to_status=target,
           reason=reason, actor_id=actor_id)
    return product


def audit(*, session: Session, product_id: str) -> tuple[Product, list[ProductStatusChange]]:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("product not found")
    changes = list(session.scalars(
        select(ProductStatusChange).where(ProductStatusChange.product_id == product_id)
        .order_by(ProductStatusChange.id)))
    return product, changes
