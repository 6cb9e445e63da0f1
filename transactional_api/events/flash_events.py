"""Flash sales: a sale's life (scheduled, armed, ended with what Redis counted and what the
reconciliation found), and each won reservation as it becomes an order or goes back to the
pool. The reservation itself is won in Redis, off the outbox; the order worker records
it here with the moment Redis took the unit (reserved_at).

Envelope user_id: the shopper for reservation events, the operator for scheduled."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict, UtcDateTime

Currency = Annotated[str, Field(min_length=3, max_length=3)]
Units = Annotated[int, Field(strict=True, ge=0)]


class FlashSaleScheduledPayload(Strict):
    sale_id: Id
    name: Annotated[str, Field(min_length=1, max_length=120)]
    sku_id: Id
    merchant_id: Id
    currency: Currency
    list_price_cents: Cents
    flash_price_cents: Cents
    quantity: Units
    per_user_limit: Units
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    audience_id: Id | None = None


class FlashSaleArmedPayload(Strict):
    sale_id: Id
    warehouse_id: Id
    quantity: Units


class FlashSaleEndedPayload(Strict):
    """Redis' counters of the requests answered, and the reconciliation at the end."""

    sale_id: Id
    status: Literal["ended", "cancelled"]
    requests: Units
    won: Units
    sold_out: Units
    rate_limited: Units
    over_limit: Units
    units_ordered: Units
    units_returned_to_stock: Units
    sold_out_at: UtcDateTime | None = None
    reconciled: bool
    differences: Units


class FlashReservationOrderedPayload(Strict):
    token: Id
    sale_id: Id
    order_id: Id
    sku_id: Id
    quantity: Units
    reserved_at: UtcDateTime
    currency: Currency
    list_price_cents: Cents
    flash_price_cents: Cents


class FlashReservationReleasedPayload(Strict):
    """Its order lapsed unpaid or was cancelled: back to the sale's pool, or (after the
    end, or when the unit was sold elsewhere meanwhile) to the shop's stock."""

    token: Id
    sale_id: Id
    order_id: Id | None = None
    quantity: Units
    to_pool: bool
    reason: Annotated[str, Field(max_length=200)]


class FlashSaleScheduled(Envelope):
    event_type: Literal["flash_sale_scheduled"] = "flash_sale_scheduled"
    payload: FlashSaleScheduledPayload


class FlashSaleArmed(Envelope):
    event_type: Literal["flash_sale_armed"] = "flash_sale_armed"
    payload: FlashSaleArmedPayload


class FlashSaleEnded(Envelope):
    event_type: Literal["flash_sale_ended"] = "flash_sale_ended"
    payload: FlashSaleEndedPayload


class FlashReservationOrdered(Envelope):
    event_type: Literal["flash_reservation_ordered"] = "flash_reservation_ordered"
    payload: FlashReservationOrderedPayload


class FlashReservationReleased(Envelope):
    event_type: Literal["flash_reservation_released"] = "flash_reservation_released"
    payload: FlashReservationReleasedPayload


FLASH_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (FlashSaleScheduled, FlashSaleArmed, FlashSaleEnded, FlashReservationOrdered,
              FlashReservationReleased)
}
