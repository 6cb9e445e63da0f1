"""Settlement runs: accrue what was paid, book refunds, issue one statement per merchant
per period for the sub-orders whose after-sales window has closed, cover a negative
balance from the deposit, and pay out by statement.

Restartable: a merchant's statement commits in its own transaction (unique per merchant,
period and currency), payouts go by statement with an idempotency key, so a second run
or a run after a crash issues and pays nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import UTCDateTime, new_id, transaction
from transactional_api.core.errors import Conflict
from transactional_api.events import settlement_events as ev
from transactional_api.events.outbox import emit
from transactional_api.settlement import accrual, payouts
from transactional_api.settlement.accounts import (
    account_balance,
    deposit_balance,
    move_deposit_to_payable,
)
from transactional_api.settlement.cycle import period
from transactional_api.settlement.models import (
    MERCHANT_PAYABLE,
    LedgerEntry,
    MerchantTerms,
    Payout,
    SettledSubOrder,
    Statement,
)
from transactional_api.settlement.refunds import book_refunds

_REFUND_KINDS = ("refund", "commission_refund", "fee_refund")


def window_days(settings: Settings) -> int:
    if settings.settlement_window_days is not None:
        return settings.settlement_window_days
    return settings.after_sales_return_window_days


def cycle_of(session: Session, merchant_id: str, settings: Settings) -> str:
    terms = session.get(MerchantTerms, merchant_id)
    if terms is not None:
        return terms.cycle
    from transactional_api.merchants.applications import approved_for
    app = approved_for(session=session, merchant_id=merchant_id)
    chosen = getattr(app, "settlement_cycle", None)
    return chosen if chosen in ("t_plus_1", "weekly", "monthly") \
        else settings.settlement_default_cycle


def set_cycle(*, session: Session, merchant_id: str, cycle: str) -> None:
    """The merchant's choice of cycle (the merchants' application calls this)."""
    if cycle not in ("t_plus_1", "weekly", "monthly"):
        from transactional_api.core.errors import Unprocessable
        raise Unprocessable("cycle must be t_plus_1, weekly or monthly", code="invalid_cycle")
    terms = session.get(MerchantTerms, merchant_id)
    if terms is None:
        session.add(MerchantTerms(merchant_id=merchant_id, cycle=cycle, updated_at=clock.now()))
    else:
        terms.cycle, terms.updated_at = cycle, clock.now()
    session.flush()


def sync(session: Session, *, settings: Settings) -> dict:
    """Bring the ledger up to date with payments: accruals, completions, refunds."""
    out = accrual.accrue(session, settings=settings)
    accrual.note_completions(session)
    out["refunds"] = book_refunds(session)
    return out


def payable(session: Session, merchant_id: str, currency: str | None = None) -> int:
    """Settled and not paid out: settled sub-orders' accruals plus every leg stamped
    with a statement (refunds, adjustments, deposit moves, payouts); of one currency when
    given (a statement's opening balance never mixes currencies)."""
    subs = [SettledSubOrder.merchant_id == merchant_id,
            SettledSubOrder.statement_id.is_not(None)]
    legs = [LedgerEntry.account == MERCHANT_PAYABLE, LedgerEntry.merchant_id == merchant_id,
            LedgerEntry.statement_id.is_not(None)]
    if currency is not None:
        subs.append(SettledSubOrder.currency == currency)
        legs.append(LedgerEntry.currency == currency)
    settled = session.scalar(select(func.coalesce(func.sum(SettledSubOrder.net_cents), 0))
                             .where(*subs))
    stamped = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                             .where(*legs))
    return int(settled) + int(stamped)


def balance(*, session: Session, merchant_id: str) -> dict:
    total = account_balance(session, account=MERCHANT_PAYABLE, merchant_id=merchant_id)
    due = payable(session, merchant_id)
    in_flight = sum(p.amount_cents for p in payouts.open_payouts(session, merchant_id))
    return {"merchant_id": merchant_id, "balance_cents": total, "payable_cents": due,
            "pending_cents": total - due, "payout_in_flight_cents": in_flight,
            "deposit_cents": deposit_balance(session=session, merchant_id=merchant_id)}


_DUE = text("""
UPDATE settlement_sub_orders SET statement_id = :sid
WHERE merchant_id = :m AND currency = :cur AND statement_id IS NULL
  AND completed_at IS NOT NULL AND completed_at <= :cutoff
  AND NOT EXISTS (SELECT 1 FROM sub_orders so WHERE so.id = settlement_sub_orders.sub_order_id
                  AND so.after_sales_open = :open)
""").bindparams(bindparam("cutoff", type_=UTCDateTime()), bindparam("open", value=True))


