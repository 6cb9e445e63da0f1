"""What a quote asks for; the breakdown it answers is in breakdown_schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.orders.schemas import OrderLineIn


class QuoteIn(BaseModel):
    """Items, or none for the cart (a guest's by X-Cart-Id). coupon_ids: the coupons to use
    (an empty list: none); left out, the engine picks the best in the wallet."""

    model_config = ConfigDict(extra="forbid")
    items: list[OrderLineIn] | None = Field(None, min_length=1, max_length=100)
    address_id: str | None = Field(None, min_length=1, max_length=36)
    shipping_region: str | None = Field(None, min_length=1, max_length=16,
                                        pattern=r"^[A-Za-z0-9_-]+$")
    coupon_ids: list[str] | None = Field(None, max_length=10)
    payment_channel: str | None = Field(None, min_length=1, max_length=32,
                                        pattern=r"^[a-z0-9_]+$")
    market: str | None = Field(
        None, min_length=1, max_length=16, pattern=r"^[a-z][a-z0-9_-]*$",
        description="The storefront market to price in (its currency); left out: the base")
