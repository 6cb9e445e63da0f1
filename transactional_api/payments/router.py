"""Our payment API: paying an order, its options, a payment's ledger, and the signed
callbacks of the channels' providers. (The sandbox providers' own pages are in
provider_router.py; operator routes in admin_router.py and wallet_router.py.)"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, ReadDb, SettingsDep
from transactional_api.core.errors import NotFound, Unauthorized, Unprocessable
from transactional_api.core.permissions import Permission
from transactional_api.orders import service as orders
from transactional_api.orders import state as order_state
from transactional_api.payments import ledger, registry, service
from transactional_api.payments.admin_router import router as admin_router
from transactional_api.payments.channels import ProviderEvent
from transactional_api.payments.schemas import (
    CallbackIn,
    CallbackOut,
    OfferOut,
    PaymentDetailOut,
    PaymentIn,
    PaymentOptionsOut,
    PaymentOut,
    ProviderEventOut,
    TransactionOut,
    UnavailableOut,
)
from transactional_api.payments.signing import verify
from transactional_api.payments.views import payment_out, refund_out
from transactional_api.payments.wallet_router import router as wallet_router
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["payments"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
Signature = Annotated[str | None, Header()]


@router.post("/v1/orders/{order_id}/payments", status_code=202, response_model=PaymentOut)
def create_payment(order_id: IdPath, body: PaymentIn, db: Db, caller: CurrentCaller,
                   request: Request, response: Response, settings: SettingsDep,
                   idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
                   ) -> PaymentOut:
    channels = request.app.state.payment_channels
    channel = channels.get(body.channel)
    if channel is None:
        raise Unprocessable(f"payment channel {body.channel!r} is not enabled",
                            code="channel_unavailable")
    if body.sandbox_outcome is not None and not settings.sandbox_outcome_selectable:
        raise Unprocessable("choosing the sandbox outcome is switched off",
                            code="sandbox_outcome_not_allowed")
    with risk_gates.recording(db), db.begin():
        # risk control before the provider is called (a held order answers 409)
        risk_gates.check_payment(request, session=db, order_id=order_id, user_id=caller.id)
        # The channel records the payment in this transaction: a crash after commit still
        # gets it confirmed (see payments/sandbox.py).
        payment, created = service.create_payment(
            session=db, order_id=order_id, user_id=caller.id, channel=channel,
            options={"sandbox_outcome": body.sandbox_outcome},
            idempotency_key=idempotency_key, channels=channels)
        out = payment_out(payment)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/v1/orders/{order_id}/payment-options", response_model=PaymentOptionsOut)
def payment_options(order_id: IdPath, db: ReadDb, caller: CurrentCaller,
                    request: Request) -> PaymentOptionsOut:
    """The channels offered for this order's amount and currency, and to this shopper (a
    wallet only when its balance covers the order)."""
    with db.begin():
        order = orders.get_order(session=db, order_id=order_id,
                                 user_id=caller.owner_filter(Permission.ORDERS, Permission.FINANCE))
        payable = order.status == order_state.PENDING_PAYMENT and \
            order.expires_at > clock.now()
        offers = registry.offers(session=db, channels=request.app.state.payment_channels,
                                 user_id=order.user_id, amount_cents=order.total_cents,
                                 currency=order.currency) if payable else []
        return PaymentOptionsOut(
            order_id=order.id, amount_cents=order.total_cents, currency=order.currency,
            payable=payable,
            options=[OfferOut(channel=o.channel, label=o.label, flow=o.flow,
                              min_amount_cents=o.min_amount_cents,
                              max_amount_cents=o.max_amount_cents)
                     for o in offers if o.available],
            unavailable=[UnavailableOut(channel=o.channel, reason=o.reason)
                         for o in offers if not o.available])


@router.get("/v1/payments/{payment_id}", response_model=PaymentDetailOut)
def get_payment(payment_id: IdPath, db: ReadDb, caller: CurrentCaller) -> PaymentDetailOut:
    """The payment with its transaction ledger and the provider notifications received."""
    with db.begin():
        p = service.get_payment(session=db, payment_id=payment_id,
                                user_id=caller.owner_filter(Permission.ORDERS, Permission.FINANCE))
        txns, events, refunds = ledger.history(db, p.id)
        return PaymentDetailOut(
            **payment_out(p).model_dump(),
            transactions=[TransactionOut(kind=t.kind, amount_cents=t.amount_cents,
                                         currency=t.currency,
                                         provider_reference=t.provider_reference,
                                         refund_id=t.refund_id, occurred_at=t.occurred_at)
                          for t in txns],
            provider_events=[ProviderEventOut(provider_event_id=e.provider_event_id,
                                              kind=e.kind, occurred_at=e.occurred_at,
                                              received_at=e.received_at, outcome=e.outcome)
                             for e in events],
            refunds=[refund_out(db, r) for r in refunds])


@router.post("/v1/payments/callbacks/sandbox", name="sandbox_callback",
             response_model=CallbackOut)
async def sandbox_callback(request: Request, settings: SettingsDep,
                           x_flywheel_signature: Signature = None) -> CallbackOut:
    return await _callback(request, settings, x_flywheel_signature, "sandbox")


@router.post("/v1/payments/callbacks/card", response_model=CallbackOut)
async def card_callback(request: Request, settings: SettingsDep,
                        x_flywheel_signature: Signature = None) -> CallbackOut:
    return await _callback(request, settings, x_flywheel_signature, "card")


@router.post("/v1/payments/callbacks/bank_transfer", response_model=CallbackOut)
async def bank_transfer_callback(request: Request, settings: SettingsDep,
                                 x_flywheel_signature: Signature = None) -> CallbackOut:
    return await _callback(request, settings, x_flywheel_signature, "bank_transfer")


async def _callback(request: Request, settings, signature: str | None,
                    channel: str) -> CallbackOut:
    if channel not in request.app.state.payment_channels:
        raise NotFound(f"the {channel} channel is not enabled", code="channel_unavailable")
    raw = await request.body()
    if not verify(request.app.state.webhook_secret, raw, signature):
        raise Unauthorized("bad or missing signature", code="bad_signature")
    try:
        body = CallbackIn.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise Unprocessable("malformed callback", code="bad_callback") from exc
    if body.status == "authorized" and channel != "card":
        raise Unprocessable("only card payments are authorized first", code="bad_callback")
    event = ProviderEvent(**body.model_dump())
    return CallbackOut(outcome=await run_in_threadpool(
        _settle, request.app.state.sessions, event, raw.decode("utf-8", "replace"),
        settings.payment_clock_skew_seconds, channel))


def _settle(sessions, event: ProviderEvent, raw: str, skew: int, channel: str) -> str:
    # The ledger write and its effect commit together or not at all.
    with sessions() as db, db.begin():
        return service.handle_callback(session=db, event=event, raw=raw, channel=channel,
                                       clock_skew_seconds=skew)


router.include_router(admin_router)
router.include_router(wallet_router)
