"""Commissions from the order events the consumer reads: accrued on payment (level 1 for
the buyer's promoter, level 2 for that promoter's parent), reversed in proportion to the
money refunded, given a maturity date when the order completes, and withdrawable once the
after-sales window has passed. Held commissions (risk) wait for an operator.

Promoter rows are locked in id order (level 1 and 2 of one order touch two), before the
commission rows, so two consumers or a consumer and a withdrawal cannot deadlock."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.accounts import addresses
from transactional_api.config import Settings
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import promoter_events as pe
from transactional_api.events.outbox import emit
from transactional_api.orders import service as orders
from transactional_api.promoters import binding as binding_rules
from transactional_api.promoters import ledger, rules
from transactional_api.promoters.models import (
    APPROVED,
    HELD,
    PENDING,
    REVERSED,
    WITHDRAWABLE,
    Commission,
    Promoter,
)
from transactional_api.risk import engine as risk

SAME_ADDRESS = "same_address"
_ADDRESS_KEY = hashlib.sha256(b"flywheel promoters address match v1").digest()


def _emit(session: Session, cls, c: Commission, promoter: Promoter, amount: int, at) -> None:
    emit(session=session, event=cls(occurred_at=at, user_id=promoter.user_id, payload={
        "commission_id": c.id, "promoter_id": c.promoter_id, "order_id": c.order_id,
        "buyer_id": c.buyer_id, "level": c.level, "amount_cents": amount,
        "currency": c.currency, "state": c.state, "hold_reason": c.hold_reason}))


def _bucket(state: str) -> str:
    return {PENDING: "pending", HELD: "held", WITHDRAWABLE: "withdrawable"}[state]


def _shares_address(session: Session, ship_to: dict | None, user_id: str) -> bool:
    """The order goes to one of the promoter's saved addresses (normalised as risk does)."""
    mine = risk.fingerprint(_ADDRESS_KEY, "address", risk.address_text(ship_to))
    if mine is None:
        return False
    return any(risk.fingerprint(_ADDRESS_KEY, "address",
                                risk.address_text(addresses.snapshot(a))) == mine
               for a in addresses.list_addresses(session=session, user_id=user_id))


