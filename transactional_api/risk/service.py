"""Risk decisions recorded, orders held for review, and the operators' verdicts.

A decision row and its risk_decision_made event are written in the caller's transaction.
A challenged order stays pending payment with every sub-order paused for "risk_review"
(the orders domain's own pause, so nothing can allocate, pick or ship it) and its stock
held for settings.risk_review_hold_seconds; it cannot be paid while the review is open.
Approving resumes it and gives the shopper the usual payment window again; rejecting
cancels it through the orders domain, which releases its stock and returns its points.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import risk_events as rev
from transactional_api.events.outbox import emit
from transactional_api.orders import intercept, state
from transactional_api.orders import service as orders
from transactional_api.risk.models import APPROVED, OPEN, REJECTED, RiskDecision, RiskReview
from transactional_api.risk.rules import Decision

HOLD_REASON = "risk_review"


def record(*, session: Session, action: str, decision: Decision, user_id: str | None,
           order_id: str | None = None, at: datetime | None = None) -> RiskDecision:
    """at: the decision's time when it must equal its subject's (a challenged review's
    decision is found by its user, order and time: review_flags)."""
    now = at or clock.now()
    row = RiskDecision(action=action, outcome=decision.outcome, score=decision.score,
                       reasons=list(decision.reasons), user_id=user_id, order_id=order_id,
                       created_at=now)
    session.add(row)
    session.flush()
    emit(session=session, event=rev.RiskDecisionMade(
        occurred_at=now, user_id=user_id, payload=rev.RiskDecisionMadePayload(
            decision_id=row.id, action=action, outcome=decision.outcome, score=decision.score,
            reasons=list(decision.reasons), order_id=order_id)))
    return row


def review_flags(*, session: Session, reviews) -> dict[str, RiskDecision]:
    """review id -> the challenge its submission met. Reviews have no column for it: the
    decision carries the review's user, order and created_at (see gates.check_review)."""
    reviews = list(reviews)
    if not reviews:
        return {}
    rows = session.scalars(select(RiskDecision).where(
        RiskDecision.action == "review", RiskDecision.outcome == "challenge",
        RiskDecision.user_id.in_({r.user_id for r in reviews}),
        RiskDecision.order_id.in_({r.order_id for r in reviews})))
    found = {(d.user_id, d.order_id, d.created_at): d for d in rows}
    return {r.id: found[key] for r in reviews
            if (key := (r.user_id, r.order_id, r.created_at)) in found}


def hold_order(*, session: Session, order_id: str, decision: RiskDecision,
               hold_seconds: int) -> RiskReview:
    """Put an unpaid order on hold for an operator (idempotent: one review per order)."""
    existing = review_of(session=session, order_id=order_id)
    if existing is not None:
        return existing
    order = orders.get_order(session=session, order_id=order_id, user_id=None, lock=True)
    for sub in list(order.sub_orders):
        if sub.status in state.BEFORE_SHIPPING and not sub.paused:
            intercept.intercept(session=session, sub_order_id=sub.id, action="pause",
                                reason=HOLD_REASON, actor_id=None)
    orders.extend_payment_deadline(session=session, order_id=order.id,
                                   until=clock.now() + timedelta(seconds=hold_seconds))
    review = RiskReview(order_id=order.id, user_id=order.user_id, decision_id=decision.id,
                        action=decision.action, reasons=list(decision.reasons),
                        score=decision.score, total_cents=order.total_cents,
                        currency=order.currency, status=OPEN, created_at=clock.now())
    session.add(review)
    session.flush()
    return review


def review_of(*, session: Session, order_id: str) -> RiskReview | None:
    return session.scalar(select(RiskReview).where(RiskReview.order_id == order_id))


def ensure_payable(*, session: Session, order_id: str) -> RiskReview | None:
    """409 risk_review_pending while an operator has not approved the order."""
    review = review_of(session=session, order_id=order_id)
    if review is not None and review.status != APPROVED:
        raise Conflict("this order is being reviewed before it can be paid",
                       code="risk_review_pending", details={"status": review.status})
    return review


def list_reviews(*, session: Session, status: str | None, limit: int,
                 offset: int) -> tuple[list[RiskReview], int]:
    stmt = select(RiskReview)
    if status:
        stmt = stmt.where(RiskReview.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(RiskReview.created_at, RiskReview.id)
                           .limit(limit).offset(offset))
    return list(rows), total


def decide(*, session: Session, review_id: str, approve: bool, actor_id: str,
           note: str | None, payment_timeout_seconds: int) -> tuple[RiskReview, bool]:
    """(review, changed). The same verdict again changes nothing (changed False); the
    other verdict on a decided review is 409 review_decided."""
    verdict = APPROVED if approve else REJECTED
    review = session.scalar(select(RiskReview).where(RiskReview.id == review_id)
                            .with_for_update().execution_options(populate_existing=True))
    if review is None:
        raise NotFound("review not found", code="review_not_found")
    if review.status == verdict:
        return review, False
    if review.status != OPEN:
        raise Conflict(f"this review was already {review.status}", code="review_decided",
                       details={"status": review.status})
    order = orders.get_order(session=session, order_id=review.order_id, user_id=None,
                             lock=True)
    now = clock.now()
    if approve:
        if order.status != state.PENDING_PAYMENT:
            raise Conflict(f"the order is {order.status}: nothing left to approve",
                           code="order_not_pending", details={"status": order.status})
        for sub in list(order.sub_orders):
            if sub.paused and sub.hold_reason == HOLD_REASON:
                intercept.intercept(session=session, sub_order_id=sub.id, action="resume",
                                    reason=HOLD_REASON, actor_id=actor_id)
        orders.extend_payment_deadline(
            session=session, order_id=order.id,
            until=now + timedelta(seconds=payment_timeout_seconds))
    elif order.status == state.PENDING_PAYMENT:
        orders.cancel_order(session=session, order_id=order.id, user_id=None,
                            reason="risk_rejected")
    review.status, review.decided_at, review.decided_by = verdict, now, actor_id
    review.note = note
    emit(session=session, event=rev.RiskReviewDecided(
        occurred_at=now, user_id=actor_id, payload=rev.RiskReviewDecidedPayload(
            review_id=review.id, order_id=review.order_id, decision_id=review.decision_id,
            verdict=verdict, order_total_cents=review.total_cents, currency=review.currency)))
    return review, True
