"""Redeeming a mall item, all in the caller's one transaction: the mall stock unit taken,
the shopper's per-user count checked, the points spent on the members' ledger, and the
order placed (goods) or the coupon granted. Anything refused raises a DomainError before
the commit, so nothing of it stays.

Lock order (PostgreSQL): the mall item row (its conditional stock UPDATE, which also
serialises one item's redemptions, so the per-user count read after it is current), then
whatever placement locks (SKU stock rows, promotion and coupon rows), then the member's
account row: the order every checkout uses (SKU rows before a member's row). SQLite
serialises writers with BEGIN IMMEDIATE.

A goods item's price reaches the order as a ``mall`` sale price for its SKU; an order
that costs no money (cash 0 and nothing to ship or tax) is marked paid at once through
``orders.service.mark_paid`` with the redemption's id as its payment id, since no payment
provider takes a payment of 0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Conflict, NotFound, Unprocessable
from transactional_api.events import points_mall_events as pe
from transactional_api.events.envelope import Context
from transactional_api.events.outbox import emit
from transactional_api.inventory.allocation import load_strategy
from transactional_api.members import points as ledger
from transactional_api.members import redemption as member_points
from transactional_api.orders import pricing
from transactional_api.orders import service as orders
from transactional_api.orders.models import Order
from transactional_api.points_mall import items
from transactional_api.points_mall.models import GOODS, MallItem, MallRedemption
from transactional_api.pricing import coupons
from transactional_api.pricing.engine.model import PriceOffer


@dataclass(frozen=True)
class Request:
    item_id: str
    quantity: int
    idempotency_key: str
    address_id: str | None = None
    shipping_region: str | None = None
    context: Context = Context()


def points_value_cents(points: int, settings: Settings) -> int:
    return points * 100 // settings.members_points_per_currency_unit


def _fingerprint(req: Request) -> str:
    text = "\x00".join(str(v) for v in (req.item_id, req.quantity, req.address_id,
                                         req.shipping_region, req.context.model_dump_json()))
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(session: Session, user_id: str, req: Request) -> MallRedemption | None:
    found = session.scalar(select(MallRedemption).where(
        MallRedemption.user_id == user_id, MallRedemption.idempotency_key == req.idempotency_key))
    if found is not None and found.request_fingerprint != _fingerprint(req):
        raise Unprocessable("this Idempotency-Key was used for a different request",
                            code="idempotency_key_reused")
    return found


def _take_stock(session: Session, item: MallItem, quantity: int) -> None:
    taken = session.execute(
        update(MallItem).where(MallItem.id == item.id, MallItem.stock_left >= quantity)
        .values(stock_left=MallItem.stock_left - quantity)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise Conflict("this item is out of stock", code="out_of_stock",
                       details={"requested": quantity})


def redeem(*, session: Session, user_id: str, req: Request, settings: Settings
           ) -> tuple[MallRedemption, bool]:
    """(redemption, created); a replayed Idempotency-Key returns the first redemption."""
    existing = _replay(session, user_id, req)
    if existing is not None:
        return existing, False
    now = clock.now()
    item = items.get(session=session, item_id=req.item_id)
    if not item.listed:
        raise NotFound("points mall item not found")
    if not items.on_sale(item, now):
        raise Conflict("this item cannot be redeemed now", code="not_on_sale",
                       details={"starts_at": item.starts_at and item.starts_at.isoformat(),
                                "ends_at": item.ends_at and item.ends_at.isoformat()})
    if item.kind != GOODS and req.quantity != 1:
        raise Unprocessable("a coupon is redeemed one at a time", code="quantity_not_allowed")
    cost = item.points_price * req.quantity
    balance = member_points.balance_of(session, user_id)
    if cost > balance:  # early answer; the locked check below is the one that holds
        raise Conflict("not enough points", code="insufficient_points",
                       details={"balance": balance, "requested": cost})
    _take_stock(session, item, req.quantity)
    held = items.held(session, user_id=user_id, item_ids=[item.id]).get(item.id, 0)
    if held + req.quantity > item.per_user_limit:
        raise Conflict("over this item's per-shopper limit", code="per_user_limit_reached",
                       details={"per_user_limit": item.per_user_limit, "held": held})
    row = MallRedemption(id=new_id(), item_id=item.id, user_id=user_id, kind=item.kind,
                         quantity=req.quantity, points=cost,
                         cash_cents=item.cash_cents * req.quantity, currency=item.currency,
                         status="active", idempotency_key=req.idempotency_key,
                         request_fingerprint=_fingerprint(req), created_at=now,
                         points_given_back=0)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("this Idempotency-Key is being used by another request",
                       code="idempotency_conflict") from exc
    if item.kind == GOODS:
        _order(session, row, item, req, settings)
    else:
        row.coupon_id = coupons.issue(session=session, template_id=item.coupon_template_id,
                                      user_id=user_id, channel="grant", now=now).id
        ledger.spend(session, user_id=user_id, points=cost, reason=f"points mall {row.id}",
                     idempotency_key=f"points-mall:{row.id}", at=now,
                     levels=settings.members_levels)
    emit(session=session, event=pe.PointsMallRedeemed(
        occurred_at=now, user_id=user_id, payload=pe.PointsMallRedeemedPayload(
            redemption_id=row.id, item_id=item.id, kind=item.kind, quantity=row.quantity,
            points=cost, cash_cents=row.cash_cents, currency=row.currency,
            points_value_cents=points_value_cents(cost, settings), order_id=row.order_id,
            coupon_id=row.coupon_id)))
    return row, True


def _order(session: Session, row: MallRedemption, item: MallItem, req: Request,
           settings: Settings) -> None:
    offer = PriceOffer("mall", item.cash_cents, 1, "Points mall")
    order, _ = orders.place_order(
        session=session, user_id=row.user_id, items={item.sku_id: req.quantity},
        session_id=None, anonymous_id=None, context=req.context,
        idempotency_key=f"points-mall:{row.id}",
        payment_timeout_seconds=settings.order_payment_timeout_seconds,
        shipping_region=req.shipping_region, address_id=req.address_id,
        allocation_strategy=load_strategy(settings.allocation_strategy),
        # no wallet coupon on a mall order: its price is the mall's
        offers=pricing.Offers(coupon_ids=frozenset(), sale_prices=((item.sku_id, offer),)))
    line = next(i for i in order.items if i.sku_id == item.sku_id)
    if line.price_kind != "mall" or line.unit_price_cents != item.cash_cents:
        # a price floor (or a cheaper price in force) would change what the mall charges
        raise Conflict("this item cannot be sold at its mall price now",
                       code="mall_price_unavailable",
                       details={"unit_price_cents": line.unit_price_cents})
    row.order_id = order.id
    member_points.spend_for_order(session, user_id=row.user_id, order_id=order.id,
                                  points=row.points, cash_cents=order.total_cents,
                                  at=order.created_at)
    if order.total_cents == 0:
        orders.mark_paid(session=session, order_id=order.id, payment_id=row.id,
                         amount_cents=0, paid_at=order.created_at)


def order_of(session: Session, row: MallRedemption) -> Order | None:
    if row.order_id is None:
        return None
    return orders.get_order(session=session, order_id=row.order_id, user_id=None)