def on_paid(session: Session, record: dict, settings: Settings) -> int:
    """Commissions for a paid order of a bound buyer; how many were written."""
    payload, at = record["payload"], datetime.fromisoformat(record["occurred_at"])
    paid = payload["amount_cents"]
    try:
        order = orders.get_order(session=session, order_id=payload["order_id"], user_id=None)
    except NotFound:
        return 0
    bound = binding_rules.binding_at(session, buyer_id=order.user_id, at=at, settings=settings)
    if bound is None or paid <= 0:
        return 0
    first = session.get(Promoter, bound.promoter_id)
    chain = [first] + ([session.get(Promoter, first.parent_id)] if first.parent_id else [])
    locked = {p.id: ledger.locked(session, p.id) for p in sorted(chain, key=lambda p: p.id)}
    items = [i for i in order.items]
    rates = rules.rates_for_lines(session, [(i.product_id, i.merchant_id) for i in items],
                                  settings)
    bases = [max(i.line_total_cents - i.points_discount_cents, 0) for i in items]
    reason = bound.risk_reason or (SAME_ADDRESS if _shares_address(
        session, order.ship_to, first.user_id) else None)
    written = 0
    for level, promoter in enumerate(chain, start=1):
        promoter = locked[promoter.id]
        if promoter.status != APPROVED or promoter.currency != order.currency:
            continue
        bp = [r.level1_bp if level == 1 else r.level2_bp for r in rates]
        amount = sum(b * rate // 10_000 for b, rate in zip(bases, bp, strict=True))
        if amount <= 0:
            continue
        hold = binding_rules.SELF if promoter.user_id == order.user_id else reason
        c = Commission(promoter_id=promoter.id, order_id=order.id, buyer_id=order.user_id,
                       level=level, state=HELD if hold else PENDING, hold_reason=hold,
                       currency=order.currency, paid_cents=paid, base_cents=sum(bases),
                       amount_cents=amount, refunded_cents=0, reversed_cents=0, accrued_at=at)
        if session.scalar(select(Commission.id).where(Commission.order_id == order.id,
                                                      Commission.level == level)):
            continue  # paid twice (a second payment of one order): commission once
        session.add(c)
        session.flush()
        ledger.move(session, promoter, kind="accrue", amount_cents=amount, from_bucket=None,
                    to_bucket=_bucket(c.state), source_key=f"accrue:{c.id}", commission_id=c.id)
        _emit(session, pe.CommissionAccrued, c, promoter, amount, at)
        if hold:
            _emit(session, pe.CommissionHeld, c, promoter, amount, at)
        written += 1
    return written


def _of_order(session: Session, order_id: str) -> list[tuple[Commission, Promoter]]:
    ids = sorted(set(session.scalars(select(Commission.promoter_id)
                                     .where(Commission.order_id == order_id))))
    promoters = {pid: ledger.locked(session, pid) for pid in ids}
    rows = session.scalars(select(Commission).where(Commission.order_id == order_id)
                           .order_by(Commission.level).with_for_update())
    return [(c, promoters[c.promoter_id]) for c in rows]


def on_refund(session: Session, record: dict) -> int:
    """After all refunds so far, floor(amount * refunded / paid) of each commission is
    reversed: several partial refunds take back exactly what one refund of their sum
    would, and never more than the commission."""
    payload, at = record["payload"], datetime.fromisoformat(record["occurred_at"])
    changed = 0
    for c, promoter in _of_order(session, payload["order_id"]):
        if c.state == REVERSED:
            continue
        c.refunded_cents = min(c.refunded_cents + payload["amount_cents"], c.paid_cents)
        target = c.amount_cents * c.refunded_cents // c.paid_cents
        due = target - c.reversed_cents
        if due <= 0:
            continue
        ledger.move(session, promoter, kind="reverse", amount_cents=due,
                    from_bucket=_bucket(c.state), to_bucket=None,
                    source_key=f"reverse:{record['event_id']}:{c.level}", commission_id=c.id)
        c.reversed_cents = target
        if target == c.amount_cents:
            c.state = REVERSED
        _emit(session, pe.CommissionReversed, c, promoter, due, at)
        changed += 1
    return changed


def on_completed(session: Session, record: dict, settings: Settings) -> int:
    at = datetime.fromisoformat(record["occurred_at"])
    due = at + timedelta(days=settings.promoters_after_sales_days)
    rows = list(session.scalars(select(Commission).where(
        Commission.order_id == record["payload"]["order_id"], Commission.matures_at.is_(None))))
    for c in rows:
        c.matures_at = due
    return len(rows)


def mature_due(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Pending commissions past their after-sales window become withdrawable."""
    due = list(session.execute(select(Commission.id, Commission.promoter_id).where(
        Commission.state == PENDING, Commission.matures_at <= now)
        .order_by(Commission.promoter_id, Commission.id).limit(limit)))
    matured = 0
    for commission_id, promoter_id in due:
        promoter = ledger.locked(session, promoter_id)
        c = session.scalar(select(Commission).where(Commission.id == commission_id)
                           .with_for_update())
        if c is None or c.state != PENDING:
            continue
        left = c.amount_cents - c.reversed_cents
        ledger.move(session, promoter, kind="mature", amount_cents=left, from_bucket="pending",
                    to_bucket="withdrawable", source_key=f"mature:{c.id}", commission_id=c.id)
        c.state, c.matured_at = WITHDRAWABLE, now
        _emit(session, pe.CommissionMatured, c, promoter, left, now)
        matured += 1
    return matured


def review_held(*, session: Session, commission_id: str, release: bool,
                now: datetime) -> Commission:
    """An operator's verdict on a held commission: released to pending (it matures like the
    others), or voided (reversed in full). 409 `not_held` otherwise."""
    c = session.get(Commission, commission_id)
    if c is None:
        raise NotFound("commission not found", code="commission_not_found")
    promoter = ledger.locked(session, c.promoter_id)
    c = session.scalar(select(Commission).where(Commission.id == commission_id)
                       .with_for_update().execution_options(populate_existing=True))
    if c.state != HELD:
        raise Conflict(f"the commission is {c.state}, not held", code="not_held")
    left = c.amount_cents - c.reversed_cents
    if release:
        ledger.move(session, promoter, kind="release", amount_cents=left, from_bucket="held",
                    to_bucket="pending", source_key=f"release:{c.id}", commission_id=c.id)
        c.state = PENDING
    else:
        ledger.move(session, promoter, kind="reverse", amount_cents=left, from_bucket="held",
                    to_bucket=None, source_key=f"void:{c.id}", commission_id=c.id)
        c.state, c.reversed_cents = REVERSED, c.amount_cents
        _emit(session, pe.CommissionReversed, c, promoter, left, now)
    return c
