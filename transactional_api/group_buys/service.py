"""Group-buy offers (operators) and what shoppers read: an offer with its open groups, one
group's seats and members. Taking seats is in seats.py; forming and failing in lifecycle.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.events import group_buy_events as gbe
from transactional_api.events.outbox import emit
from transactional_api.group_buys.models import (
    OPEN,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyOffer,
)
from transactional_api.group_buys.schemas import (
    GroupOut,
    MemberOut,
    OfferIn,
    OfferOut,
    OfferView,
    OpenGroupOut,
)
from transactional_api.pricing import prices

# kinds whose goods leave at payment (codes) or wait for stock (pre-sale): a group could
# neither hold nor refund them cleanly
NOT_GROUPABLE = ("virtual", "presale")


def create_offer(*, session: Session, body: OfferIn, actor_id: str) -> GroupBuyOffer:
    """404 sku_not_found; 422 sku_not_groupable, group_price_not_discounted,
    under_price_floor; the currency is the SKU's."""
    found = catalog.skus_for_order(session=session, sku_ids=[body.sku_id])
    if body.sku_id not in found:
        raise NotFound("SKU not found", code="sku_not_found")
    item = found[body.sku_id]
    if item.kind in NOT_GROUPABLE:
        raise Unprocessable(f"a {item.kind} SKU cannot be sold in groups",
                            code="sku_not_groupable", details={"kind": item.kind})
    if body.group_price_cents >= item.sku.price_cents:
        raise Unprocessable("the group price must be under the SKU's price",
                            code="group_price_not_discounted",
                            details={"list_price_cents": item.sku.price_cents})
    prices.ensure_above_floor(session, sku_id=body.sku_id, prices=[body.group_price_cents])
    now = clock.now()
    offer = GroupBuyOffer(
        sku_id=body.sku_id, product_id=item.product.id, currency=item.sku.currency,
        list_price_cents=item.sku.price_cents, group_price_cents=body.group_price_cents,
        group_size=body.group_size, window_seconds=body.window_seconds,
        starts_at=body.starts_at, ends_at=body.ends_at,
        fill_with_virtual=body.fill_with_virtual, created_by=actor_id, created_at=now)
    session.add(offer)
    session.flush()
    emit(session=session, event=gbe.GroupBuyOfferCreated(
        occurred_at=now, user_id=actor_id, payload=gbe.GroupBuyOfferCreatedPayload(
            offer_id=offer.id, sku_id=offer.sku_id, product_id=offer.product_id,
            currency=offer.currency, list_price_cents=offer.list_price_cents,
            group_price_cents=offer.group_price_cents, group_size=offer.group_size,
            window_seconds=offer.window_seconds, starts_at=offer.starts_at,
            ends_at=offer.ends_at, fill_with_virtual=offer.fill_with_virtual)))
    return offer


def get_offer(*, session: Session, offer_id: str) -> GroupBuyOffer:
    offer = session.get(GroupBuyOffer, offer_id)
    if offer is None:
        raise NotFound("group-buy offer not found", code="offer_not_found")
    return offer


def list_offers(*, session: Session, limit: int = 100) -> list[GroupBuyOffer]:
    return list(session.scalars(select(GroupBuyOffer).order_by(
        GroupBuyOffer.created_at.desc(), GroupBuyOffer.id).limit(limit)))


def get_group(*, session: Session, group_id: str, lock: bool = False) -> GroupBuyGroup:
    stmt = select(GroupBuyGroup).where(GroupBuyGroup.id == group_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    group = session.scalar(stmt)
    if group is None:
        raise NotFound("group not found", code="group_not_found")
    return group


def members_of(session: Session, group_id: str, *, lock: bool = False) -> list[GroupBuyMember]:
    stmt = select(GroupBuyMember).where(GroupBuyMember.group_id == group_id).order_by(
        GroupBuyMember.joined_at, GroupBuyMember.id)
    if lock:
        stmt = stmt.execution_options(populate_existing=True)
    return list(session.scalars(stmt))


def is_active(offer: GroupBuyOffer, now: datetime) -> bool:
    return offer.starts_at <= now < offer.ends_at


def offer_out(offer: GroupBuyOffer, now: datetime | None = None) -> OfferOut:
    return OfferOut(
        id=offer.id, sku_id=offer.sku_id, product_id=offer.product_id, currency=offer.currency,
        list_price_cents=offer.list_price_cents, group_price_cents=offer.group_price_cents,
        group_size=offer.group_size, window_seconds=offer.window_seconds,
        starts_at=offer.starts_at, ends_at=offer.ends_at,
        fill_with_virtual=offer.fill_with_virtual,
        active=is_active(offer, now or clock.now()), created_at=offer.created_at)


def offer_view(*, session: Session, offer_id: str) -> OfferView:
    """The offer and its groups still open (not past their window), oldest first."""
    offer, now = get_offer(session=session, offer_id=offer_id), clock.now()
    groups = session.scalars(select(GroupBuyGroup).where(
        GroupBuyGroup.offer_id == offer.id, GroupBuyGroup.status == OPEN,
        GroupBuyGroup.closes_at > now).order_by(GroupBuyGroup.opened_at, GroupBuyGroup.id)
        .limit(100))
    return OfferView(offer=offer_out(offer, now), open_groups=[
        OpenGroupOut(id=g.id, seats_taken=g.seats_taken,
                     seats_left=g.group_size - g.seats_taken, closes_at=g.closes_at)
        for g in groups])


def group_out(session: Session, group: GroupBuyGroup, viewer_id: str | None) -> GroupOut:
    offer = session.get(GroupBuyOffer, group.offer_id)
    return GroupOut(
        id=group.id, offer_id=group.offer_id, sku_id=offer.sku_id, status=group.status,
        group_size=group.group_size, seats_taken=group.seats_taken,
        seats_left=group.group_size - group.seats_taken, paid_members=group.paid_members,
        virtual_members=group.virtual_members, currency=offer.currency,
        group_price_cents=offer.group_price_cents, opened_at=group.opened_at,
        closes_at=group.closes_at, formed_at=group.formed_at, failed_at=group.failed_at,
        members=[MemberOut(role=m.role, status=m.status,
                           you=viewer_id is not None and m.user_id == viewer_id,
                           joined_at=m.joined_at, paid_at=m.paid_at)
                 for m in members_of(session, group.id)])
