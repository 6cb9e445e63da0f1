from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from transactional_api.core.deps import CurrentCaller, Db, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unauthorized, Unprocessable
from transactional_api.payments import service
from transactional_api.payments.channels import ProviderEvent
from transactional_api.payments.schemas import CallbackIn, CallbackOut, PaymentIn, PaymentOut
from transactional_api.payments.signing import verify

router = APIRouter(tags=["payments"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


def _out(p) -> PaymentOut:
    return PaymentOut(id=p.id, order_id=p.order_id, channel=p.channel,
                      amount_cents=p.amount_cents, currency=p.currency, status=p.status,
                      failure_reason=p.failure_reason, created_at=p.created_at)


@router.post("/v1/orders/{order_id}/payments", status_code=202, response_model=PaymentOut)
def create_payment(order_id: IdPath, body: PaymentIn, db: Db, caller: CurrentCaller,
                   request: Request, response: Response, settings: SettingsDep,
                   idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
                   ) -> PaymentOut:
    channel = request.app.state.payment_channels.get(body.channel)
    if channel is None:
        raise Unprocessable(f"payment channel {body.channel!r} is not enabled",
                            code="channel_unavailable")
    if body.sandbox_outcome is not None and not settings.sandbox_outcome_selectable:
        raise Unprocessable("choosing the sandbox outcome is switched off",
                            code="sandbox_outcome_not_allowed")
    with db.begin():
        # The channel records the payment in this transaction: a crash after commit still
        # gets it confirmed (see payments/sandbox.py).
        payment, created = service.create_payment(
            session=db, order_id=order_id, user_id=caller.id, channel=channel,
            options={"sandbox_outcome": body.sandbox_outcome},
            idempotency_key=idempotency_key)
        out = _out(payment)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/v1/payments/{payment_id}", response_model=PaymentOut)
def get_payment(payment_id: IdPath, db: ReadDb, caller: CurrentCaller) -> PaymentOut:
    with db.begin():
        return _out(service.get_payment(session=db, payment_id=payment_id,
                                        user_id=None if caller.is_admin else caller.id))


@router.post("/v1/payments/callbacks/sandbox", name="sandbox_callback",
             response_model=CallbackOut)
async def sandbox_callback(
    request: Request, settings: SettingsDep,
    x_flywheel_signature: Annotated[str | None, Header()] = None,
) -> CallbackOut:
    if "sandbox" not in request.app.state.payment_channels:
        raise NotFound("the sandbox channel is not enabled", code="channel_unavailable")
    raw = await request.body()
    if not verify(request.app.state.webhook_secret, raw, x_flywheel_signature):
        raise Unauthorized("bad or missing signature", code="bad_signature")
    try:
        body = CallbackIn.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise Unprocessable("malformed callback", code="bad_callback") from exc
    event = ProviderEvent(**body.model_dump())
    return CallbackOut(outcome=await run_in_threadpool(
        _settle, request.app.state.sessions, event, raw.decode(),
        settings.payment_clock_skew_seconds))


def _settle(sessions, event: ProviderEvent, raw: str, skew: int) -> str:
    # The ledger write and its effect commit together or not at all.
    with sessions() as db, db.begin():
        return service.handle_callback(session=db, event=event, raw=raw,
                                       clock_skew_seconds=skew)
