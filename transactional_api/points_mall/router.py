"""Points mall over HTTP: operators' items (the 'marketing' permission) and the shopper's
listing and redemptions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import CurrentCaller, Db, MarketingCaller, ReadDb, SettingsDep
from transactional_api.members import redemption as member_points
from transactional_api.points_mall import giveback, items, redeem
from transactional_api.points_mall.models import MallRedemption
from transactional_api.points_mall.schemas import (
    GiveBackRunOut,
    ItemIn,
    ItemList,
    ItemOut,
    ItemPatch,
    RedeemIn,
    RedemptionOut,
    ShopperItemList,
)
from transactional_api.risk import gates as risk_gates

router = APIRouter(tags=["points-mall"])
IdPath = Annotated[str, Path(min_length=1, max_length=36)]
IdempotencyKey = Annotated[str, Header(min_length=1, max_length=128)]


@router.post("/v1/admin/points-mall/items", status_code=201, response_model=ItemOut)
def create_item(body: ItemIn, db: Db, caller: MarketingCaller) -> ItemOut:
    with db.begin():
        return items.out(items.create(session=db, body=body, actor_id=caller.id))


@router.get("/v1/admin/points-mall/items", response_model=ItemList)
def list_items(db: ReadDb, _: MarketingCaller, listed: bool | None = None) -> ItemList:
    with db.begin():
        return ItemList(items=[items.out(i) for i in items.listing(session=db, listed=listed)])


@router.get("/v1/admin/points-mall/items/{item_id}", response_model=ItemOut)
def get_item(item_id: IdPath, db: ReadDb, _: MarketingCaller) -> ItemOut:
    with db.begin():
        return items.out(items.get(session=db, item_id=item_id))


@router.patch("/v1/admin/points-mall/items/{item_id}", response_model=ItemOut)
def change_item(item_id: IdPath, body: ItemPatch, db: Db, caller: MarketingCaller) -> ItemOut:
    """Price, window, limit, listing; ``stock`` sets the allotment (409
    stock_below_redeemed when fewer than the units already redeemed)."""
    with db.begin():
        return items.out(items.change(session=db, item_id=item_id, body=body,
                                      actor_id=caller.id))


@router.post("/v1/admin/points-mall/give-backs/run", response_model=GiveBackRunOut)
def run_give_backs(_: MarketingCaller, request: Request) -> GiveBackRunOut:
    """Catch up with the outbox now (the API also does it every few seconds)."""
    return GiveBackRunOut(given_back=giveback.consume_all(request.app.state.sessions,
                                                          request.app.state.settings))


@router.get("/v1/points-mall/items", response_model=ShopperItemList)
def shopper_items(db: ReadDb, caller: CurrentCaller) -> ShopperItemList:
    """Listed items not yet over, with the shopper's points balance and how many units of
    each they may still redeem."""
    with db.begin():
        return ShopperItemList(
            items=items.for_shopper(session=db, user_id=caller.id, now=clock.now()),
            points_balance=member_points.balance_of(db, caller.id))


def _out(db, row: MallRedemption) -> RedemptionOut:
    order = redeem.order_of(db, row)
    return RedemptionOut(
        id=row.id, item_id=row.item_id, kind=row.kind, quantity=row.quantity,
        points=row.points, cash_cents=row.cash_cents, currency=row.currency,
        order_id=row.order_id, order_status=order.status if order else None,
        order_total_cents=order.total_cents if order else None, coupon_id=row.coupon_id,
        status=row.status, points_balance=member_points.balance_of(db, row.user_id),
        created_at=row.created_at)


@router.post("/v1/points-mall/items/{item_id}/redeem", status_code=201,
             response_model=RedemptionOut)
def redeem_item(item_id: IdPath, body: RedeemIn, db: Db, caller: CurrentCaller,
                settings: SettingsDep, request: Request, response: Response,
                idempotency_key: IdempotencyKey) -> RedemptionOut:
    """Spend points (and place the order, or grant the coupon) in one transaction: 409
    insufficient_points, out_of_stock, per_user_limit_reached or not_on_sale change
    nothing. An order left with money to pay (cash or shipping) is paid like any other."""
    req = redeem.Request(item_id=item_id, quantity=body.quantity,
                         idempotency_key=idempotency_key, address_id=body.address_id,
                         shipping_region=body.shipping_region, context=body.context)
    with risk_gates.recording(db), db.begin():
        row, created = redeem.redeem(session=db, user_id=caller.id, req=req, settings=settings)
        order = redeem.order_of(db, row) if created else None
        if order is not None:  # goods: the same checks as any order's placement
            risk_gates.check_placement(request, session=db, order=order, user_id=caller.id)
        if not created:
            response.status_code = 200
            response.headers["Idempotent-Replayed"] = "true"
        return _out(db, row)
