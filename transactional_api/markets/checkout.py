"""A quote in a market's currency: the helper orders/pricing.quote calls when the shopper
names a market.

The price engine prices the cart in the SKUs' own (base) currency, so promotions,
coupons, budgets and price floors keep one currency. This turns its answer into the
market's currency: each line's list price is the SKU's explicit price there or its
converted price (the currency's rounding rule); a line priced by another source (tier,
member, promo) is that price converted, never above the market's list price; discounts
keep their proportion of the line; tax is recomputed on the new line totals. Shipping
uses the market currency's own shipping rates when there are any, else the base fee
converted. Every amount is an integer in the market currency's minor units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from transactional_api.events.market_events import (
    OrderCurrencyFixed,
    OrderCurrencyFixedPayload,
)
from transactional_api.events.outbox import emit
from transactional_api.markets import fx, iso4217, prices, service
from transactional_api.markets.money import (
    DEFAULT_ROUNDING,
    RATE_ONE,
    Rounding,
    convert,
    scale,
    split,
)
from transactional_api.shipping import service as shipping


@dataclass(frozen=True)
class Conversion:
    currency: str
    rate_e9: int            # 1 unit of the quote's currency in the market currency
    from_units: int
    to_units: int
    rounding: Rounding      # for prices
    explicit: dict          # sku -> explicit price in the market currency

    def price(self, amount: int) -> int:
        return convert(amount, rate_e9=self.rate_e9, from_units=self.from_units,
                       to_units=self.to_units, rounding=self.rounding)

    def fee(self, amount: int) -> int:
        """Fixed amounts (fees, thresholds): to the minor unit, no price increment."""
        return convert(amount, rate_e9=self.rate_e9, from_units=self.from_units,
                       to_units=self.to_units, rounding=DEFAULT_ROUNDING)


def localize(*, session: Session, q, market_code: str, region: str | None,
             at: datetime):
    """The quote ``q`` (orders.pricing.Quote) in the market's currency, with
    q.market, q.fx_rate_e9 (market currency -> the quote's base) and q.base_currency set.
    422 unknown_market; 409 fx_rate_missing when no rate is in force."""
    market = service.active_market(session=session, code=market_code)
    base = q.currency
    q.market, q.base_currency = market.code, base
    if market.currency == base:
        q.fx_rate_e9 = RATE_ONE
        return q
    conv = Conversion(
        currency=market.currency, rate_e9=fx.rate_at(session, base, market.currency, at),
        from_units=iso4217.minor_units(base), to_units=iso4217.minor_units(market.currency),
        rounding=fx.rounding_for(session, market.currency),
        explicit=prices.explicit_prices(session, [ln.sku_id for ln in q.lines],
                                        market.currency))
    rule = None
    if any(ln.kind != "virtual" for ln in q.lines):
        rule = shipping.rule_for(session=session, region=region, currency=market.currency)
        rule = None if rule is shipping.FREE else rule
    convert_quote(q, conv, rule)
    q.fx_rate_e9 = fx.rate_at(session, market.currency, base, at)
    return q


def convert_quote(q, conv: Conversion, rule) -> None:
    """In place: lines, then shipping per merchant (``rule``: the market currency's
    shipping rule; None converts the base fees)."""
    for ln in q.lines:
        _line(ln, conv, q.tax_rate_bp)
    goods: dict[str, int] = defaultdict(int)
    for ln in q.lines:
        if ln.kind != "virtual":
            goods[ln.merchant_id] += ln.line_total_cents
    for m in q.merchants:
        _merchant(m, conv, rule, goods[m.merchant_id])
    q.currency = conv.currency


def _line(ln, conv: Conversion, tax_rate_bp: int) -> None:
    base_gross = ln.unit_price_cents * ln.quantity
    list_price = conv.explicit.get(ln.sku_id)
    if list_price is None:
        list_price = conv.price(ln.list_price_cents)
    if ln.price_kind == "gift":
        unit = 0
    elif ln.price_kind == "list":
        unit = list_price
    else:  # another source won in base: its price converted, never above the list price
        unit = min(list_price, conv.price(ln.unit_price_cents))
    gross = unit * ln.quantity
    discount = min(gross, scale(ln.discount_cents, part=gross, whole=base_gross))
    keys = sorted(k for k, v in ln.allocations.items() if v)
    shares = split(discount, [ln.allocations[k] for k in keys])
    ln.allocations = {**{k: 0 for k in ln.allocations}, **dict(zip(keys, shares, strict=True))}
    ln.list_price_cents, ln.unit_price_cents, ln.discount_cents = list_price, unit, discount
    ln.tax_cents = shipping.tax_of(ln.line_total_cents, tax_rate_bp)


def _merchant(m, conv: Conversion, rule, goods: int) -> None:
    base_fee = m.shipping_cents + m.shipping_discount_cents
    if rule is not None:
        fee = rule.fee(weight_grams=m.weight_grams, goods_cents=goods)
        free_over = rule.free_over_cents
    else:
        fee = conv.fee(base_fee)
        free_over = conv.fee(m.free_over_cents) if m.free_over_cents is not None else None
    off = min(fee, scale(m.shipping_discount_cents, part=fee, whole=base_fee))
    keys = sorted(k for k, v in m.allocations.items() if v)
    shares = split(off, [m.allocations[k] for k in keys])
    m.allocations = {**{k: 0 for k in m.allocations}, **dict(zip(keys, shares, strict=True))}
    m.goods_cents, m.free_over_cents = goods, free_over
    m.shipping_cents, m.shipping_discount_cents = fee - off, off


def order_rate(q) -> int | None:
    """What an order stores as fx_rate_e9: the market's rate, 1 for an order in the base
    currency with no market."""
    return q.fx_rate_e9 if q.fx_rate_e9 is not None else RATE_ONE


def emit_fixed(session: Session, order, q, *, at: datetime) -> None:
    """order_currency_fixed for an order placed in a market (orders with no market are in
    the base currency at rate 1, and their events stay as they were)."""
    if q.market is None:
        return
    base = q.base_currency or order.currency
    emit(session=session, event=OrderCurrencyFixed(
        occurred_at=at, user_id=order.user_id, payload=OrderCurrencyFixedPayload(
            order_id=order.id, market=q.market, currency=order.currency,
            minor_units=iso4217.minor_units(order.currency), rate_e9=order.fx_rate_e9,
            base_currency=base, base_minor_units=iso4217.minor_units(base),
            total_minor=order.total_cents)))
