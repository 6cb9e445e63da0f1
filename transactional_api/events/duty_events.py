"""Cross-border orders: the duties and import tax an order to another country was charged,
per line and the rule behind each, emitted when the order is placed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Cents, Envelope, Id, Strict

Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Bps = Annotated[int, Field(strict=True, ge=0, le=100_000)]


class DutyLinePayload(Strict):
    sku_id: Id
    category_id: Id | None = None
    goods_cents: Cents
    duty_cents: Cents
    import_tax_cents: Cents
    rate_id: Id | None = None  # None: no rule for the line, nothing charged
    duty_bps: Bps
    import_tax_bps: Bps
    de_minimis: bool = False


class OrderDutiesAssessedPayload(Strict):
    order_id: Id
    origin_country: Country
    destination_country: Country
    currency: str = Field(min_length=3, max_length=3)
    goods_cents: Cents
    duties_cents: Cents
    import_tax_cents: Cents
    lines: list[DutyLinePayload]


class OrderDutiesAssessed(Envelope):
    event_type: Literal["order_duties_assessed"] = "order_duties_assessed"
    payload: OrderDutiesAssessedPayload


DUTY_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m for m in (OrderDutiesAssessed,)
}
