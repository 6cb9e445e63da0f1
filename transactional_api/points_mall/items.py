"""The mall's items: operators list SKUs and coupon templates for points (or points plus
cash) with a stock of their own; shoppers see what is on sale and what they may still
redeem. Every create or change emits its event in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, NotFound
from transactional_api.events import points_mall_events as pe
from transactional_api.events.outbox import emit
from transactional_api.points_mall.models import ACTIVE, COUPON, GOODS, MallItem, MallRedemption
from transactional_api.points_mall.schemas import ItemIn, ItemOut, ItemPatch, ShopperItemOut
from transactional_api.pricing import coupon_templates


def out(item: MallItem) -> ItemOut:
    return ItemOut(**{f: getattr(item, f) for f in ItemOut.model_fields})


def _payload(item: MallItem) -> pe.PointsMallItemPayload:
    return pe.PointsMallItemPayload(
        item_id=item.id, kind=item.kind, title=item.title, sku_id=item.sku_id,
        coupon_template_id=item.coupon_template_id, points_price=item.points_price,
        cash_cents=item.cash_cents, currency=item.currency, stock_total=item.stock_total,
        stock_left=item.stock_left, per_user_limit=item.per_user_limit, listed=item.listed,
        starts_at=item.starts_at, ends_at=item.ends_at, version=item.version)


def _currency_of(session: Session, body: ItemIn) -> str:
    if body.kind == GOODS:
        found = catalog.skus_for_order(session=session, sku_ids=[body.sku_id], strict=False)
        if body.sku_id not in found:
            raise NotFound("SKU not found or not for sale", code="unknown_sku")
        return found[body.sku_id].sku.currency
    return coupon_templates.get(session=session, template_id=body.coupon_template_id,
                                merchant=None).currency


def create(*, session: Session, body: ItemIn, actor_id: str) -> MallItem:
    now = clock.now()
    item = MallItem(kind=body.kind, title=body.title, sku_id=body.sku_id,
                    coupon_template_id=body.coupon_template_id, points_price=body.points_price,
                    cash_cents=body.cash_cents, currency=_currency_of(session, body),
                    stock_total=body.stock, stock_left=body.stock,
                    per_user_limit=body.per_user_limit, starts_at=body.starts_at,
                    ends_at=body.ends_at, listed=body.listed, version=1, created_by=actor_id,
                    created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    emit(session=session, event=pe.PointsMallItemCreated(occurred_at=now, user_id=actor_id,
                                                         payload=_payload(item)))
    return item


def get(*, session: Session, item_id: str, lock: bool = False) -> MallItem:
    query = select(MallItem).where(MallItem.id == item_id)
    if lock:
        query = query.with_for_update()
    item = session.scalar(query.execution_options(populate_existing=True))
    if item is None:
        raise NotFound("points mall item not found")
    return item


def change(*, session: Session, item_id: str, body: ItemPatch, actor_id: str) -> MallItem:
    """The row is locked, so a stock change and a redemption never lose each other's units."""
    item = get(session=session, item_id=item_id, lock=True)
    fields = body.model_dump(exclude_unset=True)
    if item.kind == COUPON and fields.get("cash_cents"):
        raise Conflict("a coupon item is paid in points only", code="coupon_cash_not_allowed")
    starts = fields.get("starts_at", item.starts_at)
    ends = fields.get("ends_at", item.ends_at)
    if starts is not None and ends is not None and ends <= starts:
        raise Conflict("ends_at must be after starts_at", code="invalid_window")
    if "stock" in fields:
        total = fields.pop("stock")
        left = item.stock_left + total - item.stock_total
        if left < 0:
            raise Conflict("more units were redeemed than this stock", code="stock_below_redeemed",
                           details={"redeemed": item.stock_total - item.stock_left})
        item.stock_total, item.stock_left = total, left
    for name, value in fields.items():
        setattr(item, name, value)
    now = clock.now()
    item.version += 1
    item.updated_at = now
    session.flush()
    emit(session=session, event=pe.PointsMallItemChanged(occurred_at=now, user_id=actor_id,
                                                         payload=_payload(item)))
    return item


def listing(*, session: Session, listed: bool | None = None) -> list[MallItem]:
    query = select(MallItem)
    if listed is not None:
        query = query.where(MallItem.listed == listed)
    return list(session.scalars(query.order_by(MallItem.created_at, MallItem.id).limit(500)))


def on_sale(item: MallItem, now: datetime) -> bool:
    return item.listed and (item.starts_at is None or item.starts_at <= now) and \
        (item.ends_at is None or now < item.ends_at)


def held(session: Session, *, user_id: str, item_ids: list[str]) -> dict[str, int]:
    """Units each item's per-user limit counts for this shopper: every redemption but the
    ones whose order was cancelled (those units went back to the mall)."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(MallRedemption.item_id, func.coalesce(func.sum(MallRedemption.quantity), 0))
        .where(MallRedemption.user_id == user_id, MallRedemption.item_id.in_(item_ids),
               (MallRedemption.status == ACTIVE)
               | (MallRedemption.give_back_reason != "cancelled"))
        .group_by(MallRedemption.item_id))
    return {item_id: int(n) for item_id, n in rows}


def for_shopper(*, session: Session, user_id: str, now: datetime) -> list[ShopperItemOut]:
    """Listed items, each with whether it is on sale now and the shopper's allowance."""
    items = [i for i in listing(session=session, listed=True)
             if i.ends_at is None or now < i.ends_at]
    taken = held(session, user_id=user_id, item_ids=[i.id for i in items])
    return [ShopperItemOut(**out(i).model_dump(), on_sale=on_sale(i, now),
                           allowance_left=max(i.per_user_limit - taken.get(i.id, 0), 0))
            for i in items]
