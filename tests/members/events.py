"""Contract events the members consumer reads, as the order, payment and review code
write them."""

from __future__ import annotations

from datetime import datetime

from transactional_api.events.contract import OrderPaid, OrderPaidPayload
from transactional_api.events.payment_events import RefundSucceeded, RefundSucceededPayload
from transactional_api.events.review_events import ReviewModerated, ReviewModeratedPayload


def paid(user_id: str, order_id: str, cents: int, at: datetime) -> OrderPaid:
    return OrderPaid(user_id=user_id, occurred_at=at, payload=OrderPaidPayload(
        order_id=order_id, payment_id=f"pay-{order_id}", amount_cents=cents, currency="USD"))


def refunded(user_id: str, order_id: str, cents: int, at: datetime) -> RefundSucceeded:
    return RefundSucceeded(user_id=user_id, occurred_at=at, payload=RefundSucceededPayload(
        refund_id=f"ref-{order_id}-{cents}", payment_id=f"pay-{order_id}", order_id=order_id,
        amount_cents=cents, currency="USD", reason="returned", channel="sandbox"))


def moderated(author_id: str, review_id: str, from_status: str, to_status: str,
              at: datetime) -> ReviewModerated:
    return ReviewModerated(user_id="operator-1", occurred_at=at, payload=ReviewModeratedPayload(
        review_id=review_id, product_id="p1", sku_id="s1", merchant_id="m1",
        author_id=author_id, rating=5, from_status=from_status, to_status=to_status))
