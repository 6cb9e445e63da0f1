"""Group buying: offers, groups opened, joined, formed or failed, and share links, so the
warehouse measures each group's success, its discount cost and the fission of share links
(invites sent, joined, new users acquired per inviter). Group events carry the acting
shopper as the envelope's user_id (the joiner, the leader, the sharer); formed and failed
carry none (the close job or the payment that completed the group)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict, UtcDateTime

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Size = Annotated[int, Field(strict=True, ge=2, le=50)]
Seats = Annotated[int, Field(strict=True, ge=0, le=50)]


class GroupBuyOfferCreatedPayload(Strict):
    offer_id: Id
    sku_id: Id
    product_id: Id
    currency: Currency
    list_price_cents: Cents
    group_price_cents: Cents
    group_size: Size
    window_seconds: Annotated[int, Field(strict=True, ge=60)]
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    fill_with_virtual: bool


class GroupOpenedPayload(Strict):
    group_id: Id
    offer_id: Id
    sku_id: Id
    order_id: Id
    group_size: Size
    currency: Currency
    list_price_cents: Cents
    group_price_cents: Cents
    closes_at: UtcDateTime
    # registered within group_buy_new_user_days, or no order before this one
    new_user: bool


class GroupJoinedPayload(Strict):
    group_id: Id
    offer_id: Id
    order_id: Id
    leader_user_id: Id
    inviter_user_id: Id | None = None  # from the share link the joiner came through
    share_id: Id | None = None
    new_user: bool
    seats_taken: Seats
    group_size: Size


class GroupFormedPayload(Strict):
    group_id: Id
    offer_id: Id
    sku_id: Id
    leader_user_id: Id
    group_size: Size
    paid_members: Seats
    virtual_members: Seats
    currency: Currency
    list_price_cents: Cents
    group_price_cents: Cents
    opened_at: UtcDateTime


class GroupFailedPayload(Strict):
    group_id: Id
    offer_id: Id
    sku_id: Id
    leader_user_id: Id
    group_size: Size
    refunded_members: Seats
    refunded_cents: Cents
    cancelled_orders: Seats
    currency: Currency
    opened_at: UtcDateTime


class GroupShareCreatedPayload(Strict):
    share_id: Id
    group_id: Id
    offer_id: Id
    inviter_user_id: Id


class GroupBuyOfferCreated(Envelope):
    event_type: Literal["group_buy_offer_created"] = "group_buy_offer_created"
    payload: GroupBuyOfferCreatedPayload


class GroupOpened(Envelope):
    event_type: Literal["group_opened"] = "group_opened"
    payload: GroupOpenedPayload


class GroupJoined(Envelope):
    event_type: Literal["group_joined"] = "group_joined"
    payload: GroupJoinedPayload


class GroupFormed(Envelope):
    event_type: Literal["group_formed"] = "group_formed"
    payload: GroupFormedPayload


class GroupFailed(Envelope):
    event_type: Literal["group_failed"] = "group_failed"
    payload: GroupFailedPayload


class GroupShareCreated(Envelope):
    event_type: Literal["group_share_created"] = "group_share_created"
    payload: GroupShareCreatedPayload


GROUP_BUY_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (GroupBuyOfferCreated, GroupOpened, GroupJoined, GroupFormed, GroupFailed,
              GroupShareCreated)
}
