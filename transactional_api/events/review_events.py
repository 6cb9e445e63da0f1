"""Reviews: a verified buyer's review of a SKU, its moderation and the merchant's reply.

Texts stay in the OLTP (personal, unbounded in meaning); the events carry their lengths.
The members work (growth value, points) credits the review's author on review_moderated
with to_status "published": that event names the author, since its envelope's user_id is
the operator who moderated.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Count, Envelope, Id, Strict

Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
ReviewStatus = Literal["pending", "published", "rejected"]


class ReviewSubmittedPayload(Strict):
    """A review written by the envelope's user_id, pending moderation."""

    review_id: Id
    product_id: Id
    sku_id: Id
    order_id: Id
    merchant_id: Id
    rating: Rating
    text_length: Count
    photo_count: Count


class ReviewModeratedPayload(Strict):
    """An operator (the envelope's user_id) published or rejected the author's review."""

    review_id: Id
    product_id: Id
    sku_id: Id
    merchant_id: Id
    author_id: Id
    rating: Rating
    from_status: ReviewStatus
    to_status: Literal["published", "rejected"]
    reason: str | None = Field(None, max_length=500)


class ReviewRepliedPayload(Strict):
    """The shop answered a published review (the envelope's user_id wrote the reply)."""

    review_id: Id
    product_id: Id
    merchant_id: Id
    author_id: Id
    text_length: Count


class ReviewReplyDeletedPayload(Strict):
    """The shop withdrew its answer (the envelope's user_id withdrew it)."""

    review_id: Id
    product_id: Id
    merchant_id: Id
    author_id: Id


class ReviewSubmitted(Envelope):
    event_type: Literal["review_submitted"] = "review_submitted"
    payload: ReviewSubmittedPayload


class ReviewModerated(Envelope):
    event_type: Literal["review_moderated"] = "review_moderated"
    payload: ReviewModeratedPayload


class ReviewReplied(Envelope):
    event_type: Literal["review_replied"] = "review_replied"
    payload: ReviewRepliedPayload


class ReviewReplyDeleted(Envelope):
    event_type: Literal["review_reply_deleted"] = "review_reply_deleted"
    payload: ReviewReplyDeletedPayload


REVIEW_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (ReviewSubmitted, ReviewModerated, ReviewReplied, ReviewReplyDeleted)
}