def settle_merchant(session: Session, *, merchant_id: str, currency: str, cycle: str,
                    period_key: str, period_end: datetime, cutoff: datetime | None,
                    ) -> Statement | None:
    """Issue the merchant's statement for the period (None when it exists or is empty).
    ``cutoff``: sub-orders completed at or before it are due (None: all completed)."""
    if session.scalar(select(Statement.id).where(
            Statement.merchant_id == merchant_id, Statement.period_key == period_key,
            Statement.currency == currency)):
        return None
    opening = payable(session, merchant_id, currency)
    sid = new_id()
    count = session.execute(_DUE, {"sid": sid, "m": merchant_id, "cur": currency,
                                   "cutoff": cutoff or clock.now() + timedelta(days=36500)}
                            ).rowcount
    figures = session.execute(select(
        func.coalesce(func.sum(SettledSubOrder.gross_cents), 0),
        func.coalesce(func.sum(SettledSubOrder.commission_cents), 0),
        func.coalesce(func.sum(SettledSubOrder.fee_cents), 0),
        func.coalesce(func.sum(SettledSubOrder.merchant_discount_cents), 0))
        .where(SettledSubOrder.merchant_id == merchant_id,
               SettledSubOrder.statement_id == sid)).one()
    settled_subs = select(SettledSubOrder.sub_order_id).where(
        SettledSubOrder.merchant_id == merchant_id, SettledSubOrder.statement_id.is_not(None))
    unstamped = (LedgerEntry.account == MERCHANT_PAYABLE,
                 LedgerEntry.merchant_id == merchant_id, LedgerEntry.currency == currency,
                 LedgerEntry.statement_id.is_(None))
    refunds = int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                                 .where(*unstamped, LedgerEntry.kind.in_(_REFUND_KINDS),
                                        LedgerEntry.sub_order_id.in_(settled_subs))))
    adjustments = int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents),
                                                          0))
                                     .where(*unstamped, LedgerEntry.kind == "adjustment")))
    if count == 0 and refunds == 0 and adjustments == 0:
        return None
    session.execute(update(LedgerEntry).where(
        *unstamped, ((LedgerEntry.kind.in_(_REFUND_KINDS)
                      & LedgerEntry.sub_order_id.in_(settled_subs))
                     | (LedgerEntry.kind == "adjustment"))).values(statement_id=sid))
    gross, commission, fee, mdisc = (int(v) for v in figures)
    closing = opening + gross - mdisc - commission - fee + refunds + adjustments
    deducted = 0
    if closing < 0:
        deducted = min(-closing, deposit_balance(session=session, merchant_id=merchant_id))
        move_deposit_to_payable(session, merchant_id=merchant_id, amount_cents=deducted,
                                currency=currency, reason="negative_balance",
                                reference=sid, statement_id=sid)
        closing += deducted
    statement = Statement(
        id=sid, merchant_id=merchant_id, cycle=cycle, period_key=period_key,
        period_end=period_end, currency=currency, sub_order_count=count, gross_cents=gross,
        commission_cents=commission, fee_cents=fee, merchant_discount_cents=mdisc,
        refunds_cents=refunds, adjustments_cents=adjustments, opening_cents=opening,
        deposit_deducted_cents=deducted, net_payable_cents=closing, created_at=clock.now())
    session.add(statement)
    session.flush()
    in_flight = sum(p.amount_cents for p in payouts.open_payouts(session, merchant_id)
                    if p.currency == currency)
    if closing - in_flight > 0:
        session.add(Payout(statement_id=sid, merchant_id=merchant_id,
                           amount_cents=closing - in_flight, currency=currency,
                           idempotency_key=f"payout:{sid}", status="pending",
                           created_at=clock.now()))
    emit(session=session, event=_issued(statement))
    emit(session=session, event=ev.SettlementEntriesRecorded(
        payload=ev.SettlementEntriesRecordedPayload(
            merchant_id=merchant_id, currency=currency, source="accrual",
            source_key=f"statement:{sid}", sub_order_count=count, gross_cents=gross,
            commission_cents=commission, fee_cents=fee, merchant_discount_cents=mdisc,
            platform_discount_cents=0, payable_cents=gross - mdisc - commission - fee)))
    return statement


def _issued(s: Statement) -> ev.SettlementStatementIssued:
    return ev.SettlementStatementIssued(payload=ev.SettlementStatementIssuedPayload(
        statement_id=s.id, merchant_id=s.merchant_id, cycle=s.cycle, period_key=s.period_key,
        currency=s.currency, sub_order_count=s.sub_order_count, gross_cents=s.gross_cents,
        commission_cents=s.commission_cents, fee_cents=s.fee_cents,
        merchant_discount_cents=s.merchant_discount_cents, refunds_cents=s.refunds_cents,
        adjustments_cents=s.adjustments_cents, opening_cents=s.opening_cents,
        deposit_deducted_cents=s.deposit_deducted_cents,
        net_payable_cents=s.net_payable_cents))


