"""Reviews: submission by verified buyers, moderation, the shop's reply, and the reads.

- A shopper may review a SKU once per order line they bought, paid for and received
  (orders' lines_query says which lines those are).
- pending -> published | rejected (a reason required); nothing else moves. Each move is one
  conditional UPDATE (status still pending), so of two racing moderations exactly one
  changes the row and the other gets 409.
- Publishing adds the review to the product's rating row and to its search document in
  the same transaction, so readers never count a review twice or see one half-published.
- The merchant of the reviewed goods may set, replace or withdraw the shop's answer
  (merchant_reply, delete_reply); operators answer once (reply).
Every change writes its contract event (review_events.py) to the outbox in that transaction.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from transactional_api.events import review_events as rev
from transactional_api.events.outbox import emit
from transactional_api.orders import lines_query
from transactional_api.reviews import ratings
from transactional_api.reviews.models import PENDING, PUBLISHED, REJECTED, Review
from transactional_api.search import service as search

DECISIONS = {"publish": PUBLISHED, "reject": REJECTED}
NEXT = {PENDING: (PUBLISHED, REJECTED), PUBLISHED: (), REJECTED: ()}


def _require_product(session: Session, product_id: str, sku_id: str | None = None) -> None:
    found = catalog.product_skus(session=session, product_ids=[product_id],
                                 sku_ids=[sku_id] if sku_id else [])
    if product_id not in found:
        raise NotFound("product not found")
    if sku_id is not None and sku_id not in found[product_id]:
        raise Unprocessable("this SKU is not a variant of this product",
                            code="sku_not_in_product")


def submit(*, session: Session, user_id: str, product_id: str, order_id: str, sku_id: str,
           rating: int, text: str, photo_urls: list[str]) -> Review:
    """A pending review of the first line of sku_id in order_id not reviewed yet."""
    _require_product(session, product_id, sku_id)
    lines = lines_query.purchased_lines(session=session, user_id=user_id, order_id=order_id,
                                        sku_id=sku_id)
    if not lines:
        raise Forbidden("only shoppers who bought this SKU in this order may review it",
                        code="not_verified_buyer")
    delivered = [line for line in lines if line.delivered]
    if not delivered:
        raise Forbidden("the order line has not been delivered yet", code="not_delivered")
    reviewed = set(session.scalars(select(Review.order_line_id).where(
        Review.order_line_id.in_([line.line_id for line in delivered]))))
    line = next((x for x in delivered if x.line_id not in reviewed), None)
    if line is None:
        raise Conflict("this order line has already been reviewed", code="already_reviewed")
    review = Review(order_line_id=line.line_id, order_id=order_id, product_id=product_id,
                    sku_id=sku_id, merchant_id=line.merchant_id, user_id=user_id,
                    rating=rating, text=text, photo_urls=list(photo_urls), status=PENDING,
                    created_at=clock.now())
    try:
        with session.begin_nested():  # a concurrent submission may win the line's key
            session.add(review)
    except IntegrityError:
        raise Conflict("this order line has already been reviewed",
                       code="already_reviewed") from None
    emit(session=session, event=rev.ReviewSubmitted(
        occurred_at=review.created_at, user_id=user_id, payload=rev.ReviewSubmittedPayload(
            review_id=review.id, product_id=product_id, sku_id=sku_id, order_id=order_id,
            merchant_id=line.merchant_id, rating=rating, text_length=len(text),
            photo_count=len(photo_urls))))
    return review


def _get(session: Session, review_id: str) -> Review:
    review = session.scalar(select(Review).where(Review.id == review_id)
                            .execution_options(populate_existing=True))
    if review is None:
        raise NotFound("review not found")
    return review


def moderate(*, session: Session, review_id: str, actor_id: str, decision: str,
             reason: str | None) -> Review:
    target = DECISIONS[decision]
    if target == REJECTED and not (reason and reason.strip()):
        raise Unprocessable("a rejection needs a reason", code="reason_required")
    now = clock.now()
    moved = session.execute(
        update(Review).where(Review.id == review_id, Review.status == PENDING)
        .values(status=target, reject_reason=reason if target == REJECTED else None,
                moderated_by=actor_id, moderated_at=now)).rowcount
    review = _get(session, review_id)
    if not moved:
        raise Conflict(f"cannot move a review from {review.status} to {target}",
                       code="illegal_transition",
                       details={"from": review.status, "to": target,
                                "allowed": list(NEXT[review.status])})
    if target == PUBLISHED:
        summary = ratings.add_published(session=session, product_id=review.product_id,
                                        rating=review.rating)
        search.update_ratings(session=session, product_id=review.product_id,
                              rating_count=summary.count,
                              rating_avg_centi=summary.average_centi or 0)
    emit(session=session, event=rev.ReviewModerated(
        occurred_at=now, user_id=actor_id, payload=rev.ReviewModeratedPayload(
            review_id=review.id, product_id=review.product_id, sku_id=review.sku_id,
            merchant_id=review.merchant_id, author_id=review.user_id, rating=review.rating,
            from_status=PENDING, to_status=target, reason=reason)))
    return review


def reply(*, session: Session, review_id: str, actor_id: str, text: str) -> Review:
    """The shop's one answer to a published review."""
    now = clock.now()
    moved = session.execute(
        update(Review).where(Review.id == review_id, Review.status == PUBLISHED,
                             Review.reply_text.is_(None))
        .values(reply_text=text, replied_by=actor_id, replied_at=now)).rowcount
    review = _get(session, review_id)
    if not moved:
        if review.status != PUBLISHED:
            raise Conflict(f"only a published review can be answered; this one is "
                           f"{review.status}", code="not_published")
        raise Conflict("this review already has a reply", code="already_replied")
    emit(session=session, event=rev.ReviewReplied(
        occurred_at=now, user_id=actor_id, payload=rev.ReviewRepliedPayload(
            review_id=review.id, product_id=review.product_id,
            merchant_id=review.merchant_id, author_id=review.user_id,
            text_length=len(text))))
    return review


