"""The coupon wallet: issuing (claim, grant, code), the shopper's coupons, and the public
functions the quote service and checkout call (wallet_offers, commit, release).

Limits hold under concurrency, from any number of API processes:
- total: ``UPDATE coupon_templates SET issued_count = issued_count + 1 WHERE ... AND
  issued_count < total_limit`` (0 rows: sold out; a CHECK backs it);
- per user: the user's n-th coupon of a template has claim_no n under a unique key, so two
  racing claims cannot both be the n-th (the template row's lock, taken first, already
  serialises them on PostgreSQL; the key is the backstop);
- a coupon is used once: ``UPDATE coupons SET status='used' WHERE ... status='available'``,
  and given back once: ``... WHERE status='used' AND order_id=:order``.
Issued coupons stay usable until their own valid_until whatever the template does next
(pausing or ending a template stops issuing, not spending).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core.errors import Conflict, DomainError, NotFound, Unprocessable
from transactional_api.events import pricing_events as pe
from transactional_api.events.outbox import emit
from transactional_api.pricing.coupon_models import Coupon, CouponTemplate
from transactional_api.pricing.engine.model import Outcome, Promotion, Scope

Channel = Literal["claim", "grant", "code"]
ISSUE_ATTEMPTS = 3


# --- issuing ---------------------------------------------------------------------------
def _template(session: Session, template_id: str) -> CouponTemplate:
    found = session.scalar(select(CouponTemplate).where(CouponTemplate.id == template_id)
                           .execution_options(populate_existing=True))
    if found is None:
        raise NotFound("coupon template not found")
    return found


def _issuable(t: CouponTemplate, *, channel: Channel, now: datetime) -> None:
    if t.status != "active":
        raise Conflict("this coupon is not being given out", code="coupon_not_active",
                       details={"status": t.status})
    if t.valid_until is not None and t.valid_until <= now:
        raise Conflict("this coupon's validity is over", code="coupon_expired")
    if channel != "claim":
        return
    if not t.claimable:
        raise NotFound("coupon template not found")  # grant- or code-only: not public
    if (t.claim_starts_at and now < t.claim_starts_at) or (t.claim_ends_at
                                                           and now >= t.claim_ends_at):
        raise Conflict("this coupon cannot be claimed now", code="claim_window_closed",
                       details={"claim_starts_at": t.claim_starts_at and
                                t.claim_starts_at.isoformat(),
                                "claim_ends_at": t.claim_ends_at and
                                t.claim_ends_at.isoformat()})


def _new_user_check(session: Session, t: CouponTemplate, user_id: str) -> None:
    if t.kind != "new_user":
        return
    from transactional_api.orders import buyers_query  # orders prices with pricing

    if buyers_query.paid_order_counts(session=session, user_ids=[user_id])[user_id] > 0:
        raise Conflict("this coupon is for shoppers before their first paid order",
                       code="coupon_new_users_only")


def _value(t: CouponTemplate) -> int | None:
    p = t.params
    if t.kind == "random_amount":
        lo, hi = int(p["min_cents"]), int(p["max_cents"])
        return lo + secrets.randbelow(hi - lo + 1)
    if t.kind == "new_user" and "amount_cents" in p:
        return int(p["amount_cents"])
    return None


def _window(t: CouponTemplate, now: datetime) -> tuple[datetime, datetime]:
    if t.valid_days is not None:
        return now, now + timedelta(days=t.valid_days)
    return t.valid_from, t.valid_until


def _take_one(session: Session, t: CouponTemplate, user_id: str, channel: Channel,
              now: datetime) -> Coupon:
    """In a savepoint: count it against the total, then the user's claim_no."""
    with session.begin_nested():
        taken = session.execute(
            update(CouponTemplate).where(
                CouponTemplate.id == t.id, CouponTemplate.status == "active",
                CouponTemplate.total_limit.is_(None)
                | (CouponTemplate.issued_count < CouponTemplate.total_limit))
            .values(issued_count=CouponTemplate.issued_count + 1)
            .execution_options(synchronize_session=False)).rowcount
        if not taken:
            status = session.scalar(select(CouponTemplate.status)
                                    .where(CouponTemplate.id == t.id))
            if status != "active":
                raise Conflict("this coupon is not being given out",
                               code="coupon_not_active", details={"status": status})
            raise Conflict("this coupon has all been given out", code="coupon_sold_out")
        held = session.scalar(select(func.count()).select_from(Coupon).where(
            Coupon.template_id == t.id, Coupon.user_id == user_id)) or 0
        if held >= t.per_user_limit:
            raise Conflict("you already hold as many of this coupon as allowed",
                           code="coupon_limit_reached",
                           details={"per_user_limit": t.per_user_limit})
        valid_from, valid_until = _window(t, now)
        coupon = Coupon(template_id=t.id, user_id=user_id, claim_no=held + 1,
                        status="available", value_cents=_value(t), valid_from=valid_from,
                        valid_until=valid_until, channel=channel, claimed_at=now)
        session.add(coupon)
        session.flush()
    return coupon


