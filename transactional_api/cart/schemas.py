from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# A cart line and an order line hold at most this many units of one SKU.
MAX_QUANTITY = 1000
MAX_LINES = 100


class CartItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: str = Field(min_length=1, max_length=36)
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)


class CartQuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)


class CartLineOut(BaseModel):
    sku_id: str
    product_id: str
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


class CartOut(BaseModel):
    id: str | None  # None until a guest adds a first item
    items: list[CartLineOut]
    subtotal_cents: int
    currency: str
