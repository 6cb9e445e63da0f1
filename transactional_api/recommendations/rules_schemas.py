"""Operator rules on served recommendations, in and out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Placement = Literal["home", "product", "cart", "bought_together"]
RuleId = Field(min_length=1, max_length=36)


class RuleIn(BaseModel):
    """pin: product_id at position (1-based) in placement; boost: product_id or category_id
    times multiplier (0 hides it); diversity: at most max_per_category of one category in
    the top_k of placement. placement unset: every placement."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["pin", "boost", "diversity"]
    placement: Placement | None = None
    product_id: str | None = Field(None, min_length=1, max_length=36)
    category_id: str | None = Field(None, min_length=1, max_length=36)
    position: int | None = Field(None, strict=True, ge=1, le=100)
    multiplier: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    max_per_category: int | None = Field(None, strict=True, ge=1, le=100)
    top_k: int | None = Field(None, strict=True, ge=1, le=100)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    note: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _shape(self) -> RuleIn:
        need = {"pin": ("product_id", "position", "placement"), "boost": ("multiplier",),
                "diversity": ("max_per_category", "placement")}[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} rule needs {', '.join(missing)}")
        if self.kind == "boost" and (self.product_id is None) == (self.category_id is None):
            raise ValueError("a boost names exactly one of product_id or category_id")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class RuleOut(BaseModel):
    id: str
    kind: str
    placement: str | None
    product_id: str | None
    category_id: str | None
    position: int | None
    multiplier: float | None
    max_per_category: int | None
    top_k: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    note: str
    created_by: str | None
    created_at: datetime


class RulePage(BaseModel):
    items: list[RuleOut]
