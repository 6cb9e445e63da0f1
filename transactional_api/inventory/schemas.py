from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=36)]
Units = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
Region = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9*_-]+$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WarehouseIn(_In):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["warehouse", "store"] = "warehouse"
    regions: list[Region] = Field(min_length=1, max_length=100)
    priority: int = Field(100, strict=True, ge=0, le=10_000)


class WarehouseOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    regions: list[str]
    priority: int
    active: bool


class ReceiptIn(_In):
    sku_id: Id
    warehouse_id: Id
    quantity: int = Field(strict=True, ge=1, le=10_000_000)
    note: str | None = Field(None, max_length=500)


class SafetyStockIn(_In):
    safety_stock: Units


class CountIn(_In):
    sku_id: Id
    counted: Units


class StocktakeIn(_In):
    counts: list[CountIn] = Field(min_length=1, max_length=5000)
    note: str | None = Field(None, max_length=500)


class CountOut(BaseModel):
    sku_id: str
    counted: int
    difference: int


class LevelOut(BaseModel):
    sku_id: str
    warehouse_id: str
    on_hand: int
    reserved: int
    sellable: int
    safety_stock: int


class LedgerCheckOut(BaseModel):
    consistent: bool
    mismatches: list[dict]


class CountedOut(BaseModel):
    count: int
