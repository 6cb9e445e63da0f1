"""Points mall over HTTP: items in and out, a redemption request and its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from transactional_api.events.envelope import Context

Title = Annotated[str, Field(min_length=1, max_length=100)]
Points = Annotated[int, Field(strict=True, ge=1, le=10**9)]
Cash = Annotated[int, Field(strict=True, ge=0, le=10**10)]
Stock = Annotated[int, Field(strict=True, ge=0, le=10**8)]
PerUser = Annotated[int, Field(strict=True, ge=1, le=1000)]
Id = Annotated[str, Field(min_length=1, max_length=36)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Window(_In):
    @model_validator(mode="after")
    def _window(self):
        starts, ends = getattr(self, "starts_at", None), getattr(self, "ends_at", None)
        if starts is not None and ends is not None and ends <= starts:
            raise ValueError("ends_at must be after starts_at")
        return self


class ItemIn(_Window):
    """A catalog SKU (goods, ordered like any other) or a coupon template (granted to the
    shopper's wallet, points only); stock is the mall's own allotment."""

    kind: Literal["goods", "coupon"]
    title: Title
    sku_id: Id | None = None
    coupon_template_id: Id | None = None
    points_price: Points
    cash_cents: Cash = 0
    stock: Stock
    per_user_limit: PerUser = 1
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    listed: bool = True

    @model_validator(mode="after")
    def _target(self):
        if self.kind == "goods" and (self.sku_id is None or self.coupon_template_id):
            raise ValueError("a goods item names a sku_id and no coupon_template_id")
        if self.kind == "coupon" and (self.coupon_template_id is None or self.sku_id):
            raise ValueError("a coupon item names a coupon_template_id and no sku_id")
        if self.kind == "coupon" and self.cash_cents:
            raise ValueError("a coupon item is paid in points only")
        return self


class ItemPatch(_Window):
    """Changes to an item; ``stock`` sets the allotment's total (what is left moves by the
    same difference, and never below zero)."""

    title: Title | None = None
    points_price: Points | None = None
    cash_cents: Cash | None = None
    stock: Stock | None = None
    per_user_limit: PerUser | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    listed: bool | None = None


class ItemOut(BaseModel):
    id: str
    kind: str
    title: str
    sku_id: str | None
    coupon_template_id: str | None
    points_price: int
    cash_cents: int
    currency: str
    stock_total: int
    stock_left: int
    per_user_limit: int
    starts_at: datetime | None
    ends_at: datetime | None
    listed: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ItemList(BaseModel):
    items: list[ItemOut]


class ShopperItemOut(ItemOut):
    on_sale: bool
    allowance_left: int  # units this shopper may still redeem


class ShopperItemList(BaseModel):
    items: list[ShopperItemOut]
    points_balance: int


class RedeemIn(_In):
    quantity: Annotated[int, Field(strict=True, ge=1, le=1000)] = 1
    # goods only: where the order ships (as on POST /v1/orders)
    address_id: Id | None = None
    shipping_region: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    context: Context = Field(default_factory=Context)


class RedemptionOut(BaseModel):
    id: str
    item_id: str
    kind: str
    quantity: int
    points: int
    cash_cents: int
    currency: str
    order_id: str | None
    order_status: str | None
    order_total_cents: int | None  # what is left to pay (0: paid in full with points)
    coupon_id: str | None
    status: str
    points_balance: int
    created_at: datetime


class GiveBackRunOut(BaseModel):
    given_back: int
