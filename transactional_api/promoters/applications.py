"""Applying to become a promoter, and the operator's decision. An approved promoter gets a
referral code; the code the applicant used (if any) makes its owner their parent."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import promoter_events as pe
from transactional_api.events.outbox import emit
from transactional_api.promoters.models import APPLIED, APPROVED, REJECTED, Promoter

# no 0/O, 1/I/L: codes are read aloud and typed from posters
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def by_user(session: Session, user_id: str, *, lock: bool = False) -> Promoter | None:
    stmt = select(Promoter).where(Promoter.user_id == user_id)
    return session.scalar(stmt.with_for_update() if lock else stmt)


def approved_by_user(session: Session, user_id: str) -> Promoter:
    promoter = by_user(session, user_id)
    if promoter is None or promoter.status != APPROVED:
        raise NotFound("you are not an approved promoter", code="not_a_promoter")
    return promoter


def get(session: Session, promoter_id: str, *, lock: bool = False) -> Promoter:
    stmt = select(Promoter).where(Promoter.id == promoter_id)
    promoter = session.scalar(stmt.with_for_update() if lock else stmt)
    if promoter is None:
        raise NotFound("promoter not found", code="promoter_not_found")
    return promoter


def by_code(session: Session, code: str) -> Promoter:
    promoter = session.scalar(select(Promoter).where(Promoter.code == code.strip().upper()))
    if promoter is None or promoter.status != APPROVED:
        raise Unprocessable("no promoter has this referral code", code="unknown_referral_code")
    return promoter


def ancestors(session: Session, promoter: Promoter, *, limit: int = 50) -> list[Promoter]:
    """Parent, grandparent, ... (stops at a repeat, so a corrupted cycle cannot loop)."""
    out, seen, current = [], {promoter.id}, promoter
    while current.parent_id and len(out) < limit:
        current = session.get(Promoter, current.parent_id)
        if current is None or current.id in seen:
            break
        seen.add(current.id)
        out.append(current)
    return out


def apply(*, session: Session, user_id: str, parent_code: str | None, pitch: str,
          device_fp: str | None, currency: str) -> Promoter:
    """422 `unknown_referral_code`, `self_referral`, `referral_ring`; 409 `already_applied`
    while an application is open or once approved (a rejected one may apply again)."""
    parent = by_code(session, parent_code) if parent_code else None
    if parent is not None:
        if parent.user_id == user_id:
            raise Unprocessable("you cannot use your own code", code="self_referral")
        if any(p.user_id == user_id for p in ancestors(session, parent)):
            raise Unprocessable("this code comes from your own team", code="referral_ring")
    promoter = by_user(session, user_id, lock=True)
    now = clock.now()
    if promoter is not None and promoter.status != REJECTED:
        raise Conflict(f"you have already applied ({promoter.status})", code="already_applied",
                       details={"status": promoter.status})
    if promoter is None:
        promoter = Promoter(user_id=user_id, currency=currency)
        session.add(promoter)
    promoter.status, promoter.parent_id, promoter.pitch = APPLIED, parent and parent.id, pitch
    promoter.device_fp, promoter.applied_at = device_fp, now
    promoter.decided_at = promoter.decided_by = promoter.decision_reason = None
    session.flush()
    emit(session=session, event=pe.PromoterApplied(occurred_at=now, user_id=user_id, payload={
        "promoter_id": promoter.id, "parent_promoter_id": promoter.parent_id}))
    return promoter


def decide(*, session: Session, promoter_id: str, approve: bool, reason: str | None,
           actor_id: str) -> Promoter:
    """applied -> approved (a new code) or rejected; 409 `illegal_transition` otherwise."""
    promoter = get(session, promoter_id, lock=True)
    if promoter.status != APPLIED:
        raise Conflict(f"the application is already {promoter.status}",
                       code="illegal_transition", details={"from": promoter.status})
    now = clock.now()
    promoter.decided_at, promoter.decided_by, promoter.decision_reason = now, actor_id, reason
    if approve:
        promoter.status, promoter.code = APPROVED, promoter.code or _new_code(session)
        event = pe.PromoterApproved(occurred_at=now, user_id=promoter.user_id, payload={
            "promoter_id": promoter.id, "parent_promoter_id": promoter.parent_id,
            "code": promoter.code})
    else:
        if not reason:
            raise Unprocessable("a rejection needs a reason", code="reason_required")
        promoter.status = REJECTED
        event = pe.PromoterRejected(occurred_at=now, user_id=promoter.user_id, payload={
            "promoter_id": promoter.id, "parent_promoter_id": promoter.parent_id,
            "reason": reason})
    session.flush()
    emit(session=session, event=event)
    return promoter


def listing(*, session: Session, status: str | None, limit: int) -> list[Promoter]:
    stmt = select(Promoter).order_by(Promoter.applied_at.desc(), Promoter.id).limit(limit)
    if status:
        stmt = stmt.where(Promoter.status == status)
    return list(session.scalars(stmt))


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Promoter.id).where(Promoter.code == code)) is None:
            return code
