from __future__ import annotations

from pydantic import BaseModel, Field


class Ref(BaseModel):
    id: str
    name: str | None


class SearchItem(BaseModel):
    """Enough for a listing card; the product page has the rest."""

    product_id: str
    name: str
    category_id: str
    min_price_cents: int = Field(description="The cheapest SKU: the listing price")
    max_price_cents: int
    currency: str
    labels: list[str]
    brand: Ref | None
    merchant: Ref
    in_stock: bool
    image: str | None
    sold_count: int


class FacetCount(BaseModel):
    id: str
    name: str | None
    count: int


class LabelCount(BaseModel):
    value: str
    count: int


class PriceBandCount(BaseModel):
    min_cents: int
    max_cents: int | None = Field(description="Exclusive; null: no upper bound")
    count: int


class StockCount(BaseModel):
    value: bool
    count: int


class Facets(BaseModel):
    """Counts over the results with every filter applied. Categories are the direct
    children of the filtered category (top-level categories without one)."""

    categories: list[FacetCount]
    brands: list[FacetCount]
    merchants: list[FacetCount]
    labels: list[LabelCount]
    price_bands: list[PriceBandCount]
    in_stock: list[StockCount]


class SearchOut(BaseModel):
    items: list[SearchItem]
    total: int
    limit: int
    offset: int
    sort: str
    facets: Facets | None


class HotSearch(BaseModel):
    query: str
    searches: int


class HotSearchesOut(BaseModel):
    items: list[HotSearch]