def _merchants(session: Session, review_id: str, merchant_id: str) -> Review:
    """The review, if it is of the merchant's goods; another merchant's answers exactly as
    a missing one (same 404), so staff cannot tell a foreign id from a made-up one."""
    review = session.scalar(select(Review).where(Review.id == review_id,
                                                 Review.merchant_id == merchant_id))
    if review is None:
        raise NotFound("review not found")
    return review


def merchant_reply(*, session: Session, review_id: str, merchant_id: str, actor_id: str,
                   text: str) -> Review:
    """Set or replace the merchant's answer to a published review of their goods. Each
    write is one review_replied event; the same text again changes nothing and emits
    nothing (a retried PUT)."""
    _merchants(session, review_id, merchant_id)
    now = clock.now()
    moved = session.execute(
        update(Review).where(Review.id == review_id, Review.merchant_id == merchant_id,
                             Review.status == PUBLISHED,
                             or_(Review.reply_text.is_(None), Review.reply_text != text))
        .values(reply_text=text, replied_by=actor_id, replied_at=now)).rowcount
    review = _get(session, review_id)
    if not moved:
        if review.status != PUBLISHED:
            raise Conflict(f"only a published review can be answered; this one is "
                           f"{review.status}", code="not_published")
        return review  # already this very reply
    emit(session=session, event=rev.ReviewReplied(
        occurred_at=now, user_id=actor_id, payload=rev.ReviewRepliedPayload(
            review_id=review.id, product_id=review.product_id,
            merchant_id=review.merchant_id, author_id=review.user_id,
            text_length=len(text))))
    return review


def delete_reply(*, session: Session, review_id: str, merchant_id: str,
                 actor_id: str) -> None:
    """Withdraw the merchant's answer; 404 reply_not_found when there is none (so of two
    racing deletions one emits review_reply_deleted and the other 404s)."""
    review = _merchants(session, review_id, merchant_id)
    gone = session.execute(
        update(Review).where(Review.id == review_id, Review.merchant_id == merchant_id,
                             Review.reply_text.is_not(None))
        .values(reply_text=None, replied_by=None, replied_at=None)).rowcount
    if not gone:
        raise NotFound("this review has no reply", code="reply_not_found")
    emit(session=session, event=rev.ReviewReplyDeleted(
        occurred_at=clock.now(), user_id=actor_id, payload=rev.ReviewReplyDeletedPayload(
            review_id=review.id, product_id=review.product_id,
            merchant_id=review.merchant_id, author_id=review.user_id)))


def for_merchant(*, session: Session, merchant_id: str, replied: bool | None,
                 product_id: str | None, limit: int, offset: int
                 ) -> tuple[list[Review], int]:
    """The published reviews of the merchant's goods, newest first (replied=false: the ones
    still to answer). Pending and rejected texts stay with the operators."""
    query = select(Review).where(Review.merchant_id == merchant_id,
                                 Review.status == PUBLISHED)
    if replied is not None:
        query = query.where(Review.reply_text.is_not(None) if replied
                            else Review.reply_text.is_(None))
    if product_id is not None:
        query = query.where(Review.product_id == product_id)
    return _page(session, query, (Review.created_at.desc(), Review.id.desc()), limit, offset)


def published(*, session: Session, product_id: str, limit: int, offset: int
              ) -> tuple[list[Review], ratings.RatingSummary]:
    """A page of the product's published reviews, newest first, and its rating summary
    (whose count is the number of published reviews: both change in one transaction)."""
    _require_product(session, product_id)
    rows = session.scalars(
        select(Review).where(Review.product_id == product_id, Review.status == PUBLISHED)
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit).offset(offset))
    return list(rows), ratings.summary(session=session, product_id=product_id)


def _page(session: Session, query, order, limit: int, offset: int) -> tuple[list[Review], int]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(*order).limit(limit).offset(offset))), total


def for_operators(*, session: Session, status: str | None, product_id: str | None,
                  limit: int, offset: int) -> tuple[list[Review], int]:
    """Oldest first: the moderation queue is worked in the order reviews came in."""
    query = select(Review)
    if status is not None:
        query = query.where(Review.status == status)
    if product_id is not None:
        query = query.where(Review.product_id == product_id)
    return _page(session, query, (Review.created_at, Review.id), limit, offset)


def own(*, session: Session, user_id: str, limit: int, offset: int
        ) -> tuple[list[Review], int]:
    """The author's reviews in every state, newest first."""
    query = select(Review).where(Review.user_id == user_id)
    return _page(session, query, (Review.created_at.desc(), Review.id.desc()), limit, offset)

