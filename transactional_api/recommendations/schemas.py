from __future__ import annotations

from pydantic import BaseModel


class RecommendedItem(BaseModel):
    product_id: str
    score: float


class RecommendationsOut(BaseModel):
    source: str
    items: list[RecommendedItem]


class PlacedItem(BaseModel):
    product_id: str
    score: float
    position: int


class PlacementOut(BaseModel):
    """One served list. The client logs exposures and clicks with list_id, placement,
    model, version, variant and each item's position."""

    list_id: str
    placement: str
    model: str
    version: str | None
    variant: str
    # the session's purchase probability from the intent model (session_key given and
    # scored in the serving version), else null
    intent: float | None = None
    items: list[PlacedItem]