def issue(*, session: Session, template_id: str, user_id: str, channel: Channel,
          now: datetime) -> Coupon:
    """One coupon of the template into the user's wallet, emitting coupon_claimed; a
    DomainError (409 coupon_sold_out, coupon_limit_reached, coupon_new_users_only, ...)
    leaves nothing behind."""
    t = _template(session, template_id)
    _issuable(t, channel=channel, now=now)
    _new_user_check(session, t, user_id)
    for _ in range(ISSUE_ATTEMPTS):
        try:
            coupon = _take_one(session, t, user_id, channel, now)
            break
        except IntegrityError:  # another claim took this claim_no first: count again
            continue
    else:
        raise Conflict("you already hold as many of this coupon as allowed",
                       code="coupon_limit_reached",
                       details={"per_user_limit": t.per_user_limit})
    emit(session=session, event=pe.CouponClaimed(
        occurred_at=now, user_id=user_id, payload=pe.CouponClaimedPayload(
            coupon_id=coupon.id, template_id=t.id, kind=t.kind, channel=channel,
            campaign=t.campaign, value_cents=coupon.value_cents, currency=t.currency,
            valid_from=coupon.valid_from, valid_until=coupon.valid_until)))
    return coupon


def grant(*, session: Session, template_id: str, user_ids: list[str], now: datetime
          ) -> tuple[int, dict[str, int]]:
    """One coupon to each user (a campaign's grant): (granted, skipped by reason). Each
    user is a savepoint of its own, so a skip never undoes another user's grant."""
    from transactional_api.accounts import directory

    wanted = list(dict.fromkeys(user_ids))
    known = directory.existing(session=session, user_ids=wanted) if wanted else set()
    skipped: dict[str, int] = {}
    granted = 0
    for user_id in wanted:
        if user_id not in known:
            skipped["user_not_found"] = skipped.get("user_not_found", 0) + 1
            continue
        try:
            issue(session=session, template_id=template_id, user_id=user_id,
                  channel="grant", now=now)
            granted += 1
        except DomainError as err:
            if err.code in ("coupon_not_active", "coupon_expired"):
                raise
            skipped[err.code] = skipped.get(err.code, 0) + 1
    return granted, skipped


# --- the wallet ------------------------------------------------------------------------
def expire_due(*, session: Session, now: datetime, user_id: str | None = None) -> int:
    """Mark available coupons past their validity expired (on read, or as a sweep)."""
    query = update(Coupon).where(Coupon.status == "available", Coupon.valid_until <= now)
    if user_id is not None:
        query = query.where(Coupon.user_id == user_id)
    return session.execute(query.values(status="expired")
                           .execution_options(synchronize_session=False)).rowcount


def wallet(*, session: Session, user_id: str, status: str | None, now: datetime
           ) -> list[tuple[Coupon, CouponTemplate]]:
    """The user's coupons, soonest to expire first (expired ones marked so first)."""
    expire_due(session=session, now=now, user_id=user_id)
    query = (select(Coupon, CouponTemplate).join(CouponTemplate,
                                                 CouponTemplate.id == Coupon.template_id)
             .where(Coupon.user_id == user_id))
    if status is not None:
        query = query.where(Coupon.status == status)
    rows = session.execute(query.order_by(Coupon.valid_until, Coupon.id).limit(500))
    return [(c, t) for c, t in rows]


def _group(t: CouponTemplate) -> str:
    if t.stacking_group:
        return t.stacking_group
    return "coupon" if t.merchant_id is None else f"coupon:{t.merchant_id}"


