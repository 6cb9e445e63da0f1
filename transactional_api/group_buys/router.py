"""Group buying over HTTP: operators' offers (the 'marketing' permission); shoppers open,
join, view and share groups. A seat is an order at the group price: pay it with
POST /v1/orders/{order_id}/payments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from transactional_api.core.deps import (
    CurrentCaller,
    Db,
    MarketingCaller,
    OptionalCaller,
    ReadDb,
    SettingsDep,
)
from transactional_api.group_buys import seats, service
from transactional_api.group_buys.schemas import (
    GroupOut,
    OfferIn,
    OfferList,
    OfferOut,
    OfferView,
    SeatIn,
    SeatOut,
    ShareOut,
)
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["group buying"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]


@router.post("/v1/admin/group-buys", status_code=201, response_model=OfferOut)
def create_offer(body: OfferIn, db: Db, caller: MarketingCaller) -> OfferOut:
    """404 `sku_not_found`; 422 `sku_not_groupable`, `group_price_not_discounted`,
    `under_price_floor`."""
    with db.begin():
        return service.offer_out(service.create_offer(session=db, body=body,
                                                      actor_id=caller.id))


@router.get("/v1/admin/group-buys", response_model=OfferList)
def list_offers(db: ReadDb, _: MarketingCaller,
                limit: Annotated[int, Query(ge=1, le=500)] = 100) -> OfferList:
    with db.begin():
        return OfferList(items=[service.offer_out(o)
                                for o in service.list_offers(session=db, limit=limit)])


@router.get("/v1/group-buys/{offer_id}", response_model=OfferView)
def get_offer(offer_id: IdPath, db: ReadDb) -> OfferView:
    with db.begin():
        return service.offer_view(session=db, offer_id=offer_id)


def _checkout(body: SeatIn, settings, request: Request) -> seats.Checkout:
    return seats.Checkout(settings=settings, redis=request.app.state.redis,
                          address_id=body.address_id, shipping_region=body.shipping_region,
                          context=body.context)


def _seat_out(db, group, order, viewer_id: str) -> SeatOut:
    return SeatOut(group=service.group_out(db, group, viewer_id), order_id=order.id,
                   total_cents=order.total_cents, currency=order.currency,
                   expires_at=order.expires_at)


@router.post("/v1/group-buys/{offer_id}/groups", status_code=201, response_model=SeatOut)
def open_group(offer_id: IdPath, body: SeatIn, db: Db, caller: CurrentCaller,
               settings: SettingsDep, request: Request) -> SeatOut:
    """Open a group as its leader: an order of one unit at the group price (409
    `offer_not_active`, `already_leading`)."""
    with risk_gates.recording(db), db.begin():
        group, order = seats.open_group(session=db, offer_id=offer_id, user_id=caller.id,
                                        checkout=_checkout(body, settings, request))
        risk_gates.check_placement(request, session=db, order=order, user_id=caller.id)
        return _seat_out(db, group, order, caller.id)


@router.post("/v1/group-buys/groups/{group_id}/join", status_code=201, response_model=SeatOut)
def join_group(group_id: IdPath, body: SeatIn, db: Db, caller: CurrentCaller,
               settings: SettingsDep, request: Request) -> SeatOut:
    """Take a seat (409 `group_full`, `group_formed`, `group_failed`, `group_expired`,
    `already_member`; 422 `invalid_invite`)."""
    with risk_gates.recording(db), db.begin():
        group, order = seats.join_group(session=db, group_id=group_id, user_id=caller.id,
                                        invite=body.invite,
                                        checkout=_checkout(body, settings, request))
        risk_gates.check_placement(request, session=db, order=order, user_id=caller.id)
        return _seat_out(db, group, order, caller.id)


@router.get("/v1/group-buys/groups/{group_id}", response_model=GroupOut)
def get_group(group_id: IdPath, db: ReadDb, caller: OptionalCaller) -> GroupOut:
    with db.begin():
        return service.group_out(db, service.get_group(session=db, group_id=group_id),
                                 caller.id if caller else None)


@router.post("/v1/group-buys/groups/{group_id}/share", status_code=201, response_model=ShareOut)
def share_group(group_id: IdPath, db: Db, caller: CurrentCaller) -> ShareOut:
    """A share link carrying the inviter: others join with `invite` = this token."""
    with db.begin():
        share = seats.create_share(session=db, group_id=group_id, user_id=caller.id)
        return ShareOut(token=share.id, group_id=share.group_id,
                        inviter_user_id=share.inviter_user_id,
                        path=f"/group-buys/groups/{share.group_id}?invite={share.id}")


@router.post("/v1/admin/group-buys/close-due", response_model=dict[str, int])
def close_due(request: Request, _: MarketingCaller, settings: SettingsDep) -> dict[str, int]:
    """Run the close job now, at the request's clock (the simulator's day end): {status:
    groups closed}. The API's periodic job does the same every group_buy_interval_seconds."""
    from transactional_api.core import clock
    from transactional_api.group_buys import jobs

    return jobs.close_due(request.app.state.sessions, settings, now=clock.now())
