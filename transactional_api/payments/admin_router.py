"""Operator routes: refunds, daily reconciliation, and the sandbox statements' faults."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from sqlalchemy import select

from transactional_api.core import clock
from transactional_api.core.deps import Db, FinanceCaller, ReadDb
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.payments import reconciliation, refunds
from transactional_api.payments import sandbox_provider as books
from transactional_api.payments.models import Payment, Refund
from transactional_api.payments.schemas import (
    ChannelSummaryOut,
    FaultIn,
    FaultOut,
    MismatchOut,
    RefundIn,
    RefundOut,
    RunOut,
    RunsOut,
    StatementEntryOut,
    StatementOut,
)
from transactional_api.payments.views import refund_out

router = APIRouter(tags=["payments-admin"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
ChannelPath = Annotated[str, Path(min_length=1, max_length=32)]
# Days outside these bounds are typos, and the neighbouring-day lookups must not overflow.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def _day(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Unprocessable(f"day must be between {FIRST_DAY} and {LAST_DAY}",
                            code="invalid_day")
    return day


@router.post("/v1/admin/payments/{payment_id}/refunds", status_code=201,
             response_model=RefundOut)
def refund_payment(payment_id: IdPath, body: RefundIn, db: Db, caller: FinanceCaller,
                   request: Request, response: Response,
                   idempotency_key: Annotated[str | None, Header(min_length=1,
                                                                 max_length=100)] = None,
                   ) -> RefundOut:
    """Refund part or all of one payment through its channel. The Idempotency-Key is
    required: a retried call returns the first refund instead of refunding twice."""
    if idempotency_key is None:
        raise Unprocessable("an Idempotency-Key header is required for refunds",
                            code="idempotency_key_required")
    reference = f"admin:{idempotency_key}"
    with db.begin():
        payment = db.get(Payment, payment_id)
        if payment is None:
            raise NotFound("payment not found")
        replayed = db.scalar(select(Refund.id).where(Refund.order_id == payment.order_id,
                                                     Refund.reference == reference))
        done = refunds.refund(session=db, order_id=payment.order_id,
                              amount_cents=body.amount_cents, reason=body.reason,
                              reference=reference, actor_id=caller.id, payment_id=payment.id,
                              channels=request.app.state.payment_channels)
        out = refund_out(db, done)
    if replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.post("/v1/admin/payments/refund-due/sweep")
def sweep_refund_due(caller: FinanceCaller, request: Request) -> dict[str, int]:
    """Refund every refund_due payment now (the background sweeper waits a grace period)."""
    return {"refunded": refunds.refund_due_sweep(
        sessions=request.app.state.sessions, older_than_seconds=0,
        channels=request.app.state.payment_channels)}


@router.post("/v1/admin/payments/sandbox/deliver-due")
def deliver_due(caller: FinanceCaller, request: Request) -> dict[str, int]:
    """Let the card and bank sandboxes post the callbacks due by the request's clock (the
    demo's simulated days confirm transfers this way; the background job uses the real
    clock)."""
    return {"delivered": request.app.state.payment_callbacks.deliver_due(
        request.app.state.sessions, now=clock.now(), force=True)}


def _run_out(run, found) -> RunOut:
    return RunOut(run_id=run.id, day=run.day, ran_at=run.ran_at,
                  channels={k: ChannelSummaryOut(**v) for k, v in (run.summary or {}).items()},
                  mismatches=[MismatchOut(
                      channel=m.channel, kind=m.kind, transaction_kind=m.transaction_kind,
                      payment_id=m.payment_id, provider_reference=m.provider_reference,
                      ledger_amount_cents=m.ledger_amount_cents,
                      statement_amount_cents=m.statement_amount_cents, currency=m.currency)
                      for m in found])


@router.post("/v1/admin/payments/reconciliation/{day}", response_model=RunOut)
def reconcile(day: date, db: Db, caller: FinanceCaller, request: Request) -> RunOut:
    """Compare our ledger with every channel's statement of ``day`` (UTC); a re-run
    replaces that day's findings."""
    _day(day)
    with db.begin():
        run = reconciliation.reconcile_day(db, day, request.app.state.payment_channels)
        [(run, found)] = reconciliation.runs(db, day=run.day)
        return _run_out(run, found)


@router.get("/v1/admin/payments/reconciliation", response_model=RunsOut)
def reconciliation_runs(db: ReadDb, caller: FinanceCaller,
                        day: Annotated[date | None, Query()] = None) -> RunsOut:
    """The latest run of ``day`` with its findings, or of the most recent days."""
    with db.begin():
        return RunsOut(runs=[_run_out(r, f) for r, f in reconciliation.runs(db, day=day)])


@router.get("/v1/admin/payments/statements/{channel}/{day}", response_model=StatementOut)
def statement(channel: ChannelPath, day: date, db: ReadDb, caller: FinanceCaller,
              request: Request) -> StatementOut:
    """A channel's statement of one day, as reconciliation reads it."""
    found = request.app.state.payment_channels.get(channel)
    if found is None:
        raise NotFound(f"the {channel} channel is not enabled", code="channel_unavailable")
    with db.begin():
        entries = found.statement(session=db, day=_day(day))
        return StatementOut(channel=channel, day=day, entries=[StatementEntryOut(
            kind=e.kind, payment_id=e.payment_id, amount_cents=e.amount_cents,
            currency=e.currency, provider_reference=e.provider_reference,
            occurred_at=e.occurred_at) for e in entries])


@router.post("/v1/admin/payments/sandbox/statement-faults", status_code=201,
             response_model=FaultOut)
def plant_fault(body: FaultIn, db: Db, caller: FinanceCaller, request: Request) -> FaultOut:
    """Make a channel's statement of one day drop, alter or invent an entry (for tests and
    the demo: reconciliation should then report it)."""
    channel = request.app.state.payment_channels.get(body.channel)
    if channel is None:
        raise NotFound(f"the {body.channel} channel is not enabled", code="channel_unavailable")
    if not channel.sandbox:
        raise Unprocessable("only a sandbox's statement can be made to lie",
                            code="not_a_sandbox")
    _day(body.day)
    with db.begin():
        fault = books.add_fault(db, channel=body.channel, day=body.day, action=body.action,
                                provider_reference=body.provider_reference,
                                amount_cents=body.amount_cents)
        return FaultOut(id=fault.id, channel=fault.channel, day=fault.day, action=fault.action,
                        provider_reference=fault.provider_reference,
                        amount_cents=fault.amount_cents)
