"""Wallets: a stored balance per shopper with its own append-only ledger, and the channel
that pays from it.

A spend is one conditional UPDATE (``balance >= amount``), so concurrent spends can never
overdraw: of two racing for the last cents, exactly one matches. The balance has a CHECK
>= 0 behind that, and each entry records the balance after it. The wallet pays at once,
in the transaction that creates the payment; refunds of a wallet payment credit it back.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Unprocessable
from transactional_api.events import payment_events as pe
from transactional_api.events.envelope import MAX_CENTS
from transactional_api.events.outbox import emit
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.channels import (
    PENDING,
    SUCCEEDED,
    ProviderEvent,
    StartResult,
    StatementEntry,
)
from transactional_api.payments.models import WalletAccount, WalletEntry
from transactional_api.payments.registry import ChannelBase, register


def account(session: Session, *, user_id: str) -> WalletAccount | None:
    return session.get(WalletAccount, user_id)


def entries(session: Session, *, user_id: str, limit: int, offset: int) -> tuple[
        list[WalletEntry], int]:
    base = select(WalletEntry).where(WalletEntry.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.order_by(WalletEntry.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def credit(session: Session, *, user_id: str, amount_cents: int, currency: str, reason: str,
           reference: str | None = None, payment_id: str | None = None,
           refund_id: str | None = None, actor_id: str | None = None,
           note: str | None = None, at: datetime | None = None) -> WalletEntry:
    """Add money; a repeated ``reference`` returns the first entry instead."""
    _check_amount(amount_cents)
    if reference:
        existing = session.scalar(select(WalletEntry).where(
            WalletEntry.user_id == user_id, WalletEntry.reference == reference))
        if existing is not None:
            if (existing.amount_cents, existing.currency) != (amount_cents, currency):
                raise Unprocessable("this reference was used for a different credit",
                                    code="idempotency_key_reused")
            return existing
    _ensure_account(session, user_id, currency)
    changed = session.execute(
        update(WalletAccount)
        .where(WalletAccount.user_id == user_id, WalletAccount.currency == currency,
               WalletAccount.balance_cents + amount_cents <= MAX_CENTS)
        .values(balance_cents=WalletAccount.balance_cents + amount_cents,
                updated_at=clock.now())
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        held = session.scalar(select(WalletAccount.currency).where(
            WalletAccount.user_id == user_id))
        if held != currency:
            raise Unprocessable(f"this wallet holds {held}, not {currency}",
                                code="wallet_currency_mismatch")
        raise Unprocessable("the wallet balance would exceed the largest amount",
                            code="wallet_balance_too_large")
    return _entry(session, user_id=user_id, kind="credit", amount_cents=amount_cents,
                  currency=currency, reason=reason, reference=reference,
                  payment_id=payment_id, refund_id=refund_id, actor_id=actor_id, note=note,
                  at=at)


def debit(session: Session, *, user_id: str, amount_cents: int, currency: str, reason: str,
          payment_id: str | None, at: datetime | None = None) -> WalletEntry | None:
    """Take money if the balance covers it; None (nothing changed) when it does not."""
    _check_amount(amount_cents)
    changed = session.execute(
        update(WalletAccount)
        .where(WalletAccount.user_id == user_id, WalletAccount.currency == currency,
               WalletAccount.balance_cents >= amount_cents)
        .values(balance_cents=WalletAccount.balance_cents - amount_cents,
                updated_at=clock.now())
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        return None
    return _entry(session, user_id=user_id, kind="debit", amount_cents=amount_cents,
                  currency=currency, reason=reason, payment_id=payment_id, at=at)


def _check_amount(amount_cents: int) -> None:
    if not 0 < amount_cents <= MAX_CENTS:
        raise Unprocessable(f"amount_cents must be between 1 and {MAX_CENTS}",
                            code="invalid_amount")


def _ensure_account(session: Session, user_id: str, currency: str) -> None:
    if session.get(WalletAccount, user_id) is not None:
        return
    try:
        with session.begin_nested():
            now = clock.now()
            session.add(WalletAccount(user_id=user_id, currency=currency, balance_cents=0,
                                      created_at=now, updated_at=now))
    except IntegrityError:
        pass  # opened by a concurrent first credit: use that one


def _entry(session: Session, *, user_id: str, kind: str, amount_cents: int, currency: str,
           reason: str, at: datetime | None, **extra) -> WalletEntry:
    # Our UPDATE holds the account row until commit: this read is our own balance.
    balance = session.scalar(select(WalletAccount.balance_cents).where(
        WalletAccount.user_id == user_id))
    at = at or clock.now()
    entry = WalletEntry(user_id=user_id, kind=kind, amount_cents=amount_cents,
                        currency=currency, balance_after_cents=balance, reason=reason,
                        created_at=at, **extra)
    session.add(entry)
    session.flush()
    emit(session=session, event=pe.WalletEntry(occurred_at=at, user_id=user_id, payload={
        "entry_id": entry.id, "kind": kind, "amount_cents": amount_cents,
        "currency": currency, "balance_after_cents": balance, "reason": reason,
        "payment_id": entry.payment_id, "refund_id": entry.refund_id}))
    return entry


def _reference(entry: WalletEntry) -> str:
    return f"wal_{entry.id}"


@register
class WalletChannel(ChannelBase):
    name = "wallet"
    label = "Wallet balance"
    position = 30
    flow = "instant"
    sandbox = False  # our own ledger, not a stand-in for an outside provider
    min_amount_cents = 1

    @classmethod
    def from_settings(cls, settings: Settings, *, secret: str) -> WalletChannel:
        return cls()

    def availability(self, *, session: Session, user_id: str, amount_cents: int,
                     currency: str) -> str | None:
        reason = super().availability(session=session, user_id=user_id,
                                      amount_cents=amount_cents, currency=currency)
        if reason:
            return reason
        held = account(session, user_id=user_id)
        if held is None:
            return "no_wallet"
        if held.currency != currency:
            return "currency_not_supported"
        return None if held.balance_cents >= amount_cents else "insufficient_balance"

    def start(self, *, session: Session, payment_id: str, order_id: str, user_id: str,
              amount_cents: int, currency: str, started_at: datetime,
              options: dict) -> StartResult:
        entry = debit(session, user_id=user_id, amount_cents=amount_cents, currency=currency,
                      reason="payment", payment_id=payment_id, at=started_at)
        if entry is None:
            raise Unprocessable("the wallet balance does not cover this payment",
                                code="insufficient_balance")
        return StartResult(status=PENDING, provider_reference=_reference(entry),
                           event=_paid(entry))

    def lookup(self, *, session: Session, payment_id: str) -> ProviderEvent | None:
        entry = _payment_entry(session, payment_id)
        return None if entry is None else _paid(entry)

    def refund(self, *, session: Session, payment_id: str, refund_id: str, amount_cents: int,
               currency: str, occurred_at: datetime) -> str:
        paid = _payment_entry(session, payment_id)
        if paid is None:
            raise Unprocessable("no wallet debit for this payment", code="refund_not_possible")
        entry = credit(session, user_id=paid.user_id, amount_cents=amount_cents,
                       currency=currency, reason="refund", payment_id=payment_id,
                       refund_id=refund_id, reference=f"refund:{refund_id}:{payment_id}",
                       at=occurred_at)
        return _reference(entry)

    def statement(self, *, session: Session, day: date) -> list[StatementEntry]:
        start, end = books.day_bounds(day)
        rows = session.scalars(select(WalletEntry).where(
            WalletEntry.reason.in_(("payment", "refund")), WalletEntry.created_at >= start,
            WalletEntry.created_at < end).order_by(WalletEntry.id))
        return [StatementEntry(
            channel=self.name, kind="captured" if r.kind == "debit" else "refunded",
            payment_id=r.payment_id, amount_cents=r.amount_cents, currency=r.currency,
            provider_reference=_reference(r), occurred_at=r.created_at) for r in rows]


def _payment_entry(session: Session, payment_id: str) -> WalletEntry | None:
    return session.scalar(select(WalletEntry).where(
        WalletEntry.payment_id == payment_id, WalletEntry.reason == "payment"))


def _paid(entry: WalletEntry) -> ProviderEvent:
    return ProviderEvent(provider_event_id=f"wallet_{entry.payment_id}",
                         payment_id=entry.payment_id, status=SUCCEEDED,
                         amount_cents=entry.amount_cents, currency=entry.currency,
                         occurred_at=entry.created_at, provider_reference=_reference(entry))
