"""Taking a seat: opening a group (the leader) or joining one, each by placing an order at
the group price; and share links.

A seat is taken at join time under the group row's lock (FOR UPDATE on PostgreSQL; SQLite
serialises writers), so the last seat is taken once and seats_taken never passes the
group's size (a CHECK refuses it too). Lock order: group row, then the order's SKU and
order rows (placement), the same as the consumer and the close job.

The order's sub-orders are paused ("group_buy") in the placing transaction: payment
allocates them but nothing ships until the group forms (lifecycle.form resumes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.accounts import service as accounts
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import Conflict, Unprocessable
from transactional_api.events import group_buy_events as gbe
from transactional_api.events.contract import Context
from transactional_api.events.outbox import emit
from transactional_api.group_buys import service
from transactional_api.group_buys.models import (
    FAILED,
    FORMED,
    LEADER,
    MEMBER,
    OPEN,
    PENDING,
    SEATED,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyOffer,
    GroupBuyShare,
)
from transactional_api.inventory.allocation import load_strategy
from transactional_api.orders import intercept, pricing
from transactional_api.orders import service as orders
from transactional_api.orders.models import Order
from transactional_api.pricing.engine.model import PriceOffer

HOLD_REASON = "group_buy"


@dataclass(frozen=True)
class Checkout:
    """What placing the seat's order needs besides the offer."""

    settings: Settings
    redis: object = None
    address_id: str | None = None
    shipping_region: str | None = None
    context: Context = Context()


def open_group(*, session: Session, offer_id: str, user_id: str,
               checkout: Checkout) -> tuple[GroupBuyGroup, Order]:
    """404 offer_not_found; 409 offer_not_active outside the offer's window, already_leading
    when this shopper leads an open group of the offer."""
    offer, now = service.get_offer(session=session, offer_id=offer_id), clock.now()
    if not service.is_active(offer, now):
        raise Conflict("this group-buy offer is not running now", code="offer_not_active",
                       details={"starts_at": offer.starts_at.isoformat(),
                                "ends_at": offer.ends_at.isoformat()})
    leading = session.scalar(select(GroupBuyGroup.id).where(
        GroupBuyGroup.offer_id == offer.id, GroupBuyGroup.leader_user_id == user_id,
        GroupBuyGroup.status == OPEN, GroupBuyGroup.closes_at > now).limit(1))
    if leading is not None:
        raise Conflict("you already lead an open group of this offer", code="already_leading",
                       details={"group_id": leading})
    new_user = _is_new(session, user_id, now, checkout.settings)
    group = GroupBuyGroup(offer_id=offer.id, leader_user_id=user_id, status=OPEN,
                          group_size=offer.group_size, seats_taken=1, paid_members=0,
                          virtual_members=0, refunded_cents=0, opened_at=now,
                          closes_at=now + timedelta(seconds=offer.window_seconds))
    session.add(group)
    session.flush()
    order = _place(session, offer, group, user_id, 0, checkout)
    session.add(GroupBuyMember(group_id=group.id, user_id=user_id, order_id=order.id,
                               role=LEADER, status=PENDING, new_user=new_user,
                               refunded_cents=0, joined_at=now))
    session.flush()
    emit(session=session, event=gbe.GroupOpened(
        occurred_at=now, user_id=user_id, context=checkout.context,
        payload=gbe.GroupOpenedPayload(
            group_id=group.id, offer_id=offer.id, sku_id=offer.sku_id, order_id=order.id,
            group_size=group.group_size, currency=offer.currency,
            list_price_cents=offer.list_price_cents,
            group_price_cents=offer.group_price_cents, closes_at=group.closes_at,
            new_user=new_user)))
    return group, order


