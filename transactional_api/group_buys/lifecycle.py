"""A group's end: formed when its last seat is paid (every member's held sub-orders
resume), or, when its window closes unfilled, failed (every paid member refunded through
the original channel, every unpaid order cancelled) or completed with virtual members.

Every function here runs with the group row locked by the caller (service.get_group(
lock=True)); orders are locked after it, through the orders domain's public functions.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from transactional_api.aftersales import service as aftersales
from transactional_api.events import group_buy_events as gbe
from transactional_api.events.outbox import emit
from transactional_api.group_buys import service
from transactional_api.group_buys.models import (
    CANCELLED,
    FAILED,
    FORMED,
    FREED,
    MEMBER,
    OPEN,
    PAID,
    PENDING,
    REFUNDED,
    VIRTUAL,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyOffer,
)
from transactional_api.group_buys.seats import HOLD_REASON
from transactional_api.orders import intercept, state
from transactional_api.orders import service as orders

log = logging.getLogger("flywheel.group_buys")


def on_paid(session: Session, group: GroupBuyGroup, member: GroupBuyMember,
            at: datetime) -> None:
    """The member's order was paid: the seat counts; the last one forms the group."""
    if member.status != PENDING:
        return  # already counted, or settled by the close job
    member.status, member.paid_at = PAID, at
    group.paid_members += 1
    if group.status == OPEN and group.paid_members + group.virtual_members == group.group_size:
        form(session, group, at)


def on_cancelled(session: Session, group: GroupBuyGroup, member: GroupBuyMember,
                 at: datetime) -> None:
    """The member's order ended before the group did (expired or cancelled unpaid, or an
    operator cancelled it): the seat is free again."""
    if group.status != OPEN or member.status not in (PENDING, PAID):
        return
    if member.status == PAID:
        group.paid_members -= 1
    member.status, member.ended_at = FREED, at
    group.seats_taken -= 1


def close(session: Session, group: GroupBuyGroup, at: datetime) -> str:
    """The window is over: settle each pending seat by its order's state now (a payment may
    have landed since the consumer's last pass; an unpaid order is cancelled, so none can
    be paid later), then form, fill with virtual members, or fail. Returns the status."""
    offer = session.get(GroupBuyOffer, group.offer_id)
    members = service.members_of(session, group.id, lock=True)
    cancelled = 0
    for m in members:
        if m.status != PENDING:
            continue
        order = orders.get_order(session=session, order_id=m.order_id, user_id=None, lock=True)
        if order.status == state.PENDING_PAYMENT:
            orders.cancel_order(session=session, order_id=order.id, user_id=None,
                                reason="group_buy_closed")
            m.status, m.ended_at = CANCELLED, at
            group.seats_taken -= 1
            cancelled += 1
        elif order.status == state.CANCELLED:
            m.status, m.ended_at = FREED, at
            group.seats_taken -= 1
        else:
            on_paid(session, group, m, order.paid_at or at)
    if group.status == FORMED:
        return FORMED
    paid = group.paid_members
    if offer.fill_with_virtual and paid >= 1:
        fill = group.group_size - paid - group.virtual_members
        for _ in range(fill):
            session.add(GroupBuyMember(group_id=group.id, user_id=None, order_id=None,
                                       role=MEMBER, status=VIRTUAL, new_user=False,
                                       refunded_cents=0, joined_at=at))
        group.virtual_members += fill
        group.seats_taken = group.group_size
        session.flush()
        form(session, group, at)
        return FORMED
    fail(session, group, offer, members, at, cancelled)
    return FAILED


def form(session: Session, group: GroupBuyGroup, at: datetime) -> None:
    offer = session.get(GroupBuyOffer, group.offer_id)
    group.status, group.formed_at = FORMED, at
    for m in service.members_of(session, group.id):
        if m.status == PAID:
            _resume(session, m.order_id)
    emit(session=session, event=gbe.GroupFormed(
        occurred_at=at, payload=gbe.GroupFormedPayload(
            group_id=group.id, offer_id=group.offer_id, sku_id=offer.sku_id,
            leader_user_id=group.leader_user_id, group_size=group.group_size,
            paid_members=group.paid_members, virtual_members=group.virtual_members,
            currency=offer.currency, list_price_cents=offer.list_price_cents,
            group_price_cents=offer.group_price_cents, opened_at=group.opened_at)))


def fail(session: Session, group: GroupBuyGroup, offer: GroupBuyOffer,
         members: list[GroupBuyMember], at: datetime, cancelled: int) -> None:
    refunded_members = 0
    for m in members:
        if m.status != PAID:
            continue
        m.refunded_cents = _refund(session, m.order_id)
        m.status, m.ended_at = REFUNDED, at
        group.refunded_cents += m.refunded_cents
        refunded_members += 1
    group.status, group.failed_at = FAILED, at
    emit(session=session, event=gbe.GroupFailed(
        occurred_at=at, payload=gbe.GroupFailedPayload(
            group_id=group.id, offer_id=group.offer_id, sku_id=offer.sku_id,
            leader_user_id=group.leader_user_id, group_size=group.group_size,
            refunded_members=refunded_members, refunded_cents=group.refunded_cents,
            cancelled_orders=cancelled, currency=offer.currency, opened_at=group.opened_at)))
    log.info("group buy failed", extra={"group_id": group.id,
                                        "refunded_cents": group.refunded_cents})


def _resume(session: Session, order_id: str) -> None:
    order = orders.get_order(session=session, order_id=order_id, user_id=None, lock=True)
    for sub in list(order.sub_orders):
        if sub.paused and sub.hold_reason == HOLD_REASON and \
                sub.status in state.BEFORE_SHIPPING:
            intercept.intercept(session=session, sub_order_id=sub.id, action="resume",
                                reason="group_buy_formed", actor_id=None)


def _refund(session: Session, order_id: str) -> int:
    """Cancel each held sub-order with a refund of what it still holds (through the
    channel that took it); the cents refunded."""
    order = orders.get_order(session=session, order_id=order_id, user_id=None, lock=True)
    refunded = 0
    for sub in list(order.sub_orders):
        if sub.status not in state.BEFORE_SHIPPING or sub.status == state.AWAITING_PAYMENT:
            continue
        refunded += sub.total_cents - aftersales.refunded_cents(session=session,
                                                                 sub_order_id=sub.id)
        intercept.intercept(session=session, sub_order_id=sub.id, action="cancel",
                            reason="group_buy_failed", actor_id=None)
    return refunded
