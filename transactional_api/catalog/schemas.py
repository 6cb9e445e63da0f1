from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(min_length=1, max_length=120, pattern=_SLUG)
    parent_id: str | None = Field(None, max_length=36)


class CategoryOut(BaseModel):
    id: str
    parent_id: str | None
    name: str
    slug: str


class CategoryList(BaseModel):
    items: list[CategoryOut]


class SkuIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    price_cents: int = Field(strict=True, ge=0, le=100_000_000)
    stock: int = Field(0, strict=True, ge=0, le=10_000_000)


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category_id: str = Field(max_length=36)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    skus: list[SkuIn] = Field(min_length=1, max_length=50)


class StockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    available: int = Field(strict=True, ge=0, le=10_000_000)


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price_cents: int = Field(strict=True, ge=0, le=100_000_000)


class SkuOut(BaseModel):
    id: str
    code: str
    name: str
    price_cents: int
    currency: str
    available: int


class ProductOut(BaseModel):
    id: str
    category_id: str
    name: str
    description: str
    skus: list[SkuOut]


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int