def offer(coupon: Coupon, t: CouponTemplate) -> Promotion:
    """A wallet coupon as the price engine takes it (id: the template's)."""
    p = t.params
    params: dict[str, object] = {"min_spend_cents": t.min_spend_cents}
    tiers = tuple((int(a), int(b)) for a, b in p.get("tiers", ()))
    if t.kind == "full_reduction" or (t.kind == "new_user" and tiers):
        kind, params["tiers"] = "full_reduction", tiers
    elif t.kind == "percent_off":
        kind, params["percent_bp"] = "percent_off", int(p["percent_bp"])
        if p.get("cap_cents") is not None:
            params["cap_cents"] = int(p["cap_cents"])
    elif t.kind in ("random_amount", "new_user"):
        kind, params["amount_cents"] = "amount_off", int(coupon.value_cents or 0)
    else:  # shipping
        kind = "free_shipping"
        if p.get("cap_cents") is not None:
            params["cap_cents"] = int(p["cap_cents"])
    return Promotion(id=t.id, name=t.name, kind=kind, params=params,
                     scope=Scope(kind=t.scope_kind, ids=frozenset(t.scope_ids or ())),
                     merchant_id=t.merchant_id, priority=t.priority, exclusive=t.exclusive,
                     group=_group(t), coupon_id=coupon.id)


def wallet_offers(session: Session, *, user_id: str, now: datetime,
                  currency: str) -> list[Promotion]:
    """The user's coupons usable now in this currency, as engine offers (coupon_id set)."""
    rows = session.execute(
        select(Coupon, CouponTemplate).join(CouponTemplate,
                                            CouponTemplate.id == Coupon.template_id)
        .where(Coupon.user_id == user_id, Coupon.status == "available",
               Coupon.valid_from <= now, Coupon.valid_until > now,
               CouponTemplate.currency == currency)
        .order_by(Coupon.valid_until, Coupon.id).limit(200))
    return [offer(c, t) for c, t in rows]


# --- checkout --------------------------------------------------------------------------
def commit(session: Session, *, order_id: str, user_id: str, outcome: Outcome,
           now: datetime) -> None:
    """Mark each coupon the outcome applied used by this order (emitting coupon_redeemed);
    409 coupon_unavailable when one is no longer the user's to use (used by another order
    meanwhile, expired, not theirs): the caller's transaction then rolls back."""
    for applied in outcome.applied:
        if applied.coupon_id is None:
            continue
        used = session.execute(
            update(Coupon).where(Coupon.id == applied.coupon_id, Coupon.user_id == user_id,
                                 Coupon.status == "available", Coupon.valid_from <= now,
                                 Coupon.valid_until > now)
            .values(status="used", order_id=order_id, used_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if not used:
            raise Conflict("a coupon of this order can no longer be used",
                           code="coupon_unavailable",
                           details={"coupon_id": applied.coupon_id})
        template_id, currency = session.execute(
            select(Coupon.template_id, CouponTemplate.currency)
            .join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
            .where(Coupon.id == applied.coupon_id)).one()
        emit(session=session, event=pe.CouponRedeemed(
            occurred_at=now, user_id=user_id, payload=pe.CouponRedeemedPayload(
                coupon_id=applied.coupon_id, template_id=template_id, order_id=order_id,
                discount_cents=applied.discount_cents + applied.shipping_discount_cents,
                currency=currency)))


def release(session: Session, *, order_id: str, reason: str, now: datetime) -> int:
    """Give back the coupons this order used: available again while still valid (emitting
    coupon_returned), else expired. Each coupon moves once however often this is called.
    Answers how many went back to the wallet."""
    if reason not in ("order_cancelled", "order_expired"):
        raise Unprocessable("reason must be order_cancelled or order_expired",
                            code="invalid_reason")
    returned = 0
    rows = session.execute(select(Coupon.id, Coupon.user_id, Coupon.template_id,
                                  Coupon.valid_until)
                           .where(Coupon.order_id == order_id, Coupon.status == "used"))
    for coupon_id, user_id, template_id, valid_until in list(rows):
        still_valid = valid_until > now
        values = (dict(status="available", order_id=None, used_at=None, returned_at=now)
                  if still_valid else dict(status="expired", returned_at=now))
        moved = session.execute(
            update(Coupon).where(Coupon.id == coupon_id, Coupon.status == "used",
                                 Coupon.order_id == order_id).values(**values)
            .execution_options(synchronize_session=False)).rowcount
        if moved and still_valid:
            returned += 1
            emit(session=session, event=pe.CouponReturned(
                occurred_at=now, user_id=user_id, payload=pe.CouponReturnedPayload(
                    coupon_id=coupon_id, template_id=template_id, order_id=order_id,
                    reason=reason)))
    return returned
