from __future__ import annotations

from pydantic import BaseModel


class RecommendedItem(BaseModel):
    product_id: str
    score: float


class RecommendationsOut(BaseModel):
    source: str
    items: list[RecommendedItem]