def _merchants(session: Session) -> list[tuple[str, str]]:
    return [tuple(r) for r in session.execute(
        select(SettledSubOrder.merchant_id, SettledSubOrder.currency)
        .where(SettledSubOrder.statement_id.is_(None)).distinct()
        .order_by(SettledSubOrder.merchant_id, SettledSubOrder.currency))]


def _with_refunds(session: Session) -> list[tuple[str, str]]:
    return [tuple(r) for r in session.execute(
        select(LedgerEntry.merchant_id, LedgerEntry.currency)
        .where(LedgerEntry.account == MERCHANT_PAYABLE, LedgerEntry.statement_id.is_(None),
               LedgerEntry.kind.in_((*_REFUND_KINDS, "adjustment"))).distinct())]


def run_cycle(*, sessions: sessionmaker[Session], settings: Settings,
              at: datetime | None = None,
              channel: payouts.SandboxPayoutChannel | None = None,
              only_cycle: str | None = None) -> dict:
    """One settlement run at ``at`` (default now): returns counts of what it did."""
    at = at or clock.now()
    channel = channel or payouts.SandboxPayoutChannel()
    with transaction(sessions) as s:
        synced = sync(s, settings=settings)
    with transaction(sessions) as s:
        todo = sorted(set(_merchants(s)) | set(_with_refunds(s)))
    issued = 0
    days = window_days(settings)
    for merchant_id, currency in todo:
        with transaction(sessions) as s:
            cycle = cycle_of(s, merchant_id, settings)
            if only_cycle and cycle != only_cycle:
                continue
            key, end = period(cycle, at)
            if settle_merchant(s, merchant_id=merchant_id, currency=currency, cycle=cycle,
                               period_key=key, period_end=end,
                               cutoff=end - timedelta(days=days)) is not None:
                issued += 1
    paid = payouts.send_open(sessions, channel)
    return {"accrued": synced["sub_orders"], "refunds_booked": synced["refunds"],
            "statements": issued, "payouts_sent": paid["sent"],
            "payouts_failed": paid["failed"]}


_OPEN = ("awaiting_payment", "allocated", "picking", "packed", "shipped", "delivered")


def close_out(*, session: Session, merchant_id: str, now: datetime,
              settings: Settings | None = None,
              channel: payouts.SandboxPayoutChannel | None = None) -> dict:
    """Settle a closing merchant in the caller's transaction: every completed sub-order
    (window or not), every refund, then release the deposit and pay the balance out.
    Raises Conflict(code="merchant_has_open_sub_orders") while sub-orders are open."""
    settings = settings or Settings()
    open_count = session.scalar(text(
        "SELECT COUNT(*) FROM sub_orders WHERE merchant_id = :m AND status IN :st "
        "AND (paid_at IS NOT NULL OR status <> 'awaiting_payment')")
        .bindparams(bindparam("st", expanding=True)), {"m": merchant_id, "st": list(_OPEN)})
    if open_count:
        raise Conflict("the merchant still has open sub-orders",
                       code="merchant_has_open_sub_orders", details={"open": open_count})
    sync(session, settings=settings)
    currencies = sorted({c for m, c in _merchants(session) + _with_refunds(session)
                         if m == merchant_id} or {settings.default_currency})
    statement = None
    for currency in currencies:
        statement = settle_merchant(
            session, merchant_id=merchant_id, currency=currency, cycle="close_out",
            period_key=f"close-{now.date().isoformat()}", period_end=now, cutoff=None
        ) or statement
    held = deposit_balance(session=session, merchant_id=merchant_id)
    currency = currencies[0]
    if held > 0:
        move_deposit_to_payable(session, merchant_id=merchant_id, amount_cents=held,
                                currency=currency, reason="released",
                                reference=f"close:{merchant_id}", statement_id=new_id())
    due = payable(session, merchant_id)
    in_flight = sum(p.amount_cents for p in payouts.open_payouts(session, merchant_id))
    channel = channel or payouts.SandboxPayoutChannel()
    if due - in_flight > 0:
        # statement ids are uuids (36 characters); the close-out's is derived from the
        # merchant, so a retried close finds the same payout
        close_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"flywheel:close-out:{merchant_id}"))
        session.add(Payout(statement_id=close_id, merchant_id=merchant_id,
                           amount_cents=due - in_flight, currency=currency,
                           idempotency_key=f"payout:close:{merchant_id}", status="pending",
                           created_at=clock.now()))
        session.flush()
    for payout in payouts.open_payouts(session, merchant_id):
        payouts.send(session, payout, channel)
    return {"merchant_id": merchant_id, "statement_id": statement.id if statement else None,
            "deposit_released_cents": max(held, 0),
            "balance_cents": account_balance(session, account=MERCHANT_PAYABLE,
                                             merchant_id=merchant_id),
            "payable_cents": payable(session, merchant_id)}
