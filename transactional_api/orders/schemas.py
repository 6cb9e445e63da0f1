from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.cart.schemas import MAX_QUANTITY
from transactional_api.events.contract import Context


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
    # Virtual goods only (e.g. the phone number to top up); refused on physical goods.
    recipient: str | None = Field(None, min_length=3, max_length=100,
                                  pattern=r"^[A-Za-z0-9+@._-]+$")


class OrderIn(BaseModel):
    """No prices here on purpose: the server computes every amount."""

    model_config = ConfigDict(extra="forbid")
    items: list[OrderLineIn] | None = Field(None, min_length=1, max_length=100)
    session_id: str | None = Field(None, min_length=1, max_length=64)
    anonymous_id: str | None = Field(None, min_length=1, max_length=64)
    shipping_region: str | None = Field(None, min_length=1, max_length=16,
                                        pattern=r"^[A-Za-z0-9_-]+$")
    context: Context = Field(default_factory=Context)


class OrderItemOut(BaseModel):
    sku_id: str
    product_id: str
    product_name: str
    sku_name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int
    merchant_id: str
    kind: str
    recipient: str | None
    fulfilment_status: str | None


class OrderOut(BaseModel):
    id: str
    user_id: str
    status: str
    currency: str
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    shipping_region: str | None
    items: list[OrderItemOut]
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    shipped_at: datetime | None
    completed_at: datetime | None


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int
    limit: int
    offset: int


class ExpireOut(BaseModel):
    cancelled: int


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