def join_group(*, session: Session, group_id: str, user_id: str, invite: str | None,
               checkout: Checkout) -> tuple[GroupBuyGroup, Order]:
    """404 group_not_found; 409 group_formed, group_failed, group_expired, already_member,
    group_full; 422 invalid_invite (a token of another group, or none such)."""
    group = service.get_group(session=session, group_id=group_id, lock=True)
    now = clock.now()
    if group.status == FORMED:
        raise Conflict("this group is already complete", code="group_formed")
    if group.status == FAILED:
        raise Conflict("this group closed without filling", code="group_failed")
    if group.closes_at <= now:
        raise Conflict("this group's window has closed", code="group_expired",
                       details={"closes_at": group.closes_at.isoformat()})
    mine = session.scalars(select(GroupBuyMember).where(
        GroupBuyMember.group_id == group.id, GroupBuyMember.user_id == user_id)).all()
    if any(m.status in SEATED for m in mine):
        raise Conflict("you are already in this group", code="already_member")
    share = _share(session, group, invite) if invite else None
    if group.seats_taken >= group.group_size:
        raise Conflict("every seat of this group is taken", code="group_full",
                       details={"group_size": group.group_size})
    offer = session.get(GroupBuyOffer, group.offer_id)
    new_user = _is_new(session, user_id, now, checkout.settings)
    order = _place(session, offer, group, user_id, len(mine), checkout)
    inviter = share.inviter_user_id if share and share.inviter_user_id != user_id else None
    group.seats_taken += 1
    session.add(GroupBuyMember(group_id=group.id, user_id=user_id, order_id=order.id,
                               role=MEMBER, status=PENDING, new_user=new_user,
                               inviter_user_id=inviter,
                               share_id=share.id if inviter else None,
                               refunded_cents=0, joined_at=now))
    session.flush()
    emit(session=session, event=gbe.GroupJoined(
        occurred_at=now, user_id=user_id, context=checkout.context,
        payload=gbe.GroupJoinedPayload(
            group_id=group.id, offer_id=offer.id, order_id=order.id,
            leader_user_id=group.leader_user_id, inviter_user_id=inviter,
            share_id=share.id if inviter else None, new_user=new_user,
            seats_taken=group.seats_taken, group_size=group.group_size)))
    return group, order


def create_share(*, session: Session, group_id: str, user_id: str) -> GroupBuyShare:
    """A share link's token for a member of an open group (409 group_not_open; 403-like
    409 not_a_member for anyone else: only members invite)."""
    group = service.get_group(session=session, group_id=group_id)
    if group.status != OPEN or group.closes_at <= clock.now():
        raise Conflict("only an open group can be shared", code="group_not_open",
                       details={"status": group.status})
    seated = session.scalar(select(func.count()).select_from(GroupBuyMember).where(
        GroupBuyMember.group_id == group.id, GroupBuyMember.user_id == user_id,
        GroupBuyMember.status.in_(SEATED)))
    if not seated:
        raise Conflict("only a member of the group can share it", code="not_a_member")
    now = clock.now()
    share = GroupBuyShare(group_id=group.id, inviter_user_id=user_id, created_at=now)
    session.add(share)
    session.flush()
    emit(session=session, event=gbe.GroupShareCreated(
        occurred_at=now, user_id=user_id, payload=gbe.GroupShareCreatedPayload(
            share_id=share.id, group_id=group.id, offer_id=group.offer_id,
            inviter_user_id=user_id)))
    return share


def _share(session: Session, group: GroupBuyGroup, token: str) -> GroupBuyShare:
    share = session.get(GroupBuyShare, token)
    if share is None or share.group_id != group.id:
        raise Unprocessable("this invite is not for this group", code="invalid_invite")
    return share


def _is_new(session: Session, user_id: str, now: datetime, settings: Settings) -> bool:
    """Registered within group_buy_new_user_days, or no order placed before."""
    user = accounts.get_user(session=session, user_id=user_id)
    if user is not None and user.created_at >= now - timedelta(
            days=settings.group_buy_new_user_days):
        return True
    return orders.list_orders(session=session, user_id=user_id, limit=1, offset=0)[1] == 0


def _place(session: Session, offer: GroupBuyOffer, group: GroupBuyGroup, user_id: str,
           attempt: int, checkout: Checkout) -> Order:
    """One unit at the group price, its sub-orders held; keyed per (group, user, attempt):
    a seat freed by a cancelled order may be taken again with a new order."""
    sale = ((offer.sku_id, PriceOffer("group", offer.group_price_cents, 1, "Group price")),)
    settings = checkout.settings
    order, _ = orders.place_order(
        session=session, user_id=user_id, items={offer.sku_id: 1}, session_id=None,
        anonymous_id=None, context=checkout.context,
        idempotency_key=f"group-buy:{group.id}:{user_id}:{attempt}",
        payment_timeout_seconds=settings.order_payment_timeout_seconds,
        shipping_region=checkout.shipping_region, address_id=checkout.address_id,
        allocation_strategy=load_strategy(settings.allocation_strategy),
        offers=pricing.Offers(coupon_ids=frozenset(), sale_prices=sale),
        redis=checkout.redis)
    for sub in list(order.sub_orders):
        if not sub.paused:
            intercept.intercept(session=session, sub_order_id=sub.id, action="pause",
                                reason=HOLD_REASON, actor_id=None)
    return order
