"""Contract events of the catalog, inventory and search domains (written through the outbox)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import (
    MAX_CENTS,
    Cents,
    Count,
    Envelope,
    Id,
    Quantity,
    Strict,
)

# A ledger delta: negative when units leave. Bounded like every other number we land.
Delta = Annotated[int, Field(strict=True, ge=-10_000_000, le=10_000_000)]
Units = Annotated[int, Field(strict=True, ge=-10_000_000, le=10_000_000)]

LIFECYCLE = Literal["draft", "pending_review", "listed", "delisted"]
STOCK_REASONS = Literal[
    "initial", "receipt", "adjustment", "stocktake", "reserved", "released", "expired",
    "deducted", "returned", "intercepted", "migration",
    # a flash sale's hold: taken, into an order, back from a lapsed order, left at the end
    "flash_hold", "flash_release", "flash_return", "flash_end",
    "po_receipt",  # a purchase order's accepted units (procurement)
]


class ProductStatusChangedPayload(Strict):
    product_id: Id
    merchant_id: Id
    from_status: LIFECYCLE | None
    to_status: LIFECYCLE
    action: str = Field(max_length=32)
    reason: str | None = Field(None, max_length=500)


class SkuPriceChangedPayload(Strict):
    product_id: Id
    sku_id: Id
    currency: str = Field(min_length=3, max_length=3)
    old_price_cents: Cents | None
    new_price_cents: Cents


class StockMovedPayload(Strict):
    """One ledger row: summing the deltas per SKU and location gives its levels exactly."""

    movement_id: Annotated[int, Field(strict=True, ge=1)]
    sku_id: Id
    warehouse_id: Id
    on_hand_delta: Delta
    reserved_delta: Delta
    reason: STOCK_REASONS
    order_id: Id | None = None
    reservation_id: Id | None = None


class StockLowPayload(Strict):
    sku_id: Id
    warehouse_id: Id
    sellable: Units  # on_hand - reserved when it fell to the safety stock
    safety_stock: Count


class SearchPerformedPayload(Strict):
    """A query answered by the catalog search (server side, with the filters applied)."""

    query: str = Field(max_length=200)
    results_count: Count
    sort: str = Field(max_length=32)
    category_id: Id | None = None
    brand_id: Id | None = None
    merchant_id: Id | None = None
    label: str | None = Field(None, max_length=32)
    min_price_cents: Cents | None = None
    max_price_cents: Cents | None = None
    in_stock: bool | None = None


class VirtualFulfilmentPayload(Strict):
    order_id: Id
    sku_id: Id
    quantity: Quantity
    status: Literal["fulfilled", "failed"]
    amount_cents: Annotated[int, Field(strict=True, ge=0, le=MAX_CENTS)]
    currency: str = Field(min_length=3, max_length=3)
    supplier_reference: str | None = Field(None, max_length=100)
    reason: str | None = Field(None, max_length=200)


class PresaleAllocatedPayload(Strict):
    order_id: Id
    sku_id: Id
    warehouse_id: Id
    quantity: Quantity
    ship_from_date: date


class ProductStatusChanged(Envelope):
    event_type: Literal["product_status_changed"] = "product_status_changed"
    payload: ProductStatusChangedPayload


class SkuPriceChanged(Envelope):
    event_type: Literal["sku_price_changed"] = "sku_price_changed"
    payload: SkuPriceChangedPayload


class StockMoved(Envelope):
    event_type: Literal["stock_moved"] = "stock_moved"
    payload: StockMovedPayload


class StockLow(Envelope):
    event_type: Literal["stock_low"] = "stock_low"
    payload: StockLowPayload


class SearchPerformed(Envelope):
    event_type: Literal["search_performed"] = "search_performed"
    payload: SearchPerformedPayload


class VirtualFulfilment(Envelope):
    event_type: Literal["virtual_fulfilment"] = "virtual_fulfilment"
    payload: VirtualFulfilmentPayload


class PresaleAllocated(Envelope):
    event_type: Literal["presale_allocated"] = "presale_allocated"
    payload: PresaleAllocatedPayload


CatalogEvent = (ProductStatusChanged | SkuPriceChanged | StockMoved | StockLow | SearchPerformed
                | VirtualFulfilment | PresaleAllocated)
CATALOG_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (ProductStatusChanged, SkuPriceChanged, StockMoved, StockLow, SearchPerformed,
              VirtualFulfilment, PresaleAllocated)
}
