"""Flash sales over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from transactional_api.events.envelope import UtcDateTime

Units = Annotated[int, Field(strict=True, ge=1, le=1_000_000)]


class SaleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120)]
    sku_id: Annotated[str, Field(min_length=1, max_length=36)]
    flash_price_cents: Annotated[int, Field(strict=True, ge=1, le=10**12)]
    quantity: Units
    per_user_limit: Annotated[int, Field(strict=True, ge=1, le=100)] = 1
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    audience_id: Annotated[str, Field(min_length=1, max_length=36)] | None = None
    payment_window_seconds: Annotated[int, Field(strict=True, ge=30, le=86_400)] = 600
    warehouse_id: Annotated[str, Field(min_length=1, max_length=36)] | None = None


class SaleOut(BaseModel):
    id: str
    name: str
    sku_id: str
    merchant_id: str
    currency: str
    list_price_cents: int
    flash_price_cents: int
    quantity: int
    per_user_limit: int
    starts_at: datetime
    ends_at: datetime
    audience_id: str | None
    payment_window_seconds: int
    status: str
    left: int | None = Field(None, description="Units Redis still has to sell (armed sales)")


class AdminSaleOut(SaleOut):
    warehouse_id: str | None
    held_units: int
    armed_at: datetime | None
    ended_at: datetime | None
    counters: dict[str, int] = Field(default_factory=dict)
    reconciliation: dict | None = None


class PassOut(BaseModel):
    flash_pass: str = Field(description="Send as X-Flash-Pass when reserving")
    expires_at: datetime


class ReserveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: Annotated[str, Field(min_length=1, max_length=64,
                                     description="The same id on a retry gets the same "
                                                 "answer and never a second unit")]
    quantity: Annotated[int, Field(strict=True, ge=1, le=100)] = 1
    utm_source: Annotated[str, Field(max_length=100)] | None = None
    utm_medium: Annotated[str, Field(max_length=100)] | None = None
    utm_campaign: Annotated[str, Field(max_length=100)] | None = None


class ReserveOut(BaseModel):
    token: str
    repeat: bool = Field(description="This request id had won before: the same token")
    status_url: str


class ReservationOut(BaseModel):
    token: str
    sale_id: str
    state: str = Field(description="queued (the order is being made), ordered, returned, "
                       "lapsed or failed")
    order_id: str | None = None
    order_status: str | None = None
    pay_by: datetime | None = None
