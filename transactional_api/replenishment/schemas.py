"""Reorder suggestions and the draft purchase orders made from them, over HTTP."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class SuggestionOut(BaseModel):
    suggestion_id: str
    as_of: date
    sku_id: str
    location_id: str
    supplier_id: str | None
    on_hand: int
    on_order: int
    mean_daily_demand: float
    sigma_daily: float
    lead_time_days: int
    review_days: int
    moq: int
    service_level: float
    safety_stock: float
    reorder_point: float
    quantity: int
    days_of_cover: float | None
    forecast_model: str


class SuggestionList(BaseModel):
    as_of: date | None
    generated_at: datetime | None
    items: list[SuggestionOut]


class DraftOrderOut(BaseModel):
    suggestion_id: str
    sku_id: str
    location_id: str
    supplier_id: str
    purchase_order_id: str
    quantity: int
    accepted_at: datetime
