"""Group buying over HTTP: offers in and out, groups, seats and share links."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from transactional_api.events.contract import MAX_CENTS, Context

Id = Annotated[str, Field(min_length=1, max_length=36)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfferIn(_In):
    sku_id: Id
    group_price_cents: Annotated[int, Field(strict=True, ge=1, le=MAX_CENTS)]
    group_size: Annotated[int, Field(strict=True, ge=2, le=50)]
    # how long an opened group stays open (1 minute .. 30 days)
    window_seconds: Annotated[int, Field(strict=True, ge=60, le=30 * 86_400)]
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    fill_with_virtual: bool = False

    @model_validator(mode="after")
    def _dates(self) -> OfferIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class SeatIn(_In):
    """Where the order ships (as for POST /v1/orders) and the share link's token, if any."""

    invite: Id | None = None
    address_id: Id | None = None
    shipping_region: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    context: Context = Field(default_factory=Context)


class OfferOut(BaseModel):
    id: str
    sku_id: str
    product_id: str
    currency: str
    list_price_cents: int
    group_price_cents: int
    group_size: int
    window_seconds: int
    starts_at: datetime
    ends_at: datetime
    fill_with_virtual: bool
    active: bool
    created_at: datetime


class OfferList(BaseModel):
    items: list[OfferOut]


class OpenGroupOut(BaseModel):
    id: str
    seats_taken: int
    seats_left: int
    closes_at: datetime


class OfferView(BaseModel):
    offer: OfferOut
    open_groups: list[OpenGroupOut]


class MemberOut(BaseModel):
    role: str
    status: str
    you: bool
    joined_at: datetime
    paid_at: datetime | None


class GroupOut(BaseModel):
    id: str
    offer_id: str
    sku_id: str
    status: str
    group_size: int
    seats_taken: int
    seats_left: int
    paid_members: int
    virtual_members: int
    currency: str
    group_price_cents: int
    opened_at: datetime
    closes_at: datetime
    formed_at: datetime | None
    failed_at: datetime | None
    members: list[MemberOut]


class SeatOut(BaseModel):
    """The seat taken: pay order_id (POST /v1/orders/{id}/payments) to count in the group."""

    group: GroupOut
    order_id: str
    total_cents: int
    currency: str
    expires_at: datetime


class ShareOut(BaseModel):
    token: str
    group_id: str
    inviter_user_id: str
    path: str
