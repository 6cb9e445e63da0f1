"""Refunds into the ledger: each payments refund shared over its order's accrued
sub-orders by largest remainder (weights: what each has left to refund), then reversed
in proportion to what the shopper paid, cumulatively, so a full refund reverses exactly the
goods, commission and fee booked. The platform's share of discounts comes back with it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.events import settlement_events as ev
from transactional_api.events.outbox import emit
from transactional_api.payments.models import Refund
from transactional_api.settlement.allocation import allocate, share
from transactional_api.settlement.models import (
    CHANNEL_CLEARING,
    MERCHANT_PAYABLE,
    PLATFORM_DISCOUNTS,
    PLATFORM_REVENUE,
    LedgerEntry,
    SettledSubOrder,
)


def _unbooked(session: Session) -> list[Refund]:
    booked = select(LedgerEntry.source_key).where(LedgerEntry.account == CHANNEL_CLEARING,
                                                  LedgerEntry.kind == "refund")
    return list(session.scalars(
        select(Refund).where(Refund.status == "succeeded",
                             ("refund:" + Refund.id).not_in(booked))
        .order_by(Refund.created_at, Refund.id)))


def book_refunds(session: Session) -> int:
    """Book every succeeded refund not booked yet (skipping orders with nothing accrued)."""
    done = 0
    for refund in _unbooked(session):
        subs = list(session.scalars(
            select(SettledSubOrder).where(SettledSubOrder.order_id == refund.order_id)
            .order_by(SettledSubOrder.sub_order_id).with_for_update()))
        if not subs:
            continue
        parts = allocate(refund.amount_cents,
                         [max(s.total_cents - s.refunded_cents, 0) for s in subs])
        entries = [LedgerEntry(account=CHANNEL_CLEARING, kind="refund",
                               amount_cents=refund.amount_cents, currency=refund.currency,
                               source_key=f"refund:{refund.id}")]
        for sub, part in zip(subs, parts, strict=True):
            if part:
                entries += _reverse(sub, part, refund.id)
                emit(session=session, event=_event(sub, entries, refund.id))
        if sum(e.amount_cents for e in entries) != 0:
            raise AssertionError(f"unbalanced refund {refund.id}")
        session.add_all([e for e in entries if e.amount_cents])
        session.flush()
        done += 1
    return done


def _reverse(sub: SettledSubOrder, part: int, refund_id: str) -> list[LedgerEntry]:
    after = sub.refunded_cents + part
    goods = share(sub.gross_cents - sub.merchant_discount_cents, after, sub.total_cents)
    commission = share(sub.commission_cents, after, sub.total_cents)
    fee = share(sub.fee_cents, after, sub.total_cents)
    d_goods = goods - sub.goods_reversed_cents
    d_comm = commission - sub.commission_reversed_cents
    d_fee = fee - sub.fee_reversed_cents
    sub.refunded_cents, sub.goods_reversed_cents = after, goods
    sub.commission_reversed_cents, sub.fee_reversed_cents = commission, fee
    key = f"refund:{refund_id}:{sub.sub_order_id}"

    def leg(account: str, merchant: str | None, kind: str, amount: int) -> LedgerEntry:
        return LedgerEntry(account=account, merchant_id=merchant, kind=kind,
                           amount_cents=amount, currency=sub.currency, source_key=key,
                           sub_order_id=sub.sub_order_id)

    m = sub.merchant_id
    return [leg(MERCHANT_PAYABLE, m, "refund", -d_goods),
            leg(PLATFORM_DISCOUNTS, None, "refund", d_goods - part),
            leg(MERCHANT_PAYABLE, m, "commission_refund", d_comm),
            leg(PLATFORM_REVENUE, None, "commission_refund", -d_comm),
            leg(MERCHANT_PAYABLE, m, "fee_refund", d_fee),
            leg(PLATFORM_REVENUE, None, "fee_refund", -d_fee)]


def _event(sub: SettledSubOrder, entries: list[LedgerEntry], refund_id: str):
    key = f"refund:{refund_id}:{sub.sub_order_id}"
    mine = {(e.account, e.kind): e.amount_cents for e in entries if e.source_key == key}
    payable = sum(v for (a, _), v in mine.items() if a == MERCHANT_PAYABLE)
    return ev.SettlementEntriesRecorded(payload=ev.SettlementEntriesRecordedPayload(
        merchant_id=sub.merchant_id, currency=sub.currency, source="refund", source_key=key,
        sub_order_count=1, gross_cents=mine.get((MERCHANT_PAYABLE, "refund"), 0),
        commission_cents=-mine.get((MERCHANT_PAYABLE, "commission_refund"), 0),
        fee_cents=-mine.get((MERCHANT_PAYABLE, "fee_refund"), 0), merchant_discount_cents=0,
        platform_discount_cents=-mine.get((PLATFORM_DISCOUNTS, "refund"), 0),
        payable_cents=payable))
