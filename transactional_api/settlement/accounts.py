"""Balances and the legs that move money between accounts outside a sub-order's accrual:
deposits held, deducted and released. Every call books legs summing to zero."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events import settlement_events as ev
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.events.outbox import emit
from transactional_api.settlement.models import (
    DEPOSIT_CLEARING,
    MERCHANT_DEPOSIT,
    MERCHANT_PAYABLE,
    LedgerEntry,
)


def book(session: Session, *, legs: list[tuple[str, str | None, int]], kind: str,
         currency: str, source_key: str | None, statement_id: str | None = None,
         sub_order_id: str | None = None) -> None:
    """Book (account, merchant_id, amount) legs of one set; they must sum to zero."""
    if sum(amount for _, _, amount in legs) != 0:
        raise AssertionError(f"unbalanced entry set {source_key}: {legs}")
    now = clock.now()
    session.add_all([LedgerEntry(account=account, merchant_id=merchant, amount_cents=amount,
                                 kind=kind, currency=currency, source_key=source_key,
                                 statement_id=statement_id, sub_order_id=sub_order_id,
                                 created_at=now)
                     for account, merchant, amount in legs if amount != 0])
    session.flush()


def account_balance(session: Session, *, account: str, merchant_id: str | None) -> int:
    q = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.account == account)
    if merchant_id is not None:
        q = q.where(LedgerEntry.merchant_id == merchant_id)
    return int(session.scalar(q))


def deposit_balance(*, session: Session, merchant_id: str) -> int:
    """The merchant's deposit still held, in cents (sum of its deposit legs)."""
    return account_balance(session, account=MERCHANT_DEPOSIT, merchant_id=merchant_id)


def _booked(session: Session, source_key: str) -> LedgerEntry | None:
    return session.scalars(select(LedgerEntry).where(
        LedgerEntry.source_key == source_key, LedgerEntry.account == MERCHANT_DEPOSIT)).first()


def hold_deposit(*, session: Session, merchant_id: str, amount_cents: int, currency: str,
                 reference: str) -> None:
    """Hold a deposit the merchant paid; a repeated reference changes nothing (422 when it
    names another amount or merchant)."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) \
            or not 0 < amount_cents <= MAX_CENTS:
        raise Unprocessable("the deposit must be a positive amount of cents",
                            code="invalid_deposit_amount")
    if not reference or len(reference) > 100:
        raise Unprocessable("a deposit needs a reference of 1..100 characters",
                            code="invalid_deposit_reference")
    key = f"deposit:{reference}"
    existing = _booked(session, key)
    if existing is not None:
        if existing.amount_cents != amount_cents or existing.merchant_id != merchant_id:
            raise Unprocessable("this deposit reference was used for another deposit",
                                code="deposit_reference_reused")
        return
    book(session, legs=[(MERCHANT_DEPOSIT, merchant_id, amount_cents),
                        (DEPOSIT_CLEARING, None, -amount_cents)],
         kind="deposit_held", currency=currency.upper(), source_key=key)
    emit(session=session, event=ev.SettlementDepositHeld(payload=ev.SettlementDepositPayload(
        merchant_id=merchant_id, amount_cents=amount_cents, currency=currency.upper(),
        reference=reference, reason="held",
        deposit_balance_cents=deposit_balance(session=session, merchant_id=merchant_id))))


def move_deposit_to_payable(session: Session, *, merchant_id: str, amount_cents: int,
                            currency: str, reason: str, reference: str,
                            statement_id: str | None) -> None:
    """Take ``amount_cents`` from the deposit into the payable balance: to cover a negative
    balance, or to release the deposit when the merchant closes."""
    held = deposit_balance(session=session, merchant_id=merchant_id)
    if amount_cents <= 0:
        return
    if amount_cents > held:
        raise Conflict("the deposit does not cover this", code="deposit_insufficient")
    book(session, legs=[(MERCHANT_DEPOSIT, merchant_id, -amount_cents),
                        (MERCHANT_PAYABLE, merchant_id, amount_cents)],
         kind=f"deposit_{reason}", currency=currency, source_key=f"deposit-{reason}:{reference}",
         statement_id=statement_id)
    emit(session=session, event=ev.SettlementDepositDeducted(
        payload=ev.SettlementDepositPayload(
            merchant_id=merchant_id, amount_cents=amount_cents, currency=currency,
            reference=reference, reason=reason, deposit_balance_cents=held - amount_cents)))
