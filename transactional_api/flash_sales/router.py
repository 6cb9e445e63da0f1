"""Shopper routes. The reserve route is the hot path: an HMAC check of the pass and one
Redis script, no SQL and no thread hop (a plain async handler; the Redis call is a
loopback round trip of well under a millisecond)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from sqlalchemy import select

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, ReadDb
from transactional_api.core.errors import Conflict, DomainError, NotFound, Unauthorized
from transactional_api.core.ratelimit import RateLimited
from transactional_api.flash_sales import hot, service
from transactional_api.flash_sales.models import ARMED, SCHEDULED, FlashReservation
from transactional_api.flash_sales.schemas import (
    PassOut,
    ReservationOut,
    ReserveIn,
    ReserveOut,
    SaleOut,
)
from transactional_api.orders import service as orders
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["flash sales"])
SaleId = Annotated[str, Path(min_length=1, max_length=36)]


class Forbidden(DomainError):
    status_code = 403
    code = "not_in_audience"


def scripts(request: Request) -> hot.Scripts:
    state = request.app.state
    if getattr(state, "flash_scripts", None) is None:
        state.flash_scripts = hot.Scripts(state.redis, state.settings.flash_queue)
        state.flash_pass_secret = hot.pass_secret(state.webhook_secret)
    return state.flash_scripts


def _out(sale, left: int | None = None) -> SaleOut:
    return SaleOut(id=sale.id, name=sale.name, sku_id=sale.sku_id,
                   merchant_id=sale.merchant_id, currency=sale.currency,
                   list_price_cents=sale.list_price_cents,
                   flash_price_cents=sale.flash_price_cents, quantity=sale.quantity,
                   per_user_limit=sale.per_user_limit, starts_at=sale.starts_at,
                   ends_at=sale.ends_at, audience_id=sale.audience_id,
                   payment_window_seconds=sale.payment_window_seconds,
                   status=sale.status, left=left)


def _left(request: Request, sale) -> int | None:
    if sale.status != ARMED:
        return None
    raw = request.app.state.redis.get(hot.sale_keys(sale.id)[1])
    return int(raw) if raw is not None else None


@router.get("/v1/flash-sales", response_model=list[SaleOut])
def upcoming(request: Request, session: ReadDb) -> list[SaleOut]:
    """Sales scheduled or running now, soonest first."""
    now = clock.now()
    sales = [s for s in service.listing(session, statuses=(SCHEDULED, ARMED))
             if s.ends_at > now]
    return [_out(s, _left(request, s)) for s in sorted(sales, key=lambda s: s.starts_at)]


@router.get("/v1/flash-sales/{sale_id}", response_model=SaleOut)
def one(request: Request, sale_id: SaleId, session: ReadDb) -> SaleOut:
    sale = service.get(session, sale_id)
    return _out(sale, _left(request, sale))


@router.post("/v1/flash-sales/{sale_id}/pass", response_model=PassOut)
def issue_pass(request: Request, sale_id: SaleId, session: ReadDb,
               caller: CurrentCaller) -> PassOut:
    """Ask before the sale: checks the audience once, so the hot path need not."""
    sale = service.get(session, sale_id)
    if sale.status not in (SCHEDULED, ARMED) or sale.ends_at <= clock.now():
        raise Conflict("this sale is over", code="flash_sale_over")
    if sale.audience_id is not None:
        from transactional_api.tags.audience_check import in_audience

        if not in_audience(session, request.app.state.redis, sale.audience_id, caller.id,
                           settings=request.app.state.settings):
            raise Forbidden("this sale is for another audience")
    risk_gates.check_flash_pass(request, session=session, user_id=caller.id,
                                total_cents=sale.flash_price_cents)
    scripts(request)
    expires = int(min(sale.ends_at.timestamp(), clock.real_now().timestamp()
                      + request.app.state.settings.flash_pass_ttl_seconds))
    value = hot.issue_pass(request.app.state.flash_pass_secret, sale_id=sale.id,
                           user_id=caller.id, expires_s=expires)
    from datetime import UTC, datetime

    return PassOut(flash_pass=value, expires_at=datetime.fromtimestamp(expires, UTC))


_REFUSED = {
    "sold_out": (409, "sold out"), "over_limit": (409, "over the per-shopper limit"),
    "not_started": (409, "the sale has not started"), "closed": (409, "the sale is over"),
}


@router.post("/v1/flash-sales/{sale_id}/reserve", response_model=ReserveOut,
             status_code=201)
async def reserve(request: Request, response: Response, sale_id: SaleId, body: ReserveIn,
                  x_flash_pass: Annotated[str | None, Header()] = None) -> ReserveOut:
    """Win a unit or be told why not: 409 sold_out / over_limit / not_started / closed,
    429 rate_limited / waiting_room with Retry-After. A winner's order is made from a
    queue; poll status_url until it is ``ordered``, then pay it."""
    runner = scripts(request)
    user_id = hot.check_pass(request.app.state.flash_pass_secret, x_flash_pass or "",
                             sale_id=sale_id)
    if user_id is None:
        raise Unauthorized("a valid X-Flash-Pass for this sale is required")
    settings = request.app.state.settings
    ctx = {k: v for k, v in (("utm_source", body.utm_source), ("utm_medium", body.utm_medium),
                             ("utm_campaign", body.utm_campaign)) if v}
    got = runner.reserve(sale_id=sale_id, user_id=user_id, request_id=body.request_id,
                         quantity=body.quantity,
                         rate_per_second=settings.flash_client_rate_per_second,
                         burst=settings.flash_client_burst,
                         admission_per_second=settings.flash_admission_per_second,
                         admission_burst=settings.flash_admission_burst,
                         context=json.dumps(ctx))
    if got.outcome == "won":
        if got.repeat:
            response.status_code = 200
        return ReserveOut(token=got.token, repeat=got.repeat,
                          status_url=f"/v1/flash-sales/reservations/{got.token}")
    if got.outcome in ("rate_limited", "waiting_room"):
        err = RateLimited("too many requests; retry later" if got.outcome == "rate_limited"
                          else "the sale is busy: you are in the waiting room",
                          retry_after=int(got.detail or "1000") / 1000)
        err.code = got.outcome
        raise err
    if got.outcome == "closed" and got.detail == "unknown":
        raise NotFound("no flash sale is running under this id", code="flash_sale_not_live")
    status, message = _REFUSED[got.outcome]
    raise Conflict(message, code=got.outcome, details={"detail": got.detail})


@router.get("/v1/flash-sales/reservations/{token}", response_model=ReservationOut)
def reservation(request: Request, token: Annotated[str, Path(min_length=1, max_length=36)],
                session: ReadDb, caller: CurrentCaller) -> ReservationOut:
    row = session.scalar(select(FlashReservation).where(FlashReservation.token == token))
    if row is None:
        sale_id = _queued_sale(request, session, token, caller.id)
        return ReservationOut(token=token, sale_id=sale_id, state="queued")
    if row.user_id != caller.id:
        raise NotFound("reservation not found", code="reservation_not_found")
    order = orders.get_order(session=session, order_id=row.order_id, user_id=None) \
        if row.order_id else None
    return ReservationOut(token=token, sale_id=row.sale_id, state=row.state,
                          order_id=row.order_id, order_status=order.status if order else None,
                          pay_by=order.expires_at if order else None)


def _queued_sale(request: Request, session, token: str, user_id: str) -> str:
    """A token Redis issued to this user whose order is not made yet: its sale id."""
    for sale in service.listing(session, statuses=(ARMED,)):
        entry = request.app.state.redis.hget(hot.sale_keys(sale.id)[4], token)
        if entry is not None and entry.decode().split("|")[0] == user_id:
            return sale.id
    raise NotFound("reservation not found", code="reservation_not_found")
