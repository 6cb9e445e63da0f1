"""Binding a buyer to the promoter who referred them: the buyer presents the promoter's
code (the referral link's ``ref`` carries it). First touch keeps the first promoter for the
binding window; last touch moves the buyer to each new code. A binding earns on orders paid
within the window of its bound_at.

Self-referral (the promoter's own code) is refused. The same device as the promoter's, or a
ring (the buyer is the promoter's parent, or the promoter is bound to the buyer), binds but
marks the binding: its commissions are held for review."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.events import promoter_events as pe
from transactional_api.events.outbox import emit
from transactional_api.promoters import applications
from transactional_api.promoters.models import APPROVED, Binding, Promoter

SAME_DEVICE, RING, SELF = "same_device", "referral_ring", "self_referral"
RING_DEPTH = 50  # bindings followed when looking for a ring


def ring_reason(session: Session, *, buyer_id: str, promoter: Promoter) -> str | None:
    """'referral_ring' when the buyer is an approved promoter above this one, or one the
    chain of bindings from this promoter leads back to (A refers B refers A, or through
    any number of others: A refers B refers C refers A)."""
    mine = applications.by_user(session, buyer_id)
    if mine is None or mine.status != APPROVED:
        return None
    if any(p.id == mine.id for p in applications.ancestors(session, promoter)):
        return RING
    seen, at = {promoter.id}, promoter
    for _ in range(RING_DEPTH):  # bounded: a chain is short, and a cycle without us ends
        back = session.get(Binding, at.user_id)
        if back is None or back.promoter_id in seen:
            return None
        if back.promoter_id == mine.id:
            return RING
        seen.add(back.promoter_id)
        at = session.get(Promoter, back.promoter_id)
        if at is None:
            return None
    return None


def bind(*, session: Session, buyer_id: str, code: str, device_fp: str | None,
         settings: Settings) -> tuple[Binding, bool]:
    """(the buyer's binding now, whether this call changed it); 422 `self_referral`,
    `unknown_referral_code`."""
    promoter = applications.by_code(session, code)
    if promoter.user_id == buyer_id:
        raise Unprocessable("you cannot use your own referral code", code=SELF)
    now = clock.now()
    reason = ring_reason(session, buyer_id=buyer_id, promoter=promoter)
    if reason is None and device_fp and device_fp == promoter.device_fp:
        reason = SAME_DEVICE
    current = session.scalar(select(Binding).where(Binding.buyer_id == buyer_id)
                             .with_for_update())
    previous = current.promoter_id if current is not None else None
    if current is not None and previous == promoter.id:
        if settings.promoters_binding_mode == "last_touch" or not active(current, now, settings):
            current.bound_at = now  # a fresh touch by the same promoter renews the window
        return current, False
    if current is not None and settings.promoters_binding_mode == "first_touch" \
            and active(current, now, settings):
        return current, False
    if current is None:
        current = Binding(buyer_id=buyer_id, first_bound_at=now)
        session.add(current)
    current.promoter_id, current.bound_at = promoter.id, now
    current.risk_reason, current.device_fp = reason, device_fp
    session.flush()
    emit(session=session, event=pe.BuyerBound(occurred_at=now, user_id=buyer_id, payload={
        "promoter_id": promoter.id, "buyer_id": buyer_id, "previous_promoter_id": previous,
        "risk_reason": reason}))
    return current, True


def active(binding: Binding, at: datetime, settings: Settings) -> bool:
    return binding.bound_at + timedelta(days=settings.promoters_binding_days) >= at


def binding_at(session: Session, *, buyer_id: str, at: datetime,
               settings: Settings) -> Binding | None:
    """The buyer's binding if it earns on something paid at ``at``."""
    binding = session.get(Binding, buyer_id)
    if binding is None or binding.bound_at > at or not active(binding, at, settings):
        return None
    return binding


def bind_from_link(*, session: Session, buyer_id: str, code: str, device_fp: str | None,
                   settings: Settings) -> bool:
    """The ``ref`` a referral link carried into a registration or a checkout: bind as
    ``bind`` does, but a code that is unknown, not approved or the buyer's own binds nothing
    and never fails the request that carried it (a stale link must not stop a sale)."""
    try:
        with session.begin_nested():
            return bind(session=session, buyer_id=buyer_id, code=code, device_fp=device_fp,
                        settings=settings)[1]
    except (Unprocessable, NotFound):
        return False
