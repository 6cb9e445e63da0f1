"""Shipping fees by region and weight, and tax rates: what checkout charges on top of goods."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.core.errors import NotFound, Unprocessable
from transactional_api.shipping.models import ANY_REGION, ShippingRate, TaxRate

# Goods without a recorded weight ship as this much: a fee that is never zero by accident.
DEFAULT_WEIGHT_GRAMS = 500


@dataclass(frozen=True)
class Rule:
    region: str
    currency: str
    base_cents: int
    base_grams: int
    step_cents: int
    step_grams: int
    free_over_cents: int | None

    def fee(self, *, weight_grams: int, goods_cents: int) -> int:
        if self.free_over_cents is not None and goods_cents >= self.free_over_cents:
            return 0
        extra = max(0, weight_grams - self.base_grams)
        steps = -(-extra // self.step_grams)  # started steps count whole
        return self.base_cents + steps * self.step_cents


def _rule(r: ShippingRate) -> Rule:
    return Rule(r.region, r.currency, r.base_cents, r.base_grams, r.step_cents, r.step_grams,
                r.free_over_cents)


FREE = Rule(ANY_REGION, "", 0, 0, 0, 1, None)


def rule_for(*, session: Session, region: str | None, currency: str) -> Rule:
    """The region's own rule, else the fallback "*" rule. A shop with no rule at all in
    the currency ships free; once it has some, a region none of them covers gets 422."""
    rows = {r.region: r for r in session.scalars(select(ShippingRate).where(
        ShippingRate.currency == currency))}
    if not rows:
        return FREE
    for r in (region, ANY_REGION):
        if r in rows:
            return _rule(rows[r])
    raise Unprocessable(f"no shipping to region {region!r} in {currency}",
                        code="shipping_unavailable", details={"region": region})


def tax_rate_bp(*, session: Session, region: str | None) -> int:
    wanted = [r for r in (region, ANY_REGION) if r]
    rows = dict(session.execute(select(TaxRate.region, TaxRate.rate_bp)
                                .where(TaxRate.region.in_(wanted))).all())
    return next((rows[r] for r in wanted if r in rows), 0)


def tax_of(net_cents: int, rate_bp: int) -> int:
    """Half-up rounding on integer cents."""
    return (net_cents * rate_bp + 5000) // 10000


def list_rates(*, session: Session) -> tuple[list[ShippingRate], list[TaxRate]]:
    return (list(session.scalars(select(ShippingRate).order_by(ShippingRate.region,
                                                               ShippingRate.currency))),
            list(session.scalars(select(TaxRate).order_by(TaxRate.region))))


def put_shipping_rate(*, session: Session, region: str, currency: str, base_cents: int,
                      base_grams: int, step_cents: int, step_grams: int,
                      free_over_cents: int | None) -> ShippingRate:
    row = session.scalar(select(ShippingRate).where(
        ShippingRate.region == region, ShippingRate.currency == currency).with_for_update())
    if row is None:
        row = ShippingRate(region=region, currency=currency)
        session.add(row)
    row.base_cents, row.base_grams = base_cents, base_grams
    row.step_cents, row.step_grams = step_cents, step_grams
    row.free_over_cents, row.updated_at = free_over_cents, clock.now()
    session.flush()
    return row


def delete_shipping_rate(*, session: Session, region: str, currency: str) -> None:
    row = session.scalar(select(ShippingRate).where(
        ShippingRate.region == region, ShippingRate.currency == currency))
    if row is None:
        raise NotFound("no such shipping rate")
    session.delete(row)


def put_tax_rate(*, session: Session, region: str, rate_bp: int) -> TaxRate:
    row = session.get(TaxRate, region, with_for_update=True)
    if row is None:
        row = TaxRate(region=region)
        session.add(row)
    row.rate_bp, row.updated_at = rate_bp, clock.now()
    session.flush()
    return row
