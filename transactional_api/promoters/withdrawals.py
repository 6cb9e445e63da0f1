"""Withdrawals: the promoter asks (withdrawable -> requested, under the promoter's row lock,
so two requests at once cannot take more than there is), an operator approves or rejects
(requested -> withdrawable), and an approved one is paid out through a channel ('manual':
the operator records the transfer's reference; requested -> paid)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import promoter_events as pe
from transactional_api.events.outbox import emit
from transactional_api.promoters import applications, ledger
from transactional_api.promoters.models import (
    W_APPROVED,
    W_PAID,
    W_REJECTED,
    W_REQUESTED,
    Promoter,
    Withdrawal,
)


def _emit(session: Session, cls, w: Withdrawal, promoter: Promoter) -> None:
    emit(session=session, event=cls(occurred_at=clock.now(), user_id=promoter.user_id, payload={
        "withdrawal_id": w.id, "promoter_id": w.promoter_id, "amount_cents": w.amount_cents,
        "currency": w.currency, "channel": w.channel, "reason": w.reason,
        "payout_reference": w.payout_reference}))


def request(*, session: Session, user_id: str, amount_cents: int,
            settings: Settings) -> Withdrawal:
    """422 `below_minimum`, 409 `insufficient_balance` (nothing changes)."""
    promoter = applications.approved_by_user(session, user_id)
    promoter = ledger.locked(session, promoter.id)
    if amount_cents < settings.promoters_min_withdrawal_cents:
        raise Unprocessable(f"withdrawals start at {settings.promoters_min_withdrawal_cents} "
                            "cents", code="below_minimum")
    if amount_cents > promoter.withdrawable_cents:
        raise Conflict("more than the withdrawable balance", code="insufficient_balance",
                       details={"withdrawable_cents": promoter.withdrawable_cents})
    w = Withdrawal(promoter_id=promoter.id, amount_cents=amount_cents,
                   currency=promoter.currency, status=W_REQUESTED, channel="manual",
                   requested_at=clock.now())
    session.add(w)
    session.flush()
    ledger.move(session, promoter, kind="request", amount_cents=amount_cents,
                from_bucket="withdrawable", to_bucket="requested",
                source_key=f"request:{w.id}", withdrawal_id=w.id)
    _emit(session, pe.WithdrawalRequested, w, promoter)
    return w


def _locked(session: Session, withdrawal_id: str) -> tuple[Withdrawal, Promoter]:
    w = session.get(Withdrawal, withdrawal_id)
    if w is None:
        raise NotFound("withdrawal not found", code="withdrawal_not_found")
    promoter = ledger.locked(session, w.promoter_id)
    w = session.scalar(select(Withdrawal).where(Withdrawal.id == withdrawal_id)
                       .with_for_update().execution_options(populate_existing=True))
    return w, promoter


def review(*, session: Session, withdrawal_id: str, approve: bool, reason: str | None,
           actor_id: str) -> Withdrawal:
    """requested -> approved | rejected (the money goes back to withdrawable); 409
    `illegal_transition` otherwise."""
    w, promoter = _locked(session, withdrawal_id)
    if w.status != W_REQUESTED:
        raise Conflict(f"the withdrawal is already {w.status}", code="illegal_transition",
                       details={"from": w.status})
    if not approve and not reason:
        raise Unprocessable("a rejection needs a reason", code="reason_required")
    w.reviewed_by, w.reviewed_at, w.reason = actor_id, clock.now(), reason
    if approve:
        w.status = W_APPROVED
        _emit(session, pe.WithdrawalApproved, w, promoter)
    else:
        w.status = W_REJECTED
        ledger.move(session, promoter, kind="reject", amount_cents=w.amount_cents,
                    from_bucket="requested", to_bucket="withdrawable",
                    source_key=f"reject:{w.id}", withdrawal_id=w.id)
        _emit(session, pe.WithdrawalRejected, w, promoter)
    return w


def pay(*, session: Session, withdrawal_id: str, reference: str, actor_id: str) -> Withdrawal:
    """approved -> paid, recording the payout's reference; 409 `illegal_transition` when
    not approved (paying twice is refused, not repeated)."""
    w, promoter = _locked(session, withdrawal_id)
    if w.status != W_APPROVED:
        raise Conflict(f"only an approved withdrawal is paid (it is {w.status})",
                       code="illegal_transition", details={"from": w.status})
    w.status, w.payout_reference, w.paid_at = W_PAID, reference, clock.now()
    ledger.move(session, promoter, kind="pay", amount_cents=w.amount_cents,
                from_bucket="requested", to_bucket="paid", source_key=f"pay:{w.id}",
                withdrawal_id=w.id)
    _emit(session, pe.WithdrawalPaid, w, promoter)
    return w


def listing(*, session: Session, promoter_id: str | None, status: str | None,
            limit: int) -> list[Withdrawal]:
    stmt = select(Withdrawal).order_by(Withdrawal.requested_at.desc(), Withdrawal.id).limit(limit)
    if promoter_id:
        stmt = stmt.where(Withdrawal.promoter_id == promoter_id)
    if status:
        stmt = stmt.where(Withdrawal.status == status)
    return list(session.scalars(stmt))
